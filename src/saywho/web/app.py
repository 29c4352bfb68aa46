"""The application factory: settings and store in, a FastAPI app out (nothing built at import).

    app = create_app(Settings.from_env(), db="saywho.db")

Around the routes: security headers (a strict Content-Security-Policy: no inline script or
style, nothing from other origins) on every response, a request-body limit (413), and one
error shape for every API error, ``{"error": {"status", "code", "message"}}``; HTML pages get
the same errors as a page.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Awaitable, Callable, MutableMapping
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from ..config import Settings
from ..errors import SaywhoError
from .api import health
from .api import router as api_router
from .common import HERE, SECURITY_HEADERS, ApiError, error_body, status_of
from .docs import router as docs_router
from .pages import error_page
from .pages import router as pages_router

log = logging.getLogger("saywho.web")

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


def create_app(settings: Settings | None = None, *, db: str | None = None) -> FastAPI:
    """The saywho web app over the store `db` (default: ``settings.db``)."""
    from ..store import open_store

    settings = (settings or Settings.from_env()).with_overrides(db=db)
    # one connection per request thread: a request reads with one connection at a time (never
    # holding one while it waits for another), so no thread waits for a connection
    engine = open_store(settings.db, create=True, pool_size=settings.threads)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> Any:
        import anyio.to_thread

        # the threads sync routes run in (anyio's default: 40), as many as the connections
        anyio.to_thread.current_default_thread_limiter().total_tokens = settings.threads
        yield
        engine.dispose()

    app = FastAPI(
        title="saywho", version=_version(), lifespan=lifespan,
        description="Who claimed what, about whom, when: the attributions saywho found in news.",
        openapi_url="/api/v1/openapi.json", docs_url=None, redoc_url=None,
    )  # fmt: skip
    app.state.settings = settings
    app.state.engine = engine
    app.include_router(api_router)
    app.include_router(health)
    app.include_router(docs_router)
    app.include_router(pages_router)
    app.mount("/static", _CachedStatic(directory=HERE / "static"), name="static")
    _add_error_handlers(app)
    app.add_middleware(_SecurityHeaders)
    app.add_middleware(_BodyLimit, limit=settings.max_request_bytes)
    app.add_middleware(_CachedOpenAPI, path=app.openapi_url or "")
    # outermost: a request past the queue is refused before anything else is done for it
    app.add_middleware(_Admission, limit=settings.threads + settings.queue)
    return app


def _version() -> str:
    from ..version import __version__

    return __version__


def _wants_html(request: Request) -> bool:
    path = request.url.path
    return not (path.startswith("/api/") or path.startswith("/static/"))


def _error_response(request: Request, status: int, message: str, code: str | None = None,
                    headers: dict[str, str] | None = None) -> Response:  # fmt: skip
    # the security headers here too: a 500 leaves through Starlette's outermost error
    # middleware, past `_SecurityHeaders`
    headers = {**SECURITY_HEADERS, **(headers or {})}
    if _wants_html(request):
        return error_page(request, status, message, headers)
    return JSONResponse(error_body(status, message, code), status_code=status, headers=headers)


def _add_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def api_error(request: Request, exc: ApiError) -> Response:
        headers = {"www-authenticate": "Bearer"} if exc.status == 401 else None
        return _error_response(request, exc.status, exc.message, exc.code, headers)

    @app.exception_handler(SaywhoError)
    async def saywho_error(request: Request, exc: SaywhoError) -> Response:
        status = status_of(exc)
        if status >= 500:
            log.error("%s", exc)
        return _error_response(request, status, str(exc))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        messages = {404: f"nothing at {request.url.path} (see /api/docs)",
                    405: f"{request.method} is not allowed on {request.url.path}"}  # fmt: skip
        message = messages.get(exc.status_code, str(exc.detail))
        return _error_response(request, exc.status_code, message,
                               headers=dict(exc.headers or {}) or None)  # fmt: skip

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        return _error_response(request, 422, _describe(exc.errors()))

    @app.exception_handler(Exception)
    async def crashed(request: Request, exc: Exception) -> Response:
        log.exception("unexpected error on %s", request.url.path)
        return _error_response(request, 500, "internal error (see the server log)")


def _describe(errors: Any) -> str:
    """The first validation problem in one line: where and what."""
    parts = []
    for err in list(errors)[:3]:
        where = ".".join(str(p) for p in err.get("loc", ()) if p not in ("body",)) or "request"
        parts.append(f"{where}: {err.get('msg', 'invalid')}")
    return "; ".join(parts) or "invalid request"


class _SecurityHeaders:
    """Adds `SECURITY_HEADERS` to every HTTP response (errors and static files too)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", [])
                           if k.decode("latin-1").lower() not in SECURITY_HEADERS]  # fmt: skip
                headers += [(k.encode(), v.encode()) for k, v in SECURITY_HEADERS.items()]
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


class _BodyLimit:
    """Answers 413 to a request body over `limit` bytes, declared or streamed, before any
    route reads it (the body is buffered, at most `limit` bytes, and replayed)."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app, self.limit = app, limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers", [])).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.limit:
            await self._refuse(scope, send)
            return
        chunks: list[bytes] = []
        size, more = 0, True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                break
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.limit:
                await self._refuse(scope, send)
                return
            chunks.append(chunk)
            more = bool(message.get("more_body", False))
        body, replayed = b"".join(chunks), False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    async def _refuse(self, scope: Scope, send: Send) -> None:
        message = f"the request body is larger than {self.limit} bytes (SAYWHO_MAX_REQUEST_BYTES)"
        response = JSONResponse(error_body(413, message), status_code=413,
                                headers={**SECURITY_HEADERS, "connection": "close"})  # fmt: skip
        await response(scope, _noop_receive, send)


class _Admission:
    """A bounded queue: at most `limit` HTTP requests in this process at once (the threads' worth
    being worked on, the rest waiting for a thread); one more is answered 503 with
    ``Retry-After`` at once, so a burst past capacity gets quick refusals instead of requests
    that wait until their clients time out. ``/healthz`` and static files are always let in."""

    RETRY_AFTER_S = 1

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app, self.limit, self.active = app, limit, 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = str(scope.get("path", ""))
        if scope["type"] != "http" or path.endswith("/healthz") or "/static/" in path:
            await self.app(scope, receive, send)
            return
        if self.active >= self.limit:  # (one event loop: no lock needed)
            message = (f"the server is busy ({self.limit} requests in progress or waiting): "
                       f"retry in {self.RETRY_AFTER_S} s")  # fmt: skip
            response = JSONResponse(error_body(503, message, "busy"), status_code=503,
                                    headers={**SECURITY_HEADERS, "retry-after": str(self.RETRY_AFTER_S)})  # fmt: skip
            await response(scope, _noop_receive, send)
            return
        self.active += 1
        try:
            await self.app(scope, receive, send)
        finally:
            self.active -= 1


class _CachedStatic(StaticFiles):
    """Static files with ``Cache-Control`` beside Starlette's ETag and Last-Modified (which
    answer a revalidation with 304): browsers keep them an hour, then ask again."""

    async def get_response(self, path: str, scope: Scope) -> Response:
        response = await super().get_response(path, scope)
        if response.status_code in (200, 304):
            response.headers["cache-control"] = "public, max-age=3600"
        return response


class _CachedOpenAPI:
    """The OpenAPI document with an ETag (its SHA-256) and ``Cache-Control``; a request whose
    If-None-Match names it gets 304 without the body."""

    def __init__(self, app: ASGIApp, path: str) -> None:
        self.app, self.path = app, path
        self.etag: str | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or not self.path
            or not str(scope.get("path", "")).endswith(self.path)
        ):
            await self.app(scope, receive, send)
            return
        wanted = dict(scope.get("headers", [])).get(b"if-none-match", b"").decode("latin-1")
        if self.etag is not None and self.etag in (t.strip() for t in wanted.split(",")):
            response = Response(status_code=304, headers={"etag": self.etag, **_OPENAPI_CACHE})
            await response(scope, receive, send)
            return
        chunks: list[bytes] = []
        start: Message = {}

        async def keep(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                start = message
            else:
                chunks.append(message.get("body", b""))
                if not message.get("more_body", False):
                    body = b"".join(chunks)
                    headers = list(start.get("headers", []))
                    if start.get("status") == 200:
                        self.etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
                        headers += [(b"etag", self.etag.encode()),
                                    *((k.encode(), v.encode()) for k, v in _OPENAPI_CACHE.items())]  # fmt: skip
                    await send({**start, "headers": headers})
                    await send({"type": "http.response.body", "body": body})

        await self.app(scope, receive, keep)


_OPENAPI_CACHE = {"cache-control": "public, max-age=300"}


async def _noop_receive() -> Message:
    return {"type": "http.disconnect"}
