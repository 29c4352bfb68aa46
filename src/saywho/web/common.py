"""What the app, its routers and its middleware share: the package's directory, the security
headers, and the one error shape (``{"error": {"status", "code", "message"}}``) with the HTTP
status of each library error. (Apart from `app`, which imports the routers, so that the routers
import nothing that imports them.)"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..errors import (
    ConfigError,
    ExtractionError,
    InputError,
    NotFoundError,
    SaywhoError,
    StoreError,
)

HERE = Path(__file__).resolve().parent
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "connect-src 'self'; font-src 'self'; form-action 'self'; base-uri 'none'; "
       "frame-ancestors 'none'")  # fmt: skip
SECURITY_HEADERS = {
    "content-security-policy": CSP,
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
    "cross-origin-opener-policy": "same-origin",
}
_CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
          405: "method_not_allowed", 413: "payload_too_large", 415: "unsupported_media_type",
          422: "invalid_request", 500: "internal_error", 502: "fetch_failed",
          503: "store_unavailable"}  # fmt: skip


class ApiError(Exception):
    """An error a route raises on purpose, rendered in the one error shape."""

    def __init__(self, status: int, message: str, code: str | None = None) -> None:
        super().__init__(message)
        self.status, self.message = status, message
        self.code = code or _CODES.get(status, "error")


def error_body(status: int, message: str, code: str | None = None) -> dict[str, Any]:
    return {"error": {"status": status, "code": code or _CODES.get(status, "error"),
                      "message": " ".join(message.split())}}  # fmt: skip


def status_of(exc: SaywhoError) -> int:
    """The HTTP status of a library error: the user's fault (4xx) or the store's (5xx)."""
    if isinstance(exc, NotFoundError):
        return 404
    if isinstance(exc, InputError | ExtractionError | ConfigError):
        return 422
    if isinstance(exc, StoreError):
        return 503
    return 500
