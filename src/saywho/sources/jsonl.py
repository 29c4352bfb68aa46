"""JSON Lines: one document per line, ``{"url"?, "html"? | "text"?, "title"?, "published"?}``.

Line ``n`` (1-based, blank lines counted so the number matches an editor's) is named
``path#n``. A bad line becomes a `Failure` and reading goes on with the next one.

    {"url": "https://example.com/a", "html": "<html>…</html>", "published": "2023-01-20"}
    {"text": "Title\\n\\nFirst paragraph…", "title": "Title"}
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any, Protocol

from ..config import Settings
from ..errors import InputError
from ..model import Failure, Hints, RawDocument
from .hints import parse_date
from .limits import LIMIT_REMEDY, as_failure, size_text

_SKIP_CHUNK = 1024 * 1024


class LineReader(Protocol):
    """What JSONL is read from: a binary file, or a gzip stream wrapped to map its errors."""

    def readline(self, size: int = -1, /) -> bytes: ...


def read_jsonl(
    lines: LineReader, source: str, settings: Settings
) -> Iterator[RawDocument | Failure]:
    """One `RawDocument` per good line of `lines`, one `Failure` per bad one."""
    limit = settings.max_bytes
    lineno = 0
    while True:
        line = lines.readline(limit + 1)
        if not line:
            return
        lineno += 1
        name = f"{source}#{lineno}"
        if len(line) > limit and not line.endswith(b"\n"):
            _skip_rest_of_line(lines)
            yield as_failure(
                InputError(
                    f"the line is over the limit of {size_text(limit)}",
                    input=name,
                    remedy=LIMIT_REMEDY,
                ),
                name,
            )
            continue
        if not line.strip():
            continue
        try:
            yield parse_line(line, name)
        except InputError as exc:
            yield as_failure(exc, name)


def parse_line(line: bytes, name: str) -> RawDocument:
    """The document one JSONL line describes, or `InputError` saying what is wrong with it."""
    try:
        obj = json.loads(line)
    except RecursionError as exc:
        raise InputError("the JSON is nested too deeply", input=name) from exc
    except UnicodeDecodeError as exc:
        raise InputError(
            "the line is not UTF-8", input=name, remedy="convert the file to UTF-8"
        ) from exc
    except json.JSONDecodeError as exc:
        raise InputError(
            f"not valid JSON ({exc.msg} at column {exc.colno})",
            input=name,
            remedy='each line must be one object like {"url": …, "html": …}',
        ) from exc
    if not isinstance(obj, dict):
        raise InputError(
            f"expected a JSON object, found {_json_type(obj)}",
            input=name,
            remedy='each line must be one object like {"url": …, "html": …}',
        )
    for key in ("html", "text"):
        if key in obj and obj[key] is not None and not isinstance(obj[key], str):
            raise InputError(f'"{key}" must be a string, not {_json_type(obj[key])}', input=name)
    html, text = obj.get("html"), obj.get("text")
    if html and html.strip():
        body, media_type = html, "text/html"
    elif text and text.strip():
        body, media_type = text, "text/plain"
    else:
        raise InputError(
            'the line has no "html" or "text" to extract',
            input=name,
            remedy='give each line an "html" or a "text" string',
        )
    return RawDocument(
        source=name,
        # lone surrogates are legal in JSON strings but not in UTF-8
        data=body.encode("utf-8", "replace"),
        container="jsonl",
        media_type=media_type,
        charset="utf-8",
        hints=Hints(
            url=_string(obj.get("url")),
            title=_string(obj.get("title")),
            published=parse_date(_string(obj.get("published"))),
            authors=_authors(obj.get("authors", obj.get("author"))),
            site=_string(obj.get("site")),
        ),
    )


def _skip_rest_of_line(lines: LineReader) -> None:
    while True:
        chunk = lines.readline(_SKIP_CHUNK)
        if not chunk or chunk.endswith(b"\n"):
            return


def _string(value: Any) -> str | None:
    if isinstance(value, str) and value.strip():
        return " ".join(value.split())
    return None


def _authors(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        return ()
    return tuple(name for name in (_string(v) for v in value) if name)


def _json_type(value: Any) -> str:
    names = {dict: "an object", list: "an array", str: "a string", bool: "a boolean"}
    if value is None:
        return "null"
    return names.get(type(value), "a number")
