"""The fact-check re-ranker's context and features (`saywho.factchecks.ranking`)."""

from __future__ import annotations

import json
from datetime import date

import numpy as np
import pytest

from saywho.factchecks.ranking import (
    FEATURES,
    Stated,
    check_context,
    features,
    load_ranker,
    name_words,
    with_context,
)

TWEET = "No Collusion, No Obstruction! — Donald J. Trump (@realDonaldTrump) March 24, 2019"


def test_ranking_context_comes_from_a_post_signature_unless_given() -> None:
    read = with_context(TWEET)
    assert read.day == date(2019, 3, 24) and name_words(read.speaker) == {"donald", "trump"}
    given = with_context(TWEET, "Kellyanne Conway", date(2020, 1, 2))
    assert (given.speaker, given.day) == ("Kellyanne Conway", date(2020, 1, 2))
    assert with_context("no signature here") == Stated("no signature here")
    # a signature naming no real day gives a speaker and no day
    assert with_context("Big news — Jo (@jo) Febtober 31, 2019").day is None


def test_ranking_features_read_speaker_year_month_and_days() -> None:
    by_name = check_context("Did Clint Eastwood write the viral essay?", None, None, None)
    dated = check_context(
        "Unemployment is at a 17-year low.", "Some title", "Donald Trump", "2017-08-20"
    )
    in_text = check_context("A video shows a crowd chanting in June 2019.", None, None, None)
    other_year = check_context("In 2012, the Dow dropped 1,000 points.", None, None, None)
    statement = Stated("text", "Morgan Eastwood (MorganEastwood)", date(2019, 6, 10))
    x = features(
        statement, [0.5, 0.4, 0.3, 0.2], [0.1, 0.2, 0.3, 0.4], [by_name, dated, in_text, other_year]
    )
    assert x.shape == (4, len(FEATURES)) and x.dtype == np.float32
    col = {name: x[:, i] for i, name in enumerate(FEATURES)}
    assert col["dense"].tolist() == pytest.approx([0.5, 0.4, 0.3, 0.2])
    assert col["speaker"].tolist() == [0.5, 0.0, 0.0, 0.0]  # "eastwood" of {morgan, eastwood}
    assert col["year"].tolist() == [0.0, -1.0, 1.0, -1.0]
    assert col["month"].tolist() == [0.0, 0.0, 1.0, 0.0]
    trump = features(Stated("t", "Trump", date(2017, 8, 22)), [0.1], [0.1], [dated])[0]
    assert trump[FEATURES.index("speaker")] == 1.0 and trump[FEATURES.index("year")] == 1.0
    assert trump[FEATURES.index("days")] == pytest.approx(np.exp(-2 / 30), rel=1e-5)
    assert features(Stated("t"), [], [], []).shape == (0, len(FEATURES))


def test_ranking_later_marks_fact_checks_of_events_after_the_statement() -> None:
    said = Stated("t", None, date(2018, 8, 20))
    checks = [
        check_context("In December 2018, an adviser demanded answers.", None, None, None),
        check_context("In 2019 and 2020 the claim spread.", None, None, None),
        check_context("In August 2018 and in 2019 it was said.", None, None, None),
        check_context("A claim dated later.", None, None, "2018-09-01"),
        check_context("In 2016, he said so.", None, None, None),
        check_context("No date at all.", None, None, None),
    ]
    later = features(said, [0.5] * 6, [0.1] * 6, checks)[:, FEATURES.index("later")]
    assert later.tolist() == [1.0, 1.0, 0.0, 1.0, 0.0, 0.0]
    undated = features(Stated("t"), [0.5], [0.1], checks[:1])[:, FEATURES.index("later")]
    assert undated.tolist() == [0.0]


def test_same_claim_key_sets_aside_case_quotes_and_spacing() -> None:
    from saywho.factchecks.ranking import same_claim_key

    a = same_claim_key('Trump said "no obstruction."', "Snopes", None)
    assert a == same_claim_key("trump  said \u2018no obstruction\u2019", "snopes", "")
    assert a != same_claim_key('Trump said "no collusion."', "Snopes", None)
    assert a != same_claim_key('Trump said "no obstruction."', "Snopes", "Donald Trump")


def test_ranking_shipped_model_is_a_probability_that_grows_with_similarity() -> None:
    ranker = load_ranker()
    assert ranker.candidates >= 10 and ranker.card["script"] == "scripts/train_factcheck_ranker.py"
    low, high = np.zeros((1, len(FEATURES)), np.float32), np.zeros((1, len(FEATURES)), np.float32)
    low[0, 0], high[0, 0] = 0.2, 0.9
    p = ranker.score(np.vstack([low, high]))
    assert 0.0 < p[0] < p[1] < 1.0
    # the calibration reads the lead over the others: far ahead, a candidate is surer than
    # tied with another; a lone one leads the floor, the best other that three quarters of the
    # train queries met, so others scored below it count as it
    a, c, _ = ranker.calibration
    assert a > 0 and c > 0 and ranker.floor is not None and ranker.floor > ranker.bias
    mid = np.zeros((1, len(FEATURES)), np.float32)
    mid[0, 0] = 0.5
    assert ranker.rank(mid)[0] > ranker.floor > ranker.rank(low)[0]
    alone = ranker.score(high)[0]
    tied = ranker.score(np.vstack([high, high]))
    assert tied[0] == tied[1] < ranker.score(np.vstack([high, mid]))[0] < alone
    nothing = np.zeros((1, len(FEATURES)), np.float32)
    assert ranker.score(np.vstack([high, nothing]))[0] == pytest.approx(alone)
    assert ranker.score(np.vstack([high, low]))[0] == pytest.approx(alone)
    assert alone > 0.9 and ranker.score(low)[0] < alone
    # a lone fact-check only half similar (a store's one fact-check of the statement's
    # subject, not its claim) is not read as certain, as it was against a floor of nothing
    # (0.998), nor as likely, as against the weakest best other of the train queries (0.66)
    assert ranker.score(mid)[0] < 0.5


def test_ranking_lead_is_each_score_over_the_best_of_the_others() -> None:
    from saywho.factchecks.ranking import lead

    assert lead(np.array([1.0, 3.0, 2.0])).tolist() == [-2.0, 1.0, -1.0]
    assert lead(np.array([2.0, 2.0])).tolist() == [0.0, 0.0]
    assert lead(np.array([5.0])).tolist() == [0.0]
    assert lead(np.zeros(0)).tolist() == []
    # the others count at least as `floor`
    assert lead(np.array([5.0]), floor=2.0).tolist() == [3.0]
    assert lead(np.array([1.0, 3.0, 2.0]), floor=2.5).tolist() == [-2.0, 0.5, -1.0]
    assert lead(np.array([1.0, 0.5]), floor=2.0).tolist() == [-1.0, -1.5]


def test_ranking_refuses_a_model_of_other_features(monkeypatch: pytest.MonkeyPatch) -> None:
    from importlib import resources

    from saywho.factchecks import ranking

    real = json.loads(
        resources.files("saywho").joinpath(ranking.RANKER_FILE).read_text(encoding="utf-8")
    )
    real["features"] = ["dense", "lexical"]

    class Fake:
        def joinpath(self, _name: str) -> Fake:
            return self

        def read_text(self, encoding: str) -> str:
            return json.dumps(real)

    load_ranker.cache_clear()
    monkeypatch.setattr(ranking.resources, "files", lambda _package: Fake())
    with pytest.raises(ValueError, match="trained on features"):
        load_ranker()
    load_ranker.cache_clear()
