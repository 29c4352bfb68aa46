"""The claim-vector index beside the store: same answers as reading every vector, caught up
after new articles, blind to claims that left the store, rebuilt when unreadable or stale."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import Engine

from saywho.claims.cluster import dense_vectors
from saywho.store import Writer
from saywho.store.claim_query import nearest_claims
from saywho.store.claims import claim_vectors, rebuild, word_signatures
from saywho.store.ingest import Prepared
from saywho.store.vector_index import index_path, nearest

MakeFn = Callable[..., Prepared]

CLAIMS = [
    "the United States is covertly sponsoring Islamic State militants in Afghanistan",
    "the United States withdrew its last troops from Afghanistan in August 2021",
    "the city will open three new public libraries next spring",
    "the central bank will raise interest rates by half a point in March",
    "the vaccine was approved after a trial of forty thousand volunteers",
    "the minister resigned after the report on the ferry disaster was published",
]


def store(writer: Writer, make: MakeFn, n: int, content: str, url: str | None = None) -> None:
    text = f"Officials said that {content}."
    prepared = make(text, url=url or f"https://news.example/{n}", site="Example", published="2024-05-01",
                    claims=(("Officials", "said", content, "neutral", "indirect"),))  # fmt: skip
    vectors = claim_vectors(prepared.analysis)
    words, sentences = word_signatures(prepared.analysis, vectors[0])
    writer.store(
        dataclasses.replace(prepared, claim_vectors=vectors, claim_words=words, sentences=sentences)
    )


def query(text: str) -> np.ndarray:
    return dense_vectors([text])[0]


def same(engine: Engine, text: str, top: int = 3) -> list[tuple[int, float]]:
    got = nearest(engine, query(text), top)
    want = nearest_claims(engine, query(text), top)
    assert [i for i, _ in got] == [i for i, _ in want]
    assert np.allclose([s for _, s in got], [s for _, s in want], atol=1e-5)
    return got


def test_vector_index_answers_as_reading_every_vector(engine: Engine, make: MakeFn) -> None:
    writer = Writer(engine)
    for n, content in enumerate(CLAIMS[:4]):
        store(writer, make, n, content)
    assert len(same(engine, "Washington funds ISIS in Afghanistan")) == 3
    # caught up: a claim stored after the index was built is found
    store(writer, make, 9, CLAIMS[4])
    top = same(engine, "a vaccine trial with 40,000 volunteers", top=1)
    assert top and top[0][1] > 0.6
    path = index_path(engine)
    if engine.dialect.name == "sqlite":
        assert path is not None and path.is_file() and Path(f"{path}.json").is_file()
    else:
        assert path is None


def test_vector_index_skips_claims_that_left_the_store(engine: Engine, make: MakeFn) -> None:
    writer = Writer(engine)
    store(writer, make, 1, CLAIMS[0], url="https://news.example/story")
    store(writer, make, 2, CLAIMS[2])
    first = same(engine, CLAIMS[0], top=1)
    # a new version of the article replaces its claim: the old id is in the index, not in the store
    store(writer, make, 1, CLAIMS[5], url="https://news.example/story")
    after = same(engine, CLAIMS[0], top=3)
    assert first[0][0] not in [i for i, _ in after]
    assert len(after) == 2


def test_vector_index_rebuilt_when_unreadable_or_after_a_rebuild(
    engine: Engine, make: MakeFn
) -> None:
    writer = Writer(engine)
    for n, content in enumerate(CLAIMS):
        store(writer, make, n, content)
    same(engine, CLAIMS[3])
    path = index_path(engine)
    if path is not None:
        from saywho.store import vector_index

        path.write_bytes(b"not an index")
        vector_index._indexes.clear()  # a new process: it reads the damaged file
        same(engine, CLAIMS[3])
    rebuild(engine)
    same(engine, CLAIMS[1])
    same(engine, "libraries opening next year")


@pytest.mark.parametrize("top", [1, 10])
def test_vector_index_on_an_empty_store(engine: Engine, top: int) -> None:
    assert nearest(engine, query("anything at all"), top) == []


def test_writer_index_holds_committed_claims_only(engine: Engine, make: MakeFn) -> None:
    """The writer finds candidate clusters in the store's index; a transaction that fails leaves
    none of its claims there (they live in the transaction's private index, dropped with it)."""
    from sqlalchemy import func, select

    from saywho.store.claims import Candidates, _assign_rows
    from saywho.store.schema import attributions, claims
    from saywho.store.vector_index import claim_index

    writer = Writer(engine)
    store(writer, make, 1, CLAIMS[0])
    store(writer, make, 2, CLAIMS[2])
    # the second article's transaction caught the index up with the first's claim
    index = claim_index(engine)
    assert index.index is not None and len(index.index) == 1
    with engine.connect() as conn:
        aid = conn.scalar(select(func.max(attributions.c.id)))
        conn.rollback()
        trans = conn.begin()
        candidates = Candidates(index)
        candidates.begin(conn)
        assert len(index.index) == 2  # both committed claims
        conn.execute(claims.delete().where(claims.c.attribution_id == aid))
        vector = query(CLAIMS[2])
        # the claim just assigned in this transaction is found through its private index
        _assign_rows(conn, candidates, [(int(aid), CLAIMS[2], 0)], vector[None, :])
        assert (
            candidates.pending_clusters
            and candidates.assigned(vector)[0] == candidates.pending_clusters[0]
        )
        trans.rollback()
    assert len(index.index) == 2
    writer.finish_run(writer.begin_run(["x"]), {})
    if index_path(engine) is not None:
        assert Path(f"{index_path(engine)}.json").is_file()


def test_vector_index_then_embedding_in_a_fresh_process() -> None:
    """A process that opens a claim index before it first embeds (the single writer of
    `ingest --workers N`, whose workers embed, finding unattributed appearances) must not crash:
    onnxruntime loaded after usearch's extension kills the process with SIGSEGV."""
    import subprocess
    import sys

    code = ("from saywho.store.vector_index import new_index; new_index(); "
            "from saywho.claims.cluster import dense_vectors; "
            "print(dense_vectors(['the US is secretly funding IS']).shape)")  # fmt: skip
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "(1, 384)"
