"""RSS and Atom feeds, parsed with feedparser: one document per entry that carries its article.

An entry's article is its full content (RSS ``content:encoded``, Atom ``<content>``) or, failing
that, a summary long enough to be the article itself. An entry with only a link becomes a
`Failure` notice, unless `Settings.fetch` is on, in which case the linked page is fetched.
Entry ``n`` (1-based, in feed order) is named ``feed.xml#n``; the entry's title, date, authors
and link travel with the document as `Hints`.
"""

from __future__ import annotations

import html
import io
import re
import xml.sax
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from ..config import Settings
from ..errors import FetchError, InputError
from ..model import Failure, Hints, RawDocument
from .limits import as_failure

#: characters of text (tags removed) from which a summary counts as the whole article
LONG_SUMMARY = 500
_TAG_RE = re.compile(r"<[^>]*>")
_PARAGRAPH_BREAK_RE = re.compile(r"\n\s*\n")


def read_feed(
    data: bytes, source: str, settings: Settings, *, base_url: str | None = None
) -> Iterator[RawDocument | Failure]:
    """The documents in a feed's entries, or `InputError` when the feed cannot be parsed."""
    import feedparser  # type: ignore[import-untyped]  # no type information

    headers = {"content-location": base_url} if base_url else None
    try:
        # a stream, never a string: feedparser would take a string for a URL or a path to open
        parsed = feedparser.parse(io.BytesIO(data), response_headers=headers)
    except Exception as exc:  # feedparser records most problems as "bozo", but not all
        raise InputError(f"cannot parse the feed ({type(exc).__name__})", input=source) from exc
    entries = parsed.get("entries") or []
    problem = parsed.get("bozo_exception")
    # feedparser also flags harmless things (an encoding it had to guess); only XML errors count
    malformed = parsed.get("bozo") and isinstance(problem, xml.sax.SAXException)
    if not entries:
        if malformed:
            raise InputError(
                f"malformed feed XML ({problem})",
                input=source,
                remedy="check that the file is a whole RSS or Atom feed",
            )
        raise InputError("the feed has no entries", input=source)
    site = _text(parsed.get("feed", {}).get("title"))
    for n, entry in enumerate(entries, 1):
        yield _entry_document(entry, f"{source}#{n}", site, settings)
    if malformed:
        # feedparser's lenient parser read what it could: say that entries may be missing
        error = InputError(
            f"malformed feed XML ({problem}); {len(entries)} entries were read, others may be missing",
            input=source,
            remedy="check that the file is a whole RSS or Atom feed",
        )
        yield as_failure(error, source)


def _entry_document(
    entry: Any, name: str, site: str | None, settings: Settings
) -> RawDocument | Failure:
    link = _text(entry.get("link"))
    hints = Hints(
        url=link,
        title=_text(entry.get("title")),
        published=_published(entry),
        authors=_authors(entry),
        site=site,
    )
    body = _article_html(entry, hints.title)
    if body is not None:
        return RawDocument(
            source=name,
            data=body,
            container="feed",
            media_type="text/html",
            charset="utf-8",
            hints=hints,
        )
    if link is None:
        return as_failure(InputError("the entry has no content and no link", input=name), name)
    if not settings.fetch:
        notice = InputError(
            f"entry has only a link: {link}", input=name, remedy="use --fetch to download the page"
        )
        return as_failure(notice, name)
    from .http import fetch_url

    try:
        page = fetch_url(link, settings)
    except FetchError as exc:
        # name the feed entry as well as the URL, which the error already names
        return Failure(name, f"{name}: {exc}", exc.code)
    return RawDocument(
        source=name,
        data=page.data,
        container="feed",
        media_type=page.media_type,
        charset=page.charset,
        hints=replace(hints, url=page.hints.url or link),
    )


def _article_html(entry: Any, title: str | None) -> bytes | None:
    """The entry's article as a small HTML page, or None when it carries no more than a teaser."""
    contents = [c for c in entry.get("content") or [] if _text(c.get("value"))]
    if contents:
        best = max(contents, key=lambda c: len(c.get("value", "")))
        value, kind = best["value"], best.get("type", "text/html")
    else:
        detail = entry.get("summary_detail") or {}
        value, kind = entry.get("summary") or "", detail.get("type", "text/html")
        if len(" ".join(_TAG_RE.sub(" ", value).split())) < LONG_SUMMARY:
            return None
    if "html" not in kind:
        value = "".join(
            f"<p>{html.escape(p.strip())}</p>"
            for p in _PARAGRAPH_BREAK_RE.split(value)
            if p.strip()
        )
    head = f"<title>{html.escape(title)}</title>" if title else ""
    page = (
        f'<!DOCTYPE html><html><head><meta charset="utf-8">{head}</head>'
        f"<body><article>{value}</article></body></html>"
    )
    return page.encode("utf-8", "replace")


def _published(entry: Any) -> datetime | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        value = entry.get(key)
        if value:
            try:
                # feedparser normalises every date it understands to UTC
                return datetime(*value[:6]).replace(tzinfo=UTC)
            except (TypeError, ValueError, OverflowError):
                continue
    return None


def _authors(entry: Any) -> tuple[str, ...]:
    names = [_text(a.get("name")) for a in entry.get("authors") or [] if hasattr(a, "get")]
    found = tuple(dict.fromkeys(n for n in names if n))
    if found:
        return found
    author = _text(entry.get("author"))
    return (author,) if author else ()


def _text(value: Any) -> str | None:
    if isinstance(value, str) and value.strip():
        return " ".join(value.split())
    return None
