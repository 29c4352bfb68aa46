"""The HTML pages: the markup contract the browser tests rely on, escaping, CSP, JSON twins."""

from __future__ import annotations

from typing import Any

import lxml.html
import pytest
from web_corpus import HOSTILE

from saywho.web.common import CSP


def dom(response: Any) -> Any:
    assert response.status_code == 200, response.text[:500]
    assert response.headers["content-type"].startswith("text/html")
    return lxml.html.fromstring(response.text)


def one(tree: Any, xpath: str) -> Any:
    found = tree.xpath(xpath)
    assert len(found) == 1, (xpath, len(found))
    return found[0]


PAGES = ["/", "/search", "/search?q=talks", "/search?speaker=Kabulov&stance=neutral",
         "/articles", "/speakers", "/entities", "/entities/geneva", "/analyze"]  # fmt: skip


@pytest.mark.parametrize("path", PAGES)
def test_pages_answer_with_csp_and_have_a_json_twin(web_client: Any, path: str) -> None:
    page = web_client.get(path)
    dom(page)
    assert page.headers["content-security-policy"] == CSP
    assert page.headers["x-content-type-options"] == "nosniff"
    twin = "/api/v1" + path
    if path == "/analyze":
        assert web_client.post("/api/v1/analyze", json={}).status_code == 422  # POST only
        return
    response = web_client.get(twin)
    assert response.status_code == 200 and response.headers["content-type"] == "application/json"


def test_pages_article_speaker_pages_and_their_twins(web_client: Any, ids: dict[str, int]) -> None:
    for path in (f"/articles/{ids['Moscow']}", f"/speakers/{ids['Zamir Kabulov']}"):
        dom(web_client.get(path))
        assert web_client.get("/api/v1" + path).status_code == 200


def test_pages_have_no_inline_script_or_style(web_client: Any, ids: dict[str, int]) -> None:
    for path in [
        *PAGES,
        f"/articles/{ids['Hostile']}",
        f"/speakers/{ids['Zamir Kabulov']}",
        "/api/docs",
    ]:
        tree = dom(web_client.get(path))
        assert all(s.get("src", "").startswith("/static/") for s in tree.xpath("//script"))
        assert all(not (s.text or "").strip() for s in tree.xpath("//script"))
        assert not tree.xpath("//*[@style]") and not tree.xpath("//style")
        assert not [
            a for e in tree.iter() if isinstance(e.tag, str) for a in e.attrib if a.startswith("on")
        ]
        assert all(
            link.get("href", "").startswith("/static/")
            for link in tree.xpath("//link[@rel='stylesheet']")
        )


def check_spans(tree: Any, article: dict[str, Any]) -> set[str]:
    """Every span.sw satisfies FIELD[data-start:data-end] == textContent; returns the ids."""
    spans = tree.xpath("//span[contains(concat(' ', @class, ' '), ' sw ')][@data-attribution]")
    assert spans
    for span in spans:
        text = article[span.get("data-field")] or ""
        assert text[int(span.get("data-start")) : int(span.get("data-end"))] == span.text_content()
        role = span.get("data-role")
        assert role in ("source", "cue", "content") and f"sw-{role}" in span.get("class")
        if role == "cue":
            assert span.get("data-stance")
    return {s.get("data-attribution") for s in spans}


def test_pages_article_follows_the_markup_contract(web_client: Any, ids: dict[str, int]) -> None:
    article = web_client.get(f"/api/v1/articles/{ids['Moscow']}").json()
    tree = dom(web_client.get(f"/articles/{ids['Moscow']}"))
    assert one(tree, "//h1[@id='article-title']").text_content() == article["title"]
    body = one(tree, "//div[@id='article-text']")
    assert [p.text_content() for p in body.xpath("./p")] == [
        article["text"][s:e] for s, e in article["paragraphs"]
    ]
    assert check_spans(tree, article) == {str(a["id"]) for a in article["attributions"]}
    legend = one(tree, "//div[@id='legend']").text_content()
    assert all(word in legend for word in ("source", "cue", "content", "denying", "neutral"))
    items = tree.xpath("//ol[@id='attributions']/li")
    assert [li.get("id") for li in items] == [f"attr-{a['id']}" for a in article["attributions"]]
    assert [li.get("data-attribution") for li in items] == [
        str(a["id"]) for a in article["attributions"]
    ]
    links = {
        a.get("href") for a in tree.xpath("//ol[@id='attributions']//a[@class='speaker-link']")
    }
    assert links == {
        f"/speakers/{a['source']['speaker']}" for a in article["attributions"] if a["source"]
    }
    assert one(tree, "//a[@id='original-url']").get("href") == article["url"]
    assert not tree.xpath("//*[@id='licence']")  # not a Wikinews article


def test_pages_article_escapes_hostile_text_and_shows_the_licence(
    web_client: Any, ids: dict[str, int]
) -> None:
    response = web_client.get(f"/articles/{ids['Hostile']}")
    assert (
        HOSTILE not in response.text
        and "<img" not in response.text
        and "<b>bold" not in response.text
    )
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in response.text
    tree = dom(response)
    article = web_client.get(f"/api/v1/articles/{ids['Hostile']}").json()
    assert one(tree, "//h1[@id='article-title']").text_content() == article["title"]
    check_spans(tree, article)
    assert not tree.xpath("//script[not(@src)]") and not tree.xpath("//img")
    assert one(tree, "//p[@id='licence']").text_content() == article["licence"]
    assert one(tree, "//p[@id='analyser']").text_content() == f"Analysed by {article['analyser']}"


def test_pages_article_marks_what_the_learned_model_added(
    web_client: Any, ids: dict[str, int]
) -> None:
    tree = dom(web_client.get(f"/articles/{ids['Moscow']}"))
    marked = tree.xpath("//ol[@id='attributions']/li[span[@class='method']]")
    assert [li.xpath("string(em)") for li in marked] == ["denied"]
    assert one(marked[0], ".//span[@class='method']").text_content() == "learned"


def test_pages_search_follows_the_markup_contract(web_client: Any) -> None:
    tree = dom(web_client.get("/search?q=talks&limit=1"))
    form = one(tree, "//form[@id='search-form']")
    assert {i.get("name") for i in form.xpath(".//input|.//select")} == {
        "q", "speaker", "about", "stance", "kind", "outlet", "since", "until", "check_worthy", "sort"}  # fmt: skip
    total = int(one(tree, "//p[@id='total']").get("data-total"))
    api = web_client.get("/api/v1/search?q=talks").json()
    assert total == api["total"] == 3
    hits = tree.xpath("//ol[@id='results']/li[@class='hit']")
    assert len(hits) == 1
    aid = hits[0].get("data-attribution")
    href = one(hits[0], ".//a[@class='hit-link']").get("href")
    claim = next(c for c in api["items"] if str(c["id"]) == aid)
    assert href == f"/articles/{claim['article_id']}#attr-{aid}"
    facets = {
        f.get("data-facet") for f in tree.xpath("//section[@id='facets']/div[@class='facet']")
    }
    assert facets == {"speaker", "outlet", "stance", "kind"}
    next_link = one(tree, "//a[@rel='next']").get("href")
    assert not tree.xpath("//a[@rel='prev']")
    second = dom(web_client.get(next_link))
    assert one(second, "//a[@rel='prev']") is not None
    assert second.xpath("//li[@class='hit']")[0].get("data-attribution") != aid


def test_pages_search_hit_links_reach_the_attribution(web_client: Any) -> None:
    tree = dom(web_client.get("/search?limit=100"))
    for link in tree.xpath("//a[@class='hit-link']"):
        path, anchor = link.get("href").split("#")
        article = dom(web_client.get(path))
        assert one(article, f"//li[@id='{anchor}']") is not None


def test_pages_search_escapes_the_query_echo(web_client: Any) -> None:
    response = web_client.get(
        "/search", params={"q": 'x"><script>alert(1)</script> onerror=alert(1)'}
    )
    assert response.status_code == 200
    assert "<script>alert" not in response.text
    tree = lxml.html.fromstring(response.text)
    assert (
        one(tree, "//form[@id='search-form']//input[@name='q']")
        .get("value")
        .startswith('x"><script>')
    )
    assert not tree.xpath("//script[not(@src)]") and not tree.xpath("//*[@onerror]")


def test_pages_search_facet_links_filter(web_client: Any) -> None:
    tree = dom(web_client.get("/search?q=talks"))
    link = one(tree, "//div[@data-facet='stance']//a[@data-value='denying']").get("href")
    filtered = dom(web_client.get(link))
    assert one(filtered, "//p[@id='total']").get("data-total") == "1"


@pytest.mark.parametrize("kind", ["speaker", "entity"])
def test_pages_speaker_and_entity_show_a_timeline_and_claims(
    web_client: Any, ids: dict[str, int], kind: str
) -> None:
    path = f"/speakers/{ids['Zamir Kabulov']}" if kind == "speaker" else "/entities/geneva"
    data = web_client.get("/api/v1" + path).json()
    tree = dom(web_client.get(path))
    assert one(tree, "//h1").text_content() == data["name"]
    svg = one(tree, "//figure[@id='timeline']/*[local-name()='svg']")
    assert svg.xpath(".//*[local-name()='rect'][@data-stance]")
    claims = tree.xpath("//ol[@id='claims']/li")
    assert [li.get("data-attribution") for li in claims] == [str(c["id"]) for c in data["latest"]]


def test_pages_overview_links_recent_articles(web_client: Any) -> None:
    tree = dom(web_client.get("/"))
    hrefs = [a.get("href") for a in tree.xpath("//section[@id='recent-articles']//a")]
    assert len(hrefs) == 4 and all(h.startswith("/articles/") for h in hrefs)
    assert "CC BY 2.5" in one(tree, "//section[@id='licence-note']").text_content()


@pytest.mark.parametrize(
    ("path", "status"),
    [
        pytest.param("/articles/999999", 404, id="unknown article"),
        pytest.param("/speakers/999999", 404, id="unknown speaker"),
        pytest.param("/entities/nothing-here", 404, id="unknown entity"),
        pytest.param("/nowhere", 404, id="unknown page"),
        pytest.param("/search?stance=smug", 422, id="bad stance"),
        pytest.param("/search?since=someday", 422, id="bad date"),
    ],
)  # fmt: skip
def test_pages_errors_are_pages(web_client: Any, path: str, status: int) -> None:
    response = web_client.get(path)
    assert response.status_code == status
    assert response.headers["content-type"].startswith("text/html")
    assert response.headers["content-security-policy"] == CSP
    tree = lxml.html.fromstring(response.text)
    assert one(tree, "//p[@id='error']").get("data-status") == str(status)


def test_pages_static_files_carry_the_csp(web_client: Any) -> None:
    for asset in ("/static/saywho.css", "/static/saywho.js"):
        response = web_client.get(asset)
        assert response.status_code == 200 and response.headers["content-security-policy"] == CSP


@pytest.mark.parametrize(
    ("url", "linked"),
    [
        pytest.param("https://news.example/a", True, id="an https URL is linked"),
        pytest.param("HTTP://news.example/a", True, id="an http URL in capitals is linked"),
        pytest.param("javascript:alert(1)", False, id="a javascript URL is not"),
        pytest.param(" JaVaScRiPt:alert(1)", False, id="a disguised javascript URL is not"),
        pytest.param("data:text/html,<script>alert(1)</script>", False, id="a data URL is not"),
        pytest.param("http://[::1", False, id="a malformed URL is not"),
    ],
)  # fmt: skip
def test_pages_link_only_http_urls(url: str, linked: bool) -> None:
    from saywho.web.pages import http_url

    assert (http_url(url) is not None) == linked


def test_pages_article_with_a_javascript_url_gets_no_link(tmp_path: Any) -> None:
    from fastapi.testclient import TestClient
    from web_corpus import ClaimSpec, build

    from saywho.config import Settings
    from saywho.store import open_store
    from saywho.store.ingest import Writer
    from saywho.web import create_app

    db = str(tmp_path / "js.db")
    engine = open_store(db)
    Writer(engine).store(build("Trap", ["He said no."], [ClaimSpec("He", "He", "said", "no")],
                               published=None, url="javascript:alert(1)"))  # fmt: skip
    engine.dispose()
    client = TestClient(create_app(Settings(detect_language=False), db=db))
    article_id = client.get("/api/v1/articles").json()["items"][0]["id"]
    tree = dom(client.get(f"/articles/{article_id}"))
    assert not tree.xpath("//a[@id='original-url']")
    assert not [a for a in tree.xpath("//a") if a.get("href", "").lower().startswith("javascript")]


def test_pages_search_form_submitted_with_empty_fields(web_client: Any) -> None:
    # a browser sends every field of the form, the unused ones empty
    query = "q=talks&speaker=&about=&stance=&kind=&outlet=&since=&until="
    tree = dom(web_client.get(f"/search?{query}"))
    assert one(tree, "//p[@id='total']").get("data-total") == "3"
    assert web_client.get(f"/api/v1/search?{query}").json()["total"] == 3
    assert web_client.get("/api/v1/attributions?stance=&kind=&since=&until=").json()["total"] == 9
