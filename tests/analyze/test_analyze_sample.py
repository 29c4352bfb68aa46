"""The demo article (RT, 20 Jan 2023): every attribution, and none for the unattributed paragraphs."""

from __future__ import annotations

from pathlib import Path

import pytest

from saywho.analyze import analyze
from saywho.extract import extract
from saywho.model import Analysis, RawDocument

DEMO = Path(__file__).resolve().parents[2] / "src/saywho/data/demo/rt-2023-01-20-us-isis.txt"

# (field, source, cue, content starts with, kind, stance, speaker)
EXPECTED = [
    ("title", "Moscow", "–", "US covertly sponsoring ISIS", "headline", "neutral", "moscow"),
    ("standfirst", "the Russian Foreign Ministry", "says", "Washington wants to take revenge", "indirect",
     "neutral", "russian-foreign-ministry"),
    ("text", "Zamir Kabulov, Russia’s presidential envoy for Afghanistan,", "has said",
     "The US has been reaching out", "indirect", "neutral", "zamir-kabulov"),
    ("text", "Kabulov", "said", "“Yes, there is such data.”", "direct", "neutral", "zamir-kabulov"),
    ("text", "he", "claimed", "The Americans have been acting this way “because", "mixed", "distancing",
     "zamir-kabulov"),
    ("text", "Kabulov", "added", "“But worst of all", "direct", "neutral", "zamir-kabulov"),
    ("text", "the UN", "According to", "around 24.4 million people", "according_to", "neutral", "un"),
    ("text", "US Secretary of State Antony Blinken", "saying", "that if the American forces remained there",
     "mixed", "neutral", "antony-blinken"),
    ("text", "The US-based Brown University", "estimated", "that the invasion of Afghanistan cost",
     "indirect", "estimating", "brown-university"),
    ("text", "The US Department of Defense", "said", "that military aid provided to Kiev", "indirect",
     "neutral", "us-department-of-defense"),
]  # fmt: skip


def rows(analysis: Analysis) -> list[tuple[str, ...]]:
    article = analysis.article
    out = []
    for a in analysis.attributions:
        text = {"title": article.title, "standfirst": article.standfirst}.get(
            a.field, article.text
        ) or ""
        out.append(
            (a.field, a.source.text(text) if a.source else "", a.cue.text(text), a.content.text(text),
             a.kind.value, a.stance.value, a.speaker or "")
        )  # fmt: skip
    return out


def test_sample_every_attribution_found(sample_analysis: Analysis) -> None:
    found = rows(sample_analysis)
    assert len(found) == len(EXPECTED), found
    for got, want in zip(found, EXPECTED, strict=True):
        field, source, cue, content, kind, stance, speaker = want
        assert got[:3] == (field, source, cue)
        assert got[3].startswith(content), got
        assert got[4:] == (kind, stance, speaker)


def test_sample_quotations_keep_their_marks(sample_analysis: Analysis) -> None:
    contents = [r[3] for r in rows(sample_analysis)]
    assert contents[5].endswith("the security of Russia,”")
    assert contents[4].endswith("in this troubled land,”")


@pytest.mark.parametrize(
    "sentence",
    [
        pytest.param(
            "The US and its allies pulled out of Afghanistan",
            id="withdrawal paragraph is the writer's",
        ),
        pytest.param(
            "Under previous US-backed administrations", id="aid budget sentence is the writer's"
        ),
        pytest.param("The chaotic withdrawal", id="chaotic withdrawal sentence is the writer's"),
    ],
)
def test_sample_no_attribution_for_unattributed_paragraphs(
    sample_analysis: Analysis, sentence: str
) -> None:
    text = sample_analysis.article.text
    start = text.index(sentence)
    end = text.index(".", start)
    for a in sample_analysis.attributions:
        if a.field == "text":
            assert not (a.content.start < end and start < a.content.end), a


def test_sample_speakers_and_descriptions(sample_analysis: Analysis) -> None:
    speakers = {s.id: s for s in sample_analysis.speakers}
    assert speakers["antony-blinken"].descriptions == ("US Secretary of State",)
    assert speakers["russian-foreign-ministry"].type == "ORG"
    assert speakers["zamir-kabulov"].type == "PERSON"


def test_sample_analysis_leaves_the_article_unchanged() -> None:
    """analyze returns the very article it was given, equal to a copy taken before, so every
    offset of the analysis indexes the text the caller holds."""
    import copy

    article = extract(RawDocument(str(DEMO), DEMO.read_bytes()))
    before = copy.deepcopy(article)
    analysis = analyze(article)
    assert analysis.article is article and analysis.article == before
    assert (
        before.text.startswith("The US has been reaching out") and len(analysis.attributions) >= 9
    )


def test_sample_demo_file_through_extract() -> None:
    """The demo file as the CLI reads it: the body attributions do not depend on the cleaner."""
    article = extract(RawDocument(str(DEMO), DEMO.read_bytes()))
    body = [r for r in rows(analyze(article)) if r[0] == "text"]
    assert [(r[1], r[2]) for r in body] == [(e[1], e[2]) for e in EXPECTED if e[0] == "text"]
