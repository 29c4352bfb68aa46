"""SVG timelines drawn on the server: stacked bars per period, axes, legend, escaped labels."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date

import pytest

from saywho.store.browse import timeline_buckets
from saywho.web.charts import STANCE_COLOURS, timeline_svg

SVG = "{http://www.w3.org/2000/svg}"


def parse(markup: str) -> ET.Element:
    return ET.fromstring(markup)


def test_charts_stack_one_bar_per_period_and_stance() -> None:
    timeline = {"unit": "month", "undated": 0, "buckets": [
        {"period": "2024-01", "counts": {"neutral": 2, "denying": 1}},
        {"period": "2024-02", "counts": {}},
        {"period": "2024-03", "counts": {"accusing": 4}},
    ]}  # fmt: skip
    root = parse(str(timeline_svg(timeline, "Per month")))
    bars = [r for r in root.iter(f"{SVG}rect") if r.get("data-stance")]
    assert [(r.get("data-stance"), r.findtext(f"{SVG}title")) for r in bars] == [
        ("neutral", "2024-01: 2 neutral"), ("denying", "2024-01: 1 denying"),
        ("accusing", "2024-03: 4 accusing"),
    ]  # fmt: skip
    heights = {r.findtext(f"{SVG}title"): float(r.get("height", 0)) for r in bars}
    # heights are proportional to counts: 4 is twice 2
    assert heights["2024-03: 4 accusing"] == pytest.approx(
        2 * heights["2024-01: 2 neutral"], abs=0.2
    )
    assert all(r.get("fill") == STANCE_COLOURS[r.get("data-stance", "")] for r in bars)
    labels = [t.text for t in root.iter(f"{SVG}text")]
    assert {"2024-01", "2024-02", "2024-03", "month", "attributions", "Per month"} <= set(labels)
    assert {"neutral", "denying", "accusing"} <= set(labels)  # the legend


def test_charts_use_no_style_attributes_or_scripts() -> None:
    markup = str(
        timeline_svg(
            {"unit": "week", "buckets": [{"period": "2024-01-01", "counts": {"other": 1}}]}
        )
    )
    assert "style=" not in markup and "<script" not in markup


def test_charts_escape_labels() -> None:
    timeline = {"unit": "<b>", "buckets": [{"period": "<script>", "counts": {"x<y": 1}}]}
    markup = str(timeline_svg(timeline, title="</svg><script>alert(1)</script>"))
    assert "<script>" not in markup and "<b>" not in markup
    parse(markup)  # still well-formed


def test_charts_empty_timeline_says_so() -> None:
    root = parse(str(timeline_svg({"unit": "month", "buckets": [], "undated": 3})))
    assert "no dated attributions" in [t.text for t in root.iter(f"{SVG}text")]


@pytest.mark.parametrize(
    ("days", "unit", "periods"),
    [
        pytest.param([date(2024, 1, 3), date(2024, 1, 17)], "week", ["2024-01-01", "2024-01-08", "2024-01-15"],
                     id="a short span is cut into weeks starting on Monday"),
        pytest.param([date(2023, 11, 30), date(2024, 2, 1)], "week", None, id="nine weeks stay weeks"),
        pytest.param([date(2023, 1, 1), date(2024, 2, 1)], "month", None, id="a long span is cut into months"),
        pytest.param([date(2023, 12, 31), date(2024, 1, 1)], "week", ["2023-12-25", "2024-01-01"],
                     id="weeks cross the year"),
    ],
)  # fmt: skip
def test_charts_timeline_buckets_cover_every_period(
    days: list[date], unit: str, periods: list[str] | None
) -> None:
    result = timeline_buckets([(d, "neutral", 1) for d in days] + [(None, "neutral", 2)])
    assert result.unit == unit and result.undated == 2
    labels = [b.period for b in result.buckets]
    if periods is not None:
        assert labels == periods
    assert sum(b.counts.get("neutral", 0) for b in result.buckets) == len(days)
    assert labels == sorted(labels) and len(labels) == len(set(labels))


def test_charts_months_roll_over_december() -> None:
    result = timeline_buckets(
        [(date(2023, 11, 5), "denying", 1), (date(2024, 2, 9), "denying", 1)], "month"
    )
    assert [b.period for b in result.buckets] == ["2023-11", "2023-12", "2024-01", "2024-02"]
    assert result.totals() == {"2023-11": 1, "2024-02": 1}  # the periods with any, as the CLI
