"""Reading the store: search, speakers, one speaker, claims about an entity, stats.

Every query reads the current version of each article only, binds every user value as a
parameter (never formatted into SQL), and turns database errors into one-line `StoreError`s.
Full-text search turns the user's words into a safe query first: on SQLite every word or
"quoted phrase" becomes a quoted FTS5 string, so FTS operators (NEAR, AND, *, parentheses) are
searched as words; on PostgreSQL the text goes through ``plainto_tsquery``.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from sqlalchemy import (
    Connection,
    Engine,
    Float,
    Integer,
    Select,
    bindparam,
    column,
    func,
    literal_column,
    or_,
    select,
    table,
    text,
)
from sqlalchemy.exc import SQLAlchemyError

from ..errors import StoreError
from .engine import _reason
from .schema import (
    article_versions,
    articles,
    attributions,
    ingest_errors,
    ingest_runs,
    mentions,
    outlets,
    speaker_aliases,
    speaker_roles,
    speakers,
)
from .speakers import normalise

HIGHLIGHT = ("«", "»")
_FTS_TABLE = table("attribution_fts", column("rowid"))
_TERM = re.compile(r'"([^"]*)"|(\S+)')


@dataclass(frozen=True, slots=True)
class Filters:
    """What `search` and `export` select; every field is optional except a search's query."""

    query: str | None = None
    speaker: str | None = None
    about: str | None = None
    stance: str | None = None
    kind: str | None = None
    outlet: str | None = None
    since: date | None = None
    until: date | None = None
    limit: int | None = None


@dataclass(frozen=True, slots=True)
class Claim:
    """One stored attribution as queries return it."""

    id: int
    speaker: str | None
    source: str | None
    cue: str
    cue_lemma: str
    stance: str
    kind: str
    content: str
    confidence: float
    title: str | None
    url: str | None
    outlet: str | None
    published: str | None
    article_source: str
    licence: str | None
    snippet: str | None = None
    rank: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def fts5_query(text: str) -> str:
    """The user's words as an FTS5 query that cannot be a syntax error.

    >>> fts5_query('NEAR(ISIS "Islamic State" col:x*')
    '"NEAR" "ISIS" "Islamic State" "col" "x"'
    """
    terms = []
    for phrase, word in _TERM.findall(text):
        # a "quoted phrase" stays one FTS5 phrase; anything else is cut into its words, so
        # operators and punctuation (NEAR(, *, ^, col:) are searched as plain words
        pieces = [phrase] if phrase else re.split(r"[^\w]+", word)
        terms += ['"' + p.strip().replace('"', '""') + '"' for p in pieces if re.search(r"\w", p)]
    if not terms:
        raise StoreError(
            "the search has no words in it", input=repr(text), remedy="search for words"
        )
    return " ".join(terms)


def _claims_select() -> Select[Any]:
    return (
        select(
            attributions.c.id,
            speakers.c.name.label("speaker"),
            attributions.c.source_text,
            attributions.c.cue_text,
            attributions.c.cue_lemma,
            attributions.c.stance,
            attributions.c.kind,
            attributions.c.content,
            attributions.c.confidence,
            article_versions.c.title,
            article_versions.c.url,
            outlets.c.name.label("outlet"),
            article_versions.c.published,
            article_versions.c.source,
            article_versions.c.licence,
        )  # fmt: skip
        .select_from(attributions)
        .join(article_versions, article_versions.c.id == attributions.c.version_id)
        .join(articles, articles.c.current_version_id == article_versions.c.id)
        .outerjoin(outlets, outlets.c.id == articles.c.outlet_id)
        .outerjoin(speakers, speakers.c.id == attributions.c.speaker_id)
    )


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _word_match(column: Any, norm: str) -> Any:
    """`column` equals `norm` or contains it as whole words."""
    e = _like_escape(norm)
    return or_(column == norm, column.like(f"{e} %", escape="\\"), column.like(f"% {e}", escape="\\"),
               column.like(f"% {e} %", escape="\\"))  # fmt: skip


def _filtered(stmt: Select[Any], f: Filters) -> Select[Any]:
    if f.speaker:
        norm = normalise(f.speaker) or f.speaker.casefold()
        stmt = stmt.where(attributions.c.speaker_id.in_(
            select(speaker_aliases.c.speaker_id).where(_word_match(speaker_aliases.c.normalised, norm))))  # fmt: skip
    if f.about:
        norm = normalise(f.about) or f.about.casefold()
        stmt = stmt.where(attributions.c.id.in_(
            select(mentions.c.attribution_id).where(_word_match(mentions.c.normalised, norm))))  # fmt: skip
    if f.stance:
        stmt = stmt.where(attributions.c.stance == f.stance)
    if f.kind:
        stmt = stmt.where(attributions.c.kind == f.kind)
    if f.outlet:
        stmt = stmt.where(func.lower(outlets.c.name) == f.outlet.lower())
    if f.since:
        stmt = stmt.where(article_versions.c.published_date >= f.since)
    if f.until:
        stmt = stmt.where(article_versions.c.published_date <= f.until)
    return stmt


def _claim(row: Any, snippet: str | None = None, rank: float | None = None) -> Claim:
    return Claim(
        id=row.id, speaker=row.speaker, source=row.source_text, cue=row.cue_text,
        cue_lemma=row.cue_lemma, stance=row.stance, kind=row.kind, content=row.content,
        confidence=row.confidence, title=row.title, url=row.url, outlet=row.outlet,
        published=row.published, article_source=row.source, licence=row.licence,
        snippet=snippet, rank=None if rank is None else round(float(rank), 4),
    )  # fmt: skip


def search(engine: Engine, f: Filters) -> list[Claim]:
    """Attributions whose content matches ``f.query``, best first, with highlighted snippets."""
    if not f.query or not f.query.strip():
        raise StoreError("the search is empty", input="QUERY", remedy="give words to search for")
    limit = f.limit or 20
    if engine.dialect.name == "sqlite":
        match = fts5_query(f.query)
        rows = _run(engine, "search", lambda conn: _sqlite_search(conn, match, f, limit))
        # bm25 is smaller for better matches; report bigger-is-better like ts_rank
        return [_claim(r, r.snip, -float(r.rank)) for r in rows]
    # PostgreSQL: the GIN index finds matches, ts_rank orders them
    tsq = func.plainto_tsquery("english", f.query)
    tsv: Any = literal_column("attributions.content_tsv")
    rank = func.ts_rank(tsv, tsq)
    options = f"StartSel={HIGHLIGHT[0]}, StopSel={HIGHLIGHT[1]}, MaxWords=24, MinWords=8"
    snippet = func.ts_headline("english", attributions.c.content, tsq, options)
    stmt = (
        _claims_select().add_columns(rank.label("rank"), snippet.label("snip"))
        .where(tsv.op("@@")(tsq))
        .order_by(rank.desc(), attributions.c.id)
    )  # fmt: skip
    stmt = _filtered(stmt, f).limit(limit)
    rows = _run(engine, "search", lambda conn: conn.execute(stmt).all())
    return [_claim(r, r.snip, float(r.rank)) for r in rows]


def _sqlite_search(conn: Connection, match: str, f: Filters, limit: int) -> list[Any]:
    """Rank first, decorate after: bm25 and the joins run over ids only, and snippets are made
    for the `limit` rows shown.

    The FTS5 index hands over its hits in rank order, read lazily from one statement: only the
    best few hundred are joined to the current article versions and checked against the
    filters, then eight times more, until `limit` pass or the hits run out; so a common word
    with tens of thousands of matches and a filter most claims pass (a stance, a kind, a recent
    date) never drives tens of thousands of joins. When those two rounds do not find `limit`
    (a selective filter), or for the speaker, entity and outlet filters (selective by nature:
    one of many), the full ranking runs as one SQL join; each round re-ranks every match, so a
    round that cannot succeed only adds to the join's cost."""
    if f.speaker or f.about or f.outlet:
        ranked = _ranked_ids(conn, match, f, limit, None)
    else:
        ranked = []
        pool, exhausted = limit * 4 + 50, False
        # LIMIT both rounds: SQLite keeps a top-k heap instead of sorting every match
        hits = conn.execute(
            text("SELECT rowid, bm25(attribution_fts) AS rank FROM attribution_fts "
                 "WHERE attribution_fts MATCH :q ORDER BY rank LIMIT :k"),
            {"q": match, "k": pool * 9},
        )  # fmt: skip
        try:
            for _ in range(2):
                rows: Sequence[Any] = hits.fetchmany(pool)
                batch = [(int(i), float(r)) for i, r in rows]
                ranked += _kept(conn, batch, f, limit - len(ranked))
                exhausted = len(batch) < pool
                if exhausted or len(ranked) >= limit:
                    break
                pool *= 8
        finally:
            hits.close()
        if not exhausted and len(ranked) < limit:  # a selective filter: let the join drive
            ranked = _ranked_ids(conn, match, f, limit, None)
    if not ranked:
        return []
    ids = [i for i, _ in ranked]
    by_id = {
        r.id: r for r in conn.execute(_claims_select().where(attributions.c.id.in_(ids))).all()
    }
    # snippets straight from the index for the rows shown (a join would re-run MATCH per row)
    snippets: dict[int, str] = dict(conn.execute(
        text("SELECT rowid, snippet(attribution_fts, 0, :a, :b, '…', 16) FROM attribution_fts "
             "WHERE attribution_fts MATCH :q AND rowid IN :ids")
        .bindparams(bindparam("ids", expanding=True)),
        {"a": HIGHLIGHT[0], "b": HIGHLIGHT[1], "q": match, "ids": ids},
    ).all())  # fmt: skip
    return [_Ranked(by_id[i], rank, snippets.get(i)) for i, rank in ranked if i in by_id]


def _kept(
    conn: Connection, hits: list[tuple[int, float]], f: Filters, limit: int
) -> list[tuple[int, float]]:
    """The best `limit` of `hits` (id, bm25) that are current and pass the filters."""
    if not hits:
        return []
    ids = [i for i, _ in hits]
    stmt = _claims_select().with_only_columns(attributions.c.id).where(attributions.c.id.in_(ids))
    keep: set[int] = set(conn.execute(_filtered(stmt, f)).scalars().all())
    return sorted(((i, r) for i, r in hits if i in keep), key=lambda h: (h[1], h[0]))[:limit]


class _Ranked:
    """A claims row with its rank attached (rows are immutable)."""

    def __init__(self, row: Any, rank: float, snip: str | None) -> None:
        self._row, self.rank, self.snip = row, rank, snip

    def __getattr__(self, name: str) -> Any:
        return getattr(self._row, name)


def _ranked_ids(
    conn: Connection, match: str, f: Filters, limit: int, pool: int | None
) -> list[tuple[int, float]]:
    sql = "SELECT rowid AS id, bm25(attribution_fts) AS rank FROM attribution_fts WHERE attribution_fts MATCH :q"
    hits_text = (
        text(sql + " ORDER BY rank LIMIT :k").bindparams(q=match, k=pool)
        if pool
        else text(sql).bindparams(q=match)
    )
    hits = hits_text.columns(column("id", Integer), column("rank", Float)).subquery("hits")
    stmt = (
        _claims_select().with_only_columns(attributions.c.id, hits.c.rank)
        .join(hits, hits.c.id == attributions.c.id)
        .order_by(hits.c.rank, attributions.c.id)
    )  # fmt: skip
    rows: Sequence[Any] = conn.execute(_filtered(stmt, f).limit(limit)).all()
    return [(int(i), float(r)) for i, r in rows]


def iter_claims(conn: Connection, f: Filters, batch: int = 1000) -> Iterator[Claim]:
    """Every claim that matches the filters (no query), streamed in id order."""
    stmt = _filtered(_claims_select(), f).order_by(attributions.c.id)
    if f.limit:
        stmt = stmt.limit(f.limit)
    result = conn.execution_options(stream_results=True, yield_per=batch).execute(stmt)
    for row in result:
        yield _claim(row)


def speakers_top(engine: Engine, top: int = 20) -> list[dict[str, Any]]:
    """The speakers with the most attributions (current article versions)."""
    n_claims = func.count(attributions.c.id)
    stmt = (
        select(
            speakers.c.id,
            speakers.c.name,
            speakers.c.type,
            n_claims.label("attributions"),
            func.count(func.distinct(attributions.c.version_id)).label("articles"),
        )  # fmt: skip
        .join(attributions, attributions.c.speaker_id == speakers.c.id)
        .join(articles, articles.c.current_version_id == attributions.c.version_id)
        .group_by(speakers.c.id, speakers.c.name, speakers.c.type)
        .order_by(n_claims.desc(), speakers.c.name)
        .limit(top)
    )
    rows = _run(engine, "list speakers", lambda conn: conn.execute(stmt).all())
    return [dict(r._mapping) for r in rows]


def find_speakers(conn: Connection, name: str) -> list[int]:
    """Speaker ids for a name: exact alias first, then whole-word matches, most quoted first."""
    norm = normalise(name) or name.casefold()
    for cond in (
        speaker_aliases.c.normalised == norm,
        _word_match(speaker_aliases.c.normalised, norm),
    ):
        n_claims = func.count(attributions.c.id)
        ids: Sequence[Any] = conn.execute(
            select(speaker_aliases.c.speaker_id)
            .outerjoin(attributions, attributions.c.speaker_id == speaker_aliases.c.speaker_id)
            .where(cond).group_by(speaker_aliases.c.speaker_id)
            .order_by(n_claims.desc(), speaker_aliases.c.speaker_id)
        ).scalars().all()  # fmt: skip
        if ids:
            return [int(i) for i in ids]
    return []


def speaker_profile(engine: Engine, name: str, latest: int = 5) -> dict[str, Any]:
    """One speaker: names, roles with dates, counts by stance, timeline by month, latest claims."""

    def read(conn: Connection) -> dict[str, Any]:
        ids = find_speakers(conn, name)
        if not ids:
            raise StoreError(
                "no such speaker", input=name, remedy="see saywho speakers for the names"
            )
        sid = ids[0]
        head = conn.execute(
            select(speakers.c.name, speakers.c.type).where(speakers.c.id == sid)
        ).one()
        aliases: Sequence[Any] = conn.execute(select(speaker_aliases.c.alias).where(speaker_aliases.c.speaker_id == sid)
                               .order_by(speaker_aliases.c.alias)).scalars().all()  # fmt: skip
        roles = conn.execute(
            select(speaker_roles.c.role, speaker_roles.c.first_seen, speaker_roles.c.last_seen, speaker_roles.c.count)
            .where(speaker_roles.c.speaker_id == sid).order_by(speaker_roles.c.count.desc(), speaker_roles.c.role)
        ).all()  # fmt: skip
        claims = [
            _claim(r) for r in conn.execute(
                _claims_select().where(attributions.c.speaker_id == sid)
                .order_by(article_versions.c.published.desc(), attributions.c.id)
            ).all()
        ]  # fmt: skip
        stance = Counter(c.stance for c in claims)
        timeline = Counter((c.published or "undated")[:7] for c in claims)
        others: Sequence[Any] = (
            conn.execute(select(speakers.c.name).where(speakers.c.id.in_(ids[1:6]))).scalars().all()
        )
        return {
            "id": sid, "name": head.name, "type": head.type, "aliases": list(aliases),
            "roles": [dict(r._mapping) for r in roles], "attributions": len(claims),
            "by_stance": dict(stance.most_common()), "timeline": dict(sorted(timeline.items())),
            "latest": [c.to_dict() for c in claims[:latest]], "other_matches": list(others),
        }  # fmt: skip

    profile: dict[str, Any] = _run(engine, "read the speaker", read)
    return profile


def about(
    engine: Engine, entity: str, per_speaker: int = 3, limit: int = 20
) -> list[dict[str, Any]]:
    """Claims about an entity (a named entity inside the content), grouped by speaker."""
    if not entity.strip():
        raise StoreError(
            "the entity is empty", input="ENTITY", remedy="name a person, place or organisation"
        )
    stmt = _filtered(_claims_select(), Filters(about=entity)).order_by(attributions.c.id)
    rows = _run(engine, "find claims", lambda conn: conn.execute(stmt).all())
    groups: dict[str, list[Claim]] = {}
    for row in rows:
        claim = _claim(row)
        groups.setdefault(claim.speaker or claim.source or "(unnamed source)", []).append(claim)
    ordered = sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0]))[:limit]
    return [{"speaker": name, "count": len(cs), "claims": [c.to_dict() for c in cs[:per_speaker]]}
            for name, cs in ordered]  # fmt: skip


def stats(engine: Engine) -> dict[str, int]:
    """Counts of what the store holds."""

    def read(conn: Connection) -> dict[str, int]:
        def count(stmt: Any) -> int:
            return int(conn.scalar(stmt) or 0)

        current = articles.c.current_version_id == attributions.c.version_id
        return {
            "articles": count(select(func.count()).select_from(articles)),
            "article_versions": count(select(func.count()).select_from(article_versions)),
            "attributions": count(
                select(func.count()).select_from(attributions).join(articles, current)
            ),
            "attributions_all_versions": count(select(func.count()).select_from(attributions)),
            "speakers": count(select(func.count()).select_from(speakers)),
            "outlets": count(select(func.count()).select_from(outlets)),
            "mentions": count(select(func.count()).select_from(mentions)),
            "ingest_runs": count(select(func.count()).select_from(ingest_runs)),
            "ingest_errors": count(select(func.count()).select_from(ingest_errors)),
        }

    counts: dict[str, int] = _run(engine, "count", read)
    return counts


def _run(engine: Engine, what: str, work: Any) -> Any:
    try:
        with engine.connect() as conn:
            return work(conn)
    except SQLAlchemyError as exc:
        raise StoreError(
            f"cannot {what} ({_reason(exc)})", remedy="check the query and --db"
        ) from exc


__all__ = ["Claim", "Filters", "about", "fts5_query", "iter_claims", "search",
           "speaker_profile", "speakers_top", "stats"]  # fmt: skip
