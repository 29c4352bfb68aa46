"""The boilerplate lexicon (``data/boilerplate.toml``), compiled once per process.

Patterns live in a commented data file rather than in code, so that adding a cookie-banner
phrase or a month name is a data change with a diff a reviewer can read.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import Any

from ..errors import ConfigError


@dataclass(frozen=True, slots=True)
class Lexicon:
    """Compiled patterns and word lists for the flattened-text cleaner and dateline parser.

    The line patterns are written in lower case and matched against the lower-cased line:
    that is about twice as fast as Python's case-insensitive matching.
    """

    chrome_line: re.Pattern[str]
    chrome_contains: re.Pattern[str]
    chrome_contains_hint: re.Pattern[str]  # a fast superset of chrome_contains
    chrome_max_words: int
    chrome_always: re.Pattern[str]
    chrome_always_hint: re.Pattern[str]
    stop_line: re.Pattern[str]
    end_line: re.Pattern[str]
    byline_prefix: re.Pattern[str]  # "By ", "Written by: " at the start of a line
    agencies: frozenset[str]
    date_prefixes: frozenset[str]
    update_words: tuple[str, ...]
    weekdays: frozenset[str]
    months: dict[str, int]
    zones: dict[str, str]
    stopwords: frozenset[str]
    #: words a sentence does not end on (a flattened line ending on one runs on)
    runs_on: frozenset[str]


def _search(patterns: list[str]) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """A search pattern and a fast superset of it for a first pass.

    Python's regex engine cannot skip ahead to a literal behind a leading ``\\b``, which makes an
    alternation of phrases ten times slower; the same alternation without word boundaries
    finds every line the exact pattern could match, so only those few are searched again.
    """
    exact = re.compile("|".join(f"(?:{p})" for p in patterns))
    hint = re.compile("|".join(f"(?:{p.replace(chr(92) + 'b', '')})" for p in patterns))
    return exact, hint


def _full(patterns: list[str]) -> re.Pattern[str]:
    # one alternation, used with fullmatch: a line is chrome only if the pattern covers it all
    return re.compile("|".join(f"(?:{p})" for p in patterns))


def _strings(table: dict[str, Any], key: str) -> list[str]:
    value = table.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"boilerplate.toml: {key!r} must be a list of strings")
    return value


@cache
def lexicon() -> Lexicon:
    """The lexicon, parsed and compiled on first use (a few milliseconds) and then shared."""
    raw = files("saywho").joinpath("data", "boilerplate.toml").read_text(encoding="utf-8")
    try:
        data = tomllib.loads(raw)
        chrome, stop = data["chrome"], data["stop"]
        contains, contains_hint = _search(_strings(chrome, "contains"))
        always, always_hint = _search(_strings(chrome, "always"))
        byline, dates, prose = data["byline"], data["dates"], data["prose"]
        return Lexicon(
            chrome_line=_full(_strings(chrome, "line")),
            chrome_contains=contains,
            chrome_contains_hint=contains_hint,
            chrome_max_words=int(chrome.get("max_words", 30)),
            chrome_always=always,
            chrome_always_hint=always_hint,
            stop_line=_full(_strings(stop, "line")),
            end_line=_full(_strings(stop, "end")),
            byline_prefix=re.compile(
                # longest first, so that "written by" wins over "by"
                "(?:"
                + "|".join(
                    re.escape(p)
                    for p in sorted(_strings(byline, "prefixes"), key=len, reverse=True)
                )
                + r")(?=[ :])",
                re.IGNORECASE,
            ),
            agencies=frozenset(a.lower() for a in _strings(byline, "agencies")),
            date_prefixes=frozenset(_strings(dates, "prefixes")),
            update_words=tuple(_strings(dates, "update_words")),
            weekdays=frozenset(_strings(dates, "weekdays")),
            months={str(k).lower(): int(v) for k, v in dates["months"].items()},
            zones={str(k).lower(): str(v) for k, v in dates["zones"].items()},
            stopwords=frozenset(_strings(prose, "stopwords")),
            runs_on=frozenset(_strings(prose, "runs_on")),
        )
    except (tomllib.TOMLDecodeError, KeyError, TypeError, ValueError, re.error) as exc:
        raise ConfigError(
            f"the packaged boilerplate.toml is invalid ({exc})",
            remedy="reinstall saywho or fix src/saywho/data/boilerplate.toml",
        ) from exc
