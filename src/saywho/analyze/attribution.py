"""Attribution finding: rules over the dependency parse of one field (title, standfirst, body).

    find_attributions(field, lexicon) -> [Found]

A cue from the lexicon (`cues.py`) anchors every attribution; the parse around it gives the
source and the content:

- a reporting verb with its subject and its complement clause ("X said (that) …", "X told
  reporters on Friday that …"), post-posed ("…, Kabulov added."), inverted ("“…,” said X"),
  participial ("defended the decision, saying that …"), in a relative clause ("officials, who
  said …"), passive ("it was reported that …": no source);
- a quotation beside a reporting verb when the parser did not attach it ("“…” a narrator asks.");
- an object that is the content for verbs that take one ("denied the report");
- "according to X";
- a cue noun with a that-clause ("Trump's claim that …").

Span conventions follow PolNeAR (the corpus the rules are measured on): the source is the whole
noun phrase with its appositions ("Zamir Kabulov, Russia’s presidential envoy for Afghanistan"),
the cue is the verb group ("has said", "according to"), the content is the clause with its
"that", and a quotation keeps its marks and the punctuation inside them ("“Yes, there is such
data.”"). Every span is a character range of the field's own text.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from ..model import Kind
from .cues import Lexicon
from .learned import refine
from .phrases import PhraseRule
from .spans import DIRECT_BONUS, RULE_CONFIDENCE, Found
from .verbs import VerbRule

if TYPE_CHECKING:
    from spacy.tokens import Span as SpacySpan

    from .nlp import ParsedField

__all__ = ["RULE_CONFIDENCE", "Found", "find_attributions"]


def find_attributions(
    parsed: ParsedField,
    lexicon: Lexicon,
    tagger: Any | None = None,
    known: Sequence[Found] = (),
) -> list[Found]:
    """Every attribution the rules find in one parsed field, in text order; with a `tagger`
    (the CRF of `learned.py`) the findings it does not confirm go and the ones it adds join
    (none whose cue is one of `known`, the headline rules' findings)."""
    found: list[Found] = []
    sentence = 0
    for chunk in parsed.chunks:
        for sent in chunk.doc.sents:
            found.extend(_sentence(parsed, chunk.offset, chunk.paragraph, sent, sentence, lexicon))
            sentence += 1
    found.sort(key=lambda f: f.cue[0])
    _continue_quotes(found, parsed)
    if tagger is not None:
        found = refine(parsed, found, lexicon, tagger, known)
    _assign_kinds(found, parsed)
    _nest(found)
    return found


def _sentence(
    parsed: ParsedField, offset: int, paragraph: int, sent: SpacySpan, index: int, lexicon: Lexicon
) -> list[Found]:
    """Every rule over one sentence, in token order."""
    verbs = VerbRule(parsed, offset, paragraph, sent, index, lexicon)
    phrases = PhraseRule(parsed, offset, paragraph, sent, index, lexicon)
    out: list[Found] = []
    for tok in sent:
        if tok.lower_ == "according":
            f = phrases.according_to(tok)
        elif tok.tag_.startswith("VB"):
            f = verbs.verb(tok)
        elif tok.pos_ in {"NOUN", "PROPN"} and tok.lemma_.lower() in lexicon.nouns:
            f = phrases.noun(tok)
        else:
            f = None
        if f is not None:
            out.append(f)
    return out


def _continue_quotes(found: list[Found], parsed: ParsedField) -> None:
    """A quotation that follows its attribution's sentence continues it:
    '“…,” she said on Monday. “We have got to do everything possible.” “And now.”'

    The next quotation of the paragraph is taken when only the rest of the cue's sentence lies
    between (no other cue, no other quotation), then any quotation right after it."""
    text = parsed.text
    quotes = parsed.quotes
    cues = sorted(f.cue[0] for f in found)
    for f in found:
        if f.rule.startswith("headline") or not any(q.end == f.content[1] for q in quotes):
            continue
        para_end = (
            parsed.paragraphs[f.paragraph][1] if f.paragraph < len(parsed.paragraphs) else len(text)
        )
        anchor = max(f.content[1], f.cue[1], f.source[1] if f.source else 0)
        first = True
        for q in quotes:
            if q.start < anchor:
                continue
            if q.start >= para_end:
                break
            between = text[anchor : q.start]
            if any(anchor <= c < q.start for c in cues):
                break
            if first:
                ok = len(between) <= 120 and (
                    not between.strip() or between.rstrip()[-1:] in {".", "!", "?", ":"}
                )
            else:
                ok = not between.strip()
            if not ok:
                break
            f.content = (f.content[0], q.end)
            anchor = q.end
            first = False


def _rstrip_punct(text: str, start: int, end: int) -> int:
    while end > start and (text[end - 1].isspace() or text[end - 1] in ".,;:!?"):
        end -= 1
    return end


def _assign_kinds(found: list[Found], parsed: ParsedField) -> None:
    """direct: the content is quotation; mixed: quotation and reported words; else indirect."""
    text = parsed.text
    for f in found:
        if parsed.name == "title":
            f.kind = Kind.HEADLINE
            continue
        if f.rule == "according-to":
            f.kind = Kind.ACCORDING_TO
            continue
        start, end = f.content
        inside = [
            q
            for q in parsed.quotes
            if q.start < end and q.end > start and not q.start <= f.cue[0] < q.end
        ]
        if not inside:
            f.kind = Kind.INDIRECT
            continue
        words = 0
        pos = start
        for q in inside:
            words += _words(text, pos, max(pos, q.start), f)
            pos = max(pos, q.end)
        words += _words(text, pos, end, f)
        f.kind = Kind.DIRECT if words == 0 else Kind.MIXED
        if f.kind is Kind.DIRECT:
            f.confidence += DIRECT_BONUS


def _words(text: str, start: int, end: int, f: Found) -> int:
    """Letters outside quotation marks in [start, end), ignoring the interruption of a split
    quotation ('“…,” he said, “…”'): a stretch that holds the attribution's own cue."""
    if start >= end or (f.cue[0] >= start and f.cue[1] <= end):
        return 0
    return sum(1 for ch in text[start:end] if ch.isalnum())


def _nest(found: list[Found]) -> None:
    """An attribution whose cue lies inside another's content is nested in it (smallest first)."""
    for i, inner in enumerate(found):
        best: int | None = None
        for j, outer in enumerate(found):
            if i == j or outer.field != inner.field:
                continue
            size = outer.content[1] - outer.content[0]
            if size <= inner.content[1] - inner.content[0]:
                continue  # strictly larger parents only: nesting can never loop
            if outer.content[0] <= inner.cue[0] and inner.cue[1] <= outer.content[1]:
                if best is None or (
                    outer.content[1] - outer.content[0]
                    < found[best].content[1] - found[best].content[0]
                ):
                    best = j
        inner.parent = best
