"""`saywho extract` end to end, in memory with Typer's CliRunner."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner, Result

from saywho.cli import app

SAMPLE = str(Path(__file__).resolve().parents[1] / "src/saywho/data/demo/rt-2023-01-20-us-isis.txt")
KEYS = [
    "source",
    "id",
    "url",
    "site",
    "title",
    "standfirst",
    "published",
    "authors",
    "language",
    "paragraphs",
    "text",
    "input_format",
    "warnings",
]
# no language model in tests: fast and offline
ENV = {"SAYWHO_DETECT_LANGUAGE": "0"}

runner = CliRunner()


def invoke(*args: str, env: dict[str, str] | None = None, input: bytes | None = None) -> Result:
    return runner.invoke(app, list(args), env={**ENV, **(env or {})}, input=input)


def assert_article_object(obj: dict[str, object]) -> None:
    assert list(obj) == KEYS
    assert all(isinstance(obj[k], str) for k in ("source", "id", "text", "input_format"))
    assert all(isinstance(obj[k], list) for k in ("authors", "paragraphs", "warnings"))
    assert all(
        obj[k] is None or isinstance(obj[k], str)
        for k in ("url", "site", "title", "standfirst", "published", "language")
    )


def test_cli_extract_prints_one_json_object_per_line() -> None:
    result = invoke("extract", SAMPLE)
    assert result.exit_code == 0, result.stderr
    [line] = result.stdout.splitlines()
    obj = json.loads(line)
    assert_article_object(obj)
    assert obj["source"] == SAMPLE and obj["input_format"] == "text"
    assert any("The US has been reaching out" in p for p in obj["paragraphs"])
    assert all(p in obj["text"] for p in obj["paragraphs"])


def test_cli_extract_json_format_is_one_array(tmp_path: Path, article_html: bytes) -> None:
    (tmp_path / "page.html").write_bytes(article_html)
    result = invoke("extract", "--format", "json", SAMPLE, str(tmp_path / "page.html"))
    assert result.exit_code == 0, result.stderr
    array = json.loads(result.stdout)
    assert [o["input_format"] for o in array] == ["text", "html"]
    for obj in array:
        assert_article_object(obj)


def test_cli_extract_text_format_is_readable() -> None:
    result = invoke("extract", "-f", "text", SAMPLE)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("# ") and f"source: {SAMPLE}" in result.stdout
    assert "The US has been reaching out" in result.stdout


def test_cli_extract_output_file(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    result = invoke("extract", "--output", str(out), SAMPLE)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    assert_article_object(json.loads(out.read_text(encoding="utf-8")))


def test_cli_extract_reads_stdin() -> None:
    result = invoke("extract", "-", input=Path(SAMPLE).read_bytes())
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["source"] == "<stdin>"


def test_cli_extract_batch_with_a_bad_file_goes_on_and_lists_it(tmp_path: Path) -> None:
    bad = tmp_path / "bad.html"
    bad.write_bytes(b"")
    result = invoke("extract", SAMPLE, str(bad))
    assert result.exit_code == 0
    assert len(result.stdout.splitlines()) == 1
    assert f"{bad}: the document is empty" in result.stderr
    assert "1 done, 1 failed" in result.stderr and str(bad) in result.stderr.splitlines()[-1]


def test_cli_extract_batch_with_a_bad_file_fails_with_strict(tmp_path: Path) -> None:
    result = invoke("extract", "--strict", SAMPLE, str(tmp_path / "missing.html"))
    assert result.exit_code == 3


def test_cli_extract_all_bad_exits_1(tmp_path: Path) -> None:
    (tmp_path / "empty.html").write_bytes(b"")
    result = invoke("extract", str(tmp_path / "empty.html"), str(tmp_path / "missing.html"))
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "0 done, 2 failed" in result.stderr


@pytest.mark.parametrize(
    "kind", ["warc", "jsonl", "feed"], ids=["WARC records", "JSONL lines", "feed entries"]
)
def test_cli_extract_container_records_are_named_with_their_number(
    tmp_path: Path, kind: str, article_html: bytes, make_warc: Callable[..., bytes]
) -> None:
    page = article_html.decode()
    if kind == "warc":
        data = make_warc(
            [
                ("http://e.com/logo", "image/png", b"\x89PNG\r\n", "200 OK"),
                ("http://e.com/a", "text/html", article_html, "200 OK"),
            ]
        )
        expected = ["#2"]
    elif kind == "jsonl":
        data = (
            json.dumps({"url": "http://e.com/a", "html": page})
            + "\n"
            + json.dumps({"html": page})
            + "\n"
        ).encode()
        expected = ["#1", "#2"]
    else:
        body = page.replace("&", "&amp;").replace("<", "&lt;")
        data = f"<rss version='2.0'><channel><item><title>A</title><link>http://e.com/a</link><description>{body}</description></item></channel></rss>".encode()
        expected = ["#1"]
    path = tmp_path / "input.bin"
    path.write_bytes(data)
    result = invoke("extract", str(path))
    assert result.exit_code == 0, result.stderr
    objects = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o["source"] for o in objects] == [f"{path}{n}" for n in expected]
    assert all(o["input_format"] == f"{kind}:html" for o in objects)
    assert objects[0]["url"] == "http://e.com/a"


def test_cli_extract_url_on_loopback_is_refused_by_default(
    http_server: Callable[..., str], article_html: bytes
) -> None:
    base = http_server({"/a": (200, {"Content-Type": "text/html"}, article_html)})
    result = invoke("extract", f"{base}/a")
    assert result.exit_code == 1
    assert f"{base}/a: refused: 127.0.0.1 resolves to a loopback address" in result.stderr
    assert "--allow-private" in result.stderr


def test_cli_extract_url_is_fetched_with_allow_private(
    http_server: Callable[..., str], article_html: bytes
) -> None:
    base = http_server({"/a": (200, {"Content-Type": "text/html; charset=utf-8"}, article_html)})
    result = invoke("extract", "--allow-private", f"{base}/a")
    assert result.exit_code == 0, result.stderr
    obj = json.loads(result.stdout)
    assert (obj["source"], obj["url"], obj["input_format"]) == (f"{base}/a", f"{base}/a", "html")
    assert obj["title"] == "Talks to resume"


@pytest.mark.parametrize(
    ("path", "env", "message"),
    [
        pytest.param(
            "/loop",
            {"SAYWHO_MAX_REDIRECTS": "3"},
            "more than 3 redirects",
            id="redirect loop beyond max_redirects",
        ),
        pytest.param(
            "/big",
            {"SAYWHO_MAX_BYTES": "1000"},
            "the response is over the limit of 1,000 bytes",
            id="body over max_bytes",
        ),
        pytest.param("/missing", {}, "HTTP 404 Not Found", id="a 404 names its status"),
    ],
)
def test_cli_extract_url_failures(
    http_server: Callable[..., str], path: str, env: dict[str, str], message: str
) -> None:
    base = http_server({"/loop": (302, {"Location": "/loop"}, b""), "/big": (200, {}, b"x" * 5000)})
    result = invoke("extract", "--allow-private", base + path, env=env)
    assert result.exit_code == 1
    assert f"{base}{path}: {message}" in result.stderr


def _commands() -> list[tuple[str, Any]]:
    group: Any = typer.main.get_command(app)  # Typer vendors click: duck-type its classes
    return sorted(group.commands.items())


@pytest.mark.parametrize(
    ("name", "command"), _commands(), ids=[f"{n} command has help" for n, _ in _commands()]
)
def test_cli_every_command_has_help(name: str, command: Any) -> None:
    assert (command.help or "").strip(), f"{name} has no help text"
    for param in command.params:
        assert (getattr(param, "help", None) or "").strip(), f"{name} {param.opts} has no help text"
    result = invoke(name, "--help")
    assert result.exit_code == 0 and "Usage" in result.stdout


def test_cli_main_help_lists_commands() -> None:
    result = invoke("--help")
    assert result.exit_code == 0
    assert all(name in result.stdout for name, _ in _commands())
