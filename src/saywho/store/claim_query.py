"""Reading claims across articles: clusters with their spread, one claim's story, similar claims.

A cluster's *appearances* are its claims in the current versions of articles (an attribution
each). Spread counts distinct articles, outlets and speakers; dates are the articles' publication
dates (an appearance without one sorts last and counts in no date filter).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
from sqlalchemy import Engine, Select, func, select
from sqlalchemy.exc import SQLAlchemyError

from ..analyze.statement import without_complementiser
from ..errors import NotFoundError, StoreError
from ..factchecks.ranking import copy_order, same_claim_key
from .claim_rows import check_encoder, current_claims
from .claim_spread import UNDATED_FIRST, UNDATED_LAST
from .engine import _reason
from .query import _about_ids, _speaker_ids, run_read
from .schema import (
    article_copies,
    article_versions,
    articles,
    attributions,
    claim_appearances,
    claim_days,
    claim_fact_checks,
    claim_spread,
    claims,
    fact_checks,
    outlets,
    speakers,
)
from .vector_index import nearest

SORTS = ("spread", "first", "recent", "checkworthiness")


@dataclass(frozen=True, slots=True)
class ClaimFilters:
    """What `claim_clusters` lists: clusters with at least one appearance that passes every
    given filter, and at least `min_outlets` outlets and `min_articles` articles in all."""

    since: date | None = None
    until: date | None = None
    outlet: str | None = None
    speaker: str | None = None
    speaker_id: int | None = None
    about: str | None = None
    min_outlets: int = 1
    min_articles: int = 1
    #: only clusters linked to a current fact-check (`saywho.store.factcheck_links`); `verdict`:
    #: to one with this verdict (implies fact-checked)
    fact_checked: bool = False
    verdict: str | None = None
    #: only clusters with a check-worthy appearance (`saywho.analyze.checkworthiness`)
    check_worthy: bool = False
    sort: str = "spread"
    limit: int = 20
    offset: int = 0


def _joint(f: ClaimFilters) -> bool:
    """Whether an appearance filter other than the dates is given (then the dates must hold for
    the same appearance, and `_matching_clusters` checks them)."""
    return bool(f.outlet or f.speaker or f.about or f.speaker_id is not None)


def _dated(page: Select[Any], f: ClaimFilters) -> Select[Any]:
    """`page` kept to clusters with an appearance dated within `f.since`…`f.until` when the
    dates are the only appearance filters: one bound is read from the spread (a cluster has an
    appearance on or after a day when its last one is; an undated cluster passes no date
    filter), a range from the days each cluster appeared on (`claim_days`, one index range)."""
    s = claim_spread
    if _joint(f) or not (f.since or f.until):
        return page
    if f.since and f.until:
        return page.where(s.c.cluster_id.in_(
            select(claim_days.c.cluster_id).where(claim_days.c.day >= f.since, claim_days.c.day <= f.until)
        ))  # fmt: skip
    if f.since:
        return page.where(s.c.last_seen >= f.since)
    return page.where(s.c.first_seen <= f.until)


def _matching_clusters(f: ClaimFilters) -> Select[Any] | None:
    """Ids of clusters with an appearance passing the appearance filters together (None: no
    filter but the dates, which `_dated` reads from the spread)."""
    if not _joint(f):
        return None
    stmt = current_claims(select(claims.c.cluster_id))
    if f.outlet:  # from the outlet's articles (indexed by outlet, 0015)
        named = select(outlets.c.id).where(func.lower(outlets.c.name) == f.outlet.lower())
        stmt = stmt.where(articles.c.outlet_id.in_(named))
    if f.speaker:
        stmt = stmt.where(attributions.c.speaker_id.in_(_speaker_ids(f.speaker)))
    if f.speaker_id is not None:
        stmt = stmt.where(attributions.c.speaker_id == f.speaker_id)
    if f.about:
        stmt = stmt.where(attributions.c.id.in_(_about_ids(f.about)))
    if f.since:
        stmt = stmt.where(article_versions.c.published_date >= f.since)
    if f.until:
        stmt = stmt.where(article_versions.c.published_date <= f.until)
    return stmt


def claim_clusters(engine: Engine, f: ClaimFilters) -> list[dict[str, Any]]:
    """Claim clusters with their spread: representative text (the first appearance's content),
    first appearance, counts, last seen, the highest check-worthiness of its appearances; sorted
    by `f.sort` (spread: most outlets, then articles; first: earliest first appearance; recent:
    latest appearance; checkworthiness: most check-worthy first)."""
    return claim_cluster_page(engine, f, count=False)[0]


def claim_cluster_page(
    engine: Engine, f: ClaimFilters, count: bool = True
) -> tuple[list[dict[str, Any]], int]:
    """`claim_clusters` and how many clusters pass the filters in all (-1 unless `count`)."""
    if f.sort not in SORTS:
        raise StoreError(
            f"unknown sort {f.sort!r}", input="--sort", remedy="use " + ", ".join(SORTS)
        )
    s = claim_spread
    page = select(s)
    if f.min_articles > 1:
        page = page.where(s.c.articles >= f.min_articles)
    if f.min_outlets > 1:  # (a claim seen only in articles of no known outlet counts 0 outlets)
        page = page.where(s.c.outlets >= f.min_outlets)
    page = _dated(page, f)
    matching = _matching_clusters(f)
    if matching is not None:
        page = page.where(s.c.cluster_id.in_(matching))
    if f.fact_checked or f.verdict:
        checked = (select(claim_fact_checks.c.cluster_id)
                   .join(fact_checks, fact_checks.c.id == claim_fact_checks.c.fact_check_id)
                   .where(fact_checks.c.current.is_(True)))  # fmt: skip
        if f.verdict:
            checked = checked.where(fact_checks.c.verdict == f.verdict)
        page = page.where(s.c.cluster_id.in_(checked))
    few: Select[Any] | None = None
    if f.check_worthy:
        from ..analyze.checkworthiness import load_model

        worthy = s.c.checkworthiness >= load_model().threshold
        page = page.where(worthy)
        if f.sort != "checkworthiness":
            few = select(s.c.cluster_id).where(worthy)
    counted = page.with_only_columns(func.count()).select_from(s)
    order = {  # each an index of claim_spread (undated and unscored sort last by their values)
        "spread": (s.c.outlets.desc(), s.c.articles.desc(), s.c.speakers.desc(), s.c.first_seen, s.c.cluster_id),
        "first": (s.c.first_seen, s.c.articles.desc(), s.c.cluster_id),
        "recent": (s.c.last_seen.desc(), s.c.articles.desc(), s.c.cluster_id),
        "checkworthiness": (s.c.checkworthiness.desc(), s.c.articles.desc(), s.c.cluster_id),
    }[f.sort]  # fmt: skip
    page = page.order_by(*order).limit(f.limit).offset(f.offset)

    def work(conn: Any) -> tuple[list[dict[str, Any]], int]:
        total = int(conn.scalar(counted) or 0) if count else -1
        chosen = page
        if few is not None and _at_most(conn, few, FEW_CHECK_WORTHY):
            # few check-worthy clusters: read them through their index and sort them, rather
            # than walk the sort order's index past every cluster that is not
            chosen = page.where(s.c.cluster_id.in_(few))
        rows = conn.execute(chosen).mappings().all() if f.limit else []
        if not rows:
            return [], total
        ids = [int(r["cluster_id"]) for r in rows]
        firsts = _first_appearances(conn, ids)
        unattributed = _unattributed_counts(conn, ids)
        checks = _linked_checks(conn, ids)
        return [
            {
                "id": int(r["cluster_id"]),
                "claim": _stated(firsts[int(r["cluster_id"])]),
                "articles": int(r["articles"]),
                "copies": int(r["copies"]),
                "outlets": int(r["outlets"]),
                "speakers": int(r["speakers"]),
                "appearances": int(r["appearances"]),
                "unattributed": unattributed.get(int(r["cluster_id"]), 0),
                "first_seen": _iso(None if r["first_seen"] == UNDATED_FIRST else r["first_seen"]),
                "last_seen": _iso(None if r["last_seen"] == UNDATED_LAST else r["last_seen"]),
                # its most check-worthy appearance's score (None: none scored)
                "checkworthiness": None
                if r["checkworthiness"] < 0
                else round(float(r["checkworthiness"]), 4),
                "first": firsts[int(r["cluster_id"])],
                "fact_checks": checks.get(int(r["cluster_id"]), []),
            }
            for r in rows
        ], total

    result: tuple[list[dict[str, Any]], int] = run_read(engine, "list claims", work)
    return result


#: at most this many check-worthy clusters: the list reads them first, then sorts them
FEW_CHECK_WORTHY = 10_000


def _at_most(conn: Any, ids: Select[Any], n: int) -> bool:
    """Whether `ids` selects at most `n` rows (reading at most n + 1 of them)."""
    return int(conn.scalar(select(func.count()).select_from(ids.limit(n + 1).subquery())) or 0) <= n


def _current_unattributed() -> Select[Any]:
    return (
        select(
            claim_appearances.c.cluster_id, claim_appearances.c.start, claim_appearances.c.end,
            claim_appearances.c.score, article_versions.c.text, article_versions.c.title,
            article_versions.c.url, article_versions.c.source, article_versions.c.published,
            article_versions.c.published_date, article_versions.c.licence,
            articles.c.id.label("article_id"), outlets.c.name.label("outlet"),
        )
        .join(article_versions, article_versions.c.id == claim_appearances.c.version_id)
        .join(articles, articles.c.current_version_id == article_versions.c.id)
        .outerjoin(outlets, outlets.c.id == articles.c.outlet_id)
    )  # fmt: skip


def _unattributed_counts(conn: Any, ids: list[int]) -> dict[int, int]:
    u = _current_unattributed().where(claim_appearances.c.cluster_id.in_(ids)).subquery()
    rows = conn.execute(select(u.c.cluster_id, func.count()).group_by(u.c.cluster_id)).all()
    return {int(r[0]): int(r[1]) for r in rows}


def _iso(day: Any) -> str | None:
    return None if day is None else str(day)[:10]


def _appearance_select() -> Select[Any]:
    return (
        current_claims(
            select(
                claims.c.cluster_id,
                attributions.c.id.label("attribution_id"),
                attributions.c.local_id,
                attributions.c.content,
                attributions.c.source_text,
                attributions.c.cue_text,
                attributions.c.cue_lemma,
                attributions.c.stance,
                attributions.c.kind,
                speakers.c.name.label("speaker"),
                speakers.c.id.label("speaker_id"),
                articles.c.id.label("article_id"),
                article_versions.c.title,
                article_versions.c.url,
                article_versions.c.source,
                article_versions.c.published,
                article_versions.c.published_date,
                article_versions.c.licence,
                outlets.c.name.label("outlet"),
                article_copies.c.original_id.label("copy_of"),
            ).select_from(claims)
        )
        .outerjoin(outlets, outlets.c.id == articles.c.outlet_id)
        .outerjoin(speakers, speakers.c.id == attributions.c.speaker_id)
        .outerjoin(article_copies, article_copies.c.article_id == articles.c.id)
    )


def _appearance(row: Any) -> dict[str, Any]:
    return {
        "attribution_id": int(row.attribution_id),
        "date": _iso(row.published_date),
        "published": row.published,
        "outlet": row.outlet,
        "article_id": int(row.article_id),
        "copy_of": None if row.copy_of is None else int(row.copy_of),
        "title": row.title,
        "url": row.url,
        "source": row.source,
        "speaker": row.speaker,
        "speaker_id": row.speaker_id,
        "source_text": row.source_text,
        "cue": row.cue_text,
        "stance": row.stance,
        "kind": row.kind,
        "content": row.content,
        "licence": row.licence,
    }


#: publication order: dated first, by day, then by the published timestamp as written
_DATE_ORDER = (article_versions.c.published_date.is_(None), article_versions.c.published_date,
               article_versions.c.published)  # fmt: skip


def _in_date_order(stmt: Select[Any]) -> Select[Any]:
    return stmt.order_by(*_DATE_ORDER, attributions.c.id)


def _stated(first: dict[str, Any]) -> str:
    """A claim's text: its first appearance's content, without the "that" an indirect (or mixed:
    partly quoted) attribution's content opens with (`without_complementiser`: "said that
    military aid … has surpassed $26.7 billion" reads "military aid … has surpassed $26.7
    billion"; a content of three words or fewer is kept whole); the appearance keeps its content
    as written."""
    content = str(first["content"])
    if first.get("kind") in ("indirect", "mixed") and len(content.split()) > 3:
        return without_complementiser(content)
    return content


def _first_appearances(conn: Any, ids: list[int]) -> dict[int, dict[str, Any]]:
    """The earliest appearance of each cluster (by publication date, then storage order)."""
    inner = _appearance_select().where(claims.c.cluster_id.in_(ids)).add_columns(
        func.row_number().over(
            partition_by=claims.c.cluster_id,
            order_by=(*_DATE_ORDER, attributions.c.id),
        ).label("n")
    ).subquery()  # fmt: skip
    rows = conn.execute(select(inner).where(inner.c.n == 1)).all()
    return {int(r.cluster_id): _appearance(r) for r in rows}


def claim_story(engine: Engine, cluster_id: int) -> dict[str, Any]:
    """One claim cluster's story: every appearance in date order, who said it first, how the
    attribution changed as it spread, and its appearances per day by outlet."""

    def work(conn: Any) -> list[Any]:
        return list(conn.execute(_in_date_order(
            _appearance_select().where(claims.c.cluster_id == cluster_id))).all())  # fmt: skip

    def unattributed_rows(conn: Any) -> list[Any]:
        return list(conn.execute(
            _current_unattributed().where(claim_appearances.c.cluster_id == cluster_id)
            .order_by(*_DATE_ORDER, claim_appearances.c.id)
        ).all())  # fmt: skip

    rows: list[Any] = run_read(engine, "read the claim", work)
    if not rows:
        raise NotFoundError("no such claim", input=f"claim {cluster_id}",
                            remedy="see saywho claims (or /api/v1/claims) for the ids")  # fmt: skip
    appearances = [_appearance(r) for r in rows]
    unattributed = [
        {"date": _iso(r.published_date), "published": r.published, "outlet": r.outlet,
         "article_id": int(r.article_id), "title": r.title, "url": r.url, "source": r.source,
         "sentence": str(r.text)[int(r.start) : int(r.end)], "start": int(r.start), "end": int(r.end),
         "score": float(r.score), "licence": r.licence}
        for r in run_read(engine, "read the claim", unattributed_rows)
    ]  # fmt: skip
    first = appearances[0]
    forms: list[dict[str, Any]] = []
    by_form: dict[str, dict[str, Any]] = {}
    for a in appearances:
        form = attribution_form(a)
        key = _form_key(form)
        entry = by_form.get(key)
        if entry is None:
            entry = {"form": form, "first_seen": a["date"], "first_outlet": a["outlet"],
                     "appearances": 0, "outlets": []}  # fmt: skip
            by_form[key] = entry
            forms.append(entry)
        entry["appearances"] += 1
        if a["outlet"] and a["outlet"] not in entry["outlets"]:
            entry["outlets"].append(a["outlet"])
    per_day: dict[str, dict[str, int]] = {}
    for a in appearances:
        if a["date"]:
            day = per_day.setdefault(a["date"], {})
            day[a["outlet"] or "unknown outlet"] = day.get(a["outlet"] or "unknown outlet", 0) + 1
    for u in unattributed:  # a series of its own per outlet: the claim stated as fact there
        if u["date"]:
            day = per_day.setdefault(u["date"], {})
            key = f"{u['outlet'] or 'unknown outlet'} (unattributed)"
            day[key] = day.get(key, 0) + 1
    return {
        "id": cluster_id,
        "claim": _stated(first),
        "first": first,
        "articles": len({a["copy_of"] or a["article_id"] for a in appearances}),
        "copies": len({a["article_id"] for a in appearances if a["copy_of"]}),
        "outlets": len({a["outlet"] for a in appearances if a["outlet"]}),
        "speakers": len({a["speaker_id"] for a in appearances if a["speaker_id"] is not None}),
        "first_seen": first["date"],
        "last_seen": max((a["date"] for a in appearances if a["date"]), default=None),
        "attribution_forms": forms,
        "unattributed": unattributed,
        "per_day": [{"date": d, "by_outlet": per_day[d]} for d in sorted(per_day)],
        "appearances": appearances,
        "fact_checks": run_read(
            engine, "read the claim's fact-checks", lambda conn: _linked_checks(conn, [cluster_id])
        ).get(cluster_id, []),
    }


def _linked_checks(conn: Any, cluster_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    """The current fact-checks linked to each cluster (`saywho.store.factcheck_links`), best
    match first; copies of one fact-check (`saywho.factchecks.ranking.same_claim_key`) are
    folded into the first in `copy_order`, which names them in ``copies``."""
    out: dict[int, list[dict[str, Any]]] = {}
    for start in range(0, len(cluster_ids), 500):
        rows = conn.execute(
            select(claim_fact_checks.c.cluster_id, fact_checks.c.id, fact_checks.c.claim_reviewed,
                   fact_checks.c.claimant, fact_checks.c.rating, fact_checks.c.verdict, fact_checks.c.fact_checker,
                   fact_checks.c.review_date, fact_checks.c.url, claim_fact_checks.c.score)
            .join(claim_fact_checks, claim_fact_checks.c.fact_check_id == fact_checks.c.id)
            .where(claim_fact_checks.c.cluster_id.in_(cluster_ids[start : start + 500]),
                   fact_checks.c.current.is_(True))
            .order_by(claim_fact_checks.c.score.desc(), fact_checks.c.id)
        )  # fmt: skip
        groups: dict[tuple[int, tuple[str, ...]], list[Any]] = {}
        for r in rows:
            key = same_claim_key(r.claim_reviewed, r.fact_checker, r.claimant)
            groups.setdefault((int(r.cluster_id), key), []).append(r)
        for (cluster, _), members in groups.items():  # (in the order of each group's best match)
            r = min(members, key=lambda m: copy_order(m.review_date, int(m.id)))
            out.setdefault(cluster, []).append({
                "id": int(r.id), "claim_reviewed": r.claim_reviewed, "rating": r.rating, "verdict": r.verdict,
                "fact_checker": r.fact_checker, "review_date": r.review_date, "url": r.url,
                "score": round(max(float(m.score) for m in members), 4),
                "copies": sorted(int(m.id) for m in members if m is not r),
            })  # fmt: skip
    return out


def fact_check_summary(checks: list[dict[str, Any]]) -> str:
    """Linked fact-checks (`_linked_checks`) in one cell: "Pants on Fire! (PolitiFact,
    https://…)", best match first, "; " between them; empty for none."""
    return "; ".join(
        f"{fc['rating'] or fc['verdict']} ({', '.join(str(x) for x in (fc['fact_checker'], fc['url']) if x)})"
        for fc in checks
    )


def claim_links_on(conn: Any, attribution_ids: list[int]) -> dict[int, dict[str, Any]]:
    """Each attribution's claim across articles and the fact-checks that address it, as the
    API, the CLI and the export give them with the attribution: ``{"claim_id", "fact_checks"}``
    for every id asked for (``None`` and ``[]`` for one stored without a claim)."""
    clusters: dict[int, int] = {}
    for start in range(0, len(attribution_ids), 500):
        part = attribution_ids[start : start + 500]
        for aid, cid in conn.execute(select(claims.c.attribution_id, claims.c.cluster_id)
                                     .where(claims.c.attribution_id.in_(part))):  # fmt: skip
            clusters[int(aid)] = int(cid)
    checks = _linked_checks(conn, sorted(set(clusters.values())))
    return {aid: {"claim_id": clusters.get(aid), "fact_checks": checks.get(clusters.get(aid, -1), [])}
            for aid in attribution_ids}  # fmt: skip


def claim_links(engine: Engine, attribution_ids: list[int]) -> dict[int, dict[str, Any]]:
    """`claim_links_on`, on a connection of its own."""
    if not attribution_ids:
        return {}
    result: dict[int, dict[str, Any]] = run_read(
        engine, "read the claims' fact-checks", lambda conn: claim_links_on(conn, attribution_ids)
    )
    return result


def fact_checks_for(engine: Engine, attribution_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    """For attributions on an article or search page: the fact-checks linked to each one's claim
    cluster (attributions without any are left out)."""
    return {aid: link["fact_checks"] for aid, link in claim_links(engine, attribution_ids).items()
            if link["fact_checks"]}  # fmt: skip


def checked_claims(engine: Engine, fact_check_id: int, limit: int = 100) -> list[dict[str, Any]]:
    """The claim clusters a fact-check is linked to, best match first: each with its text (its
    first appearance's), its first appearance, its spread in articles and the link's score."""

    def work(conn: Any) -> list[dict[str, Any]]:
        links = conn.execute(
            select(claim_fact_checks.c.cluster_id, claim_fact_checks.c.score)
            .where(claim_fact_checks.c.fact_check_id == fact_check_id)
            .order_by(claim_fact_checks.c.score.desc(), claim_fact_checks.c.cluster_id).limit(limit)
        ).all()  # fmt: skip
        ids = [int(r.cluster_id) for r in links]
        if not ids:
            return []
        firsts = _first_appearances(conn, ids)
        spread = {int(r[0]): int(r[1]) for r in conn.execute(
            select(claim_spread.c.cluster_id, claim_spread.c.articles)
            .where(claim_spread.c.cluster_id.in_(ids)))}  # fmt: skip
        return [{"id": cid, "claim": _stated(firsts[cid]), "score": round(float(r.score), 4),
                 "articles": spread.get(cid, 0), "first": firsts[cid]}
                for cid, r in zip(ids, links, strict=True) if cid in firsts]  # fmt: skip

    result: list[dict[str, Any]] = run_read(engine, "read the fact-check's claims", work)
    return result


_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"'})


def _form_key(form: str) -> str:
    """Forms written alike up to case, spacing and curly quotes are one form."""
    return " ".join(form.translate(_APOSTROPHES).casefold().split())


def attribution_form(appearance: dict[str, Any]) -> str:
    """How an appearance credits the claim: "<who> <cue>" as written ("Russia's envoy claimed",
    "Moscow says"), or "<cue> (no source named)" when the text names nobody."""
    who = appearance.get("source_text") or appearance.get("speaker")
    cue = appearance.get("cue") or ""
    return f"{who} {cue}".strip() if who else f"{cue} (no source named)".strip()


def cluster_of(engine: Engine, attribution_ids: list[int]) -> dict[int, dict[str, Any]]:
    """For attributions on an article page: each claim's cluster, its other articles' count and
    its first appearance (only clusters with appearances in other articles are returned)."""
    if not attribution_ids:
        return {}

    def work(conn: Any) -> dict[int, dict[str, Any]]:
        mine = conn.execute(
            select(claims.c.attribution_id, claims.c.cluster_id, attributions.c.version_id)
            .join(attributions, attributions.c.id == claims.c.attribution_id)
            .where(claims.c.attribution_id.in_(attribution_ids))
        ).all()
        if not mine:
            return {}
        ids = sorted({int(r.cluster_id) for r in mine})
        counts = {
            int(r[0]): (int(r[1]), r[2])
            for r in conn.execute(
                select(claim_spread.c.cluster_id, claim_spread.c.articles, claim_spread.c.outlets)
                .where(claim_spread.c.cluster_id.in_(ids))
            )
        }  # fmt: skip
        firsts = _first_appearances(conn, ids)
        out: dict[int, dict[str, Any]] = {}
        for r in mine:
            cid = int(r.cluster_id)
            total, outlets_n = counts.get(cid, (1, 0))
            if total <= 1:
                continue
            out[int(r.attribution_id)] = {
                "cluster_id": cid, "other_articles": total - 1, "outlets": int(outlets_n),
                "first": firsts[cid],
            }  # fmt: skip
        return out

    result: dict[int, dict[str, Any]] = run_read(engine, "read claim clusters", work)
    return result


def similar(engine: Engine, text: str, top: int = 10) -> list[dict[str, Any]]:
    """The stored claims most like `text` (cosine similarity of the embeddings), best first."""
    from ..claims import claim_text
    from ..claims.cluster import dense_vectors

    if not claim_text(text).strip():
        raise StoreError("the text to compare is empty", input="TEXT", remedy="give a statement")
    # vectors of other weights than the stored ones would be compared with them meaninglessly
    run_read(
        engine, "read the store's claim encoder", lambda conn: check_encoder(conn, claim=False)
    )
    query = dense_vectors([text])[0]
    try:
        hits = nearest(engine, query, top)
    except SQLAlchemyError as exc:
        raise StoreError(
            f"cannot search similar claims ({_reason(exc)})", remedy="check --db"
        ) from exc
    if not hits:
        return []
    ids = [aid for aid, _ in hits]

    def work(conn: Any) -> dict[int, Any]:
        rows = conn.execute(_appearance_select().where(claims.c.attribution_id.in_(ids))).all()
        return {int(r.attribution_id): r for r in rows}

    rows: dict[int, Any] = run_read(engine, "read similar claims", work)
    return [
        {
            "score": round(score, 4),
            "cluster_id": int(rows[aid].cluster_id),
            **_appearance(rows[aid]),
        }
        for aid, score in hits
        if aid in rows
    ]


def nearest_claims(engine: Engine, query: np.ndarray, top: int) -> list[tuple[int, float]]:
    """The `top` current claims nearest to the unit vector `query`: (attribution id, cosine), by
    reading every stored vector (what `vector_index.nearest` is checked against, and its
    benchmark's baseline)."""
    best_ids = np.zeros(0, dtype=np.int64)
    best_scores = np.zeros(0, dtype=np.float32)
    chunk = 50_000

    def work(conn: Any) -> tuple[np.ndarray, np.ndarray]:
        ids_all, scores_all = best_ids, best_scores
        stmt = current_claims(select(claims.c.attribution_id, claims.c.vector))
        result = conn.execution_options(yield_per=chunk).execute(stmt)
        for part in result.partitions(chunk):
            ids = np.fromiter((int(r[0]) for r in part), dtype=np.int64, count=len(part))
            matrix = np.frombuffer(b"".join(bytes(r[1]) for r in part), dtype=np.float16)
            scores = matrix.reshape(len(part), -1).astype(np.float32) @ query
            ids_all = np.concatenate([ids_all, ids])
            scores_all = np.concatenate([scores_all, scores])
            if ids_all.size > top:
                keep = np.argpartition(-scores_all, top - 1)[:top]
                ids_all, scores_all = ids_all[keep], scores_all[keep]
        return ids_all, scores_all

    ids, scores = run_read(engine, "search similar claims", work)
    order = np.lexsort((ids, -scores))[:top]
    return [(int(ids[i]), float(scores[i])) for i in order]


__all__ = ["SORTS", "ClaimFilters", "attribution_form", "claim_cluster_page", "claim_clusters", "claim_story", "cluster_of",
           "nearest_claims", "similar"]  # fmt: skip
