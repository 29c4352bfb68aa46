"""The flattened-text cleaner on small hand-built pages: what it keeps, drops and reads."""

from __future__ import annotations

import re
import textwrap
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from saywho.config import Settings
from saywho.errors import ExtractionError, SaywhoError
from saywho.extract import extract
from saywho.extract.dateline import parse_dateline
from saywho.extract.flattened import clean_flattened
from saywho.model import RawDocument

DEMO = Path(__file__).resolve().parents[2] / "src" / "saywho" / "data" / "demo"

NAV = ["Home", "World", "Business", "Politics", "Sport", "Opinion", "Culture", "Search"]
TITLE = "Harbour bridge to close for a month of repairs"
BODY = [
    (
        "The city's harbour bridge will close to traffic for four weeks from Monday while "
        "engineers replace corroded cables, the transport department said on Friday."
    ),
    (
        "Buses will be diverted across the river tunnel, adding about twenty minutes to most "
        "journeys, and ferries will run every ten minutes during the morning peak."
    ),
    (
        "“We know this is disruptive, but the work cannot wait any longer,” the department's "
        "chief engineer told reporters at a briefing near the bridge."
    ),
    "The bridge carries more than forty thousand vehicles a day and was last repaired in 2009.",
]
FOOTER = ["About us", "Contact", "Privacy policy", "© 2023 Example Media. All rights reserved."]


def page(*header: str, body: list[str] = BODY, after: tuple[str, ...] = ()) -> str:
    """A flattened news page: menu, header lines, the body, whatever follows, and a footer."""
    return "\n".join([*NAV, *header, *body, *after, *FOOTER])


# --- datelines --------------------------------------------------------------------------------
ET = ZoneInfo("America/New_York")
DATELINES = [
    pytest.param(
        "20 Jan, 2023 13:04", datetime(2023, 1, 20, 13, 4), id="day month comma year time"
    ),
    pytest.param(
        "Published: January 20, 2023", date(2023, 1, 20), id="published prefix with month name"
    ),
    pytest.param("January 20, 2023", date(2023, 1, 20), id="month day year gives a date alone"),
    pytest.param("2023-01-20", date(2023, 1, 20), id="iso date"),
    pytest.param(
        "2023-01-20T13:04:00Z",
        datetime(2023, 1, 20, 13, 4, tzinfo=UTC),
        id="iso timestamp in utc is timezone aware",
    ),
    pytest.param(
        "Jan. 20, 2023 at 1:04 p.m. ET",
        datetime(2023, 1, 20, 13, 4, tzinfo=ET),
        id="abbreviated month with pm time in eastern time",
    ),
    pytest.param(
        "Mon 20 Jan 2023 13.04 GMT",
        datetime(2023, 1, 20, 13, 4, tzinfo=UTC),
        id="weekday date and dotted time in gmt",
    ),
    pytest.param(
        "Friday, January 20, 2023 - 13:04 UTC+1",
        datetime(2023, 1, 20, 13, 4, tzinfo=timezone(timedelta(hours=1))),
        id="utc offset zone",
    ),
    pytest.param("20.01.2023, 13:04 Uhr", datetime(2023, 1, 20, 13, 4), id="german dotted date"),
    pytest.param("20 de enero de 2023", date(2023, 1, 20), id="spanish month name"),
    pytest.param(
        "Published 20 Jan 2023, updated 21 Jan 2023",
        date(2023, 1, 20),
        id="published date wins over updated date",
    ),
    pytest.param(
        "By Jane Doe | January 20, 2023", date(2023, 1, 20), id="byline and date on one line"
    ),
    pytest.param("Nov 08, 2025 · 7 min read", date(2025, 11, 8), id="date with reading time"),
]


@pytest.mark.parametrize(("dateline", "expected"), DATELINES)
def test_flattened_dateline_read_and_dropped(dateline: str, expected: datetime | date) -> None:
    result = clean_flattened(page(TITLE, dateline))
    assert result.published == expected
    assert type(result.published) is type(expected)
    assert dateline not in result.paragraphs
    assert list(result.paragraphs) == BODY


UNDATED = [
    pytest.param(
        "Updated 1:04 PM ET, Fri January 20, 2023",
        "only an update date",
        id="an update date is not a publication date",
    ),
    pytest.param("03/04/2023", "without a usable date", id="day and month that could be swapped"),
    pytest.param("Apr 12", "without a usable date", id="date without a year"),
    pytest.param("5 hours ago", None, id="relative date"),
]


@pytest.mark.parametrize(("dateline", "warning"), UNDATED)
def test_flattened_dateline_without_date_gives_none(dateline: str, warning: str | None) -> None:
    result = clean_flattened(page(TITLE, dateline))
    assert result.published is None
    assert dateline not in result.paragraphs
    assert list(result.paragraphs) == BODY
    if warning:
        assert any(warning in w for w in result.warnings)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "The meeting was held on January 20, 2023 in Paris.",
            None,
            id="a sentence that mentions a date is no dateline",
        ),
        pytest.param("Posted on November 6th, 2025", date(2025, 11, 6), id="ordinal day"),
        pytest.param("19-Dec-2025", date(2025, 12, 19), id="dashed day month year"),
        pytest.param(
            "06.18.2025", date(2025, 6, 18), id="dotted date that can only be month first"
        ),
        pytest.param("2023年1月20日", date(2023, 1, 20), id="japanese date"),
    ],
)
def test_dateline_parse(text: str, expected: date | None) -> None:
    found = parse_dateline(text)
    assert (found.value if found else None) == expected


# --- chrome -----------------------------------------------------------------------------------
CHROME = [
    pytest.param(
        [
            (
                "icon bookmark-bicon bookmarkicon cameraicon checkicon chevron downicon "
                "chevron lefticon chevron righticon chevron upicon closeicon v-compressicon"
            )
        ],
        id="icon label run",
    ),
    pytest.param(
        [
            (
                "Best of Breed Showcase Rankings and Research Companies Channelcast "
                "Marketing Matters Events Jobs News Videos Podcasts Newsletters"
            )
        ],
        id="title cased menu run",
    ),
    pytest.param(
        ["Share on Facebook", "Share on Twitter", "Facebook Twitter Email"], id="share buttons"
    ),
    pytest.param(
        [
            (
                "We use cookies to improve your experience on our website. By continuing "
                "to browse you agree to our use of cookies."
            )
        ],
        id="cookie banner sentence",
    ),
    pytest.param(["Accept all cookies", "Manage cookies"], id="cookie buttons"),
    pytest.param(["Sign up for our daily newsletter", "Subscribe now"], id="newsletter prompt"),
    pytest.param(["Advertisement", "Story continues below advertisement"], id="advert labels"),
    pytest.param(["0:00", "26:12", "1:02:33", "0:00 / 3:45"], id="media player timestamps"),
    pytest.param(["Read more: City council approves new cycle lanes"], id="inline read more link"),
    pytest.param(["Related: Tunnel tolls to rise in spring"], id="inline related link"),
    pytest.param(["Photo: Jane Doe/Getty Images"], id="photo credit"),
]


@pytest.mark.parametrize("chrome", CHROME)
def test_flattened_chrome_inside_body_dropped(chrome: list[str]) -> None:
    body = [*BODY[:2], *chrome, *BODY[2:]]
    result = clean_flattened(page(TITLE, "2023-01-20", body=body))
    assert list(result.paragraphs) == BODY


def test_flattened_navigation_column_dropped() -> None:
    result = clean_flattened(page(TITLE))
    assert not set(NAV) & set(result.paragraphs)
    assert list(result.paragraphs) == BODY


TRAILING = [
    pytest.param(("Podcasts", "0:00", "26:12", "0:00", "29:12"), id="podcast player"),
    pytest.param(
        (
            "Comments (12)",
            "Great article, thanks for sharing all of this with us today.",
            "I drive over that bridge every day and it has been falling apart for years.",
        ),
        id="comment thread",
    ),
    pytest.param(("Leave a Reply", "Your email address will not be published."), id="reply form"),
    pytest.param(
        (
            "Related articles",
            "Tunnel tolls to rise in spring",
            "Cyclists celebrate new river path",
            "Ferry operator hires forty new crew",
        ),
        id="related links list",
    ),
    pytest.param(
        (
            "Read More",
            "Most read",
            "Council approves budget after long night",
            "Storm warning issued for the coast",
        ),
        id="most read list",
    ),
    pytest.param(("Tags: transport, bridges, city council",), id="tag line"),
]


@pytest.mark.parametrize("after", TRAILING)
def test_flattened_trailing_widget_dropped(after: tuple[str, ...]) -> None:
    result = clean_flattened(page(TITLE, "2023-01-20", after=after))
    assert list(result.paragraphs) == BODY


def test_flattened_related_box_inside_article_left_out_and_article_kept() -> None:
    body = [
        *BODY[:2],
        "Related stories",
        "Tunnel tolls to rise in spring",
        "Ferry operator hires forty new crew",
        *BODY[2:],
    ]
    result = clean_flattened(page(TITLE, "2023-01-20", body=body))
    assert list(result.paragraphs) == BODY


# --- header: title, standfirst, bylines -------------------------------------------------------
def test_flattened_repeated_headline_is_title_not_body() -> None:
    result = clean_flattened(page(TITLE, "20 Jan, 2023 13:04", TITLE))
    assert result.title == TITLE
    assert TITLE not in result.paragraphs
    assert list(result.paragraphs) == BODY


def test_flattened_title_is_line_above_dateline() -> None:
    result = clean_flattened(page("Transport", TITLE, "By Jane Doe", "January 20, 2023"))
    assert result.title == TITLE


def test_flattened_title_from_breadcrumb() -> None:
    result = clean_flattened(
        page(f"Home > Transport > {TITLE}", "Transport", TITLE, "Share on Facebook")
    )
    assert result.title == TITLE


def test_flattened_standfirst_between_title_and_body() -> None:
    standfirst = "Drivers face a month of diversions as engineers replace corroded cables"
    result = clean_flattened(page(TITLE, standfirst, "By Jane Doe", "2023-01-20"))
    assert result.title == TITLE
    assert result.standfirst == standfirst
    assert standfirst not in result.paragraphs


BYLINES = [
    pytest.param("By Jane Doe", ("Jane Doe",), id="by prefix"),
    pytest.param("Jane Doe | Reuters", ("Jane Doe",), id="name and agency"),
    pytest.param("By Jane Doe, Reuters", ("Jane Doe",), id="by name comma agency"),
    pytest.param("By Jane Doe and John Smith", ("Jane Doe", "John Smith"), id="two authors"),
    pytest.param("Written by: Maria de Souza", ("Maria de Souza",), id="written by with particle"),
    pytest.param("By AFP", (), id="agency only byline has no person"),
    pytest.param(
        "By Jane Doe November 19, 2019, 07:47 PM EST",
        ("Jane Doe",),
        id="byline run into its dateline",
    ),
]


@pytest.mark.parametrize(("byline", "authors"), BYLINES)
def test_flattened_byline_read_and_dropped(byline: str, authors: tuple[str, ...]) -> None:
    result = clean_flattened(page(TITLE, byline, "2023-01-20"))
    assert result.authors == authors
    assert byline not in result.paragraphs
    assert list(result.paragraphs) == BODY


def test_flattened_sentence_starting_with_by_is_body() -> None:
    body = [*BODY[:2], "By contrast, the old ferry terminal will stay open all month.", *BODY[2:]]
    result = clean_flattened(page(TITLE, "2023-01-20", body=body))
    assert list(result.paragraphs) == body
    assert result.authors == ()


def test_flattened_missing_title_warned_not_invented() -> None:
    result = clean_flattened("\n".join(BODY))
    assert result.title is None
    assert "no title found" in result.warnings
    assert result.published is None


# --- clean text and the sample ----------------------------------------------------------------
def test_flattened_clean_wikinews_text_unchanged() -> None:
    paragraphs = [
        "Engineers found the fault last week.",
        *BODY,
        "More to follow.",
        "Harbour bridge at dusk",
    ]
    text = "\n\n".join([TITLE, "2023-01-20", *paragraphs]) + "\n"
    result = clean_flattened(text)
    assert result.title == TITLE
    assert result.published == date(2023, 1, 20)
    assert list(result.paragraphs) == paragraphs
    assert result.standfirst is None


def test_flattened_hard_wrapped_text_rejoined() -> None:
    wrapped = [textwrap.fill(paragraph, width=64) for paragraph in BODY]
    result = clean_flattened("\n\n".join([TITLE, "2023-01-20", *wrapped]))
    assert list(result.paragraphs) == BODY
    assert result.title == TITLE


def test_flattened_sample_article() -> None:
    text = (DEMO / "rt-2023-01-20-us-isis.txt").read_text(encoding="utf-8")
    result = clean_flattened(text)
    assert result.title == "US covertly sponsoring ISIS – Moscow"
    assert result.published == datetime(2023, 1, 20, 13, 4)
    assert result.standfirst == (
        "Washington wants to take revenge on the Taliban for its defeat, "
        "the Russian Foreign Ministry says"
    )
    assert result.paragraphs[0].startswith("The US has been reaching out")
    assert result.paragraphs[-1].endswith("has surpassed $26.7 billion.")
    assert len(result.paragraphs) == 8
    kept = "\n".join(result.paragraphs)
    for dropped in ("icon", "Podcasts", "0:00", "26:12", result.title):
        assert dropped not in kept


# --- no text ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "text", [pytest.param("", id="empty"), pytest.param("  \n\t\n   \n", id="whitespace only")]
)
def test_flattened_empty_input_gives_no_paragraphs(text: str) -> None:
    assert clean_flattened(text).paragraphs == ()


def test_flattened_whitespace_only_document_refused_by_extract() -> None:
    with pytest.raises(SaywhoError):
        extract(RawDocument("blank.txt", b"  \n\t\n"), Settings(detect_language=False))


def test_flattened_chrome_only_page_raises_extraction_error() -> None:
    data = "\n".join([*NAV, *FOOTER]).encode()
    with pytest.raises(ExtractionError):
        extract(RawDocument("menu.txt", data), Settings(detect_language=False))


def test_flattened_extract_uses_cleaner_for_text() -> None:
    text = (DEMO / "rt-2023-01-20-us-isis.txt").read_bytes()
    article = extract(RawDocument("rt.txt", text), Settings(detect_language=False))
    assert article.input_format == "text"
    assert article.title == "US covertly sponsoring ISIS – Moscow"
    assert "Podcasts" not in article.text


# lines of the kinds the cleaner tells apart, so that random pages reach every branch
PAGE_LINES = st.sampled_from(
    [
        *NAV,
        *BODY,
        *FOOTER,
        TITLE,
        "20 Jan, 2023 13:04",
        "By Jane Doe",
        "Jane Doe | Reuters",
        "Related articles",
        "Comments",
        "Apr 12",
        "Home > News > " + TITLE,
        "0:00",
        "Read more",
        "Jane Doe",
        "Updated January 16, 2026",
        "DON'T MISS",
        "thelastfan says:",
        "Next Post",
    ]
)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.one_of(PAGE_LINES, st.text(max_size=120)), max_size=40))
def test_flattened_paragraphs_are_input_text(raw_lines: list[str]) -> None:
    """Whatever the input, the cleaner never raises and only keeps text of the input (a line
    broken off a sentence may be glued back to it, in a paragraph or in the title: whitespace
    before closing punctuation does not count)."""
    text = "\n".join(raw_lines)
    result = clean_flattened(text)

    def squeeze(s: str) -> str:
        return re.sub(r" (?=[,.;:!?)\]’”'])", "", " ".join(s.split()))

    flat = squeeze(text)
    assert all(paragraph and squeeze(paragraph) in flat for paragraph in result.paragraphs)
    assert result.title is None or squeeze(result.title) in flat
