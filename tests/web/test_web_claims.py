"""Claims across articles on the web: /claims, /claims/{id}, article links, speaker pages and
their JSON twins, over a store where one claim runs in three outlets."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from lxml import html
from web_corpus import ClaimSpec, build, fill

from saywho.config import Settings

CLAIM = [
    ("RT", date(2023, 1, 20), "Zamir Kabulov", "claimed",
     "the United States is covertly sponsoring Islamic State militants in Afghanistan"),
    ("TASS", date(2023, 1, 21), "Maria Zakharova", "says",
     "Washington is covertly sponsoring the Islamic State group in Afghanistan"),
    ("Echo", date(2023, 1, 23), "Zamir Kabulov", "repeated",
     "the United States is covertly sponsoring Islamic State militants in Afghanistan"),
]  # fmt: skip
OTHER = ("Reuters", date(2023, 1, 22), "Lloyd Austin", "said",
         "the United States withdrew its last troops from Afghanistan in August 2021")  # fmt: skip


def _article(outlet: str, day: date, who: str, cue: str, content: str) -> Any:
    return build(f"{outlet} report on {who}", [f"{who} {cue} that {content}."],
                 [ClaimSpec(who, who, cue, content)], published=day,
                 url=f"https://{outlet.lower()}.example/{day.isoformat()}", site=outlet)  # fmt: skip


FACT = "The United States is covertly sponsoring Islamic State militants in Afghanistan, as everyone knows."


def _fact() -> Any:
    """A blog post stating the claim as fact: no attribution, one sentence."""
    import dataclasses

    from saywho.model import Span

    prepared = build("Blog post", [FACT], [], published=date(2023, 1, 24), url="https://blog.example/1",
                     site="Blog")  # fmt: skip
    analysis = dataclasses.replace(prepared.analysis, sentences=(Span(0, len(FACT)),))
    return dataclasses.replace(prepared, analysis=analysis)


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    from fastapi.testclient import TestClient

    from saywho.web import create_app

    db = str(Path(tmp_path_factory.mktemp("claims")) / "saywho.db")
    fill(db, [_article(*c) for c in [*CLAIM, OTHER]] + [_fact()])
    with TestClient(create_app(Settings(detect_language=False), db=db)) as c:
        yield c


def _spread_claim(client: Any) -> dict[str, Any]:
    items = client.get("/api/v1/claims?min_outlets=2").json()["items"]
    assert len(items) == 1
    return dict(items[0])


def test_web_claims_api_lists_clusters_with_spread(client: Any) -> None:
    body = client.get("/api/v1/claims").json()
    assert body["total"] == 2 and body["next"] is None
    top = body["items"][0]
    assert (top["articles"], top["outlets"], top["speakers"]) == (3, 3, 2)
    assert top["first"]["outlet"] == "RT" and top["first"]["speaker"] == "Zamir Kabulov"
    assert (top["first_seen"], top["last_seen"]) == ("2023-01-20", "2023-01-23")
    paged = client.get("/api/v1/claims?limit=1").json()
    assert len(paged["items"]) == 1 and "offset=1" in paged["next"]
    assert client.get("/api/v1/claims?outlet=reuters").json()["items"][0]["outlets"] == 1
    assert client.get("/api/v1/claims?speaker=Zakharova").json()["items"][0]["id"] == top["id"]
    assert client.get("/api/v1/claims?since=2023-01-24").json()["total"] == 0
    for bad in ("sort=worst", "min_outlets=0", "since=2023-13-01", "limit=101"):
        answer = client.get(f"/api/v1/claims?{bad}")
        assert answer.status_code == 422 and answer.json()["error"]["status"] == 422


def test_web_claims_api_story_and_similar(client: Any) -> None:
    cid = _spread_claim(client)["id"]
    story = client.get(f"/api/v1/claims/{cid}").json()
    assert [a["outlet"] for a in story["appearances"]] == ["RT", "TASS", "Echo"]
    assert [f["form"] for f in story["attribution_forms"]] == [
        "Zamir Kabulov claimed",
        "Maria Zakharova says",
        "Zamir Kabulov repeated",
    ]
    assert [d["date"] for d in story["per_day"]] == [
        "2023-01-20",
        "2023-01-21",
        "2023-01-23",
        "2023-01-24",
    ]
    assert story["per_day"][-1]["by_outlet"] == {"Blog (unattributed)": 1}
    [fact] = story["unattributed"]
    assert (fact["outlet"], fact["sentence"]) == ("Blog", FACT)
    assert client.get("/api/v1/claims?min_outlets=2").json()["items"][0]["unattributed"] == 1
    missing = client.get("/api/v1/claims/99999")
    assert missing.status_code == 404 and missing.json()["error"]["code"]
    hits = client.get("/api/v1/similar", params={"q": "the US funds ISIS", "top": 2}).json()
    assert hits["query"] == "the US funds ISIS" and len(hits["items"]) == 2
    assert all(h["cluster_id"] == cid for h in hits["items"])
    assert client.get("/api/v1/similar?q=%3F%21").status_code == 422
    assert client.get("/api/v1/similar").status_code == 422


def test_web_claims_pages_link_articles_claims_and_speakers(client: Any) -> None:
    cid = _spread_claim(client)["id"]
    listing = html.fromstring(client.get("/claims").text)
    links = listing.xpath("//ol[@id='claim-list']//a[@class='claim-link']/@href")
    assert links[0] == f"/claims/{cid}" and len(links) == 2
    page = html.fromstring(client.get(f"/claims/{cid}").text)
    assert "Zamir Kabulov" in page.xpath("string(//p[@id='first-said'])")
    assert len(page.xpath("//ol[@id='appearances']/li")) == 3
    bars = page.xpath("//*[@id='spread']//*[local-name()='rect'][@data-series]")
    assert sorted(b.get("data-series") for b in bars) == [
        "Blog (unattributed)",
        "Echo",
        "RT",
        "TASS",
    ]
    assert page.xpath("//section[@id='unattributed']//q/text()") == [FACT]
    assert "Blog (unattributed)" in {
        b.get("data-series") for b in page.xpath("//*[@id='spread']//*[local-name()='rect']")
    }
    forms = page.xpath("//section[@id='forms']//li/strong/text()")
    assert forms == ["Zamir Kabulov claimed", "Maria Zakharova says", "Zamir Kabulov repeated"]
    # each article of the claim links to it; the first says where it started, the others who
    # said it first
    articles = {
        a["outlet"]: a["article_id"]
        for a in client.get(f"/api/v1/claims/{cid}").json()["appearances"]
    }
    first = html.fromstring(client.get(f"/articles/{articles['RT']}").text)
    assert (
        first.xpath("string(//a[@class='cluster-link'])").strip()
        == "said in 2 other articles, first here"
    )
    later = html.fromstring(client.get(f"/articles/{articles['TASS']}").text)
    link = later.xpath("//a[@class='cluster-link']")[0]
    assert link.get("href") == f"/claims/{cid}"
    assert (
        link.text_content().strip()
        == "said in 2 other articles, first by Zamir Kabulov (RT, 20 Jan 2023)"
    )
    lone = client.get("/api/v1/claims?outlet=reuters").json()["items"][0]["first"]["article_id"]
    assert not html.fromstring(client.get(f"/articles/{lone}").text).xpath(
        "//a[@class='cluster-link']"
    )
    speakers = {s["name"]: s["id"] for s in client.get("/api/v1/speakers").json()["items"]}
    profile = html.fromstring(client.get(f"/speakers/{speakers['Zamir Kabulov']}").text)
    assert profile.xpath("//section[@id='repeated']//a/@href") == [f"/claims/{cid}"]
    austin = html.fromstring(client.get(f"/speakers/{speakers['Lloyd Austin']}").text)
    assert not austin.xpath("//section[@id='repeated']")
    assert client.get("/claims/99999").status_code == 404
    assert client.get("/claims?sort=%3Cscript%3E").status_code == 422


def test_web_claims_openapi_covers_the_claim_endpoints(client: Any) -> None:
    paths = set(client.get("/api/v1/openapi.json").json()["paths"])
    assert {"/api/v1/claims", "/api/v1/claims/{claim_id}", "/api/v1/similar"} <= paths
