"""attribution method: whether the rules or the learned model (CRF) found each attribution

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29 12:45:00

Why: the CRF's additions are what the rules alone would not claim (on GUM Wikinews they are
the whole of the CRF's off-domain cost), and confidence tells them apart only roughly. With
``attributions.method`` ("rules" or "crf") a reader can see, export and audit which is which.
Attributions stored before this revision keep NULL (unknown).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("attributions", sa.Column("method", sa.String(length=10), nullable=True))


def downgrade() -> None:
    op.drop_column("attributions", "method")
