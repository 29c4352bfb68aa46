"""Attribution finding: rules over the dependency parse of one field (title, standfirst, body).

    rule_findings(field, lexicon) -> [Found]            (what the rules find)
    finish_findings(field, found, lexicon) -> [Found]   (filtered, joined, split, nested)
    find_attributions(field, lexicon) -> [Found]        (the two in a row: the rules alone)

`analyze.find_all` runs the learned check (`learned.refine`) between the two steps.

A cue from the lexicon (`cues.py`) anchors every attribution; the parse around it gives the
source and the content:

- a reporting verb with its subject and its complement clause ("X said (that) …", "X told
  reporters on Friday that …"), post-posed ("…, Kabulov added."), inverted ("“…,” said X"),
  participial ("defended the decision, saying that …"), in a relative clause ("officials, who
  said …"), passive ("it was reported that …": no source);
- a quotation beside a reporting verb when the parser did not attach it ("“…” a narrator asks.");
- an object that is the content for verbs that take one ("denied the report");
- "according to X";
- an adverb of report, with no source ("reportedly");
- a cue noun with a that-clause ("Trump's claim that …").

The verb's rules are in `verbs.py` (its docstring lists them in the order they are tried), the
others in `phrases.py`.

Span conventions follow PolNeAR (the corpus the rules are measured on): the source is the whole
noun phrase with its appositions ("Zamir Kabulov, Russia’s presidential envoy for Afghanistan"),
the cue is the verb group ("has said", "according to"), the content is the clause with its
"that", and a quotation keeps its marks and the punctuation inside them ("“Yes, there is such
data.”"). Every span is a character range of the field's own text.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from ..model import Kind
from .cues import Lexicon
from .phrases import PhraseRule
from .spans import DIRECT_BONUS, RULE_CONFIDENCE, Found, Rule
from .verbs import VerbRule

if TYPE_CHECKING:
    from spacy.tokens import Span as SpacySpan

    from .nlp import ParsedField

__all__ = [
    "RULE_CONFIDENCE",
    "Found",
    "Rule",
    "find_attributions",
    "finish_findings",
    "rule_findings",
]


def find_attributions(
    parsed: ParsedField, lexicon: Lexicon, *, notion: str = "claims"
) -> list[Found]:
    """Every attribution the rules alone find in one parsed field, in text order, finished
    (`rule_findings`, then `finish_findings`): the rules without the CRF, as the evaluation
    and training scripts use them."""
    found = rule_findings(parsed, lexicon, notion=notion)
    return finish_findings(parsed, found, lexicon, notion=notion)


def rule_findings(parsed: ParsedField, lexicon: Lexicon, *, notion: str = "claims") -> list[Found]:
    """What the rules find in one parsed field, in text order, each content run on over the
    quotations that continue it (`_continue_quotes`); under the ``broad`` notion the verb rule
    reads sources and beliefs as PolNeAR does (`VerbRule.broad`)."""
    found: list[Found] = []
    sentence = 0
    for chunk in parsed.chunks:
        for sent in chunk.doc.sents:
            found.extend(_sentence(parsed, chunk.offset, chunk.paragraph, sent, sentence, lexicon,
                                   broad=notion == "broad"))  # fmt: skip
            sentence += 1
    return _continue_quotes(sorted(found, key=lambda f: f.cue[0]), parsed)


def finish_findings(
    parsed: ParsedField, found: list[Found], lexicon: Lexicon, *, notion: str = "claims"
) -> list[Found]:
    """One field's findings (the rules', checked by the CRF or not) made final: those that say
    nothing go (`_said_something`), those outside `notion` too and continuations join the
    attribution before them (`_join_continuations`), then each content is cut around its own
    cue and source (`split_parts`), gets its kind (`_assign_kinds`) and its parent
    (`_nest`, an index into the list returned).

    Under the ``claims`` notion (`config.NOTIONS`) the cues of belief, attitude and intention
    go, and so do the CRF's additions but a quotation beside a listed speech cue that a bad
    parse hid from the rules: the CRF learned PolNeAR's broad notion, and on GUM (closer to the
    narrow one) its other additions cost precision and gain no recall
    (`benchmarks/attribution.py`: 11 more predictions, linked overlap 0.826 → 0.796)."""
    found = [f for f in found if _said_something(f, parsed)]
    if notion != "broad":  # (PolNeAR gives "adding that …" an attribution of its own)
        found = _join_continuations([f for f in found if _within(f, lexicon, notion, parsed)],
                                    parsed)  # fmt: skip
    return _nest(_assign_kinds(split_parts(found, parsed), parsed))


def _sentence(
    parsed: ParsedField,
    offset: int,
    paragraph: int,
    sent: SpacySpan,
    index: int,
    lexicon: Lexicon,
    *,
    broad: bool = False,
) -> list[Found]:
    """Every rule over one sentence, in token order; `broad`: under the broad notion
    (`VerbRule.broad`)."""
    verbs = VerbRule(parsed, offset, paragraph, sent, index, lexicon)
    verbs.broad = broad
    phrases = PhraseRule(parsed, offset, paragraph, sent, index, lexicon)
    out: list[Found] = []
    for tok in sent:
        if tok.lower_ == "according":
            f = phrases.according_to(tok)
        elif tok.lower_ in lexicon.adverbs:
            f = phrases.adverb(tok)
        elif tok.tag_.startswith("VB"):
            f = verbs.verb(tok)
        elif tok.pos_ in {"NOUN", "PROPN"} and tok.lemma_.lower() in lexicon.nouns:
            f = phrases.noun(tok)
        else:
            f = None
        if f is not None:
            out.append(f)
    return out


def _continue_quotes(found: list[Found], parsed: ParsedField) -> list[Found]:
    """A quotation that follows its attribution's sentence continues it:
    '“…,” she said on Monday. “We have got to do everything possible.” “And now.”'

    The next quotation of the paragraph is taken when only the rest of the cue's sentence lies
    between (no other cue, no other quotation), then any quotation right after it."""
    cues = sorted(f.cue[0] for f in found)
    return [_continued(f, parsed, cues) for f in found]


def _continued(f: Found, parsed: ParsedField, cues: list[int]) -> Found:
    """`f` with its content run on over the quotations that continue it (`_continue_quotes`);
    `cues`: where every cue of the field starts."""
    text = parsed.text
    quotes = parsed.quotes
    if f.rule.startswith("headline") or not any(q.end == f.content[1] for q in quotes):
        return f
    para_end = (
        parsed.paragraphs[f.paragraph][1] if f.paragraph < len(parsed.paragraphs) else len(text)
    )
    anchor = max(f.content[1], f.cue[1], f.source[1] if f.source else 0)
    end = f.content[1]
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
        end = anchor = q.end
        first = False
    return f if end == f.content[1] else replace(f, content=(f.content[0], end))


#: cues that continue the attribution before them: '“A,” he said, adding that B'
_CONTINUING = frozenset({"add", "continue"})


def _join_continuations(found: list[Found], parsed: ParsedField) -> list[Found]:
    """'“A,” he said, adding that B' is one attribution whose content has two parts: the
    participle's finding joins the one before it when both have the same source, the first
    content comes before its cue and only a comma (and "and") lies between the two cues."""
    text = parsed.text
    out: list[Found] = []
    for f in found:
        prev = out[-1] if out else None
        if (
            prev is not None
            and f.cue_lemma in _CONTINUING
            and prev.source is not None
            and f.source == prev.source
            and f.sentence == prev.sentence
            and prev.content[1] <= prev.cue[0]
            and f.content[0] >= f.cue[1]
            and max(prev.cue[1], prev.source[1]) <= f.cue[0]
            and text[max(prev.cue[1], prev.source[1]) : f.cue[0]].strip(" ,").lower() in {"", "and"}
        ):
            out[-1] = replace(
                prev,
                parts=(*(prev.parts or (prev.content,)), *(f.parts or (f.content,))),
                content=(prev.content[0], f.content[1]),
            )
            continue
        out.append(f)
    return out


def split_parts(found: list[Found], parsed: ParsedField) -> list[Found]:
    """Cut each content around the attribution's own cue and source when they lie inside it
    ('“A,” he said. “B.”' → “A,” and “B.”): the interruption runs from the quotation that ends
    before it (or, without one, from the last letter or digit before it) to the quotation
    that starts after it (or the first letter or digit after it)."""
    return [_split(f, parsed) for f in found]


def _split(f: Found, parsed: ParsedField) -> Found:
    """`f` with its content cut around its own cue and source (`split_parts`)."""
    text = parsed.text
    start, end = f.content
    inside = [r for r in (f.cue, f.source) if r is not None and start < r[0] and r[1] < end]
    if not inside:
        if f.parts:  # joined: the parts are set, each checked below
            return replace(f, parts=tuple(p for p in (_trimmed(text, *p) for p in f.parts) if p))
        return f
    lo, hi = min(r[0] for r in inside), max(r[1] for r in inside)
    quotes = [q for q in parsed.quotes if start <= q.start and q.end <= end]
    left = max((q.end for q in quotes if q.end <= lo), default=None)
    if left is None:
        left = lo
        while left > start and not text[left - 1].isalnum():
            left -= 1
    right = min((q.start for q in quotes if q.start >= hi), default=None)
    if right is None:
        right = hi
        while right < end and not text[right].isalnum():
            right += 1
    pieces = f.parts or (f.content,)
    cut: list[tuple[int, int]] = []
    for a, b in pieces:
        for piece in ((a, min(b, left)), (max(a, right), b)):
            trimmed = _trimmed(text, *piece)
            if trimmed is not None:
                cut.append(trimmed)
    parts = tuple(cut) if len(cut) > 1 else ()
    if cut:
        return replace(f, parts=parts, content=(cut[0][0], cut[-1][1]))
    return replace(f, parts=parts)


def _trimmed(text: str, start: int, end: int) -> tuple[int, int] | None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in ",;"):
        end -= 1
    return (start, end) if any(ch.isalnum() for ch in text[start:end]) else None


#: a content that is one of these alone says nothing ("critics blame that", "describes which")
_EMPTY_CONTENT = frozenset({"that", "which", "who", "what", "this", "it", "so", "these", "those"})


def _said_something(f: Found, parsed: ParsedField) -> bool:
    said = parsed.text[f.content[0] : f.content[1]].strip(" \t\n\"'“”‘’.,;:").lower()
    return bool(said) and said not in _EMPTY_CONTENT


def _within(f: Found, lexicon: Lexicon, notion: str, parsed: ParsedField) -> bool:
    if f.rule == Rule.LEARNED_UNLISTED:
        return False  # a cue the lexicon does not list: PolNeAR's "wants", "critical of"
    if f.rule == Rule.LEARNED and not any(
        q.start <= f.content[0] and f.content[1] <= q.end for q in parsed.quotes
    ):
        return False  # reported speech the rules did not see: on GUM, noise more often than not
    entry = lexicon.entry(f.cue_lemma)
    return entry is None or entry.within(notion)


def _rstrip_punct(text: str, start: int, end: int) -> int:
    while end > start and (text[end - 1].isspace() or text[end - 1] in ".,;:!?"):
        end -= 1
    return end


def _assign_kinds(found: list[Found], parsed: ParsedField) -> list[Found]:
    """direct: the content is quotation; mixed: quotation and reported words; else indirect."""
    return [_with_kind(f, parsed) for f in found]


def _with_kind(f: Found, parsed: ParsedField) -> Found:
    """`f` with its kind (`_assign_kinds`), and the bonus of a direct quotation."""
    if parsed.name == "title":
        return replace(f, kind=Kind.HEADLINE)
    if f.rule == Rule.ACCORDING_TO:
        return replace(f, kind=Kind.ACCORDING_TO)
    start, end = f.content
    inside = [
        q
        for q in parsed.quotes
        if q.start < end and q.end > start and not q.start <= f.cue[0] < q.end
    ]
    if not inside:
        return replace(f, kind=Kind.INDIRECT)
    words = 0
    for start, end in f.parts or (f.content,):
        pos = start
        for q in inside:
            if q.start < end and q.end > start:
                words += _words(parsed.text, pos, max(pos, q.start), f)
                pos = max(pos, q.end)
        words += _words(parsed.text, pos, end, f)
    if words == 0:
        return replace(f, kind=Kind.DIRECT, confidence=f.confidence + DIRECT_BONUS)
    return replace(f, kind=Kind.MIXED)


def _words(text: str, start: int, end: int, f: Found) -> int:
    """Letters outside quotation marks in [start, end), ignoring the interruption of a split
    quotation ('“…,” he said, “…”'): a stretch that holds the attribution's own cue."""
    if start >= end or (f.cue[0] >= start and f.cue[1] <= end):
        return 0
    return sum(1 for ch in text[start:end] if ch.isalnum())


def _nest(found: list[Found]) -> list[Found]:
    """An attribution whose cue lies inside another's content is nested in it (smallest first):
    its `parent` is the other's index in `found`."""
    return [replace(inner, parent=_parent(i, found)) for i, inner in enumerate(found)]


def _parent(i: int, found: list[Found]) -> int | None:
    """The index of the smallest content in `found` strictly larger than `found[i]`'s that holds
    its cue (`_nest`)."""
    inner = found[i]
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
    return best
