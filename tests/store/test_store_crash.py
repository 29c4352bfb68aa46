"""Crash safety: SIGKILL an ingest partway, rerun, and get exactly what a clean run stores."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest
from demo_ingest import demo_ingest

from saywho.store import open_store, stats
from saywho.store.claim_spread import fresh_rows, stored_rows
from saywho.store.tallies import fresh_counts, stored_counts

N_DEMO = 100  # the demo's first documents, ingested (tests/store/demo_ingest.py)
KILL_AFTER = 40  # articles committed before the SIGKILL: partway through them


def _ingest_cmd(db: Path) -> list[str]:
    return demo_ingest(str(db), N_DEMO)


def _articles(db: Path) -> int:
    try:
        with sqlite3.connect(db, timeout=5) as conn:
            return int(conn.execute("SELECT count(*) FROM articles").fetchone()[0])
    except sqlite3.Error:  # not created yet
        return 0


def _content(db: Path) -> tuple[list[tuple[str, ...]], list[tuple[str, ...]]]:
    """Articles (key, body hash) and attributions (article key, local id, content), sorted."""
    with sqlite3.connect(db) as conn:
        arts = conn.execute("SELECT a.key, v.body_hash FROM articles a "
                            "JOIN article_versions v ON v.article_id = a.id ORDER BY 1, 2").fetchall()  # fmt: skip
        claims = conn.execute(
            "SELECT a.key, t.local_id, t.content FROM attributions t JOIN article_versions v "
            "ON v.id = t.version_id JOIN articles a ON a.id = v.article_id ORDER BY 1, 2, 3"
        ).fetchall()
    return arts, claims


def _clusters(db: Path) -> set[frozenset[tuple[str, str]]]:
    """The claim clusters as sets of (article key, attribution local id)."""
    with sqlite3.connect(db) as conn:
        rows = conn.execute(
            "SELECT c.cluster_id, a.key, t.local_id FROM claims c JOIN attributions t "
            "ON t.id = c.attribution_id JOIN article_versions v ON v.id = t.version_id "
            "JOIN articles a ON a.id = v.article_id"
        ).fetchall()
    groups: dict[int, set[tuple[str, str]]] = {}
    for cluster, key, local in rows:
        groups.setdefault(cluster, set()).add((key, local))
    return {frozenset(g) for g in groups.values()}


@pytest.mark.slow
def test_store_crash_sigkill_during_the_demo_ingest_then_rerun_equals_a_clean_run(
    tmp_path: Path,
) -> None:
    env = {**os.environ, "SAYWHO_DETECT_LANGUAGE": "0"}
    env.pop("SAYWHO_DB", None)
    n_demo = N_DEMO
    clean = tmp_path / "clean.db"
    subprocess.run(_ingest_cmd(clean), check=True, env=env, capture_output=True, timeout=900)

    crashed = tmp_path / "crashed.db"
    proc = subprocess.Popen(_ingest_cmd(crashed), env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)  # fmt: skip
    deadline = time.monotonic() + 600
    while _articles(crashed) < KILL_AFTER and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert proc.poll() is None, "the ingest finished before it could be killed"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    partial = _articles(crashed)
    assert KILL_AFTER <= partial < n_demo

    rerun = subprocess.run(_ingest_cmd(crashed), env=env, capture_output=True, text=True, timeout=900)  # fmt: skip
    assert rerun.returncode == 0, rerun.stderr
    assert f"{partial} already stored" in rerun.stderr

    with open_store(str(crashed)).connect() as conn:  # the pages' tallies equal a fresh count
        assert stored_counts(conn) == fresh_counts(conn)
        assert stored_rows(conn) == fresh_rows(conn)  # and each claim cluster's spread
    got, want = stats(open_store(str(crashed))), stats(open_store(str(clean)))
    for key in ("articles", "article_versions", "attributions", "attributions_all_versions", "speakers",
                "outlets", "mentions", "ingest_errors"):  # fmt: skip
        assert got[key] == want[key], key
    assert got["articles"] == got["article_versions"] == n_demo
    assert _content(crashed) == _content(clean)
    # every claim in one cluster, and the same clusters a clean run makes
    want_clusters = _clusters(clean)
    assert want_clusters and _clusters(crashed) == want_clusters
    with sqlite3.connect(crashed) as conn:
        # the full-text index holds exactly the stored attributions (raises if they disagree)
        conn.execute(
            "INSERT INTO attribution_fts(attribution_fts, rank) VALUES ('integrity-check', 1)"
        )
        assert conn.execute("SELECT max(c) FROM (SELECT count(*) c FROM article_versions "
                            "GROUP BY body_hash)").fetchone()[0] == 1  # fmt: skip
        # the search facets hold exactly the current attributions
        assert (
            conn.execute("SELECT count(*) FROM attribution_facets").fetchone()[0]
            == got["attributions"]
        )
        runs = conn.execute("SELECT completed FROM ingest_runs ORDER BY id").fetchall()
    assert [bool(r[0]) for r in runs] == [False, True]  # the killed run is on record as unfinished
