"""Files, directories, gzip and stdin, with the container inside recognised by content.

Everything is read as a stream: the first bytes are sniffed (inside gzip too), archives and
JSONL are then read record by record, and only single documents and feeds are read whole,
never more than `Settings.max_bytes` of them.
"""

from __future__ import annotations

import io
import os
import re
import stat
import sys
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from ..config import Settings
from ..errors import InputError, SaywhoError
from ..model import Failure, RawDocument
from .limits import as_failure, too_big
from .sniff import GZIP_MAGIC, sniff, sniff_head

STDIN = "<stdin>"
_HEAD = 64 * 1024
_CHUNK = 256 * 1024
_URL_RE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")


def read_path(name: str, settings: Settings) -> Iterator[RawDocument | Failure]:
    """Documents from one user-named input: a path, a directory, a URL or ``-``."""
    try:
        if name == "-":
            stdin = getattr(sys.stdin, "buffer", None)
            if stdin is None:
                raise InputError("there is no standard input to read", input=STDIN)
            yield from read_stream(stdin, STDIN, "stdin", settings)
        elif _URL_RE.match(name) and not os.path.exists(name):
            yield from _read_url(name, settings)
        elif os.path.isdir(name):
            yield from _read_dir(Path(name), settings)
        else:
            yield from _read_file(Path(name), settings)
    except SaywhoError as exc:
        yield as_failure(exc, name)


def _read_url(url: str, settings: Settings) -> Iterator[RawDocument | Failure]:
    from .http import fetch_url

    raw = fetch_url(url, settings)
    # a URL may serve a feed, JSONL or even a WARC: open it like a file
    yield from split_container(raw.data, raw.source, "http", settings, template=raw)


def _read_dir(root: Path, settings: Settings) -> Iterator[RawDocument | Failure]:
    found = False
    unreadable: list[OSError] = []
    # os.walk reports directories it cannot list to `onerror`; they become failures, the walk goes on
    for dirpath, dirnames, filenames in os.walk(root, onerror=unreadable.append):
        yield from _walk_failures(unreadable)
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for filename in sorted(filenames):
            path = Path(dirpath) / filename
            if filename.startswith(".") or not _is_regular(path):
                continue  # hidden files, sockets, FIFOs (which would block), dangling links
            found = True
            try:
                yield from _read_file(path, settings)
            except SaywhoError as exc:
                yield as_failure(exc, str(path))
    if unreadable:
        yield from _walk_failures(unreadable)
    elif not found:
        raise InputError("the directory holds no files to read", input=str(root))


def _walk_failures(errors: list[OSError]) -> Iterator[Failure]:
    for exc in errors:
        error = InputError(f"cannot list the directory ({_describe(exc)})", input=exc.filename)
        yield as_failure(error, str(exc.filename))
    errors.clear()


def _is_regular(path: Path) -> bool:
    try:
        return stat.S_ISREG(path.stat().st_mode)
    except OSError:
        return False


def _read_file(path: Path, settings: Settings) -> Iterator[RawDocument | Failure]:
    source = str(path)
    try:
        fh = path.open("rb")
    except FileNotFoundError as exc:
        raise InputError("no such file or directory", input=source) from exc
    except OSError as exc:
        raise InputError(f"cannot open the file ({exc.strerror or exc})", input=source) from exc
    with fh:
        try:
            info = os.fstat(fh.fileno())
        except OSError as exc:
            raise InputError(f"cannot read the file ({exc.strerror or exc})", input=source) from exc
        # st_size is meaningless for pipes (`<(cmd)`) and devices
        size = info.st_size if stat.S_ISREG(info.st_mode) else None
        yield from read_stream(fh, source, "file", settings, size=size)


def read_stream(
    stream: IO[bytes],
    source: str,
    container: str,
    settings: Settings,
    *,
    size: int | None = None,
) -> Iterator[RawDocument | Failure]:
    """Documents from a binary stream (a file, stdin), told apart by their first bytes.

    WARC/ARC and JSONL are read record by record, so they may be any size; anything else is one
    blob of at most `settings.max_bytes` (after decompression) and goes through
    `split_container`.
    """
    head = _read_or_fail(stream, _HEAD, source)
    kind, gzipped = sniff_head(head)
    body = io.BufferedReader(_Rewound(head, stream, source), buffer_size=_CHUNK)
    if kind in {"warc", "arc"}:
        from .warc import read_warc

        # warcio reads per-record gzip members itself
        yield from read_warc(body, source, settings)
        return
    if kind == "jsonl":
        from .jsonl import read_jsonl

        yield from read_jsonl(_GunzipReader(body, source) if gzipped else body, source, settings)
        return
    if not gzipped and size is not None and size > settings.max_bytes:
        raise too_big(source, settings.max_bytes, size=size)
    data = read_bounded(body, source, settings.max_bytes, gunzip=gzipped)
    yield from split_container(data, source, container, settings)


def split_container(
    data: bytes,
    source: str,
    container: str,
    settings: Settings,
    template: RawDocument | None = None,
) -> Iterator[RawDocument | Failure]:
    """One blob in, its documents out: itself, or the records/entries/lines it holds.

    `template` carries what a transport already knew (an HTTP response's media type, charset
    and final URL) onto the document when the blob is a single page.
    """
    if data.startswith(GZIP_MAGIC):
        data = read_bounded(io.BytesIO(data), source, settings.max_bytes, gunzip=True)
    kind = sniff(data)
    if kind in {"warc", "arc"}:
        from .warc import read_warc

        yield from read_warc(io.BytesIO(data), source, settings)
    elif kind == "feed":
        from .feeds import read_feed

        base = template.hints.url if template is not None else None
        yield from read_feed(data, source, settings, base_url=base)
    elif kind == "jsonl":
        from .jsonl import read_jsonl

        yield from read_jsonl(io.BytesIO(data), source, settings)
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


def read_bounded(stream: IO[bytes], source: str, limit: int, *, gunzip: bool = False) -> bytes:
    """All of `stream` (gunzipped if asked, all members), refusing more than `limit` bytes."""
    if not gunzip:
        data = _read_or_fail(stream, limit + 1, source)
        if len(data) > limit:
            raise too_big(source, limit)
        return data
    out = bytearray()
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    pending = b""
    while True:
        chunk = pending or _read_or_fail(stream, _CHUNK, source)
        pending = b""
        if not chunk:
            break
        try:
            # max_length bounds memory even for a zip bomb; the rest waits in unconsumed_tail
            out += inflater.decompress(chunk, limit + 1 - len(out))
            while inflater.unconsumed_tail and len(out) <= limit:
                out += inflater.decompress(inflater.unconsumed_tail, limit + 1 - len(out))
        except zlib.error as exc:
            raise InputError(
                "corrupt gzip data", input=source, remedy="re-download or re-compress the file"
            ) from exc
        if len(out) > limit:
            raise too_big(source, limit, compressed=True)
        if inflater.eof:
            rest = inflater.unused_data
            if len(rest) < len(GZIP_MAGIC):
                rest += _read_or_fail(stream, _CHUNK, source)
            if not rest.startswith(GZIP_MAGIC):
                return bytes(out)  # the end, or padding after the last member (gzip ignores it too)
            # another member follows (`cat a.gz b.gz`)
            inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
            pending = rest
    if not inflater.eof:
        raise InputError(
            "truncated gzip data (the file ends mid-stream)",
            input=source,
            remedy="re-download the file",
        )
    return bytes(out)


def _read_or_fail(stream: IO[bytes], n: int, source: str) -> bytes:
    try:
        return stream.read(n)
    except (OSError, EOFError, zlib.error) as exc:
        raise InputError(f"cannot read the input ({_describe(exc)})", input=source) from exc


def _describe(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return str(exc) or type(exc).__name__


class _Rewound(io.RawIOBase):
    """`head` (already read for sniffing) followed by the rest of `raw`, for unseekable stdin."""

    def __init__(self, head: bytes, raw: IO[bytes], source: str) -> None:
        super().__init__()
        self._head = memoryview(head)
        self._raw = raw
        self._source = source

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        if self._head:
            n = min(len(buffer), len(self._head))
            buffer[:n] = self._head[:n]
            self._head = self._head[n:]
            return n
        data = _read_or_fail(self._raw, len(buffer), self._source)
        buffer[: len(data)] = data
        return len(data)


class _GunzipReader:
    """Line-by-line reading of a gzip stream, with gzip's errors made `InputError`s."""

    def __init__(self, raw: IO[bytes], source: str) -> None:
        import gzip

        self._gz = gzip.GzipFile(fileobj=raw, mode="rb")
        self._source = source

    def readline(self, size: int = -1, /) -> bytes:
        try:
            return self._gz.readline(size)
        except (OSError, EOFError, zlib.error) as exc:
            raise InputError(
                f"corrupt or truncated gzip data ({_describe(exc)})",
                input=self._source,
                remedy="re-download the file",
            ) from exc
