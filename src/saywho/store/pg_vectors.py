"""Nearest stored claims inside PostgreSQL, where the server has pgvector.

A PostgreSQL store whose server offers the ``vector`` extension keeps each claim's vector a
second time, as ``claims.embedding halfvec(384)`` with an HNSW index (cosine), written in the
same statement as the claim; searches ask PostgreSQL for the nearest ids (``<=>``). Nothing
lives beside the store or in the process: every server process and every ``saywho serve``
worker reads the same index, and a new process does not read a million vectors to rebuild one.

Where the server has no pgvector (or the store's role may not create the extension), the column
is absent and the store uses the in-process HNSW index (`vector_index.ClaimIndex`, usearch);
the results are the same claims, rescored exactly from the stored float16 vectors either way.
Migration 0014 adds the column when it can; ``saywho claims rebuild`` adds it to a store whose
server gained pgvector later (a superuser's ``CREATE EXTENSION vector`` first, where the role
may not).

Small stores are searched exactly (``EXACT_BELOW`` claims, the estimate PostgreSQL keeps), as
the in-process index does, so they cluster the same however their claims arrived.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any

import numpy as np
from sqlalchemy import Connection, Engine, select, text
from sqlalchemy.exc import SQLAlchemyError

from ..analyze.embed import DIM
from .claim_rows import current_claims
from .schema import claims

#: below this many claims (PostgreSQL's estimate) a search compares with every claim
EXACT_BELOW = 20_000
#: HNSW build parameters (pgvector's defaults) and the search breadth for the neighbours asked
M, EF_CONSTRUCTION, EF_SEARCH_MIN = 16, 64, 64
INDEX = "claims_embedding_hnsw"

_known: dict[str, bool] = {}
_lock = threading.Lock()


def literal(vector: np.ndarray) -> str:
    """A vector as pgvector's text form, ``[x,y,…]`` (float16 precision is what is stored)."""
    return "[" + ",".join(f"{float(x):.5g}" for x in vector) + "]"


def has_vectors(conn: Connection) -> bool:
    """Whether this store keeps its claim vectors in pgvector (``claims.embedding`` exists);
    remembered per database (`forget` after a schema change)."""
    if conn.dialect.name != "postgresql":
        return False
    key = str(conn.engine.url)
    with _lock:
        known = _known.get(key)
    if known is None:
        known = bool(conn.scalar(text(
            "SELECT count(*) FROM information_schema.columns "
            "WHERE table_schema = current_schema() AND table_name = 'claims' "
            "AND column_name = 'embedding'")))  # fmt: skip
        with _lock:
            _known[key] = known
    return known


def forget(engine: Engine | None = None) -> None:
    """Drop what `has_vectors` remembers (after a migration or a rebuild added the column)."""
    with _lock:
        if engine is None:
            _known.clear()
        else:
            _known.pop(str(engine.url), None)


def enable(conn: Connection) -> bool:
    """Add pgvector's column and index to this PostgreSQL store when the server can: the
    extension created if it is missing, the column filled from the stored vectors; False (and
    the store unchanged) when the server has no pgvector or the role may not create it."""
    if conn.dialect.name != "postgresql":
        return False
    available = conn.scalar(
        text("SELECT count(*) FROM pg_available_extensions WHERE name = 'vector'")
    )
    if not available:
        return False
    try:
        with conn.begin_nested():
            conn.execute(text("CREATE EXTENSION IF NOT EXISTS vector"))
    except SQLAlchemyError:  # no privilege to create it: the store keeps the in-process index
        return False
    conn.execute(text(f"ALTER TABLE claims ADD COLUMN IF NOT EXISTS embedding halfvec({DIM})"))
    last = 0
    while True:  # a thousand claims at a time: a million vectors do not sit in memory at once
        rows = conn.execute(
            text("SELECT attribution_id, vector FROM claims WHERE embedding IS NULL "
                 "AND attribution_id > :last ORDER BY attribution_id LIMIT 1000"), {"last": last}
        ).all()  # fmt: skip
        if not rows:
            break
        conn.execute(
            text("UPDATE claims SET embedding = CAST(:e AS halfvec) WHERE attribution_id = :id"),
            [{"id": int(r[0]), "e": literal(np.frombuffer(bytes(r[1]), dtype=np.float16))}
             for r in rows],
        )  # fmt: skip
        last = int(rows[-1][0])
    conn.execute(text(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON claims USING hnsw (embedding halfvec_cosine_ops) "
        f"WITH (m = {M}, ef_construction = {EF_CONSTRUCTION})"))  # fmt: skip
    forget(conn.engine)
    return True


def insert_claims(conn: Connection, rows: Sequence[dict[str, Any]]) -> None:
    """Insert claim rows (attribution_id, cluster_id, vector: float16 bytes) with their
    ``embedding``, in one statement."""
    conn.execute(
        text("INSERT INTO claims (attribution_id, cluster_id, vector, embedding) "
             "VALUES (:attribution_id, :cluster_id, :vector, CAST(:embedding AS halfvec))"),
        [{**row, "embedding": literal(np.frombuffer(row["vector"], dtype=np.float16))}
         for row in rows],
    )  # fmt: skip


class PgVectorIndex:
    """`vector_index.ClaimIndex`'s interface over pgvector: nothing to load, catch up or save."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.index: Any = None  # (the in-process index's file; the writer saves none here)

    def sync(self, conn: Connection, save: bool = True) -> int:
        return 0

    def save(self) -> None:
        return None

    def keys_many(self, conn: Connection, queries: np.ndarray, count: int) -> list[list[int]]:
        """The attribution ids of the `count` claims nearest to each row of `queries`."""
        if not len(queries):
            return []
        estimate = conn.scalar(
            text("SELECT reltuples FROM pg_class WHERE oid = 'claims'::regclass")
        )
        exact = estimate is None or float(estimate) < EXACT_BELOW
        if exact:  # ordered by an expression the index cannot serve: every claim compared
            order = "(embedding <=> CAST(:q AS halfvec)) + 0, attribution_id"
        else:  # the bare distance, so that the HNSW index serves the order
            order = "embedding <=> CAST(:q AS halfvec)"
            conn.execute(text("SELECT set_config('hnsw.ef_search', :ef, true)"),
                         {"ef": str(max(EF_SEARCH_MIN, count))})  # fmt: skip
        statement = text(
            f"SELECT attribution_id FROM claims WHERE embedding IS NOT NULL ORDER BY {order} "
            "LIMIT :k"
        )
        return [
            [int(r[0]) for r in conn.execute(statement, {"q": literal(q), "k": count})]
            for q in queries
        ]

    def search(self, conn: Connection, query: np.ndarray, top: int) -> list[tuple[int, float]]:
        """The `top` current claims nearest to the unit vector `query`: (attribution id,
        cosine), rescored exactly from the stored vectors."""
        ids = self.keys_many(conn, query[None, :], top * 4 + 20)[0]
        return rescored(conn, ids, query, top)


def rescored(
    conn: Connection, ids: list[int], query: np.ndarray, top: int
) -> list[tuple[int, float]]:
    """The current claims among `ids`, scored exactly against `query` from their float16
    vectors, best first (ties by id), `top` of them."""
    if not ids:
        return []
    rows = conn.execute(
        current_claims(select(claims.c.attribution_id, claims.c.vector))
        .where(claims.c.attribution_id.in_(ids))
    ).all()  # fmt: skip
    scored = [
        (
            int(row[0]),
            float(np.frombuffer(bytes(row[1]), dtype=np.float16).astype(np.float32) @ query),
        )
        for row in rows
    ]
    scored.sort(key=lambda pair: (-pair[1], pair[0]))
    return scored[:top]
