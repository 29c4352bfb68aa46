"""Article metadata from a parsed HTML page: title, standfirst, publication time, authors, site.

trafilatura reads the meta tags and JSON-LD, htmldate finds the publication day; this module only
adds what they leave out and the benchmarks show is worth it (``benchmarks/extraction.py``):
the time and zone of publication, a headline without the " | Site" suffix, authors as a cleaned
list, and a standfirst that is not just the first paragraph again.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from lxml.html import HtmlElement

from .html_authors import clean as _clean
from .html_authors import find_authors
from .html_authors import hostname_label as _hostname_label
from .html_authors import norm as _norm

_ARTICLE_TYPES = {
    "article",
    "newsarticle",
    "blogposting",
    "reportagenewsarticle",
    "analysisnewsarticle",
    "opinionnewsarticle",
    "backgroundnewsarticle",
    "reviewnewsarticle",
    "liveblogposting",
    "techarticle",
    "scholarlyarticle",
    "medicalscholarlyarticle",
    "socialmediaposting",
    "report",
    "satiricalarticle",
    "advertisercontentarticle",
    "discussionforumposting",
}
_PAGE_TYPES = {"webpage", "itempage", "aboutpage", "medicalwebpage", "collectionpage"}

# where pages put a machine-readable publication time, most specific first
_META_DATE_KEYS = (
    "article:published_time",
    "og:article:published_time",
    "og:published_time",
    "datepublished",
    "article.published",
    "publishdate",
    "publish-date",
    "pubdate",
    "parsely-pub-date",
    "sailthru.date",
    "dc.date.issued",
    "dcterms.issued",
    "dcterms.created",
    "dc.date",
    "date",
)

_TITLE_SEPARATORS = re.compile(r"(\s+(?:\||-|–|—|·|•|»|::|/)\s+)")


@dataclass(frozen=True, slots=True)
class PageMeta:
    """What the page says about the article, before the body is known."""

    title: str | None
    subtitle: str | None  # a standfirst element right under the headline
    description: str | None  # og:description, meta description, JSON-LD description
    published: datetime | date | None
    authors: tuple[str, ...]
    site: str | None
    url: str | None


def read_meta(tree: HtmlElement, *, url: str | None) -> PageMeta:
    """Read the metadata of a parsed page; `tree` is left unchanged.

    Authors come from JSON-LD, meta tags, trafilatura's byline XPaths and finally a visible
    "By …" line, stopping at the first source that yields a name.
    """
    from htmldate import find_date
    from trafilatura.metadata import examine_meta, extract_url

    # trafilatura's JSON-LD reader is not used: ours below resolves @id references and gave
    # the same scores on every benchmark at a fifth of the cost
    meta = examine_meta(tree)
    ld = _json_ld(tree)
    tags = _meta_tags(tree)
    canonical = extract_url(tree, url) or url
    site = (
        _clean(tags.get("og:site_name"))
        or _clean(ld.publisher)
        or _clean((meta.sitename or "").lstrip("@"))  # application-name, twitter:site, …
        or _hostname_site(canonical)
    )

    # the article's JSON-LD datePublished is an explicit statement; htmldate weighs every date
    # on the page and sometimes prefers an update or a copyright year (WCXB: +2 pages, none lost)
    published = parse_timestamp(ld.published) if ld.published else None
    if published is None:
        day = find_date(
            tree,
            url=canonical,
            original_date=True,
            extensive_search=True,
            max_date=(date.today() + timedelta(days=1)).isoformat(),
        )
        published = _with_time(day, _timestamps(tree, ld, tags))

    title = pick_title(tree, meta.title, ld.headline, tags, site, canonical)
    return PageMeta(
        title=title,
        subtitle=_subtitle(tree, title),
        description=_clean(tags.get("og:description") or meta.description or ld.description),
        published=published,
        authors=tuple(find_authors(tree, ld.authors, site, canonical)),
        site=site,
        url=canonical,
    )


# --------------------------------------------------------------------------- JSON-LD


@dataclass(slots=True)
class _LinkedData:
    headline: str | None = None
    description: str | None = None
    published: str | None = None
    authors: tuple[str, ...] = ()
    publisher: str | None = None


def _json_ld(tree: HtmlElement) -> _LinkedData:
    """The article node of the page's JSON-LD (a web page node when there is none)."""
    nodes: list[dict[str, Any]] = []
    for script in tree.iterfind('.//script[@type="application/ld+json"]'):
        if not script.text:
            continue
        try:
            data = json.loads(script.text, strict=False)
        except ValueError:  # broken JSON-LD is common; trafilatura's own pass still reads it
            continue
        nodes.extend(_walk(data))
    by_id = {n["@id"]: n for n in nodes if isinstance(n.get("@id"), str)}
    article = next((n for n in nodes if _types(n) & _ARTICLE_TYPES), None)
    page = next((n for n in nodes if _types(n) & _PAGE_TYPES), None)
    node = article or page
    if node is None:
        return _LinkedData()
    publisher = _resolve(node.get("publisher"), by_id)
    return _LinkedData(
        headline=_text(node.get("headline")) or (_text(node.get("name")) if article else None),
        description=_text(node.get("description")),
        published=_text(node.get("datePublished"))
        or _text(node.get("dateCreated"))
        or (_text(page.get("datePublished")) if page else None),
        authors=tuple(_person_names(node.get("author"), by_id)),
        publisher=_text(publisher.get("name")) if isinstance(publisher, dict) else None,
    )


def _walk(data: Any) -> Iterator[dict[str, Any]]:
    if isinstance(data, list):
        for item in data:
            yield from _walk(item)
    elif isinstance(data, dict):
        yield data
        if isinstance(data.get("@graph"), list):
            yield from _walk(data["@graph"])
        main = data.get("mainEntity")
        if isinstance(main, (dict, list)):
            yield from _walk(main)


def _types(node: dict[str, Any]) -> set[str]:
    value = node.get("@type")
    values = value if isinstance(value, list) else [value]
    return {v.lower() for v in values if isinstance(v, str)}


def _resolve(value: Any, by_id: dict[str, dict[str, Any]]) -> Any:
    if isinstance(value, list) and value:
        value = value[0]
    if isinstance(value, dict) and set(value) <= {"@id", "@type"} and value.get("@id") in by_id:
        return by_id[value["@id"]]
    return value


def _person_names(value: Any, by_id: dict[str, dict[str, Any]]) -> Iterator[str]:
    for item in value if isinstance(value, list) else [value]:
        item = _resolve(item, by_id)
        if isinstance(item, str):
            yield item
        elif isinstance(item, dict):
            name = item.get("name")
            if isinstance(name, list):
                name = ", ".join(n for n in name if isinstance(n, str))
            if not name:
                name = " ".join(
                    str(item[k])
                    for k in ("givenName", "familyName")
                    if isinstance(item.get(k), str)
                )
            if isinstance(name, str) and name.strip():
                yield name


def _text(value: Any) -> str | None:
    if isinstance(value, list) and value:
        value = value[0]
    return _clean(value) if isinstance(value, str) else None


# --------------------------------------------------------------------------- meta tags


def _meta_tags(tree: HtmlElement) -> dict[str, str]:
    """The first value of each <meta> (property, name or itemprop, lower-cased) and <time>."""
    tags: dict[str, str] = {}
    for elem in tree.iterfind(".//meta[@content]"):
        key = elem.get("property") or elem.get("name") or elem.get("itemprop")
        value = elem.get("content", "").strip()
        if key and value:
            tags.setdefault(key.strip().lower(), value)
    return tags


# --------------------------------------------------------------------------- dates


def _timestamps(tree: HtmlElement, ld: _LinkedData, tags: dict[str, str]) -> Iterator[str]:
    """Machine-readable publication times, most trustworthy first (lazily: most pages stop early)."""
    if ld.published:
        yield ld.published
    for key in _META_DATE_KEYS:
        if key in tags:
            yield tags[key]
    for elem in tree.xpath(
        '//*[@itemprop="datePublished"][@datetime or @content] | //time[@pubdate][@datetime]'
    ):
        yield elem.get("datetime") or elem.get("content") or ""
    for elem in tree.iterfind(".//time[@datetime]"):
        yield elem.get("datetime", "")


def parse_timestamp(value: str) -> datetime | date | None:
    """An ISO 8601 date or time as the page wrote it: '2019-11-19T08:57:40+01:00' keeps its zone.

    Midnight exactly means most CMSs knew only the day, so it becomes a date.

    >>> parse_timestamp("2019-11-19T08:57:40+01:00").isoformat()
    '2019-11-19T08:57:40+01:00'
    >>> parse_timestamp("2019-11-19")
    datetime.date(2019, 11, 19)
    """
    text = value.strip()
    match = re.match(
        r"(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2})?(?:\.\d+)?)\s*(Z|[+-]\d{2}:?\d{2})?)?",
        text,
    )
    if not match:
        return None
    day, time, zone = match.groups()
    try:
        if time is None:
            return date.fromisoformat(day)
        zone = "+00:00" if zone == "Z" else zone
        if zone and ":" not in zone:
            zone = f"{zone[:3]}:{zone[3:]}"
        parsed = datetime.fromisoformat(f"{day}T{time}{zone or ''}")
    except ValueError:
        return None
    if parsed.hour == parsed.minute == parsed.second == parsed.microsecond == 0:
        return parsed.date()
    return parsed


def _with_time(day: str | None, timestamps: Iterable[str]) -> datetime | date | None:
    """htmldate's day, with the time and zone of the first timestamp that names the same day.

    A bare 1 January is htmldate's reading of a year alone, usually the footer's copyright
    line; unless a timestamp on the page names that day it is no publication date (WCXB: 20
    such days, none right).
    """
    if not day:
        return None
    try:
        found = date.fromisoformat(day[:10])
    except ValueError:
        return None
    for value in timestamps:
        parsed = parse_timestamp(value)
        if parsed is None:
            continue
        if isinstance(parsed, datetime) and parsed.date() == found:
            return parsed
        if parsed == found:
            return found
    if (found.month, found.day) == (1, 1):
        return None
    return found


# --------------------------------------------------------------------------- title


def pick_title(
    tree: HtmlElement,
    meta_title: str | None,
    headline: str | None,
    tags: dict[str, str],
    site: str | None,
    url: str | None = None,
) -> str | None:
    """The headline a reader sees: an <h1> the metadata agrees with, else the meta title cleaned.

    Meta titles often carry the site ("Machine learning, explained | MIT Sloan"); the <h1> is
    usually the clean headline but on some pages is the site's logo, so an <h1> is taken when a
    meta title contains most of it (or the other way round), or when it is the only <h1> and
    shares half its words with the meta title.
    """
    title_elem = tree.find(".//head//title")
    page_title = _clean(title_elem.text_content()) if title_elem is not None else None
    metas = [
        t
        for t in (
            _clean(meta_title),
            _clean(headline),
            _clean(tags.get("og:title")),
            _clean(tags.get("twitter:title")),
            page_title,
        )
        if t
    ]
    h1s = [t for t in (_clean(h.text_content()) for h in tree.iterfind(".//body//h1")) if t]
    h1s = [t for t in h1s if 3 <= len(t) <= 300]
    norm_metas = [m for m in (_norm(m) for m in metas) if m]
    for h1 in h1s:
        n = _norm(h1)
        if n and any(_contains(m, n) or _contains(n, m) for m in norm_metas):
            return h1
    if len(h1s) == 1 and (not metas or _overlap(h1s[0], metas[0]) >= 0.5):
        return h1s[0]
    if metas:
        return strip_site(metas[0], site, url)
    return h1s[0] if h1s else None


def _contains(longer: str, shorter: str) -> bool:
    """`shorter` is in `longer` and is most of it (not a one-word logo inside a long title)."""
    return shorter in longer and len(shorter) >= 0.4 * len(longer)


def strip_site(title: str, site: str | None, url: str | None = None) -> str:
    """Drop a " | Site" suffix or "Site | " prefix when it names the site (or its domain).

    >>> strip_site("Machine learning, explained | MIT Sloan", "MIT Sloan")
    'Machine learning, explained'
    """
    names = {n for n in (_norm(site), _hostname_label(url)) if n}
    pieces = _TITLE_SEPARATORS.split(title)  # with the capture group: part, sep, part, ...
    while len(pieces) > 2 and _is_site(pieces[-1], names):
        del pieces[-2:]
    while len(pieces) > 2 and _is_site(pieces[0], names):
        del pieces[:2]
    return "".join(pieces).strip()


def _is_site(part: str, names: set[str]) -> bool:
    n = _norm(part)
    if not n:
        return True
    squashed = n.replace(" ", "")
    return any(
        n == name
        or squashed == name.replace(" ", "")
        or (len(name) > 3 and name in n and len(n.split()) <= 4)
        or (len(n) > 3 and n in name)
        for name in names
    )


def _overlap(a: str, b: str) -> float:
    wa, wb = set(_norm(a).split()), set(_norm(b).split())
    return len(wa & wb) / len(wa) if wa else 0.0


# --------------------------------------------------------------------------- subtitle

_SUBTITLE_CLASS = re.compile(
    r"(?:^|[\s_-])(?:standfirst|subtitle|sub-title|subhead|subheadline|dek|deck|strapline|"
    r"summary|lede|excerpt|description)(?:$|[\s_-])",
    re.IGNORECASE,
)


def _subtitle(tree: HtmlElement, title: str | None) -> str | None:
    """The standfirst printed right under the headline: <h1>…</h1><p class="dek">…</p>.

    Only the few elements after the <h1> are looked at: the same class names elsewhere on a
    page label teasers of other stories and video-player captions.
    """
    if not title:
        return None
    for h1 in tree.iterfind(".//body//h1"):
        if _clean(h1.text_content()) != title:
            continue
        near = list(h1.itersiblings())[:3]
        parent = h1.getparent()
        if parent is not None and parent.tag != "body":
            near += list(parent.itersiblings())[:3]
        for elem in near:
            if not isinstance(elem.tag, str):
                continue
            cls = elem.get("class") or ""
            if (
                elem.tag == "h2"
                or _SUBTITLE_CLASS.search(cls)
                or elem.get("itemprop") == "description"
            ):
                text = _clean(elem.text_content())
                if text and 20 <= len(text) <= 400:
                    return text
        return None
    return None


# --------------------------------------------------------------------------- helpers


def _hostname_site(url: str | None) -> str | None:
    if not url:
        return None
    host = urlsplit(url).hostname or ""
    return host.removeprefix("www.") or None
