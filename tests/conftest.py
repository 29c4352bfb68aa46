"""Shared fixtures: a small news page, WARC files built in memory, a local HTTP server."""

from __future__ import annotations

import io
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from saywho.config import Settings

BODY = "The minister said the talks would resume on Monday in Geneva, officials confirmed. "
ARTICLE_HTML = (
    "<!DOCTYPE html><html><head><title>Talks to resume</title></head><body><article>"
    "<h1>Talks to resume</h1>" + f"<p>{BODY * 3}</p>" * 3 + "</article></body></html>"
).encode()

# (status line, headers, body) for each path the test server answers
Route = tuple[int, dict[str, str], bytes]


@pytest.fixture
def settings() -> Settings:
    """Settings for tests: no language model, so tests stay fast and offline."""
    return Settings(detect_language=False)


@pytest.fixture
def article_html() -> bytes:
    """A small news page that extracts to three paragraphs titled "Talks to resume"."""
    return ARTICLE_HTML


@pytest.fixture
def make_warc() -> Callable[..., bytes]:
    """Build a WARC in memory: ``make_warc([(url, content_type, body, status), …], gzip=True)``."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    def build(records: list[tuple[str, str, bytes, str]], gzip: bool = True) -> bytes:
        buffer = io.BytesIO()
        writer = WARCWriter(buffer, gzip=gzip)
        for url, content_type, body, status in records:
            headers = StatusAndHeaders(
                status, [("Content-Type", content_type)], protocol="HTTP/1.1"
            )
            record = writer.create_warc_record(
                url, "response", payload=io.BytesIO(body), http_headers=headers
            )
            writer.write_record(record)
        return buffer.getvalue()

    return build


@pytest.fixture
def no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    """Unset proxy variables, which would send requests for the local test server away."""
    for name in (
        "HTTP_PROXY",
        "HTTPS_PROXY",
        "ALL_PROXY",
        "http_proxy",
        "https_proxy",
        "all_proxy",
    ):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def http_server(no_proxy: None) -> Iterator[Callable[[dict[str, Route]], str]]:
    """Serve `routes` on 127.0.0.1 from a thread; returns the base URL (``http://127.0.0.1:port``)."""
    servers: list[ThreadingHTTPServer] = []

    def start(routes: dict[str, Route]) -> str:
        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                status, headers, body = routes.get(self.path, (404, {}, b"not found"))
                self.send_response(status)
                for key, value in headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                pass  # keep test output clean

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        servers.append(server)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        return f"http://127.0.0.1:{server.server_address[1]}"

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()
