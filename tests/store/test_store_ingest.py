"""Ingest: one transaction per article, idempotent, versions, run and error records."""

from __future__ import annotations

import json
import string
import uuid
from collections.abc import Callable

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, select

from saywho.errors import StoreError
from saywho.model import Failure
from saywho.store import (
    Filters,
    Writer,
    article_key,
    canonical_url,
    make_engine,
    open_store,
    stats,
    upgrade,
)
from saywho.store.engine import current_revision, database_url, head_revision
from saywho.store.ingest import Prepared
from saywho.store.query import iter_claims
from saywho.store.schema import article_versions, articles, ingest_errors, ingest_runs

TEXT = "The US is covertly sponsoring Islamic State, Zamir Kabulov said on Friday."
MakeFn = Callable[..., Prepared]
CLAIM = (
    "Zamir Kabulov",
    "said",
    "The US is covertly sponsoring Islamic State",
    "neutral",
    "indirect",
)


def test_store_ingest_same_article_twice_is_stored_once(engine: Engine, make: MakeFn) -> None:
    writer = Writer(engine)
    prepared = make(TEXT, speakers=(("Zamir Kabulov", "PERSON", ()),), claims=(CLAIM,))
    assert writer.store(prepared) == "stored"
    assert writer.store(prepared) == "skipped"
    assert writer.is_stored(prepared.analysis.article)
    counts = stats(engine)
    assert (counts["articles"], counts["article_versions"], counts["attributions"]) == (1, 1, 1)


def test_store_ingest_same_url_new_body_keeps_history(engine: Engine, make: MakeFn) -> None:
    writer = Writer(engine)
    url = "https://example.com/story?utm_source=feed"
    first = make(TEXT, url=url, claims=(CLAIM,), speakers=(("Zamir Kabulov", "PERSON", ()),))
    changed_text = TEXT.replace("Friday", "Saturday") + " Officials said the talks failed."
    second = make(changed_text, url="https://EXAMPLE.com/story#top", claims=(
        CLAIM, ("", "said", "the talks failed", "neutral", "indirect")), speakers=(("Zamir Kabulov", "PERSON", ()),))  # fmt: skip
    assert writer.store(first) == "stored"
    assert writer.store(second) == "updated"
    assert writer.store(first) == "skipped"  # an old body is history, not news
    with engine.connect() as conn:
        versions = conn.execute(select(article_versions.c.version, article_versions.c.body_hash)
                                .order_by(article_versions.c.version)).all()  # fmt: skip
        current = conn.scalar(select(articles.c.current_version_id))
        latest = conn.scalar(select(article_versions.c.id).where(article_versions.c.version == 2))
    assert [v for v, _ in versions] == [1, 2]
    assert current == latest
    counts = stats(engine)
    assert counts["articles"] == 1
    assert counts["attributions"] == 2  # the current version's
    assert counts["attributions_all_versions"] == 3  # history kept


def test_store_ingest_run_and_errors_are_recorded(engine: Engine) -> None:
    writer = Writer(engine)
    run = writer.begin_run(["a.html", "b.bin"])
    writer.record_error(run, Failure("b.bin", "b.bin: the document is binary", "E100"))
    writer.finish_run(run, {"stored": 1, "errors": 1})
    with engine.connect() as conn:
        row = conn.execute(select(ingest_runs)).one()
        error = conn.execute(select(ingest_errors)).one()
    assert json.loads(row.inputs) == ["a.html", "b.bin"]
    assert (row.stored, row.errors, row.completed) == (1, 1, True)
    assert (error.source, error.code, error.run_id) == ("b.bin", "E100", run)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("HTTPS://WWW.Example.com/a/?utm_source=x&id=3#top", "https://www.example.com/a?id=3"),
        ("https://example.com", "https://example.com/"),
        ("https://example.com/a?fbclid=1", "https://example.com/a"),
    ],
    ids=["case, tracking and fragment dropped", "empty path is slash", "facebook click id dropped"],
)
def test_store_ingest_canonical_url(url: str, expected: str) -> None:
    assert canonical_url(url) == expected


def test_store_ingest_key_is_hash_without_url(make: MakeFn) -> None:
    prepared = make(TEXT)
    assert article_key(prepared.analysis.article) == f"hash:{prepared.analysis.article.id}"


def test_store_engine_file_path_is_sqlite_and_postgres_url_uses_psycopg() -> None:
    assert database_url("x/saywho.db") == "sqlite:///x/saywho.db"
    assert database_url("postgresql://u@h/d").startswith("postgresql+psycopg://")
    with pytest.raises(StoreError, match="empty"):
        database_url("  ")


def test_store_engine_missing_folder_is_a_clear_error(tmp_path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(StoreError, match="folder"):
        make_engine(str(tmp_path / "nope" / "saywho.db"))


def test_store_engine_unreachable_server_is_a_clear_error() -> None:
    engine = make_engine("postgresql://nobody@127.0.0.1:1/none?connect_timeout=2")
    with pytest.raises(StoreError, match="cannot open the database"):
        open_store(str(engine.url))


def test_store_engine_upgrade_is_idempotent_and_old_stores_are_refused(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = str(tmp_path / "s.db")
    engine = make_engine(path)
    assert upgrade(engine) == (None, head_revision())
    assert upgrade(engine) == (head_revision(), head_revision())
    with engine.begin() as conn:  # pretend the store was made by an older saywho
        conn.exec_driver_sql("UPDATE alembic_version SET version_num = '0000'")
    with pytest.raises(StoreError, match="saywho db upgrade"):
        open_store(path)
    assert current_revision(engine) == "0000"


def test_store_engine_query_on_missing_store_says_ingest_first(tmp_path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(StoreError, match="saywho ingest"):
        open_store(str(tmp_path / "new.db"), create=False)


_text = st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), min_size=1,
                max_size=300)  # fmt: skip


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    body=_text,
    title=st.none() | _text,
    speaker=st.text(alphabet=string.ascii_letters + " .'-", min_size=1, max_size=40),
)
def test_store_ingest_any_text_reads_back_equal(
    engine: Engine, make: MakeFn, body: str, title: str | None, speaker: str
) -> None:
    """Property: whatever the text, what is stored is what is read back."""
    # a fresh article each example: the engine (and so the store) lives across examples
    text = f"{speaker} said {body} [{uuid.uuid4()}]"
    prepared = make(text, title=title, speakers=((speaker, "PERSON", (body[:50],)),),
                             claims=((speaker, "said", body, "neutral", "indirect"),))  # fmt: skip
    Writer(engine).store(prepared)
    article = prepared.analysis.article
    with engine.connect() as conn:
        row = conn.execute(
            select(article_versions).where(article_versions.c.body_hash == article.id)
        ).one()
        claims = [
            c
            for c in iter_claims(conn, Filters())
            if c.article_source == article.source and c.title == title
        ]
    assert row.text == text
    assert row.title == title
    assert json.loads(row.paragraphs) == [[0, len(text)]]
    assert any(c.content == body and c.cue == "said" for c in claims)
