"""Each claim cluster's spread (`saywho.store.claim_spread`) equals a fresh count after every kind
of write, on both databases, and the claims list reads it in each sort order and filter as the
grouping of every appearance would list them."""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Any

import pytest
from claim_stories import MORE_STORIES, STORIES, MakeFn, article, with_vectors
from sqlalchemy import Engine, select

from saywho.store import Writer, upgrade
from saywho.store.claim_query import ClaimFilters, claim_cluster_page, claim_clusters, cluster_of
from saywho.store.claim_spread import (
    UNDATED_FIRST,
    UNDATED_LAST,
    fresh_rows,
    recount,
    stored_rows,
)
from saywho.store.claims import body_signature, rebuild
from saywho.store.ingest import Prepared
from saywho.store.schema import claims, speakers
from saywho.store.speakers import merge_speakers

SPONSOR = STORIES[0][4]
TROOPS = MORE_STORIES[1][4]


def _equal(engine: Engine) -> dict[int, tuple[Any, ...]]:
    with engine.connect() as conn:
        fresh, stored = fresh_rows(conn), stored_rows(conn)
    assert stored == fresh, {k: (stored.get(k), fresh.get(k)) for k in set(stored) | set(fresh)
                             if stored.get(k) != fresh.get(k)}  # fmt: skip
    return stored


def _copy(make: MakeFn, outlet: str, day: str, text: str, who: str = "Zamir Kabulov") -> Prepared:
    claim = (who, "claimed", SPONSOR, "neutral", "indirect")
    p = make(text, url=f"https://{outlet.lower()}.example/wire-{abs(hash(text))}", site=outlet,
             published=day, speakers=((who, "PERSON", ()),), claims=(claim,))  # fmt: skip
    p = with_vectors(p)
    return dataclasses.replace(p, signature=body_signature(p.analysis))


WIRE = (
    "Zamir Kabulov, Russia's presidential envoy for Afghanistan, claimed on Friday that the "
    f"{SPONSOR[4:]}. Speaking to reporters in Moscow, Kabulov said the Americans had been reaching "
    "out to armed groups that oppose the Taliban and were trying to avenge their defeat. The US "
    "State Department did not respond to a request for comment on the allegations."
)


def test_store_claim_spread_follows_ingest_versions_copies_merges_and_rebuilds(
    engine: Engine, make: MakeFn
) -> None:
    writer = Writer(engine)
    assert _equal(engine) == {}
    for story in STORIES + MORE_STORIES:
        writer.store(article(make, *story))
    rows = _equal(engine)
    assert sorted(r[0] for r in rows.values()) == [1, 1, 2, 3]  # articles per cluster
    again = article(make, *STORIES[0])
    assert writer.store(again) == "skipped"
    _equal(engine)
    # a syndicated copy and its original: the story counts once, the copy as a copy
    writer.store(_copy(make, "AP", "2023-01-25", WIRE))
    writer.store(_copy(make, "Daily", "2023-01-25", "MOSCOW (AP) — " + WIRE + " Unverified."))
    spread = _equal(engine)
    sponsor = next(r for r in spread.values() if r[0] == 4)
    assert sponsor[1] == 1 and sponsor[2] == 5  # articles 4, copies 1, outlets 5
    # a new version moves an article's claim to another cluster: both clusters recounted
    moved = with_vectors(make(
        f"The Pentagon said that {TROOPS}.", url=again.analysis.article.url, site="RT",
        published="2023-01-27", speakers=(("The Pentagon", "ORG", ()),),
        claims=(("The Pentagon", "said", TROOPS, "neutral", "indirect"),),
    ))  # fmt: skip
    assert writer.store(moved) == "updated"
    spread = _equal(engine)
    assert max(r[0] for r in spread.values()) == 3  # the sponsor claim lost RT's article
    assert any(r[0] == 3 and str(r[6]) == "2023-01-27" for r in spread.values())  # troops
    # a surname-only speaker absorbed by the full name at the same outlet (a merge at ingest):
    # a claim said by both counts one speaker
    writer.store(
        _copy(make, "TASS", "2023-01-28", f"Kabulov claimed that {SPONSOR}.", who="Kabulov")
    )
    before = _equal(engine)
    writer.store(_copy(make, "TASS", "2023-01-29",
                       f"Zamir Kabulov claimed that {SPONSOR}, again. " * 2))  # fmt: skip
    after = _equal(engine)
    assert max(r[3] for r in after.values()) <= max(r[3] for r in before.values())
    # a merge of two speakers of one claim (as `saywho speakers merge` does): one speaker fewer
    with engine.begin() as conn:
        ids = dict(conn.execute(select(speakers.c.name, speakers.c.id)).all())
        merge_speakers(conn, int(ids["Moscow"]), int(ids["The envoy"]))
    merged = _equal(engine)
    assert sorted(r[3] for r in merged.values()) != sorted(r[3] for r in after.values())
    # the rebuild and a recount from the tables write what the writer kept
    rebuild(engine)
    rebuilt = _equal(engine)
    with engine.begin() as conn:
        recount(conn)
    assert _equal(engine) == rebuilt


def _stories(engine: Engine, make: MakeFn) -> None:
    writer = Writer(engine)
    for story in STORIES + MORE_STORIES:
        writer.store(article(make, *story))
    writer.store(article(make, "BBC", "2023-01-26", "Officials", "said", TROOPS))
    undated = make(f"The council said that {SPONSOR}.", url="https://local.example/1", site="Local",
                   published=None, speakers=(("The council", "ORG", ()),),
                   claims=(("The council", "said", SPONSOR, "neutral", "indirect"),))  # fmt: skip
    writer.store(with_vectors(undated))
    writer.store(with_vectors(make(
        "The council said that the bridge on Main Street will close for repairs in May.",
        url="https://local.example/2", site="Local", published=None,
        speakers=(("The council", "ORG", ()),),
        claims=(("The council", "said", "the bridge on Main Street will close for repairs in May",
                 "neutral", "indirect"),),
    )))  # fmt: skip


def _reference(engine: Engine, f: ClaimFilters) -> list[int]:
    """The clusters `f` lists, in its order, from a fresh count and every appearance's day."""
    from saywho.store.claim_spread import appearances

    with engine.connect() as conn:
        spread = fresh_rows(conn)
        days: dict[int, list[date]] = {}
        for r in conn.execute(appearances()).mappings():
            if r["published_date"] is not None:
                day = r["published_date"]
                days.setdefault(int(r["cluster_id"]), []).append(
                    day if isinstance(day, date) else date.fromisoformat(str(day))
                )
    kept = [
        cid for cid, r in spread.items()
        if r[0] >= f.min_articles and (f.min_outlets <= 1 or r[2] >= f.min_outlets)
        and (not (f.since or f.until) or any(
            (f.since is None or d >= f.since) and (f.until is None or d <= f.until)
            for d in days.get(cid, [])))
    ]  # fmt: skip

    def key(cid: int) -> tuple[Any, ...]:
        articles, _, outlets, speakers, _, first, last, cw = spread[cid][:8]
        first_day, last_day = date.fromisoformat(first), date.fromisoformat(last)
        return {
            "spread": (-outlets, -articles, -speakers, first_day, cid),
            "first": (first_day, -articles, cid),
            "recent": (-last_day.toordinal(), -articles, cid),
            "checkworthiness": (-cw, -articles, cid),
        }[f.sort]

    return sorted(kept, key=key)[f.offset : f.offset + f.limit]


@pytest.mark.parametrize("sort", ["spread", "first", "recent"])
def test_store_claim_spread_lists_in_every_order_and_filter(
    engine: Engine, make: MakeFn, sort: str
) -> None:
    _stories(engine, make)
    d = date.fromisoformat
    for f in (
        ClaimFilters(sort=sort),
        ClaimFilters(sort=sort, limit=2, offset=1),
        ClaimFilters(sort=sort, min_outlets=2),
        ClaimFilters(sort=sort, min_articles=3),
        ClaimFilters(sort=sort, since=d("2023-01-23")),
        ClaimFilters(sort=sort, until=d("2023-01-21")),
        # the troops claim ran on the 22nd, 23rd and 26th: not within the 24th and 25th
        ClaimFilters(sort=sort, since=d("2023-01-24"), until=d("2023-01-25")),
        ClaimFilters(sort=sort, since=d("2023-01-21"), until=d("2023-01-22")),
    ):
        listed, total = claim_cluster_page(engine, f)
        assert [c["id"] for c in listed] == _reference(engine, f), f
        unpaged = dataclasses.replace(f, limit=1000, offset=0)
        assert total == len(_reference(engine, unpaged)), f
    every = claim_clusters(engine, ClaimFilters(sort=sort, limit=100))
    undated = [c for c in every if c["first_seen"] is None]
    assert len(undated) == 1 and undated[0]["last_seen"] is None  # the bridge: no date shown
    assert every[-1]["first_seen"] is None or sort == "spread"  # undated last by date
    sponsor = next(c for c in every if c["claim"] == SPONSOR)
    assert (sponsor["articles"], sponsor["outlets"], sponsor["first_seen"]) == (4, 4, "2023-01-20")
    assert UNDATED_FIRST > date(2100, 1, 1) > UNDATED_LAST


def test_store_claim_spread_on_article_pages_counts_other_articles(
    engine: Engine, make: MakeFn
) -> None:
    _stories(engine, make)
    with engine.connect() as conn:
        ids = [int(r[0]) for r in conn.execute(select(claims.c.attribution_id))]
    links = cluster_of(engine, ids)
    assert {v["other_articles"] for v in links.values()} == {2, 3}  # troops: 3; sponsor: 4


def test_store_claim_spread_of_an_older_store_is_counted_by_the_migration(
    engine: Engine, make: MakeFn
) -> None:
    from alembic import command

    from saywho.store.engine import _alembic_config

    _stories(engine, make)
    want = _equal(engine)
    with engine.begin() as conn:
        command.downgrade(_alembic_config(conn), "0014")
    assert upgrade(engine) == ("0014", "0015")
    assert _equal(engine) == want


@pytest.mark.parametrize("few", [0, 10_000])
def test_store_claim_spread_check_worthy_lists_alike_through_either_index(
    engine: Engine, make: MakeFn, monkeypatch: pytest.MonkeyPatch, few: int
) -> None:
    """Few check-worthy clusters are read through their index and sorted; many, by walking the
    sort order: the same list either way."""
    from sqlalchemy import update

    from saywho.analyze.checkworthiness import load_model
    from saywho.store import claim_query
    from saywho.store.schema import attributions

    _stories(engine, make)
    threshold = load_model().threshold
    with engine.begin() as conn:  # scores written in bulk, then counted as a bulk loader does
        ids = sorted(int(r[0]) for r in conn.execute(select(attributions.c.id)))
        for n, aid in enumerate(ids):
            score = (threshold + 0.1, threshold - 0.1, None)[n % 3]
            conn.execute(update(attributions).where(attributions.c.id == aid)
                         .values(checkworthiness=score))  # fmt: skip
        recount(conn)
    _equal(engine)
    monkeypatch.setattr(claim_query, "FEW_CHECK_WORTHY", few)
    for sort in ("spread", "first", "recent", "checkworthiness"):
        every = claim_clusters(engine, ClaimFilters(sort=sort, limit=100))
        want = [c["id"] for c in every if (c["checkworthiness"] or -1) >= threshold]
        listed, total = claim_cluster_page(engine, ClaimFilters(sort=sort, check_worthy=True))
        assert [c["id"] for c in listed] == want and total == len(want) >= 2, sort
        paged = claim_clusters(
            engine, ClaimFilters(sort=sort, check_worthy=True, offset=1, limit=1)
        )
        assert [c["id"] for c in paged] == want[1:2], sort
