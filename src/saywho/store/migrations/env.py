"""Alembic environment: run by `saywho db upgrade` (through `saywho.store.engine.upgrade`).

The connection is handed in by the caller (``config.attributes["connection"]``), so the same
migrations run on SQLite and PostgreSQL and no ``alembic.ini`` is needed.
"""

from __future__ import annotations

from alembic import context

from saywho.store.schema import metadata

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - only `alembic` run by hand without a connection
    raise RuntimeError("saywho migrations run through saywho.store.upgrade(), not alembic alone")

context.configure(
    connection=connection,
    target_metadata=metadata,
    render_as_batch=connection.dialect.name == "sqlite",  # SQLite cannot ALTER most things
)
with context.begin_transaction():
    context.run_migrations()
