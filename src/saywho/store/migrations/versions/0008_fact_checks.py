"""fact_checks: imported fact-checks (schema.org ClaimReview), versioned, with their claim's vector

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-05 15:00:00

Why: "has this been fact-checked?" needs the fact-checks themselves (`saywho factchecks import`):
the claim reviewed, who made it and when, the rating as written and as a verdict, the
fact-checker, the review's date, URL, language and identifier, and the claim's embedding for
matching. A review imported again changed is kept as a new version of its key.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "fact_checks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=600), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("current", sa.Boolean(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("claim_reviewed", sa.Text(), nullable=False),
        sa.Column("claimant", sa.Text(), nullable=True),
        sa.Column("claim_date", sa.String(length=10), nullable=True),
        sa.Column("rating", sa.Text(), nullable=True),
        sa.Column("verdict", sa.String(length=16), nullable=False),
        sa.Column("fact_checker", sa.Text(), nullable=True),
        sa.Column("review_date", sa.String(length=10), nullable=True),
        sa.Column("url", sa.Text(), nullable=True),
        sa.Column("language", sa.String(length=35), nullable=True),
        sa.Column("identifier", sa.Text(), nullable=True),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("vector", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fact_checks")),
        sa.UniqueConstraint("key", "version", name="uq_fact_checks_key_version"),
    )
    op.create_index(op.f("ix_fact_checks_key"), "fact_checks", ["key"])
    op.create_index(op.f("ix_fact_checks_current"), "fact_checks", ["current"])
    op.create_index(op.f("ix_fact_checks_verdict"), "fact_checks", ["verdict"])


def downgrade() -> None:
    op.drop_table("fact_checks")
