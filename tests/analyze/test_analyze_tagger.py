"""The accurate mode's tagger (`saywho.analyze.tagger`): its loading and inference path, on a
test-only export written here (the base model's last layer as an overlay and a head made to
tag one way), so that nothing here needs the trained model or trains anything."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from saywho.analyze import analyser_name, analyze, embed, learned, tagger
from saywho.analyze.nlp import ParsedField, parse_article
from saywho.analyze.spans import Found, Rule
from saywho.config import Settings
from saywho.errors import ConfigError
from saywho.model import Article, Kind, Span, Stance

LABELS = ["O", "B-CUE", "I-CUE", "B-SRC", "I-SRC", "B-CON", "I-CON"]
TEXT = "The minister said on Tuesday that the talks had failed.  Nobody else spoke."


def _article(text: str) -> Article:
    return Article(
        "id", "demo", None, None, None, None, None, (), "en", text, (Span(0, len(text)),), "plain"
    )


def _export(path: Path, weight: np.ndarray, bias: np.ndarray, max_pieces: int = 256) -> Path:
    """A tagger folder: the base model's layer 5 (float16, as the script writes layers), the
    given head and a card."""
    from safetensors.numpy import load_file, save_file

    path.mkdir(parents=True, exist_ok=True)
    base = load_file(str(embed.model_dir() / "model.safetensors"))
    layer = {k: v.astype(np.float16) for k, v in base.items() if k.startswith("encoder.layer.5.")}
    save_file(layer, str(path / "layer_5.safetensors"))
    save_file(
        {
            "classifier.weight": weight.astype(np.float16),
            "classifier.bias": bias.astype(np.float16),
        },
        str(path / "head.safetensors"),
    )
    card = {"labels": LABELS, "max_pieces": max_pieces}
    (path / "card.json").write_text(json.dumps(card), encoding="utf-8")
    return path


@pytest.fixture(autouse=True)
def _own_cache(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Quantised test graphs go to a scratch folder, not the user's cache."""
    monkeypatch.setattr(embed, "cache_dir", lambda: tmp_path / "cache")


def _chunk(text: str):  # type: ignore[no-untyped-def]
    field = next(f for f in parse_article(_article(text)) if f.name == "text")
    return field.chunks[0]


def test_a_head_that_always_says_cue_tags_every_word_a_cue(tmp_path: Path) -> None:
    bias = np.zeros(len(LABELS), dtype=np.float32)
    bias[LABELS.index("B-CUE")] = 8.0
    t = tagger.TransformerTagger(_export(tmp_path / "t", np.zeros((7, 384)), bias))
    chunk = _chunk(TEXT)
    tags, probs = t.read(chunk)
    assert len(tags) == len(probs) == len(chunk.doc)
    for tok, tag, p in zip(chunk.doc, tags, probs, strict=True):
        if tok.is_space:
            assert (tag, p) == ("O", 1.0)  # no word piece: outside
        else:
            assert tag == "B-CUE" and p > 0.99
    assert t.fingerprint.startswith("minilm-") and len(t.fingerprint) == len("minilm-") + 12


def test_the_quantised_graph_agrees_with_the_float_one(tmp_path: Path) -> None:
    rng = np.random.default_rng(7)
    weight = rng.normal(0, 0.2, (7, 384)).astype(np.float32)
    t = tagger.TransformerTagger(_export(tmp_path / "t", weight, np.zeros(7, dtype=np.float32)))
    starts, probs = t.probabilities(TEXT)
    assert starts == sorted(starts) and probs.shape == (len(starts), 7)
    assert np.allclose(probs.sum(axis=1), 1.0, atol=1e-4)
    enc = t.tokenizer.encode(TEXT)  # with [CLS] and [SEP], as the graph reads a window
    ids = np.array([enc.ids], dtype=np.int64)
    float_session = embed._session(t.graph().SerializeToString())
    exact = float_session.run(["probs"], {"input_ids": ids, "attention_mask": np.ones_like(ids)})
    reference = exact[0][0, 1:-1]
    # a random head leaves near-ties, which int8 noise may flip (how often depends on the CPU's
    # int8 kernels: 2 of these 15 words on an AVX2-only machine, where 90 % agreement was asked
    # for and earlier machines passed); where the float graph is clear, the int8 one must agree
    top2 = np.sort(reference, axis=1)[:, -2:]
    clear = top2[:, 1] - top2[:, 0] > 0.25
    assert clear.sum() >= 5
    assert (reference.argmax(1) == probs.argmax(1))[clear].all()
    assert np.abs(reference - probs).mean() < 0.03  # int8 noise, not another computation


def test_long_paragraphs_are_read_in_windows(tmp_path: Path) -> None:
    rng = np.random.default_rng(3)
    weight = rng.normal(0, 0.2, (7, 384)).astype(np.float32)
    t = tagger.TransformerTagger(_export(tmp_path / "t", weight, np.zeros(7), max_pieces=8))
    starts, probs = t.probabilities(TEXT * 3)
    assert len(starts) > 6 * 3  # several windows of six pieces
    assert np.allclose(probs.sum(axis=1), 1.0, atol=1e-4)  # every piece read, none left zero


def test_a_missing_or_broken_tagger_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not installed"):
        tagger.TransformerTagger(tmp_path / "absent")
    folder = _export(tmp_path / "t", np.zeros((7, 384)), np.zeros(7))
    (folder / "card.json").write_text("{", encoding="utf-8")
    with pytest.raises(ConfigError, match="unreadable"):
        tagger.TransformerTagger(folder)
    folder = _export(tmp_path / "u", np.zeros((5, 384)), np.zeros(5))
    with pytest.raises(ConfigError, match="shape"):
        tagger.TransformerTagger(folder)


@pytest.fixture
def fixture_tagger(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> Iterator[tagger.TransformerTagger]:
    """A tagger that tags nothing (every word O): the rules' findings it reads are dropped,
    since it confirms no cue."""
    bias = np.zeros(len(LABELS), dtype=np.float32)
    bias[0] = 8.0
    t = tagger.TransformerTagger(_export(tmp_path / "t", np.zeros((7, 384)), bias))
    monkeypatch.setattr(tagger, "get_transformer", lambda: t)
    monkeypatch.setattr("saywho.analyze.get_transformer", lambda: t)
    return t


def test_the_accurate_mode_runs_the_tagger_and_names_it(
    fixture_tagger: tagger.TransformerTagger,
) -> None:
    text = "The talks failed, the minister said in a statement on Tuesday."
    settings = Settings(accurate=True)
    assert fixture_tagger.fingerprint in analyser_name(settings)
    assert fixture_tagger.fingerprint not in analyser_name(Settings())
    assert "minilm" not in analyser_name(Settings(accurate=True, rules_only=True))
    plain = analyze(_article(text), Settings())
    assert [a.cue.text(text) for a in plain.attributions] == ["said"]
    # a tagger that sees no cue drops the rules' finding, as the CRF does (`learned._confirmed`)
    accurate = analyze(_article(text), settings)
    assert accurate.attributions == ()
    assert accurate.analyser == analyser_name(settings)


def _found(text: str, source: str, cue: str, content: tuple[int, int]) -> Found:
    at = text.index(cue)
    s = text.index(source)
    return Found(field="text", rule=Rule.VERB_CLAUSE, kind=Kind.INDIRECT,
                 source=(s, s + len(source)), cue=(at, at + len(cue)), cue_lemma=cue,
                 stance=Stance.NEUTRAL, content=content, sentence=0, paragraph=0,
                 confidence=0.9)  # fmt: skip


def _reading(field: ParsedField, spans: list[tuple[str, str]]) -> learned._Reading:
    """A reading of the field's first chunk whose tagged spans are the given (role, words)."""
    chunk = field.chunks[0]
    text = chunk.doc.text
    char = [(text.index(words), text.index(words) + len(words)) for _, words in spans]
    tokens = [(chunk.doc.char_span(a, b, alignment_mode="expand")) for a, b in char]
    roles = [(role, t.start, t.end - 1) for (role, _), t in zip(spans, tokens, strict=True)]
    return learned._Reading(chunk, ["O"] * len(chunk.doc), [1.0] * len(chunk.doc), roles, char)


def test_the_tagger_places_an_indirect_content_and_leaves_a_quotation_to_the_rules() -> None:
    text = 'The minister said that the talks had failed on Tuesday. "We tried," he added.'
    field = next(f for f in parse_article(_article(text)) if f.name == "text")
    rule = _found(text, "The minister", "said", (text.index("that"), text.index(".")))
    reading = _reading(field, [("CON", "the talks had failed on Tuesday"), ("SRC", "minister")])
    placed = learned._tagger_content(field, rule, reading)
    assert text[slice(*placed.content)] == "the talks had failed on Tuesday"
    # a content span over the attribution's own source is not the content
    over = _reading(field, [("CON", "The minister said that the talks")])
    assert learned._tagger_content(field, rule, over) == rule
    quote = _found(text, "he", "added", (text.index('"We'), text.index(" he")))
    inside = _reading(field, [("CON", "We tried")])
    assert learned._tagger_content(field, quote, inside) == quote
