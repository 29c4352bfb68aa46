"""Claims across articles in Chromium: an attribution on an article page links to its claim,
the claim's story page draws its spread chart, and the claims list leads back to the articles;
screenshots of each go to build/screenshots/."""

from __future__ import annotations

import re
from typing import Any

from browser_support import BrowserStore, Console, screenshot
from playwright.sync_api import expect

# each bar of the spread chart: its <title> reads "DAY: N OUTLET"
BARS_JS = """svg => Array.from(svg.querySelectorAll('rect[data-series]'))
  .map(r => [r.getAttribute('data-series'), r.querySelector('title').textContent])"""


def api(page: Any, path: str) -> Any:
    response = page.request.fetch(path)
    assert response.status == 200, f"{path}: {response.status} {response.text()[:300]}"
    return response.json()


def test_web_browser_claims_article_link_leads_to_the_story_with_its_chart(
    page: Any, browser_store: BrowserStore, console: Console
) -> None:
    page.goto(f"/articles/{browser_store.echo}")
    link = page.locator("#attributions a.cluster-link").first
    expect(link).to_be_visible()
    # the sample (flattened text) names no outlet, so the link names the first speaker alone
    expect(link).to_have_text("said in 1 other article, first by Zamir Kabulov")
    screenshot(page, "claims-article-link")
    link.click()
    expect(page).to_have_url(re.compile(r"/claims/\d+$"))
    claim_id = page.url.rsplit("/", 1)[1]
    story = api(page, f"/api/v1/claims/{claim_id}")
    assert [a["article_id"] for a in story["appearances"]] == [
        browser_store.sample,
        browser_store.echo,
    ]
    assert [a["outlet"] for a in story["appearances"]] == [None, "Echo Daily"]
    expect(page.locator("#appearances > li")).to_have_count(2)
    expect(page.locator("#first-said")).to_contain_text("Zamir Kabulov")
    svg = page.locator("figure#spread-chart svg")
    expect(svg).to_be_visible()
    bars = svg.evaluate(BARS_JS)
    assert sorted(series for series, _ in bars) == ["Echo Daily", "unknown outlet"]
    assert all(re.fullmatch(r"2023-01-2[01]: 1 .+", title) for _, title in bars), bars
    box = svg.bounding_box()
    assert box is not None and box["width"] > 300 and box["height"] > 150
    screenshot(page, "claim-story")
    # every appearance links back to its article, at the attribution
    page.locator("#appearances a.hit-link").first.click()
    expect(page).to_have_url(re.compile(rf"/articles/{browser_store.sample}#attr-\d+$"))
    assert console.problems() == []


def test_web_browser_claims_list_filters_and_opens_a_claim(
    page: Any, browser_store: BrowserStore, console: Console
) -> None:
    page.goto("/claims")
    total = api(page, "/api/v1/claims?limit=0")["total"]
    expect(page.locator("#total")).to_have_attribute("data-total", str(total))
    page.fill("#claims-form input[name=min_articles]", "2")
    page.locator("#claims-form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"min_articles=2"))
    spread = api(page, "/api/v1/claims?min_articles=2")
    assert spread["total"] >= 1
    expect(page.locator("#claim-list > li.cluster")).to_have_count(len(spread["items"]))
    screenshot(page, "claims-list")
    first = page.locator("#claim-list a.claim-link").first
    expect(first).to_have_attribute("href", f"/claims/{spread['items'][0]['id']}")
    first.click()
    expect(page).to_have_url(re.compile(rf"/claims/{spread['items'][0]['id']}$"))
    expect(page.locator("#claim-spread")).to_contain_text("2 articles")
    assert console.problems() == []


def test_web_browser_claims_fact_check_line_links_to_the_fact_check(
    page: Any, browser_store: BrowserStore, console: Console
) -> None:
    """The sample's claim has an imported fact-check: its story page says so, with the link."""
    checked = api(page, "/api/v1/claims?fact_checked=true")["items"]
    assert checked and all(c["first"]["article_id"] == browser_store.sample for c in checked)
    page.goto(f"/claims/{checked[0]['id']}")
    line = page.locator("#fact-checks li.fact-check").first
    expect(line).to_contain_text("Fact-checked by Example Fact Check")
    expect(line).to_contain_text("Unproven")
    expect(line.locator("a.fact-check-link")).to_have_attribute(
        "href", "https://factcheck.example/us-isis"
    )
    screenshot(page, "claim-fact-checked")
    assert not console.errors


def test_web_browser_speaker_page_shows_the_fact_checks_of_their_claims(
    page: Any, browser_store: BrowserStore, console: Console
) -> None:
    """The speaker of the fact-checked claim: their page's claims say it has been checked, with
    the fact-check's details one click away."""
    claim = api(page, "/api/v1/claims?fact_checked=true")["items"][0]
    story = api(page, f"/api/v1/claims/{claim['id']}")
    speaker = next(a for a in api(page, "/api/v1/search?limit=100")["items"]
                   if a["claim_id"] == claim["id"] and a["speaker_id"])  # fmt: skip
    page.goto(f"/speakers/{speaker['speaker_id']}")
    line = page.locator(f'#claims li[data-attribution="{speaker["id"]}"] span.fact-check')
    expect(line).to_contain_text("Fact-checked by Example Fact Check")
    expect(line).to_contain_text("Unproven")
    screenshot(page, "speaker-fact-checked")
    line.locator("a.fact-check-detail").click()
    expect(page.locator("#fact-check-line")).to_contain_text("Unproven")
    assert story["fact_checks"][0]["id"] == int(page.url.rsplit("/", 1)[1])
    assert not console.errors


def test_web_browser_fact_checks_on_the_article_list_and_detail_pages(
    page: Any, browser_store: BrowserStore, console: Console
) -> None:
    """The sample article names its fact-checked claim in the side list; the fact-check's own
    page lists the claims it addresses, linked back; /factchecks lists and matches."""
    page.goto(f"/articles/{browser_store.sample}")
    line = page.locator("#attributions span.fact-check").first
    expect(line).to_contain_text("Fact-checked by Example Fact Check")
    expect(line).to_contain_text("Unproven")
    screenshot(page, "article-fact-checked")
    line.locator("a.fact-check-detail").click()
    expect(page.locator("#fact-check-line")).to_contain_text("Unproven")
    claim = page.locator("#checked-claims a.claim-link").first
    expect(claim).to_be_visible()
    screenshot(page, "fact-check")
    claim.click()
    expect(page.locator("#fact-checks")).to_contain_text("Example Fact Check")
    page.goto("/factchecks")
    expect(page.locator("#factcheck-list li[data-fact-check]")).to_have_count(2)
    page.fill("#match-form input[name=q]", "Washington is secretly funding ISIS")
    page.click("#match-form button")
    first = page.locator("#match-list li").first
    expect(first).to_contain_text("Islamic State")
    expect(page.locator("#match-list li")).to_have_count(1)  # the copy is folded into it
    copy = first.locator("a", has_text="#")
    expect(copy).to_have_count(1)
    expect(first).to_contain_text("also stored as")
    screenshot(page, "fact-check-match")
    copy.click()
    expect(page.locator("#fact-check-line")).to_contain_text("Unproven")
    expect(page.locator("h1")).to_contain_text("US IS COVERTLY SPONSORING")
    assert not console.errors
