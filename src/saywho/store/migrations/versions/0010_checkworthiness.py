"""attribution check-worthiness: how likely a fact-checker would check each content

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-05 19:00:00

Why: a fact-checker facing thousands of attributions a day filters them by check-worthiness
(`saywho.analyze.checkworthiness`); kept with each attribution (indexed: the filter and the
ordering read it). Attributions stored before this revision keep NULL (not scored); a new
version of their article is scored as it is stored.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("attributions", sa.Column("checkworthiness", sa.Float(), nullable=True))
    op.create_index(op.f("ix_attributions_checkworthiness"), "attributions", ["checkworthiness"])


def downgrade() -> None:
    op.drop_index(op.f("ix_attributions_checkworthiness"), table_name="attributions")
    op.drop_column("attributions", "checkworthiness")
