"""`saywho serve`: its help, and one-line errors when the port is taken or the store is bad.
(The server itself runs in the browser tests; these never start uvicorn.)"""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from saywho.cli import app

runner = CliRunner()
ENV = {"SAYWHO_DETECT_LANGUAGE": "0"}


def test_serve_help_names_the_options() -> None:
    result = runner.invoke(app, ["serve", "--help"], env=ENV)
    assert result.exit_code == 0
    for option in ("--db", "--host", "--port", "127.0.0.1", "8000", "SAYWHO_API_TOKEN"):
        assert option in result.stdout


def test_serve_port_in_use_is_one_line(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = runner.invoke(
            app, ["serve", "--db", str(tmp_path / "s.db"), "--port", str(port)], env=ENV
        )
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "already in use" in lines[0] and str(port) in lines[0]


def test_serve_bad_store_is_one_line(tmp_path: Path) -> None:
    result = runner.invoke(app, ["serve", "--db", str(tmp_path / "missing" / "s.db")], env=ENV)
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "does not exist" in lines[0]


def test_serve_file_that_is_not_a_database_is_one_line(tmp_path: Path) -> None:
    db = tmp_path / "old.db"
    db.write_bytes(b"not a database at all" * 100)
    result = runner.invoke(app, ["serve", "--db", str(db)], env=ENV)
    assert result.exit_code == 2
    assert len(result.stderr.strip().splitlines()) == 1


def test_serve_unresolvable_host_is_one_line(tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["serve", "--db", str(tmp_path / "s.db"), "--host", "no such host"], env=ENV
    )
    assert result.exit_code == 2
    assert len(result.stderr.strip().splitlines()) == 1


def test_serve_settings_read_the_token_and_limit_from_the_environment() -> None:
    from saywho.config import Settings

    settings = Settings.from_env({"SAYWHO_API_TOKEN": "t0ken", "SAYWHO_MAX_REQUEST_BYTES": "4096"})
    assert settings.api_token == "t0ken" and settings.max_request_bytes == 4096
    assert "t0ken" not in repr(settings)  # a secret stays out of logs
    assert Settings.from_env({}).api_token is None


def test_serve_workers_hand_the_store_to_each_worker_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With --workers N, uvicorn imports the app factory by name in each worker, which reads the
    store from SAYWHO_DB: the one this process checked (uvicorn itself is not started here)."""
    import os

    import uvicorn

    calls: list[tuple[Any, dict[str, Any]]] = []
    monkeypatch.setattr(uvicorn, "run", lambda target, **kw: calls.append((target, kw)))
    monkeypatch.delenv("SAYWHO_DB", raising=False)
    db = str(tmp_path / "w.db")
    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]
    result = runner.invoke(
        app, ["serve", "--db", db, "--port", str(port), "--workers", "3"], env=ENV
    )
    assert result.exit_code == 0, result.stderr
    ((target, kw),) = calls
    assert (target, kw["factory"], kw["workers"], kw["port"]) == (
        "saywho.web:create_app",
        True,
        3,
        port,
    )
    assert os.environ["SAYWHO_DB"] == db
    monkeypatch.delenv("SAYWHO_DB")


def test_serve_zero_workers_is_refused() -> None:
    result = runner.invoke(app, ["serve", "--workers", "0"], env=ENV)
    assert result.exit_code == 2 and "--workers" in result.stderr
