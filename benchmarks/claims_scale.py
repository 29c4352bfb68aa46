"""Similar-claim search at scale: `saywho similar` over a store of a million claims.

    .venv/bin/python benchmarks/claims_scale.py [--claims 1000000] [--queries 200] [--baseline 5]

The store: the generated search store of `benchmarks/ingest.py` (``--claims`` attributions with
realistic contents, cached under ``benchmarks/out/``), copied, and every attribution made a claim
whose vector is one of 2,000 embedded demo-corpus sentences plus noise (σ 0.03 a dimension,
then scaled to unit length), so the vectors cluster as real claims do. Cached as well.

Printed, measured in this run:

- the time to build the index beside the store (the first search after a large ingest pays it;
  later searches only add what was stored since);
- `saywho.store.claim_query.similar` (embedding the query text, the index search, the exact
  rescoring and reading the hits' articles) for ``--queries`` demo sentences not in the store:
  p50 / p95 / max milliseconds — target p95 < 100 ms;
- the named baseline: `nearest_claims`, which reads every stored vector, on ``--baseline`` of the
  queries (p50), and the index's recall@10 against it on those queries.
"""

from __future__ import annotations

import argparse
import re
import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import numpy as np
from ingest import OUT, percentile, search_store

TARGET_P95_MS = 100.0
BASES = 2000
NOISE = 0.03


def demo_sentences(n: int, skip: int = 0) -> list[str]:
    """Sentences of the Wikinews demo articles, 8–40 words, in corpus order."""
    from saywho.store import demo_corpus

    out: list[str] = []
    for path in demo_corpus()[0][1:]:
        text = Path(path).read_text(encoding="utf-8")
        for sentence in re.split(r"(?<=[.!?])\s+", text):
            if 8 <= len(sentence.split()) <= 40:
                out.append(sentence.strip())
    return out[skip : skip + n]


def claims_store(total: int) -> Path:
    """The search store with every attribution a claim (see the module docstring), cached."""
    from sqlalchemy import insert, select

    from saywho.claims.cluster import dense_vectors
    from saywho.store import open_store
    from saywho.store.schema import attributions, claim_clusters, claims

    path = OUT / f"claims-{total}.db"
    if path.exists():
        print(f"(cached: {path.name})")
        return path
    base = search_store(total)
    tmp = path.with_suffix(".tmp")
    shutil.copyfile(base, tmp)
    t0 = time.perf_counter()
    vectors = dense_vectors(demo_sentences(BASES))
    rng = np.random.default_rng(7)
    engine = open_store(str(tmp), create=False)
    with engine.begin() as conn:
        conn.exec_driver_sql("PRAGMA synchronous=OFF")
        conn.execute(insert(claim_clusters), [{"id": i + 1, "size": 0, "vector_sum": b"", "first_claim_id": 0}
                                              for i in range(BASES)])  # fmt: skip
        ids = [int(r[0]) for r in conn.execute(select(attributions.c.id).order_by(attributions.c.id))]
        for start in range(0, len(ids), 50_000):
            part = ids[start : start + 50_000]
            which = rng.integers(0, BASES, len(part))
            noisy = vectors[which] + rng.standard_normal((len(part), vectors.shape[1])).astype(np.float32) * NOISE
            noisy /= np.linalg.norm(noisy, axis=1, keepdims=True)
            half = noisy.astype(np.float16)
            conn.execute(insert(claims), [{"attribution_id": aid, "cluster_id": int(w) + 1, "vector": half[k].tobytes()}
                                          for k, (aid, w) in enumerate(zip(part, which, strict=True))])  # fmt: skip
    engine.dispose()
    tmp.rename(path)
    print(f"made {len(ids)} claims in {time.perf_counter() - t0:.0f}s → {path}")
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--baseline", type=int, default=5, help="queries timed on the full scan")
    args = parser.parse_args(argv)

    from saywho.claims.cluster import dense_vectors
    from saywho.store import open_store
    from saywho.store.claim_query import nearest_claims, similar
    from saywho.store.vector_index import index_path, nearest

    path = claims_store(args.claims)
    engine = open_store(str(path), create=False)
    index = index_path(engine)
    if index is not None:
        for p in (index, Path(f"{index}.json")):
            p.unlink(missing_ok=True)
    queries = demo_sentences(args.queries, skip=BASES)
    dense_vectors(queries[:1])  # loads the model, so the build below times the index alone
    t0 = time.perf_counter()
    nearest(engine, dense_vectors([queries[0]])[0], 10)
    print(f"index built beside the store: {args.claims} claims in {time.perf_counter() - t0:.1f} s")
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
    print(f"baseline, reading every vector (nearest_claims), {len(scan)} queries: p50 "
          f"{percentile(scan, 0.5):.0f} ms; the index's recall@10 against it: {np.mean(recall):.3f}")
    ok = p95 < TARGET_P95_MS
    print(f"similar p95 {p95:.1f} ms on {args.claims} claims (target < {TARGET_P95_MS:.0f} ms, SQLite): "
          + ("PASS" if ok else "FAIL"))
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
