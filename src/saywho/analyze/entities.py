"""What each claim is *about*: the named entities inside attribution contents (a pure function).

    content_entities(fields, attributions) -> tuple[tuple[Entity, ...], ...]   (one per attribution)

The entities are those spaCy's NER found in the article's own parse (`nlp.parse_articles`, which
the rules already need), so they cost nothing more and are read with their sentence around
them; an attribution gets those that lie wholly inside one piece of its content
(`Attribution.pieces`: an entity across a split quotation's "he said" is in neither). Offsets
index the string the attribution's `field` names, so ``field_text[e.start:e.end] == e.text``.
(Running NER again over each content alone, as the store once did, added about a third of the
parse to the analysis; `benchmarks/throughput.py`.)
"""

from __future__ import annotations

from collections.abc import Sequence

from ..model import Attribution, Entity
from .nlp import ParsedField

#: entity labels that name something a claim can be about
ABOUT_LABELS = frozenset({"PERSON", "ORG", "GPE", "NORP", "LOC", "FAC", "EVENT", "PRODUCT", "LAW"})


def field_entities(fields: Sequence[ParsedField]) -> dict[str, list[Entity]]:
    """Every entity of an about-label in each parsed field, in text order."""
    out: dict[str, list[Entity]] = {}
    for parsed in fields:
        found = out.setdefault(parsed.name, [])
        for chunk in parsed.chunks:
            for e in chunk.doc.ents:
                if e.label_ in ABOUT_LABELS and e.text.strip():
                    start = chunk.offset + e.start_char
                    found.append(Entity(e.text, e.label_, start, start + len(e.text)))
    return out


def content_entities(
    fields: Sequence[ParsedField], attributions: Sequence[Attribution]
) -> tuple[tuple[Entity, ...], ...]:
    """The entities inside each attribution's content, in attribution order."""
    by_field = field_entities(fields)
    return tuple(
        tuple(
            e for e in by_field.get(a.field, ())
            if any(p.start <= e.start and e.end <= p.end for p in a.pieces)
        )
        for a in attributions
    )  # fmt: skip
