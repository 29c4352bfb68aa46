"""Crash safety: SIGKILL an ingest partway, rerun, and get exactly what a clean run stores."""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from saywho.store import demo_corpus, open_store, stats

N_ARTICLES = 30  # a slice of the demo corpus keeps this under a minute; the code path is the same


def _ingest_cmd(corpus: Path, db: Path) -> list[str]:
    return [
        sys.executable,
        "-c",
        "from saywho.cli import run; run()",
        "ingest",
        str(corpus),
        "--db",
        str(db),
    ]


def _articles(db: Path) -> int:
    try:
        with sqlite3.connect(db, timeout=5) as conn:
            return int(conn.execute("SELECT count(*) FROM articles").fetchone()[0])
    except sqlite3.Error:  # not created yet
        return 0


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("corpus")
    paths, _ = demo_corpus()
    for path in paths[:N_ARTICLES]:
        shutil.copy(path, folder / Path(path).name)
    return folder


@pytest.mark.slow
def test_store_crash_sigkill_then_rerun_equals_a_clean_run(corpus: Path, tmp_path: Path) -> None:
    env = {**os.environ, "SAYWHO_DETECT_LANGUAGE": "0"}
    clean = tmp_path / "clean.db"
    subprocess.run(
        _ingest_cmd(corpus, clean), check=True, env=env, capture_output=True, timeout=300
    )

    crashed = tmp_path / "crashed.db"
    proc = subprocess.Popen(_ingest_cmd(corpus, crashed), env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)  # fmt: skip
    deadline = time.monotonic() + 240
    while _articles(crashed) < 5 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert proc.poll() is None, "the ingest finished before it could be killed"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    partial = _articles(crashed)
    assert 5 <= partial < N_ARTICLES

    rerun = subprocess.run(
        _ingest_cmd(corpus, crashed), env=env, capture_output=True, text=True, timeout=300
    )
    assert rerun.returncode == 0, rerun.stderr
    assert f"{partial} already stored" in rerun.stderr

    got, want = stats(open_store(str(crashed))), stats(open_store(str(clean)))
    for key in ("articles", "article_versions", "attributions", "attributions_all_versions", "speakers",
                "outlets", "mentions", "ingest_errors"):  # fmt: skip
        assert got[key] == want[key], key
    assert got["articles"] == N_ARTICLES
    with sqlite3.connect(crashed) as conn:
        # the full-text index holds exactly the stored attributions (raises if they disagree)
        conn.execute(
            "INSERT INTO attribution_fts(attribution_fts, rank) VALUES ('integrity-check', 1)"
        )
        assert (
            conn.execute(
                "SELECT max(c) FROM (SELECT count(*) c FROM article_versions GROUP BY body_hash)"
            ).fetchone()[0]
            == 1
        )
        runs = conn.execute("SELECT completed FROM ingest_runs ORDER BY id").fetchall()
    assert [bool(r[0]) for r in runs] == [False, True]  # the killed run is on record as unfinished
