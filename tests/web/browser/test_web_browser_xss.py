"""Hostile text in Chromium: script and event-handler payloads in a stored article, a search, an
analysed text and a URL are shown as text, and none of them runs."""

from __future__ import annotations

from typing import Any

import pytest
from browser_support import (
    CSP,
    HOSTILE_PARAGRAPHS,
    HOSTILE_TITLE,
    PAYLOADS,
    BrowserStore,
    Console,
    screenshot,
)
from playwright.sync_api import expect

# elements or attributes a payload would have created had it been parsed as markup
INJECTED_JS = """() => ({
  scripts: Array.from(document.scripts).map(s => s.getAttribute('src') || 'inline'),
  planted: document.querySelectorAll(
    'img[src="x"], iframe, [onerror], [onload], a[href^="javascript:"], main svg:not(.chart)').length,
  xss: typeof window.__xss,
})"""


def assert_inert(page: Any, console: Console) -> None:
    """Nothing the payloads carry has run, been parsed, or been blocked by the CSP."""
    found = page.evaluate(INJECTED_JS)
    assert found["xss"] == "undefined"
    assert found["planted"] == 0
    assert all(src.startswith("/static/") for src in found["scripts"]), found["scripts"]
    # a payload parsed as markup would show up here as a CSP refusal or a failed image load
    assert console.problems() == []


def test_web_browser_xss_stored_article_shows_payloads_as_text(
    page: Any, browser_store: BrowserStore, console: Console
) -> None:
    response = page.goto(f"/articles/{browser_store.hostile}")
    assert response is not None and response.status == 200
    assert response.headers["content-security-policy"] == CSP
    expect(page.locator("#article-title")).to_have_text(HOSTILE_TITLE)
    body = page.locator("#article-text")
    for paragraph in HOSTILE_PARAGRAPHS:
        expect(body).to_contain_text(paragraph)
    side = page.locator("#attributions")
    expect(side).to_contain_text("<script>window.__xss=1</script>")
    page.locator("#article-text span.sw-source").first.click()  # the popover writes text too
    expect(page.locator("#popover")).to_be_visible()
    screenshot(page, "xss-article")
    assert_inert(page, console)


def test_web_browser_xss_overview_lists_the_hostile_title_as_text(
    page: Any, console: Console
) -> None:
    page.goto("/")
    expect(page.locator("#recent-articles")).to_contain_text(HOSTILE_TITLE)
    assert_inert(page, console)


def test_web_browser_xss_speaker_page_shows_claims_as_text(
    page: Any, browser_store: BrowserStore, console: Console
) -> None:
    page.goto(f"/articles/{browser_store.hostile}")
    page.locator("#attributions a.speaker-link", has_text="John Roe").first.click()
    expect(page.locator("h1")).to_have_text("John Roe")
    expect(page.locator("#claims")).to_contain_text('"><script>window.__xss=1</script>')
    assert_inert(page, console)


@pytest.mark.parametrize("payload", PAYLOADS, ids=[
    "script element echoed by search", "img onerror echoed by search",
    "svg onload echoed by search", "attribute breakout echoed by search",
    "textarea breakout echoed by search",
])  # fmt: skip
def test_web_browser_xss_search_echoes_the_query_as_text(
    page: Any, console: Console, payload: str
) -> None:
    page.goto("/search")
    page.locator('#search-form [name="q"]').fill(payload)
    with page.expect_navigation() as navigation:
        page.locator('#search-form [name="q"]').press("Enter")
    assert navigation.value.headers["content-security-policy"] == CSP
    expect(page.locator("#query-echo")).to_have_text(payload)
    expect(page.locator('#search-form [name="q"]')).to_have_value(payload)
    assert_inert(page, console)


def test_web_browser_xss_search_hits_in_the_hostile_article_show_text(
    page: Any, console: Console
) -> None:
    page.goto("/search?q=onerror")
    hits = page.locator("#results li.hit")
    expect(hits.first).to_be_visible()
    expect(page.locator("#results")).to_contain_text("onerror=")
    screenshot(page, "xss-search")
    assert_inert(page, console)


def test_web_browser_xss_analysed_text_shows_payloads_as_text(page: Any, console: Console) -> None:
    text = "\n\n".join(HOSTILE_PARAGRAPHS)
    page.goto("/analyze")
    page.locator('#analyze-form textarea[name="text"]').fill(text)
    with page.expect_navigation():
        page.locator("#analyze-form button[type=submit]").click()
    expect(page.locator('#analyze-form textarea[name="text"]')).to_have_value(text)
    body = page.locator("#article-text")
    for paragraph in HOSTILE_PARAGRAPHS[1:]:  # the first may become the title
        expect(body).to_contain_text(paragraph)
    assert_inert(page, console)


def test_web_browser_xss_error_page_shows_the_path_as_text(page: Any, console: Console) -> None:
    response = page.goto("/nothing/%3Cscript%3Ewindow.__xss=1%3C/script%3E")
    assert response is not None and response.status == 404
    assert response.headers["content-security-policy"] == CSP
    expect(page.locator("main")).to_contain_text("<script>window.__xss=1</script>")
    # the page's own 404 is logged: it is what was asked for; anything else still counts
    console.messages[:] = [(k, t) for k, t in console.messages if "/nothing/" not in t]
    console.failed[:] = [f for f in console.failed if "/nothing/" not in f]
    assert_inert(page, console)
