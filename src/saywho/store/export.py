"""Export every matching claim, streamed: JSON lines, CSV or Parquet.

Rows are read in batches with a server-side cursor where the database has one and written as
they come, so memory stays flat; the count returned is the number of rows written, and a
failure midway raises `StoreError` rather than leaving a silently short file behind.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator
from dataclasses import fields
from itertools import islice
from typing import IO, Any

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from ..errors import StoreError
from .claim_query import claim_links_on, fact_check_summary
from .engine import _reason
from .query import Claim, Filters, iter_claims

#: a claim's fields, with check_worthy (its checkworthiness against the threshold) after its
#: score; then the claim across articles it states (`claim_id`, as ``saywho claim ID`` and
#: ``/claims/{id}`` name it) and the fact-checks that address that claim (JSON lines: a list of
#: them; CSV and Parquet: one cell, "Pants on Fire! (PolitiFact, https://…)")
LINKED = ("claim_id", "fact_checks")
COLUMNS = [*(name for f in fields(Claim) if f.name not in {"snippet", "rank"}
             for name in ((f.name, "check_worthy") if f.name == "checkworthiness" else (f.name,))),
           *LINKED]  # fmt: skip
FORMATS = ("jsonl", "csv", "parquet")


def _rows(
    engine: Engine, claims: Iterable[Claim], batch: int, flat: bool
) -> Iterator[dict[str, Any]]:
    """Each claim's row, its claim id and fact-checks looked up a batch at a time (on a
    connection of their own: the claims stream on theirs)."""
    remaining = iter(claims)
    while part := list(islice(remaining, batch)):
        with engine.connect() as conn:
            links = claim_links_on(conn, [c.id for c in part])
        for claim in part:
            data = {**claim.to_dict(), **links[claim.id]}
            if flat:
                data["fact_checks"] = fact_check_summary(data["fact_checks"])
            yield {k: data[k] for k in COLUMNS}


def export(engine: Engine, f: Filters, format: str, out: IO[Any], batch: int = 1000) -> int:
    """Write every claim matching `f` to `out` (text for jsonl/csv, binary for parquet)."""
    if format not in FORMATS:
        raise StoreError(f"unknown export format {format!r}", remedy="use jsonl, csv or parquet")
    written = 0
    try:
        with engine.connect() as conn:
            rows = _rows(engine, iter_claims(conn, f, batch=batch), batch, flat=format != "jsonl")
            if format == "jsonl":
                for row in rows:
                    out.write(json.dumps(row, ensure_ascii=False) + "\n")
                    written += 1
            elif format == "csv":
                writer = csv.DictWriter(out, fieldnames=COLUMNS)
                writer.writeheader()
                for row in rows:
                    writer.writerow(row)
                    written += 1
            else:
                written = _parquet(rows, out, batch)
    except SQLAlchemyError as exc:
        raise StoreError(f"export failed after {written} rows ({_reason(exc)})",
                         remedy="the output is incomplete; rerun the export") from exc  # fmt: skip
    return written


def _parquet(items: Iterator[dict[str, Any]], out: IO[bytes], batch: int) -> int:
    import pyarrow as pa  # type: ignore[import-untyped]  # pyarrow ships no type information
    import pyarrow.parquet as pq  # type: ignore[import-untyped]  # idem

    schema = pa.schema([
        ("id", pa.int64()), ("speaker", pa.string()), ("source", pa.string()), ("cue", pa.string()),
        ("cue_lemma", pa.string()), ("stance", pa.string()), ("kind", pa.string()),
        ("content", pa.string()), ("confidence", pa.float64()), ("method", pa.string()),
        ("checkworthiness", pa.float64()), ("check_worthy", pa.bool_()), ("title", pa.string()),
        ("url", pa.string()), ("outlet", pa.string()), ("published", pa.string()),
        ("article_source", pa.string()), ("licence", pa.string()), ("claim_id", pa.int64()),
        ("fact_checks", pa.string()),
    ])  # fmt: skip
    written = 0
    with pq.ParquetWriter(out, schema) as writer:
        rows: list[dict[str, Any]] = []
        for row in items:
            rows.append(row)
            if len(rows) >= batch:
                writer.write_table(pa.Table.from_pylist(rows, schema=schema))
                written += len(rows)
                rows = []
        # an empty table still gets its schema written, so the file is a valid empty export
        writer.write_table(pa.Table.from_pylist(rows, schema=schema))
        written += len(rows)
    return written
