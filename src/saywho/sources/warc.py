"""WARC and ARC archives (also gzipped per record), streamed record by record with warcio.

Only ``response`` records with a successful status and an HTML or text body become documents;
requests, metadata, redirects, images, scripts and the like are skipped (counted in a log
message). Record ``n`` (1-based, counting every record in the file) is named ``path#n``.

warcio is lenient: a file cut short ends the iteration without complaint, and some problems
are only written to stderr. The reader here turns both into a `Failure` naming the file and the
record where reading stopped, after yielding every record read before it.
"""

from __future__ import annotations

import logging
import zlib
from collections.abc import Iterator
from typing import IO, Any

# warcio ships no type information
from warcio.archiveiterator import ArchiveIterator  # type: ignore[import-untyped]
from warcio.bufferedreaders import (  # type: ignore[import-untyped]
    BufferedReader,
    ChunkedDataException,
    ChunkedDataReader,
    DecompressingBufferedReader,
)
from warcio.exceptions import ArchiveLoadFailed  # type: ignore[import-untyped]
from warcio.recordloader import ArcWarcRecord  # type: ignore[import-untyped]
from warcio.statusandheaders import StatusAndHeadersParserException  # type: ignore[import-untyped]

from ..config import Settings
from ..errors import InputError
from ..model import Failure, Hints, RawDocument
from .hints import parse_date
from .limits import LIMIT_REMEDY, size_text
from .sniff import TEXT_TYPES, parse_content_type, sniff

log = logging.getLogger(__name__)

_BLOCK = 64 * 1024
# what warcio, zlib and the stream below it raise on broken archives
_ARCHIVE_ERRORS = (
    ArchiveLoadFailed,
    StatusAndHeadersParserException,
    ChunkedDataException,
    EOFError,
    OSError,
    ValueError,
    zlib.error,
)


class _Corrupt(Exception):
    """Raised inside warcio's readers where warcio itself would only write to stderr."""


def read_warc(
    stream: IO[bytes], source: str, settings: Settings
) -> Iterator[RawDocument | Failure]:
    """The HTML/text responses in a WARC or ARC stream, then a `Failure` if it breaks off."""
    counter = _Counting(stream)
    n = 0  # records read so far
    at = 1  # the record being read, named when reading fails
    skipped = 0
    try:
        archive = _QuietArchiveIterator(counter, arc2warc=True, block_size=_BLOCK)
        records = iter(archive)
        while (record := _next_record(records)) is not None:
            n = at
            _check_headers(record)
            item = _document(record, f"{source}#{n}", settings)
            # before yielding: a record cut short must not pass for a whole page
            _drain(record)
            if item is None:
                skipped += 1
            else:
                yield item
            at = n + 1
        if archive.cut_short or counter.count > archive.offset:
            raise _Corrupt("the file ends in the middle of a record")
    except (_Corrupt, *_ARCHIVE_ERRORS) as exc:
        raise InputError(
            f"corrupt or truncated archive at record {at} ({_describe(exc)})",
            input=source,
            remedy=f"re-download the file; the {at - 1} records before it were read"
            if at > 1
            else "check that the file is a WARC or ARC archive",
        ) from exc
    finally:
        if skipped:
            log.info("%s: skipped %d records that are not HTML or text responses", source, skipped)
    if n == 0:
        raise InputError("the archive holds no records", input=source)


def _next_record(records: Iterator[ArcWarcRecord]) -> ArcWarcRecord | None:
    try:
        return next(records)
    except StopIteration:
        return None
    except (_Corrupt, *_ARCHIVE_ERRORS):
        raise
    except Exception as exc:
        # warcio's parser fails on malformed headers with AttributeError, IndexError,
        # TypeError…; raised by the parser on this input, they all mean a broken archive
        raise _Corrupt(f"unreadable record headers ({type(exc).__name__})") from exc


def _check_headers(record: ArcWarcRecord) -> None:
    # warcio accepts a record cut off inside its headers as one with no type or no length
    length = (record.rec_headers.get_header("Content-Length") or "").strip()
    if record.rec_type is None or not length.isdigit() or not hasattr(record.raw_stream, "limit"):
        raise _Corrupt("unreadable record headers")


def _document(
    record: ArcWarcRecord, source: str, settings: Settings
) -> RawDocument | Failure | None:
    """The document in one record, a `Failure` for a bad one, or None to skip it."""
    if record.rec_type != "response":
        return None
    http = record.http_headers
    media_type = charset = None
    if http is not None and http.protocol.upper().startswith("HTTP"):
        status = http.get_statuscode()
        if not status or not status.startswith("2"):
            return None  # redirects and error pages hold no article
        media_type, charset = parse_content_type(http.get_header("Content-Type"))
    if (
        media_type is not None
        and media_type not in TEXT_TYPES
        and media_type != "application/octet-stream"
    ):
        return None
    try:
        data = _content(record).read(settings.max_bytes + 1)
    except (_Corrupt, ChunkedDataException, zlib.error, ValueError) as exc:
        error = InputError(f"cannot decode the record's body ({_describe(exc)})", input=source)
        return Failure(source, str(error), error.code)
    if len(data) > settings.max_bytes:
        error = InputError(
            f"the record's body is over the limit of {size_text(settings.max_bytes)}",
            input=source,
            remedy=LIMIT_REMEDY,
        )
        return Failure(source, str(error), error.code)
    if media_type is None and sniff(data) not in {"html", "text"}:
        return None  # undeclared and not text: an image or script without headers
    headers = record.rec_headers
    return RawDocument(
        source=source,
        data=data,
        container="warc",
        media_type=media_type,
        charset=charset,
        hints=Hints(
            url=headers.get_header("WARC-Target-URI") or None,
            # the capture time: a page is published no later than this, and it is the only
            # date some crawled pages have; extraction prefers the page's own date
            published=parse_date(headers.get_header("WARC-Date")),
        ),
    )


def _content(record: ArcWarcRecord) -> Any:
    """`record.content_stream()`, with quiet decoders (warcio's print corrupt gzip to stderr)."""
    http = record.http_headers
    if not http:
        return record.raw_stream
    encoding = (http.get_header("Content-Encoding") or "").strip().lower() or None
    if encoding not in BufferedReader.get_supported_decompressors():
        encoding = None
    if (http.get_header("Transfer-Encoding") or "").strip().lower() == "chunked":
        return _QuietChunkedReader(record.raw_stream, decomp_type=encoding)
    if encoding:
        return _QuietBufferedReader(record.raw_stream, decomp_type=encoding)
    return record.raw_stream


def _drain(record: ArcWarcRecord) -> None:
    stream = record.raw_stream
    while stream.read(_BLOCK):
        pass
    if getattr(stream, "limit", 0) > 0:
        raise _Corrupt("the record is shorter than its Content-Length")


def _describe(exc: BaseException) -> str:
    text = exc.args[0] if exc.args else ""
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    text = " ".join(str(text).split())
    if len(text) > 120:
        text = text[:117] + "..."
    return text or type(exc).__name__


class _Counting:
    """Counts the bytes warcio takes from `raw`, to tell a clean end from a cut-off one."""

    def __init__(self, raw: IO[bytes]) -> None:
        self._raw = raw
        self.count = 0

    def read(self, size: int = -1) -> bytes:
        data = self._raw.read(size)
        self.count += len(data)
        return data

    def tell(self) -> int:
        return self.count


class _StrictDecompress:
    """Raise on corrupt compressed data instead of printing to stderr and ending the stream."""

    decompressor: Any
    num_block_read: int

    def _decompress(self, data: bytes) -> bytes:
        if self.decompressor is not None and data and self.num_block_read:
            try:
                out: bytes = self.decompressor.decompress(data)
                return out
            except zlib.error as exc:
                raise _Corrupt(f"corrupt compressed data ({exc})") from exc
        # the first block: warcio falls back to reading it uncompressed, which is fine
        result: bytes = super()._decompress(data)  # type: ignore[misc]
        return result


class _QuietDecompressingReader(_StrictDecompress, DecompressingBufferedReader):  # type: ignore[misc]
    pass


class _QuietBufferedReader(_StrictDecompress, BufferedReader):  # type: ignore[misc]
    pass


class _QuietChunkedReader(_StrictDecompress, ChunkedDataReader):  # type: ignore[misc]
    pass


class _QuietArchiveIterator(ArchiveIterator):  # type: ignore[misc]
    """warcio's iterator, raising `_Corrupt` where warcio writes warnings to stderr."""

    def __init__(self, fileobj: Any, **kwargs: Any) -> None:
        super().__init__(fileobj, **kwargs)
        self.reader = _QuietDecompressingReader(
            self.fh, block_size=kwargs.get("block_size", _BLOCK)
        )

    cut_short = False

    def close(self) -> None:
        decompressor = getattr(self.reader, "decompressor", None)
        if decompressor is not None and not decompressor.eof:
            self.cut_short = True  # the last gzip member never ended
        super().close()

    def _consume_blanklines(self) -> tuple[bytes | None, int]:
        empty_size = 0
        first_line = True
        while True:
            line: bytes = self.reader.readline()
            if not line:
                return None, empty_size
            if not line.rstrip() or first_line:
                if line.rstrip():
                    raise _Corrupt("a record runs past its Content-Length")
                empty_size += len(line)
                first_line = False
                continue
            return line, empty_size
