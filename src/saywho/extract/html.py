"""HTML pages: trafilatura finds the body and metadata, htmldate the publication date."""

from __future__ import annotations

import re
from datetime import date, datetime

from ..errors import ExtractionError
from .page import ExtractedPage


def extract_html(html: str, *, source: str, url: str | None = None) -> ExtractedPage:
    """Extract body paragraphs and metadata from an HTML page.

    Raises `ExtractionError` when trafilatura finds no article text.
    """
    import trafilatura

    try:
        doc = trafilatura.bare_extraction(
            html, url=url, with_metadata=True, include_comments=False, include_tables=True
        )
    except Exception as exc:  # noqa: BLE001 - trafilatura/lxml raise many kinds on broken pages
        raise ExtractionError(
            f"HTML extraction failed ({type(exc).__name__})", input=source
        ) from exc
    if doc is None or not (doc.text or "").strip():
        raise ExtractionError(
            "no article text found in the HTML page",
            input=source,
            remedy="check that the page is an article, not an index or an error page",
        )
    paragraphs = tuple(p.strip() for p in re.split(r"\n+", doc.text) if p.strip())
    return ExtractedPage(
        paragraphs=paragraphs,
        title=_clean(doc.title),
        standfirst=_clean(doc.description),
        published=_parse_date(doc.date),
        authors=_split_authors(doc.author),
        site=_clean(doc.sitename) or _clean(doc.hostname),
        url=_clean(doc.url) or url,
    )


def _clean(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    value = " ".join(value.split())
    return value or None


def _split_authors(value: str | None) -> tuple[str, ...]:
    if not value:
        return ()
    return tuple(a.strip() for a in value.split(";") if a.strip())


def _parse_date(value: str | None) -> datetime | date | None:
    if not value:
        return None
    try:
        if "T" in value or " " in value.strip():
            return datetime.fromisoformat(value.strip())
        return date.fromisoformat(value.strip())
    except ValueError:
        return None
