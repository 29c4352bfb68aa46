import gzip

import pytest

from saywho.sources.sniff import parse_content_type, sniff, sniff_head


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        pytest.param(b"", "empty", id="no bytes are empty"),
        pytest.param(b" \n\t ", "empty", id="only whitespace is empty"),
        pytest.param(b"\x1f\x8b\x08\x00", "gzip", id="gzip magic is gzip"),
        pytest.param(
            b"WARC/1.0\r\nWARC-Type: warcinfo\r\n", "warc", id="a WARC version line is a WARC"
        ),
        pytest.param(
            b"filedesc://x.arc 0.0.0.0 2023 text/plain 10\n",
            "arc",
            id="an ARC filedesc line is an ARC",
        ),
        pytest.param(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary", id="PNG bytes are binary"),
        pytest.param(
            b'<?xml version="1.0"?><rss version="2.0"><channel>', "feed", id="RSS is a feed"
        ),
        pytest.param(b'<feed xmlns="http://www.w3.org/2005/Atom">', "feed", id="Atom is a feed"),
        pytest.param(b"<!DOCTYPE html><html><p>hi</p>", "html", id="a doctype makes HTML"),
        pytest.param(b"\xef\xbb\xbf<html><body>x", "html", id="HTML after a BOM is HTML"),
        pytest.param(
            b'{"html": "<html><p>x</p></html>"}\n', "jsonl", id="a JSON line holding HTML is JSONL"
        ),
        pytest.param(
            b'{"text": "' + b"x" * 70000, "jsonl", id="a JSON line longer than the window is JSONL"
        ),
        pytest.param(b"Title\n\nSome text.", "text", id="anything else readable is text"),
        pytest.param(b"{not json at all", "text", id="a brace alone does not make JSONL"),
    ],
)
def test_sniff_tells_kinds_by_content(data: bytes, kind: str) -> None:
    assert sniff(data) == kind


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        pytest.param(
            gzip.compress(b"WARC/1.0\r\n"), ("warc", True), id="gzipped WARC seen inside gzip"
        ),
        pytest.param(
            gzip.compress(b"<html><p>x")[:25],
            ("html", True),
            id="start of truncated gzip still sniffed",
        ),
        pytest.param(
            b"\x1f\x8b\x08\x00garbage", ("gzip", True), id="undecompressable gzip reported as gzip"
        ),
        pytest.param(b"<html>", ("html", False), id="plain bytes not gzipped"),
    ],
)
def test_sniff_head_looks_inside_gzip(head: bytes, expected: tuple[str, bool]) -> None:
    assert sniff_head(head) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param("text/html; charset=UTF-8", ("text/html", "utf-8"), id="type and charset"),
        pytest.param(
            'TEXT/HTML;charset="iso-8859-1"',
            ("text/html", "iso-8859-1"),
            id="quoted charset, upper case",
        ),
        pytest.param("image/png", ("image/png", None), id="type without charset"),
        pytest.param(None, (None, None), id="missing header"),
    ],
)
def test_sniff_parses_content_type(
    value: str | None, expected: tuple[str | None, str | None]
) -> None:
    assert parse_content_type(value) == expected
