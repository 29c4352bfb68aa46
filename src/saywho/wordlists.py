"""Word lists the stages share, read from ``saywho/data`` once per process.

    honorifics() -> {word: Honorific(kind, gender)}

Words, not code: `data/honorifics.tsv` documents its columns. The analyser reads the titles
(gender from "Mrs", a title is no description of the person); the store strips titles and role
words alike before comparing names for a merge.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from importlib import resources

from .errors import ConfigError

KINDS = ("title", "role")
#: a source that is the writer or the speaker of a transcript turn ("I", not "we": a group
#: speaks as "we", and an author is one person)
FIRST_PERSON_SINGULAR = frozenset({"i", "me", "my"})
GENDERS = {"m": "m", "f": "f", "-": None}


@dataclass(frozen=True, slots=True)
class Honorific:
    kind: str  # "title" or "role"
    gender: str | None  # "m", "f" or None


def parse_honorifics(text: str, source: str = "honorifics.tsv") -> dict[str, Honorific]:
    """Parse the TSV list; raise `ConfigError` naming the line that is wrong."""
    out: dict[str, Honorific] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        cols = [c.strip() for c in line.split("\t")]
        if len(cols) != 3 or not cols[0] or cols[1] not in KINDS or cols[2] not in GENDERS:
            raise ConfigError(
                f"line {number}: expected word, kind ({' or '.join(KINDS)}) and gender "
                "(m, f or -) separated by tabs",
                input=source,
                remedy="fix the line or comment it out with #",
            )
        word = cols[0].lower()
        if word in out or word.endswith("."):
            raise ConfigError(
                f"line {number}: {word!r} is listed twice or ends with a full stop",
                input=source,
                remedy="list each word once, without its final full stop",
            )
        out[word] = Honorific(cols[1], GENDERS[cols[2]])
    return out


@functools.lru_cache(maxsize=1)
def honorifics() -> dict[str, Honorific]:
    """The packaged list, parsed once per process."""
    text = resources.files("saywho").joinpath("data/honorifics.tsv").read_text(encoding="utf-8")
    return parse_honorifics(text)


def title_genders() -> dict[str, str | None]:
    """Titles written before a name, with and without a final full stop ("mr", "mr."), and
    the gender each says (None: none)."""
    out: dict[str, str | None] = {}
    for word, h in honorifics().items():
        if h.kind == "title":
            out[word] = out[word + "."] = h.gender
    return out


def name_stripped_words() -> frozenset[str]:
    """Titles and role words the store strips before comparing names, with and without a
    final full stop ("u.s", "u.s.")."""
    return frozenset(w for word in honorifics() for w in (word, word + "."))
