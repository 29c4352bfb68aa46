"""Counting the claims a search passes on SQLite, for `browse`'s totals and facets.

    if summarised(engine, f):
        counted = run_read(engine, "count", lambda conn: summary(conn, f))
        facets = run_read(engine, "name", lambda conn: summary_facets(conn, counted, 10))

The matches are read from FTS5 and looked up by id in ``attribution_facets`` (migration 0002:
stance, kind, outlet, date of every current attribution) and ``attributions`` (its speaker): no
join of every match to its version, article, outlet and speaker per facet. Without search words
the passing claims are read from ``attribution_facets``'s indexes, and their totals are exact
(a search with no words and no filter, or one stance, kind or outlet, reads the store's
tallies). A search with words counts its total exactly up to `FACET_BOUND` passing claims; past
it (a common word: an exact count joined every one of 50,000 matches, about 20 ms) the older
matches are counted from a sample of about `SAMPLED` of them and the total, rounded to two
significant figures, is an estimate (`Summary.exact` is False; pages say "about"). The facets
count every passing claim up to `FACET_BOUND`, past it the most recently stored `FACET_BOUND`
(`Summary.sampled` says so); ties are ordered by value.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    Connection,
    Engine,
    Integer,
    Select,
    bindparam,
    column,
    func,
    literal_column,
    select,
    text,
)
from sqlalchemy.sql.selectable import TextualSelect

from . import tallies
from .query import FACETS_TABLE, Filters, facets_filtered, fts5_query, has_filters
from .schema import attributions, outlets, speakers

#: the facets `browse.facets` counts, in the order pages show them
FACETS = ("speaker", "outlet", "stance", "kind")

Facets = dict[str, list[dict[str, Any]]]


def fts_matches(query: str) -> TextualSelect:
    """The ids (column ``rowid``) of the attributions whose content matches `query` on SQLite,
    in `search`'s safe query syntax."""
    ids = text("SELECT rowid FROM attribution_fts WHERE attribution_fts MATCH :match")
    return ids.bindparams(match=fts5_query(query)).columns(column("rowid", Integer))


def unfiltered(f: Filters) -> bool:
    """Whether `f` passes every current claim (no words, no filter): then the totals and facets
    are the store's tallies (`saywho.store.tallies`), on either database."""
    return not any((f.query and f.query.strip(), f.speaker, f.about, f.stance, f.kind, f.outlet,
                    f.since, f.until, f.check_worthy))  # fmt: skip


def tallied(conn: Connection, top: int) -> Summary:
    """`summary` of every current claim, from the tallies: the speakers that can make the top
    `top`, every outlet, stance and kind."""
    return Summary(tallies.total(conn, "attributions"), {
        "speaker": tallies.as_ids(tallies.contenders(conn, "speaker", top)),
        "outlet": tallies.as_ids(dict(tallies.ranked(conn, "outlet", 100_000))),
        "stance": Counter(dict(tallies.ranked(conn, "stance", 100))),
        "kind": Counter(dict(tallies.ranked(conn, "kind", 100))),
    })  # fmt: skip


def summarised(engine: Engine, f: Filters) -> bool:
    """Whether `f` is counted from `attribution_facets` (SQLite) rather than through the claims
    join, which costs a join per claim and per facet (PostgreSQL plans that join well itself)."""
    return engine.dialect.name == "sqlite"


def summary(conn: Connection, f: Filters) -> Summary:
    """The claims passing `f` counted by speaker id, outlet id, stance and kind: FTS5 lists the
    matches once, each probes the facets by id (no per-facet join). The facets count every
    passing match up to `FACET_BOUND`, past it the most recently stored `FACET_BOUND` (FTS5
    lists matches by id, so the newest come first cheaply). The total is exact up to
    `FACET_BOUND` (those rows are the count); past it, the older matches are counted exactly
    when few, else estimated from a sample (`Summary.exact` False: the page says "about")."""
    if not (f.query and f.query.strip()):
        return _grouped(conn, f)
    newest = _newest_matches(f).subquery("newest")
    rows = conn.execute(
        select(newest.c.attribution_id, attributions.c.speaker_id, newest.c.outlet_id,
               newest.c.stance, newest.c.kind)
        .select_from(newest).join(attributions, attributions.c.id == newest.c.attribution_id)
    ).all()  # fmt: skip
    window = [tuple(r[1:]) for r in rows]
    if len(rows) < FACET_BOUND:
        return counted(len(rows), window)
    older, exact = _older_passing(conn, f, min(int(r[0]) for r in rows))
    return counted(len(rows) + older, window, exact=exact)


def search_total(conn: Connection, f: Filters) -> tuple[int, bool]:
    """How many current claims pass `f` (with search words, SQLite) and whether that is exact:
    the total `summary` gives, without reading the facets."""
    window = _newest_matches(f).subquery("newest")
    row: Any = conn.execute(
        select(func.count(), func.min(window.c.attribution_id)).select_from(window)
    ).one()
    n, lowest = int(row[0]), row[1]
    if n < FACET_BOUND:
        return n, True
    older, exact = _older_passing(conn, f, int(lowest))
    total = n + older
    return (total, True) if exact else (about(total), False)


def _newest_matches(f: Filters) -> Select[Any]:
    """The `FACET_BOUND` most recently stored matches of `f.query` that pass `f`'s filters,
    with their facets."""
    matches = fts_matches(f.query or "").subquery("m")
    fc = FACETS_TABLE.c
    # "+rowid" keeps SQLite from driving the join from the facets' index (a stance or date
    # filter) and asking FTS5 once per passing id: the matches are the outer loop
    on = fc.attribution_id == literal_column("+m.rowid")
    return facets_filtered(
        select(fc.attribution_id, fc.outlet_id, fc.stance, fc.kind).select_from(matches)
        .join(FACETS_TABLE, on), f,
    ).order_by(literal_column("m.rowid").desc()).limit(FACET_BOUND)  # fmt: skip


def _older_passing(conn: Connection, f: Filters, below: int) -> tuple[int, bool]:
    """How many matches of `f.query` stored before the id `below` pass `f`'s filters, and
    whether that is exact: counted when at most `2 * SAMPLED` match, else estimated as their
    number times the share that passes among a sample of about `SAMPLED` of them (chosen by a
    hash of their id, so the same search gets the same estimate while the store is unchanged)."""
    match = fts5_query(f.query or "")
    among = text("SELECT count(*) FROM attribution_fts WHERE attribution_fts MATCH :q "
                 "AND rowid < :below")  # fmt: skip
    older = int(conn.scalar(among, {"q": match, "below": below}) or 0)
    fc = FACETS_TABLE.c
    if older > 2 * SAMPLED and not has_filters(f):
        # no filter: a match passes when its attribution is current, so the older ones that
        # pass are estimated from the store's share of current attributions (probing a sample
        # of 4,096 took a common word 8-12 ms, under benchmarks/api.py's 1M store)
        stored = int(conn.scalar(select(func.max(attributions.c.id))) or 0)
        share = min(1.0, tallies.total(conn, "attributions") / stored) if stored else 1.0
        return round(older * share), False
    if older > 2 * SAMPLED:
        share = -(-SAMPLED * _SLOTS // older)  # of _SLOTS: about SAMPLED of the older matches
        sample = (
            text("SELECT rowid FROM attribution_fts WHERE attribution_fts MATCH :q "
                 f"AND rowid < :below AND {_ID_HASH} < :share")
            .bindparams(q=match, below=below, share=share)
            .columns(column("rowid", Integer)).subquery("m")
        )  # fmt: skip
        passes = facets_filtered(select(fc.attribution_id), f).where(
            fc.attribution_id == literal_column("m.rowid")).exists()  # fmt: skip
        picked, kept = conn.execute(
            select(func.count(), func.count().filter(passes)).select_from(sample)
        ).one()
        if int(picked) >= max(1, SAMPLED // 2):  # else too few to tell (ids the hash skips)
            return round(older * int(kept) / int(picked)), False
    matches = fts_matches(f.query or "").subquery("m")
    on = fc.attribution_id == literal_column("+m.rowid")
    stmt = select(func.count()).select_from(matches).join(FACETS_TABLE, on)
    stmt = facets_filtered(stmt.where(literal_column("m.rowid") < below), f)
    return int(conn.scalar(stmt) or 0), True


#: how many of a search's older matches `_older_passing` samples to estimate a total
SAMPLED = 4096
_SLOTS = 1024
#: a hash of an id into [0, _SLOTS): Knuth's multiplicative hash (the top 10 of 32 bits of
#: id × 2654435761), spread over every id rather than one residue class
_ID_HASH = "(((rowid * 2654435761) & 4294967295) >> 22)"


def about(n: int) -> int:
    """`n` rounded to two significant figures, as an estimate is shown (26,288 → 26,000)."""
    if n < 100:
        return n
    step: int = 10 ** (len(str(n)) - 2)
    return int(n / step + 0.5) * step


#: a search that passes more claims than this counts its facets among the most recently stored
#: this many (the page says so); a search with words past it estimates its total (`summary`).
#: Reading them is most of a common word's search (each looked up by id, with its speaker):
#: 5,000 cost the endpoint about 3 ms more on average than 2,000 (benchmarks/api.py's 500
#: searches on its 1M-attribution store, the library work alone)
FACET_BOUND = 2_000


def tallied_total(conn: Connection, f: Filters) -> int | None:
    """How many current claims pass a search without words whose one filter is a stance, a kind
    or an outlet: the store's tallies; None for any other search (count it)."""
    if (
        (f.query and f.query.strip())
        or f.speaker
        or f.about
        or f.since
        or f.until
        or f.check_worthy
    ):
        return None
    given = [(name, getattr(f, name)) for name in ("stance", "kind", "outlet") if getattr(f, name)]
    if len(given) != 1:
        return None
    name, value = given[0]
    if name != "outlet":
        return tallies.of(conn, name, [value]).get(value, 0)
    ids: Sequence[Any] = conn.scalars(
        select(outlets.c.id).where(func.lower(outlets.c.name) == value.lower())
    ).all()
    return sum(tallies.of(conn, "outlet", [str(i) for i in ids]).values())


def passing(conn: Connection, f: Filters) -> int:
    """How many current claims pass `f`'s filters (no words): an index count on SQLite."""
    known = tallied_total(conn, f)
    if known is not None:
        return known
    return int(conn.scalar(facets_filtered(select(func.count()).select_from(FACETS_TABLE), f)) or 0)


def _grouped(conn: Connection, f: Filters) -> Summary:
    """`summary` without search words. The total is an exact index count; the facets count
    every passing claim up to `FACET_BOUND`, past it the `FACET_BOUND` most recently stored
    (highest ids): grouping hundreds of thousands of claims by speaker took seconds."""
    total = passing(conn, f)
    fc = FACETS_TABLE.c
    newest = (
        facets_filtered(
            select(fc.attribution_id, fc.outlet_id, fc.stance, fc.kind).select_from(FACETS_TABLE), f
        )
        .order_by(fc.attribution_id.desc())
        .limit(FACET_BOUND)
        .subquery("newest")
    )
    rows = conn.execute(
        select(attributions.c.speaker_id, newest.c.outlet_id, newest.c.stance, newest.c.kind)
        .select_from(newest).join(attributions, attributions.c.id == newest.c.attribution_id)
    ).all()  # fmt: skip
    return counted(total, rows)


def counted(total: int, rows: Sequence[Any], exact: bool = True) -> Summary:
    """`total` claims pass (an estimate unless `exact`: then shown rounded, `about`); `rows`
    (speaker id, outlet id, stance, kind) are those the facets count, all of them or the most
    recently stored `FACET_BOUND`."""
    by = dict(zip(FACETS, map(Counter, zip(*rows, strict=True)), strict=True)) if rows else {
        name: Counter() for name in FACETS}  # fmt: skip
    shown = total if exact else max(about(total), len(rows))
    return Summary(shown, by, len(rows) if total > len(rows) else None, exact)


@dataclass(frozen=True, slots=True)
class Summary:
    """How many claims pass, and their counts by speaker id, outlet id, stance and kind."""

    total: int
    by: dict[str, Counter[Any]]
    #: how many of the `total` claims `by` counts when it counts only the most recently stored
    #: (`FACET_BOUND`); None: every one
    sampled: int | None = None
    #: False: `total` is an estimate, rounded to two significant figures (a search with words
    #: past `FACET_BOUND` passing claims); the page says "about"
    exact: bool = True


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
    # one expanding parameter, not a bound parameter object per id: building those for the
    # 1,500 speakers a common word matches once each cost more than the query (profiled)
    stmt = select(table.c.id, table.c.name).where(table.c.id.in_(bindparam("ids", expanding=True)))
    for at in range(0, len(ids), _CHUNK):  # SQLite caps the bound values of one statement
        names.update(conn.execute(stmt, {"ids": ids[at : at + _CHUNK]}).all())
    return names


_CHUNK = 5000


__all__ = [
    "FACETS",
    "FACET_BOUND",
    "SAMPLED",
    "Facets",
    "Summary",
    "about",
    "counted",
    "fts_matches",
    "passing",
    "search_total",
    "summarised",
    "summary",
    "summary_facets",
    "tallied",
    "tallied_total",
    "unfiltered",
]  # fmt: skip
