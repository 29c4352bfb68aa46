"""Step 1 of the flattened-text cleaner: what each line of the page is.

Every line becomes a `Line` with a word count, whether it ends like a sentence, its share of
function words, a kind ("chrome", "stop", "end", "meta", "widget" or "" for text) and a value
for the body search: long sentence-like lines earn, short label-like lines and chrome cost.
Datelines and bylines ("By Jane Doe | Reuters | 20 Jan, 2023 13:04") are read here too.
Internal to `saywho.extract.flattened`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .boilerplate import Lexicon, lexicon
from .dateline import Dateline, parse_dateline

# lines shorter than this are matched against the chrome phrases only near the body
EAGER_PHRASE_WORDS = 6
# A line of about this many words is neutral; shorter lines cost, longer lines earn. Body
# paragraphs are mostly longer, menu items and teaser headlines shorter.
NEUTRAL_WORDS = 10.0
# bonus for a line that ends like a sentence: prose ends with a full stop, labels do not
SENTENCE_BONUS = 4.0
# cost of a line that a pattern identified as chrome / dateline / byline
CHROME_COST = 6.0
# a line of running prose: ends like a sentence and has at least this many words
PROSE_WORDS = 8
# the fewest words of a line that can be a menu flattened into one line
LABEL_RUN_WORDS = 16
# the longest byline (in words)
MAX_BYLINE_WORDS = 12

_WORD_RE = re.compile(r"[^\W_]+", re.UNICODE)
# Chinese, Japanese and Thai write without spaces: count their characters as half-words
_DENSE_SCRIPT_RE = re.compile(
    r"[\u0e00-\u0e7f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]"
)
_SENTENCE_END_RE = re.compile(r"[.!?。！？…:;][\"'”’»)\]]*$")
_NAME_TOKEN_RE = re.compile(r"[A-ZÀ-ÖØ-ÞĀ-ſ][\w'’.\-]*$")
_NAME_PARTICLES = frozenset(
    {
        "de",
        "da",
        "das",
        "do",
        "dos",
        "del",
        "della",
        "di",
        "du",
        "la",
        "le",
        "van",
        "von",
        "der",
        "den",
        "ten",
        "ter",
        "bin",
        "ibn",
        "al",
        "el",
        "y",
        "e",
        "st",
        "mc",
    }
)
_NAME_SPLIT_RE = re.compile(r"\s*(?:,|;|&|\band\b|\bund\b|\bet\b|\by\b|\be\b)\s*")
_DIGIT_RE = re.compile(r"\d")
_FRAME_CHARS = " []()<>{}|:»›«‹·•*–—-_=#"
_PART_SPLIT_RE = re.compile(r"[|•·]|\s[-–—/]\s")


@dataclass(slots=True)
class Line:
    """One line of the page and what the cleaner made of it (mutable: later steps refine it)."""

    text: str
    words: float
    sentence: bool
    stop_ratio: float
    # "", "chrome", "stop" (widget opener), "end" (comments/footer), "meta" (dateline/byline)
    # or "widget" (a box inside the article, see flattened._bridge_widgets)
    kind: str = ""
    date: Dateline | None = None
    authors: tuple[str, ...] | None = None
    value: float = 0.0


def classify(text: str, lex: Lexicon) -> Line:
    tokens = _WORD_RE.findall(text)
    words = float(len(tokens))
    dense = len(_DENSE_SCRIPT_RE.findall(text))
    if dense:  # count the dense-script characters instead of their unbroken runs
        words += dense / 2 - sum(1 for t in tokens if _DENSE_SCRIPT_RE.search(t))
    stopwords = lex.stopwords
    stop_ratio = sum(1 for t in tokens if t.lower() in stopwords) / len(tokens) if tokens else 0.0
    # a teaser cut short ("... as Hurri...") ends in an ellipsis, not like a sentence
    sentence = bool(_SENTENCE_END_RE.search(text)) and not text.endswith(("...", "…"))
    line = Line(text, max(words, 1.0 if tokens else 0.0), sentence, stop_ratio)
    # "[ 167 comments ]", "» Related": brackets and bullets around a label don't change it
    low = text.lower()
    key = low.strip(_FRAME_CHARS) or low
    if not tokens:
        line.kind = "chrome"
    elif lex.end_line.fullmatch(key):
        line.kind = "end"
    elif lex.stop_line.fullmatch(key):
        line.kind = "stop"
    elif lex.chrome_line.fullmatch(key) or _has_phrase(
        low, lex.chrome_always_hint, lex.chrome_always
    ):
        line.kind = "chrome"
    elif EAGER_PHRASE_WORDS <= line.words <= lex.chrome_max_words and _has_phrase(
        low, lex.chrome_contains_hint, lex.chrome_contains
    ):
        # shorter lines cost about as much as chrome anyway; they are checked later, and only
        # near the body (`settle_short_lines`), which saves most of the matching time
        line.kind = "chrome"
    elif _is_label_run(line):
        line.kind = "chrome"
    else:
        _classify_meta(line, lex)
    line.value = _value(line)
    return line


def _has_phrase(text: str, hint: re.Pattern[str], exact: re.Pattern[str]) -> bool:
    return bool(hint.search(text) and exact.search(text))


def settle_short_lines(lines: list[Line], lo: int, hi: int, lex: Lexicon) -> None:
    """Run the chrome phrases over the short lines between `lo` and `hi` ("Sign up now")."""
    for line in lines[lo : hi + 1]:
        if (
            not line.kind
            and line.words < EAGER_PHRASE_WORDS
            and _has_phrase(line.text.lower(), lex.chrome_contains_hint, lex.chrome_contains)
        ):
            line.kind = "chrome"
            line.value = -CHROME_COST


def demote_buttons(lines: list[Line]) -> None:
    """A "Comments" or "Related" label between two chrome lines is a button in a share row,
    not the heading of a widget."""
    for i in range(1, len(lines) - 1):
        if lines[i].kind in ("stop", "end") and lines[i - 1].kind == lines[i + 1].kind == "chrome":
            lines[i].kind = "chrome"
            lines[i].value = -CHROME_COST


def _is_label_run(line: Line) -> bool:
    """A long line of labels without sentence punctuation: a menu flattened into one line.

    Labels carry no function words ("icon bookmark-bicon cameraicon ...") or are Title Cased
    ("Best of Breed Showcase Rankings and Research ..."); prose has both punctuation and
    lower-case words.
    """
    # a headline has no full stop either, and can lack function words ("Over 900 asylum
    # seekers rescued off Indonesian coast"): only a line longer than headlines is a run
    if line.words < LABEL_RUN_WORDS or re.search(r"[.,;:!?、。，！？]", line.text):
        return False
    if _DENSE_SCRIPT_RE.search(line.text):
        return False
    if line.stop_ratio == 0.0:
        return True
    tokens = [t for t in _WORD_RE.findall(line.text) if t[0].isalpha()]
    capitalised = sum(1 for t in tokens if t[0].isupper())
    return line.stop_ratio < 0.2 and capitalised >= 0.75 * len(tokens)


def _classify_meta(line: Line, lex: Lexicon) -> None:
    """Mark datelines, bylines and lines that are only a mix of the two ("By X | Jan 20, 2023")."""
    if line.words > MAX_BYLINE_WORDS + 8:
        return
    whole = parse_dateline(line.text)
    if whole is not None:  # "Friday, January 20, 2023 - 13:04 UTC+1": one date, one time
        line.kind, line.date = "meta", whole
        return
    parts = [p.strip() for p in _PART_SPLIT_RE.split(line.text) if p.strip()] or [line.text]
    dates: list[Dateline] = []
    authors: list[str] = []
    unknown = 0
    for part in parts:
        found = parse_dateline(part)
        if found is not None:
            dates.append(found)
            continue
        names = _byline(part, lex)
        if names is not None:
            authors.extend(names)
            continue
        split = _byline_then_date(part, lex)
        if split is not None:
            authors.extend(split[0])
            dates.append(split[1])
            continue
        if len(parts) > 1 and (
            part.lower() in lex.agencies or lex.chrome_line.fullmatch(part.lower())
        ):
            continue
        bare = person_names(part, lex) if len(parts) > 1 and len(part.split()) <= 4 else None
        if bare:  # "December 15, 2025 · Ash Vardanian": a name beside a date is its author
            authors.extend(bare)
            continue
        unknown += 1
        # one short unknown part ("Special to the Pioneer Press") is a byline's affiliation
        if unknown > 1 or len(part.split()) > 6 or len(parts) == 1 or not (dates or authors):
            return
    line.kind = "meta"
    line.date = next((d for d in dates if not d.updated), dates[0] if dates else None)
    line.authors = tuple(authors) if (authors or not dates) else None


def _byline(text: str, lex: Lexicon) -> tuple[str, ...] | None:
    """Person names of a byline part; () for an agency-only byline; None if it is no byline."""
    if len(text.split()) > MAX_BYLINE_WORDS:
        return None
    if text.lower().strip(" :") in lex.agencies:
        return ()
    prefix = lex.byline_prefix.match(text)
    if prefix:
        return person_names(text[prefix.end() :].strip(" :"), lex)
    # "Jane Doe, Reuters" / "Jane Doe - Staff Writer": names followed by an agency or role
    head, _, tail = text.rpartition(",")
    if head and tail.strip().lower() in lex.agencies:
        return person_names(head, lex)
    return None


def _byline_then_date(text: str, lex: Lexicon) -> tuple[tuple[str, ...], Dateline] | None:
    """A byline run into its dateline without a separator, either way round: "By Jane Doe
    November 19, 2019, 07:47 PM EST", "Amit Samsukha October 11, 2024", "Monday November 18,
    2019 7:45 am PST by Joe Rossignol"."""
    if not _DIGIT_RE.search(text) or len(text.split()) > MAX_BYLINE_WORDS + 8:
        return None
    # longest left part first, so that no name token is left over to the date ("Doe Nov 19")
    for m in reversed(list(re.finditer(r"\s(?=\S)", text))):
        left, right = text[: m.start()], text[m.end() :]
        if _DIGIT_RE.search(right):
            names = _byline(left, lex)
            if names is None and not lex.byline_prefix.match(left) and len(left.split()) <= 4:
                names = person_names(left, lex)
            found = parse_dateline(right) if names else None
        else:
            names = _byline(right, lex) if lex.byline_prefix.match(right) else None
            found = parse_dateline(left) if names else None
        if names and found is not None:
            return names, found
    return None


def person_names(text: str, lex: Lexicon) -> tuple[str, ...] | None:
    names: list[str] = []
    for chunk in _NAME_SPLIT_RE.split(text):
        chunk = chunk.strip(" .")
        if not chunk or chunk.lower() in lex.agencies:
            continue
        tokens = chunk.split()
        if not 2 <= len(tokens) <= 5 or not all(
            _NAME_TOKEN_RE.match(t) or t.lower() in _NAME_PARTICLES for t in tokens
        ):
            return None
        # "Carpenter Updated": dateline words are not part of a name (months are: June, May)
        if any(t[0].isupper() and t.lower() in lex.date_prefixes for t in tokens):
            return None
        names.append(chunk)
    return tuple(names)


def _value(line: Line) -> float:
    if line.kind:
        return -CHROME_COST
    value = line.words - NEUTRAL_WORDS
    if line.sentence:
        return value + SENTENCE_BONUS
    # teaser headlines and link text rarely end like a sentence: such a line earns half
    return (value / 2 if value > 0 else value) - SENTENCE_BONUS / 2


def is_prose(line: Line) -> bool:
    return not line.kind and line.sentence and line.words >= PROSE_WORDS


def is_name_line(line: Line) -> bool:
    """A line that is only a person's name, as a byline without "By" often is."""
    return line.words <= 4 and not line.sentence and bool(person_names(line.text, lexicon()))
