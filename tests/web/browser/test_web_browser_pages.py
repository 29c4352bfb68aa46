"""The other pages in Chromium: overview, speaker (with its chart), entity, analyse (nothing
stored) and the API docs; each one's screenshot goes to build/screenshots/."""

from __future__ import annotations

import re
from typing import Any

from browser_support import CSP, BrowserStore, Console, screenshot
from playwright.sync_api import expect

# the counts drawn in a chart: each bar's <title> reads "PERIOD: N STANCE"
BAR_COUNTS_JS = """svg => Array.from(svg.querySelectorAll('rect[data-stance]'))
  .map(r => Number(r.querySelector('title').textContent.split(': ')[1].split(' ')[0]))"""

ANALYSE_TEXT = (
    "Talks on the dam to resume in Geneva\n\n"
    "The talks on the river dam will resume on Monday in Geneva, the Egyptian foreign minister "
    'Sameh Shoukry said on Friday. "We are ready to sign a fair agreement," Shoukry told '
    "reporters. Ethiopia's water minister denied that the filling had harmed farmers downstream, "
    "according to state media."
)


def api(page: Any, path: str, **kwargs: Any) -> Any:
    response = page.request.fetch(path, **kwargs)
    assert response.status == 200, f"{path}: {response.status} {response.text()[:300]}"
    return response.json()


def test_web_browser_pages_overview_shows_the_store(
    page: Any, browser_store: BrowserStore, console: Console
) -> None:
    response = page.goto("/")
    assert response is not None and response.status == 200
    assert response.headers["content-security-policy"] == CSP
    counts = api(page, "/api/v1/")["counts"]
    for key in ("articles", "attributions", "speakers"):
        expect(page.locator(f'#counts [data-count="{key}"]')).to_have_text(str(counts[key]))
    expect(page.locator("#recent-articles a[href^='/articles/']")).to_have_count(counts["articles"])
    expect(page.locator("#top-speakers a[href^='/speakers/']").first).to_be_visible()
    expect(page.locator("#licence-note")).to_contain_text("Wikinews")
    screenshot(page, "overview")
    assert console.problems() == []


def test_web_browser_pages_speaker_page_has_a_chart_and_claims(
    page: Any, browser_store: BrowserStore, console: Console
) -> None:
    page.goto(f"/articles/{browser_store.sample}")
    page.locator("#attributions a.speaker-link", has_text="Zamir Kabulov").first.click()
    expect(page).to_have_url(re.compile(r"/speakers/\d+$"))
    speaker_id = page.url.rsplit("/", 1)[1]
    expect(page.locator("h1")).to_have_text("Zamir Kabulov")
    data = api(page, f"/api/v1/speakers/{speaker_id}")
    svg = page.locator("figure#timeline svg")
    expect(svg).to_be_visible()
    bars = svg.evaluate(BAR_COUNTS_JS)
    assert bars, "the timeline has no bars"
    dated = sum(sum(b["counts"].values()) for b in data["timeline"]["buckets"])
    assert sum(bars) == dated >= 4  # Kabulov is credited four times in the sample
    claims = page.locator("#claims li.claim")
    expect(claims).to_have_count(len(data["latest"]))
    assert claims.count() >= 1
    expect(claims.first).to_contain_text("Zamir Kabulov")
    screenshot(page, "speaker")
    assert console.problems() == []


def test_web_browser_pages_entity_page_from_a_speaker(
    page: Any, browser_store: BrowserStore, console: Console
) -> None:
    page.goto(f"/articles/{browser_store.sample}")
    page.locator("#attributions a.speaker-link", has_text="Zamir Kabulov").first.click()
    link = page.locator("#entities a[href^='/entities/']").first
    name = link.text_content()
    link.click()
    expect(page).to_have_url(re.compile(r"/entities/.+"))
    expect(page.locator("h1")).to_have_text(name)
    expect(page.locator("#speakers a.speaker-link", has_text="Zamir Kabulov")).to_be_visible()
    svg = page.locator("figure#timeline svg")
    expect(svg).to_be_visible()
    assert sum(svg.evaluate(BAR_COUNTS_JS)) >= 1
    expect(page.locator("#claims li.claim").first).to_be_visible()
    screenshot(page, "entity")
    assert console.problems() == []


def test_web_browser_pages_analyse_highlights_and_stores_nothing(
    page: Any, console: Console
) -> None:
    before = api(page, "/api/v1/")["counts"]
    page.goto("/analyze")
    page.locator('#analyze-form textarea[name="text"]').fill(ANALYSE_TEXT)
    with page.expect_navigation():
        page.locator("#analyze-form button[type=submit]").click()
    expect(page.locator("#article-text")).to_be_visible()
    doc = api(page, "/api/v1/analyze", method="POST", data={"text": ANALYSE_TEXT})
    assert len(doc["attributions"]) >= 2
    spans = page.locator("span.sw[data-attribution]").evaluate_all(
        "els => els.map(e => [e.dataset.attribution, e.dataset.field, Number(e.dataset.start),"
        " Number(e.dataset.end), e.textContent])"
    )
    assert {a for a, *_ in spans} == {str(a["id"]) for a in doc["attributions"]}
    for _aid, field, start, end, text in spans:
        assert (doc[field] or "")[start:end] == text
    expect(page.locator("#attributions > li[data-attribution]")).to_have_count(
        len(doc["attributions"])
    )
    expect(page.locator("#attributions")).to_contain_text("Sameh Shoukry")
    screenshot(page, "analyze")
    assert api(page, "/api/v1/")["counts"] == before
    assert console.problems() == []


def test_web_browser_pages_api_docs_render_from_the_package(page: Any, console: Console) -> None:
    response = page.goto("/api/docs")
    assert response is not None and response.status == 200
    assert response.headers["content-security-policy"] == CSP
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("saywho")
    expect(page.locator(".opblock-summary-path", has_text="/api/v1/search").first).to_be_visible()
    screenshot(page, "api-docs")
    assert console.problems() == []
