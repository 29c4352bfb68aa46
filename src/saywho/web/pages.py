"""The HTML pages: the same library calls as the API (`store.browse`), rendered with Jinja2
(autoescaped). Every page has a JSON twin under ``/api/v1`` with the same path."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict
from datetime import date, datetime
from typing import Annotated, Any, Literal
from urllib.parse import urlencode, urlsplit

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader

from ..analyze.figures import human_amount
from ..errors import SaywhoError
from ..factchecks import VERDICTS
from ..model import Kind, Stance
from ..store import browse
from ..store.claim_query import (
    ClaimFilters,
    claim_cluster_page,
    claim_clusters,
    claim_story,
    cluster_of,
    fact_checks_for,
)
from ..store.factchecks import SCORE_MEANS, list_fact_checks, match_fact_checks
from .api import (
    MAX_LIMIT,
    ArticleId,
    ClaimDep,
    ClaimId,
    EngineDep,
    FactCheckId,
    Limit,
    MatchDep,
    Offset,
    SearchDep,
    SettingsDep,
    SpeakerId,
    fact_check_detail,
    more,
)
from .charts import STANCE_COLOURS, timeline_svg
from .common import HERE, status_of
from .documents import analysis_json, document_from
from .highlight import figure_marks, highlighted, marks_for
from .schemas import Verdict

router = APIRouter(include_in_schema=False)


# autoescape everywhere, whatever the file name: article text and user input are untrusted
def _root(request: Request) -> dict[str, Any]:
    """``root``: the path the app is served under (``saywho serve --root-path``, behind a
    reverse proxy), which every link in the templates starts with; "" at the top."""
    return {"root": str(request.scope.get("root_path", "")).rstrip("/")}


templates = Jinja2Templates(
    env=Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=True),
    context_processors=[_root],
)


def http_url(value: object) -> str | None:
    """`value` when it is an http(s) URL, else None: a stored URL comes from the page itself and
    may be ``javascript:…``, which must never become a link."""
    text = str(value or "").strip()
    try:
        scheme = urlsplit(text).scheme.lower()
    except ValueError:  # an unbalanced IPv6 bracket, say
        return None
    return text if scheme in ("http", "https") else None


def counted(n: int, noun: str) -> str:
    """'1 article', '3 articles'."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _parsed(value: object) -> datetime | date | None:
    if isinstance(value, datetime | date):
        return value
    text = str(value or "").strip()
    try:
        if "T" in text or " " in text:
            return datetime.fromisoformat(text)
        return date.fromisoformat(text)
    except ValueError:
        return None


def readable_date(value: object, time: bool = True) -> str:
    """'2023-01-20T13:04' → '20 Jan 2023, 13:04' ('20 Jan 2023' without `time`); a date alone →
    '20 Jan 2023'; what is no ISO date is shown as it is."""
    when = _parsed(value)
    if when is None:
        return str(value or "")
    day = f"{when.day} {when:%b %Y}"  # no %-d: the day without a leading zero, on every platform
    return f"{day}, {when:%H:%M}" if time and isinstance(when, datetime) else day


def iso(value: object) -> str:
    """The machine-readable value of a `<time datetime=…>`: ISO 8601, as stored."""
    when = _parsed(value)
    if isinstance(when, datetime):
        return when.isoformat(timespec="minutes" if not when.second else "seconds")
    return when.isoformat() if when is not None else ""


def wordy(value: object) -> bool:
    """Whether a cue holds a letter or digit ("said") rather than only punctuation ("–", ":")."""
    return any(ch.isalnum() for ch in str(value or ""))


def other_names(aliases: Sequence[str], name: str) -> list[str]:
    """A speaker's aliases less its canonical name (case and spacing aside), each once."""
    seen = {" ".join(name.split()).casefold()}
    out = []
    for alias in aliases:
        key = " ".join(alias.split()).casefold()
        if key not in seen:
            seen.add(key)
            out.append(alias)
    return out


templates.env.filters.update(http_url=http_url, counted=counted, readable_date=readable_date,
                             iso=iso, other_names=other_names)  # fmt: skip
templates.env.tests["wordy"] = wordy
templates.env.globals.update(
    stances=[s.value for s in Stance], kinds=[k.value for k in Kind], stance_colours=STANCE_COLOURS,
    verdicts=list(VERDICTS),
    # marks a content can open or close its own quotation with; in a search snippet « » mark the
    # matched words (`store.query.HIGHLIGHT`) instead
    QUOTE_MARKS="\"“”‘’«»„‚‹›'", SNIPPET_QUOTE_MARKS="\"“”‘’„‚'",
)  # fmt: skip


def _page(request: Request, name: str, context: dict[str, Any], status: int = 200) -> HTMLResponse:
    return templates.TemplateResponse(request, name, context, status_code=status)


def error_page(request: Request, status: int, message: str,
               headers: Mapping[str, str] | None = None) -> Response:  # fmt: skip
    response = _page(request, "error.html", {"status": status, "message": message}, status)
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


def article_view(doc: Mapping[str, Any], *, linked: bool) -> dict[str, Any]:
    """What the article template shows of an article (`browse.article_detail`, as a dict) or an
    analysis (`serialize.analysis_to_dict`): each field as highlighted HTML, one entry per
    paragraph, and the side list of attributions. `linked`: speaker ids name stored speakers."""
    atts: Sequence[Mapping[str, Any]] = doc.get("attributions", [])
    people: Mapping[str, Mapping[str, Any]] = doc.get("speakers", {})
    text = doc.get("text") or ""
    view: dict[str, Any] = {}
    by_id = {str(a["id"]): a for a in atts}
    figures = [{**f, "title": figure_title(f, by_id, people)} for f in doc.get("figures", [])]
    for name in ("title", "standfirst"):
        value = doc.get(name) or ""
        marks = marks_for(atts, name, people) + figure_marks(figures, name)
        view[name] = highlighted(value, marks, name) if value else None
    marks = marks_for(atts, "text", people) + figure_marks(figures, "text")
    view["paragraphs"] = [highlighted(text, marks, "text", start, end)
                          for start, end in _paragraph_offsets(doc)]  # fmt: skip
    items = []
    for a in atts:
        speaker = (a.get("source") or {}).get("speaker")
        person = people.get(str(speaker), {}) if speaker is not None else {}
        field_text = doc.get(a.get("field", "text")) or ""
        content = a["content"]
        items.append({
            "id": a["id"], "kind": a["kind"], "stance": a["cue"]["stance"],
            "cue": a["cue"]["text"], "source": (a.get("source") or {}).get("text"),
            # what was said: a split quotation's parts, without its "he said"
            "content": " ".join(field_text[p["start"]:p["end"]]
                                for p in content.get("parts") or [content]),
            "field": a.get("field", "text"),
            "speaker": person.get("name"), "speaker_id": speaker if linked else None,
            "descriptions": person.get("descriptions", []), "confidence": a.get("confidence"),
            "method": a.get("method"), "checkworthiness": a.get("checkworthiness"),
            "check_worthy": a.get("check_worthy"),
        })  # fmt: skip
    view["attributions"] = items
    view["figures"] = figures
    return view


def figure_title(
    figure: Mapping[str, Any],
    attributions: Mapping[str, Mapping[str, Any]],
    people: Mapping[str, Mapping[str, Any]],
) -> str:
    """One line saying what a figure is and whose: "more than 2.1 trillion USD · cost of the
    invasion of Afghanistan · Brown University (estimated)"."""
    amount = human_amount(figure.get("value"), figure.get("high"), figure.get("unit"))
    if figure.get("qualifier") and figure["qualifier"] not in str(figure.get("text", "")):
        amount = f"{figure['qualifier']} {amount}"
    parts = [amount]
    if figure.get("measure"):
        parts.append(str(figure["measure"]))
    owner = attributions.get(str(figure.get("attribution")))
    if owner is None:
        parts.append("stated by the article")
    else:
        speaker = (owner.get("source") or {}).get("speaker")
        name = people.get(str(speaker), {}).get("name") if speaker is not None else None
        who = name or (owner.get("source") or {}).get("text") or "an unnamed source"
        parts.append(f"{who} ({owner['cue']['text']})")
    return " · ".join(parts)


def _paragraph_offsets(doc: Mapping[str, Any]) -> list[tuple[int, int]]:
    """[start, end) of each paragraph in the text: stored as offsets, or (in an analysis) as
    the paragraph strings themselves, found in order."""
    text: str = doc.get("text") or ""
    out: list[tuple[int, int]] = []
    cursor = 0
    for p in doc.get("paragraphs", []):
        if isinstance(p, str):
            at = text.find(p, cursor)
            if at < 0:
                continue
            out.append((at, at + len(p)))
            cursor = at + len(p)
        else:
            out.append((int(p[0]), int(p[1])))
    return out or ([(0, len(text))] if text else [])


@router.get("/", response_class=HTMLResponse)
def home(request: Request, engine: EngineDep) -> HTMLResponse:
    return _page(request, "overview.html", {"data": browse.overview(engine)})


@router.get("/articles", response_class=HTMLResponse)
def articles(
    request: Request, engine: EngineDep, limit: Limit = 50, offset: Offset = 0
) -> HTMLResponse:
    page = browse.article_list(engine, limit, offset)
    return _page(request, "articles.html", {"page": page, **_paging(request, page)})


@router.get("/articles/{article_id}", response_class=HTMLResponse)
def article(request: Request, article_id: ArticleId, engine: EngineDep) -> HTMLResponse:
    doc = browse.article_detail(engine, article_id)
    view = article_view(asdict(doc), linked=True)
    ids = [int(a["id"]) for a in view["attributions"]]
    spread, checked = cluster_of(engine, ids), fact_checks_for(engine, ids)
    for a in view["attributions"]:
        a["cluster"] = spread.get(int(a["id"]))
        a["fact_checks"] = checked.get(int(a["id"]), [])
        if a["cluster"]:
            a["cluster"]["first_here"] = a["cluster"]["first"]["article_id"] == article_id
    return _page(request, "article.html", {"doc": doc, "view": view})


@router.get("/search", response_class=HTMLResponse)
def search(request: Request, engine: EngineDep, params: SearchDep,
           limit: Limit = 20, offset: Offset = 0) -> HTMLResponse:  # fmt: skip
    page, facet_counts, sampled = browse.search_page(engine, params.filters, limit, offset)
    form = {k: v for k, v in request.query_params.items() if k not in ("limit", "offset")}
    facet_links = {
        name: [(v, _with(request, **{name: v.value})) for v in values]
        for name, values in facet_counts.items()
    }
    # each hit's fact-checks (those of the claim it states), as the article page shows them
    checked = fact_checks_for(engine, [c.id for c in page.items]) if page.items else {}
    return _page(request, "search.html", {
        "page": page, "form": form, "facets": facet_links, "sampled": sampled, "checked": checked,
        **_paging(request, page),
    })  # fmt: skip


@router.get("/speakers", response_class=HTMLResponse)
def speakers(
    request: Request,
    engine: EngineDep,
    limit: Limit = 50,
    offset: Offset = 0,
    generic: bool = False,
) -> HTMLResponse:
    page = browse.speaker_list(engine, limit, offset, generic=generic)
    return _page(request, "speakers.html",
                 {"page": page, "generic": generic, **_paging(request, page)})  # fmt: skip


@router.get("/speakers/{speaker_id}", response_class=HTMLResponse)
def speaker(request: Request, speaker_id: SpeakerId, engine: EngineDep) -> HTMLResponse:
    data = browse.speaker_detail(engine, speaker_id)
    chart = timeline_svg(asdict(data.timeline), f"Attributions per {data.timeline.unit} by stance")
    # the speaker's claims that ran in other articles too, most spread first
    repeated = claim_clusters(engine, ClaimFilters(speaker_id=speaker_id, min_articles=2, limit=20))
    checked = fact_checks_for(engine, [c.id for c in data.latest])
    return _page(request, "speaker.html",
                 {"data": data, "chart": chart, "repeated": repeated, "checked": checked})  # fmt: skip


@router.get("/claims", response_class=HTMLResponse)
def claims(request: Request, engine: EngineDep, params: ClaimDep,
           limit: Limit = 20, offset: Offset = 0) -> HTMLResponse:  # fmt: skip
    items, total = claim_cluster_page(engine, params.filters(limit, offset))
    page = browse.Page(items, total, limit, offset)
    form = {k: v for k, v in request.query_params.items() if k not in ("limit", "offset")}
    return _page(request, "claims.html", {"page": page, "form": form, **_paging(request, page)})


@router.get("/claims/{claim_id}", response_class=HTMLResponse)
def claim(request: Request, claim_id: ClaimId, engine: EngineDep) -> HTMLResponse:
    story = claim_story(engine, claim_id)
    return _page(request, "claim.html", {"story": story, "chart": spread_chart(story)})


@router.get("/factchecks", response_class=HTMLResponse)
def factchecks(
    request: Request,
    engine: EngineDep,
    verdict: Annotated[Verdict | Literal[""] | None, Query()] = None,
    fact_checker: Annotated[str | None, Query(max_length=200)] = None,
    limit: Limit = 20,
    offset: Offset = 0,
) -> HTMLResponse:
    total, found = list_fact_checks(
        engine, verdict or None, (fact_checker or "").strip() or None, limit, offset
    )
    page = browse.Page([f.to_dict() for f in found], total, limit, offset)
    form = {k: v for k, v in request.query_params.items() if k not in ("limit", "offset")}
    return _page(request, "factchecks.html", {"page": page, "form": form, **_paging(request, page)})


@router.get("/factchecks/match", response_class=HTMLResponse)
def factcheck_match(request: Request, engine: EngineDep, params: MatchDep) -> HTMLResponse:
    (found,) = match_fact_checks(engine, [params.statement], params.top)
    form = {"q": params.q, "speaker": params.speaker or "", "date": params.date.isoformat() if params.date else "",
            "top": params.top}  # fmt: skip
    context = {"form": form, "items": [m.to_dict() for m in found], "score_means": SCORE_MEANS}
    return _page(request, "factcheck_match.html", context)


@router.get("/factchecks/{fact_check_id}", response_class=HTMLResponse)
def factcheck(request: Request, fact_check_id: FactCheckId, engine: EngineDep) -> HTMLResponse:
    return _page(request, "factcheck.html", {"data": fact_check_detail(engine, fact_check_id)})


def spread_chart(story: Mapping[str, Any]) -> Any:
    """A claim's appearances per day (per month over more than 60 days), stacked by outlet."""
    days: list[Mapping[str, Any]] = story["per_day"]
    by_month = len(days) > 60
    buckets: dict[str, dict[str, int]] = {}
    for day in days:
        period = day["date"][:7] if by_month else day["date"]
        counts = buckets.setdefault(period, {})
        for outlet, n in day["by_outlet"].items():
            counts[outlet] = counts.get(outlet, 0) + int(n)
    unit = "month" if by_month else "day"
    timeline = {
        "unit": unit,
        "buckets": [{"period": p, "counts": c} for p, c in sorted(buckets.items())],
    }
    return timeline_svg(timeline, f"Appearances per {unit} by outlet",
                        colours={}, measure="appearances", chart_id="spread")  # fmt: skip


@router.get("/entities", response_class=HTMLResponse)
def entities(
    request: Request, engine: EngineDep, limit: Limit = 50, offset: Offset = 0
) -> HTMLResponse:
    page = browse.entity_list(engine, limit, offset)
    return _page(request, "entities.html", {"page": page, **_paging(request, page)})


@router.get("/entities/{entity_id:path}", response_class=HTMLResponse)
def entity(request: Request, entity_id: str, engine: EngineDep) -> HTMLResponse:
    data = browse.entity_detail(engine, entity_id)
    chart = timeline_svg(asdict(data.timeline), f"Claims per {data.timeline.unit} by stance")
    checked = fact_checks_for(engine, [c.id for c in data.latest])
    return _page(request, "entity.html", {"data": data, "chart": chart, "checked": checked})


@router.get("/analyze", response_class=HTMLResponse)
def analyze_form(request: Request) -> HTMLResponse:
    return _page(request, "analyze.html", {"form": {}, "doc": None})


@router.post("/analyze", response_class=HTMLResponse)
def analyze_page(
    request: Request,
    settings: SettingsDep,
    text: Annotated[str, Form()] = "",
    html: Annotated[str, Form()] = "",
    url: Annotated[str, Form()] = "",
) -> HTMLResponse:
    form = {"text": text, "html": html, "url": url}
    given = {k: v for k, v in form.items() if v.strip()}
    if len(given) != 1:
        message = "fill in exactly one of text, HTML or URL"
        return _page(request, "analyze.html", {"form": form, "doc": None, "error": message}, 422)
    try:
        raw = document_from(text=given.get("text"), html=given.get("html"),
                            url=given.get("url"), settings=settings)  # fmt: skip
        doc = analysis_json(raw, settings)
    except SaywhoError as exc:
        context = {"form": form, "doc": None, "error": str(exc)}
        return _page(request, "analyze.html", context, status_of(exc))
    view = article_view(doc, linked=False)
    return _page(request, "analyze.html", {"form": form, "doc": doc, "view": view})


def _with(request: Request, **changes: Any) -> str:
    """This page's URL with some query parameters changed (and paging restarted)."""
    params = {k: v for k, v in request.query_params.items() if k != "offset"}
    params.update({k: str(v) for k, v in changes.items()})
    return f"{request.url.path}?{urlencode(params)}"


def _paging(request: Request, page: browse.Page[Any]) -> dict[str, Any]:
    following = page.offset + page.limit
    earlier = max(page.offset - page.limit, 0)
    return {
        "next_url": _with(request, offset=following, limit=page.limit) if more(page) else None,
        "prev_url": _with(request, offset=earlier, limit=page.limit)
        if page.limit and page.offset > 0 else None,
        "max_limit": MAX_LIMIT,
    }  # fmt: skip


__all__ = ["article_view", "error_page", "router", "templates"]
