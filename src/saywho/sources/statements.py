"""Lists of statements, for the commands that take an analyst's own list (`saywho cluster`).

A list is either plain text, one statement per line (its id is the line number), or JSON Lines
with ``{"id", "text"}`` per line, and optionally who said it and when (``"speaker"``, ``"date"``,
ISO 8601: `saywho factchecks match` weighs them). The format is decided by the first non-blank
line: a JSON object there means JSONL, so a list of JSON objects with a broken line is still read
as JSONL, never as text. Blank lines are skipped; a bad JSONL line (not JSON, no text, a text,
speaker or date of the wrong kind) becomes a `Failure` naming ``path#line``, and reading goes on.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from ..errors import InputError
from ..model import Failure

#: a statement list larger than this is refused (it would not fit the clustering's memory anyway)
MAX_BYTES = 512 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class Statement:
    """One statement of a list: its id (given, or the line number), its text, and who made it
    and on which day when a JSONL line says so."""

    id: str
    text: str
    speaker: str | None = None
    day: date | None = None


def read_statements(name: str) -> Iterator[Statement | Failure]:
    """The statements of the file `name` (``-`` for stdin), with a `Failure` per bad line."""
    data = _read(name)
    if b"\x00" in data[:8192]:
        raise InputError(
            "this is a binary file, not a list of statements",
            input=name,
            remedy="give one statement per line, or JSONL with id and text",
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"not UTF-8 text (byte {exc.start})", input=name, remedy="convert the file to UTF-8"
        ) from None
    lines = text.splitlines()
    first = next((line.strip() for line in lines if line.strip()), "")
    jsonl = first.startswith("{")
    for lineno, line in enumerate(lines, 1):
        if not line.strip():
            continue
        if not jsonl:
            yield Statement(str(lineno), line.strip())
            continue
        where = f"{name}#{lineno}"
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            yield Failure(where, f"{where}: not JSON ({exc.msg})", InputError.code)
            continue
        if not isinstance(obj, dict) or not isinstance(obj.get("text"), str):
            yield Failure(where, f'{where}: no "text" string in the object', InputError.code)
            continue
        if not obj["text"].strip():
            yield Failure(where, f"{where}: the text is empty", InputError.code)
            continue
        ident = obj.get("id", lineno)
        if not isinstance(ident, str | int) or isinstance(ident, bool):
            yield Failure(where, f'{where}: "id" must be a string or a number', InputError.code)
            continue
        speaker, when = obj.get("speaker"), obj.get("date")
        if not isinstance(speaker, str | None) or not isinstance(when, str | None):
            yield Failure(where, f'{where}: "speaker" and "date" must be strings', InputError.code)
            continue
        try:
            day = date.fromisoformat(when[:10]) if when else None
        except ValueError:
            yield Failure(where, f"{where}: date {when!r} is not YYYY-MM-DD", InputError.code)
            continue
        yield Statement(str(ident), obj["text"].strip(), speaker or None, day)


def _read(name: str) -> bytes:
    if name == "-":
        data = sys.stdin.buffer.read(MAX_BYTES + 1)
    else:
        path = Path(name)
        try:
            if path.is_dir():
                raise InputError("is a directory, not a list of statements", input=name)
            with path.open("rb") as stream:
                data = stream.read(MAX_BYTES + 1)
        except FileNotFoundError:
            raise InputError("no such file", input=name) from None
        except OSError as exc:
            raise InputError(f"cannot read ({exc.strerror or exc})", input=name) from None
    if len(data) > MAX_BYTES:
        raise InputError(
            f"larger than {MAX_BYTES // (1024 * 1024)} MiB", input=name, remedy="split the list"
        )
    return data
