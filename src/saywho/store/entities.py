"""What each claim is *about*: named entities inside attribution contents (a pure function).

    content_mentions(analysis) -> tuple[tuple[Mention, ...], ...]   (one tuple per attribution)

spaCy's NER runs over each content span alone (the pipeline loaded once per process through
`saywho.analyze.get_nlp`); offsets are shifted back into the string the attribution's `field`
names, so ``field_text[m.start:m.end] == m.text``.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..model import Analysis

#: entity labels that name something a claim can be about
ABOUT_LABELS = frozenset({"PERSON", "ORG", "GPE", "NORP", "LOC", "FAC", "EVENT", "PRODUCT", "LAW"})


@dataclass(frozen=True, slots=True)
class Mention:
    text: str
    label: str
    start: int
    end: int


def content_mentions(analysis: Analysis) -> tuple[tuple[Mention, ...], ...]:
    """The named entities of every attribution's content, in attribution order."""
    if not analysis.attributions:
        return ()
    from ..analyze import get_nlp

    nlp = get_nlp()
    texts = [a.content_text(analysis.article.field_text(a.field)) for a in analysis.attributions]
    keep = {"tok2vec", "ner"}
    disabled = [name for name in nlp.pipe_names if name not in keep]
    out: list[tuple[Mention, ...]] = []
    for attribution, doc in zip(
        analysis.attributions, nlp.pipe(texts, disable=disabled), strict=True
    ):
        # offsets into the joined parts (`Attribution.content_text`) back to the field's
        bases: list[tuple[int, int, int]] = []  # (start in joined text, end there, field start)
        at = 0
        for piece in attribution.pieces:
            bases.append((at, at + len(piece), piece.start))
            at += len(piece) + 1
        out.append(
            tuple(
                Mention(e.text, e.label_, base + e.start_char - lo, base + e.end_char - lo)
                for e in doc.ents
                if e.label_ in ABOUT_LABELS and e.text.strip()
                for lo, hi, base in bases
                if lo <= e.start_char and e.end_char <= hi
            )
        )
    return tuple(out)
