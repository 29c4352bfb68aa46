"""Claim clusters: paraphrases meet, other claims about one subject stay apart.

The statements are the sample article's claim as other outlets worded it, and other claims from
that article about the same subjects; the encoder is the real one (a hard dependency, installed
by make). The benchmark (benchmarks/claims.py) measures the same code on 3,784 real statements.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from saywho.analyze.embed import DIM, embed
from saywho.claims import (
    THRESHOLD,
    ClusterIndex,
    cluster_batch,
    cluster_incremental,
    features,
    similarity,
)

# the sample article (RT, 20 January 2023) and its claim as other outlets worded it
SAME_CLAIM = [
    "The US is covertly sponsoring Islamic State terrorists in Afghanistan, Russia's envoy said.",
    "Russia's presidential envoy for Afghanistan claimed the United States covertly sponsors the Islamic State terrorist group in Afghanistan.",
    "Washington is covertly sponsoring Islamic State terrorists in Afghanistan, Moscow says.",
]
# other claims about the same subjects (the US, Afghanistan): each its own cluster
OTHER_CLAIMS = [
    "The US left Afghanistan in August 2021 after twenty years of war.",
    "Brown University estimated the cost of the war in Afghanistan at $2.1 trillion.",
    "More than 24 million people in Afghanistan need humanitarian aid, the UN said.",
]


def test_embed_rows_are_unit_vectors_of_the_model_width() -> None:
    vectors = embed(["Talks resume on Monday.", "", "x" * 5000])
    assert vectors.shape == (3, DIM)
    assert vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


def test_embed_a_text_is_the_same_alone_and_padded_in_a_batch() -> None:
    text = "Moscow says Washington covertly funds the Islamic State."
    alone = embed([text])[0]
    batched = embed([text, "A much longer sentence " * 20, "short"])[0]
    assert np.allclose(alone, batched, atol=1e-5)


def test_embed_threads_give_each_text_the_vector_it_has_alone(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """`encode` shares texts out over threads with a session each: the vectors are the ones
    each text gets alone, in the order given, whatever the number of threads."""
    from saywho.analyze import embed as embed_module

    texts = [f"Claim {n}: {t}" for n, t in enumerate([*SAME_CLAIM, *OTHER_CLAIMS] * 3)]
    monkeypatch.setattr(embed_module, "THREADS", 3)
    encoder = embed_module.Encoder(embed_module.get_encoder().path)
    assert len(encoder.sessions_for("claims")) == 3
    together = encoder._encode(texts)  # (not `encode`: it would answer the texts again from memory)
    alone = np.vstack([encoder._encode([t]) for t in texts])
    assert np.array_equal(together, alone)
    assert np.allclose(together, embed_module.get_encoder().encode(texts), atol=1e-6)


def test_embed_keeps_recent_vectors_the_same_and_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    from saywho.analyze import embed as embed_module

    monkeypatch.setattr(embed_module, "RECENT", 3)
    encoder = embed_module.Encoder(embed_module.get_encoder().path)
    texts = [f"Statement number {n} about the budget" for n in range(5)]
    first = encoder.encode(texts[:2])
    again = encoder.encode([texts[1], texts[0], texts[1]])  # all from memory, in the order asked
    assert np.array_equal(again, first[[1, 0, 1]])
    encoder.encode(texts[2:])
    assert list(encoder._recent) == texts[2:] and len(encoder._recent) == 3


def _encode_in_child(texts: list[str], queue: Any) -> None:
    from saywho.analyze.embed import get_encoder

    queue.put(get_encoder()._encode(texts))  # (not `encode`: the parent's kept vectors came along)


def test_embed_threads_work_in_a_process_forked_after_embedding() -> None:
    """A forked ingest worker inherits the encoder without its threads: it must make its own
    (it once waited forever for the parent's)."""
    import multiprocessing

    from saywho.analyze.embed import THREADS, get_encoder

    texts = [f"Claim {n}: {t}" for n, t in enumerate([*SAME_CLAIM, *OTHER_CLAIMS] * 2)]
    here = get_encoder()._encode(texts)  # the parent's pool and sessions exist before the fork
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    child = context.Process(target=_encode_in_child, args=(texts, queue))
    child.start()
    try:
        there = queue.get(timeout=60)
    finally:
        child.join(10)
        if child.is_alive():
            child.kill()
    assert THREADS >= 1 and np.array_equal(here, there)


def test_embed_onnxruntime_and_the_numpy_reference_agree() -> None:
    """The ONNX graph saywho writes and its plain-numpy twin compute the same vectors."""
    from saywho.analyze.embed import get_encoder

    texts = [*SAME_CLAIM, *OTHER_CLAIMS, "", "x" * 3000, "Ünïcödé — “quoted” 12,5 % 🙂"]
    encoder = get_encoder()
    fast, reference = encoder.encode_float(texts), encoder.encode_reference(texts)
    assert np.min(np.sum(fast * reference, axis=1)) > 0.9999


def test_embed_quantised_graph_stays_close_to_the_float_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`encode` runs int8 weights: its vectors stay close to the float graph's, and the
    quantised graph is cached, rebuilt the same when the cache is lost, and an unreadable
    cached file is replaced."""
    from saywho.analyze import embed as embed_module

    texts = [*SAME_CLAIM, *OTHER_CLAIMS, "", "x" * 3000, "Ünïcödé — “quoted” 12,5 % 🙂"]
    encoder = embed_module.get_encoder()
    agreement = np.sum(encoder.encode(texts) * encoder.encode_float(texts), axis=1)
    assert agreement.min() > 0.97 and agreement.mean() > 0.985
    monkeypatch.setattr(embed_module, "cache_dir", lambda: tmp_path)
    for part in embed_module.PARTS:  # claims alone, the check-worthiness branch alone, both
        first = embed_module.quantized_model(encoder, part)
        cached = tmp_path / embed_module._cache_name(encoder, part)
        assert cached.read_bytes() == first
        cached.unlink()
        assert embed_module.quantized_model(encoder, part) == first  # deterministic
        cached.write_bytes(b"not a model")
        fresh = embed_module.Encoder(encoder.path, branch=encoder.branch)
        if part == "claims":
            assert np.allclose(fresh.encode(texts[:2]), encoder.encode(texts[:2]), atol=1e-5)
        else:
            assert np.allclose(fresh.encode_layers(texts[:2], claims=part == "both"),
                               encoder.encode_layers(texts[:2]), atol=1e-5)  # fmt: skip
        assert cached.read_bytes() == first
    assert len({embed_module._cache_name(encoder, p) for p in embed_module.PARTS}) == 3
    # an encoder without the branch has the claims graph alone, whatever is asked
    plain = embed_module.Encoder(encoder.path)
    assert {embed_module._cache_name(plain, p) for p in embed_module.PARTS} == {
        embed_module._cache_name(encoder, "claims")
    }
    # an encoder of other layers (the base model's alone) has a graph of its own, not the
    # claim encoder's cached one
    base = embed_module.Encoder(encoder.path, overlays=[])
    assert embed_module._cache_name(base, "claims") != embed_module._cache_name(plain, "claims")
    assert np.sum(base.encode(texts[:1]) * base.encode_float(texts[:1])) > 0.97
    assert np.sum(base.encode_float(texts[:1]) * encoder.encode_float(texts[:1])) < 0.999


def test_embed_paraphrase_is_nearer_than_another_claim_about_the_same_subject() -> None:
    a, b, c = embed([SAME_CLAIM[0], SAME_CLAIM[2], OTHER_CLAIMS[0]])
    assert float(a @ b) > float(a @ c) + 0.1


def test_cluster_batch_groups_one_claim_and_keeps_other_claims_apart() -> None:
    labels = cluster_batch(features(SAME_CLAIM + OTHER_CLAIMS))
    assert labels[0] == labels[1] == labels[2]
    assert len(set(labels[3:])) == 3
    assert labels[0] not in labels[3:]


def test_cluster_incremental_gives_the_batch_clusters_in_any_order_here() -> None:
    texts = SAME_CLAIM + OTHER_CLAIMS
    feats = features(texts)
    expected = cluster_batch(feats)
    for order in ([5, 4, 3, 2, 1, 0], [3, 0, 4, 1, 5, 2]):
        sub = type(feats)(dense=feats.dense[order], lexical=feats.lexical[order])
        labels = cluster_incremental(sub)
        # the same partition, whatever the numbering
        back = {order[i]: labels[i] for i in range(len(order))}
        pairs = {(i, j) for i in range(6) for j in range(6) if back[i] == back[j]}
        assert pairs == {(i, j) for i in range(6) for j in range(6) if expected[i] == expected[j]}


def test_cluster_index_scores_are_the_mean_similarity_to_the_members() -> None:
    feats = features(SAME_CLAIM + OTHER_CLAIMS[:1])
    index = ClusterIndex(threshold=THRESHOLD)
    for i in range(3):
        assert (
            index.add(type(feats)(dense=feats.dense[i : i + 1], lexical=feats.lexical[i : i + 1]))
            == 0
        )
    last = type(feats)(dense=feats.dense[3:4], lexical=feats.lexical[3:4])
    top, score = index.scores(last)
    expected = similarity(
        last, type(feats)(dense=feats.dense[:3], lexical=feats.lexical[:3])
    ).mean()
    assert int(top[0]) == 0
    assert score[0] == pytest.approx(float(expected), abs=1e-5)


def test_cluster_of_nothing_and_of_one() -> None:
    assert cluster_batch(features([])) == []
    assert cluster_batch(features(["Only one."])) == [0]


def test_lexical_vectors_are_unit_rows_and_row_dots_is_their_product() -> None:
    from saywho.claims.cluster import lexical_vectors, row_dots

    texts = [
        "The US funds ISIS",
        "",
        "Washington covertly sponsors Islamic State",
        "!!",
        "the talks failed",
    ]
    rows = lexical_vectors(texts)
    norms = np.sqrt(np.asarray(rows.multiply(rows).sum(axis=1)).ravel())
    assert np.allclose(norms, [1, 0, 1, 1, 1], atol=1e-6)  # ("!!" has character n-grams)
    for query in ("US is funding Islamic State", "", "talks"):
        q = lexical_vectors([query])
        assert np.allclose(row_dots(rows, q), (rows @ q.T).toarray().ravel(), atol=1e-6)
    assert row_dots(lexical_vectors([]), lexical_vectors(["x y z"])).shape == (0,)


def test_embed_layers_come_from_the_branchs_graph_or_with_the_claim_vectors() -> None:
    """`encode_layers` (what check-worthiness reads): the check-worthiness branch's means over
    `POOLED_LAYERS` (unit length) and its last layer (plain), from the branch's graph alone, or
    with `claims` from the whole graph, which also keeps the claim vectors `encode` gives;
    every graph computes the same vectors, and each call finds what another kept."""
    from saywho.analyze import embed as embed_module
    from saywho.errors import ConfigError

    encoder = embed_module.get_encoder()
    pooled = len(embed_module.POOLED_LAYERS)
    assert encoder.branch and encoder.width == pooled + 1
    texts = [SAME_CLAIM[0], OTHER_CLAIMS[1]]
    encoder.forget_recent()
    layers = encoder.encode_layers(texts)
    assert layers.shape == (2, pooled + 1, embed_module.DIM)
    assert np.allclose(np.linalg.norm(layers[:, :pooled], axis=2), 1.0, atol=1e-5)
    # the branch's graph alone: nothing of the claim encoder kept
    assert all(np.isnan(encoder._recent[t][-1]).all() for t in texts)
    assert not any(np.isnan(encoder._recent[t][:-1]).any() for t in texts)
    # the branch: a plain mean, the numpy forward pass's within int8's rounding
    branch = layers[:, pooled]
    reference = encoder.branch_reference(texts)
    assert np.abs(np.linalg.norm(branch, axis=1) - 1.0).min() > 0.05
    cosine = (
        np.sum(branch * reference, axis=1)
        / np.linalg.norm(branch, axis=1)
        / np.linalg.norm(reference, axis=1)
    )
    assert cosine.min() > 0.99
    # `encode` then runs the claims graph and adds its vectors to the kept rows
    claims = encoder.encode(texts)
    assert not any(np.isnan(encoder._recent[t]).any() for t in texts)
    assert np.array_equal(encoder.encode_layers(texts), layers)  # from memory
    # the whole graph gives the same means and the same claim vectors, which `encode` then
    # answers from memory
    encoder.forget_recent()
    assert np.array_equal(encoder.encode_layers(texts, claims=True), layers)
    assert not any(np.isnan(encoder._recent[t]).any() for t in texts)
    assert np.array_equal(encoder.encode(texts), claims)
    encoder.forget_recent()
    assert np.array_equal(encoder._encode(texts), claims)
    # `claims` asks for the claim vectors as well: a row kept without them is computed again
    encoder.forget_recent()
    encoder.encode_layers(texts)
    assert np.array_equal(encoder.encode_layers(texts, claims=True), layers)
    assert not any(np.isnan(encoder._recent[t]).any() for t in texts)
    # a lower layer's mean is another vector, though of the same text
    assert float(layers[0, 0] @ layers[0, 1]) < 0.99
    assert float(layers[0, 0] @ layers[1, 0]) < float(layers[0, 0] @ layers[0, 0])
    # without the branch there is nothing to give
    with pytest.raises(ConfigError, match="no check-worthiness branch"):
        embed_module.Encoder(encoder.path).encode_layers(texts)
    with pytest.raises(ValueError, match="no such graph"):
        encoder.sessions_for("all")


_WORDS = st.one_of(
    st.text(alphabet="abcdeé中İx\x00", min_size=1, max_size=8),
    st.text(alphabet="abcé", min_size=90, max_size=130),  # about the longest word WordPiece reads
    st.sampled_from([" ", "  ", "\t", "\n", ".", ",", "\x1c", "-", "'", "\u00a0", " " * 40]),
)
#: a run of words repeated, then a tail: long texts with many pieces, or with few
_LONG_TEXTS = st.tuples(
    st.lists(_WORDS, min_size=1, max_size=30).map("".join),
    st.integers(1, 200),
    st.lists(_WORDS, max_size=30).map("".join),
).map(lambda t: t[0] * t[1] + t[2])


@settings(max_examples=300, deadline=None)
@given(_LONG_TEXTS)
def test_embed_a_long_text_cut_before_tokenising_gives_the_same_pieces(text: str) -> None:
    """`Encoder._head`: a long text is tokenised from its start only where that gives the word
    pieces the whole text gives after truncation (here with a cut of 300 characters, so that
    both ways are taken: in a run of 3,000 examples, 75 were cut and 2,442 read whole)."""
    from saywho.analyze import embed as embed_module

    encoder = embed_module.get_encoder()
    whole = encoder.tokenizer.encode_batch([text])[0].ids
    old = embed_module.HEAD_CHARS
    embed_module.HEAD_CHARS = 300
    try:
        ids, _mask = encoder._tokens([text])
    finally:
        embed_module.HEAD_CHARS = old
    assert ids[0].tolist() == whole


def test_embed_a_huge_line_is_tokenised_from_its_start_with_the_same_pieces() -> None:
    from saywho.analyze import embed as embed_module

    encoder = embed_module.get_encoder()
    line = "The budget rose by 5 percent in 2019, the minister said. " * 4000  # 228,000 characters
    assert encoder._head(line) == line[: embed_module.HEAD_CHARS]
    assert encoder._tokens([line])[0].tolist() == [encoder.tokenizer.encode(line).ids]
    # spaces up to the cut: fewer pieces than the model keeps, so the whole text is read
    spaced = " " * embed_module.HEAD_CHARS + line
    assert encoder._head(spaced) == spaced
    assert encoder._tokens([spaced])[0].tolist() == [encoder.tokenizer.encode(spaced).ids]
