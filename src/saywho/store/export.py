"""Export every matching claim, streamed: JSON lines, CSV or Parquet.

Rows are read in batches with a server-side cursor where the database has one and written as
they come, so memory stays flat; the count returned is the number of rows written, and a
failure midway raises `StoreError` rather than leaving a silently short file behind.
"""

from __future__ import annotations

import csv
import json
from dataclasses import fields
from typing import IO, Any

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from ..errors import StoreError
from .engine import _reason
from .query import Claim, Filters, iter_claims

#: a claim's fields, with check_worthy (its checkworthiness against the threshold) after its score
COLUMNS = [name for f in fields(Claim) if f.name not in {"snippet", "rank"}
           for name in ((f.name, "check_worthy") if f.name == "checkworthiness" else (f.name,))]  # fmt: skip
FORMATS = ("jsonl", "csv", "parquet")


def _row(claim: Claim) -> dict[str, Any]:
    data = claim.to_dict()
    return {k: data[k] for k in COLUMNS}


def export(engine: Engine, f: Filters, format: str, out: IO[Any], batch: int = 1000) -> int:
    """Write every claim matching `f` to `out` (text for jsonl/csv, binary for parquet)."""
    if format not in FORMATS:
        raise StoreError(f"unknown export format {format!r}", remedy="use jsonl, csv or parquet")
    written = 0
    try:
        with engine.connect() as conn:
            claims = iter_claims(conn, f, batch=batch)
            if format == "jsonl":
                for claim in claims:
                    out.write(json.dumps(_row(claim), ensure_ascii=False) + "\n")
                    written += 1
            elif format == "csv":
                writer = csv.DictWriter(out, fieldnames=COLUMNS)
                writer.writeheader()
                for claim in claims:
                    writer.writerow(_row(claim))
                    written += 1
            else:
                written = _parquet(claims, out, batch)
    except SQLAlchemyError as exc:
        raise StoreError(f"export failed after {written} rows ({_reason(exc)})",
                         remedy="the output is incomplete; rerun the export") from exc  # fmt: skip
    return written


def _parquet(claims: Any, out: IO[bytes], batch: int) -> int:
    import pyarrow as pa  # type: ignore[import-untyped]  # pyarrow ships no type information
    import pyarrow.parquet as pq  # type: ignore[import-untyped]  # idem

    schema = pa.schema([
        ("id", pa.int64()), ("speaker", pa.string()), ("source", pa.string()), ("cue", pa.string()),
        ("cue_lemma", pa.string()), ("stance", pa.string()), ("kind", pa.string()),
        ("content", pa.string()), ("confidence", pa.float64()), ("method", pa.string()),
        ("checkworthiness", pa.float64()), ("check_worthy", pa.bool_()), ("title", pa.string()),
        ("url", pa.string()), ("outlet", pa.string()), ("published", pa.string()),
        ("article_source", pa.string()), ("licence", pa.string()),
    ])  # fmt: skip
    written = 0
    with pq.ParquetWriter(out, schema) as writer:
        rows: list[dict[str, Any]] = []
        for claim in claims:
            rows.append(_row(claim))
            if len(rows) >= batch:
                writer.write_table(pa.Table.from_pylist(rows, schema=schema))
                written += len(rows)
                rows = []
        # an empty table still gets its schema written, so the file is a valid empty export
        writer.write_table(pa.Table.from_pylist(rows, schema=schema))
        written += len(rows)
    return written
