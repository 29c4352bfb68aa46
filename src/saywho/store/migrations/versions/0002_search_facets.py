"""search facets: the filter columns of current attributions, one narrow indexed table (SQLite)

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29 06:20:00

Why: a filtered search on SQLite (``--outlet``, ``--stance --kind --since``) had to join every
full-text match to its article version and article to learn whether it passes, so a common word
(50 000 matches in a 1M store) cost hundreds of milliseconds. ``attribution_facets`` holds, for
every attribution of a *current* article version only, the values the filters test (stance,
kind, outlet, publication date), keyed by the attribution id (= the FTS rowid), with covering
indexes: the ids passing a filter are then an index range scan, and the search asks FTS5 only
for matches among them (see ``store/query.py``).

Triggers keep the table equal to "current attributions joined to their version and article"
whatever writes the store (the ingest writer, a benchmark's bulk insert, a later version of an
article), so it can never disagree with the tables it is derived from. PostgreSQL plans the
filtered join well on its own (GIN index plus hash joins) and gets nothing here.
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_FACETS_OF_VERSION = (
    "SELECT a.id, a.stance, a.kind, ar.outlet_id, v.published_date FROM attributions a "
    "JOIN article_versions v ON v.id = a.version_id "
    "JOIN articles ar ON ar.current_version_id = v.id"
)

_TRIGGERS = {
    # an attribution of the current version (the writer makes a version current first)
    "attribution_facets_insert": (
        "AFTER INSERT ON attributions BEGIN "
        f"INSERT OR REPLACE INTO attribution_facets {_FACETS_OF_VERSION} WHERE a.id = new.id; END"
    ),
    "attribution_facets_delete": (
        "AFTER DELETE ON attributions BEGIN "
        "DELETE FROM attribution_facets WHERE attribution_id = old.id; END"
    ),
    "attribution_facets_update": (
        "AFTER UPDATE OF stance, kind, version_id ON attributions BEGIN "
        "DELETE FROM attribution_facets WHERE attribution_id = old.id; "
        f"INSERT OR REPLACE INTO attribution_facets {_FACETS_OF_VERSION} WHERE a.id = new.id; END"
    ),
    # a new version of an article becomes current (or the article changes outlet): the old
    # version's attributions leave the table, the new one's (if already written) join it
    "attribution_facets_article": (
        "AFTER UPDATE OF current_version_id, outlet_id ON articles BEGIN "
        "DELETE FROM attribution_facets WHERE attribution_id IN "
        "(SELECT id FROM attributions WHERE version_id = old.current_version_id); "
        f"INSERT OR REPLACE INTO attribution_facets {_FACETS_OF_VERSION} "
        "WHERE a.version_id = new.current_version_id; END"
    ),
    "attribution_facets_published": (
        "AFTER UPDATE OF published_date ON article_versions BEGIN "
        "UPDATE attribution_facets SET published_date = new.published_date WHERE attribution_id IN "
        "(SELECT id FROM attributions WHERE version_id = new.id); END"
    ),
}

_INDEXES = {
    # stance / stance+kind / stance+kind+dates, index-only
    "ix_attribution_facets_stance": "stance, kind, published_date",
    "ix_attribution_facets_kind": "kind, published_date",
    "ix_attribution_facets_outlet": "outlet_id, published_date",
    "ix_attribution_facets_published": "published_date",
}


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    # no foreign keys: the triggers below are what ties it to its tables
    op.execute(
        "CREATE TABLE attribution_facets ("
        "attribution_id INTEGER PRIMARY KEY, "
        "stance VARCHAR(20) NOT NULL, kind VARCHAR(20) NOT NULL, "
        "outlet_id INTEGER, published_date DATE)"
    )
    op.execute(f"INSERT INTO attribution_facets {_FACETS_OF_VERSION}")
    for name, columns in _INDEXES.items():
        op.execute(f"CREATE INDEX {name} ON attribution_facets ({columns})")
    for name, body in _TRIGGERS.items():
        op.execute(f"CREATE TRIGGER {name} {body}")


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for name in _TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.execute("DROP TABLE IF EXISTS attribution_facets")
