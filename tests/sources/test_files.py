import gzip
import io
import json
from pathlib import Path

import pytest

from saywho.config import Settings
from saywho.model import Failure, RawDocument
from saywho.sources import read_documents


def _sources(inputs: list[str], settings: Settings | None = None) -> list[str]:
    return [item.source for item in read_documents(inputs, settings)]


def test_files_directory_is_read_recursively_sorted_without_hidden(
    tmp_path: Path, article_html: bytes
) -> None:
    for name in ("b.html", "a.html", "sub/c.html", ".hidden.html", ".git/d.html", "sub/.e.html"):
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(article_html)
    assert _sources([str(tmp_path)]) == [
        str(tmp_path / n) for n in ("a.html", "b.html", "sub/c.html")
    ]


def test_files_empty_directory_is_reported(tmp_path: Path) -> None:
    [item] = read_documents([str(tmp_path)])
    assert isinstance(item, Failure)
    assert "no files" in item.reason and str(tmp_path) in item.reason


def test_files_stdin_is_read_with_dash(
    monkeypatch: pytest.MonkeyPatch, article_html: bytes
) -> None:
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(article_html)))
    [item] = read_documents(["-"])
    assert isinstance(item, RawDocument)
    assert (item.source, item.container, item.data) == ("<stdin>", "stdin", article_html)


def test_files_stdin_may_carry_a_container(monkeypatch: pytest.MonkeyPatch) -> None:
    lines = b'{"text": "one"}\n{"text": "two"}\n'
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(gzip.compress(lines))))
    assert _sources(["-"]) == ["<stdin>#1", "<stdin>#2"]


@pytest.mark.parametrize(
    "pack",
    [
        pytest.param(gzip.compress, id="gzip file is decompressed"),
        pytest.param(
            lambda d: gzip.compress(d[:100]) + gzip.compress(d[100:]),
            id="multi-member gzip is joined",
        ),
        pytest.param(
            lambda d: gzip.compress(d) + b"\0" * 512, id="NUL padding after gzip is ignored"
        ),
    ],
)
def test_files_gzip_is_decompressed(tmp_path: Path, article_html: bytes, pack) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "page.html.gz"
    path.write_bytes(pack(article_html))
    [item] = read_documents([str(path)])
    assert isinstance(item, RawDocument)
    assert item.data == article_html


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        pytest.param(
            "lines.txt",
            b'{"text": "a"}\n{"text": "b"}\n',
            ["#1", "#2"],
            id="JSONL named txt is split into lines",
        ),
        pytest.param(
            "feed.html",
            b'<rss version="2.0"><channel><item><title>T</title><description>'
            + b"x" * 600
            + b"</description></item></channel></rss>",
            ["#1"],
            id="a feed named html is read as a feed",
        ),
        pytest.param(
            "page.xml",
            b"<html><body><p>hi</p></body></html>",
            [""],
            id="HTML named xml is one document",
        ),
    ],
)
def test_files_containers_are_told_by_content_not_name(
    tmp_path: Path, name: str, content: bytes, expected: list[str]
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    assert _sources([str(path)]) == [f"{path}{suffix}" for suffix in expected]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        pytest.param(b"x" * 5000, "over the", id="a file over max_bytes is refused before reading"),
        pytest.param(
            gzip.compress(b"x" * 50_000),
            "decompresses to over",
            id="a gzip bomb stops at max_bytes",
        ),
    ],
)
def test_files_size_limit_is_enforced(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "big.html"
    path.write_bytes(content)
    [item] = read_documents([str(path)], Settings(max_bytes=4096))
    assert isinstance(item, Failure)
    assert message in item.reason and str(path) in item.reason


def test_files_containers_may_be_bigger_than_one_document(tmp_path: Path) -> None:
    path = tmp_path / "many.jsonl"
    path.write_text("".join(json.dumps({"text": f"line {i} " * 50}) + "\n" for i in range(50)))
    items = list(read_documents([str(path)], Settings(max_bytes=4096)))
    assert len(items) == 50 and all(isinstance(i, RawDocument) for i in items)


@pytest.mark.parametrize(
    ("name", "message"),
    [
        pytest.param(
            "ftp://example.com/a.html", "refused the ftp scheme", id="ftp URLs are refused"
        ),
        pytest.param("file:///etc/passwd", "refused the file scheme", id="file URLs are refused"),
        pytest.param("does/not/exist.html", "no such file", id="a missing path is reported"),
    ],
)
def test_files_unreadable_names_become_failures(name: str, message: str) -> None:
    [item] = read_documents([name])
    assert isinstance(item, Failure)
    assert item.source == name and message in item.reason
