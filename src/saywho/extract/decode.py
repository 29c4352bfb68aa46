"""Bytes to text: BOMs, declared charsets, HTML meta charsets, then detection as a last resort."""

from __future__ import annotations

import codecs
import re

from ..errors import InputError

_META_CHARSET_RE = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-:.]+)""", re.IGNORECASE
)


# codecs Python knows that no web page is really in, whose names a hostile page could declare
# to make decoding misbehave ("unicode_escape" interprets backslashes, "idna" raises oddly)
_NOT_PAGE_ENCODINGS = frozenset(
    {"idna", "punycode", "unicode-escape", "raw-unicode-escape", "undefined"}
)


def _known(encoding: str | None) -> str | None:
    if not encoding:
        return None
    try:
        info = codecs.lookup(encoding.strip().strip("\"'"))
    except (LookupError, ValueError):  # ValueError: a name with NUL bytes in it
        return None
    # bytes-to-bytes codecs (base64, zlib, hex…) are not text encodings
    if not getattr(info, "_is_text_encoding", True) or info.name in _NOT_PAGE_ENCODINGS:
        return None
    return info.name


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
        if name in {"iso8859-1", "cp1252", "ascii"} and _has_utf8_multibyte(data):
            # "iso-8859-1"/"windows-1252" are the most common wrong labels on UTF-8 pages: text
            # that is valid UTF-8 with multi-byte characters in it is practically never either
            continue
        try:
            return data.decode("cp1252" if name in {"latin-1", "iso8859-1"} else name)
        except (UnicodeError, LookupError):
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
    matches = from_bytes(data[: 2 * 1024 * 1024])
    best = matches.best()
    if best is None or best.encoding is None:
        return None
    encoding = best.encoding
    # Short Western text fits several single-byte code pages equally well (cp1250 reads "ñ" as
    # "ń"); on the web, windows-1252 is by far the most likely of those, so it wins a tie.
    for match in matches:
        if (
            match.encoding == "cp1252"
            and match.chaos <= best.chaos + 0.01
            and match.coherence >= best.coherence - 0.01
        ):
            encoding = "cp1252"
            break
    return data.decode(encoding, errors="replace")
