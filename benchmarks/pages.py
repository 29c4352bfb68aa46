"""Page and endpoint latency on a big store: every HTML page and API endpoint, warm, one at a time.

    .venv/bin/python benchmarks/pages.py [--attributions 1000000] [--requests 50]
                                         [--db sqlite|postgresql|both] [--postgres URL]
                                         [--only PREFIX] [--quick]

Store (SQLite): the claims store of benchmarks/claims_scale.py (`claims_store`: ≥ 1M generated
attributions written in bulk through the schema — 20,000 speakers, 200 outlets, about 80,000
articles — all but 1,000 of them claims, in about 758,000 clusters of Zipf-distributed sizes, with
each cluster's spread counted), with the demo corpus ingested on top through the library (its
claims, clusters, copies, figures and entities real) and PolitiFact's 19,250 fact-checks imported
by ``saywho factchecks import`` (so claims are matched against them as a user's store would be);
cached as ``benchmarks/out/pages-claims-N-rREV.db``. PostgreSQL: a throwaway server (as
benchmarks/ingest_pg.py starts one, or ``--postgres URL``) filled by COPY with the same generated
rows, claims and clusters (`claims_scale.copy_claims`), then the demo corpus and the fact-checks
through the library.

Measured: a real ``saywho serve`` child process on a free 127.0.0.1 port and one client (httpx)
asking each page and endpoint `--requests` times (50), one request after another, each with
other parameters where the route takes them (articles, speakers, entities, claims and
fact-checks drawn from the store; search words from the demo titles; pages deep into a list),
after one unmeasured warm-up pass over the same requests. Printed per route: p50, p95 and max in
milliseconds, and a PASS/FAIL line per database against the 300 ms p95 target. Baseline, in the
same run: ``GET /healthz`` (one trivial query), what the server and HTTP cost on their own.
Every answer must be 200 (a 404 for an id drawn from the store is an error); the exit status is
1 when an answer is not or a p95 misses the target.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))

from api import (
    DEMO_PHRASES,
    INDEX_SUFFIXES,
    free_port,
    ingest_demo,
    migrate_cached,
    move_store,
    start_server,
    stop_server,
)
from ingest import OUT, corpus_words, percentile

TARGET_MS = 300.0
SAYWHO = str(Path(sys.executable).with_name("saywho"))
ROOT = Path(__file__).resolve().parents[1]
DATA = Path(os.environ.get("SAYWHO_SHARED_DATA", ROOT.parent / "shared" / "data"))


# --------------------------------------------------------------------------------- the stores


def _fact_checks(folder: Path) -> Path:
    """PolitiFact's fact-checks as ClaimReview JSON Lines (benchmarks/factchecks.py's shape)."""
    from factchecks import politifact_checks, politifact_reviews

    path = folder / "politifact-reviews.jsonl"
    reviews = politifact_reviews(politifact_checks(DATA / "claim-matching" / "politifact"))
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in reviews), "utf-8")
    return path


def _import_fact_checks(db: str) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    path = _fact_checks(OUT)
    t = time.perf_counter()
    done = subprocess.run([SAYWHO, "factchecks", "import", str(path), "--db", db],
                          capture_output=True, text=True)  # fmt: skip
    if done.returncode:
        raise SystemExit(f"saywho factchecks import failed: {done.stderr.strip()[-500:]}")
    print(f"{done.stderr.strip().splitlines()[-1]} ({time.perf_counter() - t:.0f} s)")


def sqlite_store(total: int) -> Path:
    """The claims store of benchmarks/claims_scale.py, migrated, with the demo corpus ingested
    on top and the fact-checks imported, cached."""
    import shutil
    import sqlite3

    from claims_scale import claims_store

    from saywho.analyze.embed import weights_fingerprint
    from saywho.store import head_revision, make_engine, upgrade
    from saywho.store.claim_rows import set_encoder

    path = OUT / f"pages-claims-{total}-r{head_revision()}.db"
    if path.exists():
        print(f"(cached: {path.name})")
        return path
    tmp = path.with_suffix(".tmp")
    older = sorted(OUT.glob(f"pages-claims-{total}-r*.db"))
    if older:  # built at an older schema revision
        return migrate_cached(older[-1], path)
    base = claims_store(total)
    for p in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
        p.unlink(missing_ok=True)
    with sqlite3.connect(base) as db:  # a migration may still sit in the write-ahead log
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    t = time.perf_counter()
    shutil.copyfile(base, tmp)
    for suffix in INDEX_SUFFIXES:  # the claims' vector index, found by the store's file name
        if Path(f"{base}{suffix}").exists():
            shutil.copyfile(f"{base}{suffix}", f"{tmp}{suffix}")
    engine = make_engine(str(tmp))
    before, after = upgrade(engine)  # (a cached claims store may be older: the spread counted)
    with engine.begin() as conn:  # its vectors are demo sentences embedded by these weights
        set_encoder(conn, weights_fingerprint())
    engine.dispose()
    print(
        f"copied {base.name} and migrated it {before} → {after} in {time.perf_counter() - t:.0f}s"
    )
    ingest_demo(str(tmp))
    _import_fact_checks(str(tmp))
    move_store(tmp, path)
    return path


@contextmanager
def postgres_store(total: int, given: str | None) -> Iterator[str]:
    """A PostgreSQL store like the SQLite one: a throwaway server unless `given`."""
    from claims_scale import claims_store, copy_claims
    from ingest_pg import _given, load, throwaway_server
    from sqlalchemy import func, select

    from saywho.store import open_store
    from saywho.store.schema import attributions

    claims_path = claims_store(total) if given is None else None
    with throwaway_server() if given is None else _given(given) as url:
        engine = open_store(url)
        with engine.connect() as conn:
            have = int(conn.scalar(select(func.count()).select_from(attributions)) or 0)
        if have == 0:
            load(engine, total)
            copy_claims(engine, claims_path or claims_store(total))
            engine.dispose()
            ingest_demo(url)
            _import_fact_checks(url)
        else:
            print(f"(the given database holds {have} attributions: reused)")
            engine.dispose()
        yield url


# ------------------------------------------------------------------------------- the requests


def _draw(conn: Any, sql: str, n: int, rng: random.Random) -> list[Any]:
    from sqlalchemy import text

    values = [r[0] for r in conn.execute(text(sql)).all()]
    if not values:
        raise SystemExit(f"the store has nothing for: {sql}")
    return [rng.choice(values) for _ in range(n)]


def routes(db: str, n: int, seed: int = 11) -> dict[str, list[str]]:
    """Route label → `n` request paths (query strings included)."""
    from saywho.store import make_engine

    rng = random.Random(seed)
    _, words = corpus_words()
    engine = make_engine(db)
    with engine.connect() as c:
        # ids from across the store: generated articles and speakers, and the demo's real ones
        arts = _draw(c, "SELECT id FROM articles WHERE current_version_id IS NOT NULL "
                        "AND id % 97 = 0 OR id > (SELECT max(id) - 300 FROM articles)", n, rng)  # fmt: skip
        spk = _draw(c, "SELECT DISTINCT speaker_id FROM attributions WHERE speaker_id IS NOT NULL "
                       "AND (speaker_id % 53 = 0 OR speaker_id > (SELECT max(id) - 300 FROM speakers))",
                    n, rng)  # fmt: skip
        ents = _draw(c, "SELECT DISTINCT normalised FROM mentions", n, rng)
        clus = _draw(c, "SELECT cluster_id FROM claim_spread", n, rng)
        fcs = _draw(c, "SELECT id FROM fact_checks WHERE id % 7 = 0", n, rng)
        fc_claims = _draw(c, "SELECT claim_reviewed FROM fact_checks WHERE id % 11 = 0", n, rng)
    engine.dispose()

    def words_q() -> str:
        if rng.random() < 0.2:
            return rng.choice(DEMO_PHRASES)
        return " ".join(rng.sample(words, rng.choice([1, 1, 2, 3])))

    def each(make: Callable[[int], str]) -> list[str]:
        return [make(i) for i in range(n)]

    def q(path: str, **params: object) -> str:
        kept = {k: v for k, v in params.items() if v is not None}
        return f"{path}?{urlencode(kept)}" if kept else path

    deep = [0, 0, 0, 20, 40, 100, 1000]
    filters: list[dict[str, object]] = [
        {}, {"stance": "denying"}, {"kind": "direct"}, {"since": "2020-01-01"},
        {"outlet": "Outlet 7"}, {"speaker": "Surname123"}, {"check_worthy": "true"},
        {"stance": "accusing", "kind": "indirect", "since": "2015-01-01"},
    ]  # fmt: skip
    claim_filters: list[dict[str, object]] = [
        {}, {"min_outlets": 2}, {"since": "2020-01-01"}, {"since": "2018-01-01", "until": "2018-12-31"},
        {"outlet": "Outlet 7"}, {"speaker": "Surname123"}, {"check_worthy": "true"},
        {"fact_checked": "true"}, {"min_articles": 3, "sort": "recent"},
    ]  # fmt: skip
    out: dict[str, list[str]] = {}

    def add(prefix: str) -> None:  # the pages, then the same routes of the API
        kind = "api" if prefix else "page"
        out[f"{kind} /"] = each(lambda i: f"{prefix}/")
        out[f"{kind} /articles"] = each(
            lambda i: q(f"{prefix}/articles", offset=rng.choice(deep) or None)
        )
        out[f"{kind} /articles/ID"] = each(lambda i: f"{prefix}/articles/{arts[i]}")
        out[f"{kind} /search (no words)"] = each(
            lambda i: q(f"{prefix}/search", **filters[i % len(filters)], offset=rng.choice(deep) or None))  # fmt: skip
        out[f"{kind} /search?q="] = each(
            lambda i: q(f"{prefix}/search", q=words_q(), **(filters[i % len(filters)] if i % 3 == 0 else {})))  # fmt: skip
        out[f"{kind} /speakers"] = each(
            lambda i: q(f"{prefix}/speakers", offset=rng.choice(deep) or None)
        )
        out[f"{kind} /speakers/ID"] = each(lambda i: f"{prefix}/speakers/{spk[i]}")
        out[f"{kind} /entities"] = each(
            lambda i: q(f"{prefix}/entities", offset=rng.choice(deep[:5]) or None)
        )
        out[f"{kind} /entities/ID"] = each(lambda i: f"{prefix}/entities/{ents[i]}")
        out[f"{kind} /claims"] = each(lambda i: q(f"{prefix}/claims", **{
            "sort": rng.choice(["spread", "first", "recent", "checkworthiness", None]),
            **claim_filters[i % len(claim_filters)], "offset": rng.choice(deep) or None}))  # fmt: skip
        out[f"{kind} /claims/ID"] = each(lambda i: f"{prefix}/claims/{clus[i]}")
        out[f"{kind} /factchecks"] = each(lambda i: q(
            f"{prefix}/factchecks", verdict=rng.choice([None, "false", "true"]),
            offset=rng.choice(deep[:5]) or None))  # fmt: skip
        out[f"{kind} /factchecks/ID"] = each(lambda i: f"{prefix}/factchecks/{fcs[i]}")
        out[f"{kind} /factchecks/match"] = each(
            lambda i: q(f"{prefix}/factchecks/match", q=fc_claims[i][:200])
        )

    add("")
    add("/api/v1")
    out["api /attributions"] = each(lambda i: q(
        "/api/v1/attributions", **filters[i % len(filters)], offset=rng.choice(deep) or None))  # fmt: skip
    out["api /figures"] = each(lambda i: q("/api/v1/figures", unit=rng.choice([None, "USD", "percent"]),
                                           offset=rng.choice(deep[:4]) or None))  # fmt: skip
    out["api /similar"] = each(lambda i: q("/api/v1/similar", q=words_q() + " " + words_q()))
    out["page /analyze"] = each(lambda i: "/analyze")
    out["baseline /healthz"] = each(lambda i: "/healthz")
    return out


# ------------------------------------------------------------------------------- measuring


def measure(db: str, label: str, n: int, only: str | None) -> tuple[bool, list[str]]:
    """Every route's latencies through a served store; (all passed, error lines)."""
    import httpx

    plan = routes(db, n)
    if only:
        plan = {k: v for k, v in plan.items() if only in k or k.startswith("baseline")}
    port = free_port()
    log = OUT / f"pages-serve-{label}.log"
    server = start_server(Path(db) if "://" not in db else db, port, log)  # type: ignore[arg-type]
    errors: list[str] = []
    results: dict[str, list[float]] = {}
    try:
        with httpx.Client(
            # (the warm-up pass may wait for an index the server builds on its first search)
            base_url=f"http://127.0.0.1:{port}",
            timeout=900,
            trust_env=False,
        ) as client:
            for name, paths in plan.items():
                for path in paths:  # warm-up pass, not measured
                    client.get(path)
                lat: list[float] = []
                for path in paths:
                    t = time.perf_counter()
                    r = client.get(path)
                    lat.append(1000 * (time.perf_counter() - t))
                    if r.status_code != 200:
                        errors.append(f"{label} {path}: {r.status_code} {r.text[:200]}")
                results[name] = lat
    finally:
        stop_server(server)
    print(f"\n{label}: {n} requests per route, warm, one at a time")
    print(f"{'route':<34}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}")
    worst = ("", 0.0)
    for name, lat in results.items():
        p95 = percentile(lat, 0.95)
        miss = p95 >= TARGET_MS and not name.startswith("baseline")
        print(
            f"{name:<34}{percentile(lat, 0.5):>9.1f}{p95:>9.1f}{max(lat):>9.1f}{'  ✗' if miss else ''}"
        )
        if not name.startswith("baseline") and p95 > worst[1]:
            worst = (name, p95)
    base = percentile(results.get("baseline /healthz", [float("nan")]), 0.95)
    missed = [
        k
        for k, v in results.items()
        if not k.startswith("baseline") and percentile(v, 0.95) >= TARGET_MS
    ]
    print(
        f"worst p95 / baseline /healthz p95: {worst[1]:.1f} / {base:.1f} ms = {worst[1] / base:.1f}× ({worst[0]})"
    )
    verdict = "PASS" if not missed and not errors else "FAIL"
    print(f"{label}: {verdict}: p95 < {TARGET_MS:.0f} ms on {len(results) - 1 - len(missed)} of "
          f"{len(results) - 1} routes{'; missed: ' + ', '.join(missed) if missed else ''}; "
          f"{len(errors)} non-200 answers")  # fmt: skip
    return verdict == "PASS", errors


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--attributions", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=50, help="requests per route (default 50)")
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument(
        "--postgres", help="an existing PostgreSQL database (default: a throwaway server)"
    )
    parser.add_argument("--only", help="only the routes whose label contains this")
    parser.add_argument(
        "--quick", action="store_true", help="smoke run: 50k attributions, 10 requests"
    )
    args = parser.parse_args()
    if args.quick:
        args.attributions, args.requests = 50_000, 10
    ok, errors = True, []
    if args.db in ("sqlite", "both"):
        print(
            f"== pages: SQLite, {args.attributions} generated attributions + demo + fact-checks =="
        )
        passed, errs = measure(
            str(sqlite_store(args.attributions)), "SQLite", args.requests, args.only
        )
        ok, errors = ok and passed, errors + errs
    if args.db in ("postgresql", "both"):
        print(
            f"\n== pages: PostgreSQL, {args.attributions} generated attributions + demo + fact-checks =="
        )
        with postgres_store(args.attributions, args.postgres) as url:
            passed, errs = measure(url, "PostgreSQL", args.requests, args.only)
        ok, errors = ok and passed, errors + errs
    for line in errors[:20]:
        print(f"error: {line}")
    print(f"machine load average (1 min): {os.getloadavg()[0]:.2f} ({os.cpu_count()} CPUs)")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
