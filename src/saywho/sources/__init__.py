"""Stage 1: turn what the user names into a stream of `RawDocument`s.

    read_documents(["page.html", "crawl.warc.gz", "feed.xml", "-", "https://…"], settings)

Sources know formats and transport (files, gzip, directories, stdin, WARC/ARC records, feed
entries, JSONL lines, http), nothing about news. Containers are recognised by their content,
not only by their names. A part that cannot be read becomes a `Failure` in the stream and the
stream goes on, so a batch never stops at a bad document; third-party errors never escape.

Modules, in the order an input meets them:

- `files`: paths, directories (recursive, sorted, hidden skipped), ``-`` for stdin, gzip;
- `sniff`: what a blob is, by its first bytes;
- `warc`, `feeds`, `jsonl`: the records, entries and lines of containers, named ``path#n``;
- `http`: http(s) URLs, with address, redirect, size and time limits."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from ..config import Settings
from ..model import Failure, RawDocument
from .files import read_path

__all__ = ["Failure", "RawDocument", "read_documents"]


def read_documents(
    inputs: Iterable[str], settings: Settings | None = None
) -> Iterator[RawDocument | Failure]:
    """Yield every document found in `inputs` (paths, directories, URLs, ``-`` for stdin)."""
    settings = settings or Settings()
    for name in inputs:
        yield from read_path(name, settings)
