"""Stage 4: persist analyses and answer questions across articles (SQLite or PostgreSQL).

    engine = open_store("saywho.db")            # or "postgresql://user@host/db"
    writer = Writer(engine); writer.store(prepared)   # `saywho.pipeline.ingest` drives it
    hits = search(engine, Filters(query="sponsoring Islamic State"))

Modules, in the order data flows:

- `engine`: the engine factory from a ``--db`` value; Alembic migrations (`migrations/`);
- `schema`: the tables; `speakers`: the cross-article merge rule;
- `ingest`: the single writer (one transaction per article, versions, runs, errors);
- `query`: search, speakers, speaker, about, stats; `export`: streamed jsonl/csv/parquet.

Filling the store from documents (extract → analyse → store) is `saywho.pipeline`'s work.
"""

from __future__ import annotations

from sqlalchemy import Engine

from .engine import (
    current_revision,
    database_url,
    ensure_schema,
    head_revision,
    make_engine,
    upgrade,
)
from .export import export
from .ingest import Prepared, Writer, article_key, canonical_url
from .query import (
    Filters,
    about,
    analysers,
    ranked_window,
    search,
    speaker_profile,
    speakers_top,
    stats,
)

__all__ = [
    "Filters", "Prepared", "Writer", "about", "analysers", "article_key", "canonical_url",
    "current_revision", "database_url", "ensure_schema", "export", "head_revision",
    "make_engine", "open_store", "ranked_window", "search",
    "speaker_profile", "speakers_top", "stats", "upgrade",
]  # fmt: skip


def open_store(db: str, create: bool = True, pool_size: int | None = None) -> Engine:
    """An engine on a store at the current schema (a new store is created when `create`;
    `pool_size`: see `make_engine`)."""
    engine = make_engine(db, pool_size)
    ensure_schema(engine, create)
    return engine
