"""What each extractor hands back before it becomes an `Article`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime


@dataclass(frozen=True, slots=True)
class ExtractedPage:
    """The result of one extractor (HTML, flattened text, plain text).

    `paragraphs` are clean body paragraphs in reading order. With `plain` text, `text` is the
    input itself and `spans` locate the paragraphs inside it, so offsets stay the input's own.
    """

    paragraphs: tuple[str, ...]
    title: str | None = None
    standfirst: str | None = None
    published: datetime | date | None = None
    authors: tuple[str, ...] = ()
    site: str | None = None
    url: str | None = None
    language: str | None = None
    warnings: tuple[str, ...] = ()
    # only for plain text: the unchanged input and paragraph spans into it
    text: str | None = None
    spans: tuple[tuple[int, int], ...] | None = None
