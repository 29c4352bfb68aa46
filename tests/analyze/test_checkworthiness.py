"""Check-worthiness (`saywho.analyze.checkworthiness`) and `saywho checkworthy`."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from saywho.analyze.checkworthiness import (
    SURFACE,
    WIDTH,
    checkworthiness,
    encoded,
    features,
    load_model,
    surface,
)
from saywho.analyze.embed import embed
from saywho.cli import app

WORTHY = [
    "Unemployment fell to 3.5 percent in 2019, the lowest in 50 years.",
    "We are consuming 50 percent of the world's cocaine.",
    "The invasion of Afghanistan cost Washington more than $2.1 trillion.",
]
UNWORTHY = [
    "I think we've seen a deterioration of values.",
    "Thank you very much.",
    "Let me finish, please.",
]


def test_checkworthiness_surface_features() -> None:
    assert surface("It cost $2.1 trillion") == [1.0, 1.0, 0.0, math.log1p(4)]
    assert surface("more than half of the country") == [0.0, 0.0, 1.0, math.log1p(6)]
    assert surface("no figures here")[:3] == [0.0, 0.0, 0.0]
    x = features(["one", "two words"])
    assert x.shape == (2, 384 * 3 + len(SURFACE)) == (2, WIDTH) and x.dtype == np.float32
    # the branch's means, all of unit length: its last layer's (the head's plain mean, scaled)
    # closes the embedding part; the claim vectors are other vectors
    layers = encoded(["one", "two words"])
    last = layers[:, -1] / np.linalg.norm(layers[:, -1], axis=1, keepdims=True)
    assert np.allclose(x[:, 2 * 384 : 3 * 384], last, atol=1e-6)
    assert np.allclose(x[:, :384], layers[:, 0], atol=1e-6)
    assert np.allclose(np.linalg.norm(x[:, : 3 * 384].reshape(2, 3, 384), axis=2), 1, atol=1e-5)
    assert np.sum(x[:, 2 * 384 : 3 * 384] * embed(["one", "two words"]), axis=1).max() < 0.99


def test_a_model_of_other_layers_is_refused() -> None:
    """A model file trained on other layers has the same width: its record of them decides."""
    from importlib import resources

    from saywho.analyze import checkworthiness as module

    data = json.loads(resources.files("saywho").joinpath(module.MODEL_FILE).read_text())
    assert data["layers"] == module.LAYERS
    assert module.model_from(data).weights.shape == (WIDTH,)
    data["layers"] = "claim_encoder:3,4,last"
    with pytest.raises(ValueError, match="does not fit these features"):
        module.model_from(data)


def test_checkworthiness_ranks_checkable_facts_over_opinions_and_courtesies() -> None:
    scored = checkworthiness(WORTHY + UNWORTHY)
    assert all(0.0 <= s.checkworthiness <= 1.0 for s in scored)
    assert min(s.checkworthiness for s in scored[:3]) > max(s.checkworthiness for s in scored[3:])
    assert [s.check_worthy for s in scored] == [True] * 3 + [False] * 3
    assert checkworthiness([]) == []
    model = load_model()
    assert (
        0.0 < model.threshold < 1.0 and model.card["script"] == "scripts/train_checkworthiness.py"
    )


def test_checkworthiness_mixes_the_encoder_branch_with_the_regression() -> None:
    """The score: Platt scaling of the branch's logit mixed with the logistic regression's,
    both from the one pass of the encoder."""
    from saywho.analyze.checkworthiness import encoded

    model = load_model()
    assert model.branch is not None and 0.0 < model.branch.weight <= 1.0
    texts = WORTHY + UNWORTHY
    layers = encoded(texts)
    b = model.branch
    z = b.platt[0] * (b.weight * b.logits(layers) + (1 - b.weight) * model.linear(texts, layers))
    assert np.allclose(model.score(texts), 1 / (1 + np.exp(-(z + b.platt[1]))), atol=1e-6)
    # the branch alone ranks the examples too
    tuned = b.logits(layers)
    assert tuned[:3].min() > tuned[3:].max()


def test_a_branch_below_a_fine_tuned_layer_is_refused(tmp_path: Path) -> None:
    """The branch runs over the claim encoder's layers below it, which must be the base
    model's: a branch from layer 5 would sit on the claim encoder's tuned layers 3 and 4."""
    import pytest
    from safetensors.numpy import load_file, save_file

    from saywho.analyze import embed as embed_module
    from saywho.errors import ConfigError

    base = load_file(str(embed_module.model_dir() / "model.safetensors"))
    save_file({k: v for k, v in base.items() if k.startswith("encoder.layer.5.")},
              str(tmp_path / "layer_5.safetensors"))  # fmt: skip
    encoder = embed_module.Encoder(
        embed_module.model_dir(), branch=[tmp_path / "layer_5.safetensors"]
    )
    with pytest.raises(ConfigError, match="below a fine-tuned layer"):
        _ = encoder.weights


def test_checkworthy_cli_scores_lines_and_jsonl_and_reports_bad_lines(tmp_path: Path) -> None:
    runner = CliRunner()
    lines = tmp_path / "s.txt"
    lines.write_text("\n".join([WORTHY[0], UNWORTHY[1]]) + "\n")
    result = runner.invoke(app, ["checkworthy", str(lines)])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["id"] for r in rows] == ["1", "2"] and set(rows[0]) == {
        "id",
        "text",
        "checkworthiness",
        "check_worthy",
    }
    assert rows[0]["check_worthy"] is True and rows[1]["check_worthy"] is False
    assert "2 sentences, 1 check-worthy" in result.stderr
    jsonl = tmp_path / "s.jsonl"
    jsonl.write_text(json.dumps({"id": "a", "text": WORTHY[1]}) + "\n{broken\n")
    mixed = runner.invoke(app, ["checkworthy", str(jsonl)])
    assert mixed.exit_code == 0 and json.loads(mixed.stdout.splitlines()[0])["id"] == "a"
    assert "1 lines skipped" in mixed.stderr
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    refused = runner.invoke(app, ["checkworthy", str(empty)])
    assert refused.exit_code == 1 and "no sentences to score" in refused.stderr
    assert runner.invoke(app, ["checkworthy", str(tmp_path / "missing.txt")]).exit_code == 1


def test_analyze_many_scores_beside_the_parse_in_order_and_as_alone() -> None:
    """Articles scored in the background thread come out in their order, with the scores the
    model gives their contents alone, and the GIL switch interval is put back after a full run
    and after a run left early."""
    import sys

    from saywho.analyze import SCORED_TOGETHER, analyze_many
    from saywho.analyze.embed import get_encoder
    from saywho.analyze.statement import claim_text
    from saywho.config import Settings
    from saywho.extract import extract
    from saywho.model import RawDocument

    demo = Path(__file__).resolve().parents[2] / "src/saywho/data/demo/wikinews"
    settings = Settings(detect_language=False)
    articles = [extract(RawDocument(str(p), p.read_bytes()), settings)
                for p in sorted(demo.glob("*.txt"))[: 3 * SCORED_TOGETHER + 3]]  # fmt: skip
    before = sys.getswitchinterval()
    analysed = list(analyze_many(articles, settings, batch_size=5))
    assert sys.getswitchinterval() == before
    assert [a.article.source for a in analysed] == [a.source for a in articles]
    contents = [
        x.content_text(a.article.field_text(x.field)) for a in analysed for x in a.attributions
    ]
    got = [x.checkworthiness for a in analysed for x in a.attributions]
    assert len(contents) > 3 * SCORED_TOGETHER and None not in got
    alone = [round(float(p), 4) for p in load_model().score(contents, threads=1)]
    assert got == alone
    # scored for ingest, the same pass keeps the contents' claim vectors: the same scores
    encoder = get_encoder()
    encoder.forget_recent()
    for_ingest = list(analyze_many(articles, settings, batch_size=5, claim_vectors=True))
    assert [x.checkworthiness for a in for_ingest for x in a.attributions] == got
    kept = [encoder._recent[claim_text(c)] for c in contents]
    assert not any(np.isnan(row).any() for row in kept)
    bare = list(analyze_many(articles, Settings(detect_language=False, checkworthiness=False)))
    assert [x.checkworthiness for a in bare for x in a.attributions] == [None] * len(got)
    assert [len(a.attributions) for a in bare] == [len(a.attributions) for a in analysed]
    early = analyze_many(articles, settings, batch_size=5)
    next(early)
    assert sys.getswitchinterval() < before
    early.close()
    assert sys.getswitchinterval() == before


def test_encoder_threads_give_the_same_vectors() -> None:
    from saywho.analyze.embed import get_encoder

    texts = [*WORTHY, *UNWORTHY] * 3
    encoder = get_encoder()
    encoder.forget_recent()
    both = encoder.encode_layers(texts)
    encoder.forget_recent()
    assert np.array_equal(encoder.encode_layers(texts, threads=1), both)
