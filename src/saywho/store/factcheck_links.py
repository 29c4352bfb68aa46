"""Which stored claims a fact-check addresses: claim clusters linked to fact-checks.

A claim cluster is linked to a fact-check when one of its current claims and the fact-check's
claim are at least `THRESHOLD` cosine-similar in the claim encoder's space (the link keeps the
best member's score). Links are found

- for new fact-checks (and new versions) when they are imported: the claims nearest to each in
  the store's claim index (`saywho.store.vector_index`), scored exactly from the stored vectors;
  a fact-check that is no longer current loses its links;
- for new claims when an article is stored: against every current fact-check's vector (a matrix
  kept per process until the fact-checks change);
- for everything by `relink_all`, which `saywho claims rebuild` runs after the clusters.

`THRESHOLD` 0.6 was chosen on the CheckThat! 2020 train tweets against the 10,375 fact-checked
claims (the encoder's own training data, so the figures are optimistic): at 0.6, 72 % of the
linked pairs are a tweet and the fact-check of its claim, and 66 % of the tweets are linked to
theirs (0.55: 63 % and 79 %; 0.65: 78 % and 53 %).
"""

from __future__ import annotations

from typing import Any, cast

import numpy as np
from sqlalchemy import Connection, Engine, delete, func, insert, select, update

from ..analyze.embed import DIM
from .claim_rows import current_claims
from .schema import claim_fact_checks, claims, fact_checks
from .vector_index import NearestClaims

THRESHOLD = 0.6
#: nearest claims of a new fact-check looked at
NEIGHBOURS = 32
CHUNK = 500

_matrices: dict[str, tuple[tuple[int, int], np.ndarray, np.ndarray]] = {}


def link_fact_checks(
    conn: Connection, index: NearestClaims | None, rows: list[tuple[int, np.ndarray]]
) -> int:
    """Link new fact-checks (id, unit vector) to the clusters of the claims they address; returns
    the links made."""
    if not rows or index is None:
        return 0
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
    best: dict[tuple[int, int], float] = {}
    for (fid, vector), row in zip(rows, keys, strict=True):
        for k in row:
            if k not in found:
                continue
            cid, claim = found[k]
            score = float(claim @ vector)
            if score >= THRESHOLD and score > best.get((cid, fid), -1.0):
                best[(cid, fid)] = score
    return _save(conn, best)


def link_claims(conn: Connection, engine: Engine, rows: list[tuple[int, np.ndarray]]) -> int:
    """Link new claims (cluster id, unit vector) to the current fact-checks they state; returns
    the links made (nothing to do, and one query, while the store has no fact-checks)."""
    if not rows:
        return 0
    current = fact_check_vectors(conn, engine)
    if current is None:
        return 0
    _, ids, vectors = current
    scores = np.stack([v for _, v in rows]).astype(np.float32) @ vectors.T
    best: dict[tuple[int, int], float] = {}
    for n, j in zip(*np.nonzero(scores >= THRESHOLD), strict=True):
        key = (rows[int(n)][0], int(ids[j]))
        best[key] = max(best.get(key, -1.0), float(scores[n, j]))
    return _save(conn, best)


def unlink_fact_checks(conn: Connection, fact_check_ids: list[int]) -> None:
    """Drop the links of fact-checks that are no longer current."""
    for start in range(0, len(fact_check_ids), CHUNK):
        conn.execute(delete(claim_fact_checks).where(
            claim_fact_checks.c.fact_check_id.in_(fact_check_ids[start : start + CHUNK])))  # fmt: skip


def relink_all(conn: Connection, index: NearestClaims | None) -> int:
    """Drop every link and find them again for every current fact-check (after a rebuild)."""
    conn.execute(delete(claim_fact_checks))
    made, last = 0, 0
    while True:
        part: Any = conn.execute(select(fact_checks.c.id, fact_checks.c.vector)
                            .where(fact_checks.c.current.is_(True), fact_checks.c.id > last)
                            .order_by(fact_checks.c.id).limit(CHUNK)).all()  # fmt: skip
        if not part:
            return made
        last = int(part[-1][0])
        made += link_fact_checks(conn, index, [
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


def fact_check_vectors(
    conn: Connection, engine: Engine
) -> tuple[tuple[int, int], np.ndarray, np.ndarray] | None:
    """The current fact-checks' (stamp, ids, unit vectors), the stamp naming their state (how
    many, the newest id): kept per process and store until it changes; None while there are none."""
    current = fact_checks.c.current.is_(True)
    row = conn.execute(select(func.count(), func.max(fact_checks.c.id)).where(current)).first()
    stamp = (int(cast(Any, row)[0] or 0), int(cast(Any, row)[1] or 0))
    if stamp[0] == 0:
        return None
    cached = _matrices.get(str(engine.url))
    if cached is not None and cached[0] == stamp:
        return cached
    rows: Any = conn.execute(
        select(fact_checks.c.id, fact_checks.c.vector).where(current).order_by(fact_checks.c.id)
    ).all()
    ids = np.array([int(r[0]) for r in rows], dtype=np.int64)
    vectors = np.frombuffer(b"".join(bytes(r[1]) for r in rows), dtype=np.float16).reshape(
        len(rows), DIM
    )
    _matrices[str(engine.url)] = (stamp, ids, vectors.astype(np.float32))
    return _matrices[str(engine.url)]
