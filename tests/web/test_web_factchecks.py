"""Fact-checks on the API: the list, matching a statement, and claims filtered by them."""

from __future__ import annotations

import dataclasses
import re
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
    # the same review again under another identifier, its claim's case and stop changed: a copy
    copy = dataclasses.replace(base, claim_reviewed=base.claim_reviewed.upper().rstrip("."), identifier="fc-1b",
                               url="https://fc.example/1b", review_date="2023-02-01")  # fmt: skip
    engine = open_store(db)
    import_fact_checks(engine, [base, other, copy])
    engine.dispose()
    with TestClient(create_app(Settings(detect_language=False), db=db)) as c:
        yield c


def test_web_factchecks_list_filters_and_pages(client: Any) -> None:
    body = client.get("/api/v1/factchecks").json()
    # newest first; the copy is listed (folded only where fact-checks answer for a claim)
    assert body["total"] == 3 and [i["identifier"] for i in body["items"]] == [
        "fc-1b",
        "fc-1",
        None,
    ]
    assert body["items"][1]["verdict"] == "false" and body["items"][1]["rating"] == "Pants on Fire!"
    assert client.get("/api/v1/factchecks?fact_checker=other checks").json()["total"] == 1
    assert client.get("/api/v1/factchecks?verdict=true").json()["total"] == 0
    assert "offset=1" in client.get("/api/v1/factchecks?limit=1").json()["next"]
    assert client.get("/api/v1/factchecks?fact_checker=example fact check").json()["total"] == 2
    assert client.get("/api/v1/factchecks?verdict=wrong").status_code == 422


def test_web_factchecks_match_and_claims_filtered_by_them(client: Any) -> None:
    hits = client.get(
        "/api/v1/factchecks/match", params={"q": "Washington secretly funds ISIS", "top": 1}
    ).json()
    assert hits["query"] == "Washington secretly funds ISIS"
    assert [h["identifier"] for h in hits["items"]] == ["fc-1"] and hits["items"][0]["score"] > 0
    assert hits["items"][0]["copies"] == [
        _ids(client)["fc-1b"]
    ]  # ranked once, as the first reviewed
    assert client.get("/api/v1/factchecks/match", params={"q": "???"}).status_code == 422
    # the speaker and day re-rank: Kabulov's claim of 20 January 2023 is the first fact-check's
    told = client.get("/api/v1/factchecks/match", params={"q": "Washington secretly funds ISIS", "top": 2,
                                                          "speaker": "Zamir Kabulov", "date": "2023-01-20"}).json()  # fmt: skip
    assert (
        told["items"][0]["identifier"] == "fc-1"
        and told["items"][0]["score"] > hits["items"][0]["score"]
    )
    assert (
        client.get("/api/v1/factchecks/match", params={"q": "x y", "date": "20 Jan"}).status_code
        == 422
    )
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
        ("Example Fact Check", "Pants on Fire!", "false")
    ]  # the copy (linked too) folded into the first reviewed
    assert story["fact_checks"][0]["copies"] == [_ids(client)["fc-1b"]]
    page = html.fromstring(client.get(f"/claims/{cid}").text)
    (item,) = page.xpath('//section[@id="fact-checks"]//li[contains(@class, "fact-check")]')
    assert (
        "Fact-checked by Example Fact Check" in item.text_content()
        and "Pants on Fire!" in item.text_content()
    )
    assert item.xpath('.//a[@class="fact-check-link"]/@href') == ["https://fc.example/1"]
    # how sure saywho is that the fact-check addresses the claim: the link's score
    score = story["fact_checks"][0]["score"]
    assert 0.7 <= score <= 1.0 and f"probability {score:.2f}" in item.text_content()
    other = client.get("/api/v1/claims?verdict=true").json()["items"]
    assert other == []
    unlinked = next(c for c in client.get("/api/v1/claims").json()["items"] if c["id"] != cid)
    assert client.get(f"/api/v1/claims/{unlinked['id']}").json()["fact_checks"] == []
    assert not html.fromstring(client.get(f"/claims/{unlinked['id']}").text).xpath(
        '//*[@id="fact-checks"]'
    )


def _ids(client: Any) -> dict[str | None, int]:
    return {i["identifier"]: i["id"] for i in client.get("/api/v1/factchecks").json()["items"]}


def test_web_factcheck_detail_names_the_claims_it_addresses(client: Any) -> None:
    from lxml import html

    ids = _ids(client)
    body = client.get(f"/api/v1/factchecks/{ids['fc-1']}").json()
    assert body["claimant"] == "Zamir Kabulov" and [v["version"] for v in body["versions"]] == [1]
    (claim,) = body["claims"]
    assert claim["claim"] == CONTENT and claim["articles"] == 1 and claim["first"]["outlet"] == "RT"
    assert claim["score"] >= 0.6
    assert client.get(f"/api/v1/factchecks/{ids[None]}").json()["claims"] == []
    missing = client.get("/api/v1/factchecks/999999")
    assert (
        missing.status_code == 404 and "no fact-check 999999" in missing.json()["error"]["message"]
    )
    page = html.fromstring(client.get(f"/factchecks/{ids['fc-1']}").text)
    assert page.xpath('//section[@id="checked-claims"]//a[@class="claim-link"]/@href') == [
        f"/claims/{claim['id']}"
    ]
    assert "Pants on Fire!" in page.xpath('string(//*[@id="fact-check-line"])')


def test_web_factchecks_pages_list_filter_and_match(client: Any) -> None:
    from lxml import html

    page = html.fromstring(client.get("/factchecks").text)
    assert len(page.xpath('//ol[@id="factcheck-list"]/li[@data-fact-check]')) == 3
    assert page.xpath('string(//*[@id="total"]/@data-total)') == "3"
    # the form sends every field, the empty ones as "": that means "any"
    both = html.fromstring(client.get("/factchecks?verdict=&fact_checker=").text)
    assert len(both.xpath('//ol[@id="factcheck-list"]/li[@data-fact-check]')) == 3
    one = html.fromstring(client.get("/factchecks?verdict=false&fact_checker=Other+Checks").text)
    assert [t.strip() for t in one.xpath('//ol[@id="factcheck-list"]//a/text()')] == [
        "Drinking hot water kills the coronavirus."
    ]
    assert client.get("/factchecks?verdict=wrong").status_code == 422
    found = html.fromstring(
        client.get("/factchecks/match", params={"q": "Washington secretly funds ISIS"}).text
    )
    first = found.xpath('//ol[@id="match-list"]/li')[0]
    assert "sponsoring Islamic State" in first.text_content()
    # the probability, worded as on the claim and article pages
    (probability,) = first.xpath('.//span[@class="match-score"]/text()')
    assert re.fullmatch(r"probability [01]\.\d\d", probability), probability
    assert first.xpath('.//a[starts-with(text(), "#")]/@href') == [
        f"/factchecks/{_ids(client)['fc-1b']}"
    ]


def test_web_article_page_shows_the_fact_check_of_a_claim(client: Any) -> None:
    from lxml import html

    cid = client.get("/api/v1/claims?fact_checked=true").json()["items"][0]["id"]
    article_id = client.get(f"/api/v1/claims/{cid}").json()["first"]["article_id"]
    page = html.fromstring(client.get(f"/articles/{article_id}").text)
    (line,) = page.xpath('//ol[@id="attributions"]//span[contains(@class, "fact-check")]')
    assert (
        "Fact-checked by Example Fact Check" in line.text_content()
        and "Pants on Fire!" in line.text_content()
    )
    assert line.xpath('.//a[@class="fact-check-link"]/@href') == ["https://fc.example/1"]
    score = client.get(f"/api/v1/claims/{cid}").json()["fact_checks"][0]["score"]
    assert line.xpath('string(.//span[@class="match-score"])') == f"· probability {score:.2f}"
    other = next(a for a in client.get("/api/v1/articles").json()["items"] if a["id"] != article_id)
    assert not html.fromstring(client.get(f"/articles/{other['id']}").text).xpath(
        '//span[contains(@class, "fact-check")]'
    )


def test_web_claims_list_shows_and_filters_the_fact_checked(client: Any) -> None:
    """The claims list (API and page) carries each claim's fact-checks, as its page does, and
    the page's form filters by them ("fact-checked only", a verdict)."""
    from lxml import html

    listed = client.get("/api/v1/claims?fact_checked=true").json()["items"]
    assert listed and all(c["fact_checks"] for c in listed)
    story = client.get(f"/api/v1/claims/{listed[0]['id']}").json()
    assert listed[0]["fact_checks"] == story["fact_checks"]
    every = client.get("/api/v1/claims?limit=100").json()["items"]
    assert any(not c["fact_checks"] for c in every)
    page = html.fromstring(client.get("/claims", params={"fact_checked": "true"}).text)
    assert page.xpath('//input[@name="fact_checked"][@checked]')
    assert page.xpath('//select[@name="verdict"]/option[@value="false"]')
    items = page.xpath('//ol[@id="claim-list"]/li[@data-claim]')
    assert len(items) == len(listed)
    line = items[0].xpath('.//span[contains(@class, "fact-check")]')[0].text_content()
    assert "Fact-checked by Example Fact Check" in line and "probability" in line
    wrong = html.fromstring(client.get("/claims", params={"verdict": "true"}).text)
    assert not wrong.xpath('//ol[@id="claim-list"]/li[@data-claim]')
    # the form's "any" verdict is sent empty: every claim, not an error
    anything = client.get("/claims", params={"verdict": "", "limit": 100})
    assert anything.status_code == 200
    shown = html.fromstring(anything.text).xpath('//ol[@id="claim-list"]/li[@data-claim]')
    assert len(shown) == len(every)


def test_web_search_hits_show_their_fact_checks(client: Any) -> None:
    """A search hit whose claim a fact-check addresses says so, as the article page does; the
    other hits do not."""
    from lxml import html

    cid = client.get("/api/v1/claims?fact_checked=true").json()["items"][0]["id"]
    checked = {
        a["attribution_id"] for a in client.get(f"/api/v1/claims/{cid}").json()["appearances"]
    }
    page = html.fromstring(client.get("/search", params={"limit": 100}).text)
    hits = page.xpath('//ol[@id="results"]/li[@data-attribution]')
    shown = {
        int(h.get("data-attribution"))
        for h in hits
        if h.xpath('.//span[contains(@class, "fact-check")]')
    }
    assert shown and shown == checked & {int(h.get("data-attribution")) for h in hits}
    line = next(h for h in hits if int(h.get("data-attribution")) in shown)
    assert "Fact-checked by Example Fact Check" in line.text_content()


def test_web_api_attributions_carry_their_claim_and_fact_checks(client: Any) -> None:
    """Every attribution the API gives (search, the attributions list, an article, a speaker's
    and an entity's latest claims) names its claim across articles and that claim's
    fact-checks, as the pages show them; the speaker page shows them too."""
    from lxml import html

    cid = client.get("/api/v1/claims?fact_checked=true").json()["items"][0]["id"]
    story = client.get(f"/api/v1/claims/{cid}").json()
    checked = {a["attribution_id"] for a in story["appearances"]}
    for path in ("/api/v1/search", "/api/v1/attributions"):
        items = client.get(path, params={"limit": 100}).json()["items"]
        assert {a["id"] for a in items if a["fact_checks"]} == checked, path
        mine = next(a for a in items if a["id"] in checked)
        assert mine["claim_id"] == cid and mine["fact_checks"] == story["fact_checks"]
        other = next(a for a in items if a["id"] not in checked)
        assert other["claim_id"] not in (None, cid) and other["fact_checks"] == []
    aid = next(iter(checked))
    article_id = next(a["article_id"] for a in story["appearances"] if a["attribution_id"] == aid)
    doc = client.get(f"/api/v1/articles/{article_id}").json()
    stated = next(a for a in doc["attributions"] if a["id"] == aid)
    assert stated["claim_id"] == cid and stated["fact_checks"] == story["fact_checks"]
    hits = client.get("/api/v1/search", params={"speaker": "Zamir Kabulov"}).json()["items"]
    speaker_id = hits[0]["speaker_id"]
    latest = client.get(f"/api/v1/speakers/{speaker_id}").json()["latest"]
    assert [a["fact_checks"] == story["fact_checks"] for a in latest] == [True]
    page = html.fromstring(client.get(f"/speakers/{speaker_id}").text)
    line = page.xpath('//ol[@id="claims"]/li//span[contains(@class, "fact-check")]')
    assert line and "Fact-checked by Example Fact Check" in line[0].text_content()


FEED = {"@context": "https://schema.org", "@type": "DataFeed", "dataFeedElement": [{"item": [
    {"@type": "ClaimReview", "identifier": "feed-1", "claimReviewed": "The US covertly funds ISIS in Afghanistan.",
     "url": "javascript:alert(1)", "author": {"@type": "Organization", "name": "Feed Checks"},
     "reviewRating": {"@type": "Rating", "alternateName": "Four Pinocchios"}},
    {"@type": "ClaimReview", "identifier": "feed-2", "url": "https://feed.example/2"},
]}]}  # fmt: skip


@pytest.fixture
def writer(tmp_path: Path) -> Iterator[Any]:
    """A client of a server with an API token, on a store with the RT article."""
    from fastapi.testclient import TestClient

    from saywho.web import create_app

    db = str(tmp_path / "saywho.db")
    fill(db, [_article("RT", "Zamir Kabulov", CONTENT)])
    with TestClient(create_app(Settings(detect_language=False, api_token="s3cret"), db=db)) as c:
        yield c


def test_web_factchecks_post_imports_behind_the_token(writer: Any) -> None:
    import json

    from lxml import html

    auth = {"Authorization": "Bearer s3cret", "Content-Type": "application/json"}
    assert (
        writer.post(
            "/api/v1/factchecks",
            content=json.dumps(FEED),
            headers={"Content-Type": "application/json"},
        ).status_code
        == 401
    )
    assert (
        writer.post(
            "/api/v1/factchecks",
            content=json.dumps(FEED),
            headers={**auth, "Authorization": "Bearer no"},
        ).status_code
        == 401
    )
    done = writer.post("/api/v1/factchecks", content=json.dumps(FEED), headers=auth)
    assert done.status_code == 201, done.text
    body = done.json()
    assert (body["stored"], body["updated"], body["skipped"], body["errors"], body["linked"]) == (
        1,
        0,
        0,
        1,
        1,
    )
    assert "claimReviewed" in body["bad"][0]["reason"] and body["bad"][0]["position"].startswith(
        "POST /api/v1/factchecks"
    )
    again = writer.post("/api/v1/factchecks", content=json.dumps(FEED), headers=auth)
    assert again.status_code == 200 and again.json()["skipped"] == 1 and again.json()["linked"] == 0
    # the import linked the stored claim: its page shows the check, but never a javascript: link
    cid = writer.get("/api/v1/claims?fact_checked=true").json()["items"][0]["id"]
    page = html.fromstring(writer.get(f"/claims/{cid}").text)
    assert "Fact-checked by Feed Checks" in page.xpath('string(//section[@id="fact-checks"])')
    assert not page.xpath('//a[starts-with(@href, "javascript")]')
    # CSV and JSON Lines, by their media types; a body with nothing readable is a 422
    csv_body = "claim,claimant,rating,url,publisher\nHot water cures covid,A post,False,https://c.example/1,CSV Checks\n"
    assert (
        writer.post(
            "/api/v1/factchecks", content=csv_body, headers={**auth, "Content-Type": "text/csv"}
        ).json()["stored"]
        == 1
    )
    lines = (
        json.dumps(
            {"@type": "ClaimReview", "claimReviewed": "Mars is flat.", "url": "https://j.example/1"}
        )
        + "\n"
    )
    assert (
        writer.post(
            "/api/v1/factchecks",
            content=lines,
            headers={**auth, "Content-Type": "application/x-ndjson"},
        ).json()["stored"]
        == 1
    )
    broken = writer.post("/api/v1/factchecks", content="{not json", headers=auth)
    assert broken.status_code == 422 and "no fact-check read" in broken.json()["error"]["message"]
    assert writer.get("/api/v1/factchecks").json()["total"] == 3


def test_web_factchecks_post_is_off_without_a_token(client: Any) -> None:
    refused = client.post("/api/v1/factchecks", content="[]", headers={"Authorization": "Bearer x"})
    assert (
        refused.status_code == 403
        and "fact-check import is disabled" in refused.json()["error"]["message"]
    )
