"""Web fixtures: a store holding the hand-built corpus of `web_corpus` (no spaCy) and test
clients over it. Ids are looked up by title or name, never assumed."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from web_corpus import fill

from saywho.config import Settings


def pytest_configure(config: pytest.Config) -> None:
    # starlette warns that its test client will move to httpx2; the client works, that is noise
    config.addinivalue_line("filterwarnings", "ignore:.*httpx2.*")


@pytest.fixture(scope="session")
def web_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A SQLite store with the `corpus` articles (shared: tests only read it)."""
    db = str(tmp_path_factory.mktemp("web") / "saywho.db")
    fill(db)
    return db


@pytest.fixture(scope="session")
def web_client(web_db: str) -> Iterator[Any]:
    """A TestClient over the app on `web_db`, ingest enabled with the token "s3cret"."""
    from fastapi.testclient import TestClient

    from saywho.web import create_app

    app = create_app(Settings(detect_language=False, api_token="s3cret"), db=web_db)
    with TestClient(app) as client:
        yield client


@pytest.fixture(scope="session")
def ids(web_client: Any) -> dict[str, int]:
    """Article ids by the first word of their title; speaker ids by name."""
    out: dict[str, int] = {}
    for item in web_client.get("/api/v1/articles?limit=100").json()["items"]:
        out[item["title"].split()[0]] = item["id"]
    for item in web_client.get("/api/v1/speakers?limit=100").json()["items"]:
        out[item["name"]] = item["id"]
    return out


@pytest.fixture
def make_client(tmp_path: Path) -> Callable[..., Any]:
    """A client over a fresh copy of the store with the given settings (for writes, limits)."""
    from fastapi.testclient import TestClient

    from saywho.web import create_app

    def make(settings: Settings | None = None, fill_store: bool = True) -> Any:
        db = str(tmp_path / "own.db")
        if fill_store:
            fill(db)
        return TestClient(create_app(settings or Settings(detect_language=False), db=db))

    return make


def _store_fixtures() -> Any:
    """tests/store/conftest.py, for its throwaway PostgreSQL server (test folders are not
    packages, so its fixtures are not visible here otherwise)."""
    import importlib.util

    path = Path(__file__).resolve().parents[1] / "store" / "conftest.py"
    spec = importlib.util.spec_from_file_location("saywho_store_test_fixtures", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


pg_cluster = _store_fixtures().pg_cluster
