"""The ingest pipeline: extract, skip what is stored, analyse (inline or in workers), store."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func, select

import saywho.analyze
from saywho.config import Settings
from saywho.model import Analysis, Article, Failure, RawDocument
from saywho.pipeline import demo_corpus, ingest
from saywho.sources import read_documents
from saywho.store import stats
from saywho.store.schema import article_versions, ingest_errors

SETTINGS = Settings(detect_language=False)


def _docs(n: int) -> list[RawDocument]:
    return [RawDocument(f"doc{i}.txt", f"Title {i}\n\nThe minister said the bridge {i} would reopen on Monday, "
                        f"officials confirmed in a statement to reporters.".encode()) for i in range(n)]  # fmt: skip


def test_store_pipeline_counts_and_rerun(engine: Engine) -> None:
    items: list[RawDocument | Failure] = [
        *_docs(3),
        Failure("gone.html", "gone.html: not found", "E110"),
    ]
    first = ingest(engine, items, SETTINGS, inputs=["x"])
    assert first.counts() == {"stored": 3, "updated": 0, "skipped": 0, "errors": 1}
    second = ingest(engine, items, SETTINGS, inputs=["x"])
    assert second.counts() == {"stored": 0, "updated": 0, "skipped": 3, "errors": 1}
    assert stats(engine)["ingest_errors"] == 2


def _failing_on(monkeypatch: pytest.MonkeyPatch, marker: str) -> None:
    """`analyze_many` fails (RuntimeError "boom") when it reaches the article holding `marker`."""
    real = saywho.analyze.analyze_many

    def flaky(
        articles: Iterable[Article], settings: Settings | None = None, **options: Any
    ) -> Iterator[Analysis]:
        for analysis in real(articles, settings, **options):
            if marker in analysis.article.text:
                raise RuntimeError("boom")
            yield analysis

    monkeypatch.setattr(saywho.analyze, "analyze_many", flaky)


def test_store_pipeline_analysis_crash_is_recorded_and_the_run_goes_on(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    _failing_on(monkeypatch, "bridge 1 ")
    summary = ingest(engine, _docs(3), SETTINGS, inputs=["x"])
    assert (summary.stored, summary.errors) == (2, 1)
    with engine.connect() as conn:
        reason = conn.scalar(select(ingest_errors.c.reason))
    assert reason == "doc1.txt: analysis failed (RuntimeError: boom)"


def test_store_pipeline_a_failing_article_among_many_chunks_costs_only_itself(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An analysis failure in one chunk of many: that article is recorded, every other one of
    its chunk and of the chunks after it is stored."""
    _failing_on(monkeypatch, "bridge 20 ")
    summary = ingest(engine, _docs(100), SETTINGS, inputs=["x"])  # chunks of 16
    assert (summary.stored, summary.errors) == (99, 1)
    assert summary.failures[0].source == "doc20.txt"


def test_store_pipeline_a_failing_input_stops_the_run(engine: Engine) -> None:
    """A failure of the input itself (not of the analysis) is not recorded as a bad article:
    it stops the run."""

    def documents() -> Iterator[RawDocument]:
        yield from _docs(20)
        raise OSError("the disk went away")

    with pytest.raises(OSError, match="disk went away"):
        ingest(engine, documents(), SETTINGS, inputs=["x"])
    assert stats(engine)["ingest_errors"] == 0


def test_store_pipeline_workers_store_the_same_as_inline(tmp_path: Path) -> None:
    from saywho.store import open_store

    paths, meta = demo_corpus()
    chosen = paths[:4]
    inline, pooled = open_store(str(tmp_path / "a.db")), open_store(str(tmp_path / "b.db"))
    ingest(inline, read_documents(chosen, SETTINGS), SETTINGS, inputs=chosen, meta=meta)
    ingest(pooled, read_documents(chosen, SETTINGS), SETTINGS, inputs=chosen, meta=meta, workers=2)
    a, b = stats(inline), stats(pooled)
    assert dict(a.items()) == dict(b.items())
    with pooled.connect() as conn:
        licences = (
            conn.execute(
                select(article_versions.c.licence).where(article_versions.c.licence.is_not(None))
            )
            .scalars()
            .all()
        )
    assert len(licences) == 3 and all("CC BY 2.5" in x for x in licences)


def test_store_records_the_entities_the_analysis_found(engine: Engine) -> None:
    """The store's mentions are the analysis' entities, exactly: the stage that finds them is
    the analysis, and the store writes what it is given."""
    from saywho.analyze import analyze
    from saywho.extract import extract
    from saywho.store.schema import attributions, mentions

    paths, _ = demo_corpus()
    raw = next(d for d in read_documents(paths[:1], SETTINGS) if isinstance(d, RawDocument))
    analysis = analyze(extract(raw, SETTINGS))
    expected = sorted(
        (a.id, e.text, e.label, e.start, e.end) for a in analysis.attributions for e in a.entities
    )
    assert expected
    ingest(engine, read_documents(paths[:1], SETTINGS), SETTINGS, inputs=paths[:1])
    with engine.connect() as conn:
        stored = conn.execute(
            select(attributions.c.local_id, mentions.c.text, mentions.c.label, mentions.c.start,
                   mentions.c.end).join(attributions, attributions.c.id == mentions.c.attribution_id)
        ).all()  # fmt: skip
    assert sorted(tuple(row) for row in stored) == expected


def test_store_pipeline_prepare_obeys_rules_only_and_the_notion() -> None:
    from saywho.extract import extract
    from saywho.pipeline.ingest import prepare

    text = (
        b"Officials say talks failed\n\nThe minister said the talks had failed. Critics were "
        b"also critical of the plan.\n"
    )
    article = extract(RawDocument("page.txt", text), Settings())
    (learned,) = prepare([(article, None)], Settings(notion="broad"))
    (rules,) = prepare([(article, None)], Settings(rules_only=True, notion="broad"))
    (claims,) = prepare([(article, None)])  # the default notion: no attitude ("critical of")
    assert not isinstance(learned, Failure) and not isinstance(rules, Failure)
    assert not isinstance(claims, Failure)
    assert len(learned.analysis.attributions) == len(rules.analysis.attributions) + 1
    assert len(claims.analysis.attributions) == len(rules.analysis.attributions)
    assert learned.analysis.analyser.endswith("notion=broad")


def test_store_pipeline_obeys_the_analysis_switches(engine: Engine) -> None:
    """`SAYWHO_CHECKWORTHINESS=0`, `SAYWHO_FIGURES=0` and `SAYWHO_ENTITIES=0` hold for ingest as
    for analyze: the settings shipped to the analysis keep them."""
    from saywho.store.schema import attributions, figures, mentions

    off = Settings(detect_language=False, checkworthiness=False, figures=False, entities=False)
    paths, _ = demo_corpus()
    ingest(engine, read_documents(paths[:1], off), off, inputs=paths[:1])
    with engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(attributions)) > 0
        assert conn.scalar(select(func.count()).select_from(attributions)
                           .where(attributions.c.checkworthiness.is_not(None))) == 0  # fmt: skip
        assert conn.scalar(select(func.count()).select_from(figures)) == 0
        assert conn.scalar(select(func.count()).select_from(mentions)) == 0
