"""Schemathesis against the OpenAPI document: generated requests for every operation must never
get a server error, and every answer must match the schema it claims (bounded in examples)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from web_corpus import fill

from saywho.config import Settings


def _app() -> Any:
    """The app over a small store in a temporary folder (schemathesis wants it at collection)."""
    import tempfile

    from saywho.web import create_app

    db = str(Path(tempfile.mkdtemp(prefix="saywho-schemathesis-")) / "saywho.db")
    fill(db)
    # a short timeout and no private addresses: generated URLs must fail fast, never hang a run
    return create_app(Settings(detect_language=False, timeout=0.5, api_token="s3cret"), db=db)


schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", _app())


@schema.parametrize()
@settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
@pytest.mark.slow
def test_schemathesis_no_server_errors(case: Any) -> None:
    case.call_and_validate(checks=[not_a_server_error])
