"""The REST API under ``/api/v1``: thin routes over `store.browse` and `web.documents`.

Lists are paged (``limit`` 0–100, ``offset``) and answer ``{"items", "total", "limit",
"offset", "next"}``; every error is the one shape of `app.error_body`.
"""

from __future__ import annotations

import functools
import inspect
import re
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import asdict, is_dataclass
from datetime import date
from typing import Annotated, Any, Literal, TypeVar

from fastapi import APIRouter, Depends, Header, Path, Query, Request, Response
from sqlalchemy import Engine
from starlette.concurrency import run_in_threadpool

from ..config import Settings
from ..factchecks.ranking import with_context
from ..model import Kind, Stance
from ..store import browse
from ..store.claim_query import (
    ClaimFilters,
    checked_claims,
    claim_cluster_page,
    claim_links,
    claim_story,
    similar,
)
from ..store.factchecks import (
    get_fact_check,
    import_fact_checks,
    list_fact_checks,
    match_fact_checks,
)
from ..store.figure_query import FigureFilters, count_figures, find_figures
from ..store.query import Filters
from . import schemas
from .common import ApiError
from .documents import analysis_json, document_from, ingest_one

T = TypeVar("T")


class OneTripRouter(APIRouter):
    """An APIRouter whose plain-function endpoints go to the thread pool once, not twice.

    FastAPI runs a plain function endpoint in the thread pool, then validates what it returned
    against its response model in the thread pool again (``fastapi.routing.serialize_response``);
    under load each request so queued for a thread twice, behind every request waiting. A
    coroutine endpoint's answer is validated in the event loop (a millisecond or two of work), so
    each plain function is wrapped in a coroutine that runs it in the thread pool once
    (`_in_thread`); its parameters and answers are unchanged."""

    def add_api_route(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        if not inspect.iscoroutinefunction(endpoint):
            endpoint = _in_thread(endpoint)
        super().add_api_route(path, endpoint, **kwargs)


def _in_thread(func: Callable[..., T]) -> Callable[..., Awaitable[T]]:
    @functools.wraps(func)  # FastAPI reads the parameters through __wrapped__
    async def run(*args: Any, **kwargs: Any) -> T:
        return await run_in_threadpool(func, *args, **kwargs)

    return run


router = OneTripRouter(prefix="/api/v1", tags=["api"], responses=schemas.ERRORS)

MAX_LIMIT = 100
MAX_OFFSET = 1_000_000
#: the largest id the databases store (64-bit signed); a bigger number cannot name anything
MAX_ID = 2**63 - 1
#: a day, or empty: a submitted HTML form sends every field, the empty ones as ""
DAY = r"^(\d{4}-\d{2}-\d{2})?$"


# The dependencies are coroutines (or `in_loop`): FastAPI runs a plain function or class in the
# thread pool, where under load it would wait behind every request queued for a thread, once
# per dependency, for work of microseconds.


async def get_engine(request: Request) -> Engine:
    engine: Engine = request.app.state.engine
    return engine


async def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def in_loop(cls: Callable[..., T]) -> Callable[..., Awaitable[T]]:
    """`cls` (a class of query parameters) as a dependency FastAPI calls in its event loop: a
    coroutine with `cls`'s parameters."""

    async def build(**values: Any) -> T:
        return cls(**values)

    build.__signature__ = inspect.signature(cls, eval_str=True)  # type: ignore[attr-defined]
    build.__name__ = build.__qualname__ = getattr(cls, "__name__", "params")
    return build


EngineDep = Annotated[Engine, Depends(get_engine)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
Limit = Annotated[int, Query(ge=0, le=MAX_LIMIT, description="items per page (0: count only)")]
Offset = Annotated[int, Query(ge=0, le=MAX_OFFSET, description="items to skip")]
ArticleId = Annotated[int, Path(ge=1, le=MAX_ID, description="an article id (/api/v1/articles)")]
SpeakerId = Annotated[int, Path(ge=1, le=MAX_ID, description="a speaker id (/api/v1/speakers)")]


class SearchParams:
    """The filters of ``saywho search``, as query parameters (shared with the HTML pages)."""

    def __init__(
        self,
        q: Annotated[str | None, Query(max_length=500, description="words to find in claim contents")] = None,
        speaker: Annotated[str | None, Query(max_length=300, description="claims by this speaker (any name)")] = None,
        about: Annotated[str | None, Query(max_length=300, description="claims naming this entity")] = None,
        stance: Annotated[Stance | Literal[""] | None, Query(description="only this stance")] = None,
        kind: Annotated[Kind | Literal[""] | None, Query(description="only this kind")] = None,
        outlet: Annotated[str | None, Query(max_length=300, description="only this outlet")] = None,
        since: Annotated[str | None, Query(pattern=DAY, description="published on or after (YYYY-MM-DD)")] = None,
        until: Annotated[str | None, Query(pattern=DAY, description="published on or before (YYYY-MM-DD)")] = None,
        check_worthy: Annotated[bool, Query(description="only check-worthy attributions (checkworthiness ≥ the shipped threshold)")] = False,
        sort: Annotated[Literal["relevance", "checkworthiness"], Query(description="relevance: best match first (newest first without q); checkworthiness: most check-worthy first")] = "relevance",
    ) -> None:  # fmt: skip
        self.q = (q or "").strip() or None
        self.filters = Filters(
            query=self.q, speaker=(speaker or "").strip() or None, about=(about or "").strip() or None,
            stance=stance.value if stance else None, kind=kind.value if kind else None,
            outlet=(outlet or "").strip() or None, since=_day("since", since), until=_day("until", until),
            check_worthy=check_worthy, sort=sort,
        )  # fmt: skip
        if self.q is not None and not re.search(r"\w", self.q):
            raise ApiError(422, f"the search {self.q[:80]!r} has no words in it (search for words)")


SearchDep = Annotated[SearchParams, Depends(in_loop(SearchParams))]


def _day(name: str, value: str | None) -> date | None:
    """A YYYY-MM-DD parameter as a date (strict: pydantic would also take 0 as 1970-01-01)."""
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ApiError(422, f"{name}: {value[:40]!r} is not a day (give YYYY-MM-DD)") from None


def plain(value: Any) -> Any:
    """A store read's dataclasses (`store.browse`) as the dicts the response models validate;
    lists and dicts of them item by item; anything else as it is."""
    if is_dataclass(value) and not isinstance(value, type):
        return asdict(value)
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    return value


def paged(request: Request, page: browse.Page[Any]) -> dict[str, Any]:
    """A page as the API answers it, with the URL of the next page."""
    next_url = None
    if more(page):
        following = page.offset + page.limit
        next_url = str(request.url.include_query_params(offset=following, limit=page.limit))
    return {"items": plain(page.items), "total": page.total, "total_exact": page.exact,
            "ranked": page.reachable, "limit": page.limit, "offset": page.offset,
            "next": next_url}  # fmt: skip


def with_claims(engine: Engine, attributions: list[dict[str, Any]]) -> None:
    """Gives each stored attribution (a dict, changed in place) its claim across articles and the
    fact-checks that address it (`claim_id`, `fact_checks`), as the article and search pages
    show them."""
    links = claim_links(engine, [int(a["id"]) for a in attributions])
    for a in attributions:
        a.update(links[int(a["id"])])


def more(page: browse.Page[Any]) -> bool:
    """Whether a page follows `page`: its total says so, or, the total being an estimate, the
    page is full."""
    if not page.limit:
        return False
    if page.reachable is not None and page.offset + page.limit >= page.reachable:
        return False
    if page.offset + page.limit < page.total:
        return True
    return not page.exact and len(page.items) == page.limit


health = OneTripRouter(tags=["api"])


@health.get("/healthz", summary="For orchestrators: the store answers and its schema is this saywho's",
            responses={503: {"model": schemas.Health}})  # fmt: skip
def healthz(engine: EngineDep, response: Response) -> schemas.Health:
    """200 when the store answers and is at the schema this saywho ships; 503 (with the reason)
    when it does not answer or needs ``saywho db upgrade``."""
    from ..errors import StoreError
    from ..store.engine import current_revision, head_revision

    head = head_revision()
    try:
        revision = current_revision(engine)
    except StoreError as exc:
        response.status_code = 503
        return schemas.Health(
            status="unavailable", schema_revision=None, head_revision=head, detail=str(exc)
        )
    if revision != head:
        response.status_code = 503
        return schemas.Health(status="outdated", schema_revision=revision, head_revision=head,
                              detail="the store's schema is not this saywho's: run saywho db upgrade")  # fmt: skip
    return schemas.Health(status="ok", schema_revision=revision, head_revision=head, detail=None)


@router.get("/", response_model=schemas.Overview, summary="What the store holds")
def overview(engine: EngineDep) -> dict[str, Any]:
    return asdict(browse.overview(engine))


@router.get("/articles", response_model=schemas.ArticlePage, summary="Articles, newest first")
def articles(
    request: Request, engine: EngineDep, limit: Limit = 20, offset: Offset = 0
) -> dict[str, Any]:
    return paged(request, browse.article_list(engine, limit, offset))


@router.get("/articles/{article_id}", response_model=schemas.Article,
            summary="One article with its attributions and speakers")  # fmt: skip
def article(article_id: ArticleId, engine: EngineDep) -> dict[str, Any]:
    doc = asdict(browse.article_detail(engine, article_id))
    with_claims(engine, doc["attributions"])
    return doc


@router.get("/attributions", response_model=schemas.ClaimPage,
            summary="Attributions passing the search filters (q optional)")  # fmt: skip
def attributions(
    request: Request, engine: EngineDep, params: SearchDep, limit: Limit = 20, offset: Offset = 0
) -> dict[str, Any]:
    found = paged(request, browse.attribution_list(engine, params.filters, limit, offset))
    with_claims(engine, found["items"])
    return found


@router.get("/search", response_model=schemas.SearchPage,
            summary="Full-text search over claims (q), with the filters and facet counts")  # fmt: skip
def search(
    request: Request, engine: EngineDep, params: SearchDep, limit: Limit = 20, offset: Offset = 0
) -> dict[str, Any]:
    # without words it lists every claim passing the filters, newest first, as the page does
    page, facets, sampled = browse.search_page(engine, params.filters, limit, offset)
    found = paged(request, page)
    with_claims(engine, found["items"])
    return {**found, "query": params.q, "facets": plain(facets), "facets_counted": sampled}


@router.get("/speakers", response_model=schemas.SpeakerPage, summary="Speakers, most quoted first")
def speakers(
    request: Request,
    engine: EngineDep,
    limit: Limit = 20,
    offset: Offset = 0,
    generic: Annotated[
        bool,
        Query(description='also list GENERIC sources ("police", "researchers"), one per article'),
    ] = False,
) -> dict[str, Any]:
    return paged(request, browse.speaker_list(engine, limit, offset, generic=generic))


@router.get("/speakers/{speaker_id}", response_model=schemas.Speaker,
            summary="One speaker: names, roles, stances, timeline, entities, latest claims")  # fmt: skip
def speaker(speaker_id: SpeakerId, engine: EngineDep) -> dict[str, Any]:
    data = asdict(browse.speaker_detail(engine, speaker_id))
    with_claims(engine, data["latest"])
    return data


@router.get("/entities", response_model=schemas.EntityPage,
            summary="Entities named inside claims, most claimed about first")  # fmt: skip
def entities(
    request: Request, engine: EngineDep, limit: Limit = 20, offset: Offset = 0
) -> dict[str, Any]:
    return paged(request, browse.entity_list(engine, limit, offset))


@router.get("/entities/{entity_id:path}", response_model=schemas.Entity,
            summary="Who makes claims about an entity, with which stances, over time")  # fmt: skip
def entity(entity_id: str, engine: EngineDep) -> dict[str, Any]:
    if not entity_id.strip() or len(entity_id) > 500:
        raise ApiError(404, "no such entity (see /api/v1/entities for the ids)")
    data = asdict(browse.entity_detail(engine, entity_id))
    with_claims(engine, data["latest"])
    return data


class FigureParams:
    """The filters of ``saywho figures``, as query parameters."""

    def __init__(
        self,
        speaker: Annotated[str | None, Query(max_length=300, description="figures in what this speaker said")] = None,
        about: Annotated[str | None, Query(max_length=300, description="figures in attributions naming this entity, or whose measure does")] = None,
        unit: Annotated[str | None, Query(max_length=100, description='a unit as stored: "USD", "percent", "people"')] = None,
        outlet: Annotated[str | None, Query(max_length=300, description="figures in this outlet's articles")] = None,
        since: Annotated[str | None, Query(pattern=DAY, description="articles published on or after (YYYY-MM-DD)")] = None,
        until: Annotated[str | None, Query(pattern=DAY, description="articles published on or before (YYYY-MM-DD)")] = None,
        whose: Annotated[Literal["all", "attributed", "own"], Query(description="attributed: inside an attribution; own: stated by the article")] = "all",
        min_value: Annotated[float | None, Query(ge=-1e300, le=1e300, description="value at least")] = None,
        max_value: Annotated[float | None, Query(ge=-1e300, le=1e300, description="value at most")] = None,
    ) -> None:  # fmt: skip
        self.speaker = (speaker or "").strip() or None
        self.about = (about or "").strip() or None
        self.unit = (unit or "").strip() or None
        self.outlet = (outlet or "").strip() or None
        self.since, self.until = _day("since", since), _day("until", until)
        self.attributed = {"all": None, "attributed": True, "own": False}[whose]
        self.min_value, self.max_value = min_value, max_value

    def filters(self, limit: int, offset: int) -> FigureFilters:
        return FigureFilters(speaker=self.speaker, about=self.about, unit=self.unit, outlet=self.outlet,
                             since=self.since, until=self.until, attributed=self.attributed,
                             min_value=self.min_value, max_value=self.max_value, limit=limit,
                             offset=offset)  # fmt: skip


FigureDep = Annotated[FigureParams, Depends(in_loop(FigureParams))]


@router.get("/figures", response_model=schemas.FigurePage,
            summary="Figures in stored articles, whose they are and what they measure; newest first")  # fmt: skip
def figures(
    request: Request, engine: EngineDep, params: FigureDep, limit: Limit = 50, offset: Offset = 0
) -> dict[str, Any]:
    chosen = params.filters(limit, offset)
    items = [f.to_dict() for f in find_figures(engine, chosen)] if limit else []
    return paged(request, browse.Page(items, count_figures(engine, chosen), limit, offset))


ClaimId = Annotated[int, Path(ge=1, le=MAX_ID, description="a claim cluster id (/api/v1/claims)")]
FactCheckId = Annotated[
    int, Path(ge=1, le=MAX_ID, description="a fact-check id (/api/v1/factchecks)")
]


class ClaimParams:
    """The filters of ``saywho claims``, as query parameters (shared with the HTML page)."""

    def __init__(
        self,
        outlet: Annotated[str | None, Query(max_length=300, description="claims with an appearance in this outlet")] = None,
        speaker: Annotated[str | None, Query(max_length=300, description="claims with an appearance by this speaker")] = None,
        about: Annotated[str | None, Query(max_length=300, description="claims with an appearance naming this entity")] = None,
        since: Annotated[str | None, Query(pattern=DAY, description="with an appearance on or after (YYYY-MM-DD)")] = None,
        until: Annotated[str | None, Query(pattern=DAY, description="with an appearance on or before (YYYY-MM-DD)")] = None,
        min_outlets: Annotated[int, Query(ge=1, le=1_000_000, description="ran in at least this many outlets")] = 1,
        min_articles: Annotated[int, Query(ge=1, le=1_000_000, description="ran in at least this many articles")] = 1,
        sort: Annotated[Literal["spread", "first", "recent", "checkworthiness"], Query(description="spread: most outlets; first: earliest; recent: latest; checkworthiness: most check-worthy")] = "spread",
        fact_checked: Annotated[bool, Query(description="only claims an imported fact-check addresses")] = False,
        verdict: Annotated[schemas.Verdict | Literal[""] | None, Query(description="only claims a fact-check with this verdict addresses (empty: any, as the page's form sends it)")] = None,
        check_worthy: Annotated[bool, Query(description="only claims with a check-worthy appearance")] = False,
    ) -> None:  # fmt: skip
        self.fact_checked, self.verdict, self.check_worthy = (
            fact_checked,
            verdict or None,
            check_worthy,
        )
        self.outlet = (outlet or "").strip() or None
        self.speaker = (speaker or "").strip() or None
        self.about = (about or "").strip() or None
        self.since, self.until = _day("since", since), _day("until", until)
        self.min_outlets, self.min_articles, self.sort = min_outlets, min_articles, sort

    def filters(self, limit: int, offset: int) -> ClaimFilters:
        return ClaimFilters(since=self.since, until=self.until, outlet=self.outlet, speaker=self.speaker,
                            about=self.about, min_outlets=self.min_outlets, min_articles=self.min_articles,
                            fact_checked=self.fact_checked, verdict=self.verdict, check_worthy=self.check_worthy,
                            sort=self.sort, limit=limit,
                            offset=offset)  # fmt: skip


ClaimDep = Annotated[ClaimParams, Depends(in_loop(ClaimParams))]


@router.get("/claims", response_model=schemas.ClaimClusterPage,
            summary="Claims across articles (clusters), with their spread")  # fmt: skip
def claims(
    request: Request, engine: EngineDep, params: ClaimDep, limit: Limit = 20, offset: Offset = 0
) -> dict[str, Any]:
    items, total = claim_cluster_page(engine, params.filters(limit, offset))
    return paged(request, browse.Page(items, total, limit, offset))


@router.get("/claims/{claim_id}", response_model=schemas.ClaimStory,
            summary="One claim's story: appearances in date order, who said it first, how it was credited")  # fmt: skip
def claim(claim_id: ClaimId, engine: EngineDep) -> dict[str, Any]:
    return claim_story(engine, claim_id)


def statement(q: str) -> str:
    """A statement to compare with stored claims or fact-checks (422 when it has no words)."""
    if not re.search(r"\w", q):
        raise ApiError(422, f"the statement {q[:80]!r} has no words in it")
    return q


class MatchParams:
    """A statement to match against the fact-checks, with its speaker and day when known
    (shared with the HTML page)."""

    def __init__(
        self,
        q: Annotated[str, Query(min_length=1, max_length=2000, description="a statement")],
        speaker: Annotated[str | None, Query(max_length=300, description="who made it (helps to rank)")] = None,
        date: Annotated[str | None, Query(pattern=DAY, description="when, YYYY-MM-DD (helps to rank)")] = None,
        top: Annotated[int, Query(ge=1, le=100, description="how many fact-checks")] = 5,
    ) -> None:  # fmt: skip
        self.q, self.top = q, top
        self.speaker, self.date = (speaker or "").strip() or None, _day("date", date)
        self.statement = with_context(statement(q), self.speaker, self.date)


MatchDep = Annotated[MatchParams, Depends(in_loop(MatchParams))]


@router.get("/similar", response_model=schemas.SimilarPage,
            summary="Stored claims most like a statement (sentence-embedding cosine)")  # fmt: skip
def similar_claims(
    engine: EngineDep,
    q: Annotated[str, Query(min_length=1, max_length=2000, description="a statement")],
    top: Annotated[int, Query(ge=1, le=100, description="how many claims")] = 10,
) -> dict[str, Any]:
    return {"query": q, "items": similar(engine, statement(q), top)}


@router.get("/factchecks", response_model=schemas.FactCheckPage,
            summary="Imported fact-checks, newest review first")  # fmt: skip
def factchecks(
    request: Request,
    engine: EngineDep,
    verdict: Annotated[schemas.Verdict | None, Query(description="only this verdict")] = None,
    fact_checker: Annotated[
        str | None, Query(max_length=200, description="only this fact-checker's")
    ] = None,
    limit: Limit = 20,
    offset: Offset = 0,
) -> dict[str, Any]:
    total, found = list_fact_checks(engine, verdict, fact_checker, limit, offset)
    return paged(request, browse.Page([f.to_dict() for f in found], total, limit, offset))


@router.get("/factchecks/match", response_model=schemas.FactCheckMatchPage,
            summary="Fact-checks most like a statement: has it been checked?")  # fmt: skip
def factcheck_match(engine: EngineDep, params: MatchDep) -> dict[str, Any]:
    (found,) = match_fact_checks(engine, [params.statement], params.top)
    return {"query": params.q, "items": [m.to_dict() for m in found]}


@router.get("/factchecks/{fact_check_id}", response_model=schemas.FactCheckDetail,
            summary="One fact-check, its versions and the stored claims it addresses")  # fmt: skip
def factcheck(fact_check_id: FactCheckId, engine: EngineDep) -> dict[str, Any]:
    return fact_check_detail(engine, fact_check_id)


def fact_check_detail(engine: Engine, fact_check_id: int) -> dict[str, Any]:
    """What the fact-check page and its JSON twin show (NotFoundError: no such fact-check)."""
    found, versions = get_fact_check(engine, fact_check_id)
    return {**found.to_dict(), "versions": [v.to_dict() for v in versions],
            "claims": checked_claims(engine, fact_check_id)}  # fmt: skip


#: the kinds of fact-check documents `POST /factchecks` reads, by media type (else sniffed)
_IMPORT_KINDS = {"application/json": "json", "application/ld+json": "json", "application/x-ndjson": "jsonl",
                 "application/jsonl": "jsonl", "application/json-lines": "jsonl", "text/csv": "csv",
                 "text/html": "html", "application/xhtml+xml": "html"}  # fmt: skip


@router.post("/factchecks", response_model=schemas.FactCheckImportOut,
             summary="Import fact-checks: ClaimReview JSON, a data feed, JSONL, CSV or an HTML page "
                     "(needs SAYWHO_API_TOKEN)",
             responses={201: {"model": schemas.FactCheckImportOut}, 401: {"model": schemas.ErrorOut},
                        403: {"model": schemas.ErrorOut}})  # fmt: skip
async def import_factchecks(
    request: Request,
    response: Response,
    engine: EngineDep,
    settings: SettingsDep,
    authorization: Annotated[str | None, Header(description="Bearer <SAYWHO_API_TOKEN>")] = None,
    content_type: Annotated[
        str | None, Header(description="how the body is written (else sniffed)")
    ] = None,
) -> dict[str, Any]:
    """The body is read as its Content-Type says (JSON, JSON Lines, CSV, HTML; else from its
    content), imported as `saywho factchecks import` does: idempotent, a changed review is a new
    version, bad records are reported and skipped. 201 when anything was stored, 200 when all was
    already stored, 422 when no record could be read."""
    from ..factchecks import from_bytes
    from ..sources.sniff import parse_content_type

    check_token(settings, authorization, "fact-check import")
    media_type, charset = parse_content_type(content_type)
    body = await request.body()
    records = from_bytes(
        body, "POST /api/v1/factchecks", _IMPORT_KINDS.get(media_type or "", ""), charset=charset
    )
    summary = await run_in_threadpool(import_fact_checks, engine, records)
    if summary.errors and not (summary.stored or summary.updated or summary.skipped):
        first = summary.bad[0]
        raise ApiError(422, f"no fact-check read ({summary.errors} bad records; the first: {first.position}: "
                            f"{first.reason})")  # fmt: skip
    response.status_code = 201 if summary.stored or summary.updated else 200
    return {"stored": summary.stored, "updated": summary.updated, "skipped": summary.skipped,
            "errors": summary.errors, "bad": [{"position": b.position, "reason": b.reason} for b in summary.bad],
            "linked": summary.linked}  # fmt: skip


@router.post("/analyze", response_model=schemas.Analysis,
             summary="Analyse a text, HTML page or URL without storing it")  # fmt: skip
def analyze(
    body: schemas.DocumentIn,
    settings: SettingsDep,
    notion: Annotated[
        Literal["claims", "broad"] | None,
        Query(
            description="which attributions: claims (statements a source makes; the server's "
            "default unless set) or broad (PolNeAR's notion: adds beliefs, "
            "attitudes and intentions)"
        ),
    ] = None,
) -> dict[str, Any]:
    settings = settings.with_overrides(notion=notion)
    raw = document_from(text=body.text, html=body.html, url=body.url, settings=settings)
    return analysis_json(raw, settings)


@router.post("/ingest", response_model=schemas.IngestOut, status_code=201,
             summary="Store a text, HTML page or URL (needs SAYWHO_API_TOKEN)",
             responses={401: {"model": schemas.ErrorOut}, 403: {"model": schemas.ErrorOut}})  # fmt: skip
def ingest(
    body: schemas.IngestIn,
    engine: EngineDep,
    settings: SettingsDep,
    authorization: Annotated[str | None, Header(description="Bearer <SAYWHO_API_TOKEN>")] = None,
) -> dict[str, Any]:
    check_token(settings, authorization)
    raw = document_from(text=body.text, html=body.html, url=body.url, settings=settings,
                        source=body.source)  # fmt: skip
    article_id, status = ingest_one(engine, raw, settings)
    return {"id": article_id, "status": status}


def check_token(settings: Settings, authorization: str | None, what: str = "ingest") -> None:
    """Writes (ingest, fact-check import) need ``Authorization: Bearer <SAYWHO_API_TOKEN>``;
    without a token set, they are off."""
    expected = settings.api_token or ""
    if not expected:
        raise ApiError(
            403, f"{what} is disabled on this server (set SAYWHO_API_TOKEN to enable it)"
        )
    scheme, _, given = (authorization or "").partition(" ")
    # compare_digest: the time taken does not tell how much of a guess was right
    if scheme.lower() != "bearer" or not secrets.compare_digest(
        given.strip().encode(), expected.encode()
    ):
        raise ApiError(401, "a valid bearer token is required (Authorization: Bearer <token>)")
