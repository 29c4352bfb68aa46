"""Ranking fact-checks for a statement: how alike the texts are, and who said it when.

The strongest claim-retrieval systems retrieve candidates by text and then re-rank them. Texts
alike is not enough: "STOP POSING AS MY DAD" posted by Morgan Eastwood is about Clint Eastwood's
viral essay, and a tweet of June 2019 about "a crowd in London" is the fact-check of the June 2019
visit, not of another year's. So a statement carries its **context** when known — its speaker
and day (`Stated`): given by the caller (a stored claim's speaker and article date, a
debate's speaker and day), or read from a post's signature ("— Donald J. Trump
(@realDonaldTrump) March 24, 2019"). Each candidate fact-check gets these features
(`FEATURES`):

- ``dense``: the cosine of the statement's and the claim reviewed's embeddings;
- ``lexical``: the cosine of their word TF-IDF vectors (claim reviewed and headline);
- ``speaker``: the share of the speaker's name words that the fact-check names (its claimant,
  else its claim and headline: "Did Clint Eastwood write…");
- ``year``: 1 when the fact-check's year (its claim date's, else the years its text names) is
  the statement's, −1 when it names only others, 0 when either is unknown;
- ``month``: 1 when it names the statement's month and year ("in October 2019") or its claim
  date falls in them;
- ``days``: exp(−|days between the claim date and the statement's| / 30), 0 when either is
  unknown;
- ``later``: 1 when every year (or every month) the fact-check names or is dated by comes after
  the statement's: a fact-check of a later event is rarely what an earlier statement states.

A linear model over them, trained by ``scripts/train_factcheck_ranker.py`` on the train splits
of CheckThat! 2020 Task 2 and PolitiFact only (a pairwise logistic regression: to order a
query's candidates), and shipped as ``data/factcheck_ranker.json`` (weights, bias, the
candidates it re-ranks, its calibration and its card), orders the candidates; the score is the
probability that the fact-check addresses the statement, from a candidate's ranking score and
its lead over the best of the others (`Ranker.calibrated`).
"""

from __future__ import annotations

import functools
import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from importlib import resources
from typing import Any

import numpy as np
import numpy.typing as npt

FEATURES = ("dense", "lexical", "speaker", "year", "month", "days", "later")
RANKER_FILE = "data/factcheck_ranker.json"

#: "— Name (@handle) Month D, YYYY" closing a copied post (as `saywho.claims.text` removes it)
_SIGNATURE = re.compile(
    r"[\u2014\u2013-]{1,2}\s*([^\u2014\u2013\n]{0,80}?)\(@(\w{1,30})\)\s+([A-Z][a-z]+)\.? (\d{1,2}), (\d{4})\s*$"
)
_WORD = re.compile(r"\w+")
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")
_YEAR = re.compile(r"\b(19[5-9]\d|20[0-4]\d)\b")
_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
           "november", "december")  # fmt: skip
#: words of a name that name nobody (titles, and the furniture of account names)
_NOT_NAMES = frozenset({"the", "and", "of", "news", "official", "real", "mr", "mrs", "ms", "dr", "sen", "rep",
                        "president", "senator", "governor"})  # fmt: skip


@dataclass(frozen=True, slots=True)
class Stated:
    """A statement to match, as stated: with who stated it and on which day, when known (not
    `saywho.sources.statements.Statement`, an analyst's list item)."""

    text: str
    speaker: str | None = None
    day: date | None = None


def with_context(text: str, speaker: str | None = None, day: date | None = None) -> Stated:
    """`text` as a `Stated`: the speaker and day given, else those of a post signature it
    ends with ("— Donald J. Trump (@realDonaldTrump) March 24, 2019")."""
    found = _SIGNATURE.search(text)
    if found and (speaker is None or day is None):
        name, handle, month, dom, year = found.groups()
        speaker = speaker or f"{name.strip()} {handle}"
        if day is None and month.casefold() in _MONTHS:
            try:
                day = date(int(year), _MONTHS.index(month.casefold()) + 1, int(dom))
            except ValueError:
                day = None
    return Stated(text, speaker, day)


def query_text(text: str) -> str:
    """What is compared of a statement: its text without a post's signature, links and tag
    marks (`saywho.claims.text.claim_text`, the text claims are embedded by)."""
    from ..claims.text import claim_text

    return claim_text(text)


def pair_text(claim: str, title: str | None) -> str:
    """What the first stage's TF-IDF reads of a fact-check: the claim reviewed and its headline."""
    from ..claims.text import claim_text

    return claim_text(f"{claim} {title or ''}")


def same_claim_key(claim: str, fact_checker: str | None, claimant: str | None) -> tuple[str, ...]:
    """What makes two fact-checks copies of one: the same fact-checker, the same claimant and the
    same claim once case, quotation marks, punctuation and spacing are set aside (a review
    republished under a new identifier with its quotes changed: "found 'no obstruction'" and
    "found \"no obstruction\"")."""
    return tuple(
        " ".join(_WORD.findall((t or "").casefold())) for t in (claim, fact_checker, claimant)
    )


def copy_order(review_date: str | None, stored_id: int) -> tuple[str, int]:
    """Sorts copies of one fact-check (`same_claim_key`) original first: the earliest reviewed,
    else (either undated) the first stored."""
    return (review_date or "9999-12-31", stored_id)


def name_words(name: str | None) -> frozenset[str]:
    """The words that identify a name: "Donald J. Trump realDonaldTrump" → {donald, trump, real…}."""
    if not name:
        return frozenset()
    words = (w.casefold() for w in _WORD.findall(_CAMEL.sub(" ", name)))
    return frozenset(w for w in words if len(w) > 2 and w not in _NOT_NAMES)


@dataclass(frozen=True, slots=True)
class CheckContext:
    """What the features read of a fact-check: its words, claimant's name words, years and
    months named, and its claim date."""

    words: frozenset[str]
    claimant: frozenset[str]
    years: frozenset[int]
    months: frozenset[tuple[int, int]]
    claim_day: date | None


def check_context(
    claim: str, title: str | None, claimant: str | None, claim_date: str | None
) -> CheckContext:
    text = f"{claim} {title or ''}"
    words = [w.casefold() for w in _WORD.findall(text)]
    day = _iso_day(claim_date)
    years = {day.year} if day else {int(y) for y in _YEAR.findall(text)}
    months = {(day.year, day.month)} if day else set()
    for i, word in enumerate(words[:-1]):  # "October 2019"
        if word in _MONTHS and words[i + 1].isdigit() and int(words[i + 1]) in years:
            months.add((int(words[i + 1]), _MONTHS.index(word) + 1))
    return CheckContext(
        frozenset(words), name_words(claimant), frozenset(years), frozenset(months), day
    )


def _iso_day(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None


def features(statement: Stated, dense: Sequence[float], lexical: Sequence[float],
             checks: Sequence[CheckContext]) -> npt.NDArray[np.float32]:  # fmt: skip
    """The `FEATURES` of each candidate (rows in the order of `checks`)."""
    speaker = name_words(statement.speaker)
    day = statement.day
    rows = []
    for d, lex, check in zip(dense, lexical, checks, strict=True):
        named = check.claimant or check.words
        who = len(speaker & named) / len(speaker) if speaker else 0.0
        year = 0.0 if day is None or not check.years else (1.0 if day.year in check.years else -1.0)
        month = float(day is not None and (day.year, day.month) in check.months)
        days = math.exp(-abs((check.claim_day - day).days) / 30) if day and check.claim_day else 0.0
        later = 0.0
        if day is not None and check.years:
            said = day.year * 12 + day.month - 1
            later = float(all(y > day.year for y in check.years)
                          or (bool(check.months) and all(y * 12 + m - 1 > said for y, m in check.months)))  # fmt: skip
        rows.append((d, lex, who, year, month, days, later))
    return np.asarray(rows, dtype=np.float32).reshape(len(rows), len(FEATURES))


@dataclass(frozen=True)
class Ranker:
    """A linear model over `FEATURES`, re-ranking the first `candidates` by text, and its
    calibration: how likely a candidate is to be what the statement states, from its score and
    its lead over the query's best other candidate."""

    weights: npt.NDArray[np.float32]
    bias: float
    candidates: int
    card: dict[str, Any]
    #: (score, lead, bias) of the calibration
    calibration: tuple[float, float, float] = (1.0, 0.0, 0.0)
    #: the least the best of a candidate's others counts as in the calibration (`calibrated`);
    #: None: `bias`, the score of a fact-check sharing nothing with the statement
    floor: float | None = None

    def rank(self, x: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
        """Each candidate's score: higher ranks first."""
        out: npt.NDArray[np.float32] = (x @ self.weights + self.bias).astype(np.float32)
        return out

    def score(self, x: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
        """The probability that each candidate (the rows of one statement's candidates)
        addresses the statement (`calibrated` of their `rank` scores)."""
        return self.calibrated(self.rank(x))

    def calibrated(self, z: npt.NDArray[np.floating[Any]]) -> npt.NDArray[np.float32]:
        """One statement's candidates' ranking scores as probabilities: from each score and its
        lead over the best of the others (`lead`), the others counting at least as `floor`: the
        best other that three quarters of the train queries met among their candidates (a store
        of thousands always holds a fact-check near a statement). So a candidate alone or among
        a few, in a small store, is as sure as one ahead of the competition a large store
        gives, not as one ahead of nothing: with a floor of a fact-check sharing nothing with
        the statement (`bias`, as the model had before), a lone fact-check on the statement's
        subject but of another claim read as certain (0.99 on average for CheckThat! dev
        tweets; 0.74 with the floor at the train queries' weakest best other, 0.52 with this
        one: `benchmarks/factchecks.py`)."""
        a, c, d = self.calibration
        ahead = lead(z, floor=self.bias if self.floor is None else max(self.floor, self.bias))
        out: npt.NDArray[np.float32] = (1.0 / (1.0 + np.exp(-(a * z + c * ahead + d)))).astype(
            np.float32
        )
        return out


def lead(
    z: npt.NDArray[np.floating[Any]], floor: float | None = None
) -> npt.NDArray[np.floating[Any]]:
    """Each score minus the best of the others, or `floor` when that is higher (a lone
    candidate leads by 0 without one): the first candidate's lead is its margin over the
    second, every other's is negative."""
    if len(z) == 0:
        return np.zeros_like(z)
    order = np.argsort(-z, kind="stable")
    best = z[order[0]]
    # the best of the first's others: the second, or the floor when higher; a lone candidate
    # without a floor is tied with itself
    others = [z[order[1]]] if len(z) > 1 else []
    second = max([*others, floor] if floor is not None else others, default=best)
    # every candidate but the first: minus the best of its others (the first, or the floor)
    out: npt.NDArray[np.floating[Any]] = z - max(best, second)
    out[order[0]] = best - second
    return out


@functools.lru_cache(maxsize=1)
def load_ranker() -> Ranker:
    """The shipped ranker (``data/factcheck_ranker.json``)."""
    data = json.loads(resources.files("saywho").joinpath(RANKER_FILE).read_text(encoding="utf-8"))
    if tuple(data["features"]) != FEATURES:
        raise ValueError(
            f"{RANKER_FILE} was trained on features {data['features']}, not {list(FEATURES)}"
        )
    weights = np.asarray([data["weights"][name] for name in FEATURES], dtype=np.float32)
    calibration = data.get("calibration", {"score": 1.0, "lead": 0.0, "bias": 0.0})
    floor = data.get("floor")
    return Ranker(weights, float(data["bias"]), int(data["candidates"]), data.get("card", {}),
                  (float(calibration["score"]), float(calibration["lead"]), float(calibration["bias"])),
                  None if floor is None else float(floor))  # fmt: skip
