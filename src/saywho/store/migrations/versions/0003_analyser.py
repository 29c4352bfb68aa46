"""analyser: what made each stored analysis (saywho version and model, or the rules alone)

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29 11:50:00

Why: ``ingest --rules-only`` (or ``SAYWHO_RULES_ONLY=1``) and a retrained model change what the
same article yields, and an article already stored is skipped, not re-analysed. Without a
record of what made each version a store could mix analyses silently. ``article_versions`` and
``ingest_runs`` get an ``analyser`` column (``saywho 0.1.0 rules+crf-<model fingerprint>`` or
``saywho 0.1.0 rules``); versions stored before this revision keep NULL (unknown).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("article_versions", sa.Column("analyser", sa.String(length=120), nullable=True))
    op.add_column("ingest_runs", sa.Column("analyser", sa.String(length=120), nullable=True))


def downgrade() -> None:
    op.drop_column("ingest_runs", "analyser")
    op.drop_column("article_versions", "analyser")
