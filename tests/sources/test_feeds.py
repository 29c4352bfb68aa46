from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from saywho.config import Settings
from saywho.extract import extract
from saywho.model import Failure, RawDocument
from saywho.sources import read_documents

LONG = "The minister said the talks would resume on Monday in Geneva, officials confirmed. " * 8

RSS = f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
     xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel><title>Example News</title>
<item><title>Full story</title><link>https://example.com/full</link>
  <pubDate>Fri, 20 Jan 2023 13:04:00 GMT</pubDate><dc:creator>Ann Lee</dc:creator>
  <description>Teaser.</description>
  <content:encoded><![CDATA[<p>{LONG}</p><p>{LONG}</p>]]></content:encoded></item>
<item><title>Teaser only</title><link>https://example.com/teaser</link>
  <description>Just a teaser.</description></item>
<item><title>Long summary</title><link>https://example.com/long</link>
  <description>&lt;p&gt;{LONG}&lt;/p&gt;</description></item>
<item><title>Nothing</title></item>
</channel></rss>
"""

ATOM = f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Atom News</title>
<entry><title>Atom story</title><link href="https://example.com/atom"/>
  <updated>2023-01-20T10:00:00Z</updated><author><name>Bo Chen</name></author>
  <content type="html">&lt;p&gt;{LONG}&lt;/p&gt;</content></entry>
</feed>
"""


def _read(tmp_path: Path, text: str, settings: Settings | None = None) -> list:
    path = tmp_path / "feed.xml"
    path.write_text(text, encoding="utf-8")
    return list(read_documents([str(path)], settings))


def test_feeds_rss_entries_with_content_become_documents(tmp_path: Path) -> None:
    full, teaser, long_summary, nothing = _read(tmp_path, RSS)
    assert isinstance(full, RawDocument)
    assert full.source == f"{tmp_path}/feed.xml#1" and full.container == "feed"
    assert full.hints.title == "Full story" and full.hints.url == "https://example.com/full"
    assert full.hints.published == datetime(2023, 1, 20, 13, 4, tzinfo=UTC)
    assert full.hints.authors == ("Ann Lee",) and full.hints.site == "Example News"
    article = extract(full, Settings(detect_language=False))
    assert article.title == "Full story" and "talks would resume" in article.text
    assert isinstance(teaser, Failure) and "#2" in teaser.source
    assert "only a link" in teaser.reason and "--fetch" in teaser.reason
    assert isinstance(long_summary, RawDocument) and long_summary.source.endswith("#3")
    assert isinstance(nothing, Failure) and "no content and no link" in nothing.reason


def test_feeds_atom_content_becomes_a_document(tmp_path: Path) -> None:
    [entry] = _read(tmp_path, ATOM)
    assert isinstance(entry, RawDocument)
    assert entry.hints.authors == ("Bo Chen",) and entry.hints.url == "https://example.com/atom"
    assert entry.hints.published == datetime(2023, 1, 20, 10, 0, tzinfo=UTC)


def test_feeds_link_only_entries_are_fetched_with_fetch(
    tmp_path: Path, http_server: Callable[..., str], article_html: bytes
) -> None:
    base = http_server(
        {"/story": (200, {"Content-Type": "text/html; charset=utf-8"}, article_html)}
    )
    feed = f"""<rss version="2.0"><channel><title>Local</title>
      <item><title>Linked</title><link>{base}/story</link></item>
      <item><title>Gone</title><link>{base}/missing</link></item></channel></rss>"""
    fetched, missing = _read(tmp_path, feed, Settings(fetch=True, allow_private=True))
    assert isinstance(fetched, RawDocument)
    assert fetched.source.endswith("feed.xml#1") and fetched.data == article_html
    assert fetched.media_type == "text/html" and fetched.hints.title == "Linked"
    assert (
        isinstance(missing, Failure) and "feed.xml#2" in missing.reason and "404" in missing.reason
    )


def test_feeds_cut_off_feed_yields_entries_then_a_failure(tmp_path: Path) -> None:
    *entries, failure = _read(tmp_path, RSS[: RSS.index("<item><title>Long summary")])
    assert [e.source[-2:] for e in entries] == ["#1", "#2"]
    assert isinstance(failure, Failure)
    assert failure.reason.startswith(f"{tmp_path}/feed.xml: malformed feed XML")
    assert "2 entries were read" in failure.reason


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param(
            "<rss><channel><title>x</ti", "malformed feed XML", id="feed cut off before any entry"
        ),
        pytest.param(
            "<rss version='2.0'><<<>>></rss>", "malformed feed XML", id="feed that is not XML"
        ),
        pytest.param(
            "<rss version='2.0'><channel><title>Empty</title></channel></rss>",
            "no entries",
            id="feed without entries",
        ),
    ],
)
def test_feeds_malformed_feed_is_one_failure_naming_the_file(
    tmp_path: Path, text: str, message: str
) -> None:
    [failure] = _read(tmp_path, text)
    assert isinstance(failure, Failure)
    assert failure.reason.startswith(f"{tmp_path}/feed.xml: ") and message in failure.reason
    assert "\n" not in failure.reason
