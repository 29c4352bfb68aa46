"""Files, directories, gzip and stdin, with the container inside recognised by content."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

from ..config import Settings
from ..errors import InputError, SaywhoError
from ..model import Failure, RawDocument
from .sniff import GZIP_MAGIC, sniff


def read_path(name: str, settings: Settings) -> Iterator[RawDocument | Failure]:
    """Documents from one user-named input."""
    try:
        if name == "-":
            data = _read_limited(sys.stdin.buffer, "<stdin>", settings.max_bytes)
            yield from split_container(data, "<stdin>", "stdin", settings)
            return
        if name.lower().startswith(("http://", "https://")):
            from .http import fetch_url

            raw = fetch_url(name, settings)
            yield from split_container(raw.data, raw.source, "http", settings, template=raw)
            return
        path = Path(name)
        if path.is_dir():
            yield from _read_dir(path, settings)
            return
        if not path.exists():
            raise InputError("no such file or directory", input=name)
        yield from _read_file(path, settings)
    except SaywhoError as exc:
        yield Failure(exc.input or name, str(exc), exc.code)


def _read_dir(root: Path, settings: Settings) -> Iterator[RawDocument | Failure]:
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for filename in sorted(filenames):
            if filename.startswith("."):
                continue
            path = Path(dirpath) / filename
            try:
                yield from _read_file(path, settings)
            except SaywhoError as exc:
                yield Failure(exc.input or str(path), str(exc), exc.code)


def _read_file(path: Path, settings: Settings) -> Iterator[RawDocument | Failure]:
    source = str(path)
    try:
        size = path.stat().st_size
        with path.open("rb") as fh:
            head = fh.read(2)
        if head == GZIP_MAGIC or sniff_container_file(path) in {"warc", "arc"}:
            # containers may be far bigger than one document: stream them
            kind = _sniff_file(path)
            if kind in {"warc", "arc"}:
                from .warc import read_warc

                yield from read_warc(path, settings)
                return
        if size > settings.max_bytes:
            raise InputError(
                f"the file is {size / 1e6:.1f} MB, over the {settings.max_bytes / 1e6:.0f} MB limit",
                input=source,
                remedy="raise SAYWHO_MAX_BYTES if this is really one document",
            )
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read the file ({exc.strerror or exc})", input=source) from exc
    yield from split_container(data, source, "file", settings)


def sniff_container_file(path: Path) -> str:
    with path.open("rb") as fh:
        return sniff(fh.read(4096))


def _sniff_file(path: Path) -> str:
    """Sniff a possibly gzipped file by its first decompressed bytes."""
    import gzip
    import zlib

    with path.open("rb") as fh:
        head = fh.read(2)
    if head != GZIP_MAGIC:
        return sniff_container_file(path)
    try:
        with gzip.open(path, "rb") as gz:
            return sniff(gz.read(4096))
    except (OSError, EOFError, zlib.error):
        return "gzip"


def split_container(
    data: bytes,
    source: str,
    container: str,
    settings: Settings,
    template: RawDocument | None = None,
) -> Iterator[RawDocument | Failure]:
    """One blob in, its documents out: itself, or the records/entries/lines it holds."""
    from ..extract import gunzip_bounded

    if data.startswith(GZIP_MAGIC):
        data = gunzip_bounded(data, source=source, limit=settings.max_bytes)
    kind = sniff(data)
    if kind in {"warc", "arc"}:
        from .warc import read_warc_bytes

        yield from read_warc_bytes(data, source, settings)
    elif kind == "feed":
        from .feeds import read_feed

        yield from read_feed(data, source, settings)
    elif kind == "jsonl":
        from .jsonl import read_jsonl

        yield from read_jsonl(data, source, settings)
    elif template is not None:
        yield RawDocument(
            source=template.source,
            data=data,
            container=container,
            media_type=template.media_type,
            charset=template.charset,
            hints=template.hints,
        )
    else:
        yield RawDocument(source=source, data=data, container=container)


def _read_limited(stream: object, source: str, limit: int) -> bytes:
    read = getattr(stream, "read")
    data: bytes = read(limit + 1)
    if len(data) > limit:
        raise InputError(
            f"input is over the {limit / 1e6:.0f} MB limit",
            input=source,
            remedy="raise SAYWHO_MAX_BYTES",
        )
    return data
