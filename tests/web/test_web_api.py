"""The REST API over the hand-built store: every endpoint, filter, paging edge and error."""

from __future__ import annotations

from typing import Any

import pytest

from saywho.errors import StoreError
from saywho.web.api import MAX_LIMIT
from saywho.web.common import CSP


def assert_error(response: Any, status: int) -> dict[str, Any]:
    """The one error shape, exactly: {"error": {"status", "code", "message"}}, one line."""
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"status", "code", "message"}
    assert body["error"]["status"] == status
    assert isinstance(body["error"]["code"], str) and body["error"]["code"]
    assert body["error"]["message"] and "\n" not in body["error"]["message"]
    assert "Traceback" not in body["error"]["message"]
    return dict(body["error"])


def field_of(article: dict[str, Any], name: str) -> str:
    return str(article[name] or "")


# --- the error shape ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path", "status", "code"),
    [
        pytest.param("GET", "/api/v1/articles/999999", 404, "not_found", id="unknown article id is 404"),
        pytest.param("GET", "/api/v1/speakers/999999", 404, "not_found", id="unknown speaker id is 404"),
        pytest.param("GET", "/api/v1/entities/no-such-thing", 404, "not_found", id="unknown entity is 404"),
        pytest.param("GET", "/api/v1/no/such/route", 404, "not_found", id="unknown route is 404"),
        pytest.param("POST", "/api/v1/articles", 405, "method_not_allowed", id="POST on a list is 405"),
        pytest.param("DELETE", "/api/v1/articles/1", 405, "method_not_allowed", id="DELETE on an article is 405"),
        pytest.param("GET", "/api/v1/analyze", 405, "method_not_allowed", id="GET on analyze is 405"),
        pytest.param("GET", "/api/v1/articles/abc", 422, "invalid_request", id="non-numeric article id is 422"),
        pytest.param("GET", "/api/v1/attributions?stance=smug", 422, "invalid_request", id="unknown stance is 422"),
        pytest.param("GET", "/api/v1/attributions?kind=rumour", 422, "invalid_request", id="unknown kind is 422"),
        pytest.param("GET", "/api/v1/attributions?since=2024-13-45", 422, "invalid_request", id="impossible date is 422"),
        pytest.param("GET", "/api/v1/attributions?until=yesterday", 422, "invalid_request", id="wordy date is 422"),
        pytest.param("GET", f"/api/v1/articles?limit={MAX_LIMIT + 1}", 422, "invalid_request", id="limit over the maximum is 422"),
        pytest.param("GET", "/api/v1/articles?limit=-1", 422, "invalid_request", id="negative limit is 422"),
        pytest.param("GET", "/api/v1/articles?offset=-5", 422, "invalid_request", id="negative offset is 422"),
        pytest.param("GET", '/api/v1/search?q="', 422, "invalid_request", id="a lone quote has no words and is 422"),
        pytest.param("GET", "/api/v1/search?q=*", 422, "invalid_request", id="a lone star has no words and is 422"),
    ],
)  # fmt: skip
def test_api_errors_have_the_one_shape(
    web_client: Any, method: str, path: str, status: int, code: str
) -> None:
    error = assert_error(web_client.request(method, path), status)
    assert error["code"] == code


def test_api_error_message_names_the_bad_parameter(web_client: Any) -> None:
    error = assert_error(web_client.get("/api/v1/attributions?stance=smug"), 422)
    assert "stance" in error["message"]


# --- articles ----------------------------------------------------------------------------


def test_api_articles_lists_every_article_newest_first(web_client: Any) -> None:
    body = web_client.get("/api/v1/articles").json()
    assert (
        body["total"] == 4 and body["limit"] == 20 and body["offset"] == 0 and body["next"] is None
    )
    dates = [a["published"] for a in body["items"]]
    assert dates == ["2024-07-10", "2024-06-20", "2024-05-02", None]
    assert [a["attributions"] for a in body["items"]] == [2, 2, 4, 1]


@pytest.mark.parametrize(
    ("query", "count", "has_next"),
    [
        pytest.param("limit=0", 0, False, id="limit 0 gives only the total"),
        pytest.param("limit=1", 1, True, id="limit 1 gives one item and a next link"),
        pytest.param(f"limit={MAX_LIMIT}", 4, False, id="the maximum limit is accepted"),
        pytest.param("limit=2&offset=2", 2, False, id="the last full page has no next link"),
        pytest.param("limit=3&offset=3", 1, False, id="a short last page"),
        pytest.param("offset=4", 0, False, id="offset at the end is an empty page"),
        pytest.param("offset=1000", 0, False, id="offset past the end is an empty page"),
    ],
)  # fmt: skip
def test_api_articles_paging_edges(web_client: Any, query: str, count: int, has_next: bool) -> None:
    body = web_client.get(f"/api/v1/articles?{query}").json()
    assert len(body["items"]) == count
    assert body["total"] == 4
    assert (body["next"] is not None) == has_next


@pytest.mark.parametrize("path", ["/api/v1/articles", "/api/v1/attributions", "/api/v1/speakers",
                                  "/api/v1/entities", "/api/v1/search?q=talks"])  # fmt: skip
def test_api_next_links_walk_every_item_once(web_client: Any, path: str) -> None:
    sep = "&" if "?" in path else "?"
    url: str | None = f"{path}{sep}limit=1"
    seen = []
    total = None
    while url:
        body = web_client.get(url).json()
        total = body["total"]
        seen += [item["id"] for item in body["items"]]
        url = body["next"]
    assert total is not None and total > 1
    assert len(seen) == total == len(set(seen))


def test_api_article_offsets_index_the_named_field(web_client: Any, ids: dict[str, int]) -> None:
    article = web_client.get(f"/api/v1/articles/{ids['Moscow']}").json()
    assert {"id", "title", "standfirst", "text", "url", "outlet", "published", "licence",
            "attributions", "speakers"} <= set(article)  # fmt: skip
    assert len(article["attributions"]) == 4
    for a in article["attributions"]:
        text = field_of(article, a["field"])
        for role in ("source", "cue", "content"):
            span = a[role]
            if span is not None:
                assert text[span["start"] : span["end"]] == span["text"]
        if a["source"] and a["source"]["speaker"] is not None:
            assert str(a["source"]["speaker"]) in article["speakers"]
    assert [a["field"] for a in article["attributions"]].count("title") == 1
    assert article["outlet"] == "Example Times" and article["licence"] is None


def test_api_article_speakers_link_to_speaker_pages(web_client: Any, ids: dict[str, int]) -> None:
    article = web_client.get(f"/api/v1/articles/{ids['Moscow']}").json()
    for sid, person in article["speakers"].items():
        assert web_client.get(f"/api/v1/speakers/{sid}").json()["name"] == person["name"]


def test_api_article_keeps_its_licence_line(web_client: Any, ids: dict[str, int]) -> None:
    article = web_client.get(f"/api/v1/articles/{ids['Hostile']}").json()
    assert article["licence"].startswith("From Wikinews")
    assert "<script>" in article["text"]  # JSON carries the text as it is; HTML escapes it


def test_api_article_says_what_analysed_it(web_client: Any, ids: dict[str, int]) -> None:
    from web_corpus import ANALYSER

    article = web_client.get(f"/api/v1/articles/{ids['Moscow']}").json()
    assert article["analyser"] == ANALYSER
    # and which attributions the learned model added
    assert {a["cue"]["text"]: a["method"] for a in article["attributions"]} == {
        "said": "rules", "claimed": "rules", "denied": "crf", "says": "rules"}  # fmt: skip
    found = web_client.get("/api/v1/search?q=talks Geneva").json()["items"]
    assert {c["cue"]: c["method"] for c in found}["denied"] == "crf"


# --- attributions and search -------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        pytest.param("speaker=Kabulov", 3, id="speaker by surname"),
        pytest.param("speaker=zamir%20kabulov", 3, id="speaker by full name in any case"),
        pytest.param("about=Geneva", 2, id="about an entity"),
        pytest.param("stance=denying", 1, id="one stance"),
        pytest.param("kind=headline", 1, id="one kind"),
        pytest.param("outlet=wikinews", 2, id="outlet in any case"),
        pytest.param("since=2024-06-01", 4, id="published since a day"),
        pytest.param("until=2024-05-31", 4, id="published until a day"),
        pytest.param("since=2024-06-20&until=2024-06-20", 2, id="a one-day range"),
        pytest.param("since=2024-08-01&until=2024-01-01", 0, id="an empty range"),
        pytest.param("q=Geneva", 2, id="words"),
        pytest.param("q=Geneva&stance=denying", 1, id="words and a stance"),
        pytest.param("speaker=Kabulov&stance=estimating&outlet=Example%20Times", 1, id="three filters"),
        pytest.param("speaker=Nobody%20Known", 0, id="an unknown speaker matches nothing"),
    ],
)  # fmt: skip
def test_api_attributions_filters(web_client: Any, query: str, expected: int) -> None:
    body = web_client.get(f"/api/v1/attributions?{query}&limit=100").json()
    assert body["total"] == expected == len(body["items"])


def test_api_attribution_filters_select_what_they_say(web_client: Any) -> None:
    def items(query: str) -> list[dict[str, Any]]:
        return list(web_client.get(f"/api/v1/attributions?{query}&limit=100").json()["items"])

    assert {c["speaker"] for c in items("speaker=Kabulov")} == {"Zamir Kabulov"}
    assert all("Geneva" in c["content"] for c in items("about=Geneva"))
    assert {c["outlet"] for c in items("outlet=wikinews")} == {"Wikinews"}
    assert all(c["published"] >= "2024-06-01" for c in items("since=2024-06-01"))
    assert all(c["published"] <= "2024-05-31" for c in items("until=2024-05-31"))
    hit = items("kind=headline")[0]
    assert hit["field"] == "title"


def test_api_attributions_link_to_their_place(web_client: Any) -> None:
    for claim in web_client.get("/api/v1/attributions?limit=100").json()["items"]:
        article = web_client.get(f"/api/v1/articles/{claim['article_id']}").json()
        assert claim["id"] in [a["id"] for a in article["attributions"]]
        assert field_of(article, claim["field"])[claim["start"] : claim["end"]] == claim["content"]


@pytest.mark.parametrize("query", ["", "?q=", "?q=%20%20"], ids=["no q", "empty q", "blank q"])
def test_api_search_without_words_lists_every_claim_newest_first(
    web_client: Any, query: str
) -> None:
    body = web_client.get(f"/api/v1/search{query}").json()
    assert body["query"] is None and body["total"] == 9
    dates = [c["published"] or "" for c in body["items"]]
    assert dates == sorted(dates, reverse=True)


def test_api_search_ranks_and_marks_the_words(web_client: Any) -> None:
    body = web_client.get("/api/v1/search?q=Geneva").json()
    assert body["query"] == "Geneva" and body["total"] == 2
    assert all("«Geneva»" in hit["snippet"] for hit in body["items"])
    assert all(hit["rank"] is not None for hit in body["items"])


def test_api_search_facets_count_the_matches(web_client: Any) -> None:
    body = web_client.get("/api/v1/search?q=talks").json()
    assert set(body["facets"]) == {"speaker", "outlet", "stance", "kind"}
    for name in ("stance", "kind", "outlet"):
        assert sum(v["count"] for v in body["facets"][name]) == body["total"]
    speakers = {v["value"]: v for v in body["facets"]["speaker"]}
    assert speakers["Zamir Kabulov"]["count"] == 1 and isinstance(
        speakers["Zamir Kabulov"]["id"], int
    )


def test_api_and_page_say_when_facets_count_only_the_newest_claims(
    web_client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from saywho.store import counts

    body = web_client.get("/api/v1/search?kind=indirect").json()
    assert (
        body["facets_counted"] is None
        and "facets-sampled" not in web_client.get("/search?kind=indirect").text
    )
    monkeypatch.setattr(counts, "FACET_BOUND", 2)
    body = web_client.get("/api/v1/search?kind=indirect").json()
    assert body["total"] > 2 and body["facets_counted"] == 2
    assert sum(v["count"] for v in body["facets"]["kind"]) == 2
    page = web_client.get("/search?kind=indirect").text
    assert 'id="facets-sampled"' in page and "among the 2 most recently stored" in page


@pytest.mark.parametrize(
    "q",
    [
        pytest.param("NEAR(", id="an unclosed NEAR"),
        pytest.param('Islamic "State', id="an unbalanced quote"),
        pytest.param("talk*", id="a prefix star"),
        pytest.param("'; DROP TABLE articles; --", id="an SQL injection attempt"),
        pytest.param("content:Geneva", id="a column filter"),
        pytest.param("AND OR NOT", id="bare operators"),
        pytest.param("(Geneva) ^talks", id="parentheses and a caret"),
        pytest.param("\u0000Geneva", id="a NUL character"),
    ],
)  # fmt: skip
def test_api_search_survives_fts_hostile_words(web_client: Any, q: str) -> None:
    response = web_client.get("/api/v1/search", params={"q": q})
    assert response.status_code in (200, 422), response.text
    if response.status_code == 422:
        assert_error(response, 422)
    assert web_client.get("/api/v1/articles").json()["total"] == 4


def test_api_search_treats_operators_as_words(web_client: Any) -> None:
    body = web_client.get("/api/v1/search", params={"q": "(Geneva) ^talks"}).json()
    assert body["total"] >= 1


# --- speakers, entities, overview --------------------------------------------------------


def test_api_speakers_most_quoted_first(web_client: Any) -> None:
    items = web_client.get("/api/v1/speakers").json()["items"]
    assert items[0]["name"] == "Zamir Kabulov" and items[0]["attributions"] == 3
    counts = [s["attributions"] for s in items]
    assert counts == sorted(counts, reverse=True)


def test_api_speaker_profile(web_client: Any, ids: dict[str, int]) -> None:
    body = web_client.get(f"/api/v1/speakers/{ids['Zamir Kabulov']}").json()
    assert body["name"] == "Zamir Kabulov" and body["attributions"] == 3
    assert body["by_stance"] == {"neutral": 1, "distancing": 1, "estimating": 1}
    assert [r["role"] for r in body["roles"]] == ["Russia's envoy"]
    buckets = body["timeline"]["buckets"]
    assert sum(sum(b["counts"].values()) for b in buckets) + body["timeline"]["undated"] == 3
    assert {e["id"] for e in body["entities"]} >= {"islamic state", "taliban", "moscow"}
    dates = [c["published"] for c in body["latest"]]
    assert dates == sorted(dates, reverse=True)


def test_api_entities_and_entity(web_client: Any) -> None:
    items = web_client.get("/api/v1/entities?limit=100").json()["items"]
    by_id = {e["id"]: e for e in items}
    assert by_id["geneva"]["claims"] == 2 and by_id["geneva"]["speakers"] == 2
    body = web_client.get("/api/v1/entities/geneva").json()
    assert body["name"] == "Geneva" and body["attributions"] == 2
    assert {s["name"] for s in body["speakers"]} == {"State Department", "Zabihullah Mujahid"}
    assert body["by_stance"] == {"denying": 1, "neutral": 1}
    assert web_client.get("/api/v1/entities/Geneva").json()["id"] == "geneva"


def test_api_overview_counts(web_client: Any) -> None:
    body = web_client.get("/api/v1/").json()
    assert body["counts"]["articles"] == 4 and body["counts"]["attributions"] == 9
    assert body["licences"] == ["From Wikinews, the free news source, CC BY 2.5."]
    assert len(body["articles"]) == 4


def test_api_openapi_lists_every_endpoint(web_client: Any) -> None:
    spec = web_client.get("/api/v1/openapi.json").json()
    paths = set(spec["paths"])
    assert paths >= {"/api/v1/", "/api/v1/articles", "/api/v1/articles/{article_id}",
                     "/api/v1/attributions", "/api/v1/speakers", "/api/v1/speakers/{speaker_id}",
                     "/api/v1/entities", "/api/v1/entities/{entity_id}", "/api/v1/search",
                     "/api/v1/analyze", "/api/v1/ingest"}  # fmt: skip
    assert not any(p.startswith(("/static", "/articles")) for p in paths)


def test_api_docs_page_uses_only_local_files(web_client: Any) -> None:
    page = web_client.get("/api/docs")
    assert page.status_code == 200
    assert "/static/vendor/swagger-ui/swagger-ui-bundle.js" in page.text
    assert "<script>" not in page.text and "http" not in page.text.replace("http-equiv", "")
    for asset in ("/static/vendor/swagger-ui/swagger-ui-bundle.js", "/static/swagger-init.js",
                  "/static/vendor/swagger-ui/swagger-ui.css"):  # fmt: skip
        assert web_client.get(asset).status_code == 200


@pytest.mark.parametrize(
    ("error", "status", "code"),
    [
        pytest.param(RuntimeError("boom"), 500, "internal_error", id="a bug is a 500 without details"),
        pytest.param(StoreError("cannot read the store (disk I/O error)"), 503, "store_unavailable",
                     id="a store failure is a 503"),
    ],
)  # fmt: skip
def test_api_server_errors_have_the_one_shape(
    make_client: Any, monkeypatch: pytest.MonkeyPatch, error: Exception, status: int, code: str
) -> None:
    def fail(*_args: Any, **_kwargs: Any) -> Any:
        raise error

    monkeypatch.setattr("saywho.store.browse.overview", fail)
    client = make_client(fill_store=False)
    client = type(client)(client.app, raise_server_exceptions=False)
    response = client.get("/api/v1/")
    assert assert_error(response, status)["code"] == code
    assert "boom" not in response.text
    page = client.get("/")
    assert page.status_code == status and page.headers["content-type"].startswith("text/html")
    assert page.headers["content-security-policy"] == CSP


def test_api_and_page_say_when_a_search_total_is_an_estimate(
    web_client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past `FACET_BOUND` passing claims a search with words (SQLite) estimates its total: the
    API says ``total_exact: false`` and keeps giving `next` while pages are full; the page says
    "about"."""
    from saywho.store import counts

    exact = web_client.get("/api/v1/search?q=the&limit=2").json()
    assert exact["total_exact"] is True and exact["total"] >= 5
    assert web_client.get("/api/v1/attributions?q=the").json()["total_exact"] is True
    assert 'data-exact="false"' not in web_client.get("/search?q=the").text
    monkeypatch.setattr(counts, "FACET_BOUND", 1)
    monkeypatch.setattr(counts, "SAMPLED", 1)  # every match past the newest is sampled
    body = web_client.get("/api/v1/search?q=the&limit=2").json()
    assert body["total_exact"] is False and body["next"] is not None
    listed = web_client.get("/api/v1/attributions?q=the&limit=2").json()
    assert (listed["total"], listed["total_exact"]) == (body["total"], False)
    page = web_client.get("/search?q=the").text
    assert 'data-exact="false"' in page and f">about {body['total']:,} claims" in page


def test_api_and_page_say_when_a_search_ranks_its_newest_matches_only(
    web_client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With `RANKED_MATCHES` lowered to 3, a search with words and no filter says how far it is
    ranked (`ranked`), gives no `next` past it, and the page says how to reach older matches; a
    filtered search ranks every match."""
    from saywho.store import query

    whole = web_client.get("/api/v1/search?q=the&limit=2").json()
    assert whole["ranked"] == 10_000 and whole["total"] >= 5 and whole["next"] is not None
    monkeypatch.setattr(query, "RANKED_MATCHES", 3)
    first = web_client.get("/api/v1/search?q=the&limit=2").json()
    assert first["ranked"] == 3 and first["next"] is not None and len(first["items"]) == 2
    last = web_client.get(first["next"]).json()
    assert last["next"] is None and len(last["items"]) == 1 and last["total"] == whole["total"]
    page = web_client.get("/search?q=the&limit=2").text
    assert 'id="ranked-window"' in page and "only the 3 most recently stored matches" in page
    stance = whole["items"][0]["stance"]
    filtered = web_client.get(f"/api/v1/search?q=the&limit=2&stance={stance}").json()
    assert filtered["ranked"] is None
    assert 'id="ranked-window"' not in web_client.get(f"/search?q=the&stance={stance}").text
