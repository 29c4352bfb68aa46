"""Every kind of bad input ends in an article or a one-line error naming the input, never a crash."""

from __future__ import annotations

import gzip
import json
import random
from collections.abc import Callable
from pathlib import Path

import pytest

from saywho.config import Settings
from saywho.errors import SaywhoError
from saywho.extract import extract
from saywho.model import Article, Failure
from saywho.sources import read_documents

PARAGRAPH = (
    "The minister said the talks would resume on Monday in Geneva, officials confirmed. " * 3
)
PAGE = f"<!DOCTYPE html><html><head><title>Talks</title></head><body><article><p>{PARAGRAPH}</p><p>{PARAGRAPH}</p></article></body></html>"
ACCENTED = "Señor Muñoz said the café would reopen “soon” — and that’s that, officials in Zürich confirmed."
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x06\x00\x00\x00"
    + bytes(200)
)


def run(inputs: list[str], settings: Settings) -> list[Article | Failure]:
    """What `saywho extract` does per document: read, extract, record failures and go on."""
    results: list[Article | Failure] = []
    for item in read_documents(inputs, settings):
        if isinstance(item, Failure):
            results.append(item)
            continue
        try:
            results.append(extract(item, settings))
        except SaywhoError as exc:
            results.append(Failure(item.source, str(exc), exc.code))
    return results


def _page_with(charset: str, text: str, encoding: str) -> bytes:
    return (
        f'<html><head><meta charset="{charset}"><title>T</title></head><body><article>'
        f"<p>{text} {PARAGRAPH}</p><p>{PARAGRAPH}</p></article></body></html>"
    ).encode(encoding)


def _truncated_warc(make_warc: Callable[..., bytes]) -> bytes:
    data = make_warc(
        [(f"http://e.com/{i}", "text/html", PAGE.encode(), "200 OK") for i in range(2)]
    )
    return data[:-40]


# (file name, content builder, settings, what must be in the one-line error; None: an article)
CASES = [
    pytest.param("empty.html", lambda w: b"", None, "empty", id="empty file is an error"),
    pytest.param(
        "image.html", lambda w: PNG, None, "binary", id="PNG bytes named html are refused as binary"
    ),
    pytest.param(
        "noise.txt",
        lambda w: random.Random(7).randbytes(4096),
        None,
        "binary",
        id="random bytes are refused as binary",
    ),
    pytest.param(
        "high.txt",
        lambda w: bytes(range(128, 256)) * 20,
        None,
        "cannot decode",
        id="undecodable text is an error",
    ),
    pytest.param(
        "page.html.gz",
        lambda w: gzip.compress(PAGE.encode())[:-30],
        None,
        "truncated gzip",
        id="truncated gzip is an error",
    ),
    pytest.param(
        "crawl.warc.gz",
        _truncated_warc,
        None,
        "record 2",
        id="truncated WARC names the record it broke at",
    ),
    pytest.param(
        "nothing.html",
        lambda w: b"<html><body><nav><a href='/'>Home</a></nav></body></html>",
        None,
        "no article",
        id="page without an article is an error",
    ),
    pytest.param(
        "big.html",
        lambda w: b"<p>" + b"x" * 20_000,
        Settings(max_bytes=10_000),
        "over the",
        id="page over max_bytes is refused",
    ),
    pytest.param(
        "lines.jsonl",
        lambda w: b'{"html": "<p>unclosed\n',
        None,
        "not valid JSON",
        id="malformed JSONL line is an error",
    ),
    pytest.param(
        "feed.xml",
        lambda w: b"<rss version='2.0'><channel><<<</rss>",
        None,
        "malformed feed XML",
        id="malformed feed XML is an error",
    ),
]


@pytest.mark.parametrize(("name", "build", "settings", "message"), CASES)
def test_bad_input_is_a_one_line_error_naming_the_input(
    tmp_path: Path,
    make_warc: Callable[..., bytes],
    name: str,
    build,
    settings: Settings | None,
    message: str,  # type: ignore[no-untyped-def]
) -> None:
    path = tmp_path / name
    path.write_bytes(build(make_warc))
    results = run([str(path)], settings or Settings(detect_language=False))
    failure = results[-1]
    assert isinstance(failure, Failure), failure
    assert failure.reason.startswith(str(path)) and message in failure.reason
    assert "\n" not in failure.reason and "Traceback" not in failure.reason


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        pytest.param(
            "utf8-as-latin1.html",
            _page_with("iso-8859-1", ACCENTED, "utf-8"),
            ACCENTED,
            id="UTF-8 page labelled latin-1 reads right",
        ),
        pytest.param(
            "utf8-as-cp1252.html",
            _page_with("windows-1252", ACCENTED, "utf-8"),
            ACCENTED,
            id="UTF-8 page labelled windows-1252 reads right",
        ),
        pytest.param(
            "cp1252-as-utf8.html",
            _page_with("utf-8", ACCENTED, "cp1252"),
            ACCENTED,
            id="cp1252 page labelled UTF-8 reads right",
        ),
        pytest.param(
            "broken.html",
            f"<html><body><div><p>{PARAGRAPH}<p>{PARAGRAPH}<div><b>{PARAGRAPH}".encode(),
            "Geneva",
            id="unclosed tags still extract",
        ),
    ],
)
def test_bad_input_that_can_be_read_is_read_right(
    tmp_path: Path, name: str, content: bytes, expected: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    [article] = run([str(path)], Settings(detect_language=False))
    assert isinstance(article, Article), article
    assert expected in article.text
    assert "Ã" not in article.text and "\ufffd" not in article.text  # no mojibake


def test_bad_input_50_mb_page_is_refused_quickly(tmp_path: Path) -> None:
    path = tmp_path / "huge.html"
    with path.open("wb") as fh:
        fh.write(b"<html><body><p>")
        fh.truncate(50 * 1000 * 1000)  # a sparse 50 MB file: instant to make
    [failure] = run([str(path)], Settings(detect_language=False))
    assert isinstance(failure, Failure)
    assert failure.reason.startswith(f"{path}: the file is 47.7 MiB, over the limit of 20 MiB")


def test_bad_input_nonexistent_path_is_named(tmp_path: Path) -> None:
    missing = tmp_path / "no" / "such.html"
    [failure] = run([str(missing)], Settings(detect_language=False))
    assert isinstance(failure, Failure)
    assert failure.reason == f"{missing}: no such file or directory"


def test_bad_input_one_bad_file_in_a_directory_does_not_stop_the_batch(tmp_path: Path) -> None:
    (tmp_path / "a.html").write_text(PAGE)
    (tmp_path / "b.png").write_bytes(PNG)
    (tmp_path / "c.jsonl").write_text(json.dumps({"html": PAGE}) + "\n{oops\n")
    (tmp_path / "d.html").write_text(PAGE)
    results = run([str(tmp_path)], Settings(detect_language=False))
    assert [type(r).__name__ for r in results] == [
        "Article",
        "Failure",
        "Article",
        "Failure",
        "Article",
    ]
    assert [r.source for r in results] == [
        f"{tmp_path}/a.html",
        f"{tmp_path}/b.png",
        f"{tmp_path}/c.jsonl#1",
        f"{tmp_path}/c.jsonl#2",
        f"{tmp_path}/d.html",
    ]
