"""Concurrent requests against a small pool: no request may hold one store connection while it
waits for another (with as many connections as request threads, that would deadlock the server
until the pool's timeout, then answer 503s)."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from sqlalchemy import event

from saywho.config import Settings


def _paths(client: Any) -> list[str]:
    """Every read page and endpoint, with real ids."""
    article = client.get("/api/v1/articles?limit=1").json()["items"][0]["id"]
    speaker = client.get("/api/v1/speakers?limit=1").json()["items"][0]["id"]
    claim = client.get("/api/v1/claims?limit=1").json()["items"][0]["id"]
    entity = client.get("/api/v1/entities?limit=1").json()["items"][0]["id"]
    pages = ["/", "/search", "/search?q=said", "/search?speaker=a", "/speakers", f"/speakers/{speaker}",
             "/articles", f"/articles/{article}", "/claims", f"/claims/{claim}", "/entities",
             f"/entities/{entity}", "/factchecks", "/attributions", "/similar?q=the+office+is+closed",
             "/factchecks/match?q=the+office+is+closed"]  # fmt: skip
    html = [p for p in pages if not p.startswith(("/attributions", "/similar"))]
    return html + [f"/api/v1{p}" for p in pages]


def test_web_concurrent_requests_never_wait_for_a_second_connection(web_db: str,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    from fastapi.testclient import TestClient

    from saywho.store import engine as engine_module
    from saywho.web import create_app

    monkeypatch.setattr(engine_module, "POOL_TIMEOUT", 3)
    app = create_app(Settings(detect_language=False, threads=2), db=web_db)
    pool = app.state.engine.pool
    assert pool.size() == 2 and app.state.engine.pool._max_overflow == 0  # sized with the threads
    held, nested = threading.local(), []

    @event.listens_for(pool, "checkout")
    def checkout(*_args: Any) -> None:
        if getattr(held, "n", 0):
            nested.append(threading.current_thread().name)
        held.n = getattr(held, "n", 0) + 1

    @event.listens_for(pool, "checkin")
    def checkin(*_args: Any) -> None:
        held.n = max(0, getattr(held, "n", 1) - 1)

    with TestClient(app) as client:
        paths = _paths(client)
        with ThreadPoolExecutor(8) as workers:
            answers = list(workers.map(lambda p: (p, client.get(p).status_code), paths * 3))
    failed = [(p, s) for p, s in answers if s != 200]
    assert failed == [] and nested == []


def test_web_healthz_says_whether_the_store_answers_at_this_schema(make_client: Any,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    from sqlalchemy import text

    from saywho.errors import StoreError
    from saywho.store import engine as engine_module

    client = make_client()
    ok = client.get("/healthz")
    assert ok.status_code == 200 and ok.json()["status"] == "ok"
    assert ok.json()["schema_revision"] == engine_module.head_revision()
    with client.app.state.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '0001'"))
    old = client.get("/healthz")
    assert (
        old.status_code == 503
        and old.json()["status"] == "outdated"
        and "db upgrade" in old.json()["detail"]
    )

    def down(_engine: Any) -> str:
        raise StoreError("cannot open the database (disk I/O error)")

    monkeypatch.setattr(engine_module, "current_revision", down)
    gone = client.get("/healthz")
    assert gone.status_code == 503 and gone.json() == {"status": "unavailable", "schema_revision": None,
                                                       "head_revision": engine_module.head_revision(),
                                                       "detail": "cannot open the database (disk I/O error)"}  # fmt: skip
