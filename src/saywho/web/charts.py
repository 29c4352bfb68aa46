"""Charts drawn on the server as SVG markup (no JavaScript, no network, no inline style).

    svg = timeline_svg(detail["timeline"], title="Attributions per month")

Colours are presentation attributes (``fill="…"``), which the page's Content-Security-Policy
allows where ``style=`` would not; every label is escaped.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from markupsafe import Markup, escape

#: one colour per stance, also used by the legend in the CSS (static/saywho.css)
STANCE_COLOURS = {
    "neutral": "#8c96a0",
    "factive": "#2a9d8f",
    "estimating": "#e9c46a",
    "distancing": "#f4a261",
    "accusing": "#e76f51",
    "denying": "#7b2cbf",
    "other": "#264653",
}
WIDTH, HEIGHT = 720, 260
LEFT, RIGHT, TOP, BOTTOM = 44, 150, 28, 52


#: colours for series with no colour of their own (outlets), in order of first use
PALETTE = ("#1d3557", "#e63946", "#2a9d8f", "#f4a261", "#7b2cbf", "#457b9d", "#b5838d",
           "#606c38", "#e9c46a", "#8c96a0")  # fmt: skip


def _series_order(buckets: Sequence[Mapping[str, Any]], colours: Mapping[str, str]) -> list[str]:
    seen = {s for b in buckets for s, n in b["counts"].items() if n}
    known = [s for s in colours if s in seen]
    return known + sorted(seen - set(colours))


def _ticks(value: int) -> list[int]:
    """Y axis ticks from 0 in a round step (1, 2 or 5 × a power of ten), at most five steps,
    the last at or above `value`: 4 → 0 1 2 3 4, 7 → 0 2 4 6 8, 17 → 0 5 10 15 20.

    >>> _ticks(3), _ticks(12), _ticks(230)
    ([0, 1, 2, 3], [0, 5, 10, 15], [0, 50, 100, 150, 200, 250])
    """
    value = max(value, 1)
    power = 1
    while True:
        for m in (1, 2, 5):
            step = m * power
            steps = -(-value // step)  # ceiling
            if steps <= 5:
                return [i * step for i in range(steps + 1)]
        power *= 10


def timeline_svg(timeline: Mapping[str, Any], title: str = "Attributions over time",
                 colours: Mapping[str, str] = STANCE_COLOURS, measure: str = "attributions",
                 chart_id: str = "chart") -> Markup:  # fmt: skip
    """Stacked bars, one per period (day, week or month), one colour per series (stances by
    default), with axes and a legend; `measure` labels the y axis."""
    buckets: Sequence[Mapping[str, Any]] = timeline.get("buckets", [])
    unit = str(timeline.get("unit", "month"))
    stances = _series_order(buckets, colours)
    attr = "data-stance" if colours is STANCE_COLOURS else "data-series"
    if colours is not STANCE_COLOURS:  # series without a colour take the palette's, in order
        colours = {**colours}
        for name in stances:
            colours.setdefault(name, PALETTE[len(colours) % len(PALETTE)])
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    totals = [sum(int(n) for n in b["counts"].values()) for b in buckets]
    ticks = _ticks(max(totals, default=0))
    top = ticks[-1]
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="{WIDTH}" height="{HEIGHT}" role="img" aria-labelledby="{chart_id}-title" '
        f'class="chart" id="{chart_id}">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<text x="{LEFT}" y="16" font-size="13" font-weight="bold" fill="#222">{escape(title)}</text>',
    ]
    # y axis: every tick with a grid line
    for value in ticks:
        y = TOP + plot_h - plot_h * value / top
        out.append(f'<line x1="{LEFT}" y1="{y:.1f}" x2="{LEFT + plot_w}" y2="{y:.1f}" '
                   f'stroke="#ddd" stroke-width="1"/>')  # fmt: skip
        out.append(f'<text x="{LEFT - 6}" y="{y + 4:.1f}" font-size="11" text-anchor="end" '
                   f'fill="#444">{value}</text>')  # fmt: skip
    out.append(f'<text x="12" y="{TOP + plot_h / 2:.1f}" font-size="11" fill="#444" text-anchor="middle" '
               f'transform="rotate(-90 12 {TOP + plot_h / 2:.1f})">{escape(measure)}</text>')  # fmt: skip
    out.append(f'<line x1="{LEFT}" y1="{TOP + plot_h}" x2="{LEFT + plot_w}" y2="{TOP + plot_h}" '
               f'stroke="#444" stroke-width="1"/>')  # fmt: skip
    if not buckets:
        out.append(f'<text x="{LEFT + plot_w / 2:.1f}" y="{TOP + plot_h / 2:.1f}" font-size="12" '
                   f'text-anchor="middle" fill="#666">no dated {escape(measure)}</text>')  # fmt: skip
    slot = plot_w / max(len(buckets), 1)
    bar = max(min(slot * 0.7, 40), 1.0)
    every = max(1, len(buckets) // 8)  # at most about eight x labels, so they never overlap
    for i, bucket in enumerate(buckets):
        x = LEFT + i * slot + (slot - bar) / 2
        y = TOP + plot_h
        period = escape(bucket["period"])
        for stance in stances:
            n = int(bucket["counts"].get(stance, 0))
            if not n:
                continue
            h = plot_h * n / top
            y -= h
            out.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{h:.1f}" '
                f'fill="{colours.get(stance, "#999")}" {attr}="{escape(stance)}">'
                f"<title>{period}: {n} {escape(stance)}</title></rect>"
            )
        if i % every == 0:
            cx = LEFT + i * slot + slot / 2
            out.append(f'<text x="{cx:.1f}" y="{TOP + plot_h + 16}" font-size="10" '
                       f'text-anchor="middle" fill="#444">{period}</text>')  # fmt: skip
    out.append(f'<text x="{LEFT + plot_w / 2:.1f}" y="{HEIGHT - 8}" font-size="11" '
               f'text-anchor="middle" fill="#444">{escape(unit)}</text>')  # fmt: skip
    out.append('<g class="chart-legend">')
    for i, stance in enumerate(stances):
        ly = TOP + 4 + i * 18
        lx = LEFT + plot_w + 16
        out.append(f'<rect x="{lx}" y="{ly}" width="12" height="12" '
                   f'fill="{colours.get(stance, "#999")}"/>')  # fmt: skip
        out.append(
            f'<text x="{lx + 18}" y="{ly + 10}" font-size="11" fill="#222">{escape(stance)}</text>'
        )
    out.append("</g></svg>")
    return Markup("".join(out))
