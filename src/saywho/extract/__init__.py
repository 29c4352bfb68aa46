"""Stage 2: one `RawDocument` in, one clean `Article` out (a pure function).

    extract(raw, settings) -> Article

HTML goes through trafilatura/htmldate (`html.py`), text flattened by a scraper through our own
cleaner (`flattened.py`), and with ``Settings.plain`` text is taken as it is (`plain.py`).
"""

from __future__ import annotations

import hashlib
import unicodedata
import zlib
from datetime import date, datetime

from ..config import Settings
from ..errors import ExtractionError, InputError
from ..model import Article, RawDocument, Span
from ..sources.sniff import sniff
from .decode import decode
from .flattened import clean_flattened
from .html import extract_html
from .language import detect_language
from .page import ExtractedPage
from .plain import extract_plain

__all__ = ["ExtractedPage", "article_id", "extract"]

PARAGRAPH_SEPARATOR = "\n\n"


def extract(raw: RawDocument, settings: Settings | None = None) -> Article:
    """Turn one raw document into an `Article`, or raise `InputError`/`ExtractionError`.

    >>> from saywho.model import RawDocument
    >>> art = extract(RawDocument("demo.txt", b"Title\\n\\nA first paragraph that is long enough.", ))
    >>> art.input_format
    'text'
    """
    settings = settings or Settings()
    data = _unwrap(raw.data, raw.source, settings.max_bytes)
    kind = sniff(data)
    if kind == "empty":
        raise InputError("the document is empty", input=raw.source)
    if kind == "binary":
        raise InputError(
            "the document is binary, not HTML or text",
            input=raw.source,
            remedy="give saywho HTML, text, WARC, a feed or JSONL",
        )
    if kind in {"warc", "arc", "feed", "jsonl"}:
        raise InputError(
            f"a {kind.upper()} container cannot be extracted as one article",
            input=raw.source,
            remedy="pass it to the CLI or sources.read_documents(), which read its records",
        )
    declared_html = (raw.media_type or "").lower() in {"text/html", "application/xhtml+xml"}
    is_html = kind == "html" or (
        declared_html and not settings.plain and "<" in data[:65536].decode("latin-1")
    )
    text = decode(data, source=raw.source, declared=raw.charset, html=is_html)
    text = text.replace("\x00", "")

    if is_html and not settings.plain:
        page = extract_html(text, source=raw.source, url=raw.hints.url)
        fmt = "html"
    elif settings.plain:
        page = extract_plain(text)
        fmt = "plain"
    else:
        page = clean_flattened(text)
        fmt = "text"
    if raw.container not in {"file", "stdin", "http"}:
        fmt = f"{raw.container}:{fmt}"
    return build_article(page, raw, fmt, settings)


def build_article(
    page: ExtractedPage, raw: RawDocument, input_format: str, settings: Settings
) -> Article:
    """Join an extractor's paragraphs into the article text and fill metadata gaps from hints."""
    if page.text is not None and page.spans is not None:
        text = page.text
        spans = tuple(Span(s, e) for s, e in page.spans)
    else:
        paragraphs = [p for p in (_normalise_paragraph(p) for p in page.paragraphs) if p]
        text = PARAGRAPH_SEPARATOR.join(paragraphs)
        spans = _spans(paragraphs)
    if not spans or not text.strip():
        raise ExtractionError(
            "no article text found",
            input=raw.source,
            remedy="check that the input is a news article; use --plain for clean text",
        )
    body = " ".join(text[s.start : s.end] for s in spans)
    language = page.language
    if language is None and settings.detect_language:
        language = detect_language(body)
    hints = raw.hints
    return Article(
        id=article_id(body),
        source=raw.source,
        url=page.url or hints.url,
        site=page.site or hints.site,
        title=page.title or hints.title,
        standfirst=page.standfirst,
        published=page.published or hints.published,
        authors=page.authors or hints.authors,
        language=language,
        text=text,
        paragraphs=spans,
        input_format=input_format,
        warnings=page.warnings,
    )


def article_id(body: str) -> str:
    """sha256 of the normalised body: NFC, whitespace collapsed, so re-flowed copies match."""
    normalised = " ".join(unicodedata.normalize("NFC", body).split())
    return hashlib.sha256(normalised.encode("utf-8")).hexdigest()


def _normalise_paragraph(paragraph: str) -> str:
    return " ".join(unicodedata.normalize("NFC", paragraph).split())


def _spans(paragraphs: list[str]) -> tuple[Span, ...]:
    spans: list[Span] = []
    pos = 0
    for p in paragraphs:
        spans.append(Span(pos, pos + len(p)))
        pos += len(p) + len(PARAGRAPH_SEPARATOR)
    return tuple(spans)


def _unwrap(data: bytes, source: str, limit: int) -> bytes:
    """Decompress gzip (also nested) without ever holding more than `limit` bytes."""
    if len(data) > limit:
        raise InputError(
            f"the document is {len(data) / 1e6:.1f} MB, over the {limit / 1e6:.0f} MB limit",
            input=source,
            remedy="raise SAYWHO_MAX_BYTES if this is really one article",
        )
    for _ in range(3):
        if not data.startswith(b"\x1f\x8b"):
            return data
        data = gunzip_bounded(data, source=source, limit=limit)
    return data


def gunzip_bounded(data: bytes, *, source: str, limit: int) -> bytes:
    """Gunzip `data`, refusing output over `limit` bytes (zip bombs) and truncated streams."""
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        out = inflater.decompress(data, limit + 1)
    except zlib.error as exc:
        raise InputError("corrupt gzip data", input=source, remedy="re-download the file") from exc
    if len(out) > limit:
        raise InputError(
            f"the document decompresses to over {limit / 1e6:.0f} MB",
            input=source,
            remedy="raise SAYWHO_MAX_BYTES if this is really one article",
        )
    if not inflater.eof:
        raise InputError("truncated gzip data", input=source, remedy="re-download the file")
    return out


def iso_published(value: datetime | date | None) -> str | None:
    """ISO 8601 with the precision the page gave: a date, or a time to the minute/second."""
    if value is None:
        return None
    if isinstance(value, datetime):
        spec = "minutes" if value.second == 0 and value.microsecond == 0 else "seconds"
        return value.isoformat(timespec=spec)
    return value.isoformat()
