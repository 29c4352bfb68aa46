import gzip
import json
from datetime import date
from pathlib import Path

import pytest

from saywho.config import Settings
from saywho.model import Failure, RawDocument
from saywho.sources import read_documents


def _read(tmp_path: Path, content: bytes, settings: Settings | None = None) -> list:
    path = tmp_path / "pages.jsonl"
    path.write_bytes(content)
    return list(read_documents([str(path)], settings))


def test_jsonl_lines_become_documents_with_hints(tmp_path: Path, article_html: bytes) -> None:
    lines = [
        {
            "url": "https://example.com/a",
            "html": article_html.decode(),
            "title": "A",
            "published": "2023-01-20",
        },
        {"text": "Title\n\nBody text.", "authors": ["Ann Lee", "Bo Chen"], "site": "Example"},
    ]
    html_doc, text_doc = _read(tmp_path, "".join(json.dumps(x) + "\n" for x in lines).encode())
    assert isinstance(html_doc, RawDocument) and isinstance(text_doc, RawDocument)
    assert html_doc.source == f"{tmp_path}/pages.jsonl#1"
    assert (html_doc.container, html_doc.media_type, html_doc.charset) == (
        "jsonl",
        "text/html",
        "utf-8",
    )
    assert html_doc.hints.url == "https://example.com/a" and html_doc.hints.title == "A"
    assert html_doc.hints.published == date(2023, 1, 20)
    assert text_doc.media_type == "text/plain" and text_doc.data == b"Title\n\nBody text."
    assert text_doc.hints.authors == ("Ann Lee", "Bo Chen") and text_doc.hints.site == "Example"


@pytest.mark.parametrize(
    ("line", "message"),
    [
        pytest.param(b'{"html": "<p>unterminated', "not valid JSON", id="truncated JSON line"),
        pytest.param(
            b"[1, 2, 3]",
            "expected a JSON object, found an array",
            id="an array instead of an object",
        ),
        pytest.param(
            b'{"url": "https://example.com"}', 'no "html" or "text"', id="an object without content"
        ),
        pytest.param(b'{"html": 42}', '"html" must be a string', id="content that is not a string"),
        pytest.param(b'{"text": "caf\xe9"}', "not UTF-8", id="a line that is not UTF-8"),
        pytest.param(
            b"[" * 100_000 + b"]" * 100_000,
            "nested too deeply",
            id="JSON nested deeper than the parser goes",
        ),
    ],
)
def test_jsonl_bad_line_is_a_failure_and_reading_goes_on(
    tmp_path: Path, line: bytes, message: str
) -> None:
    content = b'{"text": "first"}\n' + line + b'\n\n{"text": "fourth"}\n'
    first, bad, fourth = _read(tmp_path, content)
    assert isinstance(bad, Failure)
    assert bad.source == f"{tmp_path}/pages.jsonl#2"
    assert bad.reason.startswith(f"{tmp_path}/pages.jsonl#2: ") and message in bad.reason
    assert "\n" not in bad.reason
    assert (first.source[-2:], fourth.source[-2:]) == ("#1", "#4")


def test_jsonl_line_over_the_limit_is_skipped_alone(tmp_path: Path) -> None:
    content = json.dumps({"text": "x" * 10_000}).encode() + b'\n{"text": "small"}\n'
    big, small = _read(tmp_path, content, Settings(max_bytes=1000))
    assert isinstance(big, Failure) and big.source.endswith("#1") and "limit" in big.reason
    assert isinstance(small, RawDocument) and small.source.endswith("#2")


def test_jsonl_gzipped_is_streamed(tmp_path: Path) -> None:
    items = _read(tmp_path, gzip.compress(b'{"text": "a"}\n{"text": "b"}\n'))
    assert [i.data for i in items] == [b"a", b"b"]


def test_jsonl_truncated_gzip_ends_with_a_failure(tmp_path: Path) -> None:
    data = gzip.compress(
        b"".join(json.dumps({"text": f"line {i}"}).encode() + b"\n" for i in range(2000))
    )
    items = _read(tmp_path, data[: len(data) // 2])
    assert all(isinstance(i, RawDocument) for i in items[:-1])
    assert isinstance(items[-1], Failure) and "truncated" in items[-1].reason
