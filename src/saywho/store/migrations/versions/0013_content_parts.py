"""content parts: a split quotation's pieces, without the "he said" between them

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06 01:50:00

Why: '“A,” he said. “B.”' is one attribution whose content has two parts (issue 13,
`Attribution.parts`); the article page highlights the parts, not the interruption. The column
holds the parts as a JSON list of ``[start, end]`` pairs, NULL when the content is one piece
(every attribution stored before this revision).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("attributions", sa.Column("content_parts", sa.Text(), nullable=True))


def downgrade() -> None:
    op.drop_column("attributions", "content_parts")
