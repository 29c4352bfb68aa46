"""Search: ranked full text with highlights and filters; hostile input never breaks or injects."""

from __future__ import annotations

import dataclasses
import io
import json
import re
from collections.abc import Callable
from datetime import date
from typing import Any

import pyarrow.parquet as pq
import pytest
from sqlalchemy import Engine

from saywho.errors import StoreError
from saywho.store import Filters, Writer, about, export, search, stats
from saywho.store.ingest import Prepared
from saywho.store.query import fts5_query

MakeFn = Callable[..., Prepared]


@pytest.fixture
def filled(engine: Engine, make: MakeFn) -> Engine:
    writer = Writer(engine)
    writer.store(make(
        "Zamir Kabulov claimed the US is covertly sponsoring Islamic State in Afghanistan.",
        site="RT", published="2023-01-20", speakers=(("Zamir Kabulov", "PERSON", ("envoy",)),),
        claims=(("Zamir Kabulov", "claimed", "the US is covertly sponsoring Islamic State in Afghanistan",
                 "distancing", "indirect"),), licence="Sample licence line",
    ))  # fmt: skip
    writer.store(make(
        "Officials said the Taliban and Islamic State fought near Kabul. Moscow denied the report.",
        site="BBC", published="2021-06-01", source="bbc.txt",
        speakers=(("Moscow", "GPE", ()),),
        claims=(("", "said", "the Taliban and Islamic State fought near Kabul", "neutral", "indirect"),
                ("Moscow", "denied", "the report", "denying", "indirect")),
    ))  # fmt: skip
    return engine


def test_store_search_ranks_and_highlights(filled: Engine) -> None:
    hits = search(filled, Filters(query="sponsoring Islamic State"))
    assert len(hits) == 1
    assert hits[0].speaker == "Zamir Kabulov"
    assert "«sponsoring»" in (hits[0].snippet or "")
    assert hits[0].licence == "Sample licence line"
    both = search(filled, Filters(query="Islamic State"))
    assert len(both) == 2
    assert both[0].rank is not None and both[0].rank >= (both[1].rank or 0)


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        (Filters(query="Islamic State", speaker="Kabulov"), 1),
        (Filters(query="Islamic State", speaker="kabulov"), 1),
        (Filters(query="Islamic State", stance="distancing"), 1),
        (Filters(query="Islamic State", kind="direct"), 0),
        (Filters(query="Islamic State", outlet="bbc"), 1),
        (Filters(query="Islamic State", since=date(2022, 1, 1)), 1),
        (Filters(query="Islamic State", until=date(2022, 1, 1)), 1),
        (Filters(query="Islamic State", about="Taliban"), 1),
        (Filters(query="Islamic State", speaker="Nobody At All"), 0),
        (Filters(query="Islamic State", limit=1), 1),
    ],
    ids=["by surname", "speaker case-insensitive", "by stance", "by kind", "by outlet",
         "since a day", "until a day", "about an entity", "unknown speaker", "limit"],
)  # fmt: skip
def test_store_search_filters(filled: Engine, filters: Filters, expected: int) -> None:
    assert len(search(filled, filters)) == expected


HOSTILE = [
    '"', '""', "'", "NEAR(Islamic State", "Islamic NEAR State", "*", "Islam*", "(((", ")", "Islamic)",
    "AND", "OR OR", "NOT State", "state:islamic", "^State", "'; DROP TABLE attributions; --",
    "\" OR 1=1 --", "Islamic State\x00", "%", "_", "\\", "{content}: x", "-State", "+State",
    "Islamic\tState\n", "😀 State", "a" * 5000,
]  # fmt: skip


@pytest.mark.parametrize("query", HOSTILE, ids=[repr(q)[:30] for q in HOSTILE])
def test_store_search_hostile_input_gives_results_or_a_clear_error(
    filled: Engine, query: str
) -> None:
    before = stats(filled)
    if not re.search(r"\w", query):  # no word to search for: the one error, in one line
        with pytest.raises(StoreError, match="no words") as refused:
            search(filled, Filters(query=query))
        assert "\n" not in str(refused.value)
    else:  # words among the operators and quotes: searched as words, never an error
        hits = search(filled, Filters(query=query, speaker=query, about=None, outlet=query[:50]))
        assert isinstance(hits, list)
        plain = search(filled, Filters(query=query))
        words = {w.lower() for w in re.findall(r"\w+", query)}
        if words & {"islamic", "state"} and not words - {"islamic", "state"}:
            assert plain, "the words of a hostile query are still found"
    assert stats(filled) == before  # nothing was dropped or changed


def test_store_search_fts_operators_are_words(filled: Engine) -> None:
    # "near" is a word of one content ("fought near Kabul"): found as a word, not an operator
    assert len(search(filled, Filters(query='NEAR("Islamic" State'))) == 1
    assert len(search(filled, Filters(query="NEAR(Islamic, Moscow)"))) == 0
    assert len(search(filled, Filters(query="State*"))) == 2


def test_store_search_empty_is_a_clear_error(filled: Engine) -> None:
    with pytest.raises(StoreError, match="empty"):
        search(filled, Filters(query="   "))
    with pytest.raises(StoreError, match="no words"):
        fts5_query("*** ((( )))")


def test_store_about_groups_by_speaker(filled: Engine) -> None:
    groups = about(filled, "Islamic State")
    assert {g.speaker for g in groups} == {"Zamir Kabulov", "(unnamed source)"}
    assert about(filled, "Nowhere") == []


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "parquet"])
def test_store_export_is_complete(filled: Engine, make: MakeFn, fmt: str) -> None:
    writer = Writer(filled)
    for n in range(30):  # more rows than one batch
        writer.store(make(f"Officer {n} said the road {n} was closed.",
                          claims=(("", "said", f"the road {n} was closed", "neutral", "indirect"),)))  # fmt: skip
    total = stats(filled)["attributions"]
    out: io.StringIO | io.BytesIO = io.BytesIO() if fmt == "parquet" else io.StringIO()
    written = export(filled, Filters(), fmt, out, batch=7)
    assert written == total == 33
    if fmt == "jsonl":
        rows = [json.loads(line) for line in out.getvalue().splitlines()]  # type: ignore[union-attr]
        assert len(rows) == total and len({r["id"] for r in rows}) == total
    elif fmt == "csv":
        assert len(out.getvalue().splitlines()) == total + 1  # type: ignore[union-attr]
    else:
        out.seek(0)
        assert pq.read_table(out).num_rows == total
    filtered = io.StringIO()
    assert export(filled, Filters(stance="denying"), "jsonl", filtered) == 1


def test_store_export_unknown_format(filled: Engine) -> None:
    with pytest.raises(StoreError, match="jsonl, csv or parquet"):
        export(filled, Filters(), "xml", io.StringIO())


def test_store_search_reads_current_versions_even_when_old_ones_rank_higher(
    engine: Engine, make: MakeFn
) -> None:
    writer = Writer(engine)
    url = "https://example.com/bridge"
    for n in range(60):  # more old versions than the first ranking pass looks at
        writer.store(make(f"The mayor said bridge bridge bridge {n}.", url=url,
                          claims=(("", "said", f"bridge bridge bridge {n}", "neutral", "indirect"),)))  # fmt: skip
    writer.store(make("The mayor said the bridge reopened after a long wait today.", url=url,
                      claims=(("", "said", "the bridge reopened after a long wait today", "neutral", "indirect"),)))  # fmt: skip
    hits = search(engine, Filters(query="bridge", limit=1))
    assert [h.content for h in hits] == ["the bridge reopened after a long wait today"]
    assert "«bridge»" in (hits[0].snippet or "")


def _synthetic_store(path: str) -> Engine:
    """3000 attributions over 300 articles with outlets, dates, speakers and mentions, written in
    bulk at schema 0001 (no facets yet); 30 articles then get a second, current version."""
    import random
    from datetime import UTC, datetime

    from alembic import command
    from sqlalchemy import insert, text, update

    from saywho.store import make_engine
    from saywho.store.engine import _alembic_config
    from saywho.store.schema import (
        article_versions,
        articles,
        attributions,
        mentions,
        outlets,
        speaker_aliases,
        speakers,
    )

    engine = make_engine(path)
    with engine.begin() as conn:
        command.upgrade(_alembic_config(conn), "0001")
    rng = random.Random(3)
    now = datetime.now(UTC)

    def version(i: int, article: int, n: int) -> dict[str, object]:
        return {"id": i, "article_id": article, "version": n, "body_hash": str(i), "source": f"s{i}",
                "text": "x", "paragraphs": "[]", "authors": "[]", "warnings": "[]",
                "input_format": "plain", "extractor_version": "t", "ingested_at": now,
                "published_date": date(2010 + i % 15, 1 + i % 12, 1)}  # fmt: skip

    def claims(first: int, count: int, version_id: int) -> list[dict[str, object]]:
        rows = []
        for n in range(first, first + count):
            words = ["alpha", "beta", "gamma", "delta", "alpha alpha"]
            content = " ".join(rng.choices(words, k=rng.randint(3, 12)))
            rows.append({"id": n, "version_id": version_id, "local_id": f"a{n}",
                         "kind": rng.choice(["direct", "indirect", "headline"]), "field": "text",
                         "speaker_id": rng.randint(1, 30), "cue_start": 0, "cue_end": 1,
                         "cue_text": "said", "cue_lemma": "say",
                         "stance": rng.choice(["neutral"] * 20 + ["denying"]), "content_start": 0,
                         "content_end": len(content), "content": content, "sentence": 0, "confidence": 0.5})  # fmt: skip
        return rows

    def write(conn: Any, rows: list[dict[str, object]]) -> None:
        conn.execute(insert(attributions), rows)
        conn.execute(
            text("INSERT INTO attribution_fts(rowid, content) VALUES (:id, :content)"), rows
        )
        conn.execute(insert(mentions), [{"attribution_id": r["id"], "text": "Kabul", "normalised": "kabul",
                                         "label": "GPE", "start": 0, "end": 5} for r in rows if r["id"] % 7 == 0])  # fmt: skip

    with engine.begin() as c:
        c.execute(insert(outlets), [{"id": i, "name": f"Outlet {i}"} for i in range(1, 41)])
        c.execute(insert(speakers), [{"id": i, "name": f"Speaker {i}", "type": "PERSON",
                                      "merge_key": f"full:speaker {i}"} for i in range(1, 31)])  # fmt: skip
        c.execute(insert(speaker_aliases), [{"speaker_id": i, "alias": f"Speaker {i}",
                                             "normalised": f"speaker {i}"} for i in range(1, 31)])  # fmt: skip
        c.execute(insert(articles), [{"id": i, "key": f"hash:{i}", "outlet_id": rng.randint(1, 40),
                                      "current_version_id": i, "first_seen": now} for i in range(1, 301)])  # fmt: skip
        c.execute(insert(article_versions), [version(i, i, 1) for i in range(1, 301)])
        write(c, [r for i in range(1, 301) for r in claims(i * 10 - 9, 10, i)])
    with engine.begin() as c:  # new current versions: their old attributions must drop out
        for article in range(1, 301, 10):
            c.execute(insert(article_versions), [version(1000 + article, article, 2)])
            c.execute(update(articles).where(articles.c.id == article)
                      .values(current_version_id=1000 + article, outlet_id=rng.randint(1, 40)))  # fmt: skip
            write(c, claims(10_000 + article * 10, 10, 1000 + article))
    return engine


def _reference(conn: Any, match: str, f: Filters) -> list[int]:
    """Every match ranked by (bm25, id), kept when the full join (`iter_claims`) passes it."""
    from sqlalchemy import text

    from saywho.store.query import iter_claims

    passing = {c.id for c in iter_claims(conn, dataclasses.replace(f, query=None, limit=None))}
    ranked = conn.execute(text("SELECT rowid, bm25(attribution_fts) FROM attribution_fts "
                               "WHERE attribution_fts MATCH :q"), {"q": match}).all()  # fmt: skip
    return [i for i, _ in sorted(ranked, key=lambda r: (r[1], r[0])) if i in passing][: f.limit]


SEARCH_CASES = [
    ({}, "no filter"),
    ({"stance": "denying"}, "a rare stance"),
    ({"kind": "headline"}, "a kind"),
    ({"outlet": "Outlet 7"}, "an outlet"),
    ({"since": date(2023, 1, 1)}, "a recent date"),
    ({"until": date(2012, 6, 30)}, "an old date"),
    ({"stance": "denying", "outlet": "outlet 3"}, "a stance at an outlet"),
    ({"stance": "neutral", "kind": "indirect", "since": date(2015, 1, 1)}, "stance kind and date"),
    ({"speaker": "Speaker 4"}, "a speaker"),
    ({"about": "Kabul", "kind": "direct"}, "an entity and a kind"),
]


@pytest.mark.parametrize(
    "plan", ["probe each match", "list the passing ids", "pooled best hits", "as chosen"]
)
@pytest.mark.parametrize(("extra", "_label"), SEARCH_CASES, ids=[c[1] for c in SEARCH_CASES])
def test_store_search_filtered_ranking_equals_the_reference_join_on_sqlite(
    tmp_path: Any, monkeypatch: pytest.MonkeyPatch, extra: dict[str, Any], _label: str, plan: str
) -> None:
    """Every SQLite plan returns exactly what ranking every match and filtering it through the
    full join returns, on a store migrated from 0001 and with superseded article versions."""
    from saywho.store import open_store, upgrade
    from saywho.store import query as store_query

    upgrade(_synthetic_store(str(tmp_path / "pool.db")))
    engine = open_store(str(tmp_path / "pool.db"), create=False)
    if plan == "pooled best hits":  # never "few matches", never "fewer pass than match"
        monkeypatch.setattr(store_query, "_FEW_MATCHES", -1)
        monkeypatch.setattr(store_query, "_LIST_VS_PROBE", 0.0)
        monkeypatch.setattr(store_query, "_PROBE_BELOW_RATE", -1.0)
    with engine.connect() as conn:
        for word in ("alpha", "gamma delta"):
            for limit in (5, 20, 200):
                f = Filters(query=word, limit=limit, **extra)
                match = store_query.fts5_query(word)
                want = _reference(conn, match, f)
                if plan in ("probe each match", "list the passing ids"):
                    passing = store_query._passing(f)
                    ranked = store_query._ranked_among(
                        conn, match, passing, limit, probe=plan == "probe each match"
                    )
                    got = [i for i, _ in ranked]
                else:
                    got = [c.id for c in search(engine, f)]
                assert got == want, (word, limit)
                assert want or extra, "the synthetic store should have hits without filters"


def test_store_search_facets_equal_the_current_join_after_migration_and_new_versions(
    tmp_path: Any, make: MakeFn
) -> None:
    """Migration 0002 backfills `attribution_facets` from a 0001 store, and its triggers keep it
    equal to the current attributions when new versions and attributions arrive afterwards."""
    from sqlalchemy import text

    from saywho.store import open_store, upgrade
    from saywho.store.engine import current_revision

    engine = _synthetic_store(str(tmp_path / "m.db"))
    assert current_revision(engine) == "0001"
    assert upgrade(engine) == ("0001", "0015")
    engine = open_store(str(tmp_path / "m.db"), create=False)
    current = ("SELECT a.id, a.stance, a.kind, ar.outlet_id, v.published_date FROM attributions a "
               "JOIN article_versions v ON v.id = a.version_id JOIN articles ar ON ar.current_version_id = v.id")  # fmt: skip
    facets = (
        "SELECT attribution_id, stance, kind, outlet_id, published_date FROM attribution_facets"
    )
    with engine.connect() as conn:
        assert sorted(conn.execute(text(facets)).all()) == sorted(conn.execute(text(current)).all())
        assert len(conn.execute(text(facets)).all()) == 3000
    writer = Writer(engine)
    url = "https://example.com/facets"
    writer.store(make("Kabulov said one two.", url=url, site="RT", claims=(("", "said", "one two", "neutral", "indirect"),)))  # fmt: skip
    writer.store(make("Kabulov said three four.", url=url, site="RT", claims=(("", "said", "three four", "denying", "direct"),)))  # fmt: skip
    with engine.connect() as conn:
        rows = sorted(conn.execute(text(facets)).all())
        assert rows == sorted(conn.execute(text(current)).all())
        assert len(rows) == 3001 and ("denying", "direct") in {(r[1], r[2]) for r in rows}


def test_store_search_sorted_by_checkworthiness_current_versions_only(
    engine: Engine, make: MakeFn
) -> None:
    from saywho.store import browse

    writer = Writer(engine)

    def store(n: int, score: float | None, url: str) -> None:
        prepared = make(f"Officer {n} said the road {n} was closed.", url=url,
                        claims=(("", "said", f"the road {n} was closed", "neutral", "indirect"),))  # fmt: skip
        scored = dataclasses.replace(prepared.analysis.attributions[0], checkworthiness=score)
        writer.store(
            dataclasses.replace(
                prepared, analysis=dataclasses.replace(prepared.analysis, attributions=(scored,))
            )
        )

    for n, score in enumerate([0.2, None, 0.95, 0.5]):
        store(n, score, f"https://example.com/{n}")
    store(9, 0.1, "https://example.com/2")  # a new version of the 0.95 story, scored low
    hits = search(engine, Filters(query="road", sort="checkworthiness", limit=10))
    assert [h.checkworthiness for h in hits] == [0.5, 0.2, 0.1, None]
    assert [
        h.checkworthiness
        for h in search(engine, Filters(query="road closed", sort="checkworthiness", limit=2))
    ] == [0.5, 0.2]
    assert all("«road»" in (h.snippet or "") for h in hits)
    relevance = search(engine, Filters(query="road", limit=10))
    assert sorted(h.id for h in relevance) == sorted(h.id for h in hits)
    worthy = search(
        engine, Filters(query="road", sort="checkworthiness", check_worthy=True, limit=10)
    )
    assert [h.checkworthiness for h in worthy] == [0.5]
    page = browse.attribution_list(engine, Filters(sort="checkworthiness"), 3, 0)
    assert [c.checkworthiness for c in page.items] == [0.5, 0.2, 0.1] and page.total == 4


def test_store_search_deep_pages_bind_few_variables(
    tmp_path: Any, make: MakeFn, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A deep page (offset far past SQLite's limit on bound variables, lowered here to 60, with
    the batches of ids lowered to 40 to match) ranks offset + limit matches over ids and reads
    only its own rows: the same rows as the tail of one long ranking, filtered or not, with the
    page listing too."""
    import sqlite3

    from sqlalchemy import event

    from saywho.store import browse, open_store
    from saywho.store import query as query_module

    engine = open_store(str(tmp_path / "deep.db"), create=True)
    writer = Writer(engine)
    for n in range(400):
        stance = "distancing" if n % 3 else "neutral"
        writer.store(make(f"Officer {n} said the road {n} was closed {'again ' * (n % 7)}.", url=f"https://example.com/{n}",
                          claims=(("", "said", f"the road {n} was closed", stance, "indirect"),)))  # fmt: skip
    full = search(engine, Filters(query="road", limit=400))
    filtered_full = search(engine, Filters(query="road", stance="distancing", limit=400))
    assert len(full) == 400 and len(filtered_full) == 266
    engine.dispose()

    @event.listens_for(engine, "connect")
    def few_variables(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, 60)

    monkeypatch.setattr(query_module, "_BOUND_IDS", 40)
    # the limit holds: 61 ids in one statement are refused
    with engine.connect() as conn, pytest.raises(Exception, match="too many SQL variables"):
        conn.exec_driver_sql("SELECT 1 WHERE 1 IN (" + ",".join("?" * 61) + ")", tuple(range(61)))
    deep = search(engine, Filters(query="road", limit=10), offset=350)
    assert [h.id for h in deep] == [h.id for h in full[350:360]]
    assert all("«road»" in (h.snippet or "") for h in deep)
    deep_filtered = search(engine, Filters(query="road", stance="distancing", limit=10), offset=250)
    assert [h.id for h in deep_filtered] == [h.id for h in filtered_full[250:260]]
    assert len(search(engine, Filters(query="road", limit=300))) == 300  # decorated in batches
    page = browse.attribution_list(engine, Filters(query="road"), 10, 390)
    assert [c.id for c in page.items] == [h.id for h in full[390:400]] and page.total == 400
    engine.dispose()


def test_store_search_without_filters_ranks_its_newest_matches(
    tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past `RANKED_MATCHES` matches (lowered here to 300 of about 3,000), a search with words and
    no filter ranks the most recently stored 300 only: exactly the reference ranking of those;
    its page says how far it can be paged, and the API offers no page past it. A filtered search
    still ranks every passing match."""
    from sqlalchemy import text

    from saywho.store import browse, open_store, upgrade
    from saywho.store import query as store_query
    from saywho.web.api import more

    upgrade(_synthetic_store(str(tmp_path / "window.db")))
    engine = open_store(str(tmp_path / "window.db"), create=False)
    monkeypatch.setattr(store_query, "RANKED_MATCHES", 300)
    match = store_query.fts5_query("alpha")
    with engine.connect() as conn:
        ids = conn.execute(text("SELECT rowid FROM attribution_fts WHERE attribution_fts MATCH :q "
                                "ORDER BY rowid DESC"), {"q": match}).scalars().all()  # fmt: skip
        assert len(ids) > 1000
        newest = set(ids[:300])
        every = _reference(conn, match, Filters(query="alpha", limit=None))
        neutral = _reference(conn, match, Filters(query="alpha", stance="neutral", limit=40))
    window = [i for i in every if i in newest]
    assert window != every[: len(window)], "the synthetic store should rank older ones higher"
    for limit in (5, 40):
        assert [c.id for c in search(engine, Filters(query="alpha", limit=limit))] == window[:limit]
    assert [c.id for c in search(engine, Filters(query="alpha", limit=10), offset=20)] == window[
        20:30
    ]
    got = [c.id for c in search(engine, Filters(query="alpha", stance="neutral", limit=40))]
    assert got == neutral
    page, _, _ = browse.search_page(engine, Filters(query="alpha"), 20, 0)
    assert page.reachable == 300 and page.total > 300 and more(page)
    last, _, _ = browse.search_page(engine, Filters(query="alpha"), 20, 280)
    assert not more(last) and [c.id for c in last.items] == window[280:300]
    filtered, _, _ = browse.search_page(engine, Filters(query="alpha", stance="neutral"), 20, 280)
    assert filtered.reachable is None and more(filtered)
    engine.dispose()
