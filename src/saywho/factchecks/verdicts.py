"""A fact-check's rating as one of seven verdicts, whatever the fact-checker's scale.

Fact-checkers rate in their own words ("Pants on Fire!", "Mixture", "Three Pinocchios", "Missing
context", "Falso"); schema.org's `Rating` adds an optional number on a scale (``ratingValue``
between ``worstRating`` and ``bestRating``). saywho keeps the rating as written and adds a
normalised verdict, one of `VERDICTS`, so fact-checks from different outlets can be filtered and
compared:

1. the wording, case-folded with hyphens, underscores and spaces made one space and punctuation at
   either end dropped, looked up in ``data/verdicts.tsv`` (the wordings of the large
   fact-checkers, with who uses each and the choices made where scales disagree);
2. else, a rating that is a sentence ("False. The photo shows…") by its first words, when they
   are a known wording followed by a stop;
3. else, a numeric rating on its own scale, cut into five equal bands from ``false`` to ``true``;
4. else ``other``.

Why by hand: no maintained library maps fact-checkers' ratings; the table is data, the code only
normalises wordings and reads it.
"""

from __future__ import annotations

import functools
import re
from importlib import resources

VERDICTS = ("false", "mostly_false", "mixed", "mostly_true", "true", "unverifiable", "other")
#: the five verdicts that order a claim from false to true (a numeric rating maps onto them)
SCALE = ("false", "mostly_false", "mixed", "mostly_true", "true")

_SEPARATORS = re.compile(r"[\s_\-]+")
_EDGES = re.compile(r"^[\W_]+|[\W_]+$")
_STOP = re.compile(r"[.!:;,(\u2013\u2014]|\s[-\u2013\u2014]\s")


def normalise_wording(rating: str) -> str:
    """A rating's wording as the table keys it ("Pants on Fire!" → "pants on fire")."""
    text = _SEPARATORS.sub(" ", rating.casefold()).strip()
    return _EDGES.sub("", text)


@functools.lru_cache(maxsize=1)
def wordings() -> dict[str, str]:
    """The table: normalised wording → verdict (a wording listed twice must agree)."""
    text = resources.files("saywho").joinpath("data/verdicts.tsv").read_text(encoding="utf-8")
    table: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        wording, verdict = (part.strip() for part in line.split("\t")[:2])
        key = normalise_wording(wording)
        if verdict not in VERDICTS or table.get(key, verdict) != verdict:
            raise ValueError(f"data/verdicts.tsv line {number}: {line!r}")
        table[key] = verdict
    return table


def verdict(rating: str | None, value: float | None = None, best: float | None = None,
            worst: float | None = None) -> str:  # fmt: skip
    """The verdict of a rating written `rating`, with an optional number `value` on the scale
    from `worst` to `best` (schema.org's defaults: 1 to 5); see the module docstring."""
    table = wordings()
    if rating and rating.strip():
        key = normalise_wording(rating)
        if key in table:
            return table[key]
        head = _STOP.split(rating.strip(), maxsplit=1)[0]
        if head != rating.strip() and normalise_wording(head) in table:
            return table[normalise_wording(head)]
    if value is not None:
        low, high = 1.0 if worst is None else worst, 5.0 if best is None else best
        if high != low and min(low, high) <= value <= max(low, high):
            position = (value - low) / (high - low)  # 0: worst, 1: best
            return SCALE[min(int(position * len(SCALE)), len(SCALE) - 1)]
    return "other"
