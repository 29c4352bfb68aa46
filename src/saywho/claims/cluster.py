"""Claim clusters: statements that state the same thing, grouped.

Two statements are compared by one similarity, used everywhere claims are compared::

    similarity = DENSE_WEIGHT * cos(MiniLM embeddings) + (1 - DENSE_WEIGHT) * cos(char n-grams)

The sentence embeddings (`saywho.analyze.embed`) carry paraphrase ("Washington covertly sponsors
ISIS" / "the US is secretly funding IS"); the character 3–5-gram vectors (hashed, so they need no
vocabulary fitted to a corpus and a statement's vector never changes) carry the names, numbers and
rare words that embeddings blur. Both are unit vectors, so the mean similarity of a statement to a
cluster's members is its dot product with the mean of their vectors: a cluster is summarised
exactly by two sums and a count, which is what makes incremental assignment cheap.

Clusters are formed by **average linkage** at `THRESHOLD`: two groups merge while the mean
similarity across them is at least the threshold, so a cluster cannot drift by chaining (single
linkage) and one outlier cannot keep a paraphrase out (complete linkage). Two ways to run it:

- `cluster_batch`: exact agglomerative average linkage (SciPy) over all statements at once;
  `saywho cluster` uses it for lists of up to `MAX_BATCH` statements.
- `ClusterIndex`: incremental; each new statement joins the existing cluster with the highest mean
  similarity if that is at least the threshold, or starts a new one. Clusters never merge or split
  afterwards, so the result can depend on the order statements arrive in; the benchmark prints how
  much (B-cubed F1 over several orders, beside the batch figure).

The weights and the threshold were chosen on the training half of the claim-matching clustering
set (clusters holding train tweets, and half the distractors), never on its dev half; see
``benchmarks/claims.py``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import sparse

from ..analyze.embed import DIM, Vectors, embed
from .text import claim_text

#: weight of the sentence-embedding cosine in the similarity (the rest is character n-grams)
DENSE_WEIGHT = 0.8
#: the mean similarity at or above which statements belong to one cluster
THRESHOLD = 0.475
#: `saywho cluster` clusters up to this many statements exactly (the distance matrix of 10 000
#: takes 400 MB); longer lists are clustered incrementally
MAX_BATCH = 10_000
#: hashed character n-gram space (collisions are rare at this size and cost nothing visible)
_NGRAM_FEATURES = 2**20


@dataclass(frozen=True, slots=True)
class Features:
    """What the similarity reads of each statement: embeddings and character n-gram vectors."""

    dense: Vectors  # (n, DIM), unit rows
    lexical: sparse.csr_matrix  # (n, _NGRAM_FEATURES), unit rows

    def __len__(self) -> int:
        return int(self.dense.shape[0])


def _vectorizer() -> object:
    from sklearn.feature_extraction.text import HashingVectorizer

    return HashingVectorizer(
        analyzer="char_wb",
        ngram_range=(3, 5),
        n_features=_NGRAM_FEATURES,
        alternate_sign=False,
        norm=None,
        lowercase=True,
        dtype=np.float32,
    )


def lexical_vectors(texts: Sequence[str]) -> sparse.csr_matrix:
    """Unit-length, sublinearly weighted character 3–5-gram counts (hashed)."""
    if not texts:
        return sparse.csr_matrix((0, _NGRAM_FEATURES), dtype=np.float32)
    counts = sparse.csr_matrix(_vectorizer().transform(list(texts)))  # type: ignore[attr-defined]
    counts.sort_indices()
    counts.data = (1.0 + np.log(counts.data)).astype(np.float32)
    # rows scaled to unit length here (sklearn's `normalize` validates its input first, which
    # cost more than the scaling for the one to ten texts ingest passes per call)
    lengths = np.diff(counts.indptr)
    norms = np.ones(counts.shape[0], dtype=np.float32)
    filled = lengths > 0
    if counts.nnz:
        norms[filled] = np.sqrt(np.add.reduceat(counts.data**2, counts.indptr[:-1][filled]))
    counts.data /= np.repeat(norms, lengths)
    return counts


def row_dots(matrix: sparse.csr_matrix, vector: sparse.csr_matrix) -> npt.NDArray[np.float32]:
    """The dot product of each row of `matrix` with the one-row `vector` (both with sorted
    indices, as `lexical_vectors` gives them): looked up by column instead of slicing the
    2**20 columns, which costs about a millisecond a call."""
    out = np.zeros(matrix.shape[0], dtype=np.float32)
    if not matrix.nnz or not vector.nnz:
        return out
    columns, weights = vector.indices, vector.data
    at = np.minimum(np.searchsorted(columns, matrix.indices), len(columns) - 1)
    products = np.where(columns[at] == matrix.indices, matrix.data * weights[at], 0.0).astype(
        np.float32
    )
    lengths = np.diff(matrix.indptr)
    filled = lengths > 0
    out[filled] = np.add.reduceat(products, matrix.indptr[:-1][filled])
    return out


def features(
    texts: Sequence[str], on_progress: Callable[[int, int], None] | None = None
) -> Features:
    """Features of statements as written (social-media furniture is removed first).

    `on_progress(done, total)` is called as embedding goes on (the slow part: about 2–3 ms a
    statement on two cores).
    """
    cleaned = [claim_text(t) for t in texts]
    dense = np.zeros((len(cleaned), DIM), dtype=np.float32)
    step = 512
    for start in range(0, len(cleaned), step):
        dense[start : start + step] = embed(cleaned[start : start + step])
        if on_progress is not None:
            on_progress(min(start + step, len(cleaned)), len(cleaned))
    return Features(dense=dense, lexical=lexical_vectors(cleaned))


def dense_vectors(texts: Sequence[str]) -> npt.NDArray[np.float32]:
    """The sentence embeddings alone of `features` (what the store keeps per claim)."""
    return embed([claim_text(t) for t in texts])


def similarity(a: Features, b: Features) -> npt.NDArray[np.float32]:
    """The similarity of every statement of `a` to every statement of `b` (shape (len a, len b))."""
    dense = a.dense @ b.dense.T
    lexical = (a.lexical @ b.lexical.T).toarray()
    combined: npt.NDArray[np.float32] = (
        DENSE_WEIGHT * dense + (1.0 - DENSE_WEIGHT) * lexical
    ).astype(np.float32)
    return combined


def cluster_batch(feats: Features, threshold: float = THRESHOLD) -> list[int]:
    """Average-linkage clusters; labels are 0, 1, 2 … in order of each cluster's first member."""
    n = len(feats)
    if n == 0:
        return []
    if n == 1:
        return [0]
    from scipy.cluster.hierarchy import fcluster, linkage

    # condensed distance matrix (upper triangle, row by row), built in blocks of rows
    condensed = np.empty(n * (n - 1) // 2, dtype=np.float64)
    pos = 0
    step = max(1, 2_000_000 // n)
    for start in range(0, n - 1, step):
        stop = min(n - 1, start + step)
        block = similarity(_rows(feats, start, stop), feats)
        for i in range(start, stop):
            row = block[i - start, i + 1 :]
            condensed[pos : pos + row.size] = 1.0 - row
            pos += row.size
    np.clip(condensed, 0.0, 2.0, out=condensed)
    tree = linkage(condensed, method="average")
    raw = fcluster(tree, t=1.0 - threshold, criterion="distance")
    return _renumber(raw.tolist())


def cluster_incremental(feats: Features, threshold: float = THRESHOLD) -> list[int]:
    """Clusters formed by adding the statements one by one, in the order given."""
    index = ClusterIndex(threshold)
    return [index.add(_rows(feats, i, i + 1)) for i in range(len(feats))]


def cluster(feats: Features, threshold: float = THRESHOLD) -> list[int]:
    """Batch clusters when the list is small enough (`MAX_BATCH`), incremental otherwise."""
    if len(feats) <= MAX_BATCH:
        return cluster_batch(feats, threshold)
    return cluster_incremental(feats, threshold)


class ClusterIndex:
    """Clusters kept as sums of their members' vectors; `add` assigns one statement.

    The mean similarity of a statement to a cluster is its dot product with the cluster's mean
    dense and lexical vectors, so assignment costs one matrix-vector product over the clusters,
    then an exact score for the best `CANDIDATES` of them.
    """

    CANDIDATES = 16

    def __init__(self, threshold: float = THRESHOLD) -> None:
        self.threshold = threshold
        self._dense = np.zeros((64, DIM), dtype=np.float32)
        self._lexical: list[sparse.csr_matrix] = []
        self._sizes: list[int] = []

    def __len__(self) -> int:
        return len(self._sizes)

    def scores(self, one: Features) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float32]]:
        """The best candidate clusters for one statement and its mean similarity to each."""
        n = len(self._sizes)
        if n == 0:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        sizes = np.asarray(self._sizes, dtype=np.float32)
        dense = (self._dense[:n] @ one.dense[0]) / sizes
        k = min(self.CANDIDATES, n)
        top = np.argpartition(-dense, k - 1)[:k] if k < n else np.arange(n)
        lexical = np.array(
            [
                float((self._lexical[c] @ one.lexical.T).toarray()[0, 0]) / self._sizes[c]
                for c in top
            ],
            dtype=np.float32,
        )
        score = DENSE_WEIGHT * dense[top] + (1.0 - DENSE_WEIGHT) * lexical
        order = np.argsort(-score, kind="stable")
        return top[order].astype(np.int64), score[order].astype(np.float32)

    def add(self, one: Features) -> int:
        """Assign one statement (features of one row); returns its cluster's number."""
        top, score = self.scores(one)
        if top.size and score[0] >= self.threshold:
            c = int(top[0])
            self._dense[c] += one.dense[0]
            self._lexical[c] = sparse.csr_matrix(self._lexical[c] + one.lexical)
            self._sizes[c] += 1
            return c
        c = len(self._sizes)
        if c == self._dense.shape[0]:
            self._dense = np.vstack([self._dense, np.zeros_like(self._dense)])
        self._dense[c] = one.dense[0]
        self._lexical.append(sparse.csr_matrix(one.lexical))
        self._sizes.append(1)
        return c


def _rows(feats: Features, start: int, stop: int) -> Features:
    return Features(dense=feats.dense[start:stop], lexical=feats.lexical[start:stop])


def _renumber(labels: list[int]) -> list[int]:
    seen: dict[int, int] = {}
    return [seen.setdefault(label, len(seen)) for label in labels]
