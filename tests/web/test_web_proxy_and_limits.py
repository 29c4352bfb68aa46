"""The server behind a proxy and under load: --root-path links, a bounded queue (503 with
Retry-After past it), and cached static files and OpenAPI (ETag, Cache-Control, 304)."""

from __future__ import annotations

import asyncio
import re
import socket
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from saywho.cli import app as cli_app
from saywho.config import Settings

ENV = {"SAYWHO_DETECT_LANGUAGE": "0"}


def test_root_path_prefixes_page_links_and_next_urls(web_db: str) -> None:
    from fastapi.testclient import TestClient

    from saywho.web import create_app

    with TestClient(
        create_app(Settings(detect_language=False), db=web_db), root_path="/saywho"
    ) as client:
        page = client.get("/saywho/api/v1/articles", params={"limit": 1}).json()
        assert page["next"] and "/saywho/api/v1/articles?" in page["next"]
        html = client.get("/saywho/articles", params={"limit": 1}).text
        links = re.findall(r'(?:href|src|action)="([^"]*)"', html)
        local = [link for link in links if not link.startswith(("http:", "https:", "#"))]
        assert local and all(link.startswith("/saywho/") for link in local), local
        docs = client.get("/saywho/api/docs").text
        assert 'data-openapi-url="/saywho/api/v1/openapi.json"' in docs
    with TestClient(create_app(Settings(detect_language=False), db=web_db)) as client:
        html = client.get("/articles", params={"limit": 1}).text
        assert 'href="/static/saywho.css"' in html and 'href="/saywho/' not in html


def test_serve_root_path_reaches_uvicorn_and_bad_ones_are_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import uvicorn

    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(uvicorn, "run", lambda target, **kw: calls.append(kw))
    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]
    db = str(tmp_path / "p.db")
    args = [
        "serve",
        "--db",
        db,
        "--port",
        str(port),
        "--root-path",
        "/saywho",
        "--forwarded-allow-ips",
        "10.0.0.1",
    ]
    result = CliRunner().invoke(cli_app, args, env=ENV)
    assert result.exit_code == 0, result.stderr
    assert (calls[0]["root_path"], calls[0]["proxy_headers"], calls[0]["forwarded_allow_ips"]) == (
        "/saywho",
        True,
        "10.0.0.1",
    )
    for bad in ("saywho", "/saywho/", "/a?b"):
        refused = CliRunner().invoke(cli_app, ["serve", "--db", db, "--root-path", bad], env=ENV)
        assert (
            refused.exit_code == 2
            and "--root-path" in refused.stderr
            and len(refused.stderr.strip().splitlines()) == 1
        )


def test_static_files_and_openapi_are_cached_and_revalidated(web_client: Any) -> None:
    css = web_client.get("/static/saywho.css")
    assert (
        css.status_code == 200
        and "max-age" in css.headers["cache-control"]
        and css.headers.get("etag")
    )
    again = web_client.get("/static/saywho.css", headers={"If-None-Match": css.headers["etag"]})
    assert again.status_code == 304 and not again.content
    spec = web_client.get("/api/v1/openapi.json")
    assert (
        spec.status_code == 200
        and spec.json()["openapi"]
        and "max-age" in spec.headers["cache-control"]
    )
    etag = spec.headers["etag"]
    assert web_client.get("/api/v1/openapi.json").headers["etag"] == etag  # the same document
    cached = web_client.get("/api/v1/openapi.json", headers={"If-None-Match": etag})
    assert cached.status_code == 304 and not cached.content
    changed = web_client.get("/api/v1/openapi.json", headers={"If-None-Match": '"something-else"'})
    assert changed.status_code == 200 and changed.json() == spec.json()


def test_bounded_queue_refuses_past_the_limit_with_retry_after() -> None:
    """Three requests held in progress fill a limit of three; the fourth is refused at once
    (503, Retry-After, the one error shape), /healthz still answers, and once one finishes the
    next is let in."""
    from saywho.web.app import _Admission

    release = asyncio.Event()
    started: list[str] = []

    async def slow_app(scope: Any, receive: Any, send: Any) -> None:
        started.append(scope["path"])
        if scope["path"] != "/healthz":
            await release.wait()
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})

    gate = _Admission(slow_app, limit=3)

    async def call(path: str) -> tuple[int, dict[bytes, bytes], bytes]:
        sent: list[Any] = []

        async def receive() -> dict[str, Any]:
            return {"type": "http.request", "body": b"", "more_body": False}

        async def send(message: Any) -> None:
            sent.append(message)

        await gate({"type": "http", "path": path, "headers": [], "method": "GET"}, receive, send)
        return (
            sent[0]["status"],
            dict(sent[0]["headers"]),
            b"".join(m.get("body", b"") for m in sent[1:]),
        )

    async def scenario() -> None:
        held = [asyncio.create_task(call(f"/api/v1/search?q={n}")) for n in range(3)]
        await asyncio.sleep(0.01)
        status, headers, body = await asyncio.wait_for(call("/api/v1/search?q=late"), 1)
        assert status == 503 and headers[b"retry-after"] == b"1"
        assert b'"code":"busy"' in body.replace(b" ", b"")
        assert (await asyncio.wait_for(call("/healthz"), 1))[0] == 200
        release.set()
        assert [s for s, _, _ in await asyncio.gather(*held)] == [200, 200, 200]
        assert (await call("/api/v1/search?q=after"))[0] == 200
        assert gate.active == 0

    # in a thread of its own: earlier tests (the browser's sync API) can leave an event loop running here
    with ThreadPoolExecutor(1) as thread:
        thread.submit(asyncio.run, scenario()).result()


def test_queue_setting_reads_from_the_environment() -> None:
    assert Settings.from_env({"SAYWHO_QUEUE": "10"}).queue == 10
    assert Settings().queue == 62 and Settings().threads == 2


def test_an_api_request_goes_to_the_thread_pool_once(
    web_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """FastAPI validates a plain function endpoint's answer in the thread pool, a second wait
    for a thread under load; the API's endpoints are coroutines that run their work there once
    (`api.OneTripRouter`), so the answer is validated in the event loop."""
    import inspect

    import fastapi.routing
    from fastapi.testclient import TestClient

    from saywho.web import api, create_app

    assert all(
        inspect.iscoroutinefunction(r.endpoint) for r in [*api.router.routes, *api.health.routes]
    )  # type: ignore[attr-defined]
    trips: list[str] = []

    def counting(where: str, real: Any) -> Any:
        async def run(func: Any, *args: Any, **kwargs: Any) -> Any:
            trips.append(where)
            return await real(func, *args, **kwargs)

        return run

    monkeypatch.setattr(
        fastapi.routing, "run_in_threadpool", counting("fastapi", fastapi.routing.run_in_threadpool)
    )
    monkeypatch.setattr(api, "run_in_threadpool", counting("saywho", api.run_in_threadpool))
    with TestClient(create_app(Settings(detect_language=False), db=web_db)) as client:
        answer = client.get("/api/v1/search", params={"q": "talks", "limit": 2})
    assert answer.status_code == 200 and answer.json()["items"]
    assert trips == ["saywho"]
