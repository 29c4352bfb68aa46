"""The learned CRF (`saywho.analyze.learned`): it loads, tags a hand-made sentence, and the rules
run alone when the model file is missing or broken."""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from required import missing

from saywho.analyze import analyze, learned
from saywho.analyze.attribution import find_attributions
from saywho.analyze.cues import load_lexicon
from saywho.analyze.nlp import parse_article
from saywho.analyze.spans import Found, Rule
from saywho.model import Article, Kind, Span, Stance


@pytest.fixture
def _model() -> None:
    if importlib.util.find_spec("pycrfsuite") is None or not learned.model_path().is_file():
        missing("model", "no trained model (scripts/train_attribution.py) or no python-crfsuite")


needs_model = pytest.mark.usefixtures("_model")


def _article(text: str) -> Article:
    return Article(
        "id", "demo", None, None, None, None, None, (), "en", text, (Span(0, len(text)),), "plain"
    )


def _tags(text: str) -> dict[str, str]:
    """word -> CRF tag for a one-paragraph text."""
    tagger = learned.get_tagger()
    assert tagger is not None
    field = next(f for f in parse_article(_article(text)) if f.name == "text")
    chunk = field.chunks[0]
    found = find_attributions(field, load_lexicon())
    feats = learned.chunk_features(field, chunk, learned.rule_tags(chunk, found), load_lexicon())
    return {t.text: tag for t, tag in zip(chunk.doc, tagger.tag(feats), strict=True)}


@pytest.fixture
def no_model(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Path]:
    missing = tmp_path / "attribution-crf.crfsuite"
    monkeypatch.setattr(learned, "model_path", lambda: missing)
    learned.get_tagger.cache_clear()
    yield missing
    learned.get_tagger.cache_clear()


@needs_model
def test_learned_model_loads_once() -> None:
    learned.get_tagger.cache_clear()
    tagger = learned.get_tagger()
    assert tagger is not None
    assert learned.get_tagger() is tagger
    assert {"B-CUE", "B-SRC", "B-CON", "O"} <= set(tagger.labels())


@needs_model
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "The talks failed, the minister said on Monday.",
            {"said": "B-CUE", "minister": "I-SRC", "talks": "I-CON", "Monday": "O"},
            id="post-posed reporting verb tags source cue and content",
        ),
        pytest.param(
            "Officials told reporters that the bridge would reopen in May.",
            {"Officials": "B-SRC", "told": "B-CUE", "bridge": "I-CON"},
            id="verb with a that-clause tags the clause as content",
        ),
    ],
)
def test_learned_tags_hand_made_sentence(text: str, expected: dict[str, str]) -> None:
    tags = _tags(text)
    assert {w: tags[w] for w in expected} == expected


def test_learned_missing_model_falls_back_to_rules(no_model: Path) -> None:
    assert learned.get_tagger() is None
    text = "The talks failed, the minister said."
    analysis = analyze(_article(text))
    assert [a.cue.text(text) for a in analysis.attributions] == ["said"]


def test_learned_broken_model_file_is_ignored(tmp_path: Path) -> None:
    broken = tmp_path / "attribution-crf.crfsuite"
    broken.write_bytes(b"not a crfsuite model")
    assert learned.load_tagger(broken) is None
    assert learned.load_tagger(tmp_path / "absent.crfsuite") is None


def test_learned_rules_alone_without_tagger() -> None:
    text = "The talks failed, the minister said."
    field = next(f for f in parse_article(_article(text)) if f.name == "text")
    found = find_attributions(field, load_lexicon())
    assert [text[slice(*f.cue)] for f in found] == ["said"]
    assert found and not any(f.rule.startswith("learned") for f in found)  # the rules' own


@pytest.mark.parametrize(
    ("tags", "spans"),
    [
        pytest.param(
            ["B-SRC", "I-SRC", "B-CUE", "O"],
            [("SRC", 0, 1), ("CUE", 2, 2)],
            id="bio tags become token spans",
        ),
        pytest.param(
            ["I-CON", "I-CON", "O", "I-CON"],
            [("CON", 0, 1), ("CON", 3, 3)],
            id="a stray inside tag opens a span",
        ),
    ],
)
def test_learned_spans_of(tags: list[str], spans: list[tuple[str, int, int]]) -> None:
    assert learned.spans_of(tags) == spans


def _found(text: str, cue: str, content: str, source: str | None) -> Found:
    def span(part: str) -> tuple[int, int]:
        start = text.index(part)
        return start, start + len(part)

    return Found(
        field="text",
        rule=Rule.VERB_CLAUSE,
        kind=Kind.INDIRECT,
        source=span(source) if source else None,
        cue=span(cue),
        cue_lemma=cue,
        stance=Stance.NEUTRAL,
        content=span(content),
        sentence=0,
        paragraph=0,
        confidence=0.9,
    )


@pytest.mark.parametrize(
    ("text", "tags", "rule_content", "expected"),
    [
        pytest.param(
            "He said the plan , which failed , was dead .",
            ["B-SRC", "B-CUE", "B-CON"] + ["I-CON"] * 7 + ["O"],
            "the plan",
            "the plan , which failed , was dead",
            id="content tokens the CRF tags after the rule's end widen the content",
        ),
        pytest.param(
            "He said the plan was dead .",
            ["B-SRC", "B-CUE", "O", "O", "O", "O", "O"],
            "the plan was dead",
            "the plan was dead",
            id="edges the CRF tags O are kept (edges only widen)",
        ),
        pytest.param(
            "He said the plan was dead .",
            ["B-CON", "I-CON", "B-CON", "I-CON", "I-CON", "I-CON", "O"],
            "the plan was dead",
            "the plan was dead",
            id="widening never runs over the attribution's own source and cue",
        ),
    ],
)
def test_learned_adjust_content_widens_over_crf_content(
    text: str, tags: list[str], rule_content: str, expected: str
) -> None:
    field = next(f for f in parse_article(_article(text)) if f.name == "text")
    chunk = field.chunks[0]
    assert [t.text for t in chunk.doc] == text.split(" ")
    f = _found(text, "said", rule_content, "He")
    start, end = learned._adjust_content(chunk, f, tags, load_lexicon())
    assert text[start:end] == expected


@pytest.mark.parametrize(
    ("text", "content", "expected"),
    [
        pytest.param(
            "Officials told him that the budget was funded .",
            "that the budget was funded",
            "that the budget was funded",
            id="the hearer before a that-clause is no content",
        ),
        pytest.param(
            "Officials urged him to fund the budget .",
            "to fund the budget",
            "him to fund the budget",
            id="the one urged before an infinitive is (PolNeAR keeps it)",
        ),
    ],
)
def test_learned_adjust_content_never_takes_the_hearer_of_a_clause(
    text: str, content: str, expected: str
) -> None:
    field = next(f for f in parse_article(_article(text)) if f.name == "text")
    chunk = field.chunks[0]
    tags = ["B-SRC", "B-CUE"] + ["I-CON"] * (len(chunk.doc) - 3) + ["O"]
    tags[2] = "B-CON"
    cue = text.split(" ")[1]
    f = replace(
        _found(text, cue, content, "Officials"), cue_lemma={"told": "tell", "urged": "urge"}[cue]
    )
    start, end = learned._adjust_content(chunk, f, tags, load_lexicon())
    assert text[start:end] == expected


def test_learned_new_attribution_takes_the_source_the_parse_links_to_the_cue() -> None:
    # the nearer source-tagged span ("Jones", inside a relative clause) is not the cue's subject
    text = "Smith , who met Jones , denied the report ."
    field = next(f for f in parse_article(_article(text)) if f.name == "text")
    chunk = field.chunks[0]
    assert [t.text for t in chunk.doc] == text.split(" ")
    tags = ["B-SRC", "O", "O", "O", "B-SRC", "O", "B-CUE", "B-CON", "I-CON", "O"]
    spans = learned.spans_of(tags)
    char = [learned._chars(chunk, a, b) for _, a, b in spans]
    cue = next(k for k, s in enumerate(spans) if s[0] == "CUE")
    new = learned._new(field, chunk, spans, char, cue, load_lexicon(), 0, 0.9)
    assert new is not None and new.source is not None
    assert (text[slice(*new.source)], text[slice(*new.content)]) == ("Smith", "the report")


def test_learned_new_attribution_never_takes_a_whitespace_span() -> None:
    # the robustness test found a run of spaces tagged as the learned source
    text = "He said  the plan failed ."
    field = next(f for f in parse_article(_article(text)) if f.name == "text")
    chunk = field.chunks[0]
    assert [t.text for t in chunk.doc] == ["He", "said", " ", "the", "plan", "failed", "."]
    tags = ["O", "B-CUE", "B-SRC", "B-CON", "I-CON", "I-CON", "O"]
    spans = learned.spans_of(tags)
    char = [learned._chars(chunk, a, b) for _, a, b in spans]
    cue = next(k for k, s in enumerate(spans) if s[0] == "CUE")
    new = learned._new(field, chunk, spans, char, cue, load_lexicon(), 0, 0.9)
    assert new is not None
    assert (new.source, text[slice(*new.content)]) == (None, "the plan failed")
