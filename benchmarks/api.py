"""API load benchmark: `saywho serve` answering concurrent searches on a 1M-attribution store.

    .venv/bin/python benchmarks/api.py [--clients 200] [--duration 30] [--processes 1]
                                       [--server-workers 1]
                                       [--attributions 1000000] [--quick]

Store: the generated store of benchmarks/ingest.py (`search_store`: ≥ 1M attributions written
in bulk through the schema at the current revision, cached under ``benchmarks/out/``) with the
demo corpus (the RT sample and the Wikinews articles) ingested on top through the library, as
`saywho ingest --demo` would; cached as ``benchmarks/out/api-N-rREV.db``.

Measured: a real ``saywho serve`` child process (uvicorn) on a free 127.0.0.1 port; C clients
(asyncio + aiohttp, spread over P client processes; ``--client httpx`` for the pure-Python
client this benchmark used before, which took most of a core to drive 50 connections on a
2-core machine and so measured itself more than the server) each send ``GET /api/v1/search?q=…`` one
after another for D seconds (a closed loop: a new request leaves when the previous answer is
read), then the requests in flight finish. Queries are one to three demo-title words, a few
demo phrases, about a third with a filter (stance, kind, since, outlet, speaker or several),
some asking for the second page. A 503 with ``Retry-After`` (the server's bounded queue is
full) counts as refused, not as an error: that client waits as told, then goes on, and only the
answers served count in the latencies. Any other answer but 200 with a JSON page, and any
transport error, counts as an error; the exit status is 1 if there is one.

Baselines, measured in the same run:

- library: the same queries through `saywho.store.search` in this process, one at a time
  (what `saywho search` costs without HTTP, facets, totals or concurrency);
- trivial endpoint: the same load on ``GET /api/v1/openapi.json`` (generated once, then cached by
  FastAPI): what the server, HTTP and the clients cost on their own.

Both CPU figures are printed, the server's (from /proc) and the clients' (getrusage): on a small
machine the clients share the cores with the server, and a client process near 100 % of a core
means the clients, not the server, bound the throughput.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from concurrent.futures import ProcessPoolExecutor
from contextlib import asynccontextmanager
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from ingest import OUT, STANCES, corpus_words, percentile, search_store

SAYWHO = str(Path(sys.executable).with_name("saywho"))
KINDS = ("direct", "indirect", "mixed", "according_to", "headline")
# phrases the demo corpus answers (the sample's own words among them)
DEMO_PHRASES = ("sponsoring Islamic State", "Taliban", "Kabulov", "Afghanistan", "election",
                "president", "police", "government said", "minister", "court ruled")  # fmt: skip


# --------------------------------------------------------------------------------- the store


def api_store(total: int) -> Path:
    """The search store plus the demo corpus, cached; built on first use."""
    from saywho.store import head_revision

    path = OUT / f"api-{total}-r{head_revision()}.db"
    if path.exists():
        print(f"(cached: {path.name})")
        return path
    older = sorted(OUT.glob(f"api-{total}-r*.db"))
    if older:  # built at an older schema revision: migrated through the store's own path
        return migrate_cached(older[-1], path)
    base = search_store(total)
    tmp = path.with_suffix(".tmp")
    for p in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
        p.unlink(missing_ok=True)
    t = time.perf_counter()
    shutil.copyfile(base, tmp)
    print(f"copied {base.name} in {time.perf_counter() - t:.0f}s; ingesting the demo corpus…")
    ingest_demo(str(tmp))
    move_store(tmp, path)
    return path


def ingest_demo(db: str) -> None:
    """The demo corpus into the store at `db` through the library's ingest (the writer: real
    claims, clusters, copies, figures and entities)."""
    from saywho.config import Settings
    from saywho.pipeline import demo_corpus, ingest
    from saywho.sources import read_documents
    from saywho.store import open_store

    paths, meta = demo_corpus()
    settings = Settings(db=db)
    engine = open_store(db, create=False)  # the store's own path: checks the revision
    t = time.perf_counter()
    try:
        summary = ingest(engine, read_documents(paths, settings), settings, inputs=paths,
                         meta=meta)  # fmt: skip
    finally:
        engine.dispose()
    if summary.errors:
        raise SystemExit(f"the demo corpus did not ingest cleanly: {summary.failures[:3]}")
    print(f"ingested {summary.stored} demo articles in {time.perf_counter() - t:.0f}s")


#: the files beside a SQLite store ``X``: its claims' vector index (``X.claims-index`` and its state)
INDEX_SUFFIXES = (".claims-index", ".claims-index.json")


def migrate_cached(older: Path, path: Path) -> Path:
    """A copy of the cached store `older` (with its claims index) migrated to the current
    schema through the store's own path, cached as `path`."""
    from saywho.store import make_engine, upgrade

    t = time.perf_counter()
    tmp = path.with_suffix(".tmp")
    shutil.copyfile(older, tmp)
    for suffix in INDEX_SUFFIXES:
        if Path(f"{older}{suffix}").exists():
            shutil.copyfile(f"{older}{suffix}", f"{tmp}{suffix}")
    engine = make_engine(str(tmp))
    before, after = upgrade(engine)
    engine.dispose()
    move_store(tmp, path)
    print(f"migrated cached {older.name} {before} → {after} in {time.perf_counter() - t:.0f}s")
    return path


def move_store(tmp: Path, path: Path) -> None:
    """Give the store built at `tmp` its cached name, with its claims' vector index (the index
    is found by the store's file name); the WAL's files go, the store being closed."""
    for suffix in ("-wal", "-shm"):
        Path(f"{tmp}{suffix}").unlink(missing_ok=True)
    for suffix in INDEX_SUFFIXES:
        if Path(f"{tmp}{suffix}").exists():
            Path(f"{tmp}{suffix}").rename(f"{path}{suffix}")
    tmp.rename(path)  # last: only a complete store gets the cached name


# ------------------------------------------------------------------------------- the queries


def make_queries(n: int, seed: int = 7) -> list[dict[str, str]]:
    """`n` search requests' parameters: realistic words, about a third filtered."""
    _, words = corpus_words()
    rng = random.Random(seed)
    out: list[dict[str, str]] = []
    for _ in range(n):
        if rng.random() < 0.15:
            q = rng.choice(DEMO_PHRASES)
        else:
            q = " ".join(rng.sample(words, rng.choice([1, 1, 2, 2, 3])))
        params = {"q": q}
        roll = rng.random()
        if roll < 0.08:
            params["stance"] = rng.choice(STANCES)
        elif roll < 0.14:
            params["kind"] = rng.choice(KINDS)
        elif roll < 0.20:
            params["since"] = f"{rng.randint(2005, 2023)}-01-01"
        elif roll < 0.24:
            params["outlet"] = f"Outlet {rng.randrange(200)}"
        elif roll < 0.28:
            params["speaker"] = rng.choice(["Kabulov", f"Surname{rng.randrange(20_000)}"])
        elif roll < 0.33:
            params |= {"stance": rng.choice(STANCES), "kind": rng.choice(KINDS),
                       "since": f"{rng.randint(2005, 2020)}-01-01"}  # fmt: skip
        if rng.random() < 0.05:
            params["offset"] = "20"
        out.append(params)
    return out


def library_baseline(db: Path, queries: list[dict[str, str]]) -> dict[str, list[float]]:
    """Latencies (ms) of the same queries in this process, one at a time, through
    `saywho.store.search` (the CLI's search) and through the library call the endpoint makes
    (`browse.search_page`: the page with its total, and the facets)."""
    from saywho.store import browse, open_store, search

    engine = open_store(str(db), create=False)
    out: dict[str, list[float]] = {"search": [], "endpoint": []}
    try:
        for params in queries[:10]:  # the same page-cache warm-up the server gets
            search(engine, _filters(params))
        for params in queries:
            f, offset = _filters(params), int(params.get("offset", 0))
            t = time.perf_counter()
            search(engine, f)
            out["search"].append((time.perf_counter() - t) * 1000)
            t = time.perf_counter()
            browse.search_page(engine, replace(f, limit=None), 20, offset)
            out["endpoint"].append((time.perf_counter() - t) * 1000)
    finally:
        engine.dispose()
    return out


def _filters(params: dict[str, str]) -> Any:
    from saywho.store import Filters

    since = date.fromisoformat(params["since"]) if "since" in params else None
    return Filters(query=params["q"], speaker=params.get("speaker"), stance=params.get("stance"),
                   kind=params.get("kind"), outlet=params.get("outlet"), since=since,
                   limit=20 + int(params.get("offset", 0)))  # fmt: skip


# --------------------------------------------------------------------------------- the load


@dataclass
class Load:
    latencies: list[float] = field(default_factory=list)  # ms, completed requests
    errors: int = 0
    refused: int = 0  # 503 with Retry-After: the server's bounded queue was full (not an error)
    samples: list[str] = field(default_factory=list)  # the first few errors, for the report
    wall: float = 0.0
    cpu: float = 0.0  # client process CPU seconds

    def merge(self, other: Load) -> None:
        self.latencies += other.latencies
        self.errors += other.errors
        self.refused += other.refused
        self.samples += other.samples[: max(0, 5 - len(self.samples))]
        self.wall = max(self.wall, other.wall)
        self.cpu += other.cpu


#: one request: (status, lower-cased headers, body); the client's transport errors beside it
Get = Callable[[str, dict[str, str] | None], Awaitable[tuple[int, dict[str, str], bytes]]]


@asynccontextmanager
async def _aiohttp(
    base: str, clients: int
) -> AsyncIterator[tuple[Get, tuple[type[BaseException], ...]]]:
    """aiohttp (its HTTP parser is C: a fraction of httpx's CPU per request, which these 2
    cores share with the server), `clients` keep-alive connections."""
    import aiohttp

    connector = aiohttp.TCPConnector(limit=clients)
    async with aiohttp.ClientSession(base, connector=connector, trust_env=False,
                                     timeout=aiohttp.ClientTimeout(total=TIMEOUT)) as http:  # fmt: skip

        async def get(
            path: str, params: dict[str, str] | None
        ) -> tuple[int, dict[str, str], bytes]:
            async with http.get(path, params=params) as r:
                return r.status, {k.lower(): v for k, v in r.headers.items()}, await r.read()

        yield get, (TimeoutError, aiohttp.ClientError)


@asynccontextmanager
async def _httpx(
    base: str, clients: int
) -> AsyncIterator[tuple[Get, tuple[type[BaseException], ...]]]:
    """httpx (pure Python), `clients` keep-alive connections."""
    import httpx

    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=httpx.Timeout(TIMEOUT),
                                 trust_env=False) as http:  # fmt: skip

        async def get(
            path: str, params: dict[str, str] | None
        ) -> tuple[int, dict[str, str], bytes]:
            r = await http.get(path, params=params)
            return r.status_code, {k.lower(): v for k, v in r.headers.items()}, r.content

        yield get, (httpx.HTTPError,)


CLIENTS = {"aiohttp": _aiohttp, "httpx": _httpx}
TIMEOUT = 120.0  # a slow answer is a latency, not an error; a hung server is one


async def _drive(base: str, path: str, queries: list[dict[str, str]], clients: int,
                 duration: float, seed: int, kind: str = "aiohttp") -> Load:  # fmt: skip
    load = Load()
    async with CLIENTS[kind](base, clients) as (get, failures):
        start = time.perf_counter()
        deadline = start + duration

        async def client(k: int) -> None:
            rng = random.Random(seed * 1000 + k)
            while time.perf_counter() < deadline:
                params = rng.choice(queries) if queries else None
                t = time.perf_counter()
                try:
                    status, headers, body = await get(path, params)
                    if status == 503 and "retry-after" in headers:
                        # the bounded queue is full: a polite client waits as told and retries
                        load.refused += 1
                        await asyncio.sleep(float(headers["retry-after"]))
                        continue
                    # a search must answer a JSON page; the trivial endpoint just 200
                    ok = status == 200 and (not queries or "items" in json.loads(body))
                    problem = "" if ok else f"{status} {body[:200]!r}"
                except (*failures, ValueError) as exc:
                    problem = f"{type(exc).__name__}: {exc}"
                load.latencies.append((time.perf_counter() - t) * 1000)
                if problem:
                    load.errors += 1
                    if len(load.samples) < 5:
                        load.samples.append(f"{path} {params}: {problem}")

        await asyncio.gather(*(client(k) for k in range(clients)))
        load.wall = time.perf_counter() - start
    return load


def _client_process(base: str, path: str, queries: list[dict[str, str]], clients: int,
                    duration: float, seed: int, kind: str = "aiohttp") -> Load:  # fmt: skip
    before = resource.getrusage(resource.RUSAGE_SELF)
    load = asyncio.run(_drive(base, path, queries, clients, duration, seed, kind))
    after = resource.getrusage(resource.RUSAGE_SELF)
    load.cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return load


def run_load(pool: ProcessPoolExecutor, processes: int, base: str, path: str,
             queries: list[dict[str, str]], clients: int, duration: float,
             kind: str = "aiohttp") -> Load:  # fmt: skip
    shares = [
        clients // processes + (1 if k < clients % processes else 0) for k in range(processes)
    ]
    futures = [pool.submit(_client_process, base, path, queries, n, duration, k + 1, kind)
               for k, n in enumerate(shares) if n]  # fmt: skip
    total = Load()
    for future in futures:
        total.merge(future.result())
    return total


# ------------------------------------------------------------------------------- the server


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(db: Path, port: int, log: Path, workers: int = 1) -> subprocess.Popen[bytes]:
    env = dict(os.environ, NO_COLOR="1")
    env.pop("SAYWHO_DB", None)
    with log.open("wb") as out:
        proc = subprocess.Popen([SAYWHO, "serve", "--db", str(db), "--host", "127.0.0.1",
                                 "--port", str(port), "--workers", str(workers)], stdout=out, stderr=subprocess.STDOUT,
                                env=env)  # fmt: skip
    import httpx

    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"saywho serve exited with {proc.returncode}: see {log}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/v1/openapi.json", timeout=5,
                         trust_env=False).status_code == 200:  # fmt: skip
                return proc
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    proc.kill()
    raise SystemExit(f"saywho serve did not answer within 120 s: see {log}")


def stop_server(server: subprocess.Popen[bytes]) -> None:
    """Stop a `start_server` child as Ctrl-C would, killing it if it lingers."""
    server.send_signal(signal.SIGINT)
    try:
        server.wait(30)
    except subprocess.TimeoutExpired:
        server.kill()


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds so far of a process and its live children, the server's worker
    processes under ``--workers`` (Linux /proc)."""
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            _, tail = stat.read_text().rsplit(")", 1)
        except OSError:  # the process ended meanwhile
            continue
        fields = tail.split()
        if stat.parent.name == str(pid) or fields[1] == str(pid):  # the process, or a child
            total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


# ---------------------------------------------------------------------------------- output


def row(label: str, load: Load, server_cpu: float) -> str:
    lat = load.latencies
    n = len(lat)
    p50, p95, p99 = (
        (statistics.median(lat), percentile(lat, 0.95), percentile(lat, 0.99)) if n else (0, 0, 0)
    )
    return (f"{label:<22}{n:>9}{load.errors:>7}{load.refused:>8}{n / load.wall:>9.1f}{p50:>9.1f}{p95:>9.1f}"
            f"{p99:>9.1f}{max(lat, default=0):>9.1f}{100 * server_cpu / load.wall:>8.0f}%"
            f"{100 * load.cpu / load.wall:>8.0f}%")  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--clients", type=int, default=200, help="concurrent clients (default 200)")
    parser.add_argument(
        "--duration", type=float, default=30.0, help="seconds of search load (default 30)"
    )
    parser.add_argument("--baseline-duration", type=float, default=10.0,
                        help="seconds of load on the trivial endpoint (default 10)")  # fmt: skip
    parser.add_argument("--processes", type=int, default=1,
                        help="client processes the clients are spread over (default 1)")  # fmt: skip
    parser.add_argument("--server-workers", type=int, default=1,
                        help="saywho serve --workers: server processes (default 1)")  # fmt: skip
    parser.add_argument("--attributions", type=int, default=1_000_000,
                        help="generated attributions in the store (default 1000000)")  # fmt: skip
    parser.add_argument(
        "--queries", type=int, default=500, help="distinct search requests (default 500)"
    )
    parser.add_argument("--client", choices=sorted(CLIENTS), default="aiohttp",
                        help="the load client's HTTP library (default aiohttp)")  # fmt: skip
    parser.add_argument("--quick", action="store_true",
                        help="smoke run: 50k attributions, 20 clients for 5 s, 2 s baseline")  # fmt: skip
    args = parser.parse_args()
    if args.quick:
        args.attributions, args.clients, args.duration, args.baseline_duration = 50_000, 20, 5.0, 2.0  # fmt: skip
    if args.clients < 1 or args.processes < 1 or args.duration <= 0 or args.baseline_duration <= 0:
        parser.error("--clients and --processes must be ≥ 1, the durations > 0")

    print(f"== API load: {args.attributions} generated attributions + the demo corpus ==")
    db = api_store(args.attributions)
    queries = make_queries(args.queries)
    filtered = sum(1 for q in queries if set(q) - {"q", "offset"})
    print(f"{len(queries)} distinct searches ({filtered} filtered), limit 20; "
          f"{args.clients} clients in {args.processes} process(es); "
          f"server: {args.server_workers} worker(s); {os.cpu_count()} CPUs here")  # fmt: skip

    load_before = os.getloadavg()[0]
    lib = library_baseline(db, queries)
    port = free_port()
    OUT.mkdir(parents=True, exist_ok=True)
    log = OUT / "api-serve.log"
    server = start_server(db, port, log, args.server_workers)
    base = f"http://127.0.0.1:{port}"
    try:
        with ProcessPoolExecutor(max_workers=args.processes) as pool:
            # warm-up: the page cache and every code path once, not measured
            run_load(pool, 1, base, "/api/v1/search", queries[:40], 4, 2.0)
            c0 = cpu_seconds(server.pid)
            search = run_load(pool, args.processes, base, "/api/v1/search", queries,
                              args.clients, args.duration, args.client)  # fmt: skip
            c1 = cpu_seconds(server.pid)
            trivial = run_load(pool, args.processes, base, "/api/v1/openapi.json", [],
                               args.clients, args.baseline_duration, args.client)  # fmt: skip
            c2 = cpu_seconds(server.pid)
    finally:
        stop_server(server)

    print(f"\n{'':<22}{'requests':>9}{'errors':>7}{'refused':>8}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}"
          f"{'p99 ms':>9}{'max ms':>9}{'server':>9}{'clients':>8}")  # fmt: skip
    print(row(f"search ({args.duration:.0f} s)", search, c1 - c0))
    print(row(f"openapi.json ({args.baseline_duration:.0f} s)", trivial, c2 - c1))
    for label, lat in (("library search (CLI)", lib["search"]),
                       ("library endpoint work", lib["endpoint"])):  # fmt: skip
        print(f"{label + ', sequential':<34}{len(lat):>9} queries, p50 {statistics.median(lat):.1f} ms, "
              f"p95 {percentile(lat, 0.95):.1f} ms, max {max(lat):.1f} ms")  # fmt: skip
    print(f"machine load average (1 min): {load_before:.2f} before, {os.getloadavg()[0]:.2f} after "
          f"({os.cpu_count()} CPUs; other work on the machine competes with server and clients)")  # fmt: skip
    s95 = percentile(search.latencies, 0.95) if search.latencies else float("nan")
    t95 = percentile(trivial.latencies, 0.95) if trivial.latencies else float("nan")
    for label, base_p95 in (("library search (CLI) p95", percentile(lib["search"], 0.95)),
                            ("library endpoint work p95", percentile(lib["endpoint"], 0.95)),
                            ("openapi.json p95 under the same load", t95)):  # fmt: skip
        print(
            f"search p95 under load / {label}: {s95:.1f} / {base_p95:.1f} = {s95 / base_p95:.1f}×"
        )
    errors = search.errors + trivial.errors
    for sample in search.samples + trivial.samples:
        print(f"error: {sample}")
    print(f"errors: {errors} ({'PASS' if errors == 0 else 'FAIL'}: 0 required)")
    return 0 if errors == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
