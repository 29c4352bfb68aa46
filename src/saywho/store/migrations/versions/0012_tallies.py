"""tallies: what pages show about the whole store, counted as it is written

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-05 23:00:00

Why: on a store of a million claims the front page, the speakers and entities lists and the
search page without words counted every current attribution per request (seconds on SQLite).
``tallies`` keeps those counts, one row per (facet, value); the writer updates them in the
transaction that stores an article (`saywho.store.tallies`). This migration counts what the
store already holds, and indexes the versions' publication times, which claim and article lists
are ordered by (newest first).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


_CURRENT = "JOIN articles ar ON ar.current_version_id = a.version_id"

#: the counts at this revision, as `saywho.store.tallies.recount` makes them (written out here so
#: that the migration stays what it was when the module changes)
_COUNTS = (
    "SELECT 'articles', '', count(*) FROM articles WHERE current_version_id IS NOT NULL",
    "SELECT 'licence', v.licence, count(*) FROM article_versions v "
    "JOIN articles ar ON ar.current_version_id = v.id WHERE v.licence IS NOT NULL GROUP BY v.licence",
    f"SELECT 'attributions', '', count(*) FROM attributions a {_CURRENT}",
    f"SELECT 'speaker', CAST(a.speaker_id AS VARCHAR), count(*) FROM attributions a {_CURRENT} "
    "WHERE a.speaker_id IS NOT NULL GROUP BY a.speaker_id",
    f"SELECT 'stance', a.stance, count(*) FROM attributions a {_CURRENT} GROUP BY a.stance",
    f"SELECT 'kind', a.kind, count(*) FROM attributions a {_CURRENT} GROUP BY a.kind",
    f"SELECT 'outlet', CAST(ar.outlet_id AS VARCHAR), count(*) FROM attributions a {_CURRENT} "
    "WHERE ar.outlet_id IS NOT NULL GROUP BY ar.outlet_id",
    "SELECT 'entity', m.normalised, count(DISTINCT m.attribution_id) FROM mentions m "
    f"JOIN attributions a ON a.id = m.attribution_id {_CURRENT} GROUP BY m.normalised",
    "SELECT 'attributions_all', '', count(*) FROM attributions",
    "SELECT 'mentions_all', '', count(*) FROM mentions",
)


def upgrade() -> None:
    op.create_table(
        "tallies",
        sa.Column("facet", sa.String(length=20), nullable=False),
        sa.Column("value", sa.String(length=500), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("facet", "value", name=op.f("pk_tallies")),
    )
    op.create_index("ix_tallies_facet_n", "tallies", ["facet", "n"])
    # lists of claims and articles newest first read this index instead of sorting them all
    op.create_index("ix_article_versions_published", "article_versions", ["published"])
    if op.get_bind().dialect.name == "postgresql":  # SQLite reads attribution_facets instead
        op.create_index("ix_attributions_stance_kind", "attributions", ["stance", "kind", "id"])
    for counts in _COUNTS:
        op.execute(f"INSERT INTO tallies (facet, value, n) {counts}")
    op.execute("DELETE FROM tallies WHERE n <= 0")


def downgrade() -> None:
    op.drop_index("ix_article_versions_published", table_name="article_versions")
    if op.get_bind().dialect.name == "postgresql":
        op.drop_index("ix_attributions_stance_kind", table_name="attributions")
    op.drop_index("ix_tallies_facet_n", table_name="tallies")
    op.drop_table("tallies")
