"""Stage 4: persist analyses and answer questions across articles (SQLite or PostgreSQL).

    engine = open_store("saywho.db")            # or "postgresql://user@host/db"
    summary = ingest(engine, read_documents(paths, settings), settings, inputs=paths)
    hits = search(engine, Filters(query="sponsoring Islamic State"))

Modules, in the order data flows:

- `engine`: the engine factory from a ``--db`` value; Alembic migrations (`migrations/`);
- `schema`: the tables; `speakers`: the cross-article merge rule; `entities`: what claims are about;
- `ingest`: the single writer (one transaction per article, versions, runs, errors);
- `pipeline`: extract → skip stored → analyse (optionally in worker processes) → store;
- `query`: search, speakers, speaker, about, stats; `export`: streamed jsonl/csv/parquet;
- `demo`: the bundled demo corpus.
"""

from __future__ import annotations

from sqlalchemy import Engine

from .demo import demo_corpus
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
from .pipeline import DemoMeta, IngestSummary, ingest
from .query import Filters, about, analysers, search, speaker_profile, speakers_top, stats

__all__ = [
    "DemoMeta", "Filters", "IngestSummary", "Prepared", "Writer", "about", "analysers", "article_key",
    "canonical_url", "current_revision", "database_url", "demo_corpus", "ensure_schema",
    "export", "head_revision", "ingest", "make_engine", "open_store", "search",
    "speaker_profile", "speakers_top", "stats", "upgrade",
]  # fmt: skip


def open_store(db: str, create: bool = True, pool_size: int | None = None) -> Engine:
    """An engine on a store at the current schema (a new store is created when `create`;
    `pool_size`: see `make_engine`)."""
    engine = make_engine(db, pool_size)
    ensure_schema(engine, create)
    return engine
