"""Each claim cluster's spread, kept as it is written (migration 0015).

Listing claims by spread grouped every appearance of every cluster per request: 8 s on a store
of a million claims (`benchmarks/claims_scale.py`'s). ``claim_spread`` holds one row per cluster
with a current appearance: its articles (stories: a syndicated copy counts once), copies,
outlets, speakers, appearances, first and last publication day and best check-worthiness, over
the claims in the current versions of articles. Distinct counts cannot be kept by adding and
subtracting, so the writer recomputes the row of every cluster a write touches, from that
cluster's members (an indexed read of its claims), in the transaction of the write:

- a stored article version: the clusters its claims joined, and those its previous version's
  claims left (`clusters_of_version`, read before they are taken out);
- a speaker merge: the clusters of the absorbed speaker's claims;
- ``saywho claims rebuild``, the migration and bulk loaders: every cluster (`recount`).

``claim_days`` is kept with it: the days each cluster appeared on, so that the list's date range
(clusters with an appearance between two days) is one index range instead of a join of every
claim in the range.

What an appearance contributes depends only on its own article (its outlet, publication day
and copy link, all written with its version) and its attribution (speaker, check-worthiness),
so these are all the writes that change a row. Tests compare the table with a fresh count after
ingest, re-ingest, a new version, a merge, a rebuild and a killed ingest, on both databases.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from datetime import date
from typing import Any

from sqlalchemy import Connection, Select, bindparam, delete, distinct, func, literal, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.sql.elements import BindParameter, ColumnElement
from sqlalchemy.types import Date, Float

from .claim_rows import current_claims
from .schema import (
    article_copies,
    article_versions,
    articles,
    attributions,
    claim_days,
    claim_spread,
    claims,
)

#: what the sort columns hold when no appearance is dated / none is scored, so that undated and
#: unscored clusters sort last in every order and every order is an index order
UNDATED_FIRST = date(9999, 12, 31)
UNDATED_LAST = date(1, 1, 1)
UNSCORED = -1.0

COLUMNS = ("articles", "copies", "outlets", "speakers", "appearances", "first_seen", "last_seen",
           "checkworthiness")  # fmt: skip


def appearances() -> Select[Any]:
    """Every current claim with its cluster, article, story (the article, or the original it is
    a syndicated copy of), outlet, speaker, publication day and check-worthiness."""
    return current_claims(
        select(
            claims.c.cluster_id,
            attributions.c.id.label("attribution_id"),
            articles.c.id.label("article_id"),
            func.coalesce(article_copies.c.original_id, articles.c.id).label("story_id"),
            articles.c.outlet_id,
            attributions.c.speaker_id,
            article_versions.c.published_date,
            attributions.c.checkworthiness,
        ).select_from(claims)
    ).outerjoin(article_copies, article_copies.c.article_id == articles.c.id)


#: the clusters a statement reads, bound when it runs (statements built once, see `_statements`)
_IDS: BindParameter[list[int]] = bindparam("ids", expanding=True)


def _spread(some: bool) -> Select[Any]:
    """The spread of the clusters bound as ``ids`` (`some`; else of all), one row each, as
    `claim_spread` keeps it."""
    inner = appearances()
    if some:
        inner = inner.where(claims.c.cluster_id.in_(_IDS))
    a = inner.subquery()
    stories = func.count(distinct(a.c.story_id))
    return select(
        a.c.cluster_id,
        stories.label("articles"),
        (func.count(distinct(a.c.article_id)) - stories).label("copies"),
        func.count(distinct(a.c.outlet_id)).label("outlets"),
        func.count(distinct(a.c.speaker_id)).label("speakers"),
        func.count().label("appearances"),
        func.coalesce(func.min(a.c.published_date), literal(UNDATED_FIRST, Date)).label("first_seen"),
        func.coalesce(func.max(a.c.published_date), literal(UNDATED_LAST, Date)).label("last_seen"),
        func.coalesce(func.max(a.c.checkworthiness), literal(UNSCORED, Float)).label("checkworthiness"),
    ).group_by(a.c.cluster_id)  # fmt: skip


def clusters_of_version(conn: Connection, version_id: int) -> list[int]:
    """The clusters of an article version's claims (read before they leave them)."""
    return _clusters_where(conn, attributions.c.version_id == version_id)


def clusters_of_speaker(conn: Connection, speaker_id: int) -> list[int]:
    """The clusters of a speaker's claims (current or not: a merge re-points them all)."""
    return _clusters_where(conn, attributions.c.speaker_id == speaker_id)


def _clusters_where(conn: Connection, condition: ColumnElement[bool]) -> list[int]:
    rows = conn.execute(
        select(claims.c.cluster_id).distinct()
        .join(attributions, attributions.c.id == claims.c.attribution_id).where(condition)
    ).all()  # fmt: skip
    return [int(r[0]) for r in rows]


def _days(some: bool) -> Select[Any]:
    """The (day, cluster) pairs of the dated appearances of the clusters bound as ``ids``
    (`some`; else of all)."""
    inner = appearances().where(article_versions.c.published_date.is_not(None))
    if some:
        inner = inner.where(claims.c.cluster_id.in_(_IDS))
    a = inner.subquery()
    return select(a.c.published_date.label("day"), a.c.cluster_id).distinct()


@functools.cache
def _statements(dialect: str) -> tuple[Any, ...]:
    """`refresh`'s statements, built once per dialect (building them cost more than running
    them on a small store): read the days, read the spread, and the writes."""
    make = pg_insert if dialect == "postgresql" else sqlite_insert
    upsert = make(claim_spread)
    return (
        delete(claim_days).where(claim_days.c.cluster_id.in_(_IDS)),
        _days(True),
        make(claim_days).on_conflict_do_nothing(),
        _spread(True),
        upsert.on_conflict_do_update(
            index_elements=[claim_spread.c.cluster_id],
            set_={c: upsert.excluded[c] for c in COLUMNS},
        ),
        delete(claim_spread).where(claim_spread.c.cluster_id.in_(_IDS)),
    )


def refresh(conn: Connection, cluster_ids: Iterable[int]) -> None:
    """Recompute the rows of these clusters from their current members (in id order, so
    concurrent writers on PostgreSQL lock rows in one order); a cluster left without a current
    appearance loses its row."""
    ids = sorted(set(cluster_ids))
    forget, read_days, add_days, read_spread, upsert, drop = _statements(conn.dialect.name)
    for at in range(0, len(ids), 500):
        chunk = ids[at : at + 500]
        conn.execute(forget, {"ids": chunk})
        days = [dict(r) for r in conn.execute(read_days, {"ids": chunk}).mappings()]
        if days:
            conn.execute(add_days, days)
        rows = [dict(r) for r in conn.execute(read_spread, {"ids": chunk}).mappings()]
        if rows:
            conn.execute(upsert, rows)
        gone = sorted(set(chunk) - {int(r["cluster_id"]) for r in rows})
        if gone:
            conn.execute(drop, {"ids": gone})


def recount(conn: Connection) -> int:
    """Rebuild every row from the tables (one statement); returns how many rows it wrote."""
    conn.execute(delete(claim_spread))
    conn.execute(delete(claim_days))
    conn.execute(claim_spread.insert().from_select(["cluster_id", *COLUMNS], _spread(False)))
    conn.execute(claim_days.insert().from_select(["day", "cluster_id"], _days(False)))
    return int(conn.scalar(select(func.count()).select_from(claim_spread)) or 0)


def _rows(conn: Connection, stmt: Select[Any], days: Select[Any]) -> dict[int, tuple[Any, ...]]:
    out: dict[int, tuple[Any, ...]] = {}
    for r in conn.execute(stmt).mappings():
        out[int(r["cluster_id"])] = tuple(
            round(float(r[c]), 4) if c == "checkworthiness" else
            str(r[c])[:10] if c in ("first_seen", "last_seen") else int(r[c])
            for c in COLUMNS
        )  # fmt: skip
    on: dict[int, list[str]] = {}
    for r in conn.execute(days).mappings():
        on.setdefault(int(r["cluster_id"]), []).append(str(r["day"])[:10])
    return {c: (*row, tuple(sorted(on.pop(c, [])))) for c, row in out.items()} | {
        c: ("days without a spread row", tuple(sorted(d))) for c, d in on.items()
    }


def fresh_rows(conn: Connection) -> dict[int, tuple[Any, ...]]:
    """Every cluster's spread and days counted from the tables now (what tests compare), by
    cluster: `COLUMNS`' values, then the days it appeared on."""
    return _rows(conn, _spread(False), _days(False))


def stored_rows(conn: Connection) -> dict[int, tuple[Any, ...]]:
    """Every cluster's spread and days as the tables hold them, by cluster."""
    return _rows(conn, select(claim_spread), select(claim_days.c.day, claim_days.c.cluster_id))


__all__ = ["COLUMNS", "UNDATED_FIRST", "UNDATED_LAST", "UNSCORED", "appearances",
           "clusters_of_speaker", "clusters_of_version", "fresh_rows", "recount", "refresh",
           "stored_rows"]  # fmt: skip
