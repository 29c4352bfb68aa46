"""The search page in Chromium: the form, results and total, facets, a hit's link to the
attribution in its article, and a stance filter narrowing the results."""

from __future__ import annotations

import re
from typing import Any

from browser_support import BrowserStore, Console, screenshot
from playwright.sync_api import expect

FACETS = ("speaker", "outlet", "stance", "kind")


def submit_search(page: Any, **fields: str) -> None:
    form = page.locator("#search-form")
    for name, value in fields.items():
        control = form.locator(f'[name="{name}"]')
        if control.evaluate("e => e.tagName") == "SELECT":
            control.select_option(value)
        else:
            control.fill(value)
    with page.expect_navigation():
        form.locator('[name="q"]').press("Enter")


def total(page: Any) -> int:
    return int(page.locator("#total").get_attribute("data-total"))


def test_web_browser_search_finds_the_sample_and_links_to_the_attribution(
    page: Any, browser_store: BrowserStore, console: Console
) -> None:
    page.goto("/search")
    submit_search(page, q="sponsoring")
    expect(page).to_have_url(re.compile(r"/search\?.*q=sponsoring"))
    hits = page.locator("#results li.hit")
    expect(hits.first).to_be_visible()
    assert total(page) == hits.count() >= 1
    expect(page.locator("#total")).to_contain_text(str(total(page)))
    for name in FACETS:
        expect(page.locator(f'#facets .facet[data-facet="{name}"]')).to_have_count(1)
    expect(page.locator('#facets .facet[data-facet="stance"] a').first).to_be_visible()
    screenshot(page, "search")

    hit = page.locator(
        f'#results li.hit:has(a.hit-link[href^="/articles/{browser_store.sample}#"])'
    )
    aid = hit.first.get_attribute("data-attribution")
    hit.first.locator("a.hit-link").click()
    expect(page).to_have_url(re.compile(rf"/articles/{browser_store.sample}#attr-{aid}$"))
    target = page.locator(":target")
    expect(target).to_have_attribute("id", f"attr-{aid}")
    expect(target).to_have_attribute("data-attribution", str(aid))
    assert console.problems() == []


def test_web_browser_search_stance_filter_narrows_the_results(page: Any) -> None:
    page.goto("/search")
    submit_search(page, q="the")
    before = total(page)
    # a stance that some but not all hits have, read from the page's own facet counts
    counts = page.locator('#facets .facet[data-facet="stance"] li:has(a)').evaluate_all(
        "els => els.map(e => [e.querySelector('a').dataset.value,"
        " Number(e.querySelector('.count').textContent)])"
    )
    narrower = [(stance, n) for stance, n in counts if 0 < n < before]
    assert narrower, f"'the' should match claims of several stances: {counts}"
    stance, expected = min(narrower, key=lambda c: c[1])
    submit_search(page, stance=stance)
    expect(page).to_have_url(re.compile(rf"stance={stance}"))
    assert total(page) == expected < before
    shown = page.locator("#results li.hit .stance").all_text_contents()
    assert shown and {s.strip() for s in shown} == {stance}
