"""Which stored claims a fact-check addresses: claim clusters linked to fact-checks.

A stored claim is linked to the fact-check that ``saywho factchecks match`` ranks first for it,
when the probability that this fact-check addresses the claim is at least `LINK_PROBABILITY`
and the two are at least `NEAR` cosine-similar (with that fact-check's copies: the same claim,
fact-checker and claimant, `saywho.factchecks.ranking.same_claim_key`). The claim is ranked as `match` ranks a statement:
its content, its speaker and its article's day (`saywho.store.factcheck_corpus.rank`: the
embeddings' and the words' similarity first, then the re-ranker, which weighs who said it and
when); its stored vector stands for the embedding. A claim cluster is linked to the fact-checks
of its current claims (each link keeps its best claim's probability). Links are found

- for new claims when an article is stored (`link_claims`, in the writer's transaction);
- for new fact-checks (and new versions) when an import ends: each import batch notes, in its
  own transaction, the clusters whose claims may now rank one of its fact-checks first (those
  of the claims at least `NEAR` similar to one, among its `NEIGHBOURS` nearest in the store's
  claim index, `saywho.store.vector_index`) and the clusters its superseded versions were linked
  to; the import then finds those clusters' links again from all their claims, in one pass
  (`relink_pending`), so the fact-checks' word statistics are fitted once an import rather than
  once a batch. Killed before that pass, an import leaves the clusters noted in the store: the
  next import's pass, or ``saywho claims rebuild``, links them;
- for everything by `relink_all`, which ``saywho claims rebuild`` runs after the clusters.

Why the re-ranked first result, 0.7 and 0.55 (measured with `benchmarks/factchecks.py`'s
`link_quality`, which links each statement as a stored claim is linked): linking a claim to the
fact-check most similar to it by embeddings alone (at least 0.55 cosine, one dated within 30
days of the article preferred) put 62.2 % of PolitiFact's train debate sentences' links on the
fact-check the qrels name; `match`'s first result, which also weighs the speaker's own
fact-checks and the day, did better at every threshold, and its probability is calibrated. The
probability was chosen on the train queries of both sets (CheckThat! 2020's tweets, on which the
encoder and the re-ranker were trained, so their figures are optimistic, and PolitiFact's) by
F0.5 (precision weighed over recall: a claim shown as fact-checked when it was not misleads),
averaged over the two: 0.819 / 0.828 / **0.835** / 0.823 / 0.800 at 0.5 / 0.6 / 0.7 / 0.8 / 0.9
(the cosine rule's: 0.747). With a cosine of at least 0.3 / 0.4 / 0.5 / 0.55 / 0.6 as well,
train gave 0.835 / 0.836 / 0.829 / **0.822** / 0.784 at 0.7; 0.55 ships, not 0.4, for stores of
few fact-checks, which the train queries (ranked among 10,375 and 19,250) do not show: there a
claim on the subject and days of a fact-check's claim leads the unrelated others by far (the
browser tests' store linked the sample's "Washington wants to take revenge on the Taliban",
0.51 similar, to the fact-check of "The US is covertly sponsoring Islamic State militants in
Afghanistan" at 0.4). At 0.7 and 0.55, CheckThat! train: 99.3 % of links right, 70.1 % of tweets
linked to theirs; PolitiFact train: 86.2 % and 44.9 %.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date
from typing import Any

import numpy as np
from sqlalchemy import Connection, Engine, delete, func, insert, select, update

from ..factchecks.ranking import Stated
from .claim_rows import current_claims
from .factcheck_corpus import corpus_in, fact_check_vectors, rank
from .schema import (
    article_versions,
    attributions,
    claim_fact_checks,
    claims,
    speakers,
    store_meta,
)
from .vector_index import NearestClaims

#: a stored claim is linked to its first-ranked fact-check when the probability that it
#: addresses the claim is at least this
LINK_PROBABILITY = 0.7
#: and when the two are at least this similar (cosine in the claim encoder's space): in a store
#: of few fact-checks the first leads unrelated others by far, and the probability, which reads
#: that lead, is high for a fact-check of another claim on the same subject and days
NEAR = 0.55
#: nearest claims of a new fact-check looked at
NEIGHBOURS = 32
CHUNK = 500
#: the `store_meta` row listing the clusters whose links an import has still to find
PENDING_KEY = "fact_check_links_pending"


def note_fact_checks(
    conn: Connection,
    index: NearestClaims | None,
    rows: list[tuple[int, np.ndarray]],
    also: Iterable[int] = (),
) -> None:
    """Note, in this import batch's transaction, the clusters whose links new fact-checks (id,
    unit vector) may change: those with a claim at least `NEAR` similar to one of them (a link
    needs that much), and those `also` names (a superseded version's); `relink_pending` finds
    their links when the import ends."""
    clusters = set(also) | _near_clusters(conn, index, rows)
    if not clusters:
        return
    noted = _pending(conn)
    value = json.dumps(sorted(clusters | (noted or set())))
    if noted is None:
        conn.execute(insert(store_meta).values(key=PENDING_KEY, value=value))
    else:
        conn.execute(update(store_meta).where(store_meta.c.key == PENDING_KEY).values(value=value))


def _pending(conn: Connection) -> set[int] | None:
    """The clusters noted for `relink_pending`; None when nothing is noted."""
    value = conn.scalar(select(store_meta.c.value).where(store_meta.c.key == PENDING_KEY))
    if value is None:
        return None
    try:
        return {int(c) for c in json.loads(value)}
    except (ValueError, TypeError):  # unreadable: nothing noted (`claims rebuild` relinks all)
        return set()


def relink_pending(engine: Engine) -> int:
    """Find the links of the clusters import batches noted (`note_fact_checks`), in one
    transaction; returns how many of them are linked to a fact-check now."""
    with engine.begin() as conn:
        pending = _pending(conn)
        if pending is None:
            return 0
        noted = sorted(pending)
        relink_clusters(conn, engine, noted)
        conn.execute(delete(store_meta).where(store_meta.c.key == PENDING_KEY))
        linked = 0
        for start in range(0, len(noted), CHUNK):
            where = claim_fact_checks.c.cluster_id.in_(noted[start : start + CHUNK])
            linked += int(
                conn.scalar(
                    select(func.count(func.distinct(claim_fact_checks.c.cluster_id))).where(where)
                )
                or 0
            )
    return linked


def _near_clusters(
    conn: Connection, index: NearestClaims | None, rows: list[tuple[int, np.ndarray]]
) -> set[int]:
    """The clusters of the stored claims (among each fact-check's `NEIGHBOURS` nearest in the
    claim index) at least `NEAR` similar to one of these fact-checks."""
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
            found[int(aid)] = (int(cid), _vector(blob))
    near: set[int] = set()
    for (_, vector), row in zip(rows, keys, strict=True):
        for k in row:
            if k in found and float(found[k][1] @ vector) >= NEAR:
                near.add(found[k][0])
    return near


def _vector(blob: Any) -> np.ndarray:
    return np.frombuffer(bytes(blob), dtype=np.float16).astype(np.float32)


def relink_clusters(conn: Connection, engine: Engine, cluster_ids: list[int]) -> int:
    """Drop these clusters' links and find them again from their current claims; returns the
    links made."""
    made = 0
    for start in range(0, len(cluster_ids), CHUNK):
        part = cluster_ids[start : start + CHUNK]
        conn.execute(delete(claim_fact_checks).where(claim_fact_checks.c.cluster_id.in_(part)))
        result: Any = conn.execute(
            current_claims(select(claims.c.cluster_id, claims.c.attribution_id, claims.c.vector))
            .where(claims.c.cluster_id.in_(part))
        ).all()  # fmt: skip
        made += link_claims(conn, engine, [(int(c), int(a), _vector(v)) for c, a, v in result])
    return made


def link_claims(conn: Connection, engine: Engine, rows: list[tuple[int, int, np.ndarray]]) -> int:
    """Link stored claims (cluster id, attribution id, unit vector) to the fact-check each
    states, if any (see the module docstring); returns the links made (nothing to do, and one
    query, while the store has no fact-checks)."""
    if not rows:
        return 0
    corpus = corpus_in(conn, engine)
    if corpus is None:
        return 0
    best: dict[tuple[int, int], float] = {}
    for start in range(0, len(rows), CHUNK):
        part = rows[start : start + CHUNK]
        said = _statements(conn, [a for _, a, _ in part])
        vectors = np.stack([v for _, _, v in part])
        ranked = rank(corpus, [said[a] for _, a, _ in part], 1, vectors)
        for (cluster, _, vector), first in zip(part, ranked, strict=True):
            if (
                first
                and first[0][1] >= LINK_PROBABILITY
                and corpus.similarity(vector, first[0][0]) >= NEAR
            ):
                fact_check, probability = first[0]
                for linked in (fact_check, *corpus.copies.get(fact_check, ())):
                    key = (cluster, linked)
                    best[key] = max(best.get(key, -1.0), probability)
    return _save(conn, best)


def _statements(conn: Connection, attribution_ids: list[int]) -> dict[int, Stated]:
    """Each stored claim as `rank` reads it: its content, its speaker's name and its article's
    day."""
    result: Any = conn.execute(
        select(attributions.c.id, attributions.c.content, speakers.c.name,
               article_versions.c.published_date)
        .join(article_versions, article_versions.c.id == attributions.c.version_id)
        .outerjoin(speakers, speakers.c.id == attributions.c.speaker_id)
        .where(attributions.c.id.in_(attribution_ids))
    ).all()  # fmt: skip
    return {int(aid): Stated(str(text), name, day if isinstance(day, date) else None)
            for aid, text, name, day in result}  # fmt: skip


def unlink_fact_checks(conn: Connection, fact_check_ids: list[int]) -> set[int]:
    """Drop the links of fact-checks that are no longer current; returns the clusters they
    were linked to (whose links the import finds again: `note_fact_checks`)."""
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
    any current fact-check, each once; what an unfinished import noted is done with it."""
    conn.execute(delete(claim_fact_checks))
    conn.execute(delete(store_meta).where(store_meta.c.key == PENDING_KEY))
    # (the fact-checks' matrix the links rank with, read once, rather than their vectors again)
    current = fact_check_vectors(conn, engine)
    if current is None:
        return 0
    rows = list(zip(current.ids.tolist(), current.vectors, strict=True))
    near: set[int] = set()
    for start in range(0, len(rows), CHUNK):
        near |= _near_clusters(conn, index, rows[start : start + CHUNK])
    return relink_clusters(conn, engine, sorted(near))


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
