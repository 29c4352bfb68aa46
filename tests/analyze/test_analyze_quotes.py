"""Quotation pairing: every common style, long quotes over paragraphs, stray marks kept local."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from saywho.analyze.quotes import find_quotes


def paragraphs(text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in re.finditer(r"[^\n]+", text)]


def quoted(text: str) -> list[str]:
    return [q.text(text) for q in find_quotes(text, paragraphs(text))]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("He said “yes” today.", ["“yes”"], id="curly double quotes"),
        pytest.param(
            'He said "yes" and "no".', ['"yes"', '"no"'], id="straight double quotes pair in order"
        ),
        pytest.param("He said ‘yes’ today.", ["‘yes’"], id="curly single quotes"),
        pytest.param(
            "'Yes,' he said, 'it is.'", ["'Yes,'", "'it is.'"], id="straight single quotes"
        ),
        pytest.param("Il a dit «oui» hier.", ["«oui»"], id="guillemets"),
        pytest.param("Er sagte „ja“ gestern.", ["„ja“"], id="German low-high quotes"),
        pytest.param(
            "''It's over,'' he said.", ["''It's over,''"], id="doubled apostrophes as in the NYT"
        ),
        pytest.param(
            "“He said ‘no’ twice,” she said.",
            ["“He said ‘no’ twice,”"],
            id="nested quotes stay inside",
        ),
        pytest.param(
            "Russia’s envoy said the ’90s rock ’n’ roll era ended.",
            [],
            id="apostrophes are no quotes",
        ),
        pytest.param(
            "The 12” pizza and a “real” quote.", ["“real”"], id="stray closing mark is ignored"
        ),
    ],
)
def test_quotes_paired_in_every_style(text: str, expected: list[str]) -> None:
    assert quoted(text) == expected


def test_quotes_run_over_paragraphs_that_open_with_a_mark() -> None:
    text = "He said: “One.\n\n“Two.\n\n“Three.”\n\nAfter."
    (quote,) = find_quotes(text, paragraphs(text))
    assert quote.text(text) == "“One.\n\n“Two.\n\n“Three.”"
    assert quote.paragraphs == 3 and quote.closed


def test_quotes_unclosed_quote_ends_with_its_paragraph() -> None:
    text = "A stray “ mark here.\n\nNext paragraph “ok”."
    quotes = find_quotes(text, paragraphs(text))
    assert [q.text(text) for q in quotes] == ["“ mark here.", "“ok”"]
    assert not quotes[0].closed


def test_quotes_do_not_continue_with_another_style() -> None:
    text = '"Unclosed straight quote.\n\n“A curly one.”'
    assert quoted(text) == ['"Unclosed straight quote.', "“A curly one.”"]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab \n“”\"'‘’«»„")), max_size=200))
def test_quotes_never_cross_a_paragraph_without_a_continuation_mark(text: str) -> None:
    paras = paragraphs(text)
    for q in find_quotes(text, paras):
        assert 0 <= q.start <= q.inner_start <= q.inner_end <= q.end <= len(text)
        inside = [p for p in paras if p[0] < q.end and q.start < p[1]]
        for later in inside[1:]:
            opening = text[later[0] : later[1]].lstrip()[:1]
            assert opening in "“\"„«'", (text, q)
