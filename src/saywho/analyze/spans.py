"""What the attribution rules share: the `Found` record, the names of the rules (`Rule`), the
confidence table, and a view of one sentence with the span helpers every rule uses.

Spans are ``(start, end)`` character offsets into the text of the field being analysed (the
body, the title or the standfirst), so ``text[start:end]`` is the span's text.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from ..model import Kind, Stance
from .cues import Cue, Lexicon

if TYPE_CHECKING:
    from spacy.tokens import Span as SpacySpan
    from spacy.tokens import Token

    from .nlp import ParsedField


class Rule(StrEnum):
    """The rule that found an attribution (`Found.rule`); each is a string, its value the name
    the CRF's features and the analysis's `method` read."""

    #: the verb rule (`verbs.py`), by the part of the parse that gave the content
    VERB_POSTPOSED = "verb-postposed"
    VERB_CLAUSE = "verb-clause"
    VERB_QUOTE = "verb-quote"
    VERB_LINEAR = "verb-linear"
    VERB_INFINITIVE = "verb-infinitive"
    VERB_OBJECT = "verb-object"
    #: the phrase rules (`phrases.py`)
    ACCORDING_TO = "according-to"
    ADVERB = "adverb"
    NOUN_CLAUSE = "noun-clause"
    #: punctuation (`headline.py`)
    HEADLINE_DASH = "headline-dash"
    HEADLINE_COLON = "headline-colon"
    BYLINE_DASH = "byline-dash"
    #: the CRF (`learned.py`): a cue the lexicon lists, and one it does not
    LEARNED = "learned"
    LEARNED_UNLISTED = "learned-unlisted"


#: How often each rule is right when its source is a noun phrase: attribution-level precision on
#: the PolNeAR training split (cue overlaps a gold cue, source and content overlap the gold ones),
#: 840 articles, measured with `find_all`. `confidence` starts here; the adjustments below were
#: measured the same way (a pronoun source costs about 0.1, no source about 0.4, …).
RULE_CONFIDENCE: dict[Rule, float] = {
    Rule.VERB_CLAUSE: 0.92,
    Rule.VERB_POSTPOSED: 0.90,
    Rule.VERB_QUOTE: 0.79,
    Rule.VERB_OBJECT: 0.74,
    Rule.VERB_INFINITIVE: 0.85,
    Rule.VERB_LINEAR: 0.59,
    Rule.ACCORDING_TO: 0.93,
    Rule.ADVERB: 0.6,  # "reportedly": set, not measured (no source, so the no-source level)
    Rule.NOUN_CLAUSE: 0.63,
    Rule.HEADLINE_DASH: 0.70,  # too rare in PolNeAR to measure; set below the colon rule
    Rule.HEADLINE_COLON: 0.73,
    Rule.BYLINE_DASH: 0.73,  # the same shape as a transcript colon: a name set off by punctuation
}
PRONOUN_PENALTY = {Rule.VERB_INFINITIVE: 0.3, Rule.VERB_LINEAR: 0.18}  # default 0.1
NO_SOURCE_PENALTY = 0.4
PERSONAL_PENALTY = 0.15
COMPLEMENT_PENALTY = 0.3  # verbs of thinking and finding: 0.55 against 0.87 for speech verbs
NEGATION_PENALTY = 0.1
DIRECT_BONUS = 0.03  # a quotation beside a cue: 0.95 against 0.77 for reported speech

_EDGE_PUNCT = set(",;:—–-")
_END_PUNCT = set(",;:—–-.")


@dataclass(frozen=True, slots=True)
class Found:
    """An attribution as the rules found it, before speakers are resolved.

    Spans are ``(start, end)`` character offsets into the field's text.
    """

    field: str
    rule: Rule
    kind: Kind
    source: tuple[int, int] | None
    cue: tuple[int, int]
    cue_lemma: str
    stance: Stance
    content: tuple[int, int]
    sentence: int
    paragraph: int
    confidence: float
    #: the head token of the source phrase (for speaker resolution) and its chunk's offset
    source_token: Token | None = None
    offset: int = 0
    passive: bool = False
    parent: int | None = None  # index into the list of found attributions
    speaker: str | None = None
    #: the content's pieces when the attribution's own cue or source interrupts it (a split
    #: quotation); empty when the content is one piece (`attribution.split_parts`)
    parts: tuple[tuple[int, int], ...] = ()
    #: an "I" resolved to a transcript turn's speaker or the article's author
    first_person: bool = False


def in_a_title(tok: Token, sent: SpacySpan, field: str) -> bool:
    """A capitalised cue inside a body sentence written in lower case otherwise: a title of a
    work ("He Said, She Said", "Say Anything"), not a report of speech. Headlines, whose every
    word is capitalised, keep their cues."""
    if field == "title" or tok.i == sent.start or not tok.text[:1].isupper():
        return False
    words = [t for t in sent if t.is_alpha]
    capitalised = sum(1 for t in words if t.text[:1].isupper())
    return capitalised < 0.6 * len(words)


class SentenceView:
    """One sentence of a parsed field, with character offsets and span helpers for the rules."""

    def __init__(
        self,
        parsed: ParsedField,
        offset: int,
        paragraph: int,
        sent: SpacySpan,
        index: int,
        lexicon: Lexicon,
    ) -> None:
        self.parsed = parsed
        self.text = parsed.text
        self.off = offset
        self.paragraph = paragraph
        self.sent = sent
        self.index = index
        self.lex = lexicon
        para = parsed.paragraphs[paragraph] if paragraph < len(parsed.paragraphs) else (0, 0)
        self.para_span = para

    # --- character offsets of tokens
    def s(self, tok: Token) -> int:
        return self.off + tok.idx

    def e(self, tok: Token) -> int:
        return self.off + tok.idx + len(tok.text)

    def tokspan(self, first: int, last: int) -> tuple[int, int]:
        doc = self.sent.doc
        return self.s(doc[first]), self.e(doc[last])

    def clean_span(self, first: int, last: int) -> tuple[int, int] | None:
        """Token range → character span without punctuation or spaces at its edges."""
        doc = self.sent.doc
        while first <= last and (doc[first].is_punct or doc[first].is_space):
            if doc[first].text in {"(", "["}:
                break
            first += 1
        while last >= first and (doc[last].is_punct or doc[last].is_space):
            if doc[last].text in {")", "]"} and any(
                doc[k].text in {"(", "["} for k in range(first, last)
            ):
                break
            last -= 1
        if last < first:
            return None
        return self.tokspan(first, last)

    def snap(
        self, content: tuple[int, int] | None, cue_span: tuple[int, int]
    ) -> tuple[int, int] | None:
        """Trim edge punctuation, then widen the content to whole quotations it touches."""
        if content is None:
            return None
        start, end = content
        text = self.text
        while start < end and (text[start].isspace() or text[start] in _EDGE_PUNCT):
            start += 1
        while end > start and (text[end - 1].isspace() or text[end - 1] in _END_PUNCT):
            end -= 1
        if end <= start:
            return None
        for q in self.parsed.quotes:
            if q.start >= end:
                break
            if q.end <= start or q.start <= cue_span[0] < q.end:
                continue
            # the quotation touches the content: take all of it, marks included
            if q.inner_start < end and q.inner_end > start:
                start, end = min(start, q.start), max(end, q.end)
        return start, end

    def _inside_quote(self, pos: int) -> bool:
        """Inside a closed quotation (an unclosed one is too uncertain to silence a cue)."""
        return any(q.closed and q.inner_start <= pos < q.inner_end for q in self.parsed.quotes)

    def found(
        self,
        rule: Rule,
        source_tok: Token | None,
        source: tuple[int, int] | None,
        cue_span: tuple[int, int],
        cue: Cue,
        content: tuple[int, int],
        confidence: float,
        passive: bool,
    ) -> Found:
        return Found(
            field=self.parsed.name,
            rule=rule,
            kind=Kind.INDIRECT,
            source=source,
            cue=cue_span,
            cue_lemma=cue.lemma,
            stance=cue.stance,
            content=content,
            sentence=self.index,
            paragraph=self.paragraph,
            confidence=confidence,
            source_token=source_tok,
            offset=self.off,
            passive=passive,
        )


def only_punct(between: str) -> bool:
    """Nothing but a comma, colon or dash (and spaces, no line break) between two spans."""
    return (
        len(between) <= 4
        and "\n" not in between
        and all(ch.isspace() or ch in ",:;—–-" for ch in between)
    )


def overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]
