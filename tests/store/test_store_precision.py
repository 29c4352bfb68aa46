"""Split quotations and generic sources in the store (issue 13): what was said is stored, searched
and shown part by part, and "police" of one article is never "police" of another."""

from __future__ import annotations

from sqlalchemy import Engine, select

from saywho.config import Settings
from saywho.model import RawDocument
from saywho.pipeline import ingest
from saywho.pipeline.demo import DEMO
from saywho.store import speakers_top
from saywho.store.browse import ArticleSummary, Part, article_detail, speaker_list
from saywho.store.query import Filters, search
from saywho.store.schema import attributions, speakers
from saywho.store.tallies import fresh_counts, stored_counts

FILES = ("warhol-s-photo", "boat-fire", "mosque-murder", "el-paso")


def _ingest(engine: Engine) -> None:
    paths = [next((DEMO / "wikinews").glob(f"*{name}*.txt")) for name in FILES]
    docs = [RawDocument(str(p), p.read_bytes()) for p in paths]
    summary = ingest(engine, docs, Settings(detect_language=False, claims=False),
                     inputs=[str(p) for p in paths])  # fmt: skip
    assert summary.stored == len(FILES) and summary.errors == 0


def test_store_split_quotation_is_stored_searched_and_shown_in_parts(engine: Engine) -> None:
    _ingest(engine)
    with engine.connect() as conn:
        row = conn.execute(
            select(attributions.c.version_id, attributions.c.content,
                   attributions.c.content_parts, attributions.c.id)
            .where(attributions.c.content.like("%really kind of magical%"))
        ).one()  # fmt: skip
    # what was said, without the "Allton said" between the parts
    assert "Allton said" not in row.content and "smacked them around" in row.content
    assert row.content_parts is not None
    (hit,) = [c for c in search(engine, Filters(query="magical smacked")) if c.id == row.id]
    assert "Allton said" not in hit.content
    article_id = next(a.id for a in _articles(engine) if "Warhol" in (a.title or ""))
    detail = article_detail(engine, article_id)
    (a,) = [x for x in detail.attributions if x.id == row.id]
    parts = a.content.parts
    body = detail.text
    assert len(parts) == 2 and a.content.start == parts[0].start
    assert a.content.end == parts[-1].end
    assert all("Allton" not in body[p.start : p.end] for p in parts)
    # a one-piece content has one part: itself
    one = next(x for x in detail.attributions if x.id != row.id)
    assert one.content.parts == [Part(one.content.start, one.content.end)]


def _articles(engine: Engine) -> list[ArticleSummary]:
    from saywho.store.browse import article_list

    return list(article_list(engine, 10, 0).items)


def test_store_generic_sources_are_never_merged_and_left_out_of_lists(engine: Engine) -> None:
    _ingest(engine)
    with engine.connect() as conn:
        generic = conn.execute(
            select(speakers.c.id, speakers.c.name).where(speakers.c.type == "GENERIC")
        ).all()
        assert stored_counts(conn) == fresh_counts(conn)
    police = [g for g in generic if g.name.lower() == "police"]
    assert len(police) >= 2  # Christchurch's police and El Paso's: two speakers
    named = speakers_top(engine, 100)
    assert named and not any(s.type == "GENERIC" for s in named)
    everyone = speakers_top(engine, 100, generic=True)
    assert {s.id for s in everyone} >= {g.id for g in generic}
    assert speaker_list(engine, 100, 0, generic=True).total == len(everyone)
    assert speaker_list(engine, 100, 0).total == len(named)
