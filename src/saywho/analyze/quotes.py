"""Quotation spans in a text, paired locally so that a stray mark cannot swallow an article.

    find_quotes(text, paragraphs) -> [Quote]

Every common style is paired: “…” "…" ‘…’ '…' «…» „…“ „…” ‚…‘ ``…'' ''…''. Marks are paired
within a paragraph. A quotation continues into the next paragraph only under the
newspaper convention for long quotes: the paragraph ends without a closing mark *and* the next
paragraph opens with a quotation mark. Otherwise an unclosed double quotation ends at the end of
its paragraph (``closed=False``) and an unclosed single one is ignored (it was most likely an
apostrophe: ’90s, rock ’n’ roll).

Only top-level quotations are returned; marks nested inside a quotation are part of its text.

>>> [q.text("He said “yes” and ‘no’.") for q in find_quotes("He said “yes” and ‘no’.")]
['“yes”', '‘no’']
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

# Double marks. "„" opens German/Polish quotes, closed by “ or ”; « opens, » closes.
_DOUBLE_OPEN = {"“", "„", "«", "‟", "``"}
_DOUBLE_CLOSE = {"”", "»"}
_DOUBLE_AMBIGUOUS = {'"', "''"}
_SINGLE_OPEN = {"‘", "‚", "‹"}
_SINGLE_CLOSE = {"’", "›"}
_SINGLE_AMBIGUOUS = {"'"}

# two-character ASCII marks first so that '' is not read as two apostrophes
_MARK_RE = re.compile(r"``|''|[\"“”„‟«»‘’‚‹›']")
_OPENERS_AT_START = re.compile(r"\s*(``|''|[\"“„«‟‘‚‹'])")

#: longest stretch (characters) a quotation may stay open inside one paragraph; past it the
#: opening mark is taken for a stray one
MAX_SINGLE_QUOTE = 2000


@dataclass(frozen=True, slots=True)
class Quote:
    """A quotation: ``[start, end)`` covers its marks; ``[inner_start, inner_end)`` its words."""

    start: int
    end: int
    inner_start: int
    inner_end: int
    closed: bool = True
    paragraphs: int = 1  # how many paragraphs it runs over

    def text(self, of: str) -> str:
        return of[self.start : self.end]

    def contains(self, pos: int) -> bool:
        return self.start <= pos < self.end


def _is_space(ch: str) -> bool:
    return ch == "" or ch.isspace()


def _looks_opening(text: str, i: int, width: int, lo: int, hi: int) -> bool:
    """A mark with space (or an opening bracket/dash) before it and a word after it."""
    before = text[i - 1] if i > lo else ""
    after = text[i + width] if i + width < hi else ""
    return (_is_space(before) or before in "([{—–-/:") and not _is_space(after)


def _looks_closing(text: str, i: int, width: int, lo: int, hi: int) -> bool:
    """A mark right after a word, followed by space, punctuation or the end."""
    before = text[i - 1] if i > lo else ""
    after = text[i + width] if i + width < hi else ""
    return not _is_space(before) and (_is_space(after) or not after.isalnum())


def find_quotes(text: str, paragraphs: Sequence[tuple[int, int]] | None = None) -> list[Quote]:
    """Top-level quotations in `text`, in order. `paragraphs` are ``(start, end)`` offsets;
    by default the whole text is one paragraph."""
    paras = list(paragraphs) if paragraphs is not None else [(0, len(text))]
    quotes: list[Quote] = []
    # a quotation carried over from the previous paragraph: (start, inner_start, paragraphs)
    carried: tuple[int, int, int] | None = None
    for index, (lo, hi) in enumerate(paras):
        doubles, carried = _double_quotes(text, lo, hi, carried)
        if carried is not None:
            nxt = paras[index + 1] if index + 1 < len(paras) else None
            opener = _OPENERS_AT_START.match(text, nxt[0], nxt[1]) if nxt else None
            if opener is not None and _style(opener.group(1)) != _style(
                text[carried[0] : carried[1]]
            ):
                opener = None  # a paragraph opening with another kind of mark starts afresh
            if opener is None:
                start, inner, count = carried
                end = _rstrip(text, lo, hi)
                if count > 1 or end - inner <= MAX_SINGLE_QUOTE:
                    doubles.append(Quote(start, end, inner, end, closed=False, paragraphs=count))
                carried = None
        quotes.extend(doubles)
        quotes.extend(_single_quotes(text, lo, hi, doubles, carried))
    quotes.sort(key=lambda q: q.start)
    return quotes


def _style(mark: str) -> str:
    """Marks that may open each paragraph of one long quotation."""
    return {"‟": "“", "»": "«", "``": "''"}.get(mark, mark)


def _rstrip(text: str, lo: int, hi: int) -> int:
    while hi > lo and text[hi - 1].isspace():
        hi -= 1
    return hi


def _double_quotes(
    text: str, lo: int, hi: int, carried: tuple[int, int, int] | None
) -> tuple[list[Quote], tuple[int, int, int] | None]:
    """Pair the double marks of one paragraph; return the quotes and what stays open."""
    found: list[Quote] = []
    open_at: int | None = None
    open_inner = 0
    open_mark = ""
    count = 1
    pos = lo
    if carried is not None:
        # the paragraph opens with the continuation mark; skip it
        open_at, open_inner, count = carried
        count += 1
        m = _OPENERS_AT_START.match(text, lo, hi)
        pos = m.end() if m else lo
        open_mark = text[open_at:open_inner]
    for m in _MARK_RE.finditer(text, pos, hi):
        mark = m.group()
        i = m.start()
        width = len(mark)
        if mark not in _DOUBLE_OPEN and mark not in _DOUBLE_CLOSE and mark not in _DOUBLE_AMBIGUOUS:
            continue
        if open_at is not None and count == 1 and i - open_inner > MAX_SINGLE_QUOTE:
            # too long to be one quotation: the opening mark was stray
            open_at = None
        opening = _looks_opening(text, i, width, lo, hi)
        closing = _looks_closing(text, i, width, lo, hi)
        if open_at is None:
            if mark in _DOUBLE_CLOSE:
                continue  # a stray closing mark (or 12” as inches)
            if mark in _DOUBLE_AMBIGUOUS and closing and not opening:
                continue
            open_at, open_inner, open_mark, count = i, i + width, mark, 1
            continue
        closes = (
            mark in _DOUBLE_CLOSE
            or mark in _DOUBLE_AMBIGUOUS
            or (mark == "“" and open_mark == "„")
            or (mark == "“" and closing and not opening)
        )
        if closes and not (
            mark in _DOUBLE_AMBIGUOUS and opening and not closing and i > open_inner
        ):
            found.append(Quote(open_at, i + width, open_inner, i, closed=True, paragraphs=count))
            open_at = None
            count = 1
        elif mark in _DOUBLE_OPEN or mark in _DOUBLE_AMBIGUOUS:
            # a new quotation opens while one is open: the first one lost its closing mark
            end = _rstrip(text, open_inner, i)
            found.append(Quote(open_at, end, open_inner, end, closed=False, paragraphs=count))
            open_at, open_inner, open_mark, count = i, i + width, mark, 1
    if open_at is None:
        return found, None
    return found, (open_at, open_inner, count)


def _single_quotes(
    text: str, lo: int, hi: int, doubles: list[Quote], carried: tuple[int, int, int] | None
) -> list[Quote]:
    """Top-level single quotations ('Yes,' he said) outside the paragraph's double quotes."""

    def inside_double(pos: int) -> bool:
        if carried is not None and pos >= carried[0]:
            return True
        return any(q.start <= pos < q.end for q in doubles)

    found: list[Quote] = []
    open_at: int | None = None
    for m in _MARK_RE.finditer(text, lo, hi):
        mark = m.group()
        i = m.start()
        if mark not in _SINGLE_OPEN and mark not in _SINGLE_CLOSE and mark not in _SINGLE_AMBIGUOUS:
            continue
        if inside_double(i):
            continue
        opening = _looks_opening(text, i, 1, lo, hi)
        closing = _looks_closing(text, i, 1, lo, hi)
        if open_at is None:
            if mark in _SINGLE_OPEN or (mark in _SINGLE_AMBIGUOUS and opening and not closing):
                open_at = i
            continue
        if i - open_at > MAX_SINGLE_QUOTE:
            open_at = i if opening and not closing else None
            continue
        if (mark in _SINGLE_CLOSE or mark in _SINGLE_AMBIGUOUS) and closing:
            # an apostrophe followed by a letter (Russia’s, don’t) never gets here: not closing
            found.append(Quote(open_at, i + 1, open_at + 1, i, closed=True))
            open_at = None
        elif mark in _SINGLE_OPEN:
            open_at = i
    return found
