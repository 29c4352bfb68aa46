"""The API and pages on PostgreSQL: the same store, the same answers as on SQLite (a smoke test
over every endpoint; full-text search goes through plainto_tsquery there)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from required import missing
from web_corpus import fill

from saywho.config import Settings


@pytest.fixture(scope="module")
def pg_client(pg_cluster: Any) -> Iterator[Any]:
    if isinstance(pg_cluster, str):
        missing("postgresql", pg_cluster)
    from fastapi.testclient import TestClient

    from saywho.web import create_app

    db = pg_cluster.new_database()
    fill(db)
    with TestClient(create_app(Settings(detect_language=False), db=db)) as client:
        yield client


def test_postgres_api_answers_like_sqlite(pg_client: Any, web_client: Any) -> None:
    for path in ("/api/v1/articles", "/api/v1/attributions?speaker=Kabulov", "/api/v1/attributions?about=Geneva",
                 "/api/v1/attributions?outlet=wikinews&since=2024-06-01", "/api/v1/speakers",
                 "/api/v1/entities", "/api/v1/entities/geneva"):  # fmt: skip
        pg, lite = pg_client.get(path), web_client.get(path)
        assert pg.status_code == 200, (path, pg.text)
        pg_body, lite_body = pg.json(), lite.json()
        if "items" in pg_body:
            assert pg_body["total"] == lite_body["total"], path
            assert len(pg_body["items"]) == len(lite_body["items"]), path
        else:
            assert pg_body["attributions"] == lite_body["attributions"], path


def test_postgres_article_search_speaker_and_pages(pg_client: Any) -> None:
    articles = pg_client.get("/api/v1/articles").json()["items"]
    assert [a["published"] for a in articles] == ["2024-07-10", "2024-06-20", "2024-05-02", None]
    article = pg_client.get(f"/api/v1/articles/{articles[2]['id']}").json()
    for a in article["attributions"]:
        text = article[a["field"]]
        assert text[a["content"]["start"] : a["content"]["end"]] == a["content"]["text"]
    search = pg_client.get("/api/v1/search?q=Geneva").json()
    assert search["total"] == 2 and all("Geneva" in hit["content"] for hit in search["items"])
    assert sum(v["count"] for v in search["facets"]["stance"]) == 2
    speaker_id = pg_client.get("/api/v1/speakers").json()["items"][0]["id"]
    assert pg_client.get(f"/api/v1/speakers/{speaker_id}").json()["attributions"] == 3
    for path in ("/", f"/articles/{article['id']}", "/search?q=Geneva", f"/speakers/{speaker_id}",
                 "/entities/geneva"):  # fmt: skip
        assert pg_client.get(path).status_code == 200, path
    assert pg_client.get("/api/v1/articles/999999").status_code == 404


@pytest.mark.parametrize("q", ["NEAR(", "'; DROP TABLE articles; --", "a & b | !c", "talk:*"])
def test_postgres_search_survives_hostile_words(pg_client: Any, q: str) -> None:
    response = pg_client.get("/api/v1/search", params={"q": q})
    assert response.status_code in (200, 422), response.text
    assert pg_client.get("/api/v1/articles").json()["total"] == 4


def test_postgres_fact_checks_pages_and_health(pg_cluster: Any) -> None:
    """Fact-checks on PostgreSQL: import links the stored claim; its fact-check page, the article's
    line, matching and /healthz answer as on SQLite."""
    if isinstance(pg_cluster, str):
        missing("postgresql", pg_cluster)
    from fastapi.testclient import TestClient
    from lxml import html

    from saywho.model import FactCheck
    from saywho.store import open_store
    from saywho.store.factchecks import import_fact_checks
    from saywho.web import create_app

    db = pg_cluster.new_database()
    fill(db)
    engine = open_store(db)
    import_fact_checks(engine, [FactCheck(
        claim_reviewed="The office is closed.", claimant="A spokesperson", claim_date=None, rating="True",
        verdict="true", fact_checker="PG Checks", review_date="2024-07-11", url="https://pg.example/1",
        language="en", identifier="pg-1", title=None, source="test")])  # fmt: skip
    engine.dispose()
    with TestClient(create_app(Settings(detect_language=False, threads=2), db=db)) as client:
        assert client.get("/healthz").json()["status"] == "ok"
        (check,) = client.get("/api/v1/factchecks").json()["items"]
        detail = client.get(f"/api/v1/factchecks/{check['id']}").json()
        (claim,) = detail["claims"]
        assert claim["claim"] == "the office is closed"
        article = html.fromstring(client.get(f"/articles/{claim['first']['article_id']}").text)
        assert "Fact-checked by PG Checks" in article.xpath('string(//ol[@id="attributions"])')
        hits = client.get("/api/v1/factchecks/match", params={"q": "the office has closed"}).json()[
            "items"
        ]
        assert hits[0]["identifier"] == "pg-1"
        for path in (
            "/factchecks",
            f"/factchecks/{check['id']}",
            "/factchecks/match?q=office+closed",
        ):
            assert client.get(path).status_code == 200, path


def test_postgres_factchecks_batch_with_new_versions(pg_cluster: Any) -> None:
    """One multi-row insert on PostgreSQL too: a stored fact-check given two new versions among
    new records in one batch keeps the last current, and each row holds its own record."""
    if isinstance(pg_cluster, str):
        missing("postgresql", pg_cluster)
    import dataclasses

    from saywho.model import FactCheck
    from saywho.store import open_store
    from saywho.store.factchecks import import_fact_checks, list_fact_checks

    engine = open_store(pg_cluster.new_database())
    first = FactCheck(
        claim_reviewed="The bridge will reopen in May.", claimant="The mayor", claim_date=None, rating="True",
        verdict="true", fact_checker="PG Checks", review_date="2024-07-11", url="https://pg.example/b",
        language="en", identifier="pg-b", title=None, source="test")  # fmt: skip
    others = [dataclasses.replace(first, identifier=f"pg-o{k}", url=f"https://pg.example/o{k}",
                                  claim_reviewed=f"Claim number {k} about the bridge") for k in range(2)]  # fmt: skip
    import_fact_checks(engine, [first])
    summary = import_fact_checks(engine, [others[0], dataclasses.replace(first, rating="Mostly true"),
                                          others[1], dataclasses.replace(first, rating="False")])  # fmt: skip
    assert (summary.stored, summary.updated) == (2, 2)
    total, found = list_fact_checks(engine)
    by_url = {f.check.url: f for f in found}
    assert total == 3 and (by_url[first.url].version, by_url[first.url].check.rating) == (
        3,
        "False",
    )
    assert all(by_url[o.url].check == o and by_url[o.url].version == 1 for o in others)
    engine.dispose()
