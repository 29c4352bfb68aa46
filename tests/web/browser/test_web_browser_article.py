"""The article page in Chromium: highlighted spans against the stored offsets, colours, the
legend, the speaker popover and the side list (the web contract in the README)."""

from __future__ import annotations

import re
from typing import Any

from browser_support import BrowserStore, Console, screenshot
from playwright.sync_api import expect

ROLES = ("source", "cue", "content")

# every attribution span on the page, as the browser sees it
SPANS_JS = """() => Array.from(document.querySelectorAll('span.sw[data-attribution]')).map(e => ({
  attribution: e.dataset.attribution, role: e.dataset.role, field: e.dataset.field,
  start: e.dataset.start, end: e.dataset.end, stance: e.dataset.stance ?? null,
  text: e.textContent, classes: Array.from(e.classList)}))"""


def article_json(page: Any, article_id: int) -> dict[str, Any]:
    response = page.request.get(f"/api/v1/articles/{article_id}")
    assert response.status == 200, response.text()
    data: dict[str, Any] = response.json()
    return data


def field_text(doc: dict[str, Any], field: str) -> str:
    return str(doc[field] or "")


def covered(pieces: list[tuple[int, int]], start: int, end: int, text: str) -> bool:
    """Do the pieces cover [start, end), allowing gaps of whitespace only (paragraph breaks)?"""
    at = start
    for s, e in sorted(pieces):
        if s > at and text[at:s].strip():
            return False
        at = max(at, e)
    return at >= end or not text[at:end].strip()


def test_web_browser_article_spans_match_stored_offsets(
    page: Any, browser_store: BrowserStore, console: Console
) -> None:
    response = page.goto(f"/articles/{browser_store.sample}")
    assert response is not None and response.status == 200
    doc = article_json(page, browser_store.sample)
    spans = page.evaluate(SPANS_JS)
    assert spans, "no attribution spans on the page"
    ids = {str(a["id"]) for a in doc["attributions"]}
    for span in spans:
        assert span["attribution"] in ids, span
        assert span["role"] in ROLES and f"sw-{span['role']}" in span["classes"], span
        start, end = int(span["start"]), int(span["end"])
        assert field_text(doc, span["field"])[start:end] == span["text"], span
    screenshot(page, "article")
    assert console.problems() == []


def test_web_browser_article_every_stored_span_is_on_the_page(
    page: Any, browser_store: BrowserStore
) -> None:
    page.goto(f"/articles/{browser_store.sample}")
    doc = article_json(page, browser_store.sample)
    spans = page.evaluate(SPANS_JS)
    assert doc["attributions"], "the sample has attributions"
    for a in doc["attributions"]:
        for role in ROLES:
            stored = a[role]
            if stored is None:  # an anonymous source has no span
                continue
            mine = [s for s in spans if s["attribution"] == str(a["id"]) and s["role"] == role]
            assert mine, f"attribution {a['id']}: no {role} span"
            assert {s["field"] for s in mine} == {a["field"]}
            pieces = [(int(s["start"]), int(s["end"])) for s in mine]
            text = field_text(doc, a["field"])
            assert covered(pieces, stored["start"], stored["end"], text), (a["id"], role, pieces)
            if role == "cue":
                assert {s["stance"] for s in mine} == {stored["stance"]}, a["id"]


def test_web_browser_article_roles_legend_and_side_list(
    page: Any, browser_store: BrowserStore
) -> None:
    page.goto(f"/articles/{browser_store.sample}")
    doc = article_json(page, browser_store.sample)
    colours = {
        role: page.locator(f"#article-text span.sw-{role}").first.evaluate(
            "e => getComputedStyle(e).backgroundColor"
        )
        for role in ROLES
    }
    assert len(set(colours.values())) == 3, colours
    assert "rgba(0, 0, 0, 0)" not in colours.values(), colours  # transparent: not highlighted
    legend = page.locator("#legend")
    expect(legend).to_be_visible()
    for word in (*ROLES, "distancing", "neutral"):
        expect(legend).to_contain_text(word)
    entries = page.locator("#attributions > li[data-attribution]")
    expect(entries).to_have_count(len(doc["attributions"]))
    listed = entries.evaluate_all("els => els.map(e => [e.id, e.dataset.attribution])")
    assert sorted(listed) == sorted([f"attr-{a['id']}", str(a["id"])] for a in doc["attributions"])


def test_web_browser_article_span_shows_its_speaker_and_links_to_them(
    page: Any, browser_store: BrowserStore
) -> None:
    page.goto(f"/articles/{browser_store.sample}")
    doc = article_json(page, browser_store.sample)
    chosen = next(
        a
        for a in doc["attributions"]
        if a["field"] == "text" and a["source"] and a["source"]["speaker"]
    )
    speaker_id = chosen["source"]["speaker"]
    name = doc["speakers"][str(speaker_id)]["name"]
    span = page.locator(f'#article-text span.sw-source[data-attribution="{chosen["id"]}"]').first
    span.hover()
    popover = page.locator("#popover")
    expect(popover).to_be_visible()
    expect(popover).to_contain_text(name)
    span.click()  # pins it, so the pointer can travel to the link
    link = popover.locator(f'a[href="/speakers/{speaker_id}"]')
    expect(link).to_have_text(name)
    link.click()
    expect(page).to_have_url(re.compile(rf"/speakers/{speaker_id}$"))
    expect(page.locator("h1")).to_have_text(name)


def test_web_browser_article_wikinews_shows_its_licence_line(
    page: Any, browser_store: BrowserStore
) -> None:
    article_id = browser_store.wikinews[0]
    page.goto(f"/articles/{article_id}")
    doc = article_json(page, article_id)
    assert doc["licence"]
    licence = page.locator("#licence")
    expect(licence).to_have_text(doc["licence"])
    expect(licence).to_contain_text("Wikinews")
    expect(page.locator("#original-url")).to_have_attribute("href", doc["url"])
