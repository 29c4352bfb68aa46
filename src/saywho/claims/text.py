"""What of a statement's text is the claim: social-media furniture removed before comparing.

Posts quoted in news, and the statements analysts paste into lists, carry things that belong to
the post, not to what it claims: a signature with the author's handle and the date
("— Donald J. Trump (@realDonaldTrump) December 17, 2016"), links, picture links, and hashtags or
mentions written as one word ("#DefundTheCBC", "@GeorgeSoros"). Two posts stating one claim differ
in exactly these, so they are removed (hashtags and mentions are kept as words) before statements
are embedded or compared.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from importlib import resources

from ..analyze.statement import (
    claim_text as claim_text,  # (re-exported: claims have always had it here)
)

#: fewer words than this state no claim worth following ("What", "no comment")
MIN_CLAIM_WORDS = 3


def states_claims(texts: Sequence[str]) -> list[bool]:
    """Which texts state a claim: at least `MIN_CLAIM_WORDS` words and a verb.

    An attribution's content is often the object of its cue, not a proposition: "declared *a
    state of emergency*", "announced *three days of mourning*", "endorsed *Joe Biden for
    president*". Those name acts and topics; followed across articles they group every article
    on the topic, so they are not claims. Tagged by the spaCy pipeline's tagger alone: a verb is a
    Penn tag ``VB*`` or ``MD`` (what the attribute ruler maps to VERB or AUX; skipping the ruler
    halves the time, with the same answer on all 2,985 demo contents and CheckThat! statements
    tried).
    """
    from ..analyze.nlp import get_nlp

    nlp = get_nlp()
    keep = [len(t.split()) >= MIN_CLAIM_WORDS for t in texts]
    wanted = [i for i, ok in enumerate(keep) if ok]
    disabled = [name for name in nlp.pipe_names if name not in ("tok2vec", "tagger")]
    docs = nlp.pipe((claim_text(texts[i]) for i in wanted), disable=disabled, batch_size=256)
    for i, doc in zip(wanted, docs, strict=True):
        keep[i] = any(t.tag_.startswith("VB") or t.tag_ == "MD" for t in doc)
    return keep


#: a figure written in digits, not part of a name ("COVID-19", "G7", "SARS-CoV-2")
_NUMBER = re.compile(r"(?<![\w.\-])\d[\d,]*(?:\.\d+)?(?![\w\-])")
_LOWER_WORD = re.compile(r"[a-z]+")


@functools.lru_cache(maxsize=1)
def _number_words() -> dict[str, str]:
    text = resources.files("saywho").joinpath("data/number_words.tsv").read_text(encoding="utf-8")
    pairs = (line.split("\t") for line in text.splitlines() if line and not line.startswith("#"))
    return {word: value.strip() for word, value in pairs}


def figures(text: str) -> frozenset[str]:
    """The figures a statement states, as digits ("twelve", "12" and "12.0" are one figure).

    >>> sorted(figures("COVID-19 killed twelve people: 1,279 cases and 2.50 dollars"))
    ['12', '1279', '2.5']
    """
    found = set()
    for match in _NUMBER.finditer(text):
        value = match.group().replace(",", "").rstrip(".")
        if "." in value:
            value = value.rstrip("0").rstrip(".")
        found.add(value.lstrip("0") or "0")
    words = _number_words()
    found.update(words[w] for w in _LOWER_WORD.findall(text.lower()) if w in words)
    return frozenset(found)


def conflicting_figures(a: frozenset[str], b: frozenset[str]) -> bool:
    """True when both statements state figures and share none: in news, different claims ("the
    attack killed twelve" / "it killed nine people"; "the primary is on March 3" / "on March
    10"), however alike their words. Not for posts matched to fact-checks, which misquote
    figures (the CheckThat! clusters lose recall under this rule)."""
    return bool(a) and bool(b) and not (a & b)
