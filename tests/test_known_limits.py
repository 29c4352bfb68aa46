"""The README's known limits, as tests of what saywho should do and does not yet: each is an
``xfail(strict=True)``, so a change that fixes one fails here until its limit leaves the README."""

from __future__ import annotations

import pytest

from saywho.analyze import analyze
from saywho.model import Article, Span


def _article(text: str) -> Article:
    return Article(
        "id", "t", None, None, None, None, None, (), "en", text, (Span(0, len(text)),), "plain"
    )


@pytest.mark.xfail(strict=True, reason="README, Known limits: a pronoun after a fronted phrase "
                   "takes the subject")  # fmt: skip
def test_known_limit_pronoun_after_a_fronted_phrase() -> None:
    text = ("For Kevin Allton, Warhol was a legend. He said the paintings changed how he saw "
            "the city.")  # fmt: skip
    analysis = analyze(_article(text))
    names = {s.id: s.name for s in analysis.speakers}
    said = [a for a in analysis.attributions if a.cue.text(text) == "said"]
    assert said and names.get(said[0].speaker or "") == "Kevin Allton"


@pytest.mark.xfail(strict=True, reason="README, Known limits: loose paraphrases across outlets stay "
                   "in separate clusters at the news threshold")  # fmt: skip
def test_known_limit_loose_paraphrases_share_a_cluster() -> None:
    from saywho.claims.cluster import cluster, features
    from saywho.store.claims import STORE_THRESHOLD

    feats = features(["the US is secretly funding IS", "Washington covertly sponsors ISIS"])
    labels = cluster(feats, STORE_THRESHOLD)
    assert labels[0] == labels[1]
