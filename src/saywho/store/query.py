"""Reading the store: search, speakers, one speaker, claims about an entity, stats.

Every query reads the current version of each article only, binds every user value as a
parameter (never formatted into SQL), and turns database errors into one-line `StoreError`s.
Full-text search turns the user's words into a safe query first: on SQLite every word or
"quoted phrase" becomes a quoted FTS5 string, so FTS operators (NEAR, AND, *, parentheses) are
searched as words; on PostgreSQL the text goes through ``plainto_tsquery``.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from typing import Any, TypeVar

from sqlalchemy import (
    ColumnElement,
    Connection,
    Date,
    Engine,
    Float,
    Integer,
    Select,
    String,
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

from ..analyze.checkworthiness import checkworthiness_fields
from ..errors import StoreError
from . import tallies
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

T = TypeVar("T")
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
    #: only attributions whose checkworthiness reaches the shipped threshold
    check_worthy: bool = False
    limit: int | None = None
    #: "relevance": best match first (newest first without words); "checkworthiness": the most
    #: check-worthy first (unscored last), ties by id
    sort: str = "relevance"

    def __post_init__(self) -> None:
        # a NUL character cannot be matched by any stored text, and PostgreSQL refuses it in a
        # parameter outright: it is dropped from every word given, on both databases
        for name in ("query", "speaker", "about", "stance", "kind", "outlet"):
            value = getattr(self, name)
            if isinstance(value, str) and "\x00" in value:
                object.__setattr__(self, name, value.replace("\x00", ""))


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
    method: str | None  # "rules" or "crf"; None: stored before the store recorded it
    checkworthiness: float | None  # None: not scored
    title: str | None
    url: str | None
    outlet: str | None
    published: str | None
    article_source: str
    licence: str | None
    snippet: str | None = None
    rank: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), **checkworthiness_fields(self.checkworthiness)}


@dataclass(frozen=True, slots=True)
class SpeakerSummary:
    """A speaker with how many attributions (current article versions) and articles they have."""

    id: int
    name: str
    type: str
    attributions: int
    articles: int


@dataclass(frozen=True, slots=True)
class Role:
    """A role a speaker was described with ("Russia's envoy"), when first and last, how often."""

    role: str
    first_seen: str | None
    last_seen: str | None
    count: int


@dataclass(frozen=True, slots=True)
class Bucket:
    """One period of a timeline: "YYYY-MM-DD" (the Monday of a week) or "YYYY-MM"."""

    period: str
    counts: dict[str, int]  # attributions by stance; empty: none in that period


@dataclass(frozen=True, slots=True)
class Timeline:
    """Attributions by stance per week or month (`timeline_buckets`), every period from the
    first to the last listed, and how many have no date."""

    unit: str  # "week" or "month"
    buckets: list[Bucket]
    undated: int

    def totals(self) -> dict[str, int]:
        """Attributions per period that has any, then "undated" when some are."""
        out = {b.period: sum(b.counts.values()) for b in self.buckets if b.counts}
        return {**out, "undated": self.undated} if self.undated else out


@dataclass(frozen=True, slots=True)
class SpeakerProfile:
    """One speaker as `saywho speaker` shows them (`speaker_profile`)."""

    id: int
    name: str
    type: str
    aliases: list[str]
    roles: list[Role]  # most often seen first, ties by role
    attributions: int
    by_stance: dict[str, int]  # most frequent first
    timeline: Timeline  # by month
    latest: list[Claim]  # newest first, an article's in reading order
    other_matches: list[str]  # other speakers the name matches, most quoted first

    def to_dict(self) -> dict[str, Any]:
        """The profile as JSON shows it: the timeline as attributions per month."""
        return {
            "id": self.id, "name": self.name, "type": self.type, "aliases": self.aliases,
            "roles": [asdict(r) for r in self.roles], "attributions": self.attributions,
            "by_stance": self.by_stance, "timeline": self.timeline.totals(),
            "latest": [c.to_dict() for c in self.latest], "other_matches": self.other_matches,
        }  # fmt: skip


@dataclass(frozen=True, slots=True)
class AboutGroup:
    """Claims about an entity by one speaker (`about`): how many, and the first few."""

    speaker: str  # the speaker's name, else the source as written, else "(unnamed source)"
    count: int
    claims: list[Claim]

    def to_dict(self) -> dict[str, Any]:
        return {"speaker": self.speaker, "count": self.count,
                "claims": [c.to_dict() for c in self.claims]}  # fmt: skip


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


def claims_select() -> Select[Any]:
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
            attributions.c.method,
            attributions.c.checkworthiness,
            article_versions.c.title,
            article_versions.c.url,
            outlets.c.name.label("outlet"),
            article_versions.c.published,
            article_versions.c.source,
            article_versions.c.licence,
        )
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


def _speaker_ids(name: str) -> Select[Any]:
    """Speakers with an alias equal to `name` or containing it as whole words."""
    norm = normalise(name) or name.casefold()
    return select(speaker_aliases.c.speaker_id).where(
        _word_match(speaker_aliases.c.normalised, norm)
    )


def _about_ids(entity: str) -> Select[Any]:
    """Attributions whose content mentions `entity` (whole words)."""
    norm = normalise(entity) or entity.casefold()
    return select(mentions.c.attribution_id).where(_word_match(mentions.c.normalised, norm))


def filtered(stmt: Select[Any], f: Filters) -> Select[Any]:
    if f.speaker:
        stmt = stmt.where(attributions.c.speaker_id.in_(_speaker_ids(f.speaker)))
    if f.about:
        stmt = stmt.where(attributions.c.id.in_(_about_ids(f.about)))
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
    if f.check_worthy:
        stmt = stmt.where(_check_worthy())
    return stmt


def _check_worthy() -> Any:
    from ..analyze.checkworthiness import load_model

    return attributions.c.checkworthiness >= load_model().threshold


def _claim(row: Any, snippet: str | None = None, rank: float | None = None) -> Claim:
    return Claim(
        id=row.id, speaker=row.speaker, source=row.source_text, cue=row.cue_text,
        cue_lemma=row.cue_lemma, stance=row.stance, kind=row.kind, content=row.content,
        confidence=row.confidence, method=row.method, checkworthiness=row.checkworthiness, title=row.title, url=row.url, outlet=row.outlet,
        published=row.published, article_source=row.source, licence=row.licence,
        snippet=snippet, rank=None if rank is None else round(float(rank), 4),
    )  # fmt: skip


def search(engine: Engine, f: Filters, offset: int = 0) -> list[Claim]:
    """Attributions whose content matches ``f.query``, best first, with highlighted snippets:
    ``f.limit`` of them after the first `offset` (a deep page ranks offset + limit matches over
    ids only, and reads and decorates just its own rows)."""
    if not f.query or not f.query.strip():
        raise StoreError("the search is empty", input="QUERY", remedy="give words to search for")
    if not re.search(r"\w", f.query):  # the same answer on both databases (fts5_query's)
        raise StoreError(
            "the search has no words in it", input=repr(f.query), remedy="search for words"
        )
    limit = f.limit or 20
    by_worth = f.sort == "checkworthiness"
    if engine.dialect.name == "sqlite":
        match = fts5_query(f.query)
        run = _sqlite_by_checkworthiness if by_worth else _sqlite_search
        rows = run_read(engine, "search",
                        lambda conn: _decorated(conn, match, run(conn, match, f, offset + limit)[offset:]))  # fmt: skip
        # bm25 is smaller for better matches; report bigger-is-better like ts_rank
        return [_claim(r, r.snip, -float(r.rank)) for r in rows]
    # PostgreSQL: the GIN index finds matches, ts_rank orders them
    tsq = func.plainto_tsquery("english", f.query)
    tsv: Any = literal_column("attributions.content_tsv")
    rank = func.ts_rank(tsv, tsq)
    options = f"StartSel={HIGHLIGHT[0]}, StopSel={HIGHLIGHT[1]}, MaxWords=24, MinWords=8"
    snippet = func.ts_headline("english", attributions.c.content, tsq, options)
    cw = attributions.c.checkworthiness
    order = (
        (cw.is_(None), cw.desc(), attributions.c.id)
        if by_worth
        else (rank.desc(), attributions.c.id)
    )
    stmt = (
        claims_select().add_columns(rank.label("rank"), snippet.label("snip"))
        .where(tsv.op("@@")(tsq))
        .order_by(*order)
    )  # fmt: skip
    stmt = filtered(stmt, f).limit(limit).offset(offset)
    ranked = run_read(engine, "search", lambda conn: conn.execute(stmt).all())
    return [_claim(r, r.snip, float(r.rank)) for r in ranked]


def _sqlite_search(conn: Connection, match: str, f: Filters, limit: int) -> list[tuple[int, float]]:
    """The best `limit` passing matches as (id, bm25), ranked over ids only (`search` then
    decorates the rows shown, with their snippets).

    bm25 costs about 1.5 µs per match, so a common word (50 000 matches in 1M attributions)
    dominates; the filters are answered by ``attribution_facets`` (the current attributions and
    their filter values, indexed; migration 0002). From the number of matches (counted) and the
    share of them that pass the filters (a sample of the first few hundred), one of three plans:

    - a speaker or entity filter, or fewer attributions pass in all than there are matches (an
      outlet, a rare stance, kind or date range): FTS5 is asked for the matches among the
      passing ids only, so bm25 never runs on every match;
    - few matches, or under 30 % of them pass: each match probes the facets by id, and bm25
      runs on those that pass;
    - no filter, or 30 % or more pass: the matches are read best first from one statement and
      checked against the filters in two growing pools; should they not hold `limit` passing
      hits (the best matches happen to fail), the probing plan finishes the job.

    The plan only changes the cost: all three return exactly the best `limit` passing matches
    by (bm25, id), as one plain join ranking every match would (tests/store/test_store_search.py
    compares them). Without a filter, "every match" is the most recently stored
    `RANKED_MATCHES` of them: a common word's ranking was most of a busy server's work.
    """
    passing = _passing(f)
    if has_filters(f):
        matches = int(conn.scalar(
            text("SELECT count(*) FROM (SELECT 1 FROM attribution_fts "
                 "WHERE attribution_fts MATCH :q LIMIT :cap)"), {"q": match, "cap": _MANY_MATCHES},
        ) or 0)  # fmt: skip
        if matches <= _FEW_MATCHES:
            return _ranked_among(conn, match, passing, limit, probe=True)
        if f.speaker or f.about:  # one of many by nature; and their name lookup is not free
            return _ranked_among(conn, match, passing, limit, probe=False)
        rate = _pass_rate(conn, match, passing)
        # ids are dense (one writer), so the largest is about how many attributions there are
        current = int(conn.scalar(select(func.max(_FACETS.c.attribution_id))) or 0)
        if rate * current < matches * _LIST_VS_PROBE:
            return _ranked_among(conn, match, passing, limit, probe=False)
        if rate < _PROBE_BELOW_RATE:
            return _ranked_among(conn, match, passing, limit, probe=True)
    ranked: list[tuple[int, float]] = []
    pool, exhausted = limit * 4 + 50, False
    sizes = [pool, pool * 8]  # a bigger LIMIT makes the one ranking statement itself slower
    params: dict[str, Any] = {"q": match, "k": sum(sizes)}
    window = ""
    newest = ranked_window(conn.engine, f)
    if newest is not None:  # the newest matches only (stepping back to the floor is cheap)
        floor = conn.scalar(text("SELECT rowid FROM attribution_fts WHERE attribution_fts "
                                 "MATCH :q ORDER BY rowid DESC LIMIT 1 OFFSET :n"),
                            {"q": match, "n": newest - 1})  # fmt: skip
        if floor is not None:
            window, params["floor"] = "AND rowid >= :floor ", int(floor)
    # LIMIT: SQLite keeps a top-k heap instead of sorting every match; rowid breaks bm25 ties
    hits = conn.execute(
        text("SELECT rowid, bm25(attribution_fts) AS rank FROM attribution_fts "
             f"WHERE attribution_fts MATCH :q {window}ORDER BY rank, rowid LIMIT :k"),
        params,
    )  # fmt: skip
    try:
        for size in sizes:
            rows: Sequence[Any] = hits.fetchmany(size)
            batch = [(int(i), float(r)) for i, r in rows]
            ranked += _kept(conn, batch, passing, limit - len(ranked))
            exhausted = len(batch) < size
            if exhausted or len(ranked) >= limit:
                break
    finally:
        hits.close()
    if not exhausted and len(ranked) < limit:
        ranked = _ranked_among(conn, match, passing, limit, probe=True)
    return ranked


def _sqlite_by_checkworthiness(
    conn: Connection, match: str, f: Filters, limit: int
) -> list[tuple[int, float]]:
    """The `limit` most check-worthy current matches that pass `f` (unscored last, ties by id),
    with their bm25 and snippets. Every match is read, as a sort on another column than bm25
    must: cheap for rare words, about a second for a word in 50 000 of 1M attributions."""
    rowid = _FTS_TABLE.c.rowid
    cw = attributions.c.checkworthiness
    stmt = (
        select(rowid, literal_column("bm25(attribution_fts)", Float).label("rank"))
        .select_from(_FTS_TABLE.join(attributions, attributions.c.id == rowid))
        .where(literal_column("attribution_fts").op("MATCH")(match),
               literal_column("+attribution_fts.rowid").in_(_passing(f)))
        .order_by(cw.is_(None), cw.desc(), rowid)
        .limit(limit)
    )  # fmt: skip
    rows: Sequence[Any] = conn.execute(stmt).all()
    return [(int(i), float(r)) for i, r in rows]


#: the plan thresholds, from the costs measured on 1M attributions (benchmarks/ingest.py):
#: bm25 ≈ 1.5 µs a match, a probe of the facets by id ≈ 1 µs a match, the list of passing ids
#: ≈ 0.7 µs an id (built once, then probed in ≈ 0.1 µs), counting matches ≈ 0.1 µs each
_FEW_MATCHES = 4_000
#: ids bound in one statement at most (SQLite's limit on variables: 32,766; 999 before 3.32)
_BOUND_IDS = 500
_MANY_MATCHES = 200_000
#: a search with words and no filter on SQLite ranks the most recently stored this many of its
#: matches (bm25 costs 1–2 µs a match: a word in 55,000 of 1M attributions took 58 ms to rank,
#: its newest 10,000 take 16 ms); its total still counts every one. Elasticsearch's default
#: `max_result_window` bounds paging at the same 10,000. A filter (a date range among them)
#: ranks every passing match, so narrowing a search reaches the older ones.
RANKED_MATCHES = 10_000
_SAMPLE = 256
_LIST_VS_PROBE = 1.4  # listing 1.4 passing ids costs about what probing one match does
_PROBE_BELOW_RATE = 0.3

#: SQLite only (migration 0002): the current attributions' filter values, keyed by id
FACETS_TABLE = _FACETS = table(
    "attribution_facets",
    column("attribution_id", Integer),
    column("stance", String),
    column("kind", String),
    column("outlet_id", Integer),
    column("published_date", Date),
)


def _pass_rate(conn: Connection, match: str, passing: Select[Any]) -> float:
    """The share of a sample of the matches (the first by id, no ranking) that pass."""
    sample = (
        text("SELECT rowid FROM attribution_fts WHERE attribution_fts MATCH :q LIMIT :n")
        .bindparams(q=match, n=_SAMPLE)
        .columns(column("rowid", Integer))
        .subquery("sample")
    )
    kept = passing.where(_FACETS.c.attribution_id == sample.c.rowid).exists()
    row = conn.execute(select(func.count(), func.count().filter(kept)).select_from(sample)).one()
    return int(row[1]) / max(int(row[0]), 1)


def has_filters(f: Filters) -> bool:
    return any((f.speaker, f.about, f.stance, f.kind, f.outlet, f.since, f.until, f.check_worthy))


def ranked_window(engine: Engine, f: Filters) -> int | None:
    """How many of its newest matches the search `f` ranks when not all of them: a search with
    words and no filter, by relevance, on SQLite (`RANKED_MATCHES`); None: every match."""
    if engine.dialect.name != "sqlite" or f.sort == "checkworthiness" or has_filters(f):
        return None
    return RANKED_MATCHES if f.query and f.query.strip() else None


def _passing(f: Filters) -> Select[Any]:
    """The ids of current attributions that pass `f`'s filters (all of them without filters),
    with the same meaning as `filtered` on the full join."""
    return facets_filtered(select(_FACETS.c.attribution_id), f)


def facets_filtered(stmt: Select[Any], f: Filters) -> Select[Any]:
    """`stmt`, which reads `attribution_facets` (SQLite), kept to the rows passing `f`'s
    filters: `filtered`'s meaning without the join to versions, articles and outlets."""
    fc = _FACETS.c
    if f.speaker:
        stmt = stmt.where(fc.attribution_id.in_(
            select(attributions.c.id).where(attributions.c.speaker_id.in_(_speaker_ids(f.speaker)))))  # fmt: skip
    if f.about:
        stmt = stmt.where(fc.attribution_id.in_(_about_ids(f.about)))
    if f.stance:
        stmt = stmt.where(fc.stance == f.stance)
    if f.kind:
        stmt = stmt.where(fc.kind == f.kind)
    if f.outlet:
        stmt = stmt.where(fc.outlet_id.in_(
            select(outlets.c.id).where(func.lower(outlets.c.name) == f.outlet.lower())))  # fmt: skip
    if f.since:
        stmt = stmt.where(fc.published_date >= f.since)
    if f.until:
        stmt = stmt.where(fc.published_date <= f.until)
    if f.check_worthy:
        stmt = stmt.where(fc.attribution_id.in_(select(attributions.c.id).where(_check_worthy())))
    return stmt


def _kept(
    conn: Connection, hits: list[tuple[int, float]], passing: Select[Any], limit: int
) -> list[tuple[int, float]]:
    """The best `limit` of `hits` (id, bm25; in rank order) that pass."""
    if not hits or limit <= 0:
        return []
    ids = [i for i, _ in hits]
    keep: set[int] = set()
    stmt = passing.where(_FACETS.c.attribution_id.in_(bindparam("ids", expanding=True)))
    for start in range(0, len(ids), _BOUND_IDS):  # SQLite refuses too many bound variables
        keep.update(conn.execute(stmt, {"ids": ids[start : start + _BOUND_IDS]}).scalars().all())
    return [(i, r) for i, r in hits if i in keep][:limit]


def _ranked_among(
    conn: Connection, match: str, passing: Select[Any], limit: int, probe: bool
) -> list[tuple[int, float]]:
    """The best `limit` matches that pass: bm25 runs on those only. `probe`: each match looks
    its id up in the facets; else the passing ids are listed once and each match probes the list
    ("+rowid" keeps SQLite from handing that list to FTS5 as one lookup per id)."""
    rowid = _FTS_TABLE.c.rowid
    among = (
        passing.where(_FACETS.c.attribution_id == rowid).exists()
        if probe
        else literal_column("+attribution_fts.rowid").in_(passing)
    )
    stmt = (
        select(rowid, literal_column("bm25(attribution_fts)", Float).label("rank"))
        .where(literal_column("attribution_fts").op("MATCH")(match), among)
        .order_by(literal_column("rank"), rowid)
        .limit(limit)
    )
    rows: Sequence[Any] = conn.execute(stmt).all()
    return [(int(i), float(r)) for i, r in rows]


def _decorated(conn: Connection, match: str, ranked: list[tuple[int, float]]) -> list[Any]:
    """The claims rows of `ranked` (id, bm25), in that order, with their snippets."""
    by_id: dict[int, Any] = {}
    snippets: dict[int, str] = {}
    every = [i for i, _ in ranked]
    for start in range(0, len(every), _BOUND_IDS):  # SQLite refuses too many bound variables
        ids = every[start : start + _BOUND_IDS]
        by_id.update(
            (r.id, r) for r in conn.execute(claims_select().where(attributions.c.id.in_(ids))).all()
        )
        # snippets straight from the index for the rows shown (a join would re-run MATCH per row)
        snippets.update(conn.execute(
            text("SELECT rowid, snippet(attribution_fts, 0, :a, :b, '…', 16) FROM attribution_fts "
                 "WHERE attribution_fts MATCH :q AND rowid IN :ids")
            .bindparams(bindparam("ids", expanding=True)),
            {"a": HIGHLIGHT[0], "b": HIGHLIGHT[1], "q": match, "ids": ids},
        ).all())  # fmt: skip
    return [_Ranked(by_id[i], rank, snippets.get(i)) for i, rank in ranked if i in by_id]


class _Ranked:
    """A claims row with its rank attached (rows are immutable)."""

    def __init__(self, row: Any, rank: float, snip: str | None) -> None:
        self._row, self.rank, self.snip = row, rank, snip

    def __getattr__(self, name: str) -> Any:
        return getattr(self._row, name)


def iter_claims(conn: Connection, f: Filters, batch: int = 1000) -> Iterator[Claim]:
    """Every claim that matches the filters (no query), streamed in id order."""
    stmt = filtered(claims_select(), f).order_by(attributions.c.id)
    if f.limit:
        stmt = stmt.limit(f.limit)
    result = conn.execution_options(stream_results=True, yield_per=batch).execute(stmt)
    for row in result:
        yield _claim(row)


def speakers_top(
    engine: Engine, top: int = 20, offset: int = 0, *, generic: bool = False
) -> list[SpeakerSummary]:
    """The speakers with the most attributions (current article versions), ties by name; from
    the store's tallies, with the articles of only the speakers returned counted. GENERIC
    speakers ("police", "researchers", one per article) only with `generic`."""

    def read(conn: Connection) -> list[SpeakerSummary]:
        counts = tallies.as_ids(tallies.contenders(conn, "speaker", offset + top))
        if generic:  # each facet's contenders hold every member of the joint top
            counts.update(tallies.as_ids(tallies.contenders(conn, "generic", offset + top)))
        if not counts:
            return []
        heads = {r.id: r for r in conn.execute(
            select(speakers.c.id, speakers.c.name, speakers.c.type)
            .where(speakers.c.id.in_(sorted(counts)))).all()}  # fmt: skip
        order = sorted(heads, key=lambda i: (-counts[i], heads[i].name, i))[offset : offset + top]
        if not order:
            return []
        n_articles: dict[int, int] = dict(conn.execute(
            select(attributions.c.speaker_id, func.count(func.distinct(attributions.c.version_id)))
            .join(articles, articles.c.current_version_id == attributions.c.version_id)
            .where(attributions.c.speaker_id.in_(order)).group_by(attributions.c.speaker_id)
        ).all())  # fmt: skip
        return [SpeakerSummary(id=i, name=heads[i].name, type=heads[i].type,
                               attributions=counts[i], articles=int(n_articles.get(i, 0)))
                for i in order]  # fmt: skip

    rows: list[SpeakerSummary] = run_read(engine, "list speakers", read)
    return rows


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


# --- one speaker: what `saywho speaker` and the speaker page (`browse.speaker_detail`) share ---


def aliases_of(conn: Connection, speaker_id: int) -> list[str]:
    """A speaker's names, in alphabetical order."""
    names: Sequence[Any] = conn.execute(
        select(speaker_aliases.c.alias).where(speaker_aliases.c.speaker_id == speaker_id)
        .order_by(speaker_aliases.c.alias)
    ).scalars().all()  # fmt: skip
    return list(names)


def roles_of(conn: Connection, speaker_id: int, *, most_seen_first: bool = False) -> list[Role]:
    """A speaker's roles in the order first seen (undated last), or the most often seen first;
    ties by role."""
    r = speaker_roles.c
    order = (r.count.desc(), r.role) if most_seen_first else (r.first_seen.nulls_last(), r.role)
    rows: Sequence[Any] = conn.execute(
        select(r.role, r.first_seen, r.last_seen, r.count)
        .where(r.speaker_id == speaker_id).order_by(*order)
    ).all()  # fmt: skip
    return [Role(role=role, first_seen=first, last_seen=last, count=int(n))
            for role, first, last, n in rows]  # fmt: skip


def stance_days(conn: Connection, where: ColumnElement[bool]) -> list[tuple[date | None, str, int]]:
    """How many of the attributions `where` picks (current article versions) were published
    each day with each stance, by day (undated first), then stance: what a timeline is drawn
    from (`timeline_buckets`), and stance counts (in this order, ties among them too)."""
    n = func.count(attributions.c.id)
    day = article_versions.c.published_date
    rows = conn.execute(
        select(day, attributions.c.stance, n.label("n"))
        .select_from(claims_select().get_final_froms()[0]).where(where)
        .group_by(day, attributions.c.stance).order_by(day.nulls_first(), attributions.c.stance)
    ).all()  # fmt: skip
    return [(_as_date(r[0]), r.stance, int(r.n)) for r in rows]


def timeline_buckets(
    rows: Iterable[tuple[date | None, str, int]], unit: str | None = None
) -> Timeline:
    """Per-day counts by stance grouped into weeks (ISO, Monday first) or months.

    Without `unit`, weeks when the dates span at most 26 weeks, else months. Every period from
    the first to the last is listed, empty ones too, so a chart's x axis is even.

    >>> timeline_buckets([(date(2024, 1, 3), "neutral", 2)])
    Timeline(unit='week', buckets=[Bucket(period='2024-01-01', counts={'neutral': 2})], undated=0)
    """
    dated: list[tuple[date, str, int]] = []
    undated = 0
    for day, stance, n in rows:
        if day is None:
            undated += n
        else:
            dated.append((day, stance, n))
    if not dated:
        return Timeline(unit or "month", [], undated)
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
        buckets.append(Bucket(label, dict(counts.get(current, Counter()))))
        if unit == "week":
            current += timedelta(days=7)
        else:
            current = date(current.year + current.month // 12, current.month % 12 + 1, 1)
    return Timeline(unit, buckets, undated)


def _as_date(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])  # SQLite may hand back the ISO text


def speaker_profile(engine: Engine, name: str, latest: int = 5) -> SpeakerProfile:
    """One speaker: names, roles with dates, counts by stance, timeline by month, latest claims.

    The names, roles and timeline are read as the speaker page reads them (`aliases_of`,
    `roles_of`, `stance_days`, `timeline_buckets`): here the roles most often seen first, the
    timeline by month."""

    def read(conn: Connection) -> SpeakerProfile:
        ids = find_speakers(conn, name)
        if not ids:
            raise StoreError(
                "no such speaker", input=name, remedy="see saywho speakers for the names"
            )
        sid = ids[0]
        head = conn.execute(
            select(speakers.c.name, speakers.c.type).where(speakers.c.id == sid)
        ).one()
        mine = attributions.c.speaker_id == sid
        claims = [
            _claim(r) for r in conn.execute(
                claims_select().where(mine)
                .order_by(article_versions.c.published.desc(), attributions.c.id)
            ).all()
        ]  # fmt: skip
        others: Sequence[Any] = (
            conn.execute(select(speakers.c.name).where(speakers.c.id.in_(ids[1:6]))).scalars().all()
        )
        return SpeakerProfile(
            id=sid, name=head.name, type=head.type, aliases=aliases_of(conn, sid),
            roles=roles_of(conn, sid, most_seen_first=True),
            attributions=len(claims),
            by_stance=dict(Counter(c.stance for c in claims).most_common()),
            timeline=timeline_buckets(stance_days(conn, mine), unit="month"),
            latest=claims[:latest], other_matches=list(others),
        )  # fmt: skip

    profile: SpeakerProfile = run_read(engine, "read the speaker", read)
    return profile


def about(engine: Engine, entity: str, per_speaker: int = 3, limit: int = 20) -> list[AboutGroup]:
    """Claims about an entity (a named entity inside the content), grouped by speaker."""
    if not entity.strip():
        raise StoreError(
            "the entity is empty", input="ENTITY", remedy="name a person, place or organisation"
        )
    stmt = filtered(claims_select(), Filters(about=entity)).order_by(attributions.c.id)
    rows = run_read(engine, "find claims", lambda conn: conn.execute(stmt).all())
    groups: dict[str, list[Claim]] = {}
    for row in rows:
        claim = _claim(row)
        groups.setdefault(claim.speaker or claim.source or "(unnamed source)", []).append(claim)
    ordered = sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0]))[:limit]
    return [AboutGroup(name, len(cs), cs[:per_speaker]) for name, cs in ordered]


def stats(engine: Engine) -> dict[str, int]:
    """Counts of what the store holds."""

    def read(conn: Connection) -> dict[str, int]:
        def count(stmt: Any) -> int:
            return int(conn.scalar(stmt) or 0)

        # the big tables' counts are the store's tallies (`saywho.store.tallies`)
        return {
            "articles": count(select(func.count()).select_from(articles)),
            "article_versions": count(select(func.count()).select_from(article_versions)),
            "attributions": tallies.total(conn, "attributions"),
            "attributions_all_versions": tallies.total(conn, "attributions_all"),
            "speakers": count(select(func.count()).select_from(speakers)),
            "outlets": count(select(func.count()).select_from(outlets)),
            "mentions": tallies.total(conn, "mentions_all"),
            "ingest_runs": count(select(func.count()).select_from(ingest_runs)),
            "ingest_errors": count(select(func.count()).select_from(ingest_errors)),
        }

    counts: dict[str, int] = run_read(engine, "count", read)
    return counts


def analysers(engine: Engine) -> dict[str, int]:
    """How many current article versions each analyser made ("unknown": stored before the
    store recorded it), most first.

    Articles already stored are skipped by `ingest`, not re-analysed, so a store filled by runs
    with different settings (``--rules-only``) or models holds a mix: this says which."""

    def read(conn: Connection) -> dict[str, int]:
        name = func.coalesce(article_versions.c.analyser, "unknown")
        rows: Sequence[Any] = conn.execute(
            select(name, func.count())
            .select_from(articles)
            .join(article_versions, articles.c.current_version_id == article_versions.c.id)
            .group_by(name)
            .order_by(func.count().desc(), name)
        ).all()
        return {str(n): int(c) for n, c in rows}

    found: dict[str, int] = run_read(engine, "count analysers", read)
    return found


def run_read(engine: Engine, what: str, work: Callable[[Connection], T]) -> T:
    """`work` run on one connection of `engine`, its database errors one-line `StoreError`s
    saying what could not be done ("cannot read figures (…)")."""
    try:
        with engine.connect() as conn:
            return work(conn)
    except SQLAlchemyError as exc:
        raise StoreError(
            f"cannot {what} ({_reason(exc)})", remedy="check the query and --db"
        ) from exc


__all__ = ["FACETS_TABLE", "RANKED_MATCHES", "AboutGroup", "Bucket", "Claim", "Filters", "Role", "SpeakerProfile",
           "SpeakerSummary", "Timeline", "about", "aliases_of", "analysers", "facets_filtered",
           "fts5_query", "has_filters", "iter_claims", "ranked_window", "roles_of", "run_read", "search", "speaker_profile",
           "speakers_top", "stance_days", "stats", "timeline_buckets"]  # fmt: skip
