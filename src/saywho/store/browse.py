"""Reading the store for the web: one article with its attributions, paged lists, facets,
one speaker, one entity, the overview.

    page = attribution_list(engine, Filters(query="Islamic State", stance="accusing"), 20, 0)
    detail = article_detail(engine, page.items[0]["article_id"])

Ids are the store's own integer ids (articles, attributions, speakers); an entity's id is its
normalised name, the key `about` matches on. Like `query`, every user value is bound as a
parameter, only current article versions are read, and database errors become `StoreError`s;
an id that names nothing raises `NotFoundError`.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Engine,
    Select,
    func,
    literal_column,
    or_,
    select,
)

from ..analyze.checkworthiness import checkworthiness_fields
from ..errors import NotFoundError
from ..wordlists import FIRST_PERSON_SINGULAR
from . import counts, tallies
from .counts import (
    FACETS,
    Facets,
    Summary,
    fts_matches,
    passing,
    summarised,
    summary,
    summary_facets,
    tallied,
    unfiltered,
)
from .figure_query import article_figures
from .query import (
    Filters,
    claims_select,
    filtered,
    run_read,
    search,
    speakers_top,
    stats,
)
from .schema import (
    article_copies,
    article_speakers,
    article_versions,
    articles,
    attributions,
    mentions,
    outlets,
    speaker_aliases,
    speaker_roles,
    speakers,
)
from .speakers import normalise


@dataclass(frozen=True, slots=True)
class Page:
    """One page of a list and how many items the whole list holds."""

    items: list[dict[str, Any]]
    total: int
    limit: int
    offset: int


# --- claims --------------------------------------------------------------------------------


def _claims() -> Select[Any]:
    """`query`'s claims select plus what a page needs to link a claim to its place."""
    return claims_select().add_columns(
        articles.c.id.label("article_id"),
        attributions.c.speaker_id,
        attributions.c.field,
        attributions.c.content_start,
        attributions.c.content_end,
    )


def _claim(row: Any, snippet: str | None = None, rank: float | None = None) -> dict[str, Any]:
    return {
        "id": row.id, "article_id": row.article_id, "speaker_id": row.speaker_id,
        "speaker": row.speaker, "source": row.source_text, "cue": row.cue_text,
        "cue_lemma": row.cue_lemma, "stance": row.stance, "kind": row.kind,
        "content": row.content, "field": row.field, "start": row.content_start,
        "end": row.content_end, "confidence": row.confidence, "method": row.method,
        **checkworthiness_fields(row.checkworthiness), "title": row.title,
        "url": row.url, "outlet": row.outlet, "published": row.published,
        "licence": row.licence, "snippet": snippet, "rank": rank,
    }  # fmt: skip


def _matching(engine: Engine, query: str) -> ColumnElement[bool]:
    """Attributions whose content matches `query`, with `search`'s safe query syntax."""
    if engine.dialect.name == "sqlite":
        return attributions.c.id.in_(fts_matches(query))
    tsv: Any = literal_column("attributions.content_tsv")
    return tsv.op("@@")(func.plainto_tsquery("english", query))  # type: ignore[no-any-return]


def _selected(engine: Engine, stmt: Select[Any], f: Filters) -> Select[Any]:
    stmt = filtered(stmt, f)
    if f.query and f.query.strip():
        stmt = stmt.where(_matching(engine, f.query))
    return stmt


def _counted(conn: Connection, stmt: Select[Any]) -> int:
    return int(conn.scalar(select(func.count()).select_from(stmt.subquery())) or 0)


def attribution_list(engine: Engine, f: Filters, limit: int, offset: int) -> Page:
    """Claims passing `f`: with a query, best match first (`search`'s ranking and snippets);
    without one, newest first; either way the most check-worthy first when ``f.sort`` says so."""
    if unfiltered(f):
        total = run_read(engine, "count claims", lambda conn: tallies.total(conn, "attributions"))
    elif summarised(engine, f) and f.query and f.query.strip():
        total = run_read(engine, "count claims", lambda conn: summary(conn, f).total)
    elif summarised(engine, f):
        total = run_read(engine, "count claims", lambda conn: passing(conn, f))
    else:
        base = _selected(engine, claims_select(), f)

        def count(conn: Connection) -> int:
            known = counts.tallied_total(conn, f)
            return _counted(conn, base) if known is None else known

        total = run_read(engine, "count claims", count)
    return _listed(engine, f, limit, offset, total)


def _listed(engine: Engine, f: Filters, limit: int, offset: int, total: int) -> Page:
    if limit == 0 or offset >= total:
        return Page([], total, limit, offset)
    if f.query and f.query.strip():
        # `search` ranks the best offset + limit and reads only the page's rows
        hits = search(engine, replace(f, limit=limit), offset=offset)
        ids = [h.id for h in hits]
        rows = run_read(engine, "read claims",
                    lambda conn: conn.execute(_claims().where(attributions.c.id.in_(ids))).all())  # fmt: skip
        by_id = {r.id: r for r in rows}
        items = [_claim(by_id[h.id], h.snippet, h.rank) for h in hits if h.id in by_id]
        return Page(items, total, limit, offset)
    cw = attributions.c.checkworthiness
    order = (
        (cw.is_(None), cw.desc(), attributions.c.id)
        if f.sort == "checkworthiness"
        else (article_versions.c.published.desc().nulls_last(), attributions.c.id.desc())
    )
    stmt = filtered(_claims(), f).order_by(*order).limit(limit).offset(offset)
    rows = run_read(engine, "read claims", lambda conn: conn.execute(stmt).all())
    return Page([_claim(r) for r in rows], total, limit, offset)


def facets(engine: Engine, f: Filters, top: int = 10) -> Facets:
    """For each of `FACETS`, the most frequent values among the claims passing `f`, with counts
    (a speaker value also carries its id, so a page can link it); ties by value. Exact, except
    past `FACET_BOUND` passing claims, where the most recently stored `FACET_BOUND` are counted
    (a search without words; on PostgreSQL any search): `search_page` says how many it counted."""
    return _facets(engine, f, top)[0]


def _facets(engine: Engine, f: Filters, top: int) -> tuple[Facets, int | None]:
    if unfiltered(f):
        whole: Facets = run_read(engine, "count facets",
                                 lambda conn: summary_facets(conn, tallied(conn, top), top))  # fmt: skip
        return whole, None

    def read(conn: Connection) -> tuple[Facets, int | None]:
        counted = _summary(conn, engine, f)
        return summary_facets(conn, counted, top), counted.sampled

    result: tuple[Facets, int | None] = run_read(engine, "count facets", read)
    return result


def _summary(conn: Connection, engine: Engine, f: Filters) -> Summary:
    return summary(conn, f) if summarised(engine, f) else _joined_summary(conn, engine, f)


def search_page(
    engine: Engine, f: Filters, limit: int, offset: int, top: int = 10
) -> tuple[Page, Facets, int | None]:
    """`attribution_list` and `facets` together, as the search page and API show them, and how
    many of the claims the facets counted when not all of them (None: all). On SQLite with a
    query the matches are read once for both the total and the facets."""
    if unfiltered(f):
        return attribution_list(engine, f, limit, offset), *_facets(engine, f, top)

    def read(conn: Connection) -> tuple[int, Facets, int | None]:
        counted = _summary(conn, engine, f)
        return counted.total, summary_facets(conn, counted, top), counted.sampled

    total, values, sampled = run_read(engine, "count facets", read)
    return _listed(engine, f, limit, offset, total), values, sampled


def _joined_summary(conn: Connection, engine: Engine, f: Filters) -> Summary:
    """`summary` through the claims join (PostgreSQL): the total is an exact count; the facets
    count the passing claims up to `FACET_BOUND`, past it the most recently stored (as on
    SQLite), in one pass rather than a GROUP BY per facet over every passing claim."""
    base = _selected(engine, select(attributions.c.id).select_from(
        claims_select().get_final_froms()[0]), f)  # fmt: skip
    known = counts.tallied_total(conn, f)
    total = _counted(conn, base) if known is None else known
    newest = (
        base.with_only_columns(attributions.c.speaker_id, articles.c.outlet_id,
                               attributions.c.stance, attributions.c.kind)
        .order_by(attributions.c.id.desc()).limit(counts.FACET_BOUND)
    )  # fmt: skip
    return counts.counted(total, conn.execute(newest).all())


# --- articles ------------------------------------------------------------------------------


def article_detail(engine: Engine, article_id: int) -> dict[str, Any]:
    """One article's current version with its attributions (offsets into "field"), speakers and
    figures; attribution, parent and speaker ids (and a figure's "attribution") are the store's ids."""

    def read(conn: Connection) -> dict[str, Any]:
        row = conn.execute(
            select(articles.c.id, outlets.c.name.label("outlet"), article_versions)
            .join(article_versions, article_versions.c.id == articles.c.current_version_id)
            .outerjoin(outlets, outlets.c.id == articles.c.outlet_id)
            .where(articles.c.id == article_id)
        ).first()
        if row is None:
            raise NotFoundError("no such article", input=f"article {article_id}",
                                remedy="see /api/v1/articles for the ids")  # fmt: skip
        version_id = row[2]  # article_versions.id (the selected columns' third)
        people = conn.execute(
            select(article_speakers.c.local_id, article_speakers.c.speaker_id, speakers.c.name,
                   speakers.c.type, article_speakers.c.descriptions)
            .join(speakers, speakers.c.id == article_speakers.c.speaker_id)
            .where(article_speakers.c.version_id == version_id)
            .order_by(article_speakers.c.id)
        ).all()  # fmt: skip
        found = conn.execute(
            select(attributions).where(attributions.c.version_id == version_id)
            .order_by(attributions.c.id)
        ).all()  # fmt: skip
        figures = [
            {"id": f.id, "text": f.text, "start": f.start, "end": f.end, "field": f.field,
             "value": f.value, "high": f.high, "unit": f.unit, "qualifier": f.qualifier,
             "measure": f.measure, "attribution": f.attribution_id}
            for f in article_figures(conn, version_id)
        ]  # fmt: skip
        return {**_article_dict(row, people, found), "figures": figures,
                "copies": _copies(conn, article_id)}  # fmt: skip

    detail: dict[str, Any] = run_read(engine, "read the article", read)
    return detail


def _copies(conn: Connection, article_id: int) -> list[dict[str, Any]]:
    """The other articles of the story `article_id` belongs to (syndicated copies), original first."""
    original = conn.scalar(
        select(article_copies.c.original_id).where(article_copies.c.article_id == article_id)
    )
    root = int(original) if original is not None else article_id
    members = select(article_copies.c.article_id).where(article_copies.c.original_id == root)
    rows = conn.execute(
        select(articles.c.id, article_versions.c.title, outlets.c.name, article_versions.c.published)
        .join(article_versions, article_versions.c.id == articles.c.current_version_id)
        .outerjoin(outlets, outlets.c.id == articles.c.outlet_id)
        .where(or_(articles.c.id == root, articles.c.id.in_(members)), articles.c.id != article_id)
        .order_by(articles.c.id != root, articles.c.id)
    ).all()  # fmt: skip
    return [{"id": int(r[0]), "title": r[1], "outlet": r[2], "published": r[3],
             "original": int(r[0]) == root} for r in rows]  # fmt: skip


def _article_dict(row: Any, people: Sequence[Any], found: Sequence[Any]) -> dict[str, Any]:
    m = row._mapping
    body = m[article_versions.c.text]
    fields = {"text": body, "title": m[article_versions.c.title] or "",
              "standfirst": m[article_versions.c.standfirst] or ""}  # fmt: skip
    by_local = {a.local_id: a.id for a in found}
    spoken: dict[str, Any] = {}
    for p in people:
        entry = spoken.setdefault(str(p.speaker_id), {"name": p.name, "type": p.type,
                                                      "descriptions": []})  # fmt: skip
        entry["descriptions"] += [d for d in json.loads(p.descriptions or "[]")
                                  if d not in entry["descriptions"]]  # fmt: skip

    def span(start: int | None, end: int | None, field: str) -> dict[str, Any] | None:
        if start is None or end is None:
            return None
        return {"text": fields.get(field, body)[start:end], "start": start, "end": end}

    def content(a: Any) -> dict[str, Any] | None:
        whole = span(a.content_start, a.content_end, a.field)
        if whole is not None:
            parts = (
                json.loads(a.content_parts) if a.content_parts else [[whole["start"], whole["end"]]]
            )
            whole["parts"] = [{"start": s, "end": e} for s, e in parts]
        return whole

    out = []
    for a in found:
        source = span(a.source_start, a.source_end, a.field)
        if source is not None:
            source["speaker"] = a.speaker_id
            # "I" given a speaker outside any quotation: a transcript turn's or the author's
            source["first_person"] = bool(
                a.speaker_id is not None and a.parent_local_id is None
                and (a.source_text or "").casefold() in FIRST_PERSON_SINGULAR
            )  # fmt: skip
        cue = span(a.cue_start, a.cue_end, a.field) or {}
        out.append({
            "id": a.id, "kind": a.kind, "field": a.field, "source": source,
            "cue": {**cue, "lemma": a.cue_lemma, "stance": a.stance},
            "content": content(a),
            "sentence": a.sentence, "parent": by_local.get(a.parent_local_id),
            "confidence": a.confidence, "method": a.method, "speaker": a.speaker_id,
            **checkworthiness_fields(a.checkworthiness),
        })  # fmt: skip
    return {
        "id": m[articles.c.id], "title": m[article_versions.c.title],
        "standfirst": m[article_versions.c.standfirst], "text": body,
        "paragraphs": [list(p) for p in json.loads(m[article_versions.c.paragraphs] or "[]")],
        "url": m[article_versions.c.url], "outlet": m["outlet"],
        "published": m[article_versions.c.published],
        "authors": json.loads(m[article_versions.c.authors] or "[]"),
        "language": m[article_versions.c.language], "licence": m[article_versions.c.licence],
        "source": m[article_versions.c.source], "version": m[article_versions.c.version],
        "analyser": m[article_versions.c.analyser], "attributions": out, "speakers": spoken,
    }  # fmt: skip


def article_list(engine: Engine, limit: int, offset: int) -> Page:
    """Articles, newest first, with how many attributions each holds."""
    n = (select(func.count()).where(attributions.c.version_id == article_versions.c.id)
         .correlate(article_versions).scalar_subquery())  # fmt: skip
    stmt = (
        select(articles.c.id, article_versions.c.title, article_versions.c.url,
               outlets.c.name.label("outlet"), article_versions.c.published,
               article_versions.c.licence, n.label("attributions"))
        .join(article_versions, article_versions.c.id == articles.c.current_version_id)
        .outerjoin(outlets, outlets.c.id == articles.c.outlet_id)
        .order_by(article_versions.c.published.desc().nulls_last(), articles.c.id.desc())
        .limit(limit).offset(offset)
    )  # fmt: skip

    def read(conn: Connection) -> Page:
        total = tallies.total(conn, "articles")
        rows = conn.execute(stmt).all() if limit else []
        return Page([dict(r._mapping) for r in rows], total, limit, offset)

    page: Page = run_read(engine, "list articles", read)
    return page


# --- speakers ------------------------------------------------------------------------------


def speaker_list(engine: Engine, limit: int, offset: int, *, generic: bool = False) -> Page:
    """Speakers with at least one current attribution, most quoted first; GENERIC ones
    ("police", "researchers") only with `generic`."""

    def count(conn: Connection) -> int:
        named = tallies.distinct(conn, "speaker")
        return named + (tallies.distinct(conn, "generic") if generic else 0)

    # (one read after the other: a read inside another would hold a connection while it waits
    # for a second, and a busy server's pool runs dry)
    total: int = run_read(engine, "list speakers", count)
    rows = speakers_top(engine, limit, offset, generic=generic) if limit else []
    return Page(rows, total, limit, offset)


def speaker_detail(engine: Engine, speaker_id: int, latest: int = 10) -> dict[str, Any]:
    """One speaker: names, roles over time, counts by stance, timeline, top entities, claims."""

    def read(conn: Connection) -> dict[str, Any]:
        head = conn.execute(select(speakers.c.id, speakers.c.name, speakers.c.type)
                            .where(speakers.c.id == speaker_id)).first()  # fmt: skip
        if head is None:
            raise NotFoundError("no such speaker", input=f"speaker {speaker_id}",
                                remedy="see /api/v1/speakers for the ids")  # fmt: skip
        aliases: Sequence[Any] = conn.execute(select(speaker_aliases.c.alias)
                               .where(speaker_aliases.c.speaker_id == speaker_id)
                               .order_by(speaker_aliases.c.alias)).scalars().all()  # fmt: skip
        roles = conn.execute(
            select(speaker_roles.c.role, speaker_roles.c.first_seen, speaker_roles.c.last_seen,
                   speaker_roles.c.count)
            .where(speaker_roles.c.speaker_id == speaker_id)
            .order_by(speaker_roles.c.first_seen.nulls_last(), speaker_roles.c.role)
        ).all()  # fmt: skip
        mine = attributions.c.speaker_id == speaker_id
        return {
            "id": head.id, "name": head.name, "type": head.type, "aliases": list(aliases),
            "roles": [dict(r._mapping) for r in roles], **_profile(conn, mine, latest),
            "entities": _top_entities(conn, mine),
        }  # fmt: skip

    detail: dict[str, Any] = run_read(engine, "read the speaker", read)
    return detail


def _profile(conn: Connection, where: ColumnElement[bool], latest: int) -> dict[str, Any]:
    """Counts by stance, the timeline and the latest claims of the attributions `where` picks."""
    base = claims_select().get_final_froms()[0]
    n = func.count(attributions.c.id)
    per_day = conn.execute(
        select(article_versions.c.published_date, attributions.c.stance, n.label("n"))
        .select_from(base).where(where)
        .group_by(article_versions.c.published_date, attributions.c.stance)
    ).all()  # fmt: skip
    by_stance: Counter[str] = Counter()
    for r in per_day:
        by_stance[r.stance] += int(r.n)
    claims = conn.execute(
        _claims().where(where)
        .order_by(article_versions.c.published.desc().nulls_last(), attributions.c.id.desc())
        .limit(latest)
    ).all()  # fmt: skip
    return {
        "attributions": sum(by_stance.values()), "by_stance": dict(by_stance.most_common()),
        "timeline": timeline_buckets((_as_date(r.published_date), r.stance, int(r.n)) for r in per_day),
        "latest": [_claim(r) for r in claims],
    }  # fmt: skip


def _top_entities(
    conn: Connection, where: ColumnElement[bool], top: int = 10
) -> list[dict[str, Any]]:
    n = func.count(func.distinct(mentions.c.attribution_id))
    rows = conn.execute(
        select(mentions.c.normalised, func.min(mentions.c.text).label("name"), n.label("n"))
        .join(attributions, attributions.c.id == mentions.c.attribution_id)
        .join(articles, articles.c.current_version_id == attributions.c.version_id)
        .where(where).group_by(mentions.c.normalised)
        .order_by(n.desc(), mentions.c.normalised).limit(top)
    ).all()  # fmt: skip
    return [{"id": r.normalised, "name": r.name, "count": int(r.n)} for r in rows]


def timeline_buckets(
    rows: Iterable[tuple[date | None, str, int]], unit: str | None = None
) -> dict[str, Any]:
    """Per-day counts by stance grouped into weeks (ISO, Monday first) or months.

    Without `unit`, weeks when the dates span at most 26 weeks, else months. Every period from
    the first to the last is listed, empty ones too, so a chart's x axis is even.

    >>> timeline_buckets([(date(2024, 1, 3), "neutral", 2)])
    {'unit': 'week', 'buckets': [{'period': '2024-01-01', 'counts': {'neutral': 2}}], 'undated': 0}
    """
    dated: list[tuple[date, str, int]] = []
    undated = 0
    for day, stance, n in rows:
        if day is None:
            undated += n
        else:
            dated.append((day, stance, n))
    if not dated:
        return {"unit": unit or "month", "buckets": [], "undated": undated}
    first, last = min(d for d, _, _ in dated), max(d for d, _, _ in dated)
    unit = unit or ("week" if (last - first).days <= 26 * 7 else "month")

    def period(day: date) -> date:
        return day - timedelta(days=day.weekday()) if unit == "week" else day.replace(day=1)

    counts: dict[date, Counter[str]] = defaultdict(Counter)
    for day, stance, n in dated:
        counts[period(day)][stance] += n
    buckets, current = [], period(first)
    while current <= period(last):
        label = current.isoformat() if unit == "week" else current.isoformat()[:7]
        buckets.append({"period": label, "counts": dict(counts.get(current, Counter()))})
        if unit == "week":
            current += timedelta(days=7)
        else:
            current = date(current.year + current.month // 12, current.month % 12 + 1, 1)
    return {"unit": unit, "buckets": buckets, "undated": undated}


def _as_date(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])  # SQLite may hand back the ISO text


# --- entities ------------------------------------------------------------------------------


def _current_mentions() -> Select[Any]:
    return (select(mentions.c.normalised)
            .join(attributions, attributions.c.id == mentions.c.attribution_id)
            .join(articles, articles.c.current_version_id == attributions.c.version_id))  # fmt: skip


def entity_list(engine: Engine, limit: int, offset: int) -> Page:
    """Entities named inside claims, most claimed about first (ties by key), from the store's
    tallies; the names and speakers of only the entities listed are read."""

    def read(conn: Connection) -> Page:
        total = tallies.distinct(conn, "entity")
        items = []
        for key, n in tallies.ranked(conn, "entity", limit, offset) if limit else []:
            head = conn.execute(
                _current_mentions().with_only_columns(
                    func.min(mentions.c.text), func.min(mentions.c.label),
                    func.count(func.distinct(attributions.c.speaker_id)))
                .where(mentions.c.normalised == key)
            ).one()  # fmt: skip
            items.append({"id": key, "name": head[0], "label": head[1], "claims": n,
                          "speakers": int(head[2])})  # fmt: skip
        return Page(items, total, limit, offset)

    page: Page = run_read(engine, "list entities", read)
    return page


def entity_detail(engine: Engine, entity: str, latest: int = 10) -> dict[str, Any]:
    """Who makes claims about an entity, with which stances, over time."""
    keys = {entity, normalise(entity) or entity.casefold()}

    def read(conn: Connection) -> dict[str, Any]:
        names = conn.execute(
            select(mentions.c.normalised, mentions.c.text, func.count().label("n"))
            .where(mentions.c.normalised.in_(sorted(keys)))
            .group_by(mentions.c.normalised, mentions.c.text).order_by(func.count().desc())
        ).all()  # fmt: skip
        if not names:
            raise NotFoundError("no claims name this entity", input=entity,
                                remedy="see /api/v1/entities for the ids")  # fmt: skip
        key = names[0].normalised
        about = attributions.c.id.in_(
            select(mentions.c.attribution_id).where(mentions.c.normalised == key)
        )
        n = func.count(attributions.c.id)
        who = conn.execute(
            select(attributions.c.speaker_id, speakers.c.name, attributions.c.stance, n.label("n"))
            .select_from(claims_select().get_final_froms()[0]).where(about)
            .group_by(attributions.c.speaker_id, speakers.c.name, attributions.c.stance)
        ).all()  # fmt: skip
        by_speaker: dict[Any, dict[str, Any]] = {}
        for r in who:
            entry = by_speaker.setdefault(r.speaker_id, {"id": r.speaker_id, "name": r.name,
                                                         "count": 0, "by_stance": {}})  # fmt: skip
            entry["count"] += int(r.n)
            entry["by_stance"][r.stance] = int(r.n)
        ranked = sorted(by_speaker.values(), key=lambda e: (-e["count"], e["name"] or "~"))
        return {
            "id": key,
            "name": names[0].text,
            "names": sorted({r.text for r in names if r.normalised == key}),
            "speakers": ranked,
            **_profile(conn, about, latest),
        }

    detail: dict[str, Any] = run_read(engine, "read the entity", read)
    return detail


# --- overview ------------------------------------------------------------------------------


def overview(engine: Engine, top: int = 10) -> dict[str, Any]:
    """What the front page shows: counts, top speakers, recent articles, licence lines."""

    def licences(conn: Connection) -> list[str]:
        return [licence for licence, _ in tallies.ranked(conn, "licence", 3)]

    return {
        "counts": stats(engine),
        "speakers": speakers_top(engine, top),
        "articles": article_list(engine, top, 0).items,
        "licences": run_read(engine, "read licences", licences),
    }


__all__ = ["FACETS", "Page", "article_detail", "article_list", "attribution_list",
           "entity_detail", "entity_list", "facets", "overview", "search_page", "speaker_detail",
           "speaker_list", "timeline_buckets"]  # fmt: skip
