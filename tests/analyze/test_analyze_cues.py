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
        pytest.param("say\tcheerful\tclause", "unknown stance", id="unknown stance"),
        pytest.param("say\tneutral\tshouting", "unknown frame", id="unknown frame"),
    ],
)
def test_cues_bad_line_names_its_number(line: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message) as info:
        parse_lexicon("# comment\n\n" + line + "\n", source="my-cues.tsv")
    assert "line 3" in str(info.value) and "my-cues.tsv" in str(info.value)


def test_cues_comments_and_blank_lines_are_ignored() -> None:
    lexicon = parse_lexicon("# a comment\n\nmurmur\tneutral\tclause\tquietly\n")
    cue = lexicon.verb("murmur")
    assert cue is not None and cue.notes == "quietly"
