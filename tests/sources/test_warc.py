import gzip
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import pytest

from saywho.config import Settings
from saywho.extract import extract
from saywho.model import Failure, RawDocument
from saywho.sources import read_documents

MakeWarc = Callable[..., bytes]
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"


def _read(
    tmp_path: Path, data: bytes, name: str = "crawl.warc.gz", settings: Settings | None = None
) -> list:
    path = tmp_path / name
    path.write_bytes(data)
    return list(read_documents([str(path)], settings))


@pytest.mark.parametrize("compressed", [True, False], ids=["gzipped WARC", "uncompressed WARC"])
def test_warc_responses_become_documents_with_headers_as_hints(
    tmp_path: Path, make_warc: MakeWarc, article_html: bytes, compressed: bool
) -> None:
    data = make_warc(
        [
            ("http://example.com/a", "text/html; charset=ISO-8859-1", article_html, "200 OK"),
            ("http://example.com/logo.png", "image/png", PNG, "200 OK"),
            ("http://example.com/old", "text/html", b"<html>moved</html>", "301 Moved Permanently"),
            ("http://example.com/b", "text/plain", b"Plain text body.", "200 OK"),
        ],
        gzip=compressed,
    )
    items = _read(tmp_path, data, "crawl.bin")
    assert [i.source for i in items] == [f"{tmp_path}/crawl.bin#1", f"{tmp_path}/crawl.bin#4"]
    first = items[0]
    assert isinstance(first, RawDocument)
    assert (first.container, first.media_type, first.charset) == ("warc", "text/html", "iso-8859-1")
    assert first.hints.url == "http://example.com/a"
    assert isinstance(first.hints.published, datetime)
    assert first.data == article_html
    assert extract(first, Settings(detect_language=False)).input_format == "warc:html"


def test_warc_skips_images_silently(
    tmp_path: Path, make_warc: MakeWarc, capfd: pytest.CaptureFixture[str]
) -> None:
    data = make_warc([("http://example.com/x.png", "image/png", PNG, "200 OK")] * 3)
    assert _read(tmp_path, data) == []
    assert capfd.readouterr() == ("", "")


def _arc(article_html: bytes) -> bytes:
    http = b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n" + article_html
    desc = b"1 0 Test\nURL IP-address Archive-date Content-type Archive-length\n"
    head = b"filedesc://t.arc 0.0.0.0 20230120130400 text/plain %d\n" % len(desc) + desc + b"\n"
    record = (
        b"http://example.com/a 93.184.216.34 20230120130400 text/html %d\n" % len(http)
        + http
        + b"\n"
    )
    return head + record


@pytest.mark.parametrize(
    "compressed", [False, True], ids=["ARC file is read", "ARC gzipped per record is read"]
)
def test_warc_reads_arc_files(tmp_path: Path, article_html: bytes, compressed: bool) -> None:
    arc = _arc(article_html)
    split = arc.index(b"http://example.com/a")
    data = gzip.compress(arc[:split]) + gzip.compress(arc[split:]) if compressed else arc
    [item] = _read(tmp_path, data, "old.arc.gz" if compressed else "old.arc")
    assert isinstance(item, RawDocument)
    assert item.source.endswith("#2") and item.hints.url == "http://example.com/a"
    assert item.hints.published == datetime.fromisoformat("2023-01-20T13:04:00+00:00")


@pytest.mark.parametrize("compressed", [True, False], ids=["gzipped", "uncompressed"])
@pytest.mark.parametrize(
    "cut",
    [
        pytest.param(lambda size: size - 30, id="cut inside the last record's body"),
        pytest.param(lambda size: size * 5 // 6, id="cut inside the last record's headers"),
    ],
)
def test_warc_truncated_yields_records_read_then_failure_naming_record(
    tmp_path: Path,
    make_warc: MakeWarc,
    article_html: bytes,
    compressed: bool,
    cut: Callable[[int], int],
) -> None:
    data = make_warc(
        [(f"http://example.com/{i}", "text/html", article_html, "200 OK") for i in range(3)],
        gzip=compressed,
    )
    items = _read(tmp_path, data[: cut(len(data))])
    *documents, failure = items
    assert [d.source[-2:] for d in documents] == ["#1", "#2"]
    assert isinstance(failure, Failure)
    assert "crawl.warc.gz" in failure.reason and "record 3" in failure.reason
    assert "\n" not in failure.reason


def test_warc_corrupt_gzip_member_is_reported_without_printing(
    tmp_path: Path, make_warc: MakeWarc, article_html: bytes, capfd: pytest.CaptureFixture[str]
) -> None:
    data = bytearray(
        make_warc(
            [(f"http://example.com/{i}", "text/html", article_html, "200 OK") for i in range(3)]
        )
    )
    data[len(data) - 200 : len(data) - 150] = b"\xff" * 50  # scribble over the last member
    *documents, failure = _read(tmp_path, bytes(data))
    assert len(documents) == 2
    assert isinstance(failure, Failure) and "record 3" in failure.reason
    assert capfd.readouterr() == ("", "")


def test_warc_record_over_the_limit_fails_alone(
    tmp_path: Path, make_warc: MakeWarc, article_html: bytes
) -> None:
    big = b"<html><body><p>" + b"word " * 5000 + b"</p></body></html>"
    data = make_warc(
        [
            ("http://e.com/big", "text/html", big, "200 OK"),
            ("http://e.com/ok", "text/html", article_html, "200 OK"),
        ]
    )
    big_item, ok_item = _read(tmp_path, data, settings=Settings(max_bytes=10_000))
    assert (
        isinstance(big_item, Failure)
        and big_item.source.endswith("#1")
        and "limit" in big_item.reason
    )
    assert isinstance(ok_item, RawDocument) and ok_item.source.endswith("#2")


def test_warc_garbage_after_the_version_line_is_reported(tmp_path: Path) -> None:
    [failure] = _read(tmp_path, b"WARC/1.0\r\nthis is not a header block\r\n\r\n", "bad.warc")
    assert isinstance(failure, Failure)
    assert "record 1" in failure.reason and "bad.warc" in failure.reason
