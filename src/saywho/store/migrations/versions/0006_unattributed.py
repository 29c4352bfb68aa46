"""unattributed appearances: sentences that state a clustered claim crediting nobody

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-05 07:00:00

Why: a claim repeated as fact, without its source, is the claim laundered; finding those
sentences needs each version's sentence spans (the parser's), an LSH index over the claims'
content words, and the appearances found. Stores made before this revision get NULL sentences
(their versions are not searched for unattributed appearances until re-ingested).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("article_versions", sa.Column("sentences", sa.Text(), nullable=True))
    op.create_table(
        "claim_bands",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("band_key", sa.BigInteger(), nullable=False),
        sa.Column("attribution_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["attribution_id"],
            ["attributions.id"],
            name=op.f("fk_claim_bands_attribution_id_attributions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_claim_bands")),
    )
    op.create_index(op.f("ix_claim_bands_band_key"), "claim_bands", ["band_key"])
    op.create_index(op.f("ix_claim_bands_attribution_id"), "claim_bands", ["attribution_id"])
    op.create_table(
        "claim_appearances",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cluster_id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("start", sa.Integer(), nullable=False),
        sa.Column("end", sa.Integer(), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(
            ["cluster_id"],
            ["claim_clusters.id"],
            name=op.f("fk_claim_appearances_cluster_id_claim_clusters"),
        ),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["article_versions.id"],
            name=op.f("fk_claim_appearances_version_id_article_versions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_claim_appearances")),
    )
    op.create_index(op.f("ix_claim_appearances_cluster_id"), "claim_appearances", ["cluster_id"])
    op.create_index(op.f("ix_claim_appearances_version_id"), "claim_appearances", ["version_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_claim_appearances_version_id"), table_name="claim_appearances")
    op.drop_index(op.f("ix_claim_appearances_cluster_id"), table_name="claim_appearances")
    op.drop_table("claim_appearances")
    op.drop_index(op.f("ix_claim_bands_attribution_id"), table_name="claim_bands")
    op.drop_index(op.f("ix_claim_bands_band_key"), table_name="claim_bands")
    op.drop_table("claim_bands")
    op.drop_column("article_versions", "sentences")
