"""Text that a naive scraper flattened out of an HTML page: one block per line, chrome included.

No library cleans this kind of input, so saywho does it itself, in three steps (after bringing
Markdown and text broken at every element back to one block per line, `flattened_markup`):

1. **Classify lines** (`flattened_lines`) with the patterns of ``data/boilerplate.toml``:
   chrome (share rows, cookie banners, icon-label runs, player clocks), widget openers
   ("Related", "Most read"), page-end openers (comments, copyright footer), datelines, bylines.
2. **Find the body by content density.** Each line has a value: long, sentence-like lines earn
   (roughly one point per word), short label-like lines and chrome cost. The body is the run of
   lines with the largest total (a maximum-subarray search, as in Finn et al.'s Body Text
   Extraction). Widget openers are walls the run cannot cross, unless prose resumes right
   under the widget; text after a comments heading or footer counts for less; a list of
   dated items (teasers, comments) under the article is cut off.
3. **Read the header** just above the body: the title (a line the page repeats, or the short
   line before the dateline/standfirst/body), the standfirst (one sentence-like line between
   title and body), the publication date and the authors.

Nothing here knows a particular site; the rules are about the shape of news pages in general.

    >>> page = clean_flattened("Menu\\nSearch\\nRain stops play\\n2023-01-20\\n"
    ...     "Rain stopped play at the ground on Friday, and the match was abandoned after lunch.")
    >>> page.title, page.published, len(page.paragraphs)
    ('Rain stops play', datetime.date(2023, 1, 20), 1)
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import date, datetime

from .boilerplate import lexicon
from .flattened_lines import (
    Line,
    classify,
    demote_buttons,
    is_name_line,
    is_prose,
    settle_short_lines,
)
from .flattened_markup import from_markdown, looks_like_markdown, rejoin_fragments
from .page import ExtractedPage

# --- where the body and its header are -------------------------------------------------------
# what text after a comments heading or a footer line is worth, relative to text before it
END_DISCOUNT = 0.3
# how far above the body the header (title, date, byline, standfirst) may start
HEADER_WINDOW = 15
# the longest widget (in lines) that body text on both sides of it can join across
MAX_WIDGET_LINES = 8
# most words of prose the header may hold above a byline or dateline inside the body region
HEADER_PROSE_WORDS = 60
# how far above the body a repeated line may stand to be taken for the title; further up,
# repeated lines are menus and footers shown twice (mobile and desktop)
TITLE_REPEAT_REACH = 6
# how far above the body the title may stand (author boxes and tables of contents come between)
TITLE_WINDOW = 30
# how far above the header's byline or dateline the title may stand
ANCHOR_REACH = 6
# the longest line (in words) that can be a title
MAX_TITLE_WORDS = 30
# hard-wrapped text: its lines are this long (characters), within this spread of each other
WRAP_MIN, WRAP_MAX, WRAP_SPREAD = 40, 100, 30

_BLANK_LINE_RE = re.compile(r"\n[ \t\r\f\v]*\n")
_CRUMB_SPLIT_RE = re.compile(r"\s+[>»›/|]\s+")


def _unwrap(text: str, rejoin: bool = True) -> list[str]:
    """The text's lines, whitespace collapsed, with hard-wrapped paragraphs joined again.

    A scraper writes one block per line; clean text saved from an editor or an e-mail may wrap
    its paragraphs at a fixed width instead. A blank-line separated block that ends a sentence,
    and whose lines (all but the last) have about the same length and mostly do not, is one
    paragraph. With `rejoin`, a text broken at every element has its sentences glued back
    (`flattened_markup.rejoin_fragments`).
    """
    out: list[str] = []
    for block in _BLANK_LINE_RE.split(text):
        rows = [" ".join(row.split()) for row in block.splitlines()]
        rows = [row for row in rows if row]
        body = rows[:-1]
        wrapped = (
            len(rows) >= 2
            and rows[-1].endswith((".", "!", "?", '"', "”", "’", "'"))
            and all(WRAP_MIN <= len(row) <= WRAP_MAX for row in body)
            and max(map(len, body)) - min(map(len, body)) <= WRAP_SPREAD
            and sum(1 for row in body if row.endswith((".", "!", "?", ":", '"', "”"))) * 2
            <= len(body)
        )
        out.extend([" ".join(rows)] if wrapped else rows)
    return rejoin_fragments(out) if rejoin else out


def clean_flattened(text: str) -> ExtractedPage:
    """Recover title, date, standfirst, authors and body paragraphs from flattened page text."""
    lex = lexicon()
    markdown = looks_like_markdown(text)
    if markdown:  # its paragraphs are whole already: nothing to glue back
        text = from_markdown(text)
    lines = [classify(t, lex) for t in _unwrap(text, rejoin=not markdown)]
    if not lines:
        return ExtractedPage(paragraphs=(), warnings=("no text",))
    demote_buttons(lines)
    warnings: list[str] = []
    _bridge_widgets(lines)
    start, end = _body_region(lines)
    end = _cut_at_dated_items(lines, start, end)
    if not any(line.kind in ("chrome", "stop", "end") for line in lines):
        # not a web page (those always carry some chrome) but clean text: every line after
        # the header is body, however short ("More to follow.")
        start, end = 0, len(lines) - 1
    settle_short_lines(lines, max(0, start - 2 * HEADER_WINDOW), end + HEADER_WINDOW, lex)
    start = _skip_header(lines, start, end)

    title_at = _find_title(lines, start)
    title = lines[title_at].text if title_at is not None else None
    if title is None:
        warnings.append("no title found")
    # a title repeated at the top of the body (image caption, mobile header) is header too
    while start < end and title is not None and lines[start].text == title:
        start += 1
    standfirst_at = _find_standfirst(lines, title_at, start)
    standfirst = lines[standfirst_at].text if standfirst_at is not None else None
    if standfirst_at is not None and standfirst_at >= start:
        start = standfirst_at + 1

    head_from = max(0, min(start, title_at if title_at is not None else start) - 3)
    published = _published(lines, head_from, start, end, warnings)
    authors = _authors(lines, head_from, start, end)

    paragraphs: list[str] = []
    seen: set[str] = {t for t in (title, standfirst) if t}
    for i in range(start, end + 1):
        line = lines[i]
        if line.kind or line.text in seen:
            continue
        seen.add(line.text)  # pull quotes and mobile/desktop twins repeat paragraphs verbatim
        paragraphs.append(line.text)
    if not paragraphs:
        warnings.append("no body paragraphs found")
    return ExtractedPage(
        paragraphs=tuple(paragraphs),
        title=title,
        standfirst=standfirst,
        published=published,
        authors=authors,
        warnings=tuple(warnings),
    )


# --- step 2: the body region -----------------------------------------------------------------
def _body_region(lines: list[Line]) -> tuple[int, int]:
    """Inclusive bounds of the run of lines with the largest total value (Kadane's algorithm).

    A widget opener ("Related stories") is a wall the run cannot cross, so that a block of
    teasers is not glued to the article (`_bridge_widgets` opens the walls of boxes inside
    it). A page-end opener (a comment thread's heading, the copyright footer) is a wall too,
    and a run after it is worth END_DISCOUNT of its value: comments can be longer than the
    article they follow.
    """
    best, best_start, best_end = float("-inf"), 0, -1
    total, run_start = 0.0, 0
    weight = 1.0  # what a run is worth after the comments heading or footer lines above it
    for i, line in enumerate(lines):
        if line.kind in ("stop", "end"):
            total, run_start = 0.0, i + 1
            if line.kind == "end":
                weight *= END_DISCOUNT
            continue
        if total <= 0:
            total, run_start = 0.0, i
        total += line.value
        if total * weight > best:
            best, best_start, best_end = total * weight, run_start, i
    return best_start, best_end


def _bridge_widgets(lines: list[Line]) -> None:
    """Neutralise a "Related" box that interrupts the article, so the body runs across it.

    A widget opener is a wall for the body search, but a box of related links often sits in
    the middle of an article. When running prose touches the opener from above and resumes
    within a few lines below it, the opener and the box become "widget" lines: worth nothing
    and left out of the body, but no longer a wall. Prose resumes when two prose lines come
    close together, which a column of teasers (headline, author, summary, headline ...)
    does not do.
    """
    for wall, line in enumerate(lines):
        if line.kind != "stop":
            continue
        before = wall - 1
        while before > 0 and lines[before].kind == "chrome" and wall - before <= 2:
            before -= 1
        if before < 0 or not is_prose(lines[before]):
            continue
        after = next(
            (
                i
                for i in range(wall + 1, min(len(lines), wall + MAX_WIDGET_LINES + 2))
                if is_prose(lines[i])
            ),
            None,
        )
        if after is None or any(lines[i].kind == "end" for i in range(wall + 1, after)):
            continue
        if not any(is_prose(lines[i]) for i in range(after + 1, min(len(lines), after + 4))):
            continue
        for i in range(before + 1, after):
            lines[i].kind, lines[i].value = "widget", 0.0


def _cut_at_dated_items(lines: list[Line], start: int, end: int) -> int:
    """End the body before a list of dated items (teasers, comments) that followed it.

    An article carries its dateline in the header; two or more datelines after its first
    paragraph belong to a list of other stories or of reader comments under it.
    """
    first_prose = next((i for i in range(start, end + 1) if is_prose(lines[i])), end)
    dated = [
        i
        for i in range(first_prose, end + 1)
        if lines[i].kind == "meta" and lines[i].date is not None
    ]
    if len(dated) < 2:
        return end
    best, total, cut = float("-inf"), 0.0, end
    for i in range(start, dated[0]):
        total += lines[i].value
        if total > best:
            best, cut = total, i
    return cut


def _skip_header(lines: list[Line], start: int, end: int) -> int:
    """Move the body start past a byline, a dateline or a repeated line near the top.

    A standfirst, a long headline or a gallery caption can be dense enough to join the body
    region; a byline or dateline under them marks where the header ends, and so does a line
    the page shows twice (the headline again, a caption of a gallery above). Only the top of
    the region is searched (a quarter of its words, at most a paragraph or two), so a dateline
    quoted in the middle of the article cannot cut it.
    """
    total = sum(line.words for line in lines[start : end + 1] if not line.kind)
    budget = min(HEADER_PROSE_WORDS, total / 4)
    inside = Counter(line.text for line in lines[start : end + 1])
    outside = Counter(line.text for line in lines) - inside
    seen, body_start = 0.0, start
    for i in range(start, end + 1):
        line = lines[i]
        if line.kind == "meta":
            body_start = i + 1
        elif not line.kind:
            if outside[line.text] or inside[line.text] > 1:
                body_start = i + 1
            if not outside[line.text]:
                # a line repeated only inside the body is text all the same: an article shown
                # twice (tabs, print view) is all repeats
                seen += line.words
                if seen > budget:
                    break
    return body_start


# --- step 3: the header ----------------------------------------------------------------------
def _title_shaped(line: Line) -> bool:
    return (
        not line.kind
        and 2 <= line.words <= MAX_TITLE_WORDS
        and not line.text.endswith((".", ":", ";", ","))
    )


def _find_title(lines: list[Line], start: int) -> int | None:
    """Index of the title line, searched above the body start, in order of confidence:

    1. a line the page repeats close to the body, or names at the end of its breadcrumb
       ("Home > World > US covertly sponsoring ISIS");
    2. the title-shaped line just above the header's byline or dateline;
    3. the last title-shaped line above the body (skipping chrome and a standfirst).
    """
    # a widget opened above the body ("Most popular" and its teasers) is not the header
    top = start
    for i in range(start - 1, max(0, start - HEADER_WINDOW) - 1, -1):
        if lines[i].kind in ("stop", "end"):
            top = i
    lo = max(0, top - TITLE_WINDOW)
    repeated, crumbs = _repeated(lines)
    near = max(0, top - TITLE_REPEAT_REACH)
    around = [*range(start, min(start + 3, len(lines))), *range(top - 1, lo - 1, -1)]
    for i in around:
        if lines[i].text in crumbs and _title_shaped(lines[i]):
            return next(j for j in range(lo, i + 1) if lines[j].text == lines[i].text)
    for i in around:
        if (
            i >= near
            and lines[i].text in repeated
            and _title_shaped(lines[i])
            and lines[i].words >= 4
        ):
            return next(j for j in range(lo, i + 1) if lines[j].text == lines[i].text)
    anchor = next((i for i in range(top - 1, lo - 1, -1) if lines[i].kind == "meta"), None)
    if anchor is not None:
        candidates = [
            i
            for i in range(anchor - 1, max(lo, anchor - ANCHOR_REACH) - 1, -1)
            if _title_shaped(lines[i])
            and not is_name_line(lines[i])
            and not (lines[i].sentence and lines[i].words > 12)
        ]
        if candidates:
            # section labels ("DIY Home Decor") are short; of the long lines, the title comes
            # first and a standfirst after it
            longest = max(lines[i].words for i in candidates)
            floor = min(longest, max(3.0, longest / 2))
            return min(i for i in candidates if lines[i].words >= floor)
    skipped_prose = 0
    for i in range(top - 1, max(0, top - HEADER_WINDOW) - 1, -1):
        line = lines[i]
        if line.kind:
            continue
        if _title_shaped(line) and not (line.sentence and line.words > 12):
            return i
        skipped_prose += 1
        if skipped_prose > 2:
            break
    # a page that starts with its headline followed by the body (clean text)
    if start < len(lines) and _title_shaped(lines[start]) and not lines[start].sentence:
        return start if start + 1 < len(lines) else None
    return None


def _repeated(lines: list[Line]) -> tuple[set[str], set[str]]:
    """Title-shaped lines the page shows twice (also as a teaser cut short with an ellipsis),
    and those that end a breadcrumb trail ("Home > Business > <title>")."""
    counts = Counter(line.text for line in lines if _title_shaped(line) and line.words >= 3)
    repeated = {t for t, n in counts.items() if n > 1}
    cut = [line.text.rstrip(".… ") for line in lines if line.text.endswith(("…", "..."))]
    for prefix in (c for c in cut if len(c) >= 15):
        repeated.update(t for t in counts if t.startswith(prefix) and t != prefix)
    crumbs = set()
    for line in lines:
        parts = _CRUMB_SPLIT_RE.split(line.text)
        if len(parts) >= 2 and parts[-1] in counts:
            crumbs.add(parts[-1])
    return repeated, crumbs


def _find_standfirst(lines: list[Line], title_at: int | None, start: int) -> int | None:
    """The one sentence-like line between the title and the body, if there is one."""
    if title_at is None:
        return None
    candidates = [
        i
        for i in range(title_at + 1, start)
        if not lines[i].kind and lines[i].text != lines[title_at].text
    ]
    for i in candidates:
        if lines[i].words >= 6 and lines[i].stop_ratio > 0:
            return i
    # the title opened the body: its next line stands apart when a repeat or meta line follows
    if title_at >= start - 1:
        nxt = start if title_at < start else title_at + 1
        after = nxt + 1
        if (
            nxt < len(lines)
            and after < len(lines)
            and not lines[nxt].kind
            and lines[nxt].words >= 6
            and not lines[nxt].sentence
            and (lines[after].kind == "meta" or lines[after].text == lines[title_at].text)
        ):
            return nxt
    return None


def _published(
    lines: list[Line], head_from: int, start: int, end: int, warnings: list[str]
) -> datetime | date | None:
    """The publication date: a dateline of the header, else one right under the body."""
    window = list(range(head_from, min(start + 3, len(lines))))
    window += list(range(end + 1, min(end + 4, len(lines))))
    window += list(range(max(0, head_from - HEADER_WINDOW), head_from))
    found = [d for i in window if (d := lines[i].date) is not None]
    for d in found:
        if not d.updated and d.value is not None:
            return d.value
    # no dateline near the header: a page whose datelines all give the same day (one story,
    # however often its date is shown) still has that date; several days mean a list
    anywhere = [
        value
        for line in lines
        if line.date is not None
        and (value := line.date.value) is not None
        and not line.date.updated
    ]
    if len({_day_of(value) for value in anywhere}) == 1:
        return anywhere[0]
    if any(d.updated and d.value is not None for d in found):
        # the date a page was last updated is not when it was published: say so, give none
        warnings.append("only an update date found, no publication date")
        return None
    if found:
        warnings.append("dateline without a usable date (ambiguous, or no year)")
    return None


def _day_of(value: datetime | date) -> date:
    return value.date() if isinstance(value, datetime) else value


def _authors(lines: list[Line], head_from: int, start: int, end: int) -> tuple[str, ...]:
    names: list[str] = []
    for i in list(range(head_from, min(start + 3, len(lines)))) + list(
        range(end + 1, min(end + 3, len(lines)))
    ):
        for name in lines[i].authors or ():
            if name not in names:
                names.append(name)
    return tuple(names)
