"""Scraper output in Markdown and broken at every element, read back as one block per line
(`saywho.extract.flattened_markup`), on a demo article's text (Wikinews, CC BY 2.5)."""

from __future__ import annotations

from saywho.config import Settings
from saywho.extract import extract
from saywho.extract.flattened_markup import from_markdown, looks_like_markdown, rejoin_fragments
from saywho.model import RawDocument

MARKDOWN = """\
* [Home](https://en.wikinews.org/wiki/Main_Page)
* [Politics](https://en.wikinews.org/wiki/Politics)
* [Sports](https://en.wikinews.org/wiki/Sports)

# Dozens dead in California boat fire

![](https://upload.wikimedia.org/boat.jpg)

The [United States Coast Guard](https://en.wikipedia.org/wiki/USCG) (USCG) called off
its search late on Tuesday. USCG Captain Monica Rochester told the press a nearly
24-hour search mission had discovered **no further signs** in the water.

"It is never an easy decision to suspend search efforts," she said. "We know that
this is a very difficult time for families and friends of the victims."

* * *

Share this: [Facebook](https://facebook.com/share) [Twitter](https://twitter.com/share)
"""


def test_markdown_is_read_as_one_block_per_line() -> None:
    assert looks_like_markdown(MARKDOWN)
    lines = from_markdown(MARKDOWN).split("\n")
    assert lines[:4] == ["Home", "Politics", "Sports", "Dozens dead in California boat fire"]
    assert lines[4] == (
        "The United States Coast Guard (USCG) called off its search late on Tuesday. USCG "
        "Captain Monica Rochester told the press a nearly 24-hour search mission had discovered "
        "no further signs in the water."
    )
    assert lines[5].startswith('"It is never') and lines[5].endswith('of the victims."')
    assert not any("](" in line or "**" in line or line.startswith("*") for line in lines)


def test_markdown_page_extracts_its_body() -> None:
    article = extract(RawDocument("page.txt", MARKDOWN.encode()), Settings(detect_language=False))
    assert article.text.startswith("The United States Coast Guard (USCG) called off")
    assert "Facebook" not in article.text and "https://" not in article.text


def test_plain_text_with_a_few_brackets_is_not_markdown() -> None:
    assert not looks_like_markdown("# 1 Home\n* Menu\nHe said [sic] it was (not) over.")


def test_a_text_broken_at_every_element_is_glued_back() -> None:
    rows = [
        "Home", "News",
        "The", "New York Times", "reported on Sunday that WeWork is preparing to cut jobs.",
        "USCG Captain", "Monica Rochester", "told the press the search had ended.",
        "Bloomberg News reported on Friday that the company faces scrutiny.",
    ]  # fmt: skip
    assert rejoin_fragments(rows) == [
        "Home", "News",
        "The New York Times reported on Sunday that WeWork is preparing to cut jobs.",
        "USCG Captain", "Monica Rochester told the press the search had ended.",
        "Bloomberg News reported on Friday that the company faces scrutiny.",
    ]  # fmt: skip


def test_one_block_per_line_is_left_alone() -> None:
    rows = [f"Paragraph {n} of the article ends here." for n in range(40)] + ["and a menu"]
    assert rejoin_fragments(rows) == rows


def test_markdown_nested_bullets_and_link_titles() -> None:
    text = (
        "* [Politik](https://example.org/politik) (3)\n"
        "    * [Syi'ah](https://example.org/syiah \"Syi'ah, a label\") (2)\n\n"
        '[Kok Ahok dituntut?](http://example.org/a.html "Kok Ahok dituntut oleh ummat")\n'
    )
    assert from_markdown(text).split("\n") == ["Politik (3)", "Syi'ah (2)", "Kok Ahok dituntut?"]


def test_a_number_or_a_quotation_mark_continues_a_sentence_in_lower_case() -> None:
    rows = [
        "Menu", "Search", "Subscribe",
        "The government distributed", "5 million face masks to schoolchildren.",
        "Air pollution is likely to reach", "“severe” or “emergency”", "levels on Wednesday.",
        "Markets", "HD", "225.86", "A report in the", "New York Times", "said so.",
    ]  # fmt: skip
    assert rejoin_fragments(rows) == [
        "Menu", "Search", "Subscribe",
        "The government distributed 5 million face masks to schoolchildren.",
        # a closing quotation mark may end a sentence: the line after it stays apart
        "Air pollution is likely to reach “severe” or “emergency”", "levels on Wednesday.",
        "Markets", "HD", "225.86",  # a number after a capital or a figure starts a new line
        "A report in the New York Times said so.",
    ]  # fmt: skip
