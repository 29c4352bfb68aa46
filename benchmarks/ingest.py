"""Store benchmarks: ingest throughput and memory next to `saywho analyze`; search latency at 1M.

    .venv/bin/python benchmarks/ingest.py [--n 1,2,4] [--docs 80] [--repeat 2] [--attributions 1000000]
                                          [--postgres [URL]] [--quick]

Part 1, ingest. The demo corpus (the RT sample and the Wikinews articles) is copied N times into a
temporary folder; each copy's body gets one extra sentence naming its copy number, so every copy
is a distinct article (a distinct body hash, hence a distinct store key). For each N, two real
commands run as child processes on the same folder, and each child's wall time and peak RSS
(``ru_maxrss`` from ``os.wait4``, so one child per figure) are recorded:

- baseline: ``saywho analyze FOLDER`` (output to /dev/null);
- measured: ``SAYWHO_CLAIMS=0 saywho ingest FOLDER --db NEW.db`` (the store without claims);
- measured: ``saywho ingest FOLDER --db NEW.db`` (claims embedded and clustered as they are
  stored; the copies' bodies are syndicated copies of each other, which ingest detects).

Both include interpreter start and spaCy load; the *marginal* figures (between the smallest and
the largest N) cancel those and are what the storage overhead is judged on when there are two
N's. Targets: ingest without claims / analyze ≤ 1.15 (what storing costs), ingest with claims /
ingest without ≤ 1.25 (what claims cost), peak RSS flat as N grows (largest-N / smallest-N peak
≤ 1.10, with claims).

Part 2, search. A SQLite store with ≥ 1M attributions is generated straight through the schema
(bulk inserts into every table a search reads, FTS5 index filled) and cached under
``benchmarks/out/`` (git-ignored) keyed by its size and the schema revision, so reruns are fast.
Contents are windows of real demo-corpus text (realistic word frequencies); queries are one to
three words from the demo titles. `saywho.store.search` runs plain and with each filter
(--stance, --kind, --speaker, --outlet, --since, and three combined); target p95 < 50 ms on
SQLite. Beside the wall-clock latencies, the CPU time this process spent per search (p95) is
printed with the load average: on a shared machine the wall clock also counts waiting for a core.

Part 3, with ``--postgres``: the same generated rows are loaded into PostgreSQL (a throwaway
server, or the empty database at URL; see ``ingest_pg.py``) and the same searches are timed.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "benchmarks" / "out"
SAYWHO = str(Path(sys.executable).with_name("saywho"))
P95_TARGET_MS = 50.0
OVERHEAD_TARGET = 1.15
CLAIMS_TARGET = 1.25
FLAT_TARGET = 1.10


# --------------------------------------------------------------------------------------- part 1


def make_corpus(folder: Path, paths: list[str], copies: int) -> int:
    """`copies` copies of each file, each body with one distinct sentence; returns the count."""
    folder.mkdir(parents=True, exist_ok=True)
    n = 0
    for k in range(1, copies + 1):
        for p in paths:
            body = Path(p).read_text(encoding="utf-8").rstrip()
            extra = f"\n\nThis is benchmark copy number {k} of this article."
            (folder / f"c{k:03d}-{Path(p).name}").write_text(body + extra + "\n", encoding="utf-8")
            n += 1
    return n


def timed_child(argv: list[str], env: dict[str, str]) -> tuple[float, float, int]:
    """(wall seconds, peak RSS MiB, exit code) of one child process."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    assert proc.stderr is not None
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        sys.stderr.write(err.decode(errors="replace")[-2000:])
    return wall, usage.ru_maxrss / 1024, proc.returncode  # Linux: ru_maxrss in KiB


def bench_ingest(ns: list[int], docs: int, workers: int, repeat: int) -> bool:
    from saywho.pipeline import demo_corpus

    paths, _meta = demo_corpus()
    paths = paths[:docs]
    env = dict(os.environ, NO_COLOR="1", COLUMNS="200")
    env.pop("SAYWHO_DB", None)
    plain = dict(env, SAYWHO_CLAIMS="0")
    rows = []
    print(
        f"== ingest: demo corpus slice of {len(paths)} articles × N, workers={workers}, best of {repeat} =="
    )
    with tempfile.TemporaryDirectory(prefix="saywho-bench-") as tmp:
        for n in ns:
            folder = Path(tmp) / f"corpus{n}"
            count = make_corpus(folder, paths, n)
            a_wall = p_wall = i_wall = float("inf")
            a_rss = p_rss = i_rss = 0.0
            for r in range(max(1, repeat)):  # alternate the three so drift hits all alike
                wall, rss, a_rc = timed_child([SAYWHO, "analyze", str(folder)], env)
                a_wall, a_rss = min(a_wall, wall), max(a_rss, rss)
                db = Path(tmp) / f"plain{n}-{r}.db"
                wall, rss, p_rc = timed_child(
                    [SAYWHO, "ingest", str(folder), "--db", str(db), "--workers", str(workers)],
                    plain,
                )
                p_wall, p_rss = min(p_wall, wall), max(p_rss, rss)
                db = Path(tmp) / f"store{n}-{r}.db"
                wall, rss, i_rc = timed_child(
                    [SAYWHO, "ingest", str(folder), "--db", str(db), "--workers", str(workers)], env
                )
                i_wall, i_rss = min(i_wall, wall), max(i_rss, rss)
                if a_rc or p_rc or i_rc:
                    print(f"N={n}: a command failed (analyze rc={a_rc}, ingest rc={p_rc}, "
                          f"ingest with claims rc={i_rc})")  # fmt: skip
                    return False
            size = db.stat().st_size / 2**20
            rows.append((n, count, a_wall, a_rss, p_wall, p_rss, i_wall, i_rss, size))
            shutil.rmtree(folder)
    print(f"{'N':>3}{'docs':>6} | {'analyze s':>9}{'docs/s':>8}{'peak MiB':>9} | "
          f"{'ingest s':>9}{'docs/s':>8}{'peak MiB':>9} | {'+claims s':>9}{'docs/s':>8}{'peak MiB':>9} | "
          f"{'db MiB':>7}")  # fmt: skip
    for n, count, a_wall, a_rss, p_wall, p_rss, i_wall, i_rss, size in rows:
        print(f"{n:>3}{count:>6} | {a_wall:>9.2f}{count / a_wall:>8.2f}{a_rss:>9.0f} | "
              f"{p_wall:>9.2f}{count / p_wall:>8.2f}{p_rss:>9.0f} | "
              f"{i_wall:>9.2f}{count / i_wall:>8.2f}{i_rss:>9.0f} | {size:>7.1f}")  # fmt: skip
    ok = True
    first, last = rows[0], rows[-1]
    if len(rows) > 1 and last[1] > first[1]:
        extra = last[1] - first[1]
        a_marg, p_marg, i_marg = last[2] - first[2], last[4] - first[4], last[6] - first[6]
        storage, claims = p_marg / a_marg, i_marg / p_marg
        print(f"marginal (N={first[0]}→{last[0]}, {extra} more docs, start-up cancelled): "
              f"analyze {extra / a_marg:.2f} docs/s, ingest {extra / p_marg:.2f} docs/s, "
              f"ingest with claims {extra / i_marg:.2f} docs/s")  # fmt: skip
    else:
        storage, claims = last[4] / last[2], last[6] / last[4]
        print("one N only: the overheads below include interpreter start and model loads")
    for label, ratio, target in (("storage overhead ingest (SAYWHO_CLAIMS=0) / analyze", storage, OVERHEAD_TARGET),
                                 ("claims cost ingest / ingest (SAYWHO_CLAIMS=0)", claims, CLAIMS_TARGET)):  # fmt: skip
        verdict = "PASS" if ratio <= target else "FAIL"
        ok &= ratio <= target
        print(f"{label}: {ratio:.3f} (target ≤ {target:.2f}): {verdict}")
    flat = last[7] / first[7]
    verdict = "PASS" if flat <= FLAT_TARGET else "FAIL"
    ok &= flat <= FLAT_TARGET
    print(f"ingest peak RSS N={last[0]} / N={first[0]}: {last[7]:.0f} / {first[7]:.0f} MiB = "
          f"{flat:.3f} (flat: ≤ {FLAT_TARGET:.2f}): {verdict}")  # fmt: skip
    return ok


# --------------------------------------------------------------------------------------- part 2

KINDS = (
    ["indirect"] * 45 + ["direct"] * 30 + ["mixed"] * 10 + ["according_to"] * 12 + ["headline"] * 3
)
STANCES = (["neutral"] * 60 + ["distancing"] * 8 + ["factive"] * 10 + ["accusing"] * 6
           + ["denying"] * 5 + ["estimating"] * 6 + ["other"] * 5)  # fmt: skip
PER_ARTICLE = 10
N_SPEAKERS = 20_000
N_OUTLETS = 200
FIRST_DAY = date(2004, 1, 1)
N_DAYS = 7300
STOP = frozenset(
    "the a an and or of to in on at for by with from as is are was were be been it its this that "  # noqa: SIM905
    "these those he she they we you i his her their our not no but if than then so".split()
)


def corpus_words() -> tuple[list[str], list[str]]:
    """The demo corpus as one token stream (for contents) and its title words (for queries)."""
    from saywho.pipeline import demo_corpus

    paths, _ = demo_corpus()
    stream: list[str] = []
    for p in paths:
        stream += re.findall(r"[A-Za-z][A-Za-z'-]*|\d+", Path(p).read_text(encoding="utf-8"))
    manifest = ROOT / "src/saywho/data/demo/wikinews/manifest.jsonl"
    titles = [
        json.loads(line)["title"] for line in manifest.read_text().splitlines() if line.strip()
    ]
    words = sorted({w.lower() for t in titles for w in re.findall(r"[A-Za-z]{3,}", t)} - STOP)
    return stream, words


def generated_rows(total: int, seed: int = 1) -> Iterator[tuple[str, list[dict[str, Any]]]]:
    """(table name, rows) in insertion order for a store of `total` attributions; the same
    rows on every backend (`generate_store` for SQLite, ``ingest_pg.py`` for PostgreSQL)."""
    rng = random.Random(seed)
    stream, _ = corpus_words()
    now = datetime.now(UTC)
    yield "outlets", [{"id": i + 1, "name": f"Outlet {i}"} for i in range(N_OUTLETS)]
    sp_rows, alias_rows = [], []
    for i in range(N_SPEAKERS):
        first, last = f"first{i % 997}", f"surname{i}"
        sp_rows.append({"id": i + 1, "name": f"{first.title()} {last.title()}", "type": "PERSON",
                        "merge_key": f"full:{first} {last}", "surname": last})  # fmt: skip
        alias_rows.append({"id": 2 * i + 1, "speaker_id": i + 1, "alias": f"{first.title()} {last.title()}",
                           "normalised": f"{first} {last}"})  # fmt: skip
        alias_rows.append({"id": 2 * i + 2, "speaker_id": i + 1, "alias": last.title(), "normalised": last})  # fmt: skip
    yield "speakers", sp_rows
    yield "speaker_aliases", alias_rows
    n_art = -(-total // PER_ARTICLE)
    aid = 0
    for start in range(0, n_art, 5000):
        ids = range(start + 1, min(n_art, start + 5000) + 1)
        yield "articles", [
            {"id": i, "key": f"hash:{i}", "outlet_id": rng.randint(1, N_OUTLETS),
             "current_version_id": i, "first_seen": now} for i in ids]  # fmt: skip
        versions = []
        for i in ids:
            day = FIRST_DAY + timedelta(days=rng.randrange(N_DAYS))
            versions.append({
                "id": i, "article_id": i, "version": 1, "body_hash": f"{i:064x}", "source": f"gen/{i}",
                "url": f"https://example.org/{i}", "title": f"Generated article {i}",
                "published": day.isoformat(), "published_date": day, "authors": "[]", "text": "x",
                "paragraphs": "[]", "input_format": "plain", "warnings": "[]",
                "extractor_version": "bench", "ingested_at": now,
            })  # fmt: skip
        yield "article_versions", versions
        rows = []
        for i in ids:
            for k in range(PER_ARTICLE):
                aid += 1
                if aid > total:
                    break
                at = rng.randrange(len(stream) - 40)
                content = " ".join(stream[at : at + rng.randint(8, 35)])
                rows.append({
                    "id": aid, "version_id": i, "local_id": f"a{k}", "kind": rng.choice(KINDS),
                    "field": "text", "speaker_id": rng.randint(1, N_SPEAKERS), "cue_start": 0,
                    "cue_end": 4, "cue_text": "said", "cue_lemma": "say",
                    "stance": rng.choice(STANCES), "content_start": 0, "content_end": len(content),
                    "content": content, "sentence": k, "confidence": 0.9,
                })  # fmt: skip
        yield "attributions", rows


def generate_store(path: Path, total: int, seed: int = 1) -> None:
    """A SQLite store with `total` attributions, written through the schema in bulk."""
    from sqlalchemy import insert, text

    from saywho.store import open_store
    from saywho.store.schema import metadata
    from saywho.store.tallies import recount

    tmp = path.with_suffix(".tmp")
    for p in (tmp, Path(str(tmp) + "-wal"), Path(str(tmp) + "-shm")):
        p.unlink(missing_ok=True)
    engine = open_store(str(tmp))
    t0 = time.perf_counter()
    with engine.begin() as c:
        c.exec_driver_sql("PRAGMA synchronous=OFF")
        for name, rows in generated_rows(total, seed):
            c.execute(insert(metadata.tables[name]), rows)
            if name == "attributions":
                c.execute(text("INSERT INTO attribution_fts(rowid, content) VALUES (:id, :content)"),
                          [{"id": r["id"], "content": r["content"]} for r in rows])  # fmt: skip
        c.exec_driver_sql("INSERT INTO attribution_fts(attribution_fts) VALUES ('optimize')")
        recount(c)  # rows written in bulk, not by the writer: the pages' tallies counted once
    with engine.connect() as c:
        c.exec_driver_sql("ANALYZE")
        c.commit()
    engine.dispose()
    for suffix in ("-wal", "-shm"):
        Path(str(tmp) + suffix).unlink(missing_ok=True)
    tmp.rename(path)
    print(f"generated {total} attributions in {time.perf_counter() - t0:.0f}s → {path}")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def search_store(total: int) -> Path:
    """The generated store of `total` attributions at the current schema revision, cached under
    ``benchmarks/out/`` (also used by benchmarks/api.py)."""
    from saywho.store import head_revision

    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"search-{total}-r{head_revision()}.db"
    if not path.exists():
        # a store generated at an older revision is migrated rather than rebuilt
        older = sorted(OUT.glob(f"search-{total}-r*.db"))
        if older:
            shutil.copyfile(older[-1], path)
            from saywho.store import make_engine, upgrade

            t = time.perf_counter()
            before, after = upgrade(make_engine(str(path)))
            with make_engine(str(path)).connect() as c:
                c.exec_driver_sql("ANALYZE")
                c.commit()
            print(
                f"migrated cached {older[-1].name} {before} → {after} in {time.perf_counter() - t:.0f}s"
            )
        else:
            generate_store(path, total)
    else:
        print(f"(cached: {path.name})")
    return path


SEARCH_CASES: list[tuple[str, dict[str, object]]] = [
    ("plain", {}),
    ("--stance denying", {"stance": "denying"}),
    ("--stance neutral", {"stance": "neutral"}),
    ("--kind direct", {"kind": "direct"}),
    ("--kind headline", {"kind": "headline"}),
    ("--speaker 'Surname123'", {"speaker": "Surname123"}),
    ("--outlet 'Outlet 7'", {"outlet": "Outlet 7"}),
    ("--since 2023-01-01", {"since": date(2023, 1, 1)}),
    (
        "--stance --kind --since",
        {"stance": "accusing", "kind": "indirect", "since": date(2015, 1, 1)},
    ),
]


def search_queries(n_queries: int) -> list[str]:
    """`n_queries` queries of one to three demo-title words (the same on every run)."""
    _, words = corpus_words()
    rng = random.Random(7)
    return [" ".join(rng.sample(words, rng.choice([1, 1, 2, 2, 3]))) for _ in range(n_queries)]


def time_searches(engine: Any, queries: list[str], target_ms: float | None) -> bool:
    """p50/p95/max of `saywho.store.search` for every case of SEARCH_CASES; with `target_ms`,
    each case's wall-clock p95 is judged against it. The CPU time this process spent per search
    is shown too: on a shared machine (load average printed) the wall clock also counts time
    waiting for a core; the database server's CPU is not in it (PostgreSQL)."""
    from saywho.store import Filters, search

    for q in queries[:10]:  # warm the caches
        search(engine, Filters(query=q, limit=20))
    ok = True
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"{len(queries)} queries of 1-3 title words, limit 20 (a CLI search's default); "
          f"load average {load} on {os.cpu_count()} cores")  # fmt: skip
    print(
        f"{'case':<26}{'p50 ms':>8}{'p95 ms':>8}{'max ms':>8}{'cpu p95':>8}{'hits/q':>8}  verdict"
    )
    for label, extra in SEARCH_CASES:
        lat, cpu, hits = [], [], 0
        for q in queries:
            t, c = time.perf_counter(), time.process_time()
            hits += len(search(engine, Filters(query=q, limit=20, **extra)))  # type: ignore[arg-type]
            lat.append((time.perf_counter() - t) * 1000)
            cpu.append((time.process_time() - c) * 1000)
        p50, p95 = statistics.median(lat), percentile(lat, 0.95)
        verdict = "-" if target_ms is None else "PASS" if p95 < target_ms else "FAIL"
        ok &= target_ms is None or p95 < target_ms
        print(f"{label:<26}{p50:>8.1f}{p95:>8.1f}{max(lat):>8.1f}{percentile(cpu, 0.95):>8.1f}"
              f"{hits / len(queries):>8.1f}  {verdict}")  # fmt: skip
    return ok


def bench_search(total: int, n_queries: int) -> bool:
    from saywho.store import open_store

    print(f"\n== search: SQLite store with {total} attributions ==")
    path = search_store(total)
    engine = open_store(str(path), create=False)
    ok = time_searches(engine, search_queries(n_queries), P95_TARGET_MS)
    print(f"search p95 target < {P95_TARGET_MS:.0f} ms on SQLite: {'PASS' if ok else 'FAIL'}")
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--n", default="1,2", help="copies of the corpus slice, comma-separated (default 1,2)"
    )
    parser.add_argument(
        "--docs",
        type=int,
        default=80,
        help="articles of the demo corpus per copy (default 80; 0: all 261)",
    )
    parser.add_argument(
        "--repeat", type=int, default=2, help="runs of each command per N; the fastest counts"
    )
    parser.add_argument(
        "--workers", type=int, default=1, help="saywho ingest --workers (default 1)"
    )
    parser.add_argument(
        "--attributions", type=int, default=1_000_000, help="size of the search store"
    )
    parser.add_argument("--queries", type=int, default=200, help="queries per search case")
    parser.add_argument(
        "--quick",
        action="store_true",
        help="smoke run: N=1,2 on 6 docs once, 50k attributions, 40 queries",
    )
    parser.add_argument("--skip-ingest", action="store_true")
    parser.add_argument("--skip-search", action="store_true")
    parser.add_argument(
        "--postgres",
        nargs="?",
        const="throwaway",
        metavar="URL",
        help="also time the searches on PostgreSQL: a throwaway server started here (no URL) "
        "or the empty database at URL, filled with the same generated attributions",
    )
    args = parser.parse_args()
    ns = sorted({int(x) for x in args.n.split(",") if x.strip()})
    docs, total, n_queries = args.docs or 10**9, args.attributions, args.queries
    if args.quick:
        ns, docs, total, n_queries, args.repeat = [1, 2], 6, 50_000, 40, 1
    ok = True
    if not args.skip_ingest:
        ok &= bench_ingest(ns, docs, args.workers, args.repeat)
    if not args.skip_search:
        ok &= bench_search(total, n_queries)
    if args.postgres:
        from ingest_pg import bench_search_postgres

        ok &= bench_search_postgres(args.postgres, total, n_queries)
    print(f"\noverall: {'PASS' if ok else 'FAIL'}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
