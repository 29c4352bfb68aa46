"""The cue lexicon: which words introduce an attribution, their stance and the frames they take.

The lexicon is data (`saywho/data/cues.tsv`, documented there), loaded once per process:

>>> lexicon = load_lexicon()
>>> lexicon.verb("say").stance
<Stance.NEUTRAL: 'neutral'>
>>> lexicon.verb("claim").stance
<Stance.DISTANCING: 'distancing'>
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from importlib import resources

from ..config import NOTIONS
from ..errors import ConfigError
from ..model import Stance

FRAMES = frozenset(
    {"clause", "complement", "object", "addressee", "infinitive", "noun", "prep", "headline",
     "adverb"}
)  # fmt: skip
#: frames that make a lexicon entry a verb (as opposed to a noun, preposition or punctuation)
VERB_FRAMES = frozenset({"clause", "complement", "object", "addressee", "infinitive"})


@dataclass(frozen=True, slots=True)
class Cue:
    """One lexicon entry."""

    lemma: str
    stance: Stance
    frames: frozenset[str]
    notes: str = ""
    #: "claims", or "broad" for a cue of belief, attitude or intention
    notion: str = "claims"

    def within(self, notion: str) -> bool:
        """Whether the cue introduces an attribution under `notion`."""
        return notion == "broad" or self.notion == "claims"

    @property
    def particle(self) -> str | None:
        """The particle or preposition of a phrasal entry ("out" in "point out")."""
        parts = self.lemma.split(" ", 1)
        return parts[1] if len(parts) == 2 else None

    @property
    def head(self) -> str:
        return self.lemma.split(" ", 1)[0]


@dataclass(frozen=True, slots=True)
class Lexicon:
    """Lookups over the cue entries, by part of speech."""

    verbs: dict[str, tuple[Cue, ...]]  # head lemma -> entries (plain and phrasal)
    nouns: dict[str, Cue]
    preps: dict[str, Cue]  # "according to" -> entry
    punct: dict[str, Cue]
    adverbs: dict[str, Cue] = field(default_factory=dict)  # "reportedly" -> entry

    def verb(self, lemma: str, particle: str | None = None) -> Cue | None:
        """The entry for a verb lemma, preferring the phrasal one when its particle is present."""
        entries = self.verbs.get(lemma)
        if not entries:
            return None
        plain = None
        for cue in entries:
            if cue.particle is None:
                plain = cue
            elif particle is not None and cue.particle == particle:
                return cue
        return plain

    def entry(self, lemma: str) -> Cue | None:
        """The entry a found attribution's cue lemma names ("say", "point out", "claim" the
        noun, "according to", ":"), or None for a cue the lexicon does not list."""
        head, _, particle = lemma.partition(" ")
        return (
            self.verb(head, particle or None)
            or self.nouns.get(lemma)
            or self.preps.get(lemma)
            or self.punct.get(lemma)
            or self.adverbs.get(lemma)
        )

    def phrasal(self, lemma: str) -> tuple[Cue, ...]:
        return tuple(c for c in self.verbs.get(lemma, ()) if c.particle is not None)


def parse_lexicon(text: str, source: str = "cues.tsv") -> Lexicon:
    """Parse the TSV lexicon; raise `ConfigError` naming the line that is wrong."""
    verbs: dict[str, list[Cue]] = {}
    nouns: dict[str, Cue] = {}
    preps: dict[str, Cue] = {}
    punct: dict[str, Cue] = {}
    adverbs: dict[str, Cue] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        cols = line.split("\t")
        if len(cols) < 4:
            raise ConfigError(
                f"line {number}: expected lemma, stance, frames, notion separated by tabs",
                input=source,
                remedy="fix the line or comment it out with #",
            )
        lemma, stance_name, frame_list, notion = (c.strip() for c in cols[:4])
        notes = cols[4].strip() if len(cols) > 4 else ""
        if notion not in NOTIONS:
            raise ConfigError(
                f"line {number}: unknown notion {notion!r}",
                input=source,
                remedy="use " + " or ".join(NOTIONS),
            )
        try:
            stance = Stance(stance_name)
        except ValueError:
            raise ConfigError(
                f"line {number}: unknown stance {stance_name!r}",
                input=source,
                remedy="use one of " + ", ".join(s.value for s in Stance),
            ) from None
        frames = frozenset(f.strip() for f in frame_list.split(",") if f.strip())
        unknown = frames - FRAMES
        if not frames or unknown:
            raise ConfigError(
                f"line {number}: unknown frame(s) {sorted(unknown) or frame_list!r}",
                input=source,
                remedy="use " + ", ".join(sorted(FRAMES)),
            )
        cue = Cue(lemma.lower(), stance, frames, notes, notion)
        if frames & VERB_FRAMES:
            verbs.setdefault(cue.head, []).append(cue)
        if "noun" in frames:
            nouns[cue.lemma] = cue
        if "prep" in frames:
            preps[cue.lemma] = cue
        if "headline" in frames:
            punct[cue.lemma] = cue
        if "adverb" in frames:
            adverbs[cue.lemma] = cue
    return Lexicon({k: tuple(v) for k, v in verbs.items()}, nouns, preps, punct, adverbs)


@functools.lru_cache(maxsize=1)
def load_lexicon() -> Lexicon:
    """The packaged lexicon, parsed once per process."""
    text = resources.files("saywho").joinpath("data/cues.tsv").read_text(encoding="utf-8")
    return parse_lexicon(text)
