"""Scale-out: ingest of a WARC of thousands of news pages, in one process and on Dask.

    .venv/bin/python benchmarks/scale.py [--records 5000] [--workers 2] [--postgres URL]
                                         [--only process|dask] [--quick]

The WARC (cached under ``benchmarks/out/``, rebuilt when --records changes) holds `--records`
HTTP responses made from real news text: the Wikinews demo articles, PolNeAR's training
articles (``../shared/data/polnear``, evaluation material: read from there, never shipped) and
the real HTML pages of the two extraction benchmarks. Realistic and varied: most text
records are laid out as an outlet's HTML page (one of 100 outlets, with navigation, bylines, a
dateline and "related" boxes around the article), on a date spread over the article's own
year; about one in eight is a syndicated copy of another record's article on another outlet
(same body, different page); one in twenty is an updated version of an earlier URL (a sentence
added: a new version of the article); paragraphs are reordered in a tenth; the HTML pages are
served as they are. A few records are deliberately bad (an empty body, binary bytes): the
ingest must report them and go on.

Measured, each as a real ``saywho ingest`` child process on the same WARC into a new store:

1. in one process, ``--workers N`` (the analysis spread over N processes; SQLite store);
2. on Dask: ``--dask local --workers N`` (a `LocalCluster` of N single-threaded worker
   processes) into PostgreSQL (a throwaway server as benchmarks/ingest_pg.py starts one, or
   ``--postgres URL``, which must name an empty database).

Printed per run: wall seconds, articles stored per second (and per core used), the peak resident
memory of the writer and of each analysing worker (sampled from /proc every 0.2 s over the
child's process tree), the store's size after the run (and per 1,000 articles), and the
ingest's own summary line. Baseline in the same run: ``saywho ingest`` with ``--workers 1`` on
the first 500 records (one process), whose articles/s the two runs are compared with.
"""

from __future__ import annotations

import argparse
import gzip
import io
import os
import random
import re
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from html import escape
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from ingest import OUT

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(os.environ.get("SAYWHO_SHARED_DATA", ROOT.parent / "shared" / "data"))
SAYWHO = str(Path(sys.executable).with_name("saywho"))
N_OUTLETS = 100
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")  # Wikinews files' date line
SECTIONS = ("Politics", "World", "Business", "Science", "Opinion", "Local", "Health", "Tech")


# ------------------------------------------------------------------------------- the WARC


@dataclass(frozen=True, slots=True)
class Story:
    title: str
    paragraphs: tuple[str, ...]
    year: int


def _stories() -> list[Story]:
    """Wikinews and PolNeAR articles: a title line, then paragraphs."""
    out: list[Story] = []
    for folder in (DATA / "wikinews", DATA / "polnear" / "train" / "text"):
        for path in sorted(folder.glob("*.txt")):
            text = path.read_text(encoding="utf-8", errors="replace")
            lines = [p.strip() for p in text.split("\n") if p.strip()]
            if len(lines) < 3:
                continue
            digits = [
                part
                for part in path.stem.replace("_", "-").split("-")
                if part.isdigit() and len(part) == 4
            ]
            found = int(digits[0]) if digits and 1990 < int(digits[0]) < 2030 else 2016
            # Wikinews files start with their own header lines (title, date, attribution)
            body = [ln for ln in lines[1:] if not _DATE.fullmatch(ln)]
            out.append(Story(lines[0].lstrip("# "), tuple(body), found))
    if not out:
        raise SystemExit(
            f"no articles under {DATA} (wikinews/, polnear/train/text/): give SAYWHO_SHARED_DATA"
        )
    return out


def _html_pages() -> list[bytes]:
    """The real pages of the extraction benchmarks, as they were served."""
    pages = [
        p.read_bytes() for p in sorted((DATA / "extraction-benchmark" / "html").glob("*.html"))
    ]
    pages += [
        gzip.decompress(p.read_bytes())
        for p in sorted((DATA / "wcxb-articles" / "html").glob("*.html.gz"))
    ]
    return pages


def _page(
    story: Story, outlet: int, day: date, rng: random.Random, paragraphs: tuple[str, ...]
) -> bytes:
    site = f"outlet{outlet}.example"
    section = rng.choice(SECTIONS)
    nav = "".join(f'<li><a href="/{s.lower()}">{s}</a></li>' for s in SECTIONS)
    related = "".join(f'<li><a href="/{section.lower()}/{rng.randrange(10**6)}">Related story {k + 1}</a></li>'
                      for k in range(rng.randrange(2, 6)))  # fmt: skip
    body = "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    author = rng.choice(("Staff reporter", "Reuters", "AP", f"Reporter {rng.randrange(500)}"))
    return (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{escape(story.title)} | Outlet {outlet}'
        f'</title><meta property="og:site_name" content="Outlet {outlet}">'
        f'<meta property="article:published_time" content="{day.isoformat()}T{rng.randrange(24):02d}:00:00Z">'
        f'</head><body><header><a href="/">Outlet {outlet}</a><nav><ul>{nav}</ul></nav>'
        f'<form><input name="q" placeholder="Search"></form></header><main><article>'
        f'<p class="kicker">{section}</p><h1>{escape(story.title)}</h1><p class="byline">By {escape(author)}, '
        f'{day.strftime("%d %B %Y")}</p><div class="share">Share · Tweet · Email</div>{body}</article>'
        f"<aside><h2>Related</h2><ul>{related}</ul></aside></main><footer>© Outlet {outlet} · "
        f'<a href="/privacy">Privacy</a> · <a href="/{site}/terms">Terms</a></footer></body></html>'
    ).encode()


def _records(n: int, seed: int = 5) -> Iterator[tuple[str, bytes, str]]:
    """(URL, body, content type) for `n` records, the same on every run."""
    rng = random.Random(seed)
    stories, pages = _stories(), _html_pages()
    seen: list[tuple[str, Story, tuple[str, ...], int, date]] = []
    for k in range(n):
        roll = rng.random()
        if k % 997 == 13:  # a bad record now and then
            yield f"https://bad.example/{k}", b"" if k % 2 else bytes(range(256)) * 8, "text/html"
            continue
        if roll < 0.08:
            yield (
                f"https://web{k % 37}.example/page/{k}",
                pages[rng.randrange(len(pages))],
                "text/html; charset=utf-8",
            )
            continue
        if seen and roll < 0.20:  # a syndicated copy elsewhere
            _, story, paras, outlet, day = rng.choice(seen)
            other = (outlet + 1 + rng.randrange(N_OUTLETS - 1)) % N_OUTLETS
            yield (f"https://outlet{other}.example/wire/{k}", _page(story, other, day, rng, paras),
                   "text/html; charset=utf-8")  # fmt: skip
            continue
        if seen and roll < 0.25:  # an update of an earlier URL: one sentence added
            url, story, paras, outlet, day = rng.choice(seen)
            paras = (
                *paras,
                f"This article was updated on {(day + timedelta(days=1)).isoformat()} (revision {k}).",
            )
            yield url, _page(story, outlet, day, rng, paras), "text/html; charset=utf-8"
            continue
        story = stories[rng.randrange(len(stories))]
        paras = story.paragraphs
        if rng.random() < 0.1:
            paras = tuple(rng.sample(paras, len(paras)))
        outlet = rng.randrange(N_OUTLETS)
        day = date(story.year, 1, 1) + timedelta(days=rng.randrange(365))
        url = f"https://outlet{outlet}.example/{day.year}/{day.month:02d}/{k}"
        seen.append((url, story, paras, outlet, day))
        yield url, _page(story, outlet, day, rng, paras), "text/html; charset=utf-8"


def build_warc(n: int) -> Path:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    path = OUT / f"scale-{n}.warc.gz"
    if path.exists():
        print(f"(cached: {path.name})")
        return path
    OUT.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    t = time.perf_counter()
    with tmp.open("wb") as out:
        writer = WARCWriter(out, gzip=True)
        for url, body, ctype in _records(n):
            headers = StatusAndHeaders("200 OK", [("Content-Type", ctype), ("Content-Length", str(len(body)))],
                                       protocol="HTTP/1.1")  # fmt: skip
            writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(body),
                                                          http_headers=headers))  # fmt: skip
    tmp.rename(path)
    print(
        f"wrote {n} records ({path.stat().st_size / 1e6:.1f} MB) in {time.perf_counter() - t:.0f}s → {path}"
    )
    return path


# ------------------------------------------------------------------------------- measuring


@dataclass
class Peaks:
    """Peak RSS (bytes) per process of a tree, sampled from /proc."""

    by_pid: dict[int, tuple[str, int]] = field(default_factory=dict)

    def sample(self, root: int) -> None:
        import psutil

        try:
            procs = [psutil.Process(root), *psutil.Process(root).children(recursive=True)]
        except psutil.Error:
            return
        for p in procs:
            try:
                rss = p.memory_info().rss
                name = " ".join(p.cmdline()[1:4])[:60]
            except psutil.Error:
                continue
            old = self.by_pid.get(p.pid, ("", 0))
            if rss > old[1]:
                self.by_pid[p.pid] = (name, rss)


@dataclass(frozen=True, slots=True)
class Run:
    label: str
    seconds: float
    stored: int
    summary: str
    writer_peak: int
    worker_peaks: tuple[int, ...]
    store_bytes: int


def run_ingest(label: str, warc: Path, db: str, args: list[str], env: dict[str, str]) -> Run:
    cmd = [SAYWHO, "ingest", str(warc), "--db", db, *args]
    peaks = Peaks()
    t = time.perf_counter()
    with tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=err, env=env)
        stop = threading.Event()

        def watch() -> None:
            while not stop.is_set():
                peaks.sample(proc.pid)
                stop.wait(0.2)

        watcher = threading.Thread(target=watch, daemon=True)
        watcher.start()
        proc.wait()
        stop.set()
        watcher.join()
        seconds = time.perf_counter() - t
        err.seek(0)
        lines = err.read().decode(errors="replace").strip().splitlines()
    if proc.returncode not in (0, 1):  # 1: some records were bad, reported, the rest stored
        raise SystemExit(
            f"{label}: saywho ingest exited {proc.returncode}: {' | '.join(lines[-5:])}"
        )
    summary = next((ln for ln in reversed(lines) if "stored" in ln), lines[-1] if lines else "")
    stored = _count_articles(db)
    writer = peaks.by_pid.get(proc.pid, ("", 0))[1]
    workers = tuple(sorted((rss for pid, (name, rss) in peaks.by_pid.items() if pid != proc.pid and rss > 100e6),
                           reverse=True))  # fmt: skip
    return Run(label, seconds, stored, summary, writer, workers, _size(db))


def _count_articles(db: str) -> int:
    from sqlalchemy import func, select

    from saywho.store import make_engine
    from saywho.store.schema import article_versions

    engine = make_engine(db)
    with engine.connect() as conn:
        n = int(conn.scalar(select(func.count()).select_from(article_versions)) or 0)
    engine.dispose()
    return n


def _size(db: str) -> int:
    if "://" not in db:
        return sum(p.stat().st_size for p in Path(db).parent.glob(Path(db).name + "*"))
    from saywho.store import make_engine

    engine = make_engine(db)
    with engine.connect() as conn:
        size = int(
            conn.exec_driver_sql("SELECT pg_database_size(current_database())").scalar() or 0
        )
    engine.dispose()
    return size


def report(run: Run, cores: int, base: Run | None) -> None:
    rate = run.stored / run.seconds
    workers = ", ".join(f"{b / 2**20:.0f}" for b in run.worker_peaks) or "-"
    print(f"\n{run.label}\n  {run.stored} article versions stored in {run.seconds:.1f} s: {rate:.2f} articles/s, "
          f"{rate / cores:.2f} per core ({cores} cores)")  # fmt: skip
    if base is not None:
        b = base.stored / base.seconds
        print(f"  articles/s / one-process baseline: {rate:.2f} / {b:.2f} = {rate / b:.2f}×")
    print(f"  peak RSS: writer {run.writer_peak / 2**20:.0f} MiB; workers {workers} MiB")
    print(f"  store: {run.store_bytes / 1e6:.1f} MB, {run.store_bytes / max(run.stored, 1) * 1000 / 1e6:.1f} MB "
          f"per 1,000 articles")  # fmt: skip
    print(f"  ingest said: {run.summary}")


@contextmanager
def _postgres(given: str | None) -> Iterator[str]:
    from ingest_pg import _given, throwaway_server

    with throwaway_server() if given is None else _given(given) as url:
        yield url


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--records", type=int, default=5000, help="WARC records (default 5000)")
    parser.add_argument("--workers", type=int, default=2, help="analysing processes (default 2)")
    parser.add_argument(
        "--postgres", help="an empty PostgreSQL database (default: a throwaway server)"
    )
    parser.add_argument("--only", choices=("process", "dask"))
    parser.add_argument(
        "--baseline", type=int, default=500, help="records of the one-process baseline"
    )
    parser.add_argument("--quick", action="store_true", help="smoke run: 300 records, baseline 100")
    args = parser.parse_args()
    if args.quick:
        args.records, args.baseline = 300, 100
    warc = build_warc(args.records)
    base_warc = build_warc(args.baseline)
    env = dict(os.environ, NO_COLOR="1")
    env.pop("SAYWHO_DB", None)
    print(f"{os.cpu_count()} CPUs here; load average {os.getloadavg()[0]:.2f}")
    with tempfile.TemporaryDirectory(prefix="saywho-scale-") as tmp:
        base = run_ingest(f"baseline: {args.baseline} records, one process (--workers 1), SQLite", base_warc,
                          str(Path(tmp) / "base.db"), ["--workers", "1"], env)  # fmt: skip
        report(base, 1, None)
        if args.only in (None, "process"):
            run = run_ingest(f"one process, --workers {args.workers}, SQLite: {args.records} records", warc,
                             str(Path(tmp) / "scale.db"), ["--workers", str(args.workers)], env)  # fmt: skip
            report(run, args.workers, base)
        if args.only in (None, "dask"):
            with _postgres(args.postgres) as url:
                run = run_ingest(f"Dask LocalCluster, {args.workers} workers, PostgreSQL: {args.records} records",
                                 warc, url, ["--dask", "local", "--workers", str(args.workers)], env)  # fmt: skip
                report(run, args.workers, base)
    print(f"load average after: {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
