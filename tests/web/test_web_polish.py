"""Details of the pages a reader sees: quotation marks, cues, readable dates, aliases, the chart's
axis and caption, the favicon."""

from __future__ import annotations

import itertools
import xml.etree.ElementTree as ET
from datetime import date, datetime
from typing import Any

import lxml.html
import pytest

from saywho.web.charts import timeline_svg
from saywho.web.pages import other_names, readable_date, templates


def macro(name: str) -> Any:
    return getattr(templates.env.get_template("macros.html").module, name)


def text_of(markup: object) -> str:
    return str(lxml.html.fragment_fromstring(str(markup), create_parent="div").text_content())


QUOTES = [
    ("Yes, there is such data.", "“Yes, there is such data.”", "a plain content gets both marks"),
    ("acting this way “because they want revenge,”", "“acting this way “because they want revenge,”",
     "a content that closes its own quotation gets no second closing mark"),
    ("“They want revenge on the Taliban,", "“They want revenge on the Taliban,”",
     "a content that opens its own quotation gets no second opening mark"),
    ("“They want revenge.”", "“They want revenge.”", "a content quoted at both ends gets nothing"),
    ("“Peace,” he said, “is near”.", "“Peace,” he said, “is near”.",
     "a closing mark before the final stop counts as the end"),
]  # fmt: skip


@pytest.mark.parametrize(("content", "shown", "_label"), QUOTES, ids=[q[2] for q in QUOTES])
def test_polish_quoted_never_doubles_a_quotation_mark(
    content: str, shown: str, _label: str
) -> None:
    markup = str(macro("quoted")(content))
    if content[0] not in "“" and content.rstrip(".,")[-1] != "”":
        # <q> draws its marks with CSS: the text itself has none
        assert markup.startswith("<q") and text_of(markup) == content
    else:
        assert "<q" not in markup and text_of(markup) == shown


def test_polish_snippet_highlights_are_not_quotation_marks() -> None:
    quoted = macro("quoted")
    marks = templates.env.globals["SNIPPET_QUOTE_MARKS"]
    # neither end holds a quotation mark, so <q> draws both
    assert str(quoted("«bridge» reopened", marks=marks)).startswith("<q")
    assert not str(quoted("«bridge» reopened")).startswith("<q")


@pytest.mark.parametrize(
    ("cue", "shown"),
    [("said", "said:"), ("has said", "has said:"), ("–", "–"), (":", ":"), ("—", "—")],
    ids=["a verb takes a colon", "a verb group takes a colon", "a dash takes none",
         "a colon takes no second one", "an em dash takes none"],
)  # fmt: skip
def test_polish_cue_colon_only_after_words(cue: str, shown: str) -> None:
    assert text_of(macro("cue")(cue)) == shown


@pytest.mark.parametrize(
    ("value", "time", "shown"),
    [
        ("2023-01-20T13:04", True, "20 Jan 2023, 13:04"),
        ("2023-01-20T13:04:00", False, "20 Jan 2023"),
        ("2024-05-01", True, "1 May 2024"),
        (datetime(2024, 12, 9, 7, 5), True, "9 Dec 2024, 07:05"),
        (date(2021, 6, 1), True, "1 Jun 2021"),
        ("sometime in 2020", True, "sometime in 2020"),
        (None, True, ""),
    ],
    ids=["a date and time", "a date and time, date only", "a date", "a datetime object",
         "a date object", "no ISO date stays as it is", "nothing stays nothing"],
)  # fmt: skip
def test_polish_readable_date(value: object, time: bool, shown: str) -> None:
    assert readable_date(value, time) == shown


def test_polish_when_keeps_the_iso_value_for_machines() -> None:
    tree = lxml.html.fragment_fromstring(str(macro("when")("2023-01-20T13:04")))
    assert (tree.tag, tree.get("datetime"), tree.text) == ("time", "2023-01-20T13:04",
                                                            "20 Jan 2023, 13:04")  # fmt: skip
    assert str(macro("when")(None)) == ""


def test_polish_other_names_drop_the_canonical_name() -> None:
    assert other_names(
        ["Zamir Kabulov", "zamir  kabulov", "Kabulov", "Kabulov"], "Zamir Kabulov"
    ) == ["Kabulov"]


def test_polish_speaker_page_hides_aliases_and_dates_are_readable(
    web_client: Any, ids: dict[str, int]
) -> None:
    path = f"/speakers/{ids['Zamir Kabulov']}"
    data = web_client.get("/api/v1" + path).json()
    tree = lxml.html.fromstring(web_client.get(path).text)
    aliases = tree.xpath("//p[@id='aliases']")
    others = [a for a in data["aliases"] if a.casefold() != data["name"].casefold()]
    if others:
        assert data["name"] not in aliases[0].text_content().split(": ", 1)[1].split(", ")
    else:
        assert aliases == []
    times = tree.xpath("//ol[@id='claims']//time")
    assert times and all(t.get("datetime")[:4].isdigit() and "-" not in t.text for t in times)
    # the chart's title is in the chart; no caption repeats it
    assert tree.xpath("//figure[@id='timeline']/figcaption") == []


@pytest.mark.parametrize(
    ("highest", "labels"),
    [(1, [0, 1]), (3, [0, 1, 2, 3]), (4, [0, 1, 2, 3, 4]), (7, [0, 2, 4, 6, 8]),
     (17, [0, 5, 10, 15, 20]), (230, [0, 50, 100, 150, 200, 250])],
    ids=["one", "three", "four", "seven", "seventeen", "two hundred and thirty"],
)  # fmt: skip
def test_polish_chart_y_axis_has_round_steps(highest: int, labels: list[int]) -> None:
    timeline = {"unit": "month", "buckets": [{"period": "2024-01", "counts": {"neutral": highest}}]}
    root = ET.fromstring(str(timeline_svg(timeline, "Per month")))
    # the y labels are the texts anchored at their end (right-aligned against the axis)
    ticks = [(t.text, float(t.get("y", 0))) for t in root.iter("{http://www.w3.org/2000/svg}text")
             if t.get("text-anchor") == "end"]  # fmt: skip
    assert [label for label, _ in ticks] == [str(n) for n in labels]
    heights = [y for _, y in ticks]  # evenly spaced, 0 at the bottom
    gaps = {round(a - b, 1) for a, b in itertools.pairwise(heights)}
    assert len(gaps) == 1 and gaps.pop() > 0


def test_polish_pages_link_a_favicon_that_is_served(web_client: Any) -> None:
    for path in ("/", "/api/docs"):
        tree = lxml.html.fromstring(web_client.get(path).text)
        (href,) = tree.xpath("//link[@rel='icon']/@href")
        icon = web_client.get(href)
        assert icon.status_code == 200 and icon.headers["content-type"].startswith("image/svg+xml")
        ET.fromstring(icon.text)  # well-formed SVG
