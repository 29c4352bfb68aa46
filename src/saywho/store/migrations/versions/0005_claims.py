"""claims: each attribution's content as a claim, with its embedding, grouped into claim clusters;
syndicated copies of articles (MinHash signatures, LSH bands, copy links)

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-05 01:00:00

Why: following a claim across articles, outlets and time needs each claim's vector and the
cluster it belongs to (`saywho.claims`); counting a wire story once where it ran in several outlets
needs each article's MinHash signature and the copies found (`saywho.claims.copies`). Stores made
before this revision get the tables empty; `saywho claims rebuild` (which `saywho db upgrade`
runs for them) embeds and clusters the attributions already stored and finds the copies.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "claim_clusters",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("vector_sum", sa.LargeBinary(), nullable=False),
        sa.Column("first_claim_id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_claim_clusters")),
    )
    op.create_table(
        "claims",
        sa.Column("attribution_id", sa.Integer(), nullable=False),
        sa.Column("cluster_id", sa.Integer(), nullable=False),
        sa.Column("vector", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["attribution_id"],
            ["attributions.id"],
            name=op.f("fk_claims_attribution_id_attributions"),
        ),
        sa.ForeignKeyConstraint(
            ["cluster_id"], ["claim_clusters.id"], name=op.f("fk_claims_cluster_id_claim_clusters")
        ),
        sa.PrimaryKeyConstraint("attribution_id", name=op.f("pk_claims")),
    )
    op.create_index(op.f("ix_claims_cluster_id"), "claims", ["cluster_id"])
    op.create_table(
        "claim_state",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("generation", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_claim_state")),
    )
    op.execute("INSERT INTO claim_state (id, generation) VALUES (1, 0)")
    op.create_table(
        "article_signatures",
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("signature", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id"], ["articles.id"], name=op.f("fk_article_signatures_article_id_articles")
        ),
        sa.PrimaryKeyConstraint("article_id", name=op.f("pk_article_signatures")),
    )
    op.create_table(
        "article_bands",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("band_key", sa.BigInteger(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id"], ["articles.id"], name=op.f("fk_article_bands_article_id_articles")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_article_bands")),
    )
    op.create_index(op.f("ix_article_bands_band_key"), "article_bands", ["band_key"])
    op.create_index(op.f("ix_article_bands_article_id"), "article_bands", ["article_id"])
    op.create_table(
        "article_copies",
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("original_id", sa.Integer(), nullable=False),
        sa.Column("similarity", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id"], ["articles.id"], name=op.f("fk_article_copies_article_id_articles")
        ),
        sa.ForeignKeyConstraint(
            ["original_id"], ["articles.id"], name=op.f("fk_article_copies_original_id_articles")
        ),
        sa.PrimaryKeyConstraint("article_id", name=op.f("pk_article_copies")),
    )
    op.create_index(op.f("ix_article_copies_original_id"), "article_copies", ["original_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_article_copies_original_id"), table_name="article_copies")
    op.drop_table("article_copies")
    op.drop_index(op.f("ix_article_bands_article_id"), table_name="article_bands")
    op.drop_index(op.f("ix_article_bands_band_key"), table_name="article_bands")
    op.drop_table("article_bands")
    op.drop_table("article_signatures")
    op.drop_table("claim_state")
    op.drop_index(op.f("ix_claims_cluster_id"), table_name="claims")
    op.drop_table("claims")
    op.drop_table("claim_clusters")
