"""The cue lexicon: a documented data file that parses, with the stances the issue names."""

from __future__ import annotations

import pytest

from saywho.analyze.cues import load_lexicon, parse_lexicon
from saywho.errors import ConfigError
from saywho.model import Stance


@pytest.mark.parametrize(
    ("lemma", "stance"),
    [
        ("say", Stance.NEUTRAL), ("tell", Stance.NEUTRAL), ("add", Stance.NEUTRAL), ("note", Stance.NEUTRAL),
        ("claim", Stance.DISTANCING), ("allege", Stance.DISTANCING), ("insist", Stance.DISTANCING),
        ("purport", Stance.DISTANCING), ("reveal", Stance.FACTIVE), ("confirm", Stance.FACTIVE),
        ("acknowledge", Stance.FACTIVE), ("admit", Stance.FACTIVE), ("accuse", Stance.ACCUSING),
        ("blame", Stance.ACCUSING), ("deny", Stance.DENYING), ("reject", Stance.DENYING),
        ("dismiss", Stance.DENYING), ("estimate", Stance.ESTIMATING), ("predict", Stance.ESTIMATING),
        ("expect", Stance.ESTIMATING), ("warn", Stance.OTHER),
    ],
)  # fmt: skip
def test_cues_lexicon_gives_each_verb_its_stance(lemma: str, stance: Stance) -> None:
    cue = load_lexicon().verb(lemma)
    assert cue is not None and cue.stance is stance


def test_cues_phrasal_and_prepositional_entries() -> None:
    lexicon = load_lexicon()
    point_out = lexicon.verb("point", "out")
    assert (
        point_out is not None
        and point_out.lemma == "point out"
        and point_out.stance is Stance.FACTIVE
    )
    assert lexicon.verb("point") is None  # "pointed at the map" is no cue
    assert "according to" in lexicon.preps
    assert {":", "–", "—"} <= set(lexicon.punct)


def test_cues_lexicon_is_loaded_once() -> None:
    assert load_lexicon() is load_lexicon()


@pytest.mark.parametrize(
    ("line", "message"),
    [
        pytest.param("say\tneutral", "expected lemma, stance, frames", id="missing column"),
        pytest.param(
            "say\tneutral\tclause", "expected lemma, stance, frames, notion", id="no notion"
        ),
        pytest.param("say\tcheerful\tclause\tclaims", "unknown stance", id="unknown stance"),
        pytest.param("say\tneutral\tshouting\tclaims", "unknown frame", id="unknown frame"),
        pytest.param("say\tneutral\tclause\twide", "unknown notion", id="unknown notion"),
    ],
)
def test_cues_bad_line_names_its_number(line: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message) as info:
        parse_lexicon("# comment\n\n" + line + "\n", source="my-cues.tsv")
    assert "line 3" in str(info.value) and "my-cues.tsv" in str(info.value)


def test_cues_comments_and_blank_lines_are_ignored() -> None:
    lexicon = parse_lexicon("# a comment\n\nmurmur\tneutral\tclause\tclaims\tquietly\n")
    cue = lexicon.verb("murmur")
    assert cue is not None and cue.notes == "quietly" and cue.notion == "claims"


@pytest.mark.parametrize(
    ("lemma", "notion"),
    [("say", "claims"), ("deny", "claims"), ("estimate", "claims"), ("find", "claims"),
     ("believe", "broad"), ("hope", "broad"), ("praise", "broad"), ("decline", "broad")],
)  # fmt: skip
def test_cues_beliefs_and_attitudes_belong_to_the_broad_notion_only(
    lemma: str, notion: str
) -> None:
    cue = load_lexicon().verb(lemma)
    assert cue is not None and cue.notion == notion
    assert cue.within("broad") and cue.within("claims") is (notion == "claims")
