"""The current fact-checks of a store as matching and linking read them, kept per process.

- `fact_check_vectors`: their embeddings (`FactCheckMatrix`), refreshed by the rows it lacks
  as fact-checks are imported;
- `corpus_in`: those and what the re-ranker reads (a TF-IDF matrix of claims and headlines,
  claimants, claim dates, which rows are copies of another), fitted again when the fact-checks
  change;
- `rank`: each statement's fact-checks, best first, with the probability that each addresses
  it (`saywho.factchecks.ranking`): what ``saywho factchecks match`` prints and what a stored
  claim is linked by (`saywho.store.factcheck_links`).

Both are read inside the caller's transaction, so an import batch sees its own rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, cast

import numpy as np
from sqlalchemy import Connection, Engine, func, select

from ..analyze.embed import DIM
from ..factchecks.ranking import (
    FEATURES,
    CheckContext,
    Stated,
    check_context,
    copy_order,
    features,
    load_ranker,
    name_words,
    pair_text,
    query_text,
    same_claim_key,
    with_context,
)
from .schema import fact_checks

CHUNK = 500

#: the first stage's score: the cosine of the texts' embeddings (the claims' space) weighted
#: with the cosine of word TF-IDF vectors of the claim reviewed and the fact-check's headline,
#: fitted on the stored fact-checks. The weight was chosen on the CheckThat! 2020 train queries
#: when this stage ranked alone (MAP@5 0.908 with the embeddings alone, 0.910 with 0.1–0.3 of
#: TF-IDF). Its best candidates are now re-ranked (`saywho.factchecks.ranking`, trained on the
#: candidates of this weight), and the weight hardly matters any more: benchmarks/factchecks.py
#: prints, on the train queries, this stage's MAP@5 0.932 / 0.943 / 0.945 / 0.941 / 0.932 at
#: 0.0 / 0.1 / 0.2 / 0.3 / 0.4 and the same recall among the re-ranked candidates (0.993).
LEXICAL_WEIGHT = 0.1


@dataclass(frozen=True)
class FactCheckMatrix:
    """The current fact-checks of a store, as linking and matching read them."""

    stamp: tuple[int, int]  # how many, the newest id: the state they were read in
    ids: np.ndarray  # row ids, ascending
    vectors: np.ndarray  # unit vectors, one row each


_matrices: dict[str, FactCheckMatrix] = {}


def forget_fact_check_vectors(engine: Engine) -> None:
    """Drop the matrix and corpus kept for this store: after a transaction that read them and
    rolled back, they may hold rows that were never stored (and whose ids SQLite gives out
    again)."""
    _matrices.pop(str(engine.url), None)
    _corpora.pop(str(engine.url), None)


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
    if cached is None:
        cached = FactCheckMatrix(stamp, np.zeros(0, np.int64), np.zeros((0, DIM), np.float32))
    keep = np.isin(cached.ids, now)
    todo = np.setdiff1d(now, cached.ids[keep]).tolist()
    query = select(fact_checks.c.id, fact_checks.c.vector)
    # nothing kept: one scan; else the rows not kept, by id
    reads = ([query.where(current)] if not keep.any() else
             [query.where(fact_checks.c.id.in_(todo[s : s + CHUNK])) for s in range(0, len(todo), CHUNK)])  # fmt: skip
    new_ids, new_vectors = [], []
    for read in reads:
        rows: Any = conn.execute(read).all()
        for r in rows:
            new_ids.append(int(r[0]))
            new_vectors.append(np.frombuffer(bytes(r[1]), dtype=np.float16))
    ids = np.concatenate([cached.ids[keep], np.array(new_ids, dtype=np.int64)])
    order = np.argsort(ids, kind="stable")
    vectors = np.array(new_vectors, dtype=np.float32).reshape(-1, DIM)
    _matrices[url] = FactCheckMatrix(
        stamp, ids[order], np.concatenate([cached.vectors[keep], vectors])[order]
    )
    return _matrices[url]


@dataclass(frozen=True)
class _Corpus:
    """The current fact-checks' vectors, TF-IDF matrix and what the re-ranker reads of them
    (claim, headline, claimant, claim date), kept per process until the store's fact-checks
    change."""

    stamp: tuple[int, int]
    ids: np.ndarray
    dense: np.ndarray
    vectorizer: Any
    lexical: Any
    fields: list[tuple[str, str | None, str | None, str | None]]
    #: rows that are copies of another current fact-check (`same_claim_key`): never ranked
    copy: np.ndarray
    #: each original's copies, by store id
    copies: dict[int, tuple[int, ...]]
    #: the rows of each word of the claimants' names (`name_words`)
    claimants: dict[str, np.ndarray]
    contexts: dict[int, CheckContext] = field(default_factory=dict)

    def claimed_by(self, speaker: str | None) -> np.ndarray:
        """The rows whose claimant's name shares a word with `speaker`'s."""
        found = [self.claimants[w] for w in name_words(speaker) if w in self.claimants]
        return np.unique(np.concatenate(found)) if found else np.zeros(0, dtype=np.int64)

    def similarity(self, vector: np.ndarray, fact_check_id: int) -> float:
        """The cosine of `vector` and a fact-check's embedding (by store id)."""
        row = int(np.searchsorted(self.ids, fact_check_id))
        return float(self.dense[row] @ vector)

    def context(self, row: int) -> CheckContext:
        found = self.contexts.get(row)
        if found is None:
            found = self.contexts[row] = check_context(*self.fields[row])
        return found


_corpora: dict[str, _Corpus] = {}


def corpus_in(conn: Connection, engine: Engine) -> _Corpus | None:
    """The current fact-checks as the re-ranker reads them (`_Corpus`), as `conn` sees them;
    kept per process and store until they change; None while there are none."""

    vectors = fact_check_vectors(conn, engine)  # (the same matrix ingest links claims with)
    if vectors is None:
        return None
    stamp, ids, dense = vectors.stamp, vectors.ids, vectors.vectors
    cached = _corpora.get(str(engine.url))
    if cached is not None and cached.stamp == stamp:
        return cached
    key, first_id = fact_checks.c.key, func.min(fact_checks.c.id).label("first")
    first = select(key, first_id).group_by(key).subquery()  # a key's first version's id
    rows = conn.execute(select(fact_checks.c.claim_reviewed, fact_checks.c.title, fact_checks.c.claimant,
                               fact_checks.c.claim_date, fact_checks.c.fact_checker, fact_checks.c.review_date,
                               first.c.first)
                        .join(first, first.c.key == fact_checks.c.key)
                        .where(fact_checks.c.current.is_(True)).order_by(fact_checks.c.id)).all()  # fmt: skip
    copy, copies = _copies(ids, rows)
    vectorizer, lexical = fit_words([pair_text(r[0], r[1]) for r in rows])
    fields = [(r[0], r[1], r[2], r[3]) for r in rows]
    named: dict[str, list[int]] = {}
    for row, r in enumerate(rows):
        for word in name_words(r[2]):
            named.setdefault(word, []).append(row)
    claimants = {w: np.asarray(found, dtype=np.int64) for w, found in named.items()}
    corpus = _Corpus(stamp, ids, dense, vectorizer, lexical, fields, copy, copies, claimants)
    _corpora[str(engine.url)] = corpus
    return corpus


def fit_words(texts: Sequence[str]) -> tuple[Any, Any]:
    """The word statistics the first stage's lexical part reads (TF-IDF over the fact-checks'
    claims and headlines, `pair_text`): (the fitted vectorizer, the texts' matrix), or (None,
    None) when no word is left (every text stop words or empty: the embeddings alone rank)."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    vectorizer = TfidfVectorizer(sublinear_tf=True, stop_words="english", dtype=np.float32)
    try:
        return vectorizer, vectorizer.fit_transform(texts)
    except ValueError:
        return None, None


def _copies(ids: np.ndarray, rows: Sequence[Any]) -> tuple[np.ndarray, dict[int, tuple[int, ...]]]:
    """Which current fact-checks (rows) are copies of another (`same_claim_key`: one
    fact-checker, claimant and claim), and each original's copies by store id. The original
    comes first in `copy_order`, a key counting as stored at its first version's id, whatever
    versions followed. (CheckThat! 2020 holds 184 such pairs, Snopes reviews stored twice with
    their quotes changed; 186 of the 189 train tweets stating one name the first stored as
    theirs.)"""
    groups: dict[tuple[str, ...], list[int]] = {}
    for row, r in enumerate(rows):
        groups.setdefault(same_claim_key(r[0], r[4], r[2]), []).append(row)
    copy = np.zeros(len(rows), dtype=bool)
    copies: dict[int, tuple[int, ...]] = {}
    for members in groups.values():
        if len(members) < 2:
            continue
        members.sort(key=lambda row: copy_order(rows[row][5], int(rows[row][6])))
        copy[members[1:]] = True
        copies[int(ids[members[0]])] = tuple(sorted(int(ids[row]) for row in members[1:]))
    return copy, copies


#: candidates added from the fact-checks of the statement's speaker (their claimant shares a
#: name word with the speaker), best by text, when the speaker is known
BY_SPEAKER = 30


def candidate_features(
    corpus: _Corpus | None,
    statements: Sequence[str | Stated],
    candidates: int,
    vectors: np.ndarray | None = None,
) -> list[tuple[np.ndarray, np.ndarray]]:
    """For each statement, its first `candidates` fact-checks by text (their row ids, best
    first), with the best of its speaker's own, and their re-ranking `FEATURES` (one row each):
    what the ranker scores, and what ``scripts/train_factcheck_ranker.py`` learns from.
    `vectors`: the statements' embeddings when known (a stored claim's), else embedded here."""
    from ..claims.cluster import dense_vectors

    if corpus is None or not statements:
        return [
            (np.zeros(0, dtype=np.int64), np.zeros((0, len(FEATURES)), dtype=np.float32))
            for _ in statements
        ]
    given = [s if isinstance(s, Stated) else with_context(s) for s in statements]
    if vectors is None:
        vectors = dense_vectors([s.text for s in given])
    out = []
    for start in range(0, len(given), BLOCK):
        out += _block_features(corpus, given[start : start + BLOCK],
                               vectors[start : start + BLOCK], candidates)  # fmt: skip
    return out


#: statements scored against every fact-check at once: three matrices of this many rows by the
#: fact-checks (about 120 MB at 100,000 fact-checks), however many statements are matched
BLOCK = 100


def _block_features(corpus: _Corpus, given: list[Stated], vectors: np.ndarray,
                    candidates: int) -> list[tuple[np.ndarray, np.ndarray]]:  # fmt: skip
    dense = vectors.astype(np.float32) @ corpus.dense.T
    lexical = np.zeros_like(dense)
    if corpus.vectorizer is not None:
        queries = corpus.vectorizer.transform([query_text(s.text) for s in given])
        lexical = (queries @ corpus.lexical.T).toarray()
    first = (1 - LEXICAL_WEIGHT) * dense + LEXICAL_WEIGHT * lexical
    first[:, corpus.copy] = -np.inf  # a copy is ranked as its original
    count = min(candidates, first.shape[1] - int(corpus.copy.sum()))
    out = []
    for i, statement in enumerate(given):
        row = np.argpartition(-first[i], count - 1)[:count]
        claimed = corpus.claimed_by(statement.speaker)
        claimed = claimed[~corpus.copy[claimed]]
        if len(claimed):  # and the best of the speaker's own fact-checks, found by text
            more = min(BY_SPEAKER, len(claimed))
            best = claimed[np.argpartition(-first[i, claimed], more - 1)[:more]]
            row = np.union1d(row, best)
        row = row[np.lexsort((corpus.ids[row], -first[i, row]))]  # best first; ties by id
        x = features(
            statement, dense[i, row], lexical[i, row], [corpus.context(int(j)) for j in row]
        )
        out.append((corpus.ids[row].astype(np.int64), x))
    return out


def rank(
    corpus: _Corpus | None,
    statements: Sequence[str | Stated],
    top: int,
    vectors: np.ndarray | None = None,
) -> list[list[tuple[int, float]]]:
    """Each statement's `top` current fact-checks (row ids; copies folded into their original),
    best first, with the probability that each addresses the statement: the first stage's
    candidates re-ranked (`saywho.factchecks.ranking`). `vectors` as `candidate_features`."""
    ranker = load_ranker()
    out: list[list[tuple[int, float]]] = []
    for ids, x in candidate_features(corpus, statements, max(ranker.candidates, top), vectors):
        if not len(ids):
            out.append([])
            continue
        z = ranker.rank(x)
        scores = ranker.calibrated(z)
        order = np.lexsort((ids, -z))[:top]  # best first; ties by id
        out.append([(int(ids[j]), float(scores[j])) for j in order])
    return out
