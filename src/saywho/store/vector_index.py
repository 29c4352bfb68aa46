"""Nearest stored claims: an HNSW index (usearch) over the claim vectors, kept beside the store.

The store stays the truth; the index is a cache that can always be rebuilt from it:

- For a SQLite store ``X.db`` the index is the file ``X.db.claims-index`` with its state in
  ``X.db.claims-index.json`` (the last claim indexed and the store's rebuild epoch), written
  atomically (a temporary file renamed over the old one), so a killed process leaves the old
  index or the new one. For PostgreSQL (or an in-memory SQLite) it lives in the process.
- Before each search the index catches up: claims are only ever added with growing ids
  (attribution ids), so it adds the claims above the last one it holds. Claims that left the
  store (an article's new version, a rebuild) may still be in the index: every hit is checked
  against the current claims and rescored exactly from the stored vectors, and the search asks
  for more neighbours than it returns.
- ``saywho claims rebuild`` bumps the store's rebuild epoch (`claim_state` row 2): an index of
  another epoch is thrown away and rebuilt.

Why usearch: sqlite-vec needs ``sqlite3.enable_load_extension``, which the Python this project
is built and tested with does not have; pgvector is not installed on most PostgreSQL servers
(where it is, a PostgreSQL store keeps its vectors there instead: `pg_vectors`).
usearch is one wheel (11 MB), needs nothing else, and its HNSW search over a million claims
takes well under a millisecond.
"""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import Connection, Engine, func, select

from ..analyze.embed import DIM, weights_fingerprint
from .claim_rows import rebuild_epoch
from .pg_vectors import PgVectorIndex, has_vectors, rescored
from .schema import claims

#: HNSW parameters: on 100,000 claim-like vectors, recall@10 0.99 and 0.09 ms a search
CONNECTIVITY, EXPANSION_ADD, EXPANSION_SEARCH = 16, 64, 64
#: below this many indexed claims a search compares with every one of them (about a millisecond
#: at the limit): exact answers, so small stores cluster the same however their claims arrived
#: (an HNSW graph built in one batch, as after a crash or a copy, differs from one built claim by
#: claim, and can miss even an identical vector among many near-duplicates)
EXACT_BELOW = 20_000
CHUNK = 50_000

_lock = threading.Lock()
_indexes: dict[str, ClaimIndex | PgVectorIndex] = {}


def index_path(engine: Engine) -> Path | None:
    """Where a store's index file lives (None: kept in the process)."""
    if engine.dialect.name != "sqlite":
        return None
    database = engine.url.database
    if not database or database == ":memory:":
        return None
    return Path(f"{database}.claims-index")


def new_index() -> Any:
    """An empty HNSW index of claim vectors (keys: unsigned integers)."""
    # onnxruntime must be loaded before usearch's extension: imported after it, onnxruntime
    # 1.32 crashes the process (SIGSEGV while loading its own extension, with usearch 2.26)
    import onnxruntime  # noqa: F401
    from usearch.index import Index

    return Index(ndim=DIM, metric="cos", dtype="f16", connectivity=CONNECTIVITY,
                 expansion_add=EXPANSION_ADD, expansion_search=EXPANSION_SEARCH)  # fmt: skip


class ClaimIndex:
    """One store's index of claim vectors (see the module docstring)."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        #: held by whoever updates or searches the index (it is not safe to do both at once)
        self.lock = threading.Lock()
        self.index: Any = None
        self.last_id = 0
        self.epoch = -1

    def _load(self) -> None:
        """The saved index, if there is one of this model; else an empty one."""
        self.index, self.last_id, self.epoch = new_index(), 0, -1
        if self.path is None or not self.path.is_file():
            return
        try:
            state = json.loads(Path(f"{self.path}.json").read_text(encoding="utf-8"))
            if state.get("model") != weights_fingerprint() or state.get("dim") != DIM:
                return
            index = new_index()
            index.load(str(self.path))
            self.index, self.last_id, self.epoch = index, int(state["last_id"]), int(state["epoch"])
        except (OSError, ValueError, KeyError, RuntimeError):  # unreadable: rebuilt from the store
            self.index, self.last_id, self.epoch = new_index(), 0, -1

    def save(self) -> None:
        """Write the index beside the store (atomically); nothing for an in-process index."""
        if self.path is None or self.index is None:
            return
        try:
            tmp = self.path.with_name(self.path.name + f".{os.getpid()}.tmp")
            self.index.save(str(tmp))
            os.replace(tmp, self.path)
            state = {
                "model": weights_fingerprint(),
                "dim": DIM,
                "last_id": self.last_id,
                "epoch": self.epoch,
            }
            tmp_state = Path(f"{self.path}.{os.getpid()}.json.tmp")
            tmp_state.write_text(json.dumps(state), encoding="utf-8")
            os.replace(tmp_state, Path(f"{self.path}.json"))
        except OSError:  # a read-only folder: the index stays in this process
            pass

    def sync(self, conn: Connection, save: bool = True) -> int:
        """Add the claims stored since the index was last brought up to date; returns how many.
        `save`: write the index file when claims were added (the writer saves once a run)."""
        if self.index is None:
            self._load()
        epoch = rebuild_epoch(conn)
        if epoch != self.epoch:
            self.index, self.last_id, self.epoch = new_index(), 0, epoch
        latest = int(conn.scalar(select(func.max(claims.c.attribution_id))) or 0)
        if latest <= self.last_id:
            return 0
        added = 0
        # streamed (the option on the statement: on the connection it would stay for the
        # writer's later statements)
        rows = conn.execute(
            select(claims.c.attribution_id, claims.c.vector)
            .where(claims.c.attribution_id > self.last_id)
            .order_by(claims.c.attribution_id)
            .execution_options(yield_per=CHUNK)
        )  # fmt: skip
        for part in rows.partitions(CHUNK):
            ids = np.fromiter((int(r[0]) for r in part), dtype=np.uint64, count=len(part))
            vectors = np.frombuffer(b"".join(bytes(r[1]) for r in part), dtype=np.float16)
            self.index.add(ids, vectors.reshape(len(part), DIM).astype(np.float32))
            self.last_id = int(ids[-1])
            added += len(part)
        if save:
            self.save()
        return added

    def keys_many(self, conn: Connection, queries: np.ndarray, count: int) -> list[list[int]]:
        """The attribution ids of the about `count` indexed claims nearest to each row of
        `queries`, in one search, unchecked (some may have left the store since they were
        indexed). `conn` is unused: the interface `PgVectorIndex` shares."""
        if self.index is None or len(self.index) == 0 or not len(queries):
            return [[] for _ in range(len(queries))]
        found = self.index.search(
            queries.astype(np.float32),
            min(len(self.index), count),
            exact=len(self.index) < EXACT_BELOW,
        )
        if len(queries) == 1:  # one query gives `Matches`, several `BatchMatches`
            return [[int(k) for k in np.asarray(found.keys).ravel()]]
        keys, counts = np.asarray(found.keys), np.asarray(found.counts).ravel()
        return [[int(k) for k in keys[n, : counts[n]]] for n in range(len(queries))]

    def search(self, conn: Connection, query: np.ndarray, top: int) -> list[tuple[int, float]]:
        """The `top` current claims nearest to the unit vector `query`: (attribution id, cosine),
        rescored exactly from the stored vectors."""
        self.sync(conn)
        return rescored(conn, self.keys_many(conn, query[None, :], top * 4 + 20)[0], query, top)


#: what finds a store's nearest claims: the in-process HNSW index, or pgvector's in PostgreSQL
NearestClaims = ClaimIndex | PgVectorIndex


def claim_index(engine: Engine) -> NearestClaims:
    """This process's index for `engine`'s store: pgvector's when the store keeps its vectors
    there (`pg_vectors`), else the in-process HNSW index."""
    key = str(engine.url)
    with _lock:
        index = _indexes.get(key)
    if index is not None:
        return index
    in_database = False
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            in_database = has_vectors(conn)
    with _lock:
        index = _indexes.get(key)
        if index is None:
            index = _indexes[key] = (
                PgVectorIndex() if in_database else ClaimIndex(index_path(engine))
            )
        return index


def forget_index(engine: Engine) -> None:
    """Drop this process's index of `engine`'s store (after the store changed where it keeps
    its vectors: `pg_vectors.enable`)."""
    with _lock:
        _indexes.pop(str(engine.url), None)


def nearest(engine: Engine, query: np.ndarray, top: int) -> list[tuple[int, float]]:
    """The `top` current claims nearest to `query`, through the index (one search at a time in a
    process: the index is not safe to update while searched)."""
    index = claim_index(engine)
    with index.lock, engine.connect() as conn:
        return index.search(conn, query, top)
