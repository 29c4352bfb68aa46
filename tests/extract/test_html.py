"""HTML extraction: golden real pages, pages written for saywho that reproduce their structure,
then small hand-built pages, one behaviour each."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from saywho.config import Settings
from saywho.errors import ExtractionError
from saywho.extract import extract
from saywho.extract.html import extract_html, recover_split_body
from saywho.extract.page import ExtractedPage
from saywho.model import Article, Hints, RawDocument

#: three pages of the Article Extraction Benchmark (MIT), read where the evaluation data lives
#: (../shared/data, beside the repository); they are not copied into the repository
PAGES = Path(__file__).resolve().parents[3] / "shared" / "data" / "extraction-benchmark" / "html"
#: pages written for saywho around Wikinews texts (CC BY 2.5), shipped with the tests: they
#: reproduce the structure of the three golden pages (tests/fixtures/html/README.md)
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "html"
FAST = Settings(detect_language=False)

# --------------------------------------------------------------------------- real pages


@dataclass(frozen=True)
class Golden:
    file: str
    url: str
    title: str
    published: date | datetime
    authors: tuple[str, ...]
    site: str
    standfirst: str | None
    paragraphs: int  # how many paragraphs, within ±1
    contains: tuple[str, ...]
    not_contains: tuple[str, ...]


GOLDEN = [
    pytest.param(
        Golden(
            file="14cc2a0ca59c62a8c9f205a171e9ccf4ef4cf69b0c642f51c8c65c051b39024f.html.gz",
            url="https://www.sciencealert.com/nasa-finds-water-plumes-above-the-surface-of-jupiter-s-icy-moon-europa",
            title="NASA Just Confirmed There Are Water Plumes Above The Surface of Jupiter's Moon Europa",
            published=date(2019, 11, 18),
            authors=("Victor Tangermann", "Futurism"),
            site="ScienceAlert",
            standfirst=None,
            paragraphs=14,
            contains=(
                "A team led by researchers out of NASA's Goddard Space Flight Center",
                "we've found the next best thing: water in vapor form,",
                "NASA's upcoming Europa Clipper mission",
            ),
            not_contains=(
                "Politics & Society",
                "Privacy Policy",
                "All rights reserved",
                "Artist's impression of the plumes",
            ),
        ),
        id="ScienceAlert article with a byline and a day-only date",
    ),
    pytest.param(
        Golden(
            file="5a822960e9a2cb1e664d334b6c936c5cb6e41fb5331877538c2c8339cb59d57e.html.gz",
            url="https://www.nbcnews.com/news/world/house-hitler-was-born-will-become-police-station-austria-says-n1086531",
            title="House Hitler was born in will become a police station, Austria says",
            published=datetime(2019, 11, 20, 9, 28, tzinfo=UTC),
            authors=("Reuters",),
            site="NBC News",
            standfirst="The government's move aims to prevent building from becoming a pilgrimage "
            "site for neo-Nazis.",
            paragraphs=6,
            contains=(
                "VIENNA — The house where Adolf Hitler was born will be turned into a police station",
                "this building will never again evoke the memory of National Socialism",
                "little resistance to Hitler's rule",
            ),
            not_contains=(
                "Breaking News Emails",
                "Leonhard Foeger / Reuters file",
                "Decision 2020",
                "NBC UNIVERSAL",
            ),
        ),
        id="NBC News wire story keeps its publication time in UTC",
    ),
    pytest.param(
        Golden(
            file="7916ecca969ffdd8f6fc32d171fbe0dd63db40fe4c1d2ade02b1dec5929a162f.html.gz",
            url="https://www.aljazeera.com/news/2019/11/service-members-killed-afghanistan-helicopter-crash-191120070028895.html",
            title="US service members killed in Afghanistan helicopter crash",
            published=date(2019, 11, 20),
            authors=("Al Jazeera",),
            site="Al Jazeera",
            standfirst="The US military says two service members killed while the Taliban claim "
            "responsibility for downing of the helicopter.",
            paragraphs=13,
            contains=(
                "Two United States service members have been killed in a helicopter crash",
                "Hostage swap",
                "More than 2,500 Afghan civilians have been killed",
            ),
            not_contains=("Toggle navigation", "Featured Documentaries", "SOURCE: News agencies"),
        ),
        id="Al Jazeera story drops its trailing source line and the menus",
    ),
]


@pytest.mark.parametrize("case", GOLDEN)
def test_html_golden_page(case: Golden) -> None:
    path = PAGES / case.file
    assert path.is_file(), (
        f"{path}: the extraction benchmark is not beside the repository (../shared/data)"
    )
    check_golden(case, path.read_bytes())


def check_golden(case: Golden, data: bytes) -> Article:
    article = extract(RawDocument(case.file, data=data, hints=Hints(url=case.url)), FAST)

    assert article.input_format == "html"
    assert article.title == case.title
    assert article.published == case.published
    assert article.authors == case.authors
    assert article.site == case.site
    assert article.url == case.url
    assert article.standfirst == case.standfirst
    assert abs(len(article.paragraphs) - case.paragraphs) <= 1
    for snippet in case.contains:
        assert snippet in article.text, snippet
    for snippet in case.not_contains:
        assert snippet not in article.text, snippet
    # paragraphs are the page's own: none is the headline, none is empty
    assert all(p.strip() and p != case.title for p in article.paragraph_texts())
    return article


# --------------------------------------------------------------------------- written pages

#: the Wikinews attribution each page carries in its footer: never article text
LICENCE = ("Wikinews", "CC BY 2.5", "creativecommons.org")

SCIENCE = Golden(
    file="syndicated-science-byline.html",
    url="https://labnotes.example.org/upside-down-rivers-of-warm-water-break-antarctic-ice-shelves",
    title="Scientists describe how 'upside-down rivers' of warm water break Antarctica's ice shelf",
    published=date(2019, 10, 12),
    authors=("Nora Whitfield", "Coldfront"),
    site="LabNotes",
    standfirst=None,  # og:description is the first paragraph again
    paragraphs=6,
    contains=(
        "In findings published Wednesday in Science Advances, researchers from the "
        "University of Colorado at Boulder",
        'creating what the scientists describe as an "upside-down river"',
        "freeing the ice sheet to ride out faster into the ocean.",
    ),
    not_contains=(
        "Society & Culture",
        "Privacy Policy",
        "All rights reserved",
        "Open water off the Antarctic coast, seen from orbit",
        "NORA WHITFIELD",
        "12 OCT 2019",
        *LICENCE,
    ),
)

WIRE = Golden(
    file="wire-story-dek-signup.html",
    url="https://news.ledger.example.org/world/"
    "uk-urges-us-to-waive-immunity-diplomats-wife-n20191010",
    title="UK urges US to waive immunity for diplomat's wife involved in fatal collision",
    # the page writes 10:28 at +01:00, the same instant (compared as aware datetimes)
    published=datetime(2019, 10, 10, 9, 28, tzinfo=UTC),
    authors=("Harbour Wire",),
    site="Evening Ledger",
    standfirst="The prime minister says immunity should not be used this way after a "
    "teenage motorcyclist died near an air base.",
    paragraphs=8,
    contains=(
        "LONDON — On Monday, Prime Minister Boris Johnson joined the calls",
        "I do not think that it can be right to use the process of diplomatic immunity",
        "She’s left a family in complete ruin. We’re broken.",
    ),
    not_contains=(
        "Ledger Alerts by Email",
        "Get the day's biggest stories",
        "Tom Avery / Harbour Wire file",
        "The main gate of RAF Croughton",
        "Election Centre 2019",
        "By Harbour Wire",
        "10:28 AM BST",
        "LEDGER MEDIA GROUP",
        *LICENCE,
    ),
)

AGENCY = Golden(
    file="agency-story-source-line.html",
    url="https://www.crescent.example.org/news/2019/11/"
    "coalition-no-casualties-missile-strike-iraqi-air-base-191110081544201.html",
    title="Coalition authorities report no casualties from missile strike on Iraqi air base",
    published=date(2019, 11, 10),  # JSON-LD "10 Nov 2019 08:15 GMT" is not ISO 8601
    authors=("Crescent News",),
    site="Crescent News",
    standfirst="Rockets struck near a base housing US personnel near Mosul as "
    "anti-government protests go on in Baghdad and the south.",
    paragraphs=7,
    contains=(
        "On Friday, the Combined Joint Task Force Operation Inherent Resolve",
        "Protests continue",
        "There are reportedly about 5000 U.S. troops now in the country.",
    ),
    not_contains=(
        "Toggle navigation",
        "Spotlight Documentaries",
        "Featured Videos",
        "the night shift at a Basra clinic",
        "More:",
        "Protesters hold bridges in central Baghdad",
        "SOURCE",
        "News agencies",
        "Coalition forces have been in Iraq at the invitation of its government since 2014",
        "Sign up for our",
        "Crescent Media Network",
        *LICENCE,
    ),
)

WRITTEN = [
    pytest.param(
        SCIENCE,
        id="syndicated story with a person-and-partner byline and a day-only date (ScienceAlert)",
    ),
    pytest.param(
        WIRE, id="wire story signed by the agency, with a dek and a time in +01:00 (NBC News)"
    ),
    pytest.param(
        AGENCY,
        id="agency story keeps its subheading, drops its source line and the menus (Al Jazeera)",
    ),
]


@pytest.mark.parametrize("case", WRITTEN)
def test_html_fixture_page(case: Golden) -> None:
    """The golden pages' behaviours, on pages the project may ship (no ../shared needed)."""
    article = check_golden(case, (FIXTURES / case.file).read_bytes())
    assert type(article.published) is type(case.published)  # a day stays a day, a time a time


def test_html_fixture_wire_time_keeps_the_pages_zone() -> None:
    """A time is kept in the zone the page wrote it in (+01:00), not moved to UTC."""
    data = (FIXTURES / WIRE.file).read_bytes()
    article = extract(RawDocument(WIRE.file, data=data, hints=Hints(url=WIRE.url)), FAST)
    assert isinstance(article.published, datetime)
    assert article.published.utcoffset() == timedelta(hours=1)
    assert article.published.astimezone(UTC) == datetime(2019, 10, 10, 9, 28, tzinfo=UTC)


def test_html_fixture_pages_are_small_and_attributed() -> None:
    """Each written page stays a few KB and names its Wikinews source and licence."""
    pages = sorted(FIXTURES.glob("*.html"))
    assert [p.name for p in pages] == sorted(c.file for c in (SCIENCE, WIRE, AGENCY))
    for page_path in pages:
        html = page_path.read_text(encoding="utf-8")
        assert len(html.encode("utf-8")) < 16_000, page_path.name
        assert "https://en.wikinews.org/wiki/" in html and "CC BY 2.5" in html, page_path.name


# --------------------------------------------------------------------------- hand-built pages

PARAGRAPHS = [
    (
        "The minister said on Monday that talks with the unions would resume in Geneva next week, "
        "after a month in which neither side had been willing to meet."
    ),
    (
        "Union leaders welcomed the announcement but warned that the strike would go ahead unless "
        "the government withdrew its proposal to raise the retirement age."
    ),
    (
        "“We have always been ready to talk,” the union's general secretary told reporters outside "
        "the ministry, adding that members would vote on any offer."
    ),
    (
        "The strike, the third this year, is expected to close schools and disrupt rail services "
        "across the country for at least two days."
    ),
]
MORE = [
    (
        "Talks broke down in February when the government published its reform bill without "
        "consulting the unions, which called the move a provocation."
    ),
    (
        "A poll published on Sunday found that two thirds of voters support the strike, though "
        "most said they expected the government to win the vote in parliament."
    ),
]


def page(head: str = "", body: str = "", *, paragraphs: list[str] = PARAGRAPHS) -> str:
    """A small news page: `head` goes in <head>, `body` above the article's paragraphs."""
    ps = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f"<!DOCTYPE html><html><head><meta charset='utf-8'>{head}</head><body>"
        "<nav><a href='/'>Home</a> <a href='/world'>World</a></nav>"
        f"<article>{body}{ps}</article><footer>© 2024 Daily Planet</footer></body></html>"
    )


def json_ld(**fields: object) -> str:
    return f'<script type="application/ld+json">{json.dumps({"@type": "NewsArticle", **fields})}</script>'


def run(html: str, url: str | None = "https://planet.example/2024/talks") -> ExtractedPage:
    return extract_html(html, source="test.html", url=url)


PLUS_ONE = timezone(timedelta(hours=1))


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        pytest.param(
            page(json_ld(datePublished="2024-03-04T15:30:00+01:00")),
            datetime(2024, 3, 4, 15, 30, tzinfo=PLUS_ONE),
            id="JSON-LD datePublished keeps its time and zone",
        ),
        pytest.param(
            page('<meta property="article:published_time" content="2024-03-04T14:30:00Z">'),
            datetime(2024, 3, 4, 14, 30, tzinfo=UTC),
            id="article:published_time in UTC keeps its zone",
        ),
        pytest.param(
            page(body='<time datetime="2024-03-04T09:05:00-05:00">March 4, 2024</time>'),
            datetime(2024, 3, 4, 9, 5, tzinfo=timezone(timedelta(hours=-5))),
            id="a time element adds the time to the day htmldate found",
        ),
        pytest.param(
            page(json_ld(datePublished="2024-03-04")),
            date(2024, 3, 4),
            id="a day without a time stays a date",
        ),
        pytest.param(
            page(json_ld(datePublished="2024-03-04T00:00:00+00:00")),
            date(2024, 3, 4),
            id="midnight exactly is read as a day only",
        ),
        pytest.param(page(), None, id="a page without any date has none"),
    ],
)
def test_html_published(html: str, expected: date | datetime | None) -> None:
    published = run(html).published
    assert published == expected
    assert type(published) is type(expected)
    if isinstance(expected, datetime):
        assert published.utcoffset() == expected.utcoffset()  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        pytest.param(
            page(
                "<title>Talks to resume in Geneva | Daily Planet</title>"
                '<meta property="og:title" content="Talks to resume in Geneva">'
            ),
            "Talks to resume in Geneva",
            id="og:title wins over a title element with the site appended",
        ),
        pytest.param(
            page(
                "<title>Talks to resume in Geneva | Daily Planet</title>"
                '<meta property="og:site_name" content="Daily Planet">'
            ),
            "Talks to resume in Geneva",
            id="the site's name is cut from the title element",
        ),
        pytest.param(
            page("<title>Talks to resume in Geneva - planet</title>"),
            "Talks to resume in Geneva",
            id="a suffix naming the domain is cut",
        ),
        pytest.param(
            page(
                '<meta property="og:title" content="Talks to resume in Geneva next week - Daily Planet">',
                "<h1>Talks to resume in Geneva next week</h1>",
            ),
            "Talks to resume in Geneva next week",
            id="the h1 headline wins when the meta title contains it",
        ),
        pytest.param(
            page(
                '<meta property="og:title" content="Unions and minister agree to meet">',
                "<h1>Daily Planet</h1><h1>Sport</h1>",
            ),
            "Unions and minister agree to meet",
            id="an h1 that is only the site's logo is not the title",
        ),
        pytest.param(
            page("<title>Election 2024 - the results</title>"),
            "Election 2024 - the results",
            id="a dash inside a title that names no site is kept",
        ),
    ],
)
def test_html_title(html: str, expected: str) -> None:
    assert run(html).title == expected


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        pytest.param(
            page(
                '<meta property="og:description" content="Unions threaten a third strike this year.">'
            ),
            "Unions threaten a third strike this year.",
            id="standfirst from og:description",
        ),
        pytest.param(
            page('<meta name="description" content="Unions threaten a third strike this year.">'),
            "Unions threaten a third strike this year.",
            id="standfirst from the meta description",
        ),
        pytest.param(
            page('<meta property="og:description" content="Read our coverage.">').replace(
                "<article>",
                '<header><h1>Talks to resume</h1><h2 class="article-dek">Unions '
                "threaten a third strike, the minister offers talks.</h2></header><article>",
            ),
            "Unions threaten a third strike, the minister offers talks.",
            id="the standfirst printed under the headline wins over the meta description",
        ),
        pytest.param(
            page(f'<meta property="og:description" content="{PARAGRAPHS[0][:90]}...">'),
            None,
            id="standfirst dropped when it is the first paragraph cut short",
        ),
        pytest.param(
            page(f'<meta property="og:description" content="{PARAGRAPHS[0]}">'),
            None,
            id="standfirst dropped when it equals the first paragraph",
        ),
    ],
)
def test_html_standfirst(html: str, expected: str | None) -> None:
    assert run(html).standfirst == expected


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        pytest.param(
            page(
                json_ld(
                    author=[
                        {"@type": "Person", "name": "Jane Doe"},
                        {"@type": "Person", "name": "John Roe"},
                    ]
                )
            ),
            ("Jane Doe", "John Roe"),
            id="two JSON-LD authors are two authors",
        ),
        pytest.param(
            page('<meta name="author" content="By Jane Doe and John Roe">'),
            ("Jane Doe", "John Roe"),
            id="a meta author 'By A and B' is split and loses its By",
        ),
        pytest.param(
            page('<meta name="author" content="Jane Doe, Senior Reporter">'),
            ("Jane Doe",),
            id="a job title after the name is dropped",
        ),
        pytest.param(
            page(
                '<meta property="og:site_name" content="Daily Planet">'
                '<meta name="author" content="Jane Doe; Daily Planet; jane@planet.example">'
            ),
            ("Jane Doe",),
            id="the site's name and an email are dropped next to a person",
        ),
        pytest.param(
            page(
                '<script type="application/ld+json">{"@graph": ['
                '{"@type": "NewsArticle", "author": {"@id": "#jane"}},'
                '{"@type": "Person", "@id": "#jane", "name": "Jane Doe"}]}</script>'
            ),
            ("Jane Doe",),
            id="a JSON-LD author given by reference is resolved",
        ),
        pytest.param(
            page(
                body='<div class="meta"><span>Written by</span> <a href="/jane">Jane Doe</a></div>'
            ),
            ("Jane Doe",),
            id="a visible 'Written by' line names the author",
        ),
        pytest.param(page(), (), id="a page naming nobody has no authors"),
    ],
)
def test_html_authors(html: str, expected: tuple[str, ...]) -> None:
    assert run(html).authors == expected


def test_html_site_and_canonical_url() -> None:
    html = page(
        '<meta property="og:site_name" content="Daily Planet">'
        '<link rel="canonical" href="https://planet.example/2024/03/talks">'
    )
    result = run(html, url="https://planet.example/2024/03/talks?utm_source=feed")
    assert result.site == "Daily Planet"
    assert result.url == "https://planet.example/2024/03/talks"


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        pytest.param(
            page(
                paragraphs=[
                    *PARAGRAPHS[:2],
                    "Line one of the statement.<br>Line two of it, which the union issued later.",
                    *PARAGRAPHS[2:],
                ]
            ),
            [
                *PARAGRAPHS[:2],
                "Line one of the statement.",
                "Line two of it, which the union issued later.",
                *PARAGRAPHS[2:],
            ],
            id="a br inside a paragraph starts a new paragraph",
        ),
        pytest.param(
            page(body="<h1>Talks to resume</h1>", head="<title>Talks to resume</title>"),
            PARAGRAPHS,
            id="the headline is not repeated as the first paragraph",
        ),
        pytest.param(
            page(paragraphs=[*PARAGRAPHS, "Share this article", "Comments"]),
            PARAGRAPHS,
            id="share and comment widgets are dropped",
        ),
        pytest.param(
            page(paragraphs=[*PARAGRAPHS, "Reporting by Jane Doe; Editing by John Roe"]),
            PARAGRAPHS,
            id="a wire credit line at the end is dropped",
        ),
        pytest.param(
            page(paragraphs=[*PARAGRAPHS, *MORE, *PARAGRAPHS, *MORE]),
            [*PARAGRAPHS, *MORE],
            id="the article picked up twice keeps one copy",
        ),
    ],
)
def test_html_paragraphs(html: str, expected: list[str]) -> None:
    assert list(run(html).paragraphs) == expected


def test_html_paragraphs_list_items_are_paragraphs() -> None:
    items = [
        "Schools in the capital will close on Thursday.",
        "Trains will run a reduced timetable.",
        "Hospitals keep emergency staff.",
    ]
    html = page(paragraphs=PARAGRAPHS[:2]).replace(
        "</article>", "<ul>" + "".join(f"<li>{i}</li>" for i in items) + "</ul></article>"
    )
    paragraphs = list(run(html).paragraphs)
    assert paragraphs[-3:] == items


def test_html_paragraphs_short_lines_repeated_on_purpose_are_kept() -> None:
    meal = [
        "Breakfast",
        "Portion: 1 green, 1 red container.",
        "Lunch",
        "Portion: 1 green, 1 red container.",
    ]
    paragraphs = list(run(page(paragraphs=[*PARAGRAPHS, *meal, *meal])).paragraphs)
    assert paragraphs.count("Portion: 1 green, 1 red container.") == 4


def test_html_split_body_chunks_are_joined() -> None:
    """A body cut into same-class chunks between ads: the other chunks' paragraphs are added."""
    from lxml import html as lxml_html

    chunk = '<div class="chunk"><div class="body__inner">{}</div><div class="rail">Ad</div></div>'
    tree = lxml_html.fromstring(
        "<html><body><main>"
        + chunk.format("".join(f"<p>{p}</p>" for p in PARAGRAPHS[:2]))
        + '<aside class="promo"><p>Subscribe to the Daily Planet for one euro a week.</p></aside>'
        + chunk.format("".join(f"<p>{p}</p>" for p in PARAGRAPHS[2:]))
        + "</main></body></html>"
    )
    assert recover_split_body(tree, PARAGRAPHS[:2]) == PARAGRAPHS


def test_html_split_body_unrelated_blocks_are_not_added() -> None:
    from lxml import html as lxml_html

    tree = lxml_html.fromstring(
        "<html><body><article>" + "".join(f"<p>{p}</p>" for p in PARAGRAPHS) + "</article>"
        '<div class="teaser"><p>Another story about a different strike, told at length here, '
        "with enough words to look like an article.</p></div>" * 3 + "</body></html>"
    )
    assert recover_split_body(tree, PARAGRAPHS) == PARAGRAPHS


# --------------------------------------------------------------------------- awkward input


def test_html_broken_markup_still_extracts() -> None:
    html = (
        "<html><head><title>Talks to resume</title><body><div><p>"
        + PARAGRAPHS[0]
        + "<p>"
        + PARAGRAPHS[1]
        + "<div><b>"
        + PARAGRAPHS[2]
        + "</i><p>"
        + PARAGRAPHS[3]
        + "</span></table>"
    )
    result = run(html)
    assert PARAGRAPHS[1] in result.paragraphs
    assert PARAGRAPHS[3] in result.paragraphs


@pytest.mark.parametrize(
    "html",
    [
        pytest.param(
            "<html><body><nav><a href='/'>Home</a></nav></body></html>",
            id="a page with only a menu",
        ),
        pytest.param(
            "<html><head><title>Error</title></head><body></body></html>", id="an empty page"
        ),
        pytest.param("just some words, not markup", id="text that is not HTML"),
    ],
)
def test_html_no_article_raises_extraction_error(html: str) -> None:
    with pytest.raises(ExtractionError) as info:
        run(html)
    assert "test.html" in str(info.value)


def test_html_third_party_failure_becomes_extraction_error(monkeypatch: pytest.MonkeyPatch) -> None:
    import trafilatura

    def explode(*args: object, **kwargs: object) -> None:
        raise ValueError("lxml said no")

    monkeypatch.setattr(trafilatura, "bare_extraction", explode)
    with pytest.raises(ExtractionError) as info:
        run(page())
    assert isinstance(info.value.__cause__, ValueError)


def test_html_meta_charset_that_lies_is_overruled() -> None:
    """The page says Latin-1 but its bytes are UTF-8: the text must not turn into mojibake."""
    text = "Le café de la gare a rouvert, a déclaré le maire à la presse lundi matin."
    html = page(paragraphs=[text, *PARAGRAPHS]).replace(
        "<meta charset='utf-8'>", '<meta charset="iso-8859-1">'
    )
    article = extract(RawDocument("lying.html", data=html.encode("utf-8")), FAST)
    assert article.paragraph_texts()[0] == text
