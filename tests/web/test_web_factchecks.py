"""Fact-checks on the API: the list, matching a statement, and claims filtered by them."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from web_corpus import ClaimSpec, build, fill

from saywho.config import Settings
from saywho.model import FactCheck

CONTENT = "the United States is covertly sponsoring Islamic State militants in Afghanistan"
OTHER = "the city will open three new public libraries next spring"


def _article(outlet: str, who: str, content: str) -> Any:
    return build(f"{outlet} report", [f"{who} said that {content}."], [ClaimSpec(who, who, "said", content)],
                 published=date(2023, 1, 20), url=f"https://{outlet.lower()}.example/1", site=outlet)  # fmt: skip


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    from fastapi.testclient import TestClient

    from saywho.store import open_store
    from saywho.store.factchecks import import_fact_checks
    from saywho.web import create_app

    db = str(Path(tmp_path_factory.mktemp("factchecks")) / "saywho.db")
    fill(db, [_article("RT", "Zamir Kabulov", CONTENT), _article("Gazette", "The mayor", OTHER)])
    base = FactCheck(claim_reviewed="The US is covertly sponsoring Islamic State militants in Afghanistan.",
                     claimant="Zamir Kabulov", claim_date="2023-01-20", rating="Pants on Fire!", verdict="false",
                     fact_checker="Example Fact Check", review_date="2023-01-24", url="https://fc.example/1",
                     language="en", identifier="fc-1", title="No, the US is not sponsoring IS", source="test")  # fmt: skip
    other = FactCheck(claim_reviewed="Drinking hot water kills the coronavirus.", claimant="Viral post",
                      claim_date=None, rating="False", verdict="false", fact_checker="Other Checks",
                      review_date="2022-05-02", url="https://fc.example/2", language="en", identifier=None,
                      title=None, source="test")  # fmt: skip
    engine = open_store(db)
    import_fact_checks(engine, [base, other])
    engine.dispose()
    with TestClient(create_app(Settings(detect_language=False), db=db)) as c:
        yield c


def test_web_factchecks_list_filters_and_pages(client: Any) -> None:
    body = client.get("/api/v1/factchecks").json()
    assert body["total"] == 2 and [i["identifier"] for i in body["items"]] == ["fc-1", None]
    assert body["items"][0]["verdict"] == "false" and body["items"][0]["rating"] == "Pants on Fire!"
    assert client.get("/api/v1/factchecks?fact_checker=other checks").json()["total"] == 1
    assert client.get("/api/v1/factchecks?verdict=true").json()["total"] == 0
    assert "offset=1" in client.get("/api/v1/factchecks?limit=1").json()["next"]
    assert client.get("/api/v1/factchecks?verdict=wrong").status_code == 422


def test_web_factchecks_match_and_claims_filtered_by_them(client: Any) -> None:
    hits = client.get("/api/v1/factchecks/match", params={"q": "Washington secretly funds ISIS", "top": 1}).json()
    assert hits["query"] == "Washington secretly funds ISIS"
    assert [h["identifier"] for h in hits["items"]] == ["fc-1"] and hits["items"][0]["score"] > 0
    assert client.get("/api/v1/factchecks/match", params={"q": "???"}).status_code == 422
    checked = client.get("/api/v1/claims?fact_checked=true").json()
    assert [c["first"]["content"] for c in checked["items"]] == [CONTENT]
    assert client.get("/api/v1/claims?verdict=false").json()["total"] == 1
    assert client.get("/api/v1/claims?verdict=true").json()["total"] == 0
    assert client.get("/api/v1/claims").json()["total"] == 2


def test_web_factchecks_on_the_claim_page_and_story(client: Any) -> None:
    from lxml import html

    cid = client.get("/api/v1/claims?fact_checked=true").json()["items"][0]["id"]
    story = client.get(f"/api/v1/claims/{cid}").json()
    assert [(f["fact_checker"], f["rating"], f["verdict"]) for f in story["fact_checks"]] == [
        ("Example Fact Check", "Pants on Fire!", "false")]
    page = html.fromstring(client.get(f"/claims/{cid}").text)
    (item,) = page.xpath('//section[@id="fact-checks"]//li[contains(@class, "fact-check")]')
    assert "Fact-checked by Example Fact Check" in item.text_content() and "Pants on Fire!" in item.text_content()
    assert item.xpath('.//a[@class="fact-check-link"]/@href') == ["https://fc.example/1"]
    other = client.get("/api/v1/claims?verdict=true").json()["items"]
    assert other == []
    unlinked = next(c for c in client.get("/api/v1/claims").json()["items"] if c["id"] != cid)
    assert client.get(f"/api/v1/claims/{unlinked['id']}").json()["fact_checks"] == []
    assert not html.fromstring(client.get(f"/claims/{unlinked['id']}").text).xpath('//*[@id="fact-checks"]')
