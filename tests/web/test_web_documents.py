"""POST /analyze (the `saywho analyze` object, nothing stored) and POST /ingest (token-guarded),
the analyse page, and the request-size limit. These run the real analysis (spaCy)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import lxml.html
import pytest
from typer.testing import CliRunner

from saywho.cli import app as cli_app
from saywho.config import Settings

SAMPLE = Path(__file__).resolve().parents[2] / "src/saywho/data/demo/rt-2023-01-20-us-isis.txt"
ENV = {"SAYWHO_DETECT_LANGUAGE": "0"}
SETTINGS = Settings(detect_language=False)


def assert_error(response: Any, status: int) -> str:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"status", "code", "message"}
    assert body["error"]["status"] == status
    return str(body["error"]["message"])


def cli_analyze(*args: str, input: bytes | None = None) -> dict[str, Any]:
    result = CliRunner().invoke(
        cli_app, ["analyze", "--format", "json", *args], env=ENV, input=input
    )
    assert result.exit_code == 0, result.output
    objects = json.loads(result.stdout)
    assert len(objects) == 1
    return dict(objects[0])


@pytest.fixture(scope="module")
def empty_client(tmp_path_factory: pytest.TempPathFactory) -> Any:
    from fastapi.testclient import TestClient

    from saywho.web import create_app

    db = str(tmp_path_factory.mktemp("docs") / "saywho.db")
    with TestClient(create_app(SETTINGS, db=db)) as client:
        yield client


def test_documents_analyze_text_is_the_cli_object(empty_client: Any) -> None:
    text = SAMPLE.read_text(encoding="utf-8")
    response = empty_client.post("/api/v1/analyze", json={"text": text})
    assert response.status_code == 200, response.text
    expected = cli_analyze("-", input=text.encode())
    assert response.json() == expected
    assert list(response.json()) == list(expected)
    assert len(expected["attributions"]) >= 5
    assert empty_client.get("/api/v1/articles").json()["total"] == 0  # nothing stored


def test_documents_analyze_html_is_the_cli_object(empty_client: Any, article_html: bytes) -> None:
    response = empty_client.post("/api/v1/analyze", json={"html": article_html.decode()})
    assert response.status_code == 200, response.text
    assert response.json() == cli_analyze("-", input=article_html)
    assert response.json()["title"] == "Talks to resume"


def test_documents_analyze_url_refuses_loopback(empty_client: Any, http_server: Callable[..., str],
                                                article_html: bytes) -> None:  # fmt: skip
    base = http_server({"/a": (200, {"Content-Type": "text/html"}, article_html)})
    message = assert_error(empty_client.post("/api/v1/analyze", json={"url": f"{base}/a"}), 422)
    assert "allow" in message.lower() and base in message


def test_documents_analyze_url_when_private_addresses_are_allowed(
    make_client: Callable[..., Any], http_server: Callable[..., str], article_html: bytes
) -> None:
    base = http_server({"/a": (200, {"Content-Type": "text/html"}, article_html)})
    client = make_client(Settings(detect_language=False, allow_private=True), fill_store=False)
    response = client.post("/api/v1/analyze", json={"url": f"{base}/a"})
    assert response.status_code == 200, response.text
    assert response.json() == cli_analyze("--allow-private", f"{base}/a")


@pytest.mark.parametrize(
    ("body", "status"),
    [
        pytest.param({}, 422, id="no input"),
        pytest.param({"text": "a", "url": "https://example.org/"}, 422, id="two inputs"),
        pytest.param({"text": "   "}, 422, id="blank text"),
        pytest.param({"url": "/etc/passwd"}, 422, id="a file path is not a URL"),
        pytest.param({"url": "file:///etc/passwd"}, 422, id="a file URL"),
        pytest.param({"text": "x", "extra": 1}, 422, id="an unknown key"),
        pytest.param({"text": 5}, 422, id="text that is not a string"),
    ],
)  # fmt: skip
def test_documents_analyze_bad_input(empty_client: Any, body: dict[str, Any], status: int) -> None:
    assert_error(empty_client.post("/api/v1/analyze", json=body), status)


def test_documents_analyze_bad_json(empty_client: Any) -> None:
    response = empty_client.post("/api/v1/analyze", content=b"{not json",
                                 headers={"content-type": "application/json"})  # fmt: skip
    assert_error(response, 422)


def test_documents_request_body_limit(make_client: Callable[..., Any]) -> None:
    client = make_client(Settings(detect_language=False, max_request_bytes=1000), fill_store=False)
    big = {"text": "x" * 2000}
    assert "1000 bytes" in assert_error(client.post("/api/v1/analyze", json=big), 413)

    def chunks() -> Any:  # no Content-Length: the limit counts what streams in
        for _ in range(5):
            yield b"y" * 400

    assert_error(client.post("/api/v1/analyze", content=chunks(),
                             headers={"content-type": "application/json"}), 413)  # fmt: skip
    page = client.post("/analyze", data={"text": "z" * 2000})
    assert page.status_code == 413


def test_documents_analyze_page_highlights_without_storing(empty_client: Any) -> None:
    text = SAMPLE.read_text(encoding="utf-8")
    response = empty_client.post("/analyze", data={"text": text, "html": "", "url": ""})
    assert response.status_code == 200
    tree = lxml.html.fromstring(response.text)
    analysis = cli_analyze("-", input=text.encode())
    spans = tree.xpath("//span[contains(@class, 'sw ')][@data-attribution]")
    assert {s.get("data-attribution") for s in spans} == {a["id"] for a in analysis["attributions"]}
    for span in spans:
        field = analysis[span.get("data-field")] or ""
        assert field[int(span.get("data-start")) : int(span.get("data-end"))] == span.text_content()
    assert tree.xpath("//h1[@id='article-title']") and tree.xpath("//div[@id='article-text']/p")
    assert len(tree.xpath("//ol[@id='attributions']/li")) == len(analysis["attributions"])
    assert tree.xpath("//form[@id='analyze-form'][@method='post'][@action='/analyze']")
    assert empty_client.get("/api/v1/articles").json()["total"] == 0


def test_documents_analyze_page_escapes_input_and_reports_errors(empty_client: Any) -> None:
    hostile = "<script>alert(1)</script> the minister said <img src=x onerror=alert(1)>."
    response = empty_client.post("/analyze", data={"text": hostile})
    assert response.status_code in (200, 422)
    assert "<script>alert" not in response.text and "<img" not in response.text
    both = empty_client.post("/analyze", data={"text": "a", "url": "https://example.org/"})
    assert both.status_code == 422
    assert (
        "exactly one" in lxml.html.fromstring(both.text).xpath("//p[@id='error']")[0].text_content()
    )
    refused = empty_client.post("/analyze", data={"url": "http://127.0.0.1:9/x"})
    assert refused.status_code == 422
    assert "allow" in refused.text


@pytest.mark.parametrize(
    ("token", "header", "status"),
    [
        pytest.param(None, "Bearer anything", 403, id="no token configured disables ingest"),
        pytest.param("s3cret", None, 401, id="a missing header"),
        pytest.param("s3cret", "Bearer wrong", 401, id="a wrong token"),
        pytest.param("s3cret", "Basic s3cret", 401, id="another scheme"),
        pytest.param("s3cret", "Bearer s3cret-and-more", 401, id="a longer token"),
        pytest.param("s3cret", "Bearer ", 401, id="an empty bearer token"),
    ],
)  # fmt: skip
def test_documents_ingest_token_cases(make_client: Callable[..., Any], token: str | None,
                                      header: str | None, status: int) -> None:  # fmt: skip
    client = make_client(Settings(detect_language=False, api_token=token), fill_store=False)
    headers = {"authorization": header} if header else {}
    message = assert_error(
        client.post("/api/v1/ingest", json={"text": "He said no."}, headers=headers), status
    )
    assert ("disabled" in message) == (status == 403)
    assert client.get("/api/v1/articles").json()["total"] == 0


def test_documents_ingest_stores_and_then_skips(make_client: Callable[..., Any]) -> None:
    client = make_client(Settings(detect_language=False, api_token="s3cret"), fill_store=False)
    headers = {"authorization": "Bearer s3cret"}
    text = SAMPLE.read_text(encoding="utf-8")
    first = client.post("/api/v1/ingest", json={"text": text, "source": "pasted"}, headers=headers)
    assert first.status_code == 201, first.text
    assert first.json()["status"] == "stored"
    article = client.get(f"/api/v1/articles/{first.json()['id']}").json()
    assert (
        article["title"] == "US covertly sponsoring ISIS \u2013 Moscow"
        and article["source"] == "pasted"
    )
    assert len(article["attributions"]) >= 5
    again = client.post("/api/v1/ingest", json={"text": text}, headers=headers)
    assert again.json() == {"id": first.json()["id"], "status": "skipped"}


def test_documents_ingest_bad_document_is_422(make_client: Callable[..., Any]) -> None:
    client = make_client(Settings(detect_language=False, api_token="t"), fill_store=False)
    response = client.post("/api/v1/ingest", json={"html": "<html><body></body></html>"},
                           headers={"authorization": "Bearer t"})  # fmt: skip
    assert_error(response, 422)
