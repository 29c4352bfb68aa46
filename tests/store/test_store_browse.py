"""The search page's numbers: totals and facet counts of `browse` equal a plain reference join
over current article versions, on both backends and whichever way they are computed."""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from sqlalchemy import Engine, func, literal_column, select, text

from saywho.store import Filters, Writer, browse, open_store, upgrade
from saywho.store.ingest import Prepared
from saywho.store.query import fts5_query
from saywho.store.schema import article_versions, articles, attributions, outlets, speakers

MakeFn = Callable[..., Prepared]


def _reference(engine: Engine, f: Filters, top: int) -> tuple[int, browse.FacetCounts]:
    """Total and facets the slow, obvious way: every attribution of a current version joined to
    its article, outlet and speaker, kept when it matches and passes, counted in Python."""
    matches = {
        "sqlite": lambda conn: set(conn.execute(
            text("SELECT rowid FROM attribution_fts WHERE attribution_fts MATCH :q"),
            {"q": fts5_query(f.query or "")}).scalars()),
        "postgresql": lambda conn: set(conn.execute(
            select(attributions.c.id).where(literal_column("content_tsv").op("@@")(
                func.plainto_tsquery("english", f.query)))).scalars()),
    }[engine.dialect.name]  # fmt: skip
    with engine.connect() as conn:
        # without words every claim is "found"; the filters below still apply
        found = matches(conn) if f.query else set(conn.execute(select(attributions.c.id)).scalars())
        # the filters' own meaning, from the full claims join `iter_claims` reads
        from saywho.store.query import iter_claims

        passing = {c.id for c in iter_claims(conn, dataclasses.replace(f, query=None, limit=None))}
        rows = conn.execute(
            select(attributions.c.id, attributions.c.speaker_id, speakers.c.name.label("speaker"),
                   outlets.c.name.label("outlet"), attributions.c.stance, attributions.c.kind)
            .join(article_versions, article_versions.c.id == attributions.c.version_id)
            .join(articles, articles.c.current_version_id == article_versions.c.id)
            .outerjoin(outlets, outlets.c.id == articles.c.outlet_id)
            .outerjoin(speakers, speakers.c.id == attributions.c.speaker_id)
        ).all()  # fmt: skip
    kept = [r for r in rows if r.id in found and r.id in passing]
    counts: dict[str, Counter[Any]] = {
        "speaker": Counter((r.speaker, r.speaker_id) for r in kept if r.speaker_id is not None),
        "outlet": Counter(r.outlet for r in kept if r.outlet is not None),
        "stance": Counter(r.stance for r in kept),
        "kind": Counter(r.kind for r in kept),
    }
    out: browse.FacetCounts = {}
    for name, counter in counts.items():
        best = sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))[:top]
        out[name] = [
            browse.FacetValue(v[0], n, v[1]) if name == "speaker" else browse.FacetValue(v, n)
            for v, n in best
        ]
    return len(kept), out


@pytest.fixture
def versioned(engine: Engine, make: MakeFn) -> Engine:
    """Six articles at three outlets; two of them later get a new version whose claims differ,
    so the superseded versions' claims (which also match) must count nowhere."""
    writer = Writer(engine)
    people = (("Anna Berg", "PERSON", ()), ("Carl Dahl", "PERSON", ()), ("Ella Fors", "PERSON", ()))
    cues = (("said", "neutral", "indirect"), ("denied", "denying", "indirect"),
            ("claimed", "distancing", "direct"), ("said", "neutral", "direct"))  # fmt: skip
    for n in range(6):
        site = ("BBC", "RT", "Reuters")[n % 3]
        for version in range(2 if n in (1, 4) else 1):
            claims = []
            sentences = []
            for k in range(3 + n % 2 + version):
                who = people[(n + k + version) % 3][0] if (n + k) % 4 else ""
                cue, stance, kind = cues[(n * 3 + k + version) % 4]
                content = (
                    f"the bridge {'and the tunnel ' * (k % 2)}will open in spring {n}{k}{version}"
                )
                sentences.append(f"{who or 'Officials'} {cue} {content}.")
                claims.append((who, cue, content, stance, kind))
            writer.store(make(" ".join(sentences), url=f"https://example.com/{n}", site=site,
                              published=f"2024-0{1 + n}-1{version}", speakers=people,
                              claims=tuple(claims)))  # fmt: skip
    return engine


CASES = [
    (Filters(query="bridge"), "every match"),
    (Filters(query="tunnel"), "a rarer word"),
    (Filters(query="bridge", stance="neutral"), "a stance"),
    (Filters(query="bridge", kind="direct", outlet="rt"), "a kind at an outlet"),
    (Filters(query="bridge", speaker="Anna Berg"), "a speaker"),
    (Filters(query="bridge", since=date(2024, 3, 1), until=date(2024, 5, 31)), "a date range"),
    (Filters(query="nothing matches this"), "no match"),
    (Filters(), "no words: every current claim"),
    (Filters(stance="neutral"), "no words, a stance"),
    (Filters(kind="direct", outlet="rt"), "no words, a kind at an outlet"),
    (Filters(speaker="Anna Berg", since=date(2024, 2, 1)), "no words, a speaker since a date"),
]


@pytest.mark.parametrize("top", [2, 10], ids=["top two with ties", "every value"])
@pytest.mark.parametrize(("f", "_label"), CASES, ids=[c[1] for c in CASES])
def test_browse_totals_and_facets_equal_the_reference_join(
    versioned: Engine, f: Filters, _label: str, top: int
) -> None:
    total, want = _reference(versioned, f, top)
    assert browse.attribution_list(versioned, f, 3, 0).total == total
    assert browse.facets(versioned, f, top) == want
    page, counts, _ = browse.search_page(versioned, f, 3, 0, top)
    assert (page.total, counts) == (total, want)
    assert len(page.items) == min(3, total)
    if f == CASES[0][0]:  # the fixture is what the test says it is
        assert total > 10 and len(want["outlet"]) == min(top, 3)


def test_browse_superseded_versions_count_nowhere(versioned: Engine) -> None:
    """The reference itself: the older versions' claims match "bridge" but are not counted."""
    with versioned.connect() as conn:
        every = conn.execute(select(func.count()).select_from(attributions)).scalar()
    total, _ = _reference(versioned, Filters(query="bridge"), 10)
    assert every is not None and total < every


SYNTHETIC = [
    Filters(query="alpha"),
    Filters(query="gamma delta", stance="denying"),
    Filters(query="alpha", outlet="Outlet 7"),
    Filters(query="beta", kind="headline", since=date(2015, 1, 1)),
    Filters(query="alpha", speaker="Speaker 4"),
    Filters(query="delta", about="Kabul"),
]


def test_browse_facets_equal_the_reference_on_a_store_with_thousands_of_claims(
    tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """3000 claims, 30 speakers and 40 outlets (many ties), migrated from 0001, with superseded
    versions: the SQLite counts from the FTS matches and `attribution_facets` stay exact (under
    the facets' bound, raised here above the 3000)."""
    from test_store_search import _synthetic_store

    from saywho.store import counts as facet_counts

    monkeypatch.setattr(facet_counts, "FACET_BOUND", 5_000)
    upgrade(_synthetic_store(str(tmp_path / "many.db")))
    engine = open_store(str(tmp_path / "many.db"), create=False)
    for f in SYNTHETIC:
        for top in (1, 5, 50):
            total, want = _reference(engine, f, top)
            page, counts, _ = browse.search_page(engine, f, 20, 0, top)
            assert (page.total, counts) == (total, want), (f, top)
    assert _reference(engine, SYNTHETIC[0], 5)[0] > 1000
