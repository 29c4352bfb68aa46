"""A writer's cache of clusters' first members (`saywho.store.claims.Members`): the clusters
it makes are the ones a writer without it makes, through new versions and rollbacks."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from saywho.errors import StoreError
from saywho.store import Writer, open_store
from saywho.store import claims as claims_module
from saywho.store.claims import claim_vectors, word_signatures
from saywho.store.ingest import Prepared

MakeFn = Callable[..., Prepared]

STORIES = [
    ("RT", "2023-01-20", "Zamir Kabulov", "claimed",
     "the United States is covertly sponsoring Islamic State militants in Afghanistan"),
    ("TASS", "2023-01-21", "Moscow", "says",
     "Washington is covertly sponsoring the Islamic State group in Afghanistan"),
    ("Sputnik", "2023-01-22", "The envoy", "alleged",
     "the US is secretly funding Islamic State fighters in Afghanistan"),
    ("Reuters", "2023-01-22", "The Pentagon", "said",
     "the United States withdrew its last troops from Afghanistan in August 2021"),
    ("AP", "2023-01-23", "Officials", "confirmed",
     "the last American troops left Afghanistan in August 2021"),
    ("AFP", "2023-01-23", "The mayor", "announced",
     "the city will open three new public libraries next spring"),
]  # fmt: skip


def _article(make: MakeFn, outlet: str, day: str, who: str, cue: str, content: str,
             url: str | None = None) -> Prepared:  # fmt: skip
    prepared = make(f"{who} {cue} that {content}.", url=url or f"https://{outlet.lower()}.example/{day}",
                    site=outlet, published=day, speakers=((who, "ORG", ()),),
                    claims=((who, cue, content, "neutral", "indirect"),))  # fmt: skip
    vectors = claim_vectors(prepared.analysis)
    words, sentences = word_signatures(prepared.analysis, vectors[0])
    return dataclasses.replace(
        prepared, claim_vectors=vectors, claim_words=words, sentences=sentences
    )


def _stream(make: MakeFn) -> list[Prepared]:
    """Every story twice (a copy in another outlet), then a new version of the first story
    that says something else (its claim leaves its cluster), then the copies again."""
    first = [_article(make, *s) for s in STORIES]
    copies = [_article(make, *s, url=f"https://copy.example/{n}") for n, s in enumerate(STORIES)]
    changed = _article(make, *STORIES[0][:4], "the city will open new public libraries next year",
                       url=first[0].analysis.article.url)  # fmt: skip
    return [*first, *copies, changed]


def _partition(engine: Engine) -> set[frozenset[tuple[str, str]]]:
    with engine.connect() as conn:
        rows = conn.execute(text(
            "SELECT c.cluster_id, a.content, v.url FROM claims c "
            "JOIN attributions a ON a.id = c.attribution_id "
            "JOIN article_versions v ON v.id = a.version_id")).all()  # fmt: skip
    groups: dict[int, set[tuple[str, str]]] = {}
    for cid, content, url in rows:
        groups.setdefault(int(cid), set()).add((str(content), str(url)))
    return {frozenset(g) for g in groups.values()}


def test_members_cache_makes_the_clusters_a_fresh_writer_makes(
    tmp_path: Path, make: MakeFn
) -> None:
    stream = _stream(make)
    cached, fresh = open_store(str(tmp_path / "a.db")), open_store(str(tmp_path / "b.db"))
    writer = Writer(cached)
    for prepared in stream:
        writer.store(prepared)
        Writer(fresh).store(prepared)  # a new writer each time: nothing cached
    assert writer.candidates.members.entries  # the cache was used
    assert _partition(cached) == _partition(fresh)
    assert len(_partition(cached)) < len(stream)  # copies and paraphrases met


def test_members_cache_forgets_what_a_rolled_back_transaction_read(
    tmp_path: Path, make: MakeFn, monkeypatch: pytest.MonkeyPatch
) -> None:
    stream = _stream(make)
    engine = open_store(str(tmp_path / "a.db"))
    writer = Writer(engine)
    for prepared in stream[:6]:
        writer.store(prepared)
    real = claims_module.find_unattributed

    def fail(*args: object, **kwargs: object) -> int:
        raise claims_module.SQLAlchemyError("disk full")

    monkeypatch.setattr("saywho.store.ingest.find_unattributed", fail)
    with pytest.raises(StoreError):
        writer.store(stream[6])  # its claim was assigned (members read and added), then undone
    monkeypatch.setattr("saywho.store.ingest.find_unattributed", real)
    held = writer.candidates.members.entries
    with engine.connect() as conn:  # what the cache holds is what the store holds
        stored = claims_module._first_members(conn, list(held))
    assert {c: texts for c, (texts, _) in held.items() if texts} == stored
    for prepared in stream[6:]:
        writer.store(prepared)
    other = open_store(str(tmp_path / "b.db"))
    for prepared in stream:
        Writer(other).store(prepared)
    assert _partition(engine) == _partition(other)
