"""A writer's cache of clusters' first members (`saywho.store.claims.Members`): the clusters
it makes are the ones a writer without it makes, through new versions and rollbacks."""

from __future__ import annotations

from pathlib import Path

import pytest
from claim_stories import MORE_STORIES, STORIES, MakeFn, article, partition

from saywho.errors import StoreError
from saywho.store import Writer, open_store
from saywho.store import claims as claims_module
from saywho.store.ingest import Prepared


def _stream(make: MakeFn) -> list[Prepared]:
    """Every story, then a copy of each in another outlet, then a new version of the first
    story that says something else (its claim leaves its cluster)."""
    stories = [*STORIES, *MORE_STORIES]
    first = [article(make, *s) for s in stories]
    copies = [article(make, *s, url=f"https://copy.example/{n}") for n, s in enumerate(stories)]
    changed = article(make, *STORIES[0][:4], "the city will open new public libraries next year",
                      url=first[0].analysis.article.url)  # fmt: skip
    return [*first, *copies, changed]


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
    assert partition(cached, by_url=True) == partition(fresh, by_url=True)
    assert len(partition(cached, by_url=True)) < len(stream)  # copies and paraphrases met


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
    assert partition(engine, by_url=True) == partition(other, by_url=True)
