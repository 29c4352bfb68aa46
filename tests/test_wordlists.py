"""The shared word lists (`saywho.wordlists`): one honorifics file read by analyser and store."""

from __future__ import annotations

import pytest

from saywho.errors import ConfigError
from saywho.wordlists import honorifics, name_stripped_words, parse_honorifics, title_genders


def test_wordlists_honorifics_file_parses_with_titles_and_roles() -> None:
    words = honorifics()
    assert words["mrs"].kind == "title" and words["mrs"].gender == "f"
    assert words["minister"].kind == "role" and words["dr"].gender is None
    assert title_genders()["mr."] == "m" and title_genders()["mr"] == "m"
    assert "minister" not in title_genders()  # a role word is no title


def test_wordlists_analyser_and_store_read_the_same_list() -> None:
    from saywho.analyze.speakers import _HONORIFICS
    from saywho.store.speakers import HONORIFICS

    assert title_genders() == _HONORIFICS
    assert name_stripped_words() == HONORIFICS
    assert {w for w in _HONORIFICS if not w.endswith(".")} <= HONORIFICS


@pytest.mark.parametrize(
    ("line", "message"),
    [
        pytest.param("mr\ttitle", "expected word, kind", id="missing column"),
        pytest.param("mr\tcourtesy\tm", "expected word, kind", id="unknown kind"),
        pytest.param("mr\ttitle\tx", "expected word, kind", id="unknown gender"),
        pytest.param("mr.\ttitle\tm", "full stop", id="final full stop"),
    ],
)
def test_wordlists_bad_line_names_its_number(line: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message) as info:
        parse_honorifics("# a comment\n\n" + line + "\n", source="my-list.tsv")
    assert "line 3" in str(info.value) and "my-list.tsv" in str(info.value)


def test_wordlists_a_word_listed_twice_is_an_error() -> None:
    with pytest.raises(ConfigError, match="twice"):
        parse_honorifics("mr\ttitle\tm\nmr\trole\t-\n")


def test_wordlists_first_names_come_from_the_shipped_file(monkeypatch: pytest.MonkeyPatch) -> None:
    """Gender from first names reads data/first_names.tsv, never another package's files."""
    import sys

    from saywho.analyze import speakers

    monkeypatch.setitem(sys.modules, "names", None)  # importing it would now fail
    speakers._census.cache_clear()
    try:
        assert speakers._first_name_gender("Gloria Thomas") == "f"
        assert speakers._first_name_gender("James Baker") == "m"
        assert speakers._first_name_gender("Thomas") is None  # as likely a surname
    finally:
        speakers._census.cache_clear()
