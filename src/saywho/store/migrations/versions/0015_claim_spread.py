"""claim_spread: each claim cluster's spread, kept as it is written

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06 16:00:00

Why: the claims list grouped every appearance of every cluster per request (8 s on a store of a
million claims). ``claim_spread`` keeps one row per cluster with a current appearance (articles,
copies, outlets, speakers, appearances, first and last day, best check-worthiness), and
``claim_days`` the days each cluster appeared on (for a date range); the writer
recomputes the rows of the clusters a write touches (`saywho.store.claim_spread`). This
migration counts what the store already holds, indexes each sort order of the list, and indexes
articles by outlet (the list's outlet filter read every article to find one outlet's).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

#: the spread at this revision, as `saywho.store.claim_spread.recount` makes it (written out here
#: so that the migration stays what it was when the module changes)
_SPREAD = """
INSERT INTO claim_spread (cluster_id, articles, copies, outlets, speakers, appearances,
                          first_seen, last_seen, checkworthiness)
SELECT c.cluster_id,
       count(DISTINCT coalesce(ac.original_id, ar.id)),
       count(DISTINCT ar.id) - count(DISTINCT coalesce(ac.original_id, ar.id)),
       count(DISTINCT ar.outlet_id),
       count(DISTINCT a.speaker_id),
       count(*),
       coalesce(min(v.published_date), {first}),
       coalesce(max(v.published_date), {last}),
       coalesce(max(a.checkworthiness), -1.0)
FROM claims c
JOIN attributions a ON a.id = c.attribution_id
JOIN article_versions v ON v.id = a.version_id
JOIN articles ar ON ar.current_version_id = v.id
LEFT JOIN article_copies ac ON ac.article_id = ar.id
GROUP BY c.cluster_id
"""

_DAYS = """
INSERT INTO claim_days (day, cluster_id)
SELECT DISTINCT v.published_date, c.cluster_id
FROM claims c
JOIN attributions a ON a.id = c.attribution_id
JOIN article_versions v ON v.id = a.version_id
JOIN articles ar ON ar.current_version_id = v.id
WHERE v.published_date IS NOT NULL
"""


def upgrade() -> None:
    op.create_table(
        "claim_spread",
        sa.Column("cluster_id", sa.Integer(), nullable=False),
        sa.Column("articles", sa.Integer(), nullable=False),
        sa.Column("copies", sa.Integer(), nullable=False),
        sa.Column("outlets", sa.Integer(), nullable=False),
        sa.Column("speakers", sa.Integer(), nullable=False),
        sa.Column("appearances", sa.Integer(), nullable=False),
        sa.Column("first_seen", sa.Date(), nullable=False),
        sa.Column("last_seen", sa.Date(), nullable=False),
        sa.Column("checkworthiness", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(
            ["cluster_id"],
            ["claim_clusters.id"],
            name=op.f("fk_claim_spread_cluster_id_claim_clusters"),
        ),
        sa.PrimaryKeyConstraint("cluster_id", name=op.f("pk_claim_spread")),
    )
    op.create_table(
        "claim_days",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("cluster_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["cluster_id"],
            ["claim_clusters.id"],
            name=op.f("fk_claim_days_cluster_id_claim_clusters"),
        ),
        sa.PrimaryKeyConstraint("day", "cluster_id", name=op.f("pk_claim_days")),
        sqlite_with_rowid=False,
    )
    op.create_index("ix_claim_days_cluster_id", "claim_days", ["cluster_id"])
    t = sa.text
    op.create_index("ix_claim_spread_spread", "claim_spread", [
        t("outlets DESC"), t("articles DESC"), t("speakers DESC"), "first_seen", "cluster_id"])  # fmt: skip
    op.create_index("ix_claim_spread_first", "claim_spread",
                    ["first_seen", t("articles DESC"), "cluster_id"])  # fmt: skip
    op.create_index("ix_claim_spread_recent", "claim_spread",
                    [t("last_seen DESC"), t("articles DESC"), "cluster_id"])  # fmt: skip
    op.create_index("ix_claim_spread_checkworthiness", "claim_spread",
                    [t("checkworthiness DESC"), t("articles DESC"), "cluster_id"])  # fmt: skip
    op.create_index("ix_articles_outlet_id", "articles", ["outlet_id"])  # an outlet's claims
    pg = op.get_bind().dialect.name == "postgresql"
    op.execute(_DAYS)
    op.execute(_SPREAD.format(first="DATE '9999-12-31'" if pg else "'9999-12-31'",
                              last="DATE '0001-01-01'" if pg else "'0001-01-01'"))  # fmt: skip


def downgrade() -> None:
    op.drop_index("ix_articles_outlet_id", table_name="articles")
    for name in ("spread", "first", "recent", "checkworthiness"):
        op.drop_index(f"ix_claim_spread_{name}", table_name="claim_spread")
    op.drop_table("claim_spread")
    op.drop_index("ix_claim_days_cluster_id", table_name="claim_days")
    op.drop_table("claim_days")
