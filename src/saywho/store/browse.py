"""Reading the store for the web: one article with its attributions, paged lists, facets,
one speaker, one entity, the overview.

    page = attribution_list(engine, Filters(query="Islamic State", stance="accusing"), 20, 0)
    detail = article_detail(engine, page.items[0].article_id)

Every read returns frozen dataclasses shaped as the API answers (`web.schemas` mirrors them;
the API turns them into JSON with `dataclasses.asdict`). Ids are the store's own integer ids
(articles, attributions, speakers); an entity's id is its normalised name, the key `about`
matches on. Like `query`, every user value is bound as a parameter, only current article
versions are read, and database errors become `StoreError`s; an id that names nothing raises
`NotFoundError`.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any, Generic, TypeVar

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
    search_total,
    summarised,
    summary,
    summary_facets,
    tallied,
    unfiltered,
)
from .figure_query import article_figures
from .query import (
    Filters,
    Role,
    SpeakerSummary,
    Timeline,
    aliases_of,
    claims_select,
    filtered,
    ranked_window,
    roles_of,
    run_read,
    search,
    speakers_top,
    stance_days,
    stats,
    timeline_buckets,
)
from .schema import (
    article_copies,
    article_speakers,
    article_versions,
    articles,
    attributions,
    mentions,
    outlets,
    speakers,
)
from .speakers import normalise

ItemT = TypeVar("ItemT")


@dataclass(frozen=True, slots=True)
class Page(Generic[ItemT]):
    """One page of a list and how many items the whole list holds."""

    items: list[ItemT]
    total: int
    limit: int
    offset: int
    #: False: `total` is an estimate (a search with words past `counts.FACET_BOUND` passing
    #: claims, rounded to two significant figures); pages say "about"
    exact: bool = True
    #: how far the list can be paged when not to its `total`: a search with words and no
    #: filter ranks only its newest `query.RANKED_MATCHES` matches (SQLite: `query.ranked_window`);
    #: None: all of it
    reachable: int | None = None


@dataclass(frozen=True, slots=True)
class ListedClaim:
    """A claim as lists show it, with what a page needs to link it to its place: its article,
    its speaker, and its content's offsets into `field`."""

    id: int
    article_id: int
    speaker_id: int | None
    speaker: str | None  # the resolved speaker's name
    source: str | None  # the source as the text names it
    cue: str
    cue_lemma: str
    stance: str
    kind: str
    content: str
    field: str
    start: int
    end: int
    confidence: float
    method: str | None
    checkworthiness: float | None
    check_worthy: bool | None
    title: str | None
    url: str | None
    outlet: str | None
    published: str | None
    licence: str | None
    snippet: str | None  # the matching words between « and » (a search only)
    rank: float | None


@dataclass(frozen=True, slots=True)
class FacetValue:
    """One value of a facet and how many claims have it (a speaker's also carries its id)."""

    value: str
    count: int
    id: int | None = None


#: for each of `FACETS`, its most frequent values
FacetCounts = dict[str, list[FacetValue]]


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


def _claim(row: Any, snippet: str | None = None, rank: float | None = None) -> ListedClaim:
    return ListedClaim(
        id=row.id, article_id=row.article_id, speaker_id=row.speaker_id, speaker=row.speaker,
        source=row.source_text, cue=row.cue_text, cue_lemma=row.cue_lemma, stance=row.stance,
        kind=row.kind, content=row.content, field=row.field, start=row.content_start,
        end=row.content_end, confidence=row.confidence, method=row.method,
        checkworthiness=row.checkworthiness, check_worthy=_check_worthy(row.checkworthiness),
        title=row.title, url=row.url, outlet=row.outlet, published=row.published,
        licence=row.licence, snippet=snippet, rank=rank,
    )  # fmt: skip


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


def attribution_list(engine: Engine, f: Filters, limit: int, offset: int) -> Page[ListedClaim]:
    """Claims passing `f`: with a query, best match first (`search`'s ranking and snippets);
    without one, newest first; either way the most check-worthy first when ``f.sort`` says so."""
    if unfiltered(f):
        total = run_read(engine, "count claims", lambda conn: tallies.total(conn, "attributions"))
    elif summarised(engine, f) and f.query and f.query.strip():
        total, exact = run_read(engine, "count claims", lambda conn: search_total(conn, f))
        return _listed(engine, f, limit, offset, total, exact)
    elif summarised(engine, f):
        total = run_read(engine, "count claims", lambda conn: passing(conn, f))
    else:
        base = _selected(engine, claims_select(), f)

        def count(conn: Connection) -> int:
            known = counts.tallied_total(conn, f)
            return _counted(conn, base) if known is None else known

        total = run_read(engine, "count claims", count)
    return _listed(engine, f, limit, offset, total)


def _listed(
    engine: Engine, f: Filters, limit: int, offset: int, total: int, exact: bool = True
) -> Page[ListedClaim]:
    """The page of claims passing `f`, `total` of them (an estimate unless `exact`: then a page
    past it is still read, since more may pass)."""
    if limit == 0 or (offset >= total and exact):
        return Page([], total, limit, offset, exact)
    if f.query and f.query.strip():
        # `search` ranks the best offset + limit and reads only the page's rows
        hits = search(engine, replace(f, limit=limit), offset=offset)
        ids = [h.id for h in hits]
        rows = run_read(engine, "read claims",
                    lambda conn: conn.execute(_claims().where(attributions.c.id.in_(ids))).all())  # fmt: skip
        by_id = {r.id: r for r in rows}
        items = [_claim(by_id[h.id], h.snippet, h.rank) for h in hits if h.id in by_id]
        return Page(items, total, limit, offset, exact, ranked_window(engine, f))
    cw = attributions.c.checkworthiness
    order = (
        (cw.is_(None), cw.desc(), attributions.c.id)
        if f.sort == "checkworthiness"
        else (article_versions.c.published.desc().nulls_last(), attributions.c.id.desc())
    )
    stmt = filtered(_claims(), f).order_by(*order).limit(limit).offset(offset)
    rows = run_read(engine, "read claims", lambda conn: conn.execute(stmt).all())
    return Page([_claim(r) for r in rows], total, limit, offset)


def facets(engine: Engine, f: Filters, top: int = 10) -> FacetCounts:
    """For each of `FACETS`, the most frequent values among the claims passing `f`, with counts
    (a speaker value also carries its id, so a page can link it); ties by value. Exact, except
    past `FACET_BOUND` passing claims, where the most recently stored `FACET_BOUND` are counted
    (a search without words; on PostgreSQL any search): `search_page` says how many it counted."""
    return _facets(engine, f, top)[0]


def _facet_counts(values: Facets) -> FacetCounts:
    return {name: [FacetValue(v["value"], v["count"], v.get("id")) for v in counted]
            for name, counted in values.items()}  # fmt: skip


def _facets(engine: Engine, f: Filters, top: int) -> tuple[FacetCounts, int | None]:
    if unfiltered(f):
        whole: Facets = run_read(engine, "count facets",
                                 lambda conn: summary_facets(conn, tallied(conn, top), top))  # fmt: skip
        return _facet_counts(whole), None

    def read(conn: Connection) -> tuple[Facets, int | None]:
        counted = _summary(conn, engine, f)
        return summary_facets(conn, counted, top), counted.sampled

    counted, sampled = run_read(engine, "count facets", read)
    return _facet_counts(counted), sampled


def _summary(conn: Connection, engine: Engine, f: Filters) -> Summary:
    return summary(conn, f) if summarised(engine, f) else _joined_summary(conn, engine, f)


def search_page(
    engine: Engine, f: Filters, limit: int, offset: int, top: int = 10
) -> tuple[Page[ListedClaim], FacetCounts, int | None]:
    """`attribution_list` and `facets` together, as the search page and API show them, and how
    many of the claims the facets counted when not all of them (None: all). On SQLite with a
    query the matches are read once for both the total and the facets."""
    if unfiltered(f):
        return attribution_list(engine, f, limit, offset), *_facets(engine, f, top)

    def read(conn: Connection) -> tuple[Summary, Facets]:
        counted = _summary(conn, engine, f)
        return counted, summary_facets(conn, counted, top)

    counted, values = run_read(engine, "count facets", read)
    page = _listed(engine, f, limit, offset, counted.total, counted.exact)
    return page, _facet_counts(values), counted.sampled


def _joined_summary(conn: Connection, engine: Engine, f: Filters) -> Summary:
    """`summary` through the claims join (PostgreSQL): the total is exact (the newest
    `FACET_BOUND` passing claims when fewer pass, else a count); the facets
    count the passing claims up to `FACET_BOUND`, past it the most recently stored (as on
    SQLite), in one pass rather than a GROUP BY per facet over every passing claim."""
    base = _selected(engine, select(attributions.c.id).select_from(
        claims_select().get_final_froms()[0]), f)  # fmt: skip
    newest = (
        base.with_only_columns(attributions.c.speaker_id, articles.c.outlet_id,
                               attributions.c.stance, attributions.c.kind)
        .order_by(attributions.c.id.desc()).limit(counts.FACET_BOUND)
    )  # fmt: skip
    rows = conn.execute(newest).all()
    if len(rows) < counts.FACET_BOUND:  # every passing claim is among them: that is the count
        return counts.counted(len(rows), rows)
    known = counts.tallied_total(conn, f)
    return counts.counted(_counted(conn, base) if known is None else known, rows)


# --- articles ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Part:
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class SourceSpan:
    """Where an attribution's source is, and the speaker it resolved to."""

    text: str
    start: int
    end: int
    speaker: int | None
    #: "I" given a speaker outside any quotation: a transcript turn's label or the author
    first_person: bool


@dataclass(frozen=True, slots=True)
class CueSpan:
    text: str
    start: int
    end: int
    lemma: str
    stance: str


@dataclass(frozen=True, slots=True)
class ContentSpan:
    """What was said: from the first part's start to the last's end; several parts when the
    cue and source interrupt it (a split quotation)."""

    text: str
    start: int
    end: int
    parts: list[Part]


@dataclass(frozen=True, slots=True)
class StoredAttribution:
    """One attribution of an article, its offsets into the string `field` names."""

    id: int
    kind: str
    field: str
    source: SourceSpan | None
    cue: CueSpan
    content: ContentSpan
    sentence: int
    parent: int | None  # the id of the attribution it is nested in
    confidence: float
    method: str | None
    speaker: int | None
    checkworthiness: float | None
    check_worthy: bool | None


@dataclass(frozen=True, slots=True)
class ArticleSpeaker:
    name: str
    type: str
    descriptions: list[str]


@dataclass(frozen=True, slots=True)
class ArticleFigure:
    """A number the article writes; `attribution`: the id of the attribution whose content
    holds it (None: the article states it itself)."""

    id: int
    text: str
    start: int
    end: int
    field: str
    value: float | None
    high: float | None
    unit: str | None
    qualifier: str | None
    measure: str | None
    attribution: int | None


@dataclass(frozen=True, slots=True)
class ArticleCopy:
    """Another article of the same story (a syndicated copy); `original`: the first stored."""

    id: int
    title: str | None
    outlet: str | None
    published: str | None
    original: bool


@dataclass(frozen=True, slots=True)
class ArticleDetail:
    """One article's current version with its attributions, speakers (keyed by the speaker id
    as a string), figures and copies."""

    id: int
    title: str | None
    standfirst: str | None
    text: str
    paragraphs: list[list[int]]  # [start, end] of each paragraph in `text`
    url: str | None
    outlet: str | None
    published: str | None
    authors: list[str]
    language: str | None
    licence: str | None
    source: str
    version: int
    analyser: str | None
    attributions: list[StoredAttribution]
    speakers: dict[str, ArticleSpeaker]
    figures: list[ArticleFigure]
    copies: list[ArticleCopy]


@dataclass(frozen=True, slots=True)
class ArticleSummary:
    """An article as lists show it, with how many attributions it holds."""

    id: int
    title: str | None
    url: str | None
    outlet: str | None
    published: str | None
    licence: str | None
    attributions: int


def article_detail(engine: Engine, article_id: int) -> ArticleDetail:
    """One article's current version with its attributions (offsets into "field"), speakers and
    figures; attribution, parent and speaker ids (and a figure's "attribution") are the store's ids."""

    def read(conn: Connection) -> ArticleDetail:
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
            ArticleFigure(id=f.id, text=f.text, start=f.start, end=f.end, field=f.field,
                          value=f.value, high=f.high, unit=f.unit, qualifier=f.qualifier,
                          measure=f.measure, attribution=f.attribution_id)
            for f in article_figures(conn, version_id)
        ]  # fmt: skip
        return _article(row, people, found, figures, _copies(conn, article_id))

    detail: ArticleDetail = run_read(engine, "read the article", read)
    return detail


def _copies(conn: Connection, article_id: int) -> list[ArticleCopy]:
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
    return [ArticleCopy(id=int(r[0]), title=r[1], outlet=r[2], published=r[3],
                        original=int(r[0]) == root) for r in rows]  # fmt: skip


def _article(
    row: Any,
    people: Sequence[Any],
    found: Sequence[Any],
    figures: list[ArticleFigure],
    copies: list[ArticleCopy],
) -> ArticleDetail:
    m = row._mapping
    body = m[article_versions.c.text]
    fields = {"text": body, "title": m[article_versions.c.title] or "",
              "standfirst": m[article_versions.c.standfirst] or ""}  # fmt: skip
    by_local = {a.local_id: a.id for a in found}
    heads: dict[str, tuple[str, str]] = {}
    descriptions: dict[str, list[str]] = {}
    for p in people:
        key = str(p.speaker_id)
        heads.setdefault(key, (p.name, p.type))
        known = descriptions.setdefault(key, [])
        known += [d for d in json.loads(p.descriptions or "[]") if d not in known]
    spoken = {key: ArticleSpeaker(name, kind, descriptions[key])
              for key, (name, kind) in heads.items()}  # fmt: skip

    def text(start: int, end: int, name: str) -> str:
        return str(fields.get(name, body)[start:end])

    def source(a: Any) -> SourceSpan | None:
        if a.source_start is None or a.source_end is None:
            return None
        # "I" given a speaker outside any quotation: a transcript turn's or the author's
        first_person = bool(
            a.speaker_id is not None and a.parent_local_id is None
            and (a.source_text or "").casefold() in FIRST_PERSON_SINGULAR
        )  # fmt: skip
        return SourceSpan(text(a.source_start, a.source_end, a.field), a.source_start,
                          a.source_end, a.speaker_id, first_person)  # fmt: skip

    def content(a: Any) -> ContentSpan:
        start, end = a.content_start, a.content_end
        parts = json.loads(a.content_parts) if a.content_parts else [[start, end]]
        return ContentSpan(text(start, end, a.field), start, end, [Part(s, e) for s, e in parts])

    out = [
        StoredAttribution(
            id=a.id, kind=a.kind, field=a.field, source=source(a),
            cue=CueSpan(text(a.cue_start, a.cue_end, a.field), a.cue_start, a.cue_end,
                        a.cue_lemma, a.stance),
            content=content(a), sentence=a.sentence, parent=by_local.get(a.parent_local_id),
            confidence=a.confidence, method=a.method, speaker=a.speaker_id,
            checkworthiness=a.checkworthiness, check_worthy=_check_worthy(a.checkworthiness),
        )
        for a in found
    ]  # fmt: skip
    return ArticleDetail(
        id=m[articles.c.id], title=m[article_versions.c.title],
        standfirst=m[article_versions.c.standfirst], text=body,
        paragraphs=[list(p) for p in json.loads(m[article_versions.c.paragraphs] or "[]")],
        url=m[article_versions.c.url], outlet=m["outlet"],
        published=m[article_versions.c.published],
        authors=json.loads(m[article_versions.c.authors] or "[]"),
        language=m[article_versions.c.language], licence=m[article_versions.c.licence],
        source=m[article_versions.c.source], version=m[article_versions.c.version],
        analyser=m[article_versions.c.analyser], attributions=out, speakers=spoken,
        figures=figures, copies=copies,
    )  # fmt: skip


def _check_worthy(score: float | None) -> bool | None:
    """Whether `score` reaches the shipped threshold (None: not scored)."""
    worthy: bool | None = checkworthiness_fields(score)["check_worthy"]
    return worthy


def article_list(engine: Engine, limit: int, offset: int) -> Page[ArticleSummary]:
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

    def read(conn: Connection) -> Page[ArticleSummary]:
        total = tallies.total(conn, "articles")
        rows = conn.execute(stmt).all() if limit else []
        items = [ArticleSummary(id=r.id, title=r.title, url=r.url, outlet=r.outlet,
                                published=r.published, licence=r.licence,
                                attributions=r.attributions) for r in rows]  # fmt: skip
        return Page(items, total, limit, offset)

    page: Page[ArticleSummary] = run_read(engine, "list articles", read)
    return page


# --- speakers ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class EntityCount:
    """An entity (by its id, the normalised name) and how many claims name it."""

    id: str
    name: str
    count: int


@dataclass(frozen=True, slots=True)
class Profile:
    """What a speaker's and an entity's page share: their attributions counted by stance and
    over time, and the latest."""

    attributions: int
    by_stance: dict[str, int]  # most frequent first
    timeline: Timeline
    latest: list[ListedClaim]  # newest first


@dataclass(frozen=True, slots=True)
class SpeakerDetail(Profile):
    """One speaker: names, roles (in the order first seen), what their claims name most."""

    id: int
    name: str
    type: str
    aliases: list[str]
    roles: list[Role]
    entities: list[EntityCount]


def speaker_list(
    engine: Engine, limit: int, offset: int, *, generic: bool = False
) -> Page[SpeakerSummary]:
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


def speaker_detail(engine: Engine, speaker_id: int, latest: int = 10) -> SpeakerDetail:
    """One speaker: names, roles over time, counts by stance, timeline, top entities, claims.

    The names, roles and timeline are read as `saywho speaker` reads them (`query.aliases_of`,
    `query.roles_of`, `query.stance_days` and `query.timeline_buckets`)."""

    def read(conn: Connection) -> SpeakerDetail:
        head = conn.execute(select(speakers.c.id, speakers.c.name, speakers.c.type)
                            .where(speakers.c.id == speaker_id)).first()  # fmt: skip
        if head is None:
            raise NotFoundError("no such speaker", input=f"speaker {speaker_id}",
                                remedy="see /api/v1/speakers for the ids")  # fmt: skip
        mine = attributions.c.speaker_id == speaker_id
        p = _profile(conn, mine, latest)
        return SpeakerDetail(
            attributions=p.attributions, by_stance=p.by_stance, timeline=p.timeline,
            latest=p.latest, id=head.id, name=head.name, type=head.type,
            aliases=aliases_of(conn, speaker_id), roles=roles_of(conn, speaker_id),
            entities=_top_entities(conn, mine),
        )  # fmt: skip

    detail: SpeakerDetail = run_read(engine, "read the speaker", read)
    return detail


def _profile(conn: Connection, where: ColumnElement[bool], latest: int) -> Profile:
    """Counts by stance, the timeline and the latest claims of the attributions `where` picks."""
    per_day = stance_days(conn, where)
    by_stance: Counter[str] = Counter()
    for _, stance, n in per_day:
        by_stance[stance] += n
    claims = conn.execute(
        _claims().where(where)
        .order_by(article_versions.c.published.desc().nulls_last(), attributions.c.id.desc())
        .limit(latest)
    ).all()  # fmt: skip
    return Profile(attributions=sum(by_stance.values()), by_stance=dict(by_stance.most_common()),
                   timeline=timeline_buckets(per_day), latest=[_claim(r) for r in claims])  # fmt: skip


def _top_entities(conn: Connection, where: ColumnElement[bool], top: int = 10) -> list[EntityCount]:
    n = func.count(func.distinct(mentions.c.attribution_id))
    rows = conn.execute(
        select(mentions.c.normalised, func.min(mentions.c.text).label("name"), n.label("n"))
        .join(attributions, attributions.c.id == mentions.c.attribution_id)
        .join(articles, articles.c.current_version_id == attributions.c.version_id)
        .where(where).group_by(mentions.c.normalised)
        .order_by(n.desc(), mentions.c.normalised).limit(top)
    ).all()  # fmt: skip
    return [EntityCount(id=r.normalised, name=r.name, count=int(r.n)) for r in rows]


# --- entities ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class EntitySummary:
    """An entity named inside claims: its id (the normalised name), a name as written, its
    label (PERSON, ORG, …), how many claims name it and by how many speakers."""

    id: str
    name: str
    label: str
    claims: int
    speakers: int


@dataclass(frozen=True, slots=True)
class EntitySpeaker:
    """Who makes claims about an entity (id and name None: no resolved speaker), with stances."""

    id: int | None
    name: str | None
    count: int
    by_stance: dict[str, int]


@dataclass(frozen=True, slots=True)
class EntityDetail(Profile):
    """Who makes claims about an entity, with which stances, over time."""

    id: str
    name: str
    names: list[str]  # the ways the claims write it
    speakers: list[EntitySpeaker]  # the most claims first, ties by name


def _current_mentions() -> Select[Any]:
    return (select(mentions.c.normalised)
            .join(attributions, attributions.c.id == mentions.c.attribution_id)
            .join(articles, articles.c.current_version_id == attributions.c.version_id))  # fmt: skip


def entity_list(engine: Engine, limit: int, offset: int) -> Page[EntitySummary]:
    """Entities named inside claims, most claimed about first (ties by key), from the store's
    tallies; the names and speakers of only the entities listed are read."""

    def read(conn: Connection) -> Page[EntitySummary]:
        total = tallies.distinct(conn, "entity")
        items = []
        for key, n in tallies.ranked(conn, "entity", limit, offset) if limit else []:
            head = conn.execute(
                _current_mentions().with_only_columns(
                    func.min(mentions.c.text), func.min(mentions.c.label),
                    func.count(func.distinct(attributions.c.speaker_id)))
                .where(mentions.c.normalised == key)
            ).one()  # fmt: skip
            items.append(EntitySummary(id=key, name=head[0], label=head[1], claims=n,
                                       speakers=int(head[2])))  # fmt: skip
        return Page(items, total, limit, offset)

    page: Page[EntitySummary] = run_read(engine, "list entities", read)
    return page


def entity_detail(engine: Engine, entity: str, latest: int = 10) -> EntityDetail:
    """Who makes claims about an entity, with which stances, over time."""
    keys = {entity, normalise(entity) or entity.casefold()}

    def read(conn: Connection) -> EntityDetail:
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
        named: dict[Any, str | None] = {}
        stances: dict[Any, dict[str, int]] = {}
        for r in who:
            named.setdefault(r.speaker_id, r.name)
            stances.setdefault(r.speaker_id, {})[r.stance] = int(r.n)
        by_speaker = [EntitySpeaker(id=i, name=named[i], count=sum(s.values()), by_stance=s)
                      for i, s in stances.items()]  # fmt: skip
        p = _profile(conn, about, latest)
        return EntityDetail(
            attributions=p.attributions, by_stance=p.by_stance, timeline=p.timeline,
            latest=p.latest, id=key, name=names[0].text,
            names=sorted({r.text for r in names if r.normalised == key}),
            speakers=sorted(by_speaker, key=lambda e: (-e.count, e.name or "~")),
        )  # fmt: skip

    detail: EntityDetail = run_read(engine, "read the entity", read)
    return detail


# --- overview ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Overview:
    """What the front page shows: counts, top speakers, recent articles, licence lines."""

    counts: dict[str, int]
    speakers: list[SpeakerSummary]
    articles: list[ArticleSummary]
    licences: list[str]


def overview(engine: Engine, top: int = 10) -> Overview:
    """What the front page shows: counts, top speakers, recent articles, licence lines."""

    def licences(conn: Connection) -> list[str]:
        return [licence for licence, _ in tallies.ranked(conn, "licence", 3)]

    return Overview(
        counts=stats(engine),
        speakers=speakers_top(engine, top),
        articles=article_list(engine, top, 0).items,
        licences=run_read(engine, "read licences", licences),
    )


__all__ = ["FACETS", "ArticleCopy", "ArticleDetail", "ArticleFigure", "ArticleSpeaker",
           "ArticleSummary", "ContentSpan", "CueSpan", "EntityCount", "EntityDetail",
           "EntitySpeaker", "EntitySummary", "FacetCounts", "FacetValue", "ListedClaim",
           "Overview", "Page", "Part", "Profile", "SourceSpan", "SpeakerDetail",
           "StoredAttribution", "article_detail", "article_list", "attribution_list",
           "entity_detail", "entity_list", "facets", "overview", "search_page", "speaker_detail",
           "speaker_list", "timeline_buckets"]  # fmt: skip
