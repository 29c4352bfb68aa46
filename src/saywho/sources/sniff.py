"""Tell what a blob of bytes is by looking at it, not at its name."""

from __future__ import annotations

import re
import zlib

GZIP_MAGIC = b"\x1f\x8b"
_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")

#: media types whose bodies can hold an article
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
TEXT_TYPES = HTML_TYPES | {"text/plain"}

_HTML_RE = re.compile(
    rb"<\s*(!doctype\s+html|html[\s>]|head[\s>]|body[\s>]|meta\s|title[\s>]|div[\s>]|p[\s>]|article[\s>])",
    re.IGNORECASE,
)
_FEED_RE = re.compile(rb"<\s*(rss[\s>]|feed[\s>]|rdf:RDF[\s>])", re.IGNORECASE)
_WARC_RE = re.compile(rb"^WARC/\d\.\d+\r?\n")
# an ARC v1 file starts with a "filedesc://" header line
_ARC_RE = re.compile(rb"^filedesc://")
_JSON_OBJECT_START_RE = re.compile(rb'\{\s*"')
_CHARSET_RE = re.compile(r"""charset\s*=\s*["']?\s*([^"';\s]+)""", re.IGNORECASE)


def strip_bom(head: bytes) -> bytes:
    for bom in _BOMS:
        if head.startswith(bom):
            return head[len(bom) :]
    return head


def sniff(data: bytes) -> str:
    """Classify bytes as one of: gzip, warc, arc, feed, html, jsonl, text, binary, empty.

    >>> sniff(b"<!DOCTYPE html><p>hi</p>")
    'html'
    """
    if not data.strip():
        return "empty"
    if data.startswith(GZIP_MAGIC):
        return "gzip"
    head = strip_bom(data[:4096]).lstrip()
    if _WARC_RE.match(head):
        return "warc"
    if _ARC_RE.match(head):
        return "arc"
    if looks_binary(data[:8192]):
        return "binary"
    if _FEED_RE.search(head[:2048]) and (head.startswith(b"<?xml") or head[:1] == b"<"):
        return "feed"
    # before HTML: a JSONL line often holds a whole page
    if head.startswith(b"{") and _looks_jsonl(data):
        return "jsonl"
    if _HTML_RE.search(head):
        return "html"
    return "text"


def sniff_head(head: bytes) -> tuple[str, bool]:
    """Classify the first bytes of a stream, looking inside gzip: ``(kind, gzipped)``.

    A gzip stream whose start does not even decompress is reported as ``("gzip", True)``;
    reading it in full then gives the real error.

    >>> import gzip
    >>> sniff_head(gzip.compress(b"WARC/1.0\\r\\n"))
    ('warc', True)
    """
    if not head.startswith(GZIP_MAGIC):
        return sniff(head), False
    try:
        inner = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(head, 65536)
    except zlib.error:
        return "gzip", True
    if not inner:
        return "gzip", True  # not even the gzip header is complete
    return sniff(inner), True


def looks_binary(chunk: bytes) -> bool:
    """True when a chunk is clearly not text: NUL bytes (outside UTF-16) or many control bytes."""
    if not chunk:
        return False
    if chunk.startswith((b"\xff\xfe", b"\xfe\xff")):
        return False  # UTF-16 text has NULs by design
    if b"\x00" in chunk:
        return True
    control = sum(1 for b in chunk if b < 32 and b not in (9, 10, 12, 13, 27))
    return control / len(chunk) > 0.05


def parse_content_type(value: str | None) -> tuple[str | None, str | None]:
    """``("text/html", "utf-8")`` from a Content-Type header value; `None` for what is missing.

    >>> parse_content_type('text/HTML; charset="ISO-8859-1"')
    ('text/html', 'iso-8859-1')
    """
    if not value:
        return None, None
    media = value.split(";", 1)[0].strip().lower() or None
    match = _CHARSET_RE.search(value)
    charset = match.group(1).strip().lower() if match else None
    return media, charset or None


def _looks_jsonl(data: bytes) -> bool:
    """The first line is a JSON object, or at least starts like one with a key.

    Accepting a first line that only starts like an object lets a JSONL file whose first line
    is broken (or longer than the window we sniff) still be read as JSONL, and that line reported.
    """
    first = strip_bom(data[:65536]).lstrip().split(b"\n", 1)[0].strip()
    return bool(_JSON_OBJECT_START_RE.match(first)) or (
        first.startswith(b"{") and first.endswith(b"}")
    )
