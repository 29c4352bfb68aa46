"""Tell what a blob of bytes is by looking at it, not at its name."""

from __future__ import annotations

import re

GZIP_MAGIC = b"\x1f\x8b"
_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")

_HTML_RE = re.compile(
    rb"<\s*(!doctype\s+html|html[\s>]|head[\s>]|body[\s>]|meta\s|title[\s>]|div[\s>]|p[\s>]|article[\s>])",
    re.IGNORECASE,
)
_FEED_RE = re.compile(rb"<\s*(rss[\s>]|feed[\s>]|rdf:RDF[\s>])", re.IGNORECASE)
_WARC_RE = re.compile(rb"^WARC/\d\.\d\r?\n")
# an ARC v1 file starts with a "filedesc://" header line
_ARC_RE = re.compile(rb"^filedesc://")


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
    if _HTML_RE.search(head):
        return "html"
    if head.startswith(b"{") and _looks_jsonl(data):
        return "jsonl"
    return "text"


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


def _looks_jsonl(data: bytes) -> bool:
    first = strip_bom(data[:65536]).lstrip().split(b"\n", 1)[0].strip()
    return first.startswith(b"{") and first.endswith(b"}")
