"""Claims in the store: each attribution's content, embedded and assigned to a claim cluster.

The vectors are computed where the article is analysed (`claim_vectors`, called by
`pipeline.prepare`, so worker processes and Dask workers do it); the assignment happens in the
single writer, in the transaction that stores the article, so a killed ingest leaves no claim
without its cluster and a rerun does nothing twice.

Assignment is `saywho.claims.ClusterIndex`'s, persisted: a claim joins the cluster whose members
it is most similar to on average, if that mean similarity reaches `STORE_THRESHOLD` (and no
figures conflict), or
starts a new cluster. The clusters considered are those of the claims nearest to it (found in the
store's HNSW claim index, `Candidates`), so assigning a claim costs the same in a store of a
thousand claims or of a million, and a writer holds no copy of the clusters in memory. The dense
part of the mean is the claim's dot product with the cluster's vector sum (stored with the
cluster); the character n-gram part is computed against the cluster's members' texts (its first
`LEXICAL_MEMBERS`, which is exact for clusters up to that size). Clusters never merge
afterwards, so they depend on the order claims arrive in; ``saywho claims rebuild`` replays every
current claim in publication order (then storage order), which gives the clusters one fixed
order would, whatever runs and workers stored them.

A new version of an article takes its old version's claims out of their clusters (subtracting
their vectors), so clusters only ever hold current claims.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable
from typing import Any, cast

import numpy as np
from scipy import sparse
from sqlalchemy import Connection, Engine, bindparam, delete, func, insert, select, update
from sqlalchemy.exc import SQLAlchemyError

from ..analyze.embed import DIM, weights_fingerprint
from ..claims import DENSE_WEIGHT, claim_text
from ..claims.cluster import lexical_vectors, row_dots
from ..claims.text import conflicting_figures, figures, states_claims
from ..errors import StoreError
from ..model import Analysis
from .claim_rows import bump_epoch, encoder_is_stale, set_encoder
from .claim_spread import recount as recount_spread
from .engine import _reason
from .factcheck_links import relink_all
from .pg_vectors import enable as enable_pg_vectors
from .pg_vectors import forget as forget_pg_vectors
from .pg_vectors import has_vectors, insert_claims
from .schema import (
    article_bands,
    article_copies,
    article_signatures,
    article_versions,
    articles,
    attributions,
    claim_appearances,
    claim_bands,
    claim_clusters,
    claim_days,
    claim_fact_checks,
    claim_spread,
    claims,
)
from .vector_index import NearestClaims, claim_index, forget_index, new_index

#: the mean similarity at which a news claim joins a cluster. `saywho cluster`'s 0.475 was tuned
#: on posts matched to fact-checks, which paraphrase loosely; news attributions on one topic are
#: alike well above it ("COVID-19 may spread like flu" / "the health risks posed by the COVID-19
#: pandemic": 0.60). On the labelled pairs of benchmarks/data/news-claim-pairs.jsonl (Wikinews
#: claims from different articles scoring 0.45 or more), pairwise F1 peaks here, with the
#: figures rule: estimated precision 0.587, recall 0.509 (at 0.475: precision 0.062; the
#: int8 encoder, `benchmarks/claims.py`).
STORE_THRESHOLD = 0.7
#: candidate clusters scored exactly for each new claim
CANDIDATES = 16
#: members whose texts give a cluster's character n-gram similarity
LEXICAL_MEMBERS = 50
#: the claims of one article are distinct claims (an article restating itself is no spread):
#: a claim joins a cluster that already holds a claim of its own article only when it is a near
#: copy of it, at this similarity or above
SAME_ARTICLE_THRESHOLD = 0.9


def contents(analysis: Analysis) -> list[str]:
    article = analysis.article
    return [a.content_text(article.field_text(a.field)) for a in analysis.attributions]


def claim_indices(analysis: Analysis, texts: list[str]) -> tuple[int, ...]:
    """Which attributions of `analysis` state a claim (`saywho.claims.text.states_claims`), by
    index; of a nested pair ("officials said *they believed X*") only the inner one, whose
    content is the claim X (the enclosing one restates it with the inner cue)."""
    parents = {a.parent for a in analysis.attributions if a.parent}
    return tuple(
        i for i, ok in enumerate(states_claims(texts))
        if ok and analysis.attributions[i].id not in parents
    )  # fmt: skip


def claim_vectors(analysis: Analysis) -> tuple[tuple[int, ...], bytes]:
    """`claim_indices` and the claims' float16 embeddings, in that order, concatenated."""
    return claim_vectors_many([analysis])[0]


def body_signature(analysis: Analysis) -> bytes:
    """The MinHash signature of the article's body (`saywho.claims.copies`); empty when short."""
    from ..claims.copies import signature, to_bytes

    sig = signature(analysis.article.text)
    return b"" if sig is None else to_bytes(sig)


def claim_vectors_many(analyses: list[Analysis]) -> list[tuple[tuple[int, ...], bytes]]:
    """`claim_vectors` of each analysis, embedded in one batch."""
    from ..claims.cluster import dense_vectors

    chosen: list[tuple[tuple[int, ...], list[str]]] = []
    for analysis in analyses:
        texts = contents(analysis)
        indices = claim_indices(analysis, texts)
        chosen.append((indices, [texts[i] for i in indices]))
    every = [t for _, texts in chosen for t in texts]
    if not every:
        return [((), b"") for _ in analyses]
    dense = dense_vectors(every).astype(np.float16)
    out: list[tuple[tuple[int, ...], bytes]] = []
    at = 0
    for indices, texts in chosen:
        out.append((indices, dense[at : at + len(texts)].tobytes()))
        at += len(texts)
    return out


#: how many of the nearest stored claims give the clusters a new claim may join
NEIGHBOURS = 32


class Candidates:
    """Where a writer looks for the clusters a new claim may join: the clusters of the claims
    nearest to it, among the committed claims (the store's claim index,
    `saywho.store.vector_index`, caught up when a transaction begins) and among the claims this
    transaction assigned so far (a private index, dropped with the transaction, so the store's
    index only ever holds committed claims). A cluster whose mean similarity to the claim reaches
    the threshold has a member at least that similar, so its members are among the nearest."""

    def __init__(self, index: NearestClaims | None) -> None:
        self.index = index
        self.pending: Any = None
        self.pending_clusters: list[int] = []
        #: the first members of the clusters this writer looked at (`Members`)
        self.members = Members()

    def begin(self, conn: Connection) -> None:
        """Start a transaction's assignments (the store's index catches up first)."""
        self.pending, self.pending_clusters = None, []
        if self.index is not None:
            with self.index.lock:
                self.index.sync(conn, save=False)

    def add(self, vector: np.ndarray, cluster_id: int) -> None:
        """A claim this transaction assigned to `cluster_id`."""
        if self.pending is None:
            self.pending = new_index()
        self.pending.add(len(self.pending_clusters), vector.astype(np.float32))
        self.pending_clusters.append(cluster_id)

    def committed(self, conn: Connection, vectors: np.ndarray) -> list[list[int]]:
        """For each row of `vectors`, the clusters of the committed claims nearest to it,
        nearest first (one index search and one query for all the rows)."""
        found: list[list[int]] = [[] for _ in range(len(vectors))]
        if self.index is None:
            return found
        with self.index.lock:
            keys = self.index.keys_many(conn, vectors, NEIGHBOURS)
        every = sorted({k for row in keys for k in row})
        if not every:
            return found
        cluster_of: dict[int, int] = {}
        for start in range(0, len(every), _KEYS_PER_QUERY):
            part = every[start : start + _KEYS_PER_QUERY]
            rows = conn.execute(select(claims.c.attribution_id, claims.c.cluster_id)
                                .where(claims.c.attribution_id.in_(part))).all()  # fmt: skip
            cluster_of.update((int(cast(int, a)), int(cast(int, c))) for a, c in rows)
        for n, row in enumerate(keys):
            found[n] = [cluster_of[k] for k in row if k in cluster_of]  # claims that left: skipped
        return found

    def assigned(self, vector: np.ndarray) -> list[int]:
        """The clusters of the claims this transaction assigned that are nearest to `vector`."""
        if self.pending is None or not len(self.pending):
            return []
        hits = self.pending.search(vector.astype(np.float32), min(NEIGHBOURS, len(self.pending)))
        return [self.pending_clusters[int(k)] for k in np.asarray(hits.keys).ravel()]


class Members:
    """The first `LEXICAL_MEMBERS` members of clusters as committed — their claim texts and
    character n-gram rows — kept by a writer across its transactions, so that each cluster's
    members are read and vectorised once, not once per claim that comes near it (the members
    query and the n-grams were most of what assigning a claim cost).

    Kept equal to what its connection sees by the one writer that holds it: the members a
    transaction stores are appended as they are written (`add`), clusters whose claims it takes
    out are dropped (`drop`), and when a transaction rolls back every cluster it read or changed
    is dropped (`finish`). (Another process writing the same store at the same time may add
    members this one does not see until they leave the cache; those clusters then compare with
    fewer first members.)"""

    def __init__(self, size: int = 20_000) -> None:
        self.size = size
        self.entries: OrderedDict[int, tuple[list[str], sparse.csr_matrix]] = OrderedDict()
        self.touched: set[int] = set()  # read or changed in the open transaction

    def get(
        self, conn: Connection, ids: list[int]
    ) -> dict[int, tuple[list[str], sparse.csr_matrix]]:
        """The first members of each cluster of `ids` that has any (read where not held)."""
        missing = [c for c in ids if c not in self.entries]
        if missing:
            texts: dict[int, list[str]] = {}
            for start in range(0, len(missing), _KEYS_PER_QUERY):
                texts.update(_first_members(conn, missing[start : start + _KEYS_PER_QUERY]))
            every = [t for c in missing for t in texts.get(c, [])]
            rows = lexical_vectors(every)
            at = 0
            for c in missing:
                mine = texts.get(c, [])
                self.entries[c] = (mine, rows[at : at + len(mine)])
                at += len(mine)
                self.touched.add(c)
            while len(self.entries) > self.size:
                self.entries.popitem(last=False)
        out = {}
        for c in ids:
            entry = self.entries.get(c)
            if entry is not None and entry[0]:
                self.entries.move_to_end(c)
                out[c] = entry
        return out

    def add(self, members: list[tuple[int, str]]) -> None:
        """(cluster id, claim text) of members just written, in attribution id order."""
        by_cluster: dict[int, list[str]] = {}
        for cid, text in members:
            by_cluster.setdefault(cid, []).append(text)
        for cid, texts in by_cluster.items():
            self.touched.add(cid)
            entry = self.entries.get(cid)
            if entry is None or len(entry[0]) >= LEXICAL_MEMBERS:
                continue
            new = texts[: LEXICAL_MEMBERS - len(entry[0])]
            rows = sparse.vstack([entry[1], lexical_vectors(new)]).tocsr()
            self.entries[cid] = (entry[0] + new, rows)

    def drop(self, cluster_ids: Iterable[int]) -> None:
        """Clusters whose members changed otherwise than by appending."""
        for c in cluster_ids:
            self.entries.pop(c, None)

    def finish(self, committed: bool) -> None:
        """The open transaction ended; rolled back, what it read or changed is dropped."""
        if not committed:
            self.drop(self.touched)
        self.touched = set()


def _first_members(conn: Connection, ids: list[int]) -> dict[int, list[str]]:
    """The claim texts of the first `LEXICAL_MEMBERS` members (by attribution id) of each
    cluster of `ids`."""
    ranked = (
        select(
            claims.c.cluster_id,
            attributions.c.content,
            func.row_number()
            .over(partition_by=claims.c.cluster_id, order_by=claims.c.attribution_id)
            .label("n"),
        )
        .join(attributions, attributions.c.id == claims.c.attribution_id)
        .where(claims.c.cluster_id.in_(ids))
        .subquery()
    )
    out: dict[int, list[str]] = {}
    for cid, content in conn.execute(
        select(ranked.c.cluster_id, ranked.c.content)
        .where(ranked.c.n <= LEXICAL_MEMBERS)
        .order_by(ranked.c.cluster_id, ranked.c.n)
    ):
        out.setdefault(int(cast(int, cid)), []).append(claim_text(str(content)))
    return out


#: (size, vector sum) of clusters by id, as read or changed in this transaction; size 0: empty
Sums = dict[int, tuple[int, np.ndarray]]


def _clusters(conn: Connection, ids: list[int], known: Sums | None = None) -> Sums:
    """(size, vector sum) of the given clusters that hold claims: from `known` where it has
    them, the others read from the store (and added to `known`)."""
    known = {} if known is None else known
    missing = sorted({c for c in ids if c not in known})
    for start in range(0, len(missing), _KEYS_PER_QUERY):
        part = missing[start : start + _KEYS_PER_QUERY]
        rows = conn.execute(
            select(claim_clusters.c.id, claim_clusters.c.size, claim_clusters.c.vector_sum)
            .where(claim_clusters.c.id.in_(part))
        ).all()  # fmt: skip
        known.update(
            (int(r[0]), (int(r[1]), np.frombuffer(bytes(r[2]), dtype=np.float32))) for r in rows
        )
    return {c: known[c] for c in dict.fromkeys(ids) if c in known and known[c][0] > 0}


def _dense_means(
    conn: Connection, ids: list[int], vector: np.ndarray, known: Sums | None = None
) -> list[tuple[int, float]]:
    """(cluster id, mean dense similarity to `vector`) of the given live clusters, best first,
    at most `CANDIDATES`."""
    means = [
        (cid, float(total @ vector) / size)
        for cid, (size, total) in _clusters(conn, ids, known).items()
    ]
    means.sort(key=lambda pair: (-pair[1], pair[0]))
    return means[:CANDIDATES]


def assign_claims(
    conn: Connection,
    candidates: Candidates,
    analysis: Analysis,
    attribution_ids: list[int],
    vectors: tuple[tuple[int, ...], bytes],
) -> list[tuple[int, np.ndarray]]:
    """Store the claims of one stored article version and assign each to a cluster.

    `attribution_ids` are the stored ids of `analysis.attributions`, in order; `vectors` what
    `claim_vectors` gave. Returns each stored claim's (cluster id, vector).
    """
    indices, blob = vectors
    if not indices:
        return []
    texts = contents(analysis)
    matrix = np.frombuffer(blob, dtype=np.float16).reshape(-1, DIM).astype(np.float32)
    if matrix.shape[0] != len(indices) or max(indices) >= len(texts):
        raise ValueError("claim vectors do not match the analysis they were computed from")
    clusters = _assign_rows(
        conn, candidates, [(attribution_ids[i], texts[i], 0) for i in indices], matrix
    )
    return list(zip(clusters, matrix, strict=True))


def _best_cluster(
    conn: Connection,
    ids: list[int],
    vector: np.ndarray,
    text: str,
    own: set[int],
    known: Sums | None = None,
    fresh: dict[int, list[str]] | None = None,
    members: Members | None = None,
) -> tuple[int | None, float]:
    """The best cluster for one claim among the clusters `ids`, and its score; `own` are
    clusters holding a claim of the same article (they count only at `SAME_ARTICLE_THRESHOLD`).
    A claim stating figures does not join a cluster whose members state figures, none of them
    its own (`conflicting_figures`). The `CANDIDATES` with the highest mean dense similarity are
    scored in full, by `similarity`'s two parts (`text`'s character n-grams are only computed
    then: most claims have no cluster within reach); `known`: cluster sums already read (see
    `_clusters`); `fresh`: claim texts of clusters assigned in this batch and not yet written
    (they follow the stored members); `members`: the writer's `Members` (None: read here)."""
    # only clusters the dense part alone could carry over the threshold are worth reading
    reachable = [(c, d) for c, d in _dense_means(conn, ids, vector, known)
                 if DENSE_WEIGHT * d + (1 - DENSE_WEIGHT) >= STORE_THRESHOLD]  # fmt: skip
    if not reachable:
        return None, -1.0
    ids = [c for c, _ in reachable]
    held = (members or Members()).get(conn, ids)
    texts_of = {c: texts for c, (texts, _) in held.items()}
    rows_of = {c: rows for c, (_, rows) in held.items()}
    for cid in ids:  # clusters assigned in this batch: their new members follow the stored ones
        if fresh and cid in fresh:
            have = texts_of.get(cid, [])
            extra = fresh[cid][: max(0, LEXICAL_MEMBERS - len(have))]
            if extra:
                texts_of[cid] = have + extra
                stack = [rows_of[cid]] if cid in rows_of else []
                rows_of[cid] = sparse.vstack([*stack, lexical_vectors(extra)]).tocsr()
    stated = figures(text)
    # every member's character n-gram similarity to the claim (the claim's nonzero columns
    # only: a product with its transpose converts a 2**20-row column, 2× slower)
    order = [cid for cid, _ in reachable if texts_of.get(cid)]
    sims = (
        row_dots(sparse.vstack([rows_of[c] for c in order]).tocsr(), lexical_vectors([text]))
        if order
        else np.zeros(0)
    )
    lexical_means: dict[int, float] = {}
    at = 0
    for cid in order:
        lexical_means[cid] = float(sims[at : at + len(texts_of[cid])].mean())
        at += len(texts_of[cid])
    best, best_score = None, -1.0
    for cid, dense in reachable:
        texts = texts_of.get(cid)
        if texts and stated:
            theirs = [f for f in map(figures, texts) if f]
            if theirs and all(conflicting_figures(stated, f) for f in theirs):
                continue
        lex = lexical_means.get(cid, 0.0)
        score = DENSE_WEIGHT * dense + (1 - DENSE_WEIGHT) * lex
        if cid in own and score < SAME_ARTICLE_THRESHOLD:
            continue
        if score > best_score:
            best, best_score = cid, score
    return best, best_score


def drop_version_claims(conn: Connection, version_id: int, members: Members | None = None) -> None:
    """Take the claims of an article version that is no longer current out of their clusters
    (and out of the writer's `members`)."""
    rows = conn.execute(
        select(claims.c.attribution_id, claims.c.cluster_id, claims.c.vector)
        .join(attributions, attributions.c.id == claims.c.attribution_id)
        .where(attributions.c.version_id == version_id)
    ).all()
    if not rows:
        return
    conn.execute(delete(claim_bands).where(claim_bands.c.attribution_id.in_([r[0] for r in rows])))
    if members is not None:
        members.drop(int(cast(int, r[1])) for r in rows)
    for aid, cid_, blob in rows:
        cid = int(cast(int, cid_))
        vector = np.frombuffer(bytes(cast(bytes, blob)), dtype=np.float16).astype(np.float32)
        before, total = _clusters(conn, [cid])[cid]
        size = before - 1
        total = total - vector if size else np.zeros(DIM, dtype=np.float32)
        conn.execute(delete(claims).where(claims.c.attribution_id == aid))
        conn.execute(
            update(claim_clusters)
            .where(claim_clusters.c.id == cid)
            .values(size=size, vector_sum=total.astype(np.float32).tobytes())
        )


def claims_stale(engine: Engine) -> bool:
    """True when the store's claims were embedded by other weights than this saywho's (then
    `rebuild` embeds them again)."""
    try:
        with engine.connect() as conn:
            return encoder_is_stale(conn)
    except SQLAlchemyError as exc:
        raise StoreError(
            f"cannot read the store's claim encoder ({_reason(exc)})", remedy="check --db"
        ) from exc


def rebuild(engine: Engine, batch: int = 500) -> tuple[int, int]:
    """Recompute the syndicated copies (in storage order) and every claim and cluster from the
    stored current attributions (in publication order); returns (claims, clusters). Runs in one
    transaction: interrupted, nothing changes."""
    try:
        return _rebuild(engine, batch)
    except SQLAlchemyError as exc:
        raise StoreError(f"cannot rebuild the claims ({_reason(exc)})",
                         remedy="check --db; nothing was changed") from exc  # fmt: skip
    finally:  # where the store keeps its vectors may have changed (`pg_vectors.enable`)
        forget_index(engine)
        forget_pg_vectors(engine)


def _rebuild(engine: Engine, batch: int) -> tuple[int, int]:
    from ..claims.cluster import dense_vectors
    from ..claims.copies import signature, to_bytes
    from .copies import link_copies

    with engine.begin() as conn:
        # syndicated copies first, in storage order (the first stored of a story is its original)
        for table in (article_copies, article_bands, article_signatures):
            conn.execute(delete(table))
        bodies = conn.execute(
            select(articles.c.id, article_versions.c.text)
            .join(article_versions, article_versions.c.id == articles.c.current_version_id)
            .order_by(articles.c.id)
        ).all()  # fmt: skip
        for article_id, body in bodies:
            sig = signature(str(body))
            link_copies(conn, int(cast(int, article_id)), b"" if sig is None else to_bytes(sig))
        conn.execute(delete(claim_appearances))
        conn.execute(delete(claim_bands))
        conn.execute(delete(claim_fact_checks))
        conn.execute(delete(claims))
        conn.execute(delete(claim_spread))  # counted again once the claims are
        conn.execute(delete(claim_days))
        conn.execute(delete(claim_clusters))
        enable_pg_vectors(conn)  # a PostgreSQL server that gained pgvector: the claims go there
        bump_epoch(conn)
        set_encoder(conn, weights_fingerprint())
        candidates = Candidates(None)  # the store's index is of the claims just deleted
        rows = conn.execute(
            select(
                attributions.c.id,
                attributions.c.content,
                attributions.c.version_id,
                attributions.c.local_id,
                attributions.c.parent_local_id,
            )
            .join(articles, articles.c.current_version_id == attributions.c.version_id)
            .join(article_versions, article_versions.c.id == attributions.c.version_id)
            .order_by(
                article_versions.c.published_date.is_(None),
                article_versions.c.published_date,
                attributions.c.id,
            )
        ).all()
        parents = {(int(r[2]), str(r[4])) for r in rows if r[4]}
        mask = states_claims([str(r[1]) for r in rows])
        chosen = [
            (int(r[0]), str(r[1]), int(r[2]))
            for r, ok in zip(rows, mask, strict=True)
            if ok and (int(r[2]), str(r[3])) not in parents
        ]
        for start in range(0, len(chosen), batch):
            part = chosen[start : start + batch]
            # through float16, as ingest stores and reads them: a rebuild sees the same vectors
            dense = dense_vectors([t for _, t, _ in part]).astype(np.float16).astype(np.float32)
            _assign_rows(conn, candidates, part, dense)
        _rebuild_unattributed(conn, chosen)
        recount_spread(conn)
        # the fact-checks each cluster states, found again through the rebuilt claims
        relink_all(conn, engine, claim_index(engine))
        count = conn.scalar(
            select(func.count()).select_from(claim_clusters).where(claim_clusters.c.size > 0)
        )
    return len(chosen), int(count or 0)


def _rebuild_unattributed(conn: Connection, chosen: list[tuple[int, str, int]]) -> None:
    """The claims' band keys, then every current version's unattributed appearances (versions
    stored before migration 0006 have no sentence spans and are skipped)."""
    import json

    from ..claims.copies import to_bytes, word_signature

    for start in range(0, len(chosen), 1000):
        part = chosen[start : start + 1000]
        sigs = [word_signature(claim_text(t)) for _, t, _ in part]
        index_claim_words(conn, [aid for aid, _, _ in part],
                          tuple(b"" if s is None else to_bytes(s) for s in sigs))  # fmt: skip
    versions = conn.execute(
        select(article_versions.c.id, article_versions.c.text, article_versions.c.sentences)
        .join(articles, articles.c.current_version_id == article_versions.c.id)
        .where(article_versions.c.sentences.is_not(None))
        .order_by(article_versions.c.published_date.is_(None), article_versions.c.published_date,
                  article_versions.c.id)
    ).all()  # fmt: skip
    for version_id, text, sentences_json in versions:
        spans = conn.execute(
            select(attributions.c.source_start, attributions.c.source_end, attributions.c.cue_start,
                   attributions.c.cue_end, attributions.c.content_start, attributions.c.content_end)
            .where(attributions.c.version_id == version_id, attributions.c.field == "text")
        ).all()  # fmt: skip
        taken = [(int(r[k]), int(r[k + 1])) for r in spans for k in (0, 2, 4) if r[k] is not None]
        body = str(text)
        sentences = [(int(a), int(b)) for a, b in json.loads(str(sentences_json))]
        found = []
        for s0, s1 in free_sentences(body, sentences, taken):
            sig = word_signature(body[s0:s1])
            if sig is not None:
                found.append((s0, s1, to_bytes(sig)))
        find_unattributed(conn, int(cast(int, version_id)), body, tuple(found))


def _assign_rows(
    conn: Connection, candidates: Candidates, rows: list[tuple[int, str, int]], dense: np.ndarray
) -> list[int]:
    """Assign claims (attribution id, text, article version id) with their vectors, in order;
    returns the cluster of each."""
    taken: dict[int, set[int]] = {}
    near = candidates.committed(conn, dense)
    known: Sums = {}
    _clusters(conn, [c for row in near for c in row], known)  # every candidate's sums, one query
    changed: set[int] = set()
    fresh: dict[int, list[str]] = {}
    stored: list[dict[str, Any]] = []
    for n, (aid, text, version) in enumerate(rows):
        vector = dense[n]
        own = taken.setdefault(version, set())
        ids = list(dict.fromkeys(near[n] + candidates.assigned(vector)))
        best, best_score = _best_cluster(conn, ids, vector, claim_text(text), own, known, fresh,
                                         candidates.members)  # fmt: skip
        if best is not None and best_score >= STORE_THRESHOLD:
            size, total = known[best]
            known[best] = (size + 1, total + vector)
            changed.add(best)
            cluster_id = best
        else:
            result = conn.execute(
                insert(claim_clusters).values(
                    size=1, vector_sum=vector.astype(np.float32).tobytes(), first_claim_id=aid
                )
            )
            assert result.inserted_primary_key is not None
            cluster_id = int(result.inserted_primary_key[0])
            known[cluster_id] = (1, vector.astype(np.float32).copy())
        fresh.setdefault(cluster_id, []).append(claim_text(text))
        stored.append({"attribution_id": aid, "cluster_id": cluster_id,
                       "vector": vector.astype(np.float16).tobytes()})  # fmt: skip
        candidates.add(vector, cluster_id)
        own.add(cluster_id)
    # the clusters' new sums and the claims, each in one statement
    if changed:
        conn.execute(
            update(claim_clusters).where(claim_clusters.c.id == bindparam("cid"))
            .values(size=bindparam("new_size"), vector_sum=bindparam("new_sum")),
            [{"cid": c, "new_size": known[c][0], "new_sum": known[c][1].astype(np.float32).tobytes()}
             for c in sorted(changed)],
        )  # fmt: skip
    if has_vectors(conn):  # pgvector keeps a copy, indexed (`pg_vectors`)
        insert_claims(conn, stored)
    else:
        conn.execute(insert(claims), stored)
    candidates.members.add([(int(row["cluster_id"]), claim_text(text))
                            for row, (_, text, _) in zip(stored, rows, strict=True)])  # fmt: skip
    return [int(row["cluster_id"]) for row in stored]


#: sentences shorter or longer than this (words) are not searched for unattributed appearances
SENTENCE_WORDS = (5, 80)
#: candidate claims read per sentence from the band index
SENTENCE_CANDIDATES = 50
#: band keys looked up in one query (under SQLite's bound-parameter limit)
_KEYS_PER_QUERY = 900


def attributed_free_sentences(analysis: Analysis) -> list[tuple[int, int]]:
    """The body sentences that hold no part of any attribution (source, cue or content), of
    `SENTENCE_WORDS` words: where a claim could be stated as fact, crediting nobody."""
    taken = [
        (span.start, span.end)
        for a in analysis.attributions if a.field == "text"
        for span in (a.source, a.cue, a.content) if span is not None
    ]  # fmt: skip
    sentences = [(t.start, t.end) for t in analysis.sentences]
    return free_sentences(analysis.article.text, sentences, taken)


def free_sentences(
    text: str, sentences: list[tuple[int, int]], taken: list[tuple[int, int]]
) -> list[tuple[int, int]]:
    """`attributed_free_sentences` over plain spans (what the rebuild reads from the store)."""
    out = []
    for s0, s1 in sentences:
        if any(start < s1 and s0 < end for start, end in taken):
            continue
        if SENTENCE_WORDS[0] <= len(text[s0:s1].split()) <= SENTENCE_WORDS[1]:
            out.append((s0, s1))
    return out


def word_signatures(
    analysis: Analysis, indices: tuple[int, ...]
) -> tuple[tuple[bytes, ...], tuple[tuple[int, int, bytes], ...]]:
    """Content-word signatures of the claims at `indices` (b"" for too few words) and of the
    attribution-free sentences (start, end, signature), for the unattributed-appearance search."""
    from ..claims.copies import to_bytes, word_signature

    texts = contents(analysis)
    claim_words = []
    for i in indices:
        sig = word_signature(claim_text(texts[i]))
        claim_words.append(b"" if sig is None else to_bytes(sig))
    body = analysis.article.text
    found = []
    for start, end in attributed_free_sentences(analysis):
        sig = word_signature(body[start:end])
        if sig is not None:
            found.append((start, end, to_bytes(sig)))
    return tuple(claim_words), tuple(found)


def index_claim_words(
    conn: Connection, attribution_ids: list[int], signatures: tuple[bytes, ...]
) -> None:
    """Store the band keys of each claim's content-word signature (empty: none)."""
    from ..claims.copies import from_bytes, word_band_keys

    rows = [
        {"band_key": key, "attribution_id": aid}
        for aid, blob in zip(attribution_ids, signatures, strict=True) if blob
        for key in word_band_keys(from_bytes(blob))
    ]  # fmt: skip
    if rows:
        conn.execute(insert(claim_bands), rows)


def _story_versions(conn: Connection, version_id: int) -> list[int]:
    """The current versions of the story `version_id` belongs to: its article, and the
    syndicated copies of the same original (a copy restating its own original's claim is the
    same report, not the claim stated as fact)."""
    article_id = conn.scalar(
        select(article_versions.c.article_id).where(article_versions.c.id == version_id)
    )
    original = conn.scalar(
        select(article_copies.c.original_id).where(article_copies.c.article_id == article_id)
    )
    root = original if original is not None else article_id
    members = select(article_copies.c.article_id).where(article_copies.c.original_id == root)
    rows = conn.execute(
        select(articles.c.current_version_id)
        .where((articles.c.id == root) | articles.c.id.in_(members))
    ).all()  # fmt: skip
    return sorted({version_id, *(int(r[0]) for r in rows if r[0] is not None)})


def find_unattributed(
    conn: Connection,
    version_id: int,
    text: str,
    sentences: tuple[tuple[int, int, bytes], ...],
    members: Members | None = None,
) -> int:
    """Record the sentences of a stored version (attribution-free, with their content-word
    signatures) that state a clustered claim of another article: its band keys find candidate
    claims, and the sentence joins their best cluster if it would join it as a claim (mean
    similarity at `STORE_THRESHOLD`, no conflicting figures). Returns how many were found."""
    from ..claims.cluster import dense_vectors
    from ..claims.copies import from_bytes, word_band_keys

    if not sentences:
        return 0
    story = _story_versions(conn, version_id)
    keys = [word_band_keys(from_bytes(blob)) for _, _, blob in sentences]
    # the clusters behind every band key of the article's sentences, in one indexed lookup
    # (a key shared by no claim, the common case, costs nothing more)
    hits: dict[int, list[int]] = {}
    every = sorted({k for ks in keys for k in ks})
    for start in range(0, len(every), _KEYS_PER_QUERY):
        rows = conn.execute(
            select(claim_bands.c.band_key, claims.c.cluster_id).distinct()
            .join(claims, claims.c.attribution_id == claim_bands.c.attribution_id)
            .join(attributions, attributions.c.id == claims.c.attribution_id)
            .where(claim_bands.c.band_key.in_(every[start : start + _KEYS_PER_QUERY]),
                   attributions.c.version_id.not_in(story))
        ).all()  # fmt: skip
        for key, cid in rows:
            hits.setdefault(int(cast(int, key)), []).append(int(cast(int, cid)))
    pending: list[tuple[int, int, list[int]]] = []
    for (start, end, _), sentence_keys in zip(sentences, keys, strict=True):
        found = list(dict.fromkeys(c for k in sentence_keys for c in hits.get(k, ())))
        if found:
            pending.append((start, end, sorted(found)[:SENTENCE_CANDIDATES]))
    if not pending:
        return 0
    said = [claim_text(text[start:end]) for start, end, _ in pending]
    dense = dense_vectors(said).astype(np.float16).astype(np.float32)
    stored = 0
    for n, (start, end, ids) in enumerate(pending):
        best, score = _best_cluster(conn, ids, dense[n], said[n], set(), members=members)
        if best is not None and score >= STORE_THRESHOLD:
            conn.execute(
                insert(claim_appearances).values(
                    cluster_id=best,
                    version_id=version_id,
                    start=start,
                    end=end,
                    score=round(score, 4),
                )
            )
            stored += 1
    return stored
