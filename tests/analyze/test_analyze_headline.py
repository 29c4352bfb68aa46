"""Headline attributions carried by punctuation or a verb; every title attribution is 'headline'."""

from __future__ import annotations

from collections.abc import Callable

import pytest

Run = Callable[..., list[dict[str, object]]]
BODY = "The talks have collapsed."


@pytest.mark.parametrize(
    ("title", "source", "cue", "content"),
    [
        pytest.param("US covertly sponsoring ISIS – Moscow", "Moscow", "–", "US covertly sponsoring ISIS",
                     id="dash then the source at the end"),
        pytest.param("Moscow: US covertly sponsoring ISIS", "Moscow", ":", "US covertly sponsoring ISIS",
                     id="source then a colon at the start"),
        pytest.param("Ukraine will lose the war, says Moscow", "Moscow", "says", "Ukraine will lose the war",
                     id="says X after the claim"),
        pytest.param("Putin: “We are ready to talk”", "Putin", ":", "“We are ready to talk”",
                     id="colon before a quotation"),
        pytest.param("EXCLUSIVE – Roger Stone: Don’t trust the voting machines", "Roger Stone", ":",
                     "Don’t trust the voting machines", id="a label before the source is not part of it"),
        pytest.param("Pentagon officials: talks with Iran have failed", "Pentagon officials", ":",
                     "talks with Iran have failed", id="a group of people before a colon speaks"),
    ],
)  # fmt: skip
def test_headline_attribution_found_in_title(
    run: Run, title: str, source: str, cue: str, content: str
) -> None:
    titles = [a for a in run(BODY, title=title) if a["field"] == "title"]
    assert [(a["source"], a["cue"], a["content"], a["kind"]) for a in titles] == [
        (source, cue, content, "headline")
    ]


@pytest.mark.parametrize(
    "title",
    [
        pytest.param("Live updates: Ukraine war enters day 300", id="a label before a colon"),
        pytest.param("Biden - a profile of the president", id="a dash before a description"),
        pytest.param("Editor’s note: this story was updated", id="editor's note"),
        pytest.param("Hillary Clinton: 1,769", id="a tally after a name"),
        pytest.param(
            "Lion Air disaster: Crashed jet's voice recorder recovered from Java Sea",
            id="a named event before a colon is the topic",
        ),
    ],
)
def test_headline_no_attribution_without_a_source(run: Run, title: str) -> None:
    assert [a for a in run(BODY, title=title) if a["field"] == "title"] == []


def test_headline_offsets_index_the_title(run: Run) -> None:
    title = "US covertly sponsoring ISIS – Moscow"
    (found,) = [a for a in run(BODY, title=title) if a["field"] == "title"]
    assert found["source"] == "Moscow"


def test_headline_first_paragraph_of_plain_text_reads_as_a_title(run: Run) -> None:
    text = "Sanders: Clinton email story has moved.\n\nThe senator spoke in Iowa on Monday."
    found = run(text)
    assert [(a["source"], a["cue"], a["content"]) for a in found] == [
        ("Sanders", ":", "Clinton email story has moved")
    ]


def test_headline_transcript_lead_in_the_body(run: Run) -> None:
    text = "The debate went on.\n\nPENCE: Well, look, Mark Cuban has been saying tough things."
    found = [a for a in run(text) if a["cue"] == ":"]
    assert [a["source"] for a in found] == ["PENCE"]


@pytest.mark.parametrize(
    "caption",
    [
        "Epic Mickey by The Katherinator. Image: Nick Moreau.",
        "Black Widow and Captain America Image: Nick Moreau.",
        "Photo credit: Jane Smith for Reuters.",
    ],
)
def test_headline_a_media_credit_in_the_body_is_no_attribution(run: Run, caption: str) -> None:
    text = f"The convention opened on Friday.\n\n{caption}\n\nThousands came."
    assert [a for a in run(text) if a["cue"] == ":"] == []


def test_headline_transcript_lead_inside_a_quoted_transcript(run: Run) -> None:
    # a transcript quoted paragraph by paragraph: each line reopens the quotation mark
    text = (
        "Partial transcript as follows:\n\n"
        '"WALLACE: Let’s start with breaking news on the debate tonight.\n\n'
        '"PENCE: Well, look, Mark Cuban has been saying tough things all week.'
    )
    found = [a for a in run(text) if a["cue"] == ":" and a["source"] != "Partial transcript"]
    assert [(a["source"], str(a["content"])[:9]) for a in found] == [
        ("WALLACE", "Let’s sta"),
        ("PENCE", "Well, loo"),
    ]


def test_headline_quotation_signed_with_a_dash(run: Run) -> None:
    text = (
        "Readers answered our call.\n\n"
        "“He represents our greatest shame.” ― Sonya Herridge\n"
        "“I am so ashamed of this campaign.”\u00a0― Pamela Padilla."
    )
    found = [a for a in run(text) if a["cue"] == "―"]
    assert [(a["source"], a["cue"], a["content"], a["kind"]) for a in found] == [
        ("Sonya Herridge", "―", "“He represents our greatest shame.”", "direct"),
        ("Pamela Padilla", "―", "“I am so ashamed of this campaign.”", "direct"),
    ]


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("Readers answered.\n\n“Fake news” — that is what he calls every story.",
                     id="a clause after the dash is no name"),
        pytest.param("Readers answered.\n\nThe “great wall” ― Donald Trump", id="a line that is no quotation"),
    ],
)  # fmt: skip
def test_headline_no_byline_without_a_signed_quotation(run: Run, text: str) -> None:
    assert [a for a in run(text) if a["cue"] in {"―", "—"}] == []
