"""The speaker benchmark's alignment and scoring, on hand-made documents."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

from attribution_data import DataError
from speakers import CorefDoc, Score, Source, align, denotes, load_coref, unresolved

TEXT = "Zamir Kabulov, the envoy, spoke. He said it failed. Officials said so too."
KABULOV = TEXT.index("Zamir Kabulov")
HE = TEXT.index("He")
OFFICIALS = TEXT.index("Officials")
DOC = CorefDoc(
    "doc",
    TEXT,
    (
        (KABULOV, KABULOV + 13, "1", "Zamir Kabulov"),
        (KABULOV + 15, KABULOV + 24, "1", "the envoy"),
        (HE, HE + 2, "1", "He"),
        (OFFICIALS, OFFICIALS + 9, "2", "Officials"),
    ),
)


def test_speakers_bench_align_takes_the_mention_a_source_overlaps_most() -> None:
    assert align(DOC, KABULOV, KABULOV + 25) == DOC.mentions[0]  # "Zamir Kabulov, the envoy,"
    assert align(DOC, HE, HE + 2) == DOC.mentions[2]
    assert align(DOC, HE, HE + 12) is None  # "He said it f": too little of it is the mention


@pytest.mark.parametrize(
    ("name", "cluster", "expected"),
    [
        ("Zamir Kabulov", "1", True),
        ("Kabulov", "1", True),  # inside a mention
        ("The envoy", "1", True),  # the article does not matter
        ("he", "1", False),  # a pronoun names nobody
        ("Officials", "1", False),
        (None, "1", False),
    ],
)
def test_speakers_bench_denotes(name: str | None, cluster: str, expected: bool) -> None:
    assert denotes(name, cluster, DOC) is expected


def test_speakers_bench_score_counts_accuracy_and_links() -> None:
    right = [
        Source(KABULOV, KABULOV + 13, "zamir-kabulov", "Zamir Kabulov", "name"),
        Source(HE, HE + 2, "zamir-kabulov", "Zamir Kabulov", "pronoun"),
        Source(OFFICIALS, OFFICIALS + 9, None, None, "description"),
    ]
    score = Score.new()
    score.add(DOC, right)
    assert (score.right["all"], score.total["all"]) == (2, 3)
    assert score.accuracy("pronoun") == 1.0
    assert score.link_prf() == (1.0, 1.0, 1.0)  # one gold link, found
    baseline = Score.new()
    baseline.add(DOC, unresolved(right, DOC))
    assert baseline.accuracy("pronoun") == 0.0  # "he" names nobody
    assert baseline.link_prf()[1] == 0.0  # "Zamir Kabulov" and "He" are not linked


def test_speakers_bench_load_coref_checks_offsets(tmp_path: Path) -> None:
    folder = tmp_path / "gum-news" / "coref"
    folder.mkdir(parents=True)
    (folder / "GUM_news_x.txt").write_text("Smith said so.", encoding="utf-8")
    data = {
        "text_file": "GUM_news_x.txt",
        "clusters": [{"id": "1", "mentions": [{"start": 0, "end": 5, "text": "Smith"}]}],
    }
    (folder / "GUM_news_x.coref.json").write_text(json.dumps(data), encoding="utf-8")
    (doc,) = load_coref(tmp_path)
    assert doc.mentions == ((0, 5, "1", "Smith"),)
    data["clusters"][0]["mentions"][0]["text"] = "Smyth"
    (folder / "GUM_news_x.coref.json").write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(DataError, match="does not match"):
        load_coref(tmp_path)
    with pytest.raises(DataError, match="no GUM_news"):
        load_coref(tmp_path / "elsewhere")
