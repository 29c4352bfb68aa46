"""What each claim is about: the named entities inside attribution contents."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from saywho.analyze import analyze
from saywho.cli import app
from saywho.config import Settings
from saywho.extract import extract
from saywho.model import Article, RawDocument, Span
from saywho.pipeline import SAMPLE

FAST = Settings(detect_language=False, checkworthiness=False)


def _sample() -> Article:
    return extract(RawDocument(str(SAMPLE), SAMPLE.read_bytes()), FAST)


def test_entities_lie_inside_the_content_and_index_its_field() -> None:
    analysis = analyze(_sample(), FAST)
    names = set()
    for a in analysis.attributions:
        text = analysis.article.field_text(a.field)
        for e in a.entities:
            assert text[e.start : e.end] == e.text
            assert any(p.start <= e.start < e.end <= p.end for p in a.pieces)
            names.add(e.text)
    assert {"US", "Islamic State"} <= names


def test_entities_can_be_switched_off() -> None:
    analysis = analyze(_sample(), Settings(detect_language=False, checkworthiness=False,
                                           entities=False))  # fmt: skip
    assert analysis.attributions
    assert all(a.entities == () for a in analysis.attributions)


def test_an_entity_across_the_parts_of_a_split_quotation_is_in_neither() -> None:
    text = (
        "\u201cThe United Nations and the European Union,\u201d Smith said, "
        "\u201cmust act now in Geneva.\u201d"
    )
    article = Article("id", "t.txt", None, None, None, None, None, (), "en", text,
                      (Span(0, len(text)),), "plain")  # fmt: skip
    [said] = analyze(article, FAST).attributions
    assert len(said.pieces) == 2
    for e in said.entities:
        assert any(p.start <= e.start < e.end <= p.end for p in said.pieces)
    assert {"Geneva"} <= {e.text for e in said.entities}


def test_analyze_json_shows_the_entities() -> None:
    result = CliRunner().invoke(app, ["analyze", "--format", "json", str(SAMPLE)],
                                env={"SAYWHO_DETECT_LANGUAGE": "0"})  # fmt: skip
    assert result.exit_code == 0, result.output
    [data] = json.loads(result.output)
    entities = [e for a in data["attributions"] for e in a["entities"]]
    assert entities and set(entities[0]) == {"text", "label", "start", "end"}
