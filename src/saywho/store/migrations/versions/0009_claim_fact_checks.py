"""claim_fact_checks: claim clusters matched to the fact-checks that address them

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-05 15:20:00

Why: "has this claim been fact-checked?" is asked of every claim the store follows; the matches
(above a documented similarity) are kept so that listing and filtering claims by them is a join.
Stores made before this revision get the table empty (it fills as fact-checks are imported, and
`saywho claims rebuild` computes it for everything).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "claim_fact_checks",
        sa.Column("cluster_id", sa.Integer(), nullable=False),
        sa.Column("fact_check_id", sa.Integer(), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(
            ["cluster_id"],
            ["claim_clusters.id"],
            name=op.f("fk_claim_fact_checks_cluster_id_claim_clusters"),
        ),
        sa.ForeignKeyConstraint(
            ["fact_check_id"],
            ["fact_checks.id"],
            name=op.f("fk_claim_fact_checks_fact_check_id_fact_checks"),
        ),
        sa.PrimaryKeyConstraint("cluster_id", "fact_check_id", name=op.f("pk_claim_fact_checks")),
    )
    op.create_index(
        op.f("ix_claim_fact_checks_fact_check_id"), "claim_fact_checks", ["fact_check_id"]
    )


def downgrade() -> None:
    op.drop_table("claim_fact_checks")
