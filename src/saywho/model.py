"""The data model: plain frozen dataclasses passed between pipeline stages.

`Article` owns its `text`; everything else refers to it through `Span` offsets, so that
``article.text[span.start:span.end]`` is always the span's text (the spaCy Doc/Span idea).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import Enum


@dataclass(frozen=True, slots=True)
class Span:
    """A half-open character range ``[start, end)`` into an article's text."""

    start: int
    end: int

    def __post_init__(self) -> None:
        if self.start < 0 or self.end < self.start:
            raise ValueError(f"invalid span [{self.start}, {self.end})")

    def text(self, of: str) -> str:
        """The characters of `of` this span covers."""
        return of[self.start : self.end]

    def __len__(self) -> int:
        return self.end - self.start


@dataclass(frozen=True, slots=True)
class Hints:
    """Metadata a container already knows about a document (feed entry, JSONL line, WARC header).

    Extraction prefers what it finds in the page itself and falls back on these.
    """

    url: str | None = None
    title: str | None = None
    published: datetime | date | None = None
    authors: tuple[str, ...] = ()
    site: str | None = None


@dataclass(frozen=True, slots=True)
class RawDocument:
    """One document as a source delivered it: bytes plus where they came from.

    `source` names the input (a path, a URL, ``path#3`` for the third record of a WARC, feed or
    JSONL file). `container` says what it was read out of ("file", "warc", "feed", "jsonl",
    "http", "stdin"). `media_type` is what the container declared, if anything; extraction
    still sniffs the content, because declared types are often wrong.
    """

    source: str
    data: bytes
    container: str = "file"
    media_type: str | None = None
    charset: str | None = None
    hints: Hints = field(default_factory=Hints)


@dataclass(frozen=True, slots=True)
class Article:
    """A clean article: metadata plus body text split into paragraphs."""

    id: str
    source: str
    url: str | None
    site: str | None
    title: str | None
    standfirst: str | None
    published: datetime | date | None  # a date alone when the page gives no time
    authors: tuple[str, ...]
    language: str | None
    text: str
    paragraphs: tuple[Span, ...]
    input_format: str
    warnings: tuple[str, ...] = ()

    def paragraph_texts(self) -> list[str]:
        return [p.text(self.text) for p in self.paragraphs]

    def field_text(self, field: str) -> str:
        """The string an attribution's offsets index: "text", "title" or "standfirst"."""
        if field == "title":
            return self.title or ""
        if field == "standfirst":
            return self.standfirst or ""
        return self.text


class Kind(str, Enum):
    DIRECT = "direct"
    INDIRECT = "indirect"
    MIXED = "mixed"
    ACCORDING_TO = "according_to"
    HEADLINE = "headline"


class Stance(str, Enum):
    NEUTRAL = "neutral"
    DISTANCING = "distancing"
    FACTIVE = "factive"
    ACCUSING = "accusing"
    DENYING = "denying"
    ESTIMATING = "estimating"
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class Failure:
    """A document that could not be read or extracted, kept so batch runs can report it."""

    source: str
    reason: str
    code: str = "E000"


@dataclass(frozen=True, slots=True)
class Speaker:
    """One source within an article, under every name it was given there.

    `id` is stable within the article (a slug of the canonical name); `descriptions` are the
    roles the article gave it ("Russia's presidential envoy for Afghanistan").
    """

    id: str
    name: str
    type: str  # PERSON | ORG | GPE | OTHER
    descriptions: tuple[str, ...] = ()
    mentions: tuple[Span, ...] = ()


@dataclass(frozen=True, slots=True)
class Entity:
    """A named entity inside an attribution's content: what the claim is *about*.

    `start`/`end` index the string the attribution's `field` names, like every span;
    ``label`` is spaCy's entity type (PERSON, ORG, GPE, NORP, LOC, FAC, EVENT, PRODUCT, LAW).
    """

    text: str
    label: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Attribution:
    """A statement the text credits to someone: who (source), how (cue), what (content)."""

    id: str
    kind: Kind
    source: Span | None  # None for anonymous or passive sources ("it was reported")
    speaker: str | None  # key into Analysis.speakers
    cue: Span
    cue_lemma: str
    stance: Stance
    content: Span
    sentence: int
    parent: str | None = None  # the enclosing attribution when nested
    confidence: float = 1.0
    #: which string the spans index: "text" (`Article.text`), "title" or "standfirst";
    #: a headline attribution's offsets are offsets into `Article.title`
    field: str = "text"
    #: what found it: "rules" (the hand-written rules, checked by the CRF when it runs) or
    #: "crf" (added by the learned model where the rules found nothing)
    method: str = "rules"
    #: the probability that a fact-checker would check the content
    #: (`saywho.analyze.checkworthiness`); None: not scored
    checkworthiness: float | None = None
    #: the content's pieces when something not said interrupts it (a split quotation:
    #: '“A,” he said. “B.”' has the parts “A,” and “B.”; `content` spans from the first
    #: part's start to the last part's end); empty when the content is one piece
    parts: tuple[Span, ...] = ()
    #: the source is "I" and the speaker is the transcript turn's label or the article's
    #: author, not someone the text names here
    first_person: bool = False
    #: the named entities of the content (`saywho.analyze.entities`), in text order
    entities: tuple[Entity, ...] = ()

    @property
    def pieces(self) -> tuple[Span, ...]:
        """The content as said: its `parts`, or the content span alone."""
        return self.parts or (self.content,)

    def content_text(self, of: str) -> str:
        """What was said: the text of each piece of the content, joined by a space (the
        interruption, "he said", left out)."""
        return " ".join(p.text(of) for p in self.pieces)


@dataclass(frozen=True, slots=True)
class Figure:
    """A number the article writes ("more than $2.1 trillion"), as `saywho.analyze.figures`
    reads it: its value and unit, what it measures and whose figure it is."""

    #: the figure as written, unit and counted noun included ("24.4 million people"); its
    #: qualifier too when it is a fraction ("more than half"); offsets into `field`'s string
    span: Span
    field: str
    #: the value with its scale (2.1e12); a range's lower bound; None: vague ("hundreds")
    value: float | None
    #: a range's upper bound ("between 3 and 5"), else None
    high: float | None
    #: ISO currency code ("USD"), "percent", "fraction", a unit of measurement ("square
    #: kilometre") or the noun a count counts ("people"); None: a bare number
    unit: str | None
    #: the words that bound or hedge it ("more than", "around"), or say which end of a change
    #: it is ("from", "to": "fell from 8.1% to 3.5%"), else None
    qualifier: str | None
    #: what it measures when the sentence says so ("cost of the invasion of Afghanistan")
    measure: str | None
    #: the `Attribution.id` whose content holds it; None: the article states it itself
    attribution: str | None


@dataclass(frozen=True, slots=True)
class Analysis:
    """An article with everything the analyse stage found in it."""

    article: Article
    attributions: tuple[Attribution, ...]
    speakers: tuple[Speaker, ...]
    #: what made it: ``saywho VERSION rules+crf-<model fingerprint>`` or ``saywho VERSION rules``
    analyser: str = ""
    #: the body's sentences as the parser split them (offsets into `Article.text`)
    sentences: tuple[Span, ...] = ()
    #: the numbers the article writes, in reading order (`saywho.analyze.figures`)
    figures: tuple[Figure, ...] = ()


@dataclass(frozen=True, slots=True)
class FactCheck:
    """A published fact-check (schema.org ``ClaimReview``), as `saywho.factchecks` reads it."""

    #: the claim as the fact-check states it
    claim_reviewed: str
    #: who made the claim, as the fact-check names them
    claimant: str | None
    #: when the claim was made (ISO day)
    claim_date: str | None
    #: the rating as the fact-checker wrote it ("Pants on Fire!", "Mixture", "Falso")
    rating: str | None
    #: the rating normalised: false, mostly_false, mixed, mostly_true, true, unverifiable or other
    verdict: str
    #: who checked it (the review's author, else its publisher)
    fact_checker: str | None
    #: when the fact-check was published (ISO day)
    review_date: str | None
    url: str | None
    language: str | None
    #: the ClaimReview's own identifier, when it has one
    identifier: str | None
    #: the fact-check's headline (``headline`` or ``name``), when it has one
    title: str | None
    #: where it was read: a path or URL, with the record's position (``FILE#line 3``)
    source: str
