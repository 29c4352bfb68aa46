"""Fetching http(s) URLs with httpx, defensively: the user may point saywho at anything.

- only ``http`` and ``https``;
- every host (the first and each redirect target) is resolved and refused when any address is
  loopback, private, link-local, multicast, reserved or otherwise not public, unless
  `Settings.allow_private`;
- the connection goes to an address that check approved, never to a second answer for the
  name (`_PinnedBackend`: a DNS server that answers a public address to the check and a private
  one to the connect — DNS rebinding — gets nowhere), unless a proxy from the environment does
  the connecting;
- redirects are followed by hand, at most `Settings.max_redirects`;
- `Settings.timeout` bounds each connect and read, and the whole fetch may take at most
  ``_TOTAL_TIMEOUTS`` times that, so a server dripping bytes cannot hold a batch forever;
- the body is streamed and abandoned once it passes `Settings.max_bytes` (after decoding).

Every httpx and socket error becomes a `FetchError` naming the URL.
"""

from __future__ import annotations

import ipaddress
import socket
import time
import urllib.request
from collections.abc import Callable, Iterable
from typing import Any

import httpcore
import httpx

from ..config import Settings
from ..errors import FetchError
from ..model import Hints, RawDocument
from .limits import LIMIT_REMEDY, size_text
from .sniff import parse_content_type

_SCHEMES = frozenset({"http", "https"})
_TOTAL_TIMEOUTS = 5
_PRIVATE_REMEDY = "pass --allow-private (or set SAYWHO_ALLOW_PRIVATE=1) if you trust it"

Resolver = Callable[[str, int], list[str]]


def fetch_url(
    url: str,
    settings: Settings,
    *,
    transport: httpx.BaseTransport | None = None,
    resolve: Resolver | None = None,
) -> RawDocument:
    """GET `url` and return its body as a `RawDocument` (source: `url`, hints.url: final URL).

    `transport` and `resolve` are seams for tests (an `httpx.MockTransport`, a fake resolver).
    """
    resolve = resolve or resolve_host
    deadline = time.monotonic() + settings.timeout * _TOTAL_TIMEOUTS
    pinned = _PinnedBackend()
    if transport is None and not settings.allow_private and not _proxied(url):
        transport = _PinnedTransport(pinned)
    try:
        with httpx.Client(
            transport=transport,
            follow_redirects=False,
            timeout=settings.timeout,
            headers={"User-Agent": settings.user_agent},
        ) as client:
            return _fetch(client, url, settings, resolve, deadline, pinned)
    except FetchError:
        raise
    except httpx.TimeoutException as exc:
        raise FetchError(
            f"timed out after {settings.timeout:g} s",
            input=url,
            remedy="try again or raise --timeout",
        ) from exc
    except httpx.TooManyRedirects as exc:  # pragma: no cover - we follow redirects ourselves
        raise FetchError("too many redirects", input=url) from exc
    except (httpx.HTTPError, httpx.InvalidURL, httpx.StreamError) as exc:
        raise FetchError(f"cannot fetch ({_describe(exc)})", input=url) from exc
    except (OSError, UnicodeError) as exc:  # socket errors; IDNA-encoding a bad host name
        raise FetchError(f"cannot fetch ({_describe(exc)})", input=url) from exc


def _fetch(
    client: httpx.Client,
    url: str,
    settings: Settings,
    resolve: Resolver,
    deadline: float,
    pinned: _PinnedBackend,
) -> RawDocument:
    current = httpx.URL(url)
    for hop in range(settings.max_redirects + 1):
        addresses = _check_target(current, url, settings, resolve)
        if addresses:
            pinned.pin(
                current.host, current.port or (443 if current.scheme == "https" else 80), addresses
            )
        with client.stream("GET", current) as response:
            if response.is_redirect:  # a 3xx with a Location
                current = current.join(response.headers["Location"])
                continue
            if not 200 <= response.status_code < 300:
                raise FetchError(
                    f"HTTP {response.status_code} {response.reason_phrase}".rstrip(),
                    input=url,
                    remedy=None if hop == 0 else f"after redirects to {current}",
                )
            data = _read_body(response, url, settings.max_bytes, deadline, settings.timeout)
            media_type, charset = parse_content_type(response.headers.get("Content-Type"))
            return RawDocument(
                source=url,
                data=data,
                container="http",
                media_type=media_type,
                charset=charset,
                hints=Hints(url=str(current)),
            )
    raise FetchError(
        f"more than {settings.max_redirects} redirects",
        input=url,
        remedy="the server may be redirecting in a loop",
    )


def _read_body(
    response: httpx.Response, url: str, limit: int, deadline: float, timeout: float
) -> bytes:
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > limit and "Content-Encoding" not in response.headers:
        raise _too_big(url, limit)
    body = bytearray()
    for chunk in response.iter_bytes():
        body += chunk
        if len(body) > limit:
            raise _too_big(url, limit)
        if time.monotonic() > deadline:
            raise FetchError(
                f"the download took over {timeout * _TOTAL_TIMEOUTS:g} s",
                input=url,
                remedy="try again later",
            )
    return bytes(body)


def _too_big(url: str, limit: int) -> FetchError:
    return FetchError(
        f"the response is over the limit of {size_text(limit)}", input=url, remedy=LIMIT_REMEDY
    )


def _check_target(target: httpx.URL, url: str, settings: Settings, resolve: Resolver) -> list[str]:
    """The addresses `target`'s host resolves to, all public (none checked, and an empty list,
    with `Settings.allow_private`); a `FetchError` for anything refused."""
    where = "" if str(target) == url else f" (redirected to {target})"
    if target.scheme not in _SCHEMES:
        raise FetchError(
            f"refused the {target.scheme or 'missing'} scheme{where}",
            input=url,
            remedy="only http and https URLs are fetched",
        )
    host = target.host
    if not host:
        raise FetchError(f"the URL has no host{where}", input=url)
    if settings.allow_private:
        return []
    port = target.port or (443 if target.scheme == "https" else 80)
    try:
        addresses = resolve(host, port)
    except OSError as exc:
        raise FetchError(f"cannot resolve {host} ({_describe(exc)}){where}", input=url) from exc
    if not addresses:
        raise FetchError(f"{host} has no addresses{where}", input=url)
    for address in addresses:
        kind = non_public_kind(address)
        if kind is not None:
            raise FetchError(
                f"refused: {host} resolves to {kind} address {address}{where}",
                input=url,
                remedy=_PRIVATE_REMEDY,
            )
    return addresses


class _PinnedBackend(httpcore.SyncBackend):
    """httpcore's socket backend, connecting each (host, port) only to the addresses
    `_check_target` approved for it: the name is never resolved a second time."""

    def __init__(self) -> None:
        super().__init__()
        self._addresses: dict[tuple[str, int], list[str]] = {}

    def pin(self, host: str, port: int, addresses: list[str]) -> None:
        self._addresses[(host, port)] = list(addresses)

    def connect_tcp(
        self, host: str, port: int, timeout: float | None = None, local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:  # fmt: skip
        addresses = self._addresses.get((host, port))
        if not addresses:  # (a connection `_fetch` did not check: never made)
            raise httpcore.ConnectError(f"{host}:{port} was not checked before connecting")
        error: httpcore.ConnectError | None = None
        for address in addresses:
            try:
                return super().connect_tcp(address, port, timeout, local_address, socket_options)
            except httpcore.ConnectError as exc:
                error = exc
        assert error is not None
        raise error


class _PinnedTransport(httpx.HTTPTransport):
    """httpx's transport over a connection pool that connects through `_PinnedBackend` (TLS
    still verifies the certificate against the URL's host name). httpx has no parameter for the
    pool's network backend, so the pool it builds is replaced by one that has it."""

    def __init__(self, backend: _PinnedBackend) -> None:
        super().__init__(trust_env=False)
        self._pool = httpcore.ConnectionPool(ssl_context=httpx.create_ssl_context(),
                                             network_backend=backend)  # fmt: skip


def _proxied(url: str) -> bool:
    """Whether a proxy from the environment (HTTP_PROXY, HTTPS_PROXY, NO_PROXY) will carry
    requests to `url`: then the proxy connects, and resolves the name itself."""
    target = httpx.URL(url)
    proxies = urllib.request.getproxies()
    if not (proxies.get(target.scheme) or proxies.get("all")):
        return False
    return not urllib.request.proxy_bypass(target.host or "")


def resolve_host(host: str, port: int) -> list[str]:
    """Every address `host` resolves to (IPv4 and IPv6), as strings."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def non_public_kind(address: str) -> str | None:
    """Why `address` is not a public one ("a loopback", "a private", …), or None if it is.

    >>> non_public_kind("127.0.0.1"), non_public_kind("93.184.216.34")
    ('a loopback', None)
    """
    try:
        ip: Any = ipaddress.ip_address(address.split("%", 1)[0])  # drop an IPv6 zone id
    except ValueError:
        return "an unparseable"
    mapped = getattr(ip, "ipv4_mapped", None) or getattr(ip, "sixtofour", None)
    if mapped is not None:
        ip = mapped  # ::ffff:127.0.0.1 reaches 127.0.0.1
    for attribute, kind in (
        ("is_loopback", "a loopback"),
        ("is_link_local", "a link-local"),
        ("is_multicast", "a multicast"),
        ("is_unspecified", "an unspecified"),
        ("is_private", "a private"),
        ("is_reserved", "a reserved"),
    ):
        if getattr(ip, attribute):
            return kind
    if not ip.is_global:
        return "a non-public"
    return None


def _describe(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= 160 else text[:157] + "..."
