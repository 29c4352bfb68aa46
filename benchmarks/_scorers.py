"""Helpers for the extraction benchmark: load the corpora's own scorers, compare metadata.

Body scores always come from the benchmarks' own ``evaluate.py`` (loaded with importlib, never
re-implemented); this module only adds the metadata comparisons the corpora do not ship.
"""

from __future__ import annotations

import importlib.util
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from types import ModuleType


def load_module(path: Path, name: str) -> ModuleType:
    """Import a Python file by path (the corpora's scorers are not packages)."""
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot import {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_PUNCT_RE = re.compile(r"[^\w\s]|_", re.UNICODE)


def normalise(text: str | None) -> str:
    """Casefold, NFKC, punctuation to spaces, whitespace collapsed: 'The  “Best”!' -> 'the best'."""
    if not text:
        return ""
    text = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(_PUNCT_RE.sub(" ", text).split())


def exact_match(pred: str | None, gold: str | None) -> bool:
    p, g = normalise(pred), normalise(gold)
    return bool(g) and p == g


def loose_match(pred: str | None, gold: str | None) -> bool:
    """The WCXB README's loose match: one (normalised) string contains the other."""
    p, g = normalise(pred), normalise(gold)
    return bool(p) and bool(g) and (p in g or g in p)


def paragraph_match(pred: list[str], gold: str) -> tuple[int, int, int]:
    """(matched, predicted, gold) paragraphs, where a match is an identical normalised paragraph.

    Gold paragraphs are the benchmark's lines; this checks that paragraphs are the page's own
    paragraphs, which the shingle score cannot see.
    """
    gold_paras = Counter(n for n in (normalise(line) for line in gold.split("\n")) if n)
    pred_paras = Counter(n for n in (normalise(p) for p in pred) if n)
    matched = sum((gold_paras & pred_paras).values())
    return matched, sum(pred_paras.values()), sum(gold_paras.values())


def day(value: datetime | date | str | None) -> str | None:
    """The calendar day a prediction names, as YYYY-MM-DD (a datetime keeps its own zone's day)."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    match = re.match(r"\d{4}-\d{2}-\d{2}", value.strip())
    return match.group(0) if match else None


@dataclass
class MetaTally:
    """Counts for one system's metadata on WCXB."""

    pages: int = 0
    date_gold: int = 0
    date_predicted: int = 0  # predictions on pages whose gold has a date
    date_correct: int = 0
    date_spurious: int = 0  # a date predicted where the gold has none
    title_gold: int = 0
    title_exact: int = 0
    title_loose: int = 0
    author_gold: int = 0
    author_predicted: int = 0
    author_exact: int = 0
    author_loose: int = 0
    author_spurious: int = 0  # an author predicted where the gold has none
    body_f1: list[float] = field(default_factory=list)
    body_p: list[float] = field(default_factory=list)
    body_r: list[float] = field(default_factory=list)
    seconds: float = 0.0

    def add(
        self,
        gold: dict[str, object],
        *,
        title: str | None,
        author: str | None,
        published: datetime | date | str | None,
        body: tuple[float, float, float],
    ) -> None:
        self.pages += 1
        gold_day = day(gold.get("publish_date") or None)  # type: ignore[arg-type]
        pred_day = day(published)
        if gold_day:
            self.date_gold += 1
            self.date_predicted += pred_day is not None
            self.date_correct += pred_day == gold_day
        elif pred_day:
            self.date_spurious += 1
        gold_title = gold.get("title") or None
        if isinstance(gold_title, str) and gold_title.strip():
            self.title_gold += 1
            self.title_exact += exact_match(title, gold_title)
            self.title_loose += loose_match(title, gold_title)
        gold_author = gold.get("author") or None
        if isinstance(gold_author, str) and gold_author.strip():
            self.author_gold += 1
            self.author_predicted += bool(author)
            self.author_exact += exact_match(author, gold_author)
            self.author_loose += loose_match(author, gold_author)
        elif author:
            self.author_spurious += 1
        p, r, f1 = body
        self.body_p.append(p)
        self.body_r.append(r)
        self.body_f1.append(f1)

    def summary(self) -> dict[str, float | int]:
        def ratio(a: int, b: int) -> float:
            return a / b if b else 0.0

        n = max(1, len(self.body_f1))
        return {
            "pages": self.pages,
            "date_gold": self.date_gold,
            "date_predicted": self.date_predicted,
            "date_accuracy": ratio(self.date_correct, self.date_gold),
            "date_spurious": self.date_spurious,
            "title_gold": self.title_gold,
            "title_exact": ratio(self.title_exact, self.title_gold),
            "title_loose": ratio(self.title_loose, self.title_gold),
            "author_gold": self.author_gold,
            "author_predicted": self.author_predicted,
            "author_exact": ratio(self.author_exact, self.author_gold),
            "author_loose": ratio(self.author_loose, self.author_gold),
            "author_spurious": self.author_spurious,
            "body_precision": sum(self.body_p) / n,
            "body_recall": sum(self.body_r) / n,
            "body_f1": sum(self.body_f1) / n,
            "pages_per_second": ratio(self.pages, 1) / self.seconds if self.seconds else 0.0,
        }
