"""Property tests: whatever the bytes, extraction gives a well-formed Article or a SaywhoError."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from saywho.config import Settings
from saywho.errors import SaywhoError
from saywho.extract import extract
from saywho.model import Article, Failure, RawDocument
from saywho.sources import read_documents

FAST = Settings(detect_language=False)
PLAIN = Settings(detect_language=False, plain=True)
examples = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

TAGS = [
    "<html>",
    "<head>",
    "<title>",
    "</title>",
    "<body>",
    "<p>",
    "</p>",
    "<div>",
    "</div>",
    "<article>",
    "<script>",
    "</script>",
    "<br>",
    "<!--",
    "-->",
    "<h1>",
    "</h1>",
    "<meta charset='utf-8'>",
    "<meta charset='x-nonsense'>",
    "<meta charset='utf-16'>",
    "&amp;",
    "&#0;",
    "&#xD800;",
    "\x00",
    "\n\n",
]
WORDS = [
    "The minister said the talks would resume on Monday. ",
    "“Yes,” he said. ",
    "¿Qué? ",
    "東京 ",
    "\u200b",
    " ",
]
html_ish = st.lists(
    st.one_of(st.sampled_from(TAGS), st.sampled_from(WORDS), st.text(max_size=40)), max_size=60
).map("".join)
encodings = st.sampled_from(
    ["utf-8", "utf-16", "utf-16-le", "latin-1", "cp1252", "cp1251", "shift_jis", "gb18030"]
)
PREFIXES = [
    b"",
    b"\x1f\x8b\x08\x00",
    b"WARC/1.0\r\n",
    b"WARC/1.0\r\nContent-Length: 5\r\n\r\n",
    b"filedesc://x 0 0 t 9\n",
    b'{"html": "',
    b'{"text": "x"}\n',
    b"<rss><channel><item><description>",
    b"<?xml version='1.0'?><feed>",
]


def assert_well_formed(article: Article) -> None:
    """Paragraph spans are in order, inside the text, non-empty and without outer whitespace."""
    assert article.paragraphs
    previous_end = 0
    for span in article.paragraphs:
        assert previous_end <= span.start < span.end <= len(article.text)
        chunk = article.text[span.start : span.end]
        assert chunk == chunk.strip()
        previous_end = span.end
    assert article.paragraph_texts() == [article.text[s.start : s.end] for s in article.paragraphs]


def extract_or_error(raw: RawDocument, options: Settings = FAST) -> None:
    try:
        article = extract(raw, options)
    except SaywhoError as exc:  # a refusal is allowed, as one line
        assert "\n" not in str(exc)  # noqa: PT017 (either outcome is checked: hypothesis input)
        return
    assert_well_formed(article)


@examples
@given(data=st.binary(max_size=3000))
def test_extract_properties_arbitrary_bytes(data: bytes) -> None:
    extract_or_error(RawDocument("x", data))


@examples
@given(text=st.text(max_size=800), encoding=encodings, declared=st.none() | encodings)
def test_extract_properties_arbitrary_text_in_any_encoding(
    text: str, encoding: str, declared: str | None
) -> None:
    data = text.encode(encoding, errors="replace")
    extract_or_error(RawDocument("x", data, charset=declared))
    extract_or_error(RawDocument("x", data, charset=declared), PLAIN)


@examples
@given(html=html_ish, media_type=st.sampled_from([None, "text/html", "text/plain"]))
def test_extract_properties_html_ish_text(html: str, media_type: str | None) -> None:
    extract_or_error(RawDocument("x", html.encode("utf-8", "surrogatepass"), media_type=media_type))


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz") / "input"


@examples
@given(prefix=st.sampled_from(PREFIXES), data=st.binary(max_size=2000), compress=st.booleans())
def test_extract_properties_reading_any_file_never_raises(
    scratch: Path, prefix: bytes, data: bytes, compress: bool
) -> None:
    content = prefix + data
    scratch.write_bytes(gzip.compress(content) if compress else content)
    for item in read_documents([str(scratch)], Settings(max_bytes=100_000)):
        assert isinstance(item, (RawDocument, Failure))
        if isinstance(item, Failure):
            assert "\n" not in item.reason and item.reason.startswith(str(scratch))
