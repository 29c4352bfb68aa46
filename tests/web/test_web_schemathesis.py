"""Schemathesis against the OpenAPI document: generated requests for every operation must never
get a server error, and every answer must be documented: its status code, content type, headers
and body schema (bounded in examples)."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from web_corpus import fill

from saywho.config import Settings

# schemathesis wants the app at collection (its fixture-based loading does not work with this
# pytest); the store lives in a temporary folder that the module's last fixture removes
_FOLDER = tempfile.TemporaryDirectory(prefix="saywho-schemathesis-")


def _app() -> Any:
    """The app over a small store in `_FOLDER`."""
    from saywho.web import create_app

    db = str(Path(_FOLDER.name) / "saywho.db")
    fill(db)
    # a short timeout and no private addresses: generated URLs must fail fast, never hang a run
    return create_app(Settings(detect_language=False, timeout=0.5, api_token="s3cret"), db=db)


APP = _app()
schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", APP)

#: no server error, and every answer as documented: its status code, content type, headers and
#: body schema (schemathesis' checks of what the server answers; not whether every value the
#: schema allows is accepted: the request models add rules a JSON schema cannot say, "exactly
#: one of text, html or url")
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_headers_conformance, response_schema_conformance]  # fmt: skip


@pytest.fixture(scope="module", autouse=True)
def _clean_up() -> Iterator[None]:
    yield
    APP.state.engine.dispose()
    _FOLDER.cleanup()


@schema.parametrize()
@settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
@pytest.mark.slow
def test_schemathesis_no_server_errors(case: Any) -> None:
    case.call_and_validate(checks=CHECKS)
