"""Search: ranked full text with highlights and filters; hostile input never breaks or injects."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from datetime import date

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
    try:
        hits = search(filled, Filters(query=query, speaker=query, about=None, outlet=query[:50]))
        assert isinstance(hits, list)
        search(filled, Filters(query=query))
    except StoreError as exc:
        assert "\n" not in str(exc)
        assert "Traceback" not in str(exc)
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
    assert {g["speaker"] for g in groups} == {"Zamir Kabulov", "(unnamed source)"}
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


def test_store_search_filtered_ranking_equals_the_full_join_on_sqlite(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The pooled SQLite search (best hits first, pool grown, join fallback) returns exactly
    what ranking every match through the join returns, for common and selective filters."""
    import random
    from datetime import UTC, datetime

    from sqlalchemy import insert, text

    from saywho.store import open_store
    from saywho.store.query import _ranked_ids, _sqlite_search
    from saywho.store.schema import article_versions, articles, attributions, outlets

    engine = open_store(str(tmp_path / "pool.db"))
    rng = random.Random(3)
    now = datetime.now(UTC)
    with engine.begin() as c:
        c.execute(insert(outlets), [{"id": i, "name": f"Outlet {i}"} for i in range(1, 41)])
        c.execute(insert(articles), [{"id": i, "key": f"hash:{i}", "outlet_id": rng.randint(1, 40),
                                      "current_version_id": i, "first_seen": now} for i in range(1, 301)])  # fmt: skip
        c.execute(insert(article_versions), [{
            "id": i, "article_id": i, "version": 1, "body_hash": str(i), "source": f"s{i}", "text": "x",
            "paragraphs": "[]", "authors": "[]", "warnings": "[]", "input_format": "plain",
            "extractor_version": "t", "ingested_at": now, "published_date": date(2010 + i % 15, 1, 1),
        } for i in range(1, 301)])  # fmt: skip
        rows = []
        for n in range(1, 3001):
            content = " ".join(
                rng.choices(
                    ["alpha", "beta", "gamma", "delta", "alpha alpha"], k=rng.randint(3, 12)
                )
            )
            rows.append({"id": n, "version_id": (n - 1) // 10 + 1, "local_id": f"a{n}",
                         "kind": rng.choice(["direct", "indirect", "headline"]), "field": "text",
                         "cue_start": 0, "cue_end": 1, "cue_text": "said", "cue_lemma": "say",
                         "stance": rng.choice(["neutral"] * 20 + ["denying"]), "content_start": 0,
                         "content_end": len(content), "content": content, "sentence": 0, "confidence": 0.5})  # fmt: skip
        c.execute(insert(attributions), rows)
        c.execute(text("INSERT INTO attribution_fts(rowid, content) VALUES (:id, :content)"), rows)
    cases = [{}, {"stance": "denying"}, {"kind": "headline"}, {"outlet": "Outlet 7"},
             {"since": date(2023, 1, 1)}, {"stance": "denying", "outlet": "outlet 3"}]  # fmt: skip
    with engine.connect() as conn:
        for extra in cases:
            for limit in (5, 20, 200):
                f = Filters(query="alpha", limit=limit, **extra)  # type: ignore[arg-type]
                got = [r.id for r in _sqlite_search(conn, '"alpha"', f, limit)]
                want = [i for i, _ in _ranked_ids(conn, '"alpha"', f, limit, None)]
                assert got == want, (extra, limit)
