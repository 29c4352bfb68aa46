"""Which stored claims a fact-check addresses: claim clusters linked to fact-checks.

A stored claim is linked to one current fact-check, with that fact-check's copies (the same
claim, fact-checker and claimant: `saywho.factchecks.ranking.same_claim_key`): of those at
least `THRESHOLD` similar to it (cosine in the claim encoder's space), the most similar among
the ones whose claim is dated within `DATE_WINDOW` days of the claim's article, else the most
similar of all (`choose`); a claim cluster is linked to the fact-checks of its current claims
(each link keeps its best claim's score). Links are found

- for new claims when an article is stored: against every current fact-check's vector (a matrix
  kept per process until the fact-checks change);
- for new fact-checks (and new versions) when they are imported: the claims nearest to each in
  the store's claim index (`saywho.store.vector_index`) that reach `THRESHOLD`, whose clusters'
  links are then found again from all their claims (a new fact-check may now be a claim's most
  similar, in place of another); a fact-check that is no longer current loses its links, and
  its clusters' links are found again likewise;
- for everything by `relink_all`, which `saywho claims rebuild` runs after the clusters.

Why the most similar only, and 0.55 (measured with `benchmarks/factchecks.py`'s
`link_quality`, which links each statement as a stored claim is linked): on PolitiFact's train
debate sentences (statements by named speakers, which the claim encoder never saw), linking a
claim to every fact-check at least 0.6 similar gave 3.4 links a sentence of which 14.6 % named
the fact-check of its claim, since a politician's claims are checked many times over in like
words; the most similar alone at 0.6 gave 0.64 links a sentence, 59.4 % right, and 38.1 % of
the sentences linked to theirs (47.7 % before). The threshold was then chosen on the train
queries of both sets (CheckThat! 2020's tweets, on which the encoder was trained, so its
figures are optimistic, and PolitiFact's) by F0.5 (precision weighed over recall: a claim shown
as fact-checked when it was not misleads), averaged over the two: 0.720 / **0.727** / 0.706 /
0.697 at 0.5 / 0.55 / 0.6 / 0.65. At 0.55, CheckThat! train: 95.1 % of links right, 76.9 % of
tweets linked to theirs; PolitiFact train: 58.1 % and 44.3 %.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, cast

import numpy as np
from sqlalchemy import Connection, Engine, delete, func, insert, select, update

from ..analyze.embed import DIM
from ..factchecks.ranking import same_claim_key
from .claim_rows import current_claims
from .schema import article_versions, claim_fact_checks, claims, fact_checks
from .vector_index import NearestClaims

THRESHOLD = 0.55
#: nearest claims of a new fact-check looked at
NEIGHBOURS = 32
CHUNK = 500

#: a fact-check dated this many days or fewer from a claim's article is preferred to a nearer
#: one dated further (`choose`)
DATE_WINDOW = 30


@dataclass(frozen=True)
class FactCheckMatrix:
    """The current fact-checks of a store, as linking and matching read them."""

    stamp: tuple[int, int]  # how many, the newest id: the state they were read in
    ids: np.ndarray  # row ids, ascending
    vectors: np.ndarray  # unit vectors, one row each
    groups: np.ndarray  # copy groups: one number a fact-check, the same for copies
    days: np.ndarray  # the claim's date as a day ordinal, -1 when unknown


_matrices: dict[str, FactCheckMatrix] = {}
#: per store: the copy group of each claim key seen (`same_claim_key`)
_group_keys: dict[str, dict[tuple[str, ...], int]] = {}


def link_fact_checks(
    conn: Connection,
    engine: Engine,
    index: NearestClaims | None,
    rows: list[tuple[int, np.ndarray]],
    also: Iterable[int] = (),
) -> int:
    """Link new fact-checks (id, unit vector) to the clusters of the claims they address, by
    finding again the links of every cluster with a claim that reaches `THRESHOLD` against one
    of them (and of the clusters `also` names: those a superseded version was linked to);
    returns the links made."""
    clusters = set(also) | _near_clusters(conn, index, rows)
    return relink_clusters(conn, engine, sorted(clusters))


def _near_clusters(
    conn: Connection, index: NearestClaims | None, rows: list[tuple[int, np.ndarray]]
) -> set[int]:
    """The clusters of the stored claims (among each fact-check's `NEIGHBOURS` nearest in the
    claim index) at least `THRESHOLD` similar to one of these fact-checks."""
    if not rows or index is None:
        return set()
    with index.lock:
        index.sync(conn, save=False)
        keys = index.keys_many(conn, np.stack([v for _, v in rows]).astype(np.float32), NEIGHBOURS)
    wanted = sorted({k for row in keys for k in row})
    found: dict[int, tuple[int, np.ndarray]] = {}
    for start in range(0, len(wanted), CHUNK):
        part = wanted[start : start + CHUNK]
        result: Any = conn.execute(current_claims(select(claims.c.attribution_id, claims.c.cluster_id, claims.c.vector))
                                   .where(claims.c.attribution_id.in_(part)))  # fmt: skip
        for aid, cid, blob in result:
            found[int(aid)] = (
                int(cid),
                np.frombuffer(bytes(blob), dtype=np.float16).astype(np.float32),
            )
    near: set[int] = set()
    for (_, vector), row in zip(rows, keys, strict=True):
        for k in row:
            if k in found and float(found[k][1] @ vector) >= THRESHOLD:
                near.add(found[k][0])
    return near


def relink_clusters(conn: Connection, engine: Engine, cluster_ids: list[int]) -> int:
    """Drop these clusters' links and find them again from their current claims; returns the
    links made."""
    made = 0
    for start in range(0, len(cluster_ids), CHUNK):
        part = cluster_ids[start : start + CHUNK]
        conn.execute(delete(claim_fact_checks).where(claim_fact_checks.c.cluster_id.in_(part)))
        day = article_versions.c.published_date
        result: Any = conn.execute(
            current_claims(select(claims.c.cluster_id, claims.c.vector, day))
            .where(claims.c.cluster_id.in_(part))
        ).all()  # fmt: skip
        rows = [(int(cid), np.frombuffer(bytes(blob), dtype=np.float16).astype(np.float32))
                for cid, blob, _ in result]  # fmt: skip
        made += link_claims(conn, engine, rows, [day for _, _, day in result])
    return made


def link_claims(
    conn: Connection,
    engine: Engine,
    rows: list[tuple[int, np.ndarray]],
    days: Sequence[date | None] | None = None,
) -> int:
    """Link new claims (cluster id, unit vector; `days`: each one's article date) to the current
    fact-check each states (`choose`); returns the links made (nothing to do, and one query,
    while the store has no fact-checks)."""
    if not rows:
        return 0
    current = fact_check_vectors(conn, engine)
    if current is None:
        return 0
    best: dict[tuple[int, int], float] = {}
    for start in range(0, len(rows), CHUNK):
        part = rows[start : start + CHUNK]
        scores = np.stack([v for _, v in part]).astype(np.float32) @ current.vectors.T
        part_days = days[start : start + CHUNK] if days is not None else [None] * len(part)
        for n, chosen in enumerate(choose(scores, part_days, current)):
            for k in chosen:
                key = (part[n][0], int(current.ids[k]))
                best[key] = max(best.get(key, -1.0), float(scores[n, k]))
    return _save(conn, best)


def choose(
    scores: np.ndarray,
    days: Sequence[date | None],
    current: FactCheckMatrix,
    threshold: float = THRESHOLD,
) -> list[list[int]]:
    """For each claim (a row of `scores` against `current`'s fact-checks, and its article's
    date), the fact-checks it is linked to (indices into `current`): of those at least
    `threshold` similar, the most similar among the ones whose claim is dated within
    `DATE_WINDOW` days of the article, else the most similar of all; with its copies (its copy
    group at `threshold` or above). Why the date: a politician's like claims are checked many
    times over; on PolitiFact's train debate sentences (at 0.55) it took the links that name
    the qrels' fact-check from 58.1 % to 62.2 %, and 44.3 % of the sentences linked to theirs
    to 47.5 % (README, Fact-checks)."""
    out: list[list[int]] = []
    near = scores.max(axis=1, initial=-1.0) >= threshold  # most claims: none near enough
    for row, day, any_near in zip(scores, days, near, strict=True):
        if not any_near:
            out.append([])
            continue
        ok = row >= threshold
        if day is not None:
            dated = (
                ok & (current.days >= 0) & (np.abs(current.days - day.toordinal()) <= DATE_WINDOW)
            )
            if dated.any():
                ok = dated
        j = int(np.flatnonzero(ok)[np.argmax(row[ok])])
        out.append(
            np.flatnonzero((current.groups == current.groups[j]) & (row >= threshold)).tolist()
        )
    return out


def unlink_fact_checks(conn: Connection, fact_check_ids: list[int]) -> set[int]:
    """Drop the links of fact-checks that are no longer current; returns the clusters they
    were linked to (whose links `link_fact_checks` finds again)."""
    clusters: set[int] = set()
    for start in range(0, len(fact_check_ids), CHUNK):
        part = fact_check_ids[start : start + CHUNK]
        where = claim_fact_checks.c.fact_check_id.in_(part)
        linked: Any = conn.scalars(select(claim_fact_checks.c.cluster_id).where(where))
        clusters.update(int(c) for c in linked)
        conn.execute(delete(claim_fact_checks).where(where))
    return clusters


def relink_all(conn: Connection, engine: Engine, index: NearestClaims | None) -> int:
    """Drop every link and find them again (after a rebuild): the clusters of the claims near
    any current fact-check, each once."""
    conn.execute(delete(claim_fact_checks))
    near: set[int] = set()
    last = 0
    while True:
        part: Any = conn.execute(select(fact_checks.c.id, fact_checks.c.vector)
                            .where(fact_checks.c.current.is_(True), fact_checks.c.id > last)
                            .order_by(fact_checks.c.id).limit(CHUNK)).all()  # fmt: skip
        if not part:
            return relink_clusters(conn, engine, sorted(near))
        last = int(part[-1][0])
        near |= _near_clusters(conn, index, [
            (int(fid), np.frombuffer(bytes(blob), dtype=np.float16).astype(np.float32)) for fid, blob in part])  # fmt: skip


def _save(conn: Connection, best: dict[tuple[int, int], float]) -> int:
    """Insert the links, or raise the score of those already there."""
    if not best:
        return 0
    pairs = sorted(best)
    known: dict[tuple[int, int], float] = {}
    for start in range(0, len(pairs), CHUNK):
        part = pairs[start : start + CHUNK]
        clusters = sorted({c for c, _ in part})
        links: Any = conn.execute(
            select(claim_fact_checks.c.cluster_id, claim_fact_checks.c.fact_check_id, claim_fact_checks.c.score)
            .where(claim_fact_checks.c.cluster_id.in_(clusters))
        )  # fmt: skip
        for cid, fid, score in links:
            known[(int(cid), int(fid))] = float(score)
    new = [
        {"cluster_id": c, "fact_check_id": f, "score": s}
        for (c, f), s in best.items()
        if (c, f) not in known
    ]
    if new:
        conn.execute(insert(claim_fact_checks), new)
    for (c, f), s in best.items():
        if (c, f) in known and s > known[(c, f)]:
            conn.execute(update(claim_fact_checks).where(claim_fact_checks.c.cluster_id == c,
                                                         claim_fact_checks.c.fact_check_id == f).values(score=s))  # fmt: skip
    return len(new)


def forget_fact_check_vectors(engine: Engine) -> None:
    """Drop the matrix kept for this store: after a transaction that read it and rolled back,
    it may hold rows that were never stored (and whose ids SQLite gives out again)."""
    _matrices.pop(str(engine.url), None)
    _group_keys.pop(str(engine.url), None)


def fact_check_vectors(conn: Connection, engine: Engine) -> FactCheckMatrix | None:
    """The current fact-checks (`FactCheckMatrix`), kept per process and store; when their
    state changes (an import batch) only the rows not kept yet are read; None while there are
    none."""
    current = fact_checks.c.current.is_(True)
    row = conn.execute(select(func.count(), func.max(fact_checks.c.id)).where(current)).first()
    stamp = (int(cast(Any, row)[0] or 0), int(cast(Any, row)[1] or 0))
    if stamp[0] == 0:
        return None
    url = str(engine.url)
    cached = _matrices.get(url)
    if cached is not None and cached.stamp == stamp:
        return cached
    now = np.array(conn.scalars(select(fact_checks.c.id).where(current)).all(), dtype=np.int64)
    group_of = _group_keys.setdefault(url, {})
    if cached is None:
        group_of.clear()
        cached = FactCheckMatrix(stamp, np.zeros(0, np.int64), np.zeros((0, DIM), np.float32),
                                 np.zeros(0, np.int64), np.zeros(0, np.int64))  # fmt: skip
    keep = np.isin(cached.ids, now)
    todo = np.setdiff1d(now, cached.ids[keep]).tolist()
    query = select(fact_checks.c.id, fact_checks.c.vector, fact_checks.c.claim_reviewed,
                   fact_checks.c.fact_checker, fact_checks.c.claimant, fact_checks.c.claim_date)  # fmt: skip
    # nothing kept: one scan; else the rows not kept, by id
    reads = ([query.where(current)] if not keep.any() else
             [query.where(fact_checks.c.id.in_(todo[s : s + CHUNK])) for s in range(0, len(todo), CHUNK)])  # fmt: skip
    new_ids, new_vectors, new_groups, new_days = [], [], [], []
    for read in reads:
        rows: Any = conn.execute(read).all()
        for r in rows:
            new_ids.append(int(r[0]))
            new_vectors.append(np.frombuffer(bytes(r[1]), dtype=np.float16))
            new_groups.append(group_of.setdefault(same_claim_key(r[2], r[3], r[4]), len(group_of)))
            new_days.append(_ordinal(r[5]))
    ids = np.concatenate([cached.ids[keep], np.array(new_ids, dtype=np.int64)])
    order = np.argsort(ids, kind="stable")
    vectors = np.array(new_vectors, dtype=np.float32).reshape(-1, DIM)
    _matrices[url] = FactCheckMatrix(
        stamp,
        ids[order],
        np.concatenate([cached.vectors[keep], vectors])[order],
        np.concatenate([cached.groups[keep], np.array(new_groups, dtype=np.int64)])[order],
        np.concatenate([cached.days[keep], np.array(new_days, dtype=np.int64)])[order],
    )  # fmt: skip
    return _matrices[url]


def _ordinal(day: str | None) -> int:
    """A claim date's day ordinal ("2023-01-20"), -1 when there is none or it is no date."""
    try:
        return date.fromisoformat((day or "")[:10]).toordinal()
    except ValueError:
        return -1
