import gzip

import httpx
import pytest

from saywho.config import Settings
from saywho.errors import FetchError
from saywho.sources.http import fetch_url, non_public_kind

PUBLIC = "93.184.216.34"


def _public(host: str, port: int) -> list[str]:
    return [PUBLIC]


def _fetch(
    handler, settings: Settings | None = None, url: str = "https://news.example/a", resolve=_public
):  # type: ignore[no-untyped-def]
    return fetch_url(
        url, settings or Settings(), transport=httpx.MockTransport(handler), resolve=resolve
    )


def test_http_fetch_returns_body_type_charset_and_final_url() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/a":
            return httpx.Response(302, headers={"Location": "/b"})
        assert request.headers["User-Agent"].startswith("saywho/")
        return httpx.Response(
            200, headers={"Content-Type": "text/html; charset=windows-1251"}, content=b"<p>hi</p>"
        )

    raw = _fetch(handler)
    assert (raw.source, raw.container, raw.data) == ("https://news.example/a", "http", b"<p>hi</p>")
    assert (raw.media_type, raw.charset, raw.hints.url) == (
        "text/html",
        "windows-1251",
        "https://news.example/b",
    )


@pytest.mark.parametrize(
    ("handler", "settings", "message"),
    [
        pytest.param(
            lambda r: httpx.Response(302, headers={"Location": str(r.url)}),
            Settings(max_redirects=3),
            "more than 3 redirects",
            id="redirect loop stops at max_redirects",
        ),
        pytest.param(
            lambda r: httpx.Response(301, headers={"Location": "file:///etc/passwd"}),
            Settings(),
            "refused the file scheme",
            id="redirect to a non-http scheme is refused",
        ),
        pytest.param(
            lambda r: httpx.Response(200, content=b"x" * 5000),
            Settings(max_bytes=1000),
            "over the limit of 1,000 bytes",
            id="body over max_bytes is abandoned",
        ),
        pytest.param(
            lambda r: httpx.Response(
                200, headers={"Content-Encoding": "gzip"}, content=gzip.compress(b"x" * 50_000)
            ),
            Settings(max_bytes=1000),
            "over the limit of 1,000 bytes",
            id="compressed body is limited after decoding",
        ),
        pytest.param(
            lambda r: httpx.Response(404, content=b"no"),
            Settings(),
            "HTTP 404 Not Found",
            id="a 404 names its status",
        ),
        pytest.param(
            lambda r: httpx.Response(503),
            Settings(),
            "HTTP 503 Service Unavailable",
            id="a 503 names its status",
        ),
    ],
)
def test_http_fetch_failures_are_fetch_errors_naming_the_url(
    handler, settings: Settings, message: str
) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(FetchError) as info:
        _fetch(handler, settings)
    assert str(info.value).startswith("https://news.example/a: ") and message in str(info.value)
    assert "\n" not in str(info.value)


@pytest.mark.parametrize(
    ("exception", "message"),
    [
        pytest.param(
            httpx.ConnectTimeout("slow"), "timed out after 20 s", id="timeouts say how long"
        ),
        pytest.param(
            httpx.ConnectError("refused"),
            "cannot fetch (refused)",
            id="connection errors are mapped",
        ),
        pytest.param(
            httpx.RemoteProtocolError("bad"), "cannot fetch (bad)", id="protocol errors are mapped"
        ),
    ],
)
def test_http_transport_errors_become_fetch_errors(exception: Exception, message: str) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise exception

    with pytest.raises(FetchError, match=r"^https://news\.example/a: ") as info:
        _fetch(handler)
    assert message in str(info.value)


def test_http_redirect_to_a_private_address_is_refused() -> None:
    def resolve(host: str, port: int) -> list[str]:
        return ["10.0.0.5"] if host == "intranet.example" else [PUBLIC]

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(302, headers={"Location": "http://intranet.example/admin"})

    with pytest.raises(FetchError) as info:
        _fetch(handler, resolve=resolve)
    assert "a private address 10.0.0.5" in str(info.value)
    assert "redirected to http://intranet.example/admin" in str(info.value)
    assert "--allow-private" in str(info.value)


def test_http_unresolvable_host_is_a_fetch_error() -> None:
    def resolve(host: str, port: int) -> list[str]:
        raise OSError("Name or service not known")

    with pytest.raises(FetchError, match=r"cannot resolve news\.example"):
        _fetch(lambda r: httpx.Response(200), resolve=resolve)


@pytest.mark.parametrize(
    ("address", "kind"),
    [
        pytest.param("127.0.0.1", "a loopback", id="IPv4 loopback"),
        pytest.param("::1", "a loopback", id="IPv6 loopback"),
        pytest.param("::ffff:127.0.0.1", "a loopback", id="IPv4-mapped loopback"),
        pytest.param("10.1.2.3", "a private", id="RFC 1918 private"),
        pytest.param("192.168.0.1", "a private", id="home router private"),
        pytest.param("169.254.169.254", "a link-local", id="cloud metadata link-local"),
        pytest.param("fe80::1%eth0", "a link-local", id="IPv6 link-local with zone"),
        pytest.param("224.0.0.1", "a multicast", id="multicast"),
        pytest.param("0.0.0.0", "an unspecified", id="unspecified"),
        pytest.param("100.64.0.1", "a non-public", id="carrier-grade NAT"),
        pytest.param("240.0.0.1", "a private", id="reserved class E"),
        pytest.param(PUBLIC, None, id="a public address is allowed"),
        pytest.param(
            "2606:2800:220:1:248:1893:25c8:1946", None, id="a public IPv6 address is allowed"
        ),
    ],
)
def test_http_non_public_addresses_are_named(address: str, kind: str | None) -> None:
    assert non_public_kind(address) == kind


def test_http_connects_to_the_checked_address_not_to_a_second_answer(
    http_server, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    """DNS rebinding: the check is answered one address, the connection would be answered another
    if the name were resolved again. The fetch reaches the checked address (the local test server,
    let through as if public) and never asks the system resolver."""
    import socket

    from saywho.sources import http as http_module

    base = http_server({"/a": (200, {"Content-Type": "text/html"}, b"<p>pinned</p>")})
    port = int(base.rsplit(":", 1)[1])
    seen: list[str] = []
    real = socket.getaddrinfo

    def rebinding(host: str, *args: object, **kwargs: object) -> list[object]:
        if host[:1].isdigit():  # an address, as the connection passes it: no DNS involved
            return real(host, *args, **kwargs)  # type: ignore[arg-type]
        seen.append(host)  # a second resolution would land on an address nothing listens on
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.255.255.1", port))]

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    monkeypatch.setattr(http_module, "non_public_kind", lambda address: None)
    checked: list[str] = []

    def first_answer(host: str, p: int) -> list[str]:
        checked.append(host)
        return ["127.0.0.1"]

    raw = fetch_url(f"http://news.example:{port}/a", Settings(timeout=3), resolve=first_answer)
    assert raw.data == b"<p>pinned</p>" and checked == ["news.example"] and seen == []


def test_http_pinned_backend_refuses_a_host_it_did_not_check() -> None:
    import httpcore

    from saywho.sources.http import _PinnedBackend

    backend = _PinnedBackend()
    backend.pin("news.example", 80, ["93.184.216.34"])
    with pytest.raises(httpcore.ConnectError, match=r"other\.example:80 was not checked"):
        backend.connect_tcp("other.example", 80, timeout=1)
