"""Scale-out on Dask distributed: the same `prepare` on Dask workers, this process the one writer."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, text
from typer.testing import CliRunner

import saywho.analyze
from saywho.cli import app
from saywho.config import Settings
from saywho.errors import StoreError
from saywho.model import Analysis, Article, Failure, RawDocument
from saywho.pipeline import demo_corpus, ingest
from saywho.pipeline import distributed as store_distributed
from saywho.pipeline.distributed import dask_analyser, dask_client
from saywho.sources import read_documents
from saywho.store import open_store, stats

SETTINGS = Settings(detect_language=False)

#: what a store holds, without its ids: article keys and versions, every attribution with its
#: speaker and outlet, and the recorded errors
CONTENT = {
    "articles": "SELECT ar.key, v.version, v.body_hash, o.name FROM articles ar "
    "JOIN article_versions v ON v.article_id = ar.id LEFT JOIN outlets o ON o.id = ar.outlet_id",
    "attributions": "SELECT ar.key, a.local_id, a.kind, a.stance, a.content, a.cue_lemma, s.name "
    "FROM attributions a JOIN article_versions v ON v.id = a.version_id "
    "JOIN articles ar ON ar.id = v.article_id LEFT JOIN speakers s ON s.id = a.speaker_id",
    "mentions": "SELECT a.content, m.normalised, m.label FROM mentions m "
    "JOIN attributions a ON a.id = m.attribution_id",
    "errors": "SELECT source, code, reason FROM ingest_errors",
}


def _content(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    with engine.connect() as conn:
        return {k: sorted(map(tuple, conn.execute(text(sql)).all()), key=repr) for k, sql in CONTENT.items()}  # fmt: skip


def _inputs() -> tuple[list[RawDocument | Failure], dict[str, Any]]:
    paths, meta = demo_corpus()
    docs: list[RawDocument | Failure] = list(read_documents(paths[:5], SETTINGS))
    docs.insert(2, RawDocument("empty.txt", b""))  # extraction fails here, in the writer
    docs.append(Failure("gone.html", "gone.html: not found", "E110"))  # a reader failure
    return docs, meta


def test_store_distributed_dask_stores_what_the_in_process_path_stores(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = saywho.analyze.analyze_many

    def flaky(
        articles: Iterable[Article], settings: Settings | None = None, **options: Any
    ) -> Iterator[Analysis]:
        for analysis in real(
            articles, settings, **options
        ):  # one article's analysis crashes, on a worker
            if analysis.article.source.endswith(Path(demo_corpus()[0][3]).name):
                raise RuntimeError("boom")
            yield analysis

    monkeypatch.setattr(saywho.analyze, "analyze_many", flaky)
    docs, meta = _inputs()
    inline, on_dask = open_store(str(tmp_path / "a.db")), open_store(str(tmp_path / "b.db"))
    a = ingest(inline, docs, SETTINGS, inputs=["x"], meta=meta)
    # threads in this process: the monkeypatched analysis runs on the Dask worker too
    with dask_client("local", workers=1, processes=False) as client:
        b = ingest(on_dask, docs, SETTINGS, inputs=["x"], meta=meta,
                   analyser=dask_analyser(client, window=2))  # fmt: skip
        want, got = _content(inline), _content(on_dask)
        again = ingest(on_dask, docs, SETTINGS, inputs=["x"], meta=meta,
                       analyser=dask_analyser(client))  # fmt: skip
    assert a.counts() == b.counts() == {"stored": 4, "updated": 0, "skipped": 0, "errors": 3}
    assert sorted(f.reason for f in a.failures) == sorted(f.reason for f in b.failures)
    assert any("analysis failed (RuntimeError: boom)" in f.reason for f in b.failures)
    assert got["attributions"] and got == want
    for key in ("articles", "attributions", "speakers", "outlets", "mentions"):
        assert stats(inline)[key] == stats(on_dask)[key], key
    # a rerun on Dask skips what is stored and records the same bad documents again
    assert again.counts() == {"stored": 0, "updated": 0, "skipped": 4, "errors": 3}


def test_store_distributed_window_bounds_chunks_in_flight() -> None:
    """No more than `window` chunks are submitted and not yet handed back, and results come back
    in submission order."""
    handed: list[int] = []
    pulled = 0

    def chunks() -> Iterator[list[tuple[Article, str | None]]]:
        nonlocal pulled
        for _ in range(7):
            pulled += 1
            yield []  # `prepare` of no articles is an empty result

    with dask_client("local", workers=1, processes=False) as client:
        for n, result in enumerate(dask_analyser(client, window=3)(chunks())):
            assert result == []
            handed.append(n)
            assert pulled - len(handed) <= 3
    assert handed == list(range(7))


def test_store_distributed_unreachable_scheduler_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(store_distributed, "CONNECT_TIMEOUT_S", 1)
    with (
        pytest.raises(StoreError, match="cannot reach the Dask scheduler"),
        dask_client("127.0.0.1:9"),
    ):
        pass
    doc = tmp_path / "a.txt"
    doc.write_text("Title\n\nThe minister said the bridge would reopen on Monday.\n")
    result = CliRunner().invoke(
        app, ["ingest", str(doc), "--db", str(tmp_path / "s.db"), "--dask", "tcp://127.0.0.1:9"]
    )
    assert result.exit_code == 2
    assert "cannot reach the Dask scheduler" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.slow
def test_store_distributed_cli_local_cluster_of_processes(tmp_path: Path) -> None:
    """`--dask local` starts real worker processes (articles travel pickled) and stores."""
    paths, _ = demo_corpus()
    result = CliRunner().invoke(app, ["ingest", *paths[:2], "--db", str(tmp_path / "s.db"),
                                      "--dask", "local", "--workers", "1"])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "2 stored" in result.stderr
    assert stats(open_store(str(tmp_path / "s.db")))["articles"] == 2
