"""What pages show about the whole store, counted as it is written (migration 0012).

A store of a million claims cannot be counted per request: grouping every current attribution
by speaker took seconds on SQLite. ``tallies`` holds one row per (facet, value) with its count,
and the writer keeps it in step in the transaction that changes what it counts, so a crash
mid-ingest (kill -9 included) leaves both or neither:

- ``articles``: articles with a current version; ``licence``/<text>: those versions by licence;
- ``attributions``: attributions of current versions, also by ``speaker``/<id>,
  ``outlet``/<id>, ``stance``/<value> and ``kind``/<value>; a GENERIC speaker ("police",
  "researchers": one per article, never merged) is counted under ``generic``/<id> instead, so
  speaker lists leave them out without reading every speaker's type;
- ``entity``/<normalised>: current attributions naming the entity (an attribution once, however
  often it names it);
- ``attributions_all``, ``mentions_all``: rows of every version, current or not.

`add_version` counts a version that became current, `drop_version` one that stopped being
current, `move_speaker` follows a speaker merge, and `recount` rebuilds every tally from the
tables (for the migration, and for bulk loaders that write rows without the writer). Reads take
the rows a page shows, biggest first, with ties ordered by value; rows that fall to 0 are
deleted. Tests compare every tally with a fresh count after ingest, re-ingest, a new version and a
killed ingest, on both databases.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, and_, delete, func, select, tuple_
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from .schema import article_versions, articles, attributions, mentions, speakers, tallies

Key = tuple[str, str]


def speaker_facet(speaker_type: str | None) -> str:
    """The facet a speaker's attributions are counted under: ``generic`` for a GENERIC one."""
    return "generic" if speaker_type == "GENERIC" else "speaker"


def _version_counts(conn: Connection, version_id: int) -> Counter[Key]:
    """What one article version adds to the tallies while it is current."""
    out: Counter[Key] = Counter()
    head = conn.execute(
        select(articles.c.outlet_id, article_versions.c.licence)
        .join(articles, articles.c.id == article_versions.c.article_id)
        .where(article_versions.c.id == version_id)
    ).first()
    if head is None:
        return out
    out["articles", ""] += 1
    if head.licence is not None:
        out["licence", str(head.licence)] += 1
    rows = _all(conn,
        select(attributions.c.speaker_id, speakers.c.type, attributions.c.stance,
               attributions.c.kind, func.count())
        .outerjoin(speakers, speakers.c.id == attributions.c.speaker_id)
        .where(attributions.c.version_id == version_id)
        .group_by(attributions.c.speaker_id, speakers.c.type, attributions.c.stance,
                  attributions.c.kind)
    )  # fmt: skip
    for speaker_id, speaker_type, stance, kind, n in rows:
        out["attributions", ""] += n
        if speaker_id is not None:
            out[speaker_facet(speaker_type), str(speaker_id)] += n
        out["stance", str(stance)] += n
        out["kind", str(kind)] += n
        if head.outlet_id is not None:
            out["outlet", str(head.outlet_id)] += n
    named = _all(conn,
        select(mentions.c.normalised, func.count(func.distinct(mentions.c.attribution_id)))
        .join(attributions, attributions.c.id == mentions.c.attribution_id)
        .where(attributions.c.version_id == version_id)
        .group_by(mentions.c.normalised)
    )  # fmt: skip
    for normalised, n in named:
        out["entity", str(normalised)] += n
    return out


def add_version(conn: Connection, version_id: int) -> None:
    """Count a version that has just become its article's current one (its rows written)."""
    apply(conn, _version_counts(conn, version_id))


def drop_version(conn: Connection, version_id: int) -> None:
    """Uncount a version that stops being current (before its article points elsewhere)."""
    apply(conn, {k: -n for k, n in _version_counts(conn, version_id).items()})


def add_rows(conn: Connection, attributions_written: int, mentions_written: int) -> None:
    """Count rows written for any version, current or not."""
    apply(conn, {("attributions_all", ""): attributions_written,
                 ("mentions_all", ""): mentions_written})  # fmt: skip


def move_speaker(conn: Connection, old: int, into: int) -> None:
    """Speaker `old` was merged into `into` (call before its attributions are re-pointed)."""
    types = dict(_all(conn, select(speakers.c.id, speakers.c.type)
                      .where(speakers.c.id.in_([old, into]))))  # fmt: skip
    facet = speaker_facet(types.get(old))
    n = conn.scalar(select(tallies.c.n).where(tallies.c.facet == facet,
                                              tallies.c.value == str(old)))  # fmt: skip
    if n:
        apply(conn, {(facet, str(old)): -int(n),
                     (speaker_facet(types.get(into)), str(into)): int(n)})  # fmt: skip


def apply(conn: Connection, deltas: Mapping[Key, int]) -> None:
    """Add `deltas` to the tallies (keys in sorted order, so concurrent writers on PostgreSQL
    lock rows in one order); rows that reach 0 are deleted."""
    changed = sorted((k, n) for k, n in deltas.items() if n)
    if not changed:
        return
    make = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
    for at in range(0, len(changed), 500):
        chunk = changed[at : at + 500]
        stmt = make(tallies).values([{"facet": f, "value": v, "n": n} for (f, v), n in chunk])
        conn.execute(stmt.on_conflict_do_update(
            index_elements=[tallies.c.facet, tallies.c.value],
            set_={"n": tallies.c.n + stmt.excluded.n},
        ))  # fmt: skip
        gone = [k for k, n in chunk if n < 0]
        if gone:
            conn.execute(delete(tallies).where(
                tuple_(tallies.c.facet, tallies.c.value).in_(gone), tallies.c.n <= 0))  # fmt: skip


def fresh_counts(conn: Connection) -> Counter[Key]:
    """Every tally counted from the tables now (what `recount` writes; what tests compare)."""
    out: Counter[Key] = Counter()
    current = articles.c.current_version_id == attributions.c.version_id
    out["articles", ""] = int(conn.scalar(
        select(func.count()).select_from(articles).where(articles.c.current_version_id.is_not(None))
    ) or 0)  # fmt: skip
    for licence, n in _all(conn,
        select(article_versions.c.licence, func.count())
        .join(articles, articles.c.current_version_id == article_versions.c.id)
        .where(article_versions.c.licence.is_not(None)).group_by(article_versions.c.licence)
    ):  # fmt: skip
        out["licence", str(licence)] = int(n)
    for name in ("stance", "kind"):
        col = attributions.c[name]
        for value, n in _all(
            conn,
            select(col, func.count()).join(articles, current).where(col.is_not(None)).group_by(col),
        ):
            out[name, str(value)] = int(n)
    for speaker_id, speaker_type, n in _all(conn,
        select(attributions.c.speaker_id, speakers.c.type, func.count())
        .join(articles, current).join(speakers, speakers.c.id == attributions.c.speaker_id)
        .group_by(attributions.c.speaker_id, speakers.c.type)
    ):  # fmt: skip
        out[speaker_facet(speaker_type), str(speaker_id)] = int(n)
    out["attributions", ""] = sum(n for (f, _), n in out.items() if f == "kind")
    for outlet_id, n in _all(conn,
        select(articles.c.outlet_id, func.count()).select_from(attributions).join(articles, current)
        .where(articles.c.outlet_id.is_not(None)).group_by(articles.c.outlet_id)
    ):  # fmt: skip
        out["outlet", str(outlet_id)] = int(n)
    for normalised, n in _all(conn,
        select(mentions.c.normalised, func.count(func.distinct(mentions.c.attribution_id)))
        .join(attributions, attributions.c.id == mentions.c.attribution_id)
        .join(articles, current).group_by(mentions.c.normalised)
    ):  # fmt: skip
        out["entity", str(normalised)] = int(n)
    out["attributions_all", ""] = int(
        conn.scalar(select(func.count()).select_from(attributions)) or 0
    )
    out["mentions_all", ""] = int(conn.scalar(select(func.count()).select_from(mentions)) or 0)
    return +out  # without zeros, as the table keeps them


def stored_counts(conn: Connection) -> Counter[Key]:
    """Every tally as the table holds it."""
    rows = _all(conn, select(tallies.c.facet, tallies.c.value, tallies.c.n))
    return Counter({(str(f), str(v)): int(n) for f, v, n in rows})


def recount(conn: Connection) -> int:
    """Rebuild every tally from the tables; returns how many rows it wrote."""
    counts = fresh_counts(conn)
    conn.execute(delete(tallies))
    rows = [{"facet": f, "value": v, "n": n} for (f, v), n in sorted(counts.items())]
    for at in range(0, len(rows), 5000):
        conn.execute(tallies.insert(), rows[at : at + 5000])
    return len(rows)


def _all(conn: Connection, stmt: Any) -> Sequence[Any]:
    rows: Sequence[Any] = conn.execute(stmt).all()
    return rows


# --- reads ---------------------------------------------------------------------------------


def total(conn: Connection, facet: str) -> int:
    """The tally of a facet counted as a whole (``articles``, ``attributions``, …)."""
    return int(conn.scalar(select(tallies.c.n).where(tallies.c.facet == facet,
                                                     tallies.c.value == "")) or 0)  # fmt: skip


def distinct(conn: Connection, facet: str) -> int:
    """How many values of a facet have a tally (speakers quoted, entities named, …)."""
    return int(conn.scalar(select(func.count()).select_from(tallies)
                           .where(tallies.c.facet == facet, tallies.c.n > 0)) or 0)  # fmt: skip


def ranked(conn: Connection, facet: str, limit: int, offset: int = 0) -> list[tuple[str, int]]:
    """The values of a facet with their tallies, biggest first, ties by value."""
    rows = _all(conn,
        select(tallies.c.value, tallies.c.n)
        .where(tallies.c.facet == facet, tallies.c.n > 0)
        .order_by(tallies.c.n.desc(), tallies.c.value).limit(limit).offset(offset)
    )  # fmt: skip
    return [(str(v), int(n)) for v, n in rows]


def contenders(conn: Connection, facet: str, top: int) -> Counter[str]:
    """Every value of a facet counted at least as often as its `top`-th: the values that can be
    among the top `top` once ties are ordered by something else (a name)."""
    floor = conn.scalar(select(tallies.c.n).where(tallies.c.facet == facet, tallies.c.n > 0)
                        .order_by(tallies.c.n.desc()).limit(1).offset(top - 1))  # fmt: skip
    stmt = select(tallies.c.value, tallies.c.n).where(tallies.c.facet == facet, tallies.c.n > 0)
    if floor is not None:
        stmt = stmt.where(tallies.c.n >= floor)
    return Counter({str(v): int(n) for v, n in _all(conn, stmt)})


def of(conn: Connection, facet: str, values: Iterable[str]) -> dict[str, int]:
    """The tallies of some values of a facet."""
    wanted = sorted(set(values))
    if not wanted:
        return {}
    rows = _all(conn, select(tallies.c.value, tallies.c.n).where(
        and_(tallies.c.facet == facet, tallies.c.value.in_(wanted))))  # fmt: skip
    return {str(v): int(n) for v, n in rows}


def as_ids(counts: Mapping[str, int]) -> Counter[Any]:
    """A facet's tallies keyed by integer id (speaker and outlet values are ids as text)."""
    return Counter({int(v): n for v, n in counts.items()})


__all__ = ["add_rows", "add_version", "apply", "as_ids", "contenders", "distinct", "drop_version",
           "fresh_counts", "move_speaker", "of", "ranked", "recount", "stored_counts", "total"]  # fmt: skip
