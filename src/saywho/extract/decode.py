"""Bytes to text: BOMs, declared charsets, HTML meta charsets, then detection as a last resort."""

from __future__ import annotations

import codecs
import re

from ..errors import InputError

_META_CHARSET_RE = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-:.]+)""", re.IGNORECASE
)


def _known(encoding: str | None) -> str | None:
    if not encoding:
        return None
    try:
        return codecs.lookup(encoding.strip().strip("\"'")).name
    except LookupError:
        return None


def decode(data: bytes, *, source: str, declared: str | None = None, html: bool = False) -> str:
    """Decode document bytes to text, or raise `InputError` naming `source`.

    Order: a byte-order mark wins; then the charset a container declared, then an HTML
    ``<meta charset>``, as long as the bytes really decode with it; then UTF-8; then
    charset-normalizer's guess. A declared charset that fails to decode is a mislabelled
    document: we fall through to the next candidate instead of producing mojibake.
    """
    if data.startswith(codecs.BOM_UTF8):
        return data[3:].decode("utf-8", errors="replace")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", errors="replace")

    candidates: list[str] = []
    for enc in (declared, _meta_charset(data) if html else None, "utf-8"):
        name = _known(enc)
        if name and name not in candidates:
            candidates.append(name)
    for name in candidates:
        if name in {"latin-1", "iso8859-1", "ascii"} and _has_utf8_multibyte(data):
            # "iso-8859-1" is the most common wrong label on pages that are really UTF-8
            continue
        try:
            return data.decode("cp1252" if name in {"latin-1", "iso8859-1"} else name)
        except (UnicodeDecodeError, LookupError):
            continue
    guess = _detect(data)
    if guess is not None:
        return guess
    raise InputError(
        "cannot decode the document's text",
        input=source,
        remedy="declare its encoding (charset) or convert it to UTF-8",
    )


def _meta_charset(data: bytes) -> str | None:
    match = _META_CHARSET_RE.search(data[:8192])
    return match.group(1).decode("ascii", "replace") if match else None


def _has_utf8_multibyte(data: bytes) -> bool:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return any(ord(c) > 127 for c in text)


def _detect(data: bytes) -> str | None:
    try:
        from charset_normalizer import from_bytes
    except ImportError:  # pragma: no cover - charset-normalizer is a dependency
        return data.decode("cp1252", errors="replace")
    best = from_bytes(data[: 2 * 1024 * 1024]).best()
    if best is None or best.encoding is None:
        return None
    return data.decode(best.encoding, errors="replace")
