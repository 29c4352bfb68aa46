"""pgvector: on PostgreSQL, the claim vectors also in an indexed halfvec column, where it can

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06 03:30:00

Why: a PostgreSQL store found its nearest claims through an HNSW index each process built in
memory from every stored vector (a million vectors read at the first search of every server
process). Where the server offers pgvector, ``claims.embedding halfvec(384)`` keeps each vector
with an HNSW index (cosine) inside the database (`saywho.store.pg_vectors`). Where it does not,
or the role may not create the extension, nothing changes: the in-process index stays, and
``saywho claims rebuild`` adds the column once the server has pgvector. SQLite: nothing.
"""

from __future__ import annotations

import numpy as np
import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

DIM = 384


def _literal(blob: bytes) -> str:
    return "[" + ",".join(f"{float(x):.5g}" for x in np.frombuffer(blob, dtype=np.float16)) + "]"


def upgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name != "postgresql":
        return
    if not conn.scalar(
        sa.text("SELECT count(*) FROM pg_available_extensions WHERE name = 'vector'")
    ):
        return
    try:
        with conn.begin_nested():
            conn.execute(sa.text("CREATE EXTENSION IF NOT EXISTS vector"))
    except sa.exc.SQLAlchemyError:  # the role may not create it: the in-process index stays
        return
    conn.execute(sa.text(f"ALTER TABLE claims ADD COLUMN IF NOT EXISTS embedding halfvec({DIM})"))
    last = 0
    while True:
        rows = conn.execute(
            sa.text("SELECT attribution_id, vector FROM claims WHERE attribution_id > :last "
                    "ORDER BY attribution_id LIMIT 1000"), {"last": last}
        ).all()  # fmt: skip
        if not rows:
            break
        conn.execute(
            sa.text("UPDATE claims SET embedding = CAST(:e AS halfvec) WHERE attribution_id = :id"),
            [{"id": int(r[0]), "e": _literal(bytes(r[1]))} for r in rows],
        )
        last = int(rows[-1][0])
    conn.execute(sa.text(
        "CREATE INDEX IF NOT EXISTS claims_embedding_hnsw ON claims "
        "USING hnsw (embedding halfvec_cosine_ops) WITH (m = 16, ef_construction = 64)"))  # fmt: skip


def downgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name != "postgresql":
        return
    conn.execute(sa.text("DROP INDEX IF EXISTS claims_embedding_hnsw"))
    conn.execute(sa.text("ALTER TABLE claims DROP COLUMN IF EXISTS embedding"))
