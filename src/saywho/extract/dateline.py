"""Datelines: recognise a line that is (mostly) a publication date and read the date from it.

    >>> parse_dateline("20 Jan, 2023 13:04").value
    datetime.datetime(2023, 1, 20, 13, 4)
    >>> parse_dateline("Published: January 20, 2023").value
    datetime.date(2023, 1, 20)

A date with a time becomes a `datetime`, timezone-aware only when the line names a zone; a date
alone stays a `date`. Nothing is guessed: "03/04/2023" could be March or April, and "Apr 12"
has no year, so such lines are recognised as datelines but give no value. Month names, zones and the words allowed around
a date come from ``data/boilerplate.toml``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone, tzinfo
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .boilerplate import lexicon

_DIGIT_RE = re.compile(r"\d")
# a dateline is short; a long line that contains a date is a sentence about that date
MAX_DATELINE_CHARS = 120
# words besides the date, time and allowed prefixes that a dateline may still carry ("ET", "h")
MAX_LEFTOVER_WORDS = 1


@dataclass(frozen=True, slots=True)
class Dateline:
    """A date found on a dateline; `value` is None when the date is ambiguous (dd/mm vs mm/dd)."""

    value: datetime | date | None
    updated: bool  # the line calls it an update/modification date, not the publication date


@dataclass(frozen=True, slots=True)
class _Found:
    start: int
    end: int
    day: date | None
    clock: tuple[int, int, int] | None  # h, m, s given inside the date itself (ISO 8601)
    zone: tzinfo | None


@dataclass(frozen=True, slots=True)
class _Patterns:
    iso: re.Pattern[str]
    dmy: re.Pattern[str]
    mdy: re.Pattern[str]
    numeric: re.Pattern[str]
    ymd: re.Pattern[str]
    time: re.Pattern[str]
    words: re.Pattern[str]
    md_only: re.Pattern[str]
    dm_only: re.Pattern[str]
    my_only: re.Pattern[str]


@cache
def _patterns() -> _Patterns:
    months = "|".join(re.escape(m) for m in sorted(lexicon().months, key=len, reverse=True))
    month = rf"(?P<mon>{months})\.?"
    return _Patterns(
        iso=re.compile(
            r"(?<!\d)(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})"
            r"(?:[T ](?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2}))?(?:[.,]\d+)?"
            r"\s*(?P<z>Z|[+-]\d{2}:?\d{2})?)?(?!\d)"
        ),
        dmy=re.compile(
            rf"(?<!\d)(?P<d>\d{{1,2}})(?:st|nd|rd|th|er|º|\.)?(?:\s*|-)(?:de\s+)?{month}"
            r"(?![^\W\d_]),?(?:\s*|-)(?:de\s+)?(?P<y>\d{4})(?!\d)",
            re.IGNORECASE,
        ),
        mdy=re.compile(
            rf"(?<![^\W\d_]){month}\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y>\d{{4}})(?!\d)",
            re.IGNORECASE,
        ),
        numeric=re.compile(
            r"(?<![\d/.])(?P<a>\d{1,2})(?P<sep>[./])(?P<b>\d{1,2})(?P=sep)(?P<y>\d{4})(?![\d/])"
        ),
        ymd=re.compile(
            r"(?<!\d)(?P<y>\d{4})\s*(?:[/.年]|\.\s)\s*(?P<m>\d{1,2})\s*(?:[/.月]|\.\s)\s*"
            r"(?P<d>\d{1,2})(?!\d)\s*[日.]?"
        ),
        time=re.compile(
            r"(?<![\d:.])(?P<H>\d{1,2})(?:(?:[:.h]|\s?時\s?)(?P<M>\d{2})(?::(?P<S>\d{2}))?)?"
            r"\s*(?:(?P<ap>[ap])\.?\s?m\.?(?![^\W\d_]))?"
            r"(?:\s*\(?\s*(?P<z>(?:GMT|UTC)\s*[+-]\s*\d{1,2}(?::?\d{2})?|[+-]\d{2}:?\d{2}|(?-i:[A-Z]{1,5}))\)?(?![^\W\d_]))?",
            re.IGNORECASE,
        ),
        words=re.compile(r"[^\W\d_]+", re.UNICODE),
        md_only=re.compile(
            rf"(?<![^\W\d_]){month}\s+\d{{1,2}}(?:st|nd|rd|th)?(?![\d:])", re.IGNORECASE
        ),
        dm_only=re.compile(
            rf"(?<![\d:])\d{{1,2}}(?:st|nd|rd|th|\.)?\s+{month}(?![^\W\d_])", re.IGNORECASE
        ),
        my_only=re.compile(rf"(?<![^\W\d_]){month},?\s+\d{{4}}(?!\d)", re.IGNORECASE),
    )


def _zone(name: str | None) -> tzinfo | None:
    if not name:
        return None
    name = name.replace(" ", "")
    offset = re.fullmatch(r"(?i:GMT|UTC)?([+-])(\d{1,2}):?(\d{2})?", name)
    if offset:
        sign = -1 if offset.group(1) == "-" else 1
        minutes = int(offset.group(2)) * 60 + int(offset.group(3) or 0)
        return timezone(sign * timedelta(minutes=minutes)) if minutes <= 14 * 60 else None
    target = lexicon().zones.get(name.lower())
    if target is None:
        return None
    if target[:1] in "+-":
        return _zone(target)
    try:
        return ZoneInfo(target)
    except ZoneInfoNotFoundError:  # a system without tzdata still gets the date right
        return None


def _day(y: int, m: int, d: int) -> date | None:
    if not 1900 <= y <= 2100:
        return None
    try:
        return date(y, m, d)
    except ValueError:
        return None


def _find_dates(text: str) -> list[_Found]:
    """Every date in `text`, left to right, overlapping matches resolved by the earliest."""
    p = _patterns()
    months = lexicon().months
    found: list[_Found] = []
    for m in p.iso.finditer(text):
        clock = None
        if m.group("H"):
            clock = (int(m.group("H")), int(m.group("M")), int(m.group("S") or 0))
        z = m.group("z")
        found.append(
            _Found(
                m.start(),
                m.end(),
                _day(int(m["y"]), int(m["m"]), int(m["d"])),
                clock,
                _zone("+00:00" if z == "Z" else z),
            )
        )
    for pat in (p.dmy, p.mdy):
        for m in pat.finditer(text):
            mon = months.get(m.group("mon").lower())
            if mon:
                found.append(
                    _Found(m.start(), m.end(), _day(int(m["y"]), mon, int(m["d"])), None, None)
                )
    for m in p.ymd.finditer(text):
        found.append(
            _Found(m.start(), m.end(), _day(int(m["y"]), int(m["m"]), int(m["d"])), None, None)
        )
    for m in p.numeric.finditer(text):
        a, b, y = int(m["a"]), int(m["b"]), int(m["y"])
        if m["sep"] == ".":  # dotted dates are day-first, unless that cannot be ("06.18.2025")
            day = _day(y, b, a) or _day(y, a, b)
        elif a > 12 >= b:
            day = _day(y, b, a)
        elif b > 12 >= a or a == b:
            day = _day(y, a, b)
        else:
            # 03/04/2023: March or April depends on the site's country; don't guess
            found.append(_Found(m.start(), m.end(), None, None, None))
            continue
        found.append(_Found(m.start(), m.end(), day, None, None))
    if not found:
        # "Apr 12", "12 April", "March 2020": a dateline, but no date we could give without
        # inventing the missing year or day
        for pat in (p.md_only, p.dm_only, p.my_only):
            found.extend(
                _Found(m.start(), m.end(), None, None, None)
                for m in pat.finditer(text)
                if months.get(m.group("mon").lower())
            )
    found.sort(key=lambda f: (f.start, -(f.end - f.start)))
    kept: list[_Found] = []
    for f in found:
        if not kept or f.start >= kept[-1].end:
            kept.append(f)
    return kept


def _find_time(
    text: str, after: int
) -> tuple[tuple[int, int, int], tzinfo | None, int, int] | None:
    """The first clock time in `text` (preferring one after the date), with its zone."""
    best = None
    for m in _patterns().time.finditer(text):
        if m.group("M") is None and m.group("ap") is None:
            continue  # a bare number is not a time
        h, mi, s = int(m["H"]), int(m["M"] or 0), int(m["S"] or 0)
        if m.group("ap"):
            if not 1 <= h <= 12:
                continue
            h = h % 12 + (12 if m.group("ap").lower() == "p" else 0)
        if h > 23 or mi > 59 or s > 59:
            continue
        zone = _zone(m.group("z"))
        end = m.end() if zone is not None or m.group("z") is None else m.start("z")
        hit = ((h, mi, s), zone, m.start(), end)
        if m.start() >= after:
            return hit
        best = best or hit
    return best


def parse_dateline(line: str) -> Dateline | None:
    """The date of a dateline, or None when `line` is not (mostly) a date."""
    if len(line) > MAX_DATELINE_CHARS or not _DIGIT_RE.search(line):
        return None  # every date format we read has digits
    dates = _find_dates(line)
    if not dates:
        return None
    lex = lexicon()
    # blank out the dates, then the time, and see whether anything but dateline words remains
    rest = list(line)
    for f in dates:
        rest[f.start : f.end] = " " * (f.end - f.start)
    blanked = "".join(rest)
    first = dates[0]
    clock_hit = None if first.clock else _find_time(blanked, first.end)
    if clock_hit:
        _, _, s, e = clock_hit
        blanked = blanked[:s] + " " * (e - s) + blanked[e:]
    leftover = [
        w
        for w in _patterns().words.findall(blanked.lower())
        if w not in lex.date_prefixes
        and w not in lex.weekdays
        and w not in lex.zones
        and w not in {"a", "p", "m", "am", "pm", "h", "uhr", "hrs"}
    ]
    if len(leftover) > MAX_LEFTOVER_WORDS:
        return None

    # the publication date is the first one not introduced by an update word
    chosen, updated = first, _is_update(line[: first.start])
    for prev_end, f in zip([0] + [d.end for d in dates], dates, strict=False):
        if not _is_update(line[prev_end : f.start]):
            chosen, updated = f, False
            break
    if chosen.day is None:
        return Dateline(None, updated)
    if chosen.clock:
        h, mi, s = chosen.clock
        return Dateline(
            datetime(
                chosen.day.year, chosen.day.month, chosen.day.day, h, mi, s, tzinfo=chosen.zone
            ),
            updated,
        )
    if chosen is first and clock_hit:
        (h, mi, s), zone, _, _ = clock_hit
        return Dateline(
            datetime(chosen.day.year, chosen.day.month, chosen.day.day, h, mi, s, tzinfo=zone),
            updated,
        )
    return Dateline(chosen.day, updated)


def _is_update(context: str) -> bool:
    low = context.lower()
    return any(
        re.search(rf"(?<![^\W\d_]){re.escape(w)}(?![^\W\d_])", low) for w in lexicon().update_words
    )
