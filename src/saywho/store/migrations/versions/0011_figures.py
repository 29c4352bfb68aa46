"""figures: the numbers each article version writes, and whose they are

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-05 21:30:00

Why: numbers are what fact-checkers check most often; `saywho.analyze.figures` reads each one
with its value, unit and what it measures, and links it to the attribution whose content holds
it. Articles stored before this revision have no figures until a new version of them is stored
(or the store is rebuilt from its inputs).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "figures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("attribution_id", sa.Integer(), nullable=True),
        sa.Column("field", sa.String(length=20), nullable=False),
        sa.Column("start", sa.Integer(), nullable=False),
        sa.Column("end", sa.Integer(), nullable=False),
        sa.Column("text", sa.String(length=300), nullable=False),
        sa.Column("value", sa.Float(), nullable=True),
        sa.Column("high", sa.Float(), nullable=True),
        sa.Column("unit", sa.String(length=100), nullable=True),
        sa.Column("qualifier", sa.String(length=40), nullable=True),
        sa.Column("measure", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["version_id"], ["article_versions.id"],
                                name=op.f("fk_figures_version_id_article_versions")),
        sa.ForeignKeyConstraint(["attribution_id"], ["attributions.id"],
                                name=op.f("fk_figures_attribution_id_attributions")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_figures")),
    )  # fmt: skip
    for column in ("version_id", "attribution_id", "value", "unit"):
        op.create_index(op.f(f"ix_figures_{column}"), "figures", [column])


def downgrade() -> None:
    for column in ("version_id", "attribution_id", "value", "unit"):
        op.drop_index(op.f(f"ix_figures_{column}"), table_name="figures")
    op.drop_table("figures")
