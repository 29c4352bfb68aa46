"""What of a statement is its claim: post furniture removed, words kept."""

from __future__ import annotations

import pytest

from saywho.claims import claim_text
from saywho.claims.text import states_claims


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "China steals United States Navy research drone in international waters. "
            "— Donald J. Trump (@realDonaldTrump) December 17, 2016",
            "China steals United States Navy research drone in international waters.",
            id="a post's signature with handle and date is removed",
        ),
        pytest.param(
            "How are butterflies surviving the #AustralianFires? pic.twitter.com/0eJtwJyS1J",
            "How are butterflies surviving the Australian Fires?",
            id="a hashtag becomes its words and a picture link goes",
        ),
        pytest.param(
            "Proud of the #OurBoyspic.twitter.com/0eJtwJyS1J",
            "Proud of the Our Boys",
            id="a picture link glued to a hashtag goes too",
        ),
        pytest.param(
            "Yes, this is really @DarrellIssa on the roof https://t.co/abc",
            "Yes, this is really Darrell Issa on the roof",
            id="a mention becomes the name and a link goes",
        ),
        pytest.param(
            "Turnout was 62 % - the highest since 1992, officials said.",
            "Turnout was 62 % - the highest since 1992, officials said.",
            id="a dash inside a sentence is not a signature",
        ),
        pytest.param(
            "Write to press@example.org for the report.",
            "Write to press@example.org for the report.",
            id="an e-mail address is not a mention",
        ),
        pytest.param(
            "that the talks had failed",
            "the talks had failed",
            id="a content's leading complementiser belongs to the cue",
        ),
        pytest.param(
            "That is not true, he said.",
            "That is not true, he said.",
            id="a capitalised That is a pronoun, kept",
        ),
    ],
)
def test_claim_text_removes_post_furniture(text: str, expected: str) -> None:
    assert claim_text(text) == expected


def test_states_claims_needs_a_verb_and_three_words() -> None:
    texts = [
        "a state of emergency",  # the object of "declared": an act, no proposition
        "three days of national mourning",
        "Joe Biden for president",
        "the US is secretly funding Islamic State",
        "Deeply saddened by the loss of lives",
        "it spreads",  # a verb, but two words
        "",
    ]
    assert states_claims(texts) == [False, False, False, True, True, False, False]
