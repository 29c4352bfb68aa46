"""The API load benchmark's requests stay valid as the API evolves (benchmarks/api.py counts
any non-200 answer as an error, so a request the API refuses would fail the benchmark)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

from api import _filters, make_queries, percentile

from saywho.config import Settings

# starlette warns that its test client will move to httpx2; the client works, that is noise
pytestmark = pytest.mark.filterwarnings("ignore:.*httpx2.*")


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Any:
    from fastapi.testclient import TestClient

    from saywho.store import open_store
    from saywho.web import create_app

    db = str(tmp_path_factory.mktemp("api-bench") / "empty.db")
    open_store(db).dispose()
    with TestClient(create_app(Settings(detect_language=False), db=db)) as c:
        yield c


def test_api_bench_queries_are_varied_and_partly_filtered() -> None:
    queries = make_queries(300)
    assert queries == make_queries(300)  # seeded: every run sends the same requests
    assert len({tuple(sorted(q.items())) for q in queries}) > 200
    filtered = [q for q in queries if set(q) - {"q", "offset"}]
    assert 0.2 < len(filtered) / len(queries) < 0.5
    for name in ("stance", "kind", "since", "outlet", "speaker"):
        assert any(name in q for q in queries), name
    assert all(q["q"].strip() for q in queries)


def test_api_bench_every_request_is_accepted_by_the_api(client: Any) -> None:
    for params in make_queries(300):
        response = client.get("/api/v1/search", params=params)
        assert response.status_code == 200, (params, response.text)
        assert "items" in response.json()


def test_api_bench_library_filters_match_the_requests() -> None:
    for params in make_queries(100):
        f = _filters(params)
        assert f.query == params["q"] and f.stance == params.get("stance")
        assert f.limit == 20 + int(params.get("offset", 0))
        assert (f.since.isoformat() if f.since else None) == params.get("since")


@pytest.mark.parametrize(
    ("values", "q", "expected"),
    [([5.0], 0.95, 5.0), ([float(i) for i in range(1, 101)], 0.95, 95.0),
     ([3.0, 1.0, 2.0], 0.5, 2.0)],
    ids=["one value is every percentile", "p95 of 1..100 is 95", "unsorted input is sorted"],
)  # fmt: skip
def test_api_bench_percentile(values: list[float], q: float, expected: float) -> None:
    assert percentile(values, q) == expected


@pytest.mark.slow
def test_api_bench_both_load_clients_count_answers_and_errors_alike(tmp_path: Path) -> None:
    """The aiohttp client (the default) and the httpx one drive a real `saywho serve` the same
    way: searches answered with a JSON page count, no error; a path the API does not have is an
    error, with its sample."""
    from api import _client_process, free_port, start_server, stop_server

    from saywho.store import open_store

    db = tmp_path / "served.db"
    open_store(str(db)).dispose()
    port = free_port()
    server = start_server(db, port, tmp_path / "serve.log")
    base = f"http://127.0.0.1:{port}"
    try:
        for kind in ("aiohttp", "httpx"):
            load = _client_process(base, "/api/v1/search", make_queries(20), 3, 1.0, 1, kind)
            assert load.latencies and load.errors == 0 and load.refused == 0, (kind, load.samples)
            missing = _client_process(base, "/api/v1/nothing", [{"q": "x"}], 2, 0.5, 1, kind)
            assert missing.errors == len(missing.latencies) > 0, kind
            assert missing.samples[0].startswith("/api/v1/nothing") and "404" in missing.samples[0]
    finally:
        stop_server(server)
