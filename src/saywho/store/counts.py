"""Counting the claims a search passes on SQLite, for `browse`'s totals and facets.

    if summarised(engine, f):
        counted = run_read(engine, "count", lambda conn: summary(conn, f))
        facets = run_read(engine, "name", lambda conn: summary_facets(conn, counted, 10))

The matches are read once from FTS5, and each is looked up by id in ``attribution_facets``
(migration 0002: stance, kind, outlet, date of every current attribution) and ``attributions``
(its speaker): no join of every match to its version, article, outlet and speaker per facet.
Without search words every passing claim counts, and SQLite groups ``attribution_facets`` by
each facet itself. Counts are exact; ties are ordered by value as the join's ORDER BY orders them.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine, Integer, column, func, literal_column, select, text
from sqlalchemy.sql.selectable import TextualSelect

from .query import FACETS_TABLE, Filters, facets_filtered, fts5_query
from .schema import attributions, outlets, speakers

#: the facets `browse.facets` counts, in the order pages show them
FACETS = ("speaker", "outlet", "stance", "kind")

Facets = dict[str, list[dict[str, Any]]]


def fts_matches(query: str) -> TextualSelect:
    """The ids (column ``rowid``) of the attributions whose content matches `query` on SQLite,
    in `search`'s safe query syntax."""
    ids = text("SELECT rowid FROM attribution_fts WHERE attribution_fts MATCH :match")
    return ids.bindparams(match=fts5_query(query)).columns(column("rowid", Integer))


def summarised(engine: Engine, f: Filters) -> bool:
    """Whether `f` is counted from `attribution_facets` (SQLite) rather than through the claims
    join, which costs a join per claim and per facet (PostgreSQL plans that join well itself)."""
    return engine.dialect.name == "sqlite"


def summary(conn: Connection, f: Filters) -> Summary:
    """The claims passing `f` counted by speaker id, outlet id, stance and kind: FTS5 lists the
    matches once, each probes the facets and its attribution by id (no per-facet join).

    The rows are counted here rather than by GROUP BY: a common word's matches have nearly as
    many (speaker, outlet, stance, kind) groups as rows, so SQLite's sort would buy nothing."""
    if not (f.query and f.query.strip()):
        return _grouped(conn, f)
    matches = fts_matches(f.query).subquery("m")
    fc = FACETS_TABLE.c
    stmt = facets_filtered(
        select(attributions.c.speaker_id, fc.outlet_id, fc.stance, fc.kind).select_from(matches)
        # "+rowid" keeps SQLite from driving the join from the facets' index (a stance or date
        # filter) and asking FTS5 once per passing id: the matches are the outer loop
        .join(FACETS_TABLE, fc.attribution_id == literal_column("+m.rowid"))
        .join(attributions, attributions.c.id == fc.attribution_id), f,
    )  # fmt: skip
    rows = conn.execute(stmt).all()
    if not rows:
        return Summary(0, {name: Counter() for name in FACETS})
    columns = zip(*rows, strict=True)
    return Summary(len(rows), dict(zip(FACETS, map(Counter, columns), strict=True)))


def _grouped(conn: Connection, f: Filters) -> Summary:
    """`summary` without search words: every passing claim counts, so SQLite groups them itself
    (one GROUP BY per facet over ``attribution_facets``'s indexes) instead of sending a row per
    claim here — a store of a million claims would otherwise be read whole."""
    fc = FACETS_TABLE.c
    by: dict[str, Counter[Any]] = {}
    for name, col in zip(FACETS, (attributions.c.speaker_id, fc.outlet_id, fc.stance, fc.kind),
                         strict=True):  # fmt: skip
        stmt = facets_filtered(
            select(col, func.count()).select_from(FACETS_TABLE)
            .join(attributions, attributions.c.id == fc.attribution_id), f,
        ).group_by(col)  # fmt: skip
        by[name] = Counter({row[0]: int(row[1]) for row in conn.execute(stmt).all()})
    return Summary(sum(by["kind"].values()), by)


@dataclass(frozen=True, slots=True)
class Summary:
    """How many claims pass, and their counts by speaker id, outlet id, stance and kind."""

    total: int
    by: dict[str, Counter[Any]]


def summary_facets(conn: Connection, summary: Summary, top: int) -> Facets:
    """`summary`'s counts as `facets` returns them: the names of the top speakers and outlets
    are read by id, and ties are ordered by name as the SQL of `browse.facets` through the claims join orders them."""
    by = summary.by
    speaker_names = _names(conn, speakers, _contenders(by["speaker"], top))
    # all of them: outlets are few, and counted by name as the join groups them
    outlet_names = _names(conn, outlets, [i for i in by["outlet"] if i is not None])
    outlet_counts: Counter[str] = Counter()
    for outlet_id, n in by["outlet"].items():
        if outlet_names.get(outlet_id) is not None:
            outlet_counts[outlet_names[outlet_id]] += n
    speaker_counts: Counter[tuple[str, int]] = Counter({
        (speaker_names[i], i): n for i, n in by["speaker"].items() if speaker_names.get(i) is not None
    })  # fmt: skip

    def ranked(counts: Counter[Any]) -> list[tuple[Any, int]]:
        return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:top]

    return {
        "speaker": [{"value": name, "count": n, "id": i}
                    for (name, i), n in ranked(speaker_counts)],
        "outlet": [{"value": v, "count": n} for v, n in ranked(outlet_counts)],
        "stance": [{"value": v, "count": n} for v, n in ranked(by["stance"])],
        "kind": [{"value": v, "count": n} for v, n in ranked(by["kind"])],
    }  # fmt: skip


def _contenders(counts: Counter[Any], top: int) -> list[int]:
    """The ids that can be among the `top` once ties are ordered by name: every id counted at
    least as often as the `top`-th (a common word matches thousands of speakers, once each)."""
    ids = [i for i in counts if i is not None]
    if len(ids) <= top:
        return ids
    floor = sorted((counts[i] for i in ids), reverse=True)[top - 1]
    return [i for i in ids if counts[i] >= floor]


def _names(conn: Connection, table: Any, ids: list[int]) -> dict[int, str]:
    names: dict[int, str] = {}
    for at in range(0, len(ids), _CHUNK):  # SQLite caps the bound values of one statement
        chunk = ids[at : at + _CHUNK]
        names.update(conn.execute(select(table.c.id, table.c.name)
                                  .where(table.c.id.in_(chunk))).all())  # fmt: skip
    return names


_CHUNK = 5000


__all__ = ["FACETS", "Facets", "Summary", "fts_matches", "summarised", "summary", "summary_facets"]
