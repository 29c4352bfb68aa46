"""What each claim is *about*: the named entities inside attribution contents (a pure function).

    with_entities(analyses) -> list[Analysis]   (each attribution's `entities` filled in)

spaCy's NER runs over each content alone — its parts joined as `Attribution.content_text` joins
them — in one `nlp.pipe` call for all the analyses given (the pipeline loaded once per process,
`nlp.get_nlp`, with everything but ``tok2vec`` and ``ner`` disabled); offsets are shifted back
into the string the attribution's `field` names, so ``field_text[e.start:e.end] == e.text``.
An entity that straddles two parts is dropped: it is in none of the text as written.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from ..model import Analysis, Attribution, Entity
from .nlp import get_nlp

if TYPE_CHECKING:
    from spacy.tokens import Doc

#: entity labels that name something a claim can be about
ABOUT_LABELS = frozenset({"PERSON", "ORG", "GPE", "NORP", "LOC", "FAC", "EVENT", "PRODUCT", "LAW"})


def with_entities(analyses: Sequence[Analysis]) -> list[Analysis]:
    """`analyses` with the named entities of every attribution's content."""
    pairs = [(a, x) for a in analyses for x in a.attributions]
    if not pairs:
        return list(analyses)
    nlp = get_nlp()
    texts = [x.content_text(a.article.field_text(x.field)) for a, x in pairs]
    disabled = [name for name in nlp.pipe_names if name not in {"tok2vec", "ner"}]
    found = iter([_entities(x, doc) for (_, x), doc in
                  zip(pairs, nlp.pipe(texts, disable=disabled), strict=True)])  # fmt: skip
    return [replace(a, attributions=tuple(replace(x, entities=next(found))
                                          for x in a.attributions))
            for a in analyses]  # fmt: skip


def _entities(attribution: Attribution, doc: Doc) -> tuple[Entity, ...]:
    """The entities of one content's `doc`, at their offsets in the field's text."""
    # each piece's place in the joined text (one space between pieces) and in the field
    bases: list[tuple[int, int, int]] = []  # (start in joined text, end there, field start)
    at = 0
    for piece in attribution.pieces:
        bases.append((at, at + len(piece), piece.start))
        at += len(piece) + 1
    return tuple(
        Entity(e.text, e.label_, base + e.start_char - lo, base + e.end_char - lo)
        for e in doc.ents
        if e.label_ in ABOUT_LABELS and e.text.strip()
        for lo, hi, base in bases
        if lo <= e.start_char and e.end_char <= hi
    )
