"""The store's tallies (what pages show about the whole store) equal a fresh count after every
kind of write, on both databases; the pages read them."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from demo_ingest import demo_ingest
from sqlalchemy import Engine, func, select, text

from saywho.store import Filters, Writer, open_store, speakers_top, stats
from saywho.store.browse import entity_list, facets, search_page, speaker_list
from saywho.store.claim_spread import fresh_rows, stored_rows
from saywho.store.ingest import Prepared
from saywho.store.schema import articles
from saywho.store.tallies import fresh_counts, recount, stored_counts

MakeFn = Callable[..., Prepared]

TEXT = ("The US is covertly sponsoring Islamic State, Zamir Kabulov said on Friday. "
        "Moscow denied the Taliban talks in Geneva, officials said.")  # fmt: skip
KABULOV = (
    "Zamir Kabulov",
    "said",
    "The US is covertly sponsoring Islamic State",
    "accusing",
    "indirect",
)
OFFICIALS = ("", "said", "Moscow denied the Taliban talks in Geneva", "neutral", "indirect")


def _equal(engine: Engine) -> None:
    with engine.connect() as conn:
        fresh, stored = fresh_counts(conn), stored_counts(conn)
        spread_fresh, spread_stored = fresh_rows(conn), stored_rows(conn)
    assert stored == fresh, {
        k: (stored[k], fresh[k]) for k in set(stored) | set(fresh) if stored[k] != fresh[k]
    }
    assert spread_stored == spread_fresh  # each claim cluster's spread (`store.claim_spread`)


def test_store_tallies_follow_ingest_reingest_new_versions_and_merges(
    engine: Engine, make: MakeFn
) -> None:
    writer = Writer(engine)
    _equal(engine)  # empty
    first = make(TEXT, url="https://rt.com/a", site="RT", licence="CC BY 2.5",
                 speakers=(("Zamir Kabulov", "PERSON", ()),), claims=(KABULOV, OFFICIALS))  # fmt: skip
    assert writer.store(first) == "stored"
    _equal(engine)
    assert writer.store(first) == "skipped"
    _equal(engine)
    # a new version: another outlet's claims, other stance and speaker, no licence
    second_text = TEXT.replace("Friday", "Saturday") + " Sergei Lavrov said Geneva failed."
    second = make(second_text, url="https://rt.com/a", site="RT",
                  speakers=(("Sergei Lavrov", "PERSON", ()),),
                  claims=(OFFICIALS, ("Sergei Lavrov", "said", "Geneva failed", "denying", "direct")))  # fmt: skip
    assert writer.store(second) == "updated"
    _equal(engine)
    # a surname-only speaker later absorbed by the full name (a speaker merge at ingest)
    writer.store(make("The talks failed, Kabulov said.", url="https://tass.ru/b", site="TASS",
                      speakers=(("Kabulov", "PERSON", ()),),
                      claims=(("Kabulov", "said", "The talks failed", "neutral", "indirect"),)))  # fmt: skip
    writer.store(make("Zamir Kabulov said the Taliban won. " * 2, url="https://tass.ru/c", site="TASS",
                      speakers=(("Zamir Kabulov", "PERSON", ()),),
                      claims=(("Zamir Kabulov", "said", "the Taliban won", "neutral", "indirect"),)))  # fmt: skip
    _equal(engine)
    counts = stats(engine)
    assert (counts["articles"], counts["attributions"], counts["attributions_all_versions"]) == (
        3,
        4,
        6,
    )
    with engine.begin() as conn:  # a recount from the tables writes what the writer kept
        before = stored_counts(conn)
        recount(conn)
        assert stored_counts(conn) == before


def test_store_tallies_are_what_pages_show(engine: Engine, make: MakeFn) -> None:
    writer = Writer(engine)
    for n in range(4):
        who = ("Zamir Kabulov", "Sergei Lavrov")[n % 2]
        body = f"Story {n}: the Taliban talks in Geneva failed, {who} said on day {n}."
        writer.store(make(body, url=f"https://rt.com/{n}", site=("RT", "TASS")[n % 2],
                          speakers=((who, "PERSON", ()),),
                          claims=((who, "said", "the Taliban talks in Geneva failed", "neutral", "indirect"),)))  # fmt: skip
    top = speakers_top(engine, 10)
    assert [(s.name, s.attributions, s.articles) for s in top] == [
        ("Sergei Lavrov", 2, 2), ("Zamir Kabulov", 2, 2)]  # ties by name  # fmt: skip
    assert [s.name for s in speakers_top(engine, 1, offset=1)] == ["Zamir Kabulov"]
    page = speaker_list(engine, 1, 0)
    assert page.total == 2 and [s.name for s in page.items] == ["Sergei Lavrov"]
    ents = entity_list(engine, 10, 0)
    assert ents.total == 2 and {(e.id, e.claims, e.speakers) for e in ents.items} == {
        ("taliban", 4, 2), ("geneva", 4, 2)}  # fmt: skip
    listed, counted, sampled = search_page(engine, Filters(), 2, 0)
    assert sampled is None
    assert listed.total == 4 and len(listed.items) == 2
    # one-filter totals come from the tallies: the same as counted with a filter that passes all
    from datetime import date

    from saywho.store.browse import attribution_list

    early = date(1900, 1, 1)
    for one in ({"stance": "neutral"}, {"stance": "denying"}, {"kind": "indirect"}, {"outlet": "tass"},
                {"outlet": "nowhere"}):  # fmt: skip
        from_tallies = attribution_list(engine, Filters(**one), 1, 0).total  # type: ignore[arg-type]
        from_rows = attribution_list(engine, Filters(**one, since=early), 1, 0).total  # type: ignore[arg-type]
        assert from_tallies == from_rows, one
    assert attribution_list(engine, Filters(outlet="TASS"), 1, 0).total == 2
    # the same facets as counted through the claims (a filter that passes everything)
    through = facets(engine, Filters(since=__import__("datetime").date(1900, 1, 1)))
    assert counted == through


def test_store_tallies_of_an_older_store_are_counted_by_the_migration(
    tmp_path: Path, make: MakeFn
) -> None:
    from alembic import command

    from saywho.store import upgrade
    from saywho.store.engine import _alembic_config

    engine = open_store(str(tmp_path / "old.db"))
    Writer(engine).store(make(TEXT, url="https://rt.com/a", site="RT",
                              speakers=(("Zamir Kabulov", "PERSON", ()),), claims=(KABULOV, OFFICIALS)))  # fmt: skip
    with engine.begin() as conn:
        want = stored_counts(conn)
        command.downgrade(_alembic_config(conn), "0011")
    assert upgrade(engine) == ("0011", "0015")
    with engine.connect() as conn:
        assert stored_counts(conn) == want == fresh_counts(conn)
    engine.dispose()


def _ingest(db: str) -> list[str]:
    return demo_ingest(db, 60)


@pytest.mark.slow
@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_store_tallies_survive_a_killed_ingest(db_url: str) -> None:
    """SIGKILL partway through an ingest of the demo's first 60 documents into PostgreSQL: the
    tallies still equal a fresh count, and again after the rerun (test_store_crash does the
    same on SQLite)."""
    env = {**os.environ, "SAYWHO_DETECT_LANGUAGE": "0"}
    env.pop("SAYWHO_DB", None)
    engine = open_store(db_url)

    def stored() -> int:
        with engine.connect() as conn:
            return int(conn.scalar(select(func.count()).select_from(articles)) or 0)

    proc = subprocess.Popen(
        _ingest(db_url), env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 600
    while stored() < 15 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert proc.poll() is None, "the ingest finished before it could be killed"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    if engine.dialect.name == "postgresql":  # the killed client's backend ends its transaction
        with engine.connect() as conn:
            conn.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                              "WHERE datname = current_database() AND pid <> pg_backend_pid()"))  # fmt: skip
            conn.commit()
    _equal(engine)
    with engine.connect() as conn:
        assert 15 <= stored_counts(conn)["articles", ""] < 60
    rerun = subprocess.run(_ingest(db_url), env=env, capture_output=True, text=True, timeout=900)
    assert rerun.returncode == 0, rerun.stderr
    _equal(engine)
    assert stats(engine)["attributions"] > 0
    engine.dispose()


def test_store_tallies_facets_of_a_big_filtered_search_count_the_newest(
    engine: Engine, make: MakeFn, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past `FACET_BOUND` passing claims a search without words counts its facets among the
    most recently stored (on PostgreSQL a search with words too); the total stays exact."""
    from saywho.store import counts

    writer = Writer(engine)
    for n, who in enumerate(("Zamir Kabulov", "Zamir Kabulov", "Sergei Lavrov")):
        body = f"Story {n}: the Taliban talks in Geneva failed, {who} said on day {n}."
        writer.store(make(body, url=f"https://rt.com/{n}", site="RT", speakers=((who, "PERSON", ()),),
                          claims=((who, "said", "the Taliban talks in Geneva failed", "denying", "indirect"),)))  # fmt: skip
    monkeypatch.setattr(counts, "FACET_BOUND", 2)
    page, got, sampled = search_page(engine, Filters(stance="denying"), 20, 0)
    assert page.total == 3 and len(page.items) == 3
    speakers = {v.value: v.count for v in got["speaker"]}
    # the two newest: Kabulov's second and Lavrov's
    assert sampled == 2 and speakers == {"Zamir Kabulov": 1, "Sergei Lavrov": 1}
    with_words = search_page(engine, Filters(query="Taliban", stance="denying"), 20, 0)
    assert with_words[0].total == 3
    if engine.dialect.name == "postgresql":  # SQLite counts every match of a search's words
        assert with_words[2] == 2
    monkeypatch.setattr(counts, "FACET_BOUND", 3)
    assert search_page(engine, Filters(stance="denying"), 20, 0)[2] is None


def test_store_search_totals_past_the_bound_are_estimated_and_say_so(
    engine: Engine, make: MakeFn, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A search with words counts its total exactly up to `FACET_BOUND` passing claims; past
    it, on SQLite, the older matches are estimated from a sample (`exact` False, rounded); the
    list's total and the search page's agree; PostgreSQL counts exactly."""
    from saywho.store import counts
    from saywho.store.browse import attribution_list

    writer = Writer(engine)
    for n in range(24):
        stance = "denying" if n % 3 else "accusing"
        body = f"Story {n}: the Taliban talks in Geneva failed, officials said on day {n}."
        writer.store(make(body, url=f"https://rt.com/{n}", site="RT",
                          claims=(("", "said", "the Taliban talks in Geneva failed", stance, "indirect"),)))  # fmt: skip
    every, denying = Filters(query="Taliban"), Filters(query="Taliban", stance="denying")
    # under the bound: exact
    page, _, _ = search_page(engine, denying, 5, 0)
    assert (page.total, page.exact) == (16, True)
    monkeypatch.setattr(counts, "FACET_BOUND", 4)
    monkeypatch.setattr(counts, "SAMPLED", 4)  # 20 older matches > 2 × 4: sampled
    for f, true in ((every, 24), (denying, 16)):
        page, _, sampled = search_page(engine, f, 5, 0)
        listed = attribution_list(engine, f, 5, 0)
        assert (listed.total, listed.exact) == (page.total, page.exact)
        assert sampled == 4 and len(page.items) == 5
        if engine.dialect.name == "postgresql":
            assert (page.total, page.exact) == (true, True)
            continue
        assert page.exact is False
        if f is every:  # every match passes: the estimate (matches × share passing) is exact
            assert page.total == true
            # the last page (a page past an estimated total would still be read)
            assert len(attribution_list(engine, f, 5, 20).items) == 4
        else:
            assert 4 <= page.total <= 24
    assert counts.about(26_288) == 26_000 and counts.about(5_449) == 5_400
    assert counts.about(123_456) == 120_000 and counts.about(87) == 87
