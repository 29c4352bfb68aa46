"""Attributed figures: the numbers an article writes, what they measure, and whose they are.

    find_figures(fields, attributions) -> tuple[Figure, ...]     (a pure function)

Which numbers are figures comes from spaCy's entities over the parse the analysis already made
(MONEY, PERCENT, QUANTITY and CARDINAL; a DATE only when it is a duration, "a two-decade
intervention", never a calendar date; numbers inside names, ordinals and times are left out, and
bare numbers written after a noun as a name's, "Flight 370", `_is_identifier`; clock times
and ordinals the entities miss; a DATE with an ordinal, "the first quarter", is a period).
Their value, scale and unit come from `quantulum3` ("$2.1 trillion" -> 2.1e12 USD, "40,000 sq km"
-> 4e4 square kilometre), run on the few words around each number with its unit classifier off
(the shipped scikit-learn pickle does not load across scikit-learn versions; the rule-based
disambiguation is used instead). Written by hand, because neither library does it:

- news shorthand for scales ("€300m", "£1.2bn", "1.5m people"), which quantulum3 reads as
  metres and bits: rewritten into words before it parses them;
- the noun a bare count counts ("24.4 million people": unit "people"), from the parse;
- the qualifier that bounds or hedges a figure ("more than", "around"), from a word list;
- a ratio written as two counts ("Seven in 10 Americans", "two out of three voters"), which
  both libraries read as two numbers: one figure, the fraction (0.7) of the whole it names;
- a change written "from X to Y" after a word of change ("fell from 8.1% to 3.5%"), which
  quantulum3 reads as a range with its ends sorted: two figures, qualifiers "from" and "to";
- a rate written with "a" ("$15 an hour", which quantulum3 reads as "$15" and "an hour"), and
  not with "a year ago"; a period another figure runs over ("$1.9tn over ten years"), whose
  "over" is no bound;
- what the figure measures, when the sentence says so: the subject of a measuring verb ("the
  invasion of Afghanistan cost … $2.1 trillion" -> "cost of the invasion of Afghanistan"), the
  whole of a share ("75% of the Afghan budget" -> "share of the Afghan budget"; "Seven in 10
  Americans" -> "share of Americans"), the noun a figure modifies ("a $5bn aid package" ->
  "aid package"), or, for a count that is its verb's subject, the counted noun with what its
  clause says of it ("24.4 million people … are in need of humanitarian assistance" -> "people
  in need of humanitarian assistance", "2,000 workers lost their jobs" -> "workers who lost
  their jobs");
- the link to the attribution whose content holds the figure (the innermost one), or none when
  the article states the figure itself.

The word lists are data: ``saywho/data/figures.toml``.
"""

from __future__ import annotations

import functools
import math
import re
import tomllib
import warnings
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from importlib import resources
from typing import TYPE_CHECKING, Any

from ..model import Attribution, Figure, Span

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token
    from spacy.tokens import Span as SpacySpan

    from .nlp import ParsedField

#: entity labels whose numbers are figures
NUMERIC = frozenset({"MONEY", "PERCENT", "QUANTITY", "CARDINAL"})
#: entity labels whose numbers are not figures: names ("Russia 24 TV", "Resolution 2254"),
#: ordinals and clock times
NOT_FIGURES = frozenset({"PERSON", "NORP", "FAC", "ORG", "GPE", "LOC", "PRODUCT", "EVENT",
                         "WORK_OF_ART", "LAW", "LANGUAGE", "ORDINAL", "TIME"})  # fmt: skip
#: at most this many words after a number are read for its unit ("barrels per day")
UNIT_WINDOW = 4
#: a measure longer than this many words is cut back to its head noun's phrase
MAX_MEASURE_WORDS = 20
_SCALE_WORDS = {1e3: "thousand", 1e6: "million", 1e9: "billion", 1e12: "trillion"}
_SCALE_NAMES = {word: scale for scale, word in _SCALE_WORDS.items()}
# a number with a scale letter written onto it: "300m", "1.2bn" (the letters checked against
# the list in figures.toml); the one pattern quantulum3 needs help with
_SHORTHAND = re.compile(r"(?P<number>\d[\d,]*(?:\.\d+)?)(?P<suffix>[A-Za-z]{1,3})\.?$")
_DASHED = re.compile(r"^\D{0,4}\d[\d,.]*(\s?[–—-]\s?)\d")  # "15–25", "$15-25"
_CLOCK = re.compile(
    r"^\d{1,2}:\d{2}(?::\d{2})?(?:[ap]\.?m\.?)?$", re.IGNORECASE
)  # "13:40", "8:00am", "2:14:04"
_HHMM = re.compile(r"^(?:[01]\d|2[0-3])[0-5]\d$")  # "0700", "2359"
_GLUED_WORD = re.compile(r"^\d[\d,.]*[a-z]{3,}$", re.IGNORECASE)  # "4chan", "5mph"
_NAMED = re.compile(r"^[A-Za-z]+\d+[A-Za-z]?$")  # "K2" of "K2-18b", "A320", "S3"
#: a figure in these units after one of `_PERIOD_PREPS` is a period ("over ten years"); not
#: after "for", which gives the subject's own duration ("the war has been ongoing for 17 years")
_TIME_UNITS = frozenset({"second", "minute", "hour", "day", "week", "month", "year", "decade",
                         "century"})  # fmt: skip
_PERIOD_PREPS = frozenset({"over", "within", "during", "in", "across"})
#: prepositions whose phrase belongs to a ratio's whole ("adults in the county")
_WHOLE_PREPS = frozenset({"in", "of", "to", "at", "across", "from", "among", "with"})
#: a unit quantulum3 reads from one of these words after a number is the word, not a unit
_FUNCTION_WORD_UNIT = r"\s(in|at|a|an|as|or|on|to|by|of)$"
_LINK_STARTS = frozenset({"in", "out", "of"})  # the first words of figures.toml's ratio_links
_RATIO_SCALES = {"hundred": 1e2, **_SCALE_NAMES}
_SCALE_NOUNS = frozenset({"dozen", "hundred", "thousand", "million", "billion", "trillion"})
_PLAIN = re.compile(r"^\d{1,3}(,\d{3})+$|^\d+(\.\d+)?$")
# "a"/"an" for "per" right after a number and its unit: "$15 an hour", "2.5m barrels a day"
_A_TIME = re.compile(r"[^\d]{0,20}?\s(an?)\s(?:hour|day|week|month|year)\b", re.IGNORECASE)
_A_TIME_AGO = re.compile(
    r"[^\d]{0,20}?(\s)an?\s(?:hour|day|week|month|year)\s+(?:ago|earlier|later|before)\b",
    re.IGNORECASE,
)
#: between the two figures of a change written apart: "to", maybe after the first one's year
_BETWEEN_CHANGE = re.compile(r"\s+(?:in\s+\d{4}\s+)?(to|from)\s+", re.IGNORECASE)
_POINTS = re.compile(r"\s+points?\b", re.IGNORECASE)  # after "percentage"
_HALF_A = re.compile(
    r"\bhalf an?(?= (?:hundred|thousand|million|billion|trillion)\b)", re.IGNORECASE
)
_GLUED = re.compile(r"^([A-Z]*\d+)([A-Z]+)$")  # "3D", "5G", "F16" is caught by its entity
_YEAR = re.compile(r"^(1[0-9]|20)\d\d$|^'?\d0s$|^\d{4}s$")
_PATH_DEPS = frozenset({"dobj", "attr", "npadvmod", "pobj", "prep", "advmod", "oprd", "dative",
                        "quantmod", "nummod", "compound", "appos", "nmod", "amod"})  # fmt: skip
_SUBJECTS = ("nsubj", "nsubjpass", "csubj")
#: what of a counted subject's clause its measure keeps (`_counted_subject`): before the verb,
#: its auxiliaries, negation and adverbs; after it, its complements up to the first word of
#: another kind (a comma, "and", a clause of its own)
_BEFORE_VERB = frozenset({"aux", "auxpass", "neg", "advmod"})
_AFTER_VERB = frozenset({"dobj", "prep", "acomp", "attr", "oprd", "prt", "xcomp", "agent",
                         "dative", "advmod", "npadvmod", "neg"})  # fmt: skip
#: a verb's objects: a headline's past tense without one reads as a passive (`_counted_subject`)
_OBJECTS = frozenset({"dobj", "dative", "attr", "oprd", "ccomp", "xcomp"})


@dataclass(frozen=True, slots=True)
class _Lists:
    qualifiers: tuple[tuple[str, ...], ...]  # longest first
    fractions: frozenset[str]
    scales: dict[str, float]
    vague: dict[str, float]
    date_words: frozenset[str]
    measure_verbs: dict[str, str]
    ratio_links: tuple[tuple[str, ...], ...]  # longest first
    ratio_not_before: frozenset[str]
    change_words: frozenset[str]
    counted_who: frozenset[str]
    clock_zones: frozenset[str]
    plural_nouns: frozenset[str]
    money_measure_verbs: frozenset[str]
    news_units: frozenset[str]
    unit_aliases: dict[str, str]
    currency_words: dict[str, str]
    eras: frozenset[str]


@functools.lru_cache(maxsize=1)
def load_lists() -> _Lists:
    """The word lists of ``data/figures.toml`` (loaded once per process)."""
    raw = resources.files("saywho").joinpath("data/figures.toml").read_text(encoding="utf-8")
    data = tomllib.loads(raw)
    qualifiers = sorted(
        (tuple(q.lower().split()) for q in data["qualifiers"]), key=len, reverse=True
    )
    return _Lists(
        qualifiers=tuple(qualifiers),
        fractions=frozenset(data["fractions"]),
        scales={k.lower(): float(v) for k, v in data["scales"].items()},
        vague={k.lower(): float(v) for k, v in data["vague"].items()},
        date_words=frozenset(w.lower() for w in data["dates"]["words"]),
        measure_verbs=dict(data["measure_verbs"]),
        ratio_links=tuple(
            sorted((tuple(w.lower().split()) for w in data["ratio_links"]), key=len, reverse=True)
        ),
        ratio_not_before=frozenset(w.lower() for w in data["ratio_not_before"]),
        change_words=frozenset(w.lower() for w in data["change_words"]),
        counted_who=frozenset(w.lower() for w in data["counted_subjects"]["who"]),
        clock_zones=frozenset(w.lower() for w in data["dates"]["clock_zones"]),
        plural_nouns=frozenset(w.lower() for w in data["plural_nouns"]),
        money_measure_verbs=frozenset(w.lower() for w in data["money_measure_verbs"]),
        news_units=frozenset(data["news_units"]),
        unit_aliases=dict(data["unit_aliases"]),
        currency_words={k.lower(): v for k, v in data["currency_words"].items()},
        eras=frozenset(w.lower() for w in data["eras"]),
    )


@functools.lru_cache(maxsize=1)
def _quantities() -> Callable[[str], tuple[Any, ...]]:
    """quantulum3's parser, its unit classifier off (loaded once per process)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # its pickled models warn about scikit-learn versions
        from quantulum3 import classifier, parser

    classifier.USE_CLF = False  # the pickle would be unpickled at first use; see the docstring

    @functools.lru_cache(maxsize=4096)  # news repeats its numbers' phrasings ("two days")
    def parse(text: str) -> tuple[Any, ...]:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return tuple(parser.parse(text))

    return parse


def forget_readings() -> None:
    """Drop the quantulum3 readings kept of recent phrasings (benchmarks time it cold)."""
    if _quantities.cache_info().currsize:
        _quantities().cache_clear()  # type: ignore[attr-defined]  # the lru_cache'd parser


def human_value(value: float, unit: str | None = None) -> str:
    """A figure's value for people: 2.1e12 -> "2.1 trillion", 24400000 -> "24.4 million",
    1426 -> "1,426", 0.5 -> "0.5"; a fraction as a percentage (0.7 -> "70%", 2/3 -> "66.7%")."""
    if unit == "fraction":
        return f"{value * 100:.3g}%"
    for scale, word in ((1e12, "trillion"), (1e9, "billion"), (1e6, "million")):
        if abs(value) >= scale:
            return f"{value / scale:,.4g} {word}"
    return f"{int(value):,}" if value.is_integer() else f"{value:,.6g}"


def human_amount(
    value: float | None,
    high: float | None,
    unit: str | None,
    *,
    to: str = " to ",
    vague: str = "a vague amount",
) -> str:
    """A figure's value, range and unit for people, as tables and tooltips show them: "2.1
    trillion USD", "3 to 5 soldier", "70%" (a fraction as a percentage, its unit left out),
    `vague` without a value ("hundreds of people")."""
    amount = vague if value is None else human_value(float(value), unit)
    if high is not None:
        amount += to + human_value(float(high), unit)
    if unit and (unit != "fraction" or value is None):
        amount += f" {unit}"
    return amount


def find_figures(
    fields: Sequence[ParsedField], attributions: Sequence[Attribution]
) -> tuple[Figure, ...]:
    """Every figure in the article's title, standfirst and body, in reading order, each linked
    to the innermost attribution whose content holds it (``None``: the article's own)."""
    lists = load_lists()
    out: list[Figure] = []
    for parsed in fields:
        for chunk in parsed.chunks:
            last = chunk.doc[-1] if len(chunk.doc) else None
            end = chunk.offset + (last.idx + len(last.text_with_ws) if last is not None else 0)
            text = parsed.text[chunk.offset : end]
            for found in _doc_figures(chunk.doc, text, lists, parsed.name == "title"):
                span = Span(chunk.offset + found.start, chunk.offset + found.end)
                out.append(Figure(
                    span=span, field=parsed.name, value=found.value, high=found.high,
                    unit=found.unit, qualifier=found.qualifier, measure=found.measure,
                    attribution=_owner(span, parsed.name, attributions),
                ))  # fmt: skip
    return tuple(out)


def _owner(span: Span, field: str, attributions: Sequence[Attribution]) -> str | None:
    """The innermost attribution in `field` whose content holds `span`."""
    best: Attribution | None = None
    for a in attributions:
        if a.field == field and any(p.start <= span.start and span.end <= p.end for p in a.pieces):
            if best is None or len(a.content) < len(best.content):
                best = a
    return best.id if best is not None else None


@dataclass(frozen=True, slots=True)
class _Found:
    start: int  # character offsets into the doc
    end: int
    value: float | None
    high: float | None
    unit: str | None
    qualifier: str | None
    measure: str | None


def _doc_figures(doc: Doc, text: str, lists: _Lists, headline: bool = False) -> Iterator[_Found]:
    """The figures of one parsed stretch of text (`text` is the doc's text: building it from
    the tokens, as ``doc.text`` does, costs more than finding the figures; `headline`: the
    article's title, see `_counted_subject`)."""
    numbers = _numberish_tokens(doc, text, lists)
    ents = doc.ents
    if not numbers and not any(e.label_ in NUMERIC for e in ents):
        return
    taken: set[int] = set()  # token indices already in a figure, a name or a date
    seeds: list[tuple[int, int, str]] = []
    for ent in ents:
        calendar = ent.label_ == "DATE" and _is_calendar(ent, lists)
        if _fraction_as_ordinal(doc, ent, lists):  # "A third of the homes"
            seeds.append((ent.start - 1, ent.end, "CARDINAL"))
            taken.update(range(ent.start - 1, ent.end))
        elif ent.label_ in NOT_FIGURES or calendar:
            taken.update(range(ent.start, ent.end))
        elif ent.label_ in NUMERIC or (
            ent.label_ == "DATE" and any(_numberish(t, lists) for t in ent)
        ):
            seeds.append((ent.start, ent.end, ent.label_))
            taken.update(range(ent.start, ent.end))
    for i in numbers:
        if i not in taken and not doc[i].ent_type_:
            seeds.append((i, i + 1, ""))
    seeds.sort()
    found = list(_seed_figures(doc, text, seeds, lists, headline))
    yield from _changes(doc, text, found, lists)


def _and_a_half(doc: Doc, last: Token) -> list[Token]:
    """The words after a number that add a half to it, "and a half" (hyphenated or not), with
    the scale word after them ("three-and-a-half million"); none when they do not follow.
    quantulum3 reads the whole ("3.5e6"), the entities only the "three"; not after a scale word,
    which quantulum3 reads as a half more ("a million-and-a-half": 1000000.5)."""
    words = [t for t in doc[last.i + 1 : last.i + 8] if t.text not in "-–"][:4]
    if (
        not last.like_num
        or last.lower_ in _SCALE_NOUNS
        or [t.lower_ for t in words[:3]] != ["and", "a", "half"]
    ):
        return []
    end = words[2].i + 1
    if len(words) > 3 and words[3].lower_ in _SCALE_NOUNS and words[3].i == end:
        end += 1
    return list(doc[last.i + 1 : end])


def _fraction_as_ordinal(doc: Doc, ent: SpacySpan, lists: _Lists) -> bool:
    """An ORDINAL entity that is a fraction written with "a" or "one": "a third of the homes"
    (the tagger reads "third" as a noun there, as it does not in "the third day")."""
    word = ent[0]
    return (ent.label_ == "ORDINAL" and len(ent) == 1 and word.lower_ in lists.fractions
            and word.tag_ in ("NN", "NNS") and ent.start > 0
            and doc[ent.start - 1].lower_ in ("a", "an", "one"))  # fmt: skip


def _seed_figures(
    doc: Doc, text: str, seeds: list[tuple[int, int, str]], lists: _Lists, headline: bool = False
) -> Iterator[_Found]:
    end_of_last = 0  # characters: a seed inside the previous figure (its unit, its noun) is skipped
    for start, end, label in seeds:
        if doc[start].idx < end_of_last:
            continue
        ratio = _ratio(doc, start, end, lists)
        several = (ratio,) if ratio is not None else _from_to(doc, text, start, end, label, lists,
                                                               headline)  # fmt: skip
        if several is None:
            one = _figure(doc, text, start, end, label, lists, headline=headline)
            several = (one,) if one is not None else ()
        for found in several:
            end_of_last = found.end
            yield found


def _numberish_tokens(doc: Doc, text: str, lists: _Lists) -> list[int]:
    """The indices of the tokens that write numbers: spaCy's ``like_num`` (read as one array),
    and the words of `_WORDISH` found in the text (walking a Doc's tokens is the slow part)."""
    found = {int(i) for i in doc.to_array(["LIKE_NUM"]).nonzero()[0]}
    for match in _wordish().finditer(text):
        span = doc.char_span(match.start(), match.end(), alignment_mode="expand")
        if span is not None and len(span) == 1 and _numberish(span[0], lists):
            found.add(int(span[0].i))
    return sorted(found)


@functools.lru_cache(maxsize=1)
def _wordish() -> re.Pattern[str]:
    """Numbers ``like_num`` misses: a scale written onto a number ("300m", "5bn"), "dozen",
    the vague counts and the fractions (checked token by token by `_numberish`)."""
    lists = load_lists()
    words = sorted({"dozen", *lists.vague, *lists.fractions}, key=len, reverse=True)
    return re.compile(r"\b(?:\d[\d,.]*[A-Za-z]{1,3}\.?|" + "|".join(map(re.escape, words)) + r")\b",
                      re.IGNORECASE)  # fmt: skip


def _numberish(token: Token, lists: _Lists) -> bool:
    text = token.lower_
    if _is_ordinal(token):
        return False  # an ordinal the entities did not name, "the fourth or fifth day"
    return bool(token.like_num or text == "dozen" or text in lists.vague
                or (text in lists.fractions and token.ent_type_) or _SHORTHAND.match(token.text))  # fmt: skip


def _is_ordinal(token: Token) -> bool:
    """An ordinal written as a word (spaCy's like_num takes it) and tagged as an adjective
    ("first", "fourth"; a fraction's word is a noun: "a fourth of voters")."""
    return (token.like_num and token.tag_ == "JJ" and token.is_alpha
            and token.lower_.endswith(("st", "nd", "rd", "th")))  # fmt: skip


def _is_calendar(ent: SpacySpan, lists: _Lists) -> bool:
    """A DATE entity naming a day, month, year or period rather than a duration: one with an
    ordinal names a period ("the first quarter", "the second half", not a fraction)."""
    for t in ent:
        text = t.lower_.strip(".")
        if text in lists.date_words or _YEAR.match(text) or "/" in text or ":" in text:
            return True
    # an ordinal and no other number ("the first 100 days" is a duration); "twenty-sixth" is one
    ordinal = [_is_ordinal(t) or (t.i + 2 < len(t.doc) and t.nbor().text == "-" and _is_ordinal(t.nbor(2)))
               for t in ent]  # fmt: skip
    return any(ordinal) and not any(t.like_num and not o for t, o in zip(ent, ordinal, strict=True))


def _figure(
    doc: Doc,
    text: str,
    start: int,
    end: int,
    label: str,
    lists: _Lists,
    stop: int | None = None,
    headline: bool = False,
) -> _Found | None:
    """The figure tokens `start`–`end` write (a seed: an entity or a number), its unit read from
    the words after it up to token `stop` at most; None when they write none. `headline`: the
    doc is the article's title (`_counted_subject`)."""
    tokens = list(doc[start:end])
    qualifier, tokens = _qualifier(doc, tokens, lists)
    if not tokens:
        return None
    first = tokens[0]
    if first.lower_ in lists.fractions and (
        (first.i > 0 and _is_ordinal(doc[first.i - 1]))  # "the second half ended": a period
        or (first.tag_ in ("JJ", "RB") and first.head.i > first.i
            and first.head.lemma_.lower() not in _TIME_UNITS)  # "half staff", "half back"
    ):  # fmt: skip
        return None  # no fraction
    ranged = first.lower_ == "between"
    tokens.extend(_and_a_half(doc, tokens[-1]))  # "three-and-a-half million"
    if first.i > 0 and first.lower_ in _SCALE_NOUNS and doc[first.i - 1].lower_ in ("a", "an"):
        tokens.insert(0, doc[first.i - 1])  # "a dozen people", "a million dollars"
    if first.i > 0 and doc[first.i - 1].is_currency and not first.is_currency:
        tokens.insert(0, doc[first.i - 1])
    after = tokens[-1].i + 1
    if (
        after < len(doc)
        and doc[after].idx == tokens[-1].idx + len(tokens[-1])
        and doc[after].lower_.rstrip(".") in lists.scales
    ):  # "€300m" parsed as "300", "m"
        tokens.append(doc[after])  # fmt: skip
    fraction = any(t.lower_ in lists.fractions for t in tokens) and not any(
        t.lower_ in _SCALE_WORDS.values() or t.lower_ == "and" for t in tokens
    )  # "half a million", "two and a half" are no fractions
    vague = next((t for t in tokens if t.lower_ in lists.vague), None)
    last = tokens[-1]
    # the number and what follows it, for quantulum3 to read the unit from
    window_end = last.i + 1
    while window_end < (len(doc) if stop is None else stop) and window_end - last.i <= UNIT_WINDOW:
        t = doc[window_end]
        if (
            (t.is_punct and t.text not in "%")
            or t.is_sent_start
            or t.ent_type_ in NOT_FIGURES
            or t.pos_ == "VERB"
        ):
            break
        window_end += 1
    begin = tokens[0].idx
    follows = doc[last.i + 1] if last.i + 1 < len(doc) else None
    if any(_is_era(t, lists) for t in (*tokens, follows)) or (
        tokens[0].i > 0 and _is_era(doc[tokens[0].i - 1], lists)
    ):
        return None  # "664 BCE", "AD 79": a year
    if (
        _is_label(tokens)
        or _is_identifier(tokens)
        or (
            follows is not None
            and follows.idx == last.idx + len(last)
            and follows.text.isalpha()
            and follows.text.isupper()
        )
    ):  # "3D", "4G"
        return None
    value: float | None = None
    high: float | None = None
    unit: str | None = None
    figure_end = last.idx + len(last)
    simple = _simple(tokens, follows)
    if simple is not None:  # "2,000 troops", "five people", "75%": nothing for quantulum3 to read
        value, unit = simple
        figure_end = last.idx + len(last)
    else:
        reading = _read(doc, text, tokens, window_end, label, follows, lists)
        if reading is None and vague is None:
            return None
        if vague is not None and reading is None:
            noun = _of_noun(vague)  # "hundreds of people", "billions of dollars"
            if noun is not None:
                unit = _currency(f"2 {noun.text}") or _unit_name(noun, lists)
                figure_end = max(figure_end, noun.idx + len(noun))
        elif reading is not None:
            value, high, unit, q_end = reading
            if unit is None and (tokens[0].is_currency or tokens[0].tag_ == "$"):
                unit = _currency(f"{tokens[0].text}1")  # "$ 200": the sign alone names the currency
            figure_end = max(figure_end, q_end)
    figure_end = min(figure_end, len(text))
    while figure_end > begin and text[figure_end - 1] in " ,.;:":
        figure_end -= 1
    if value is not None and unit is None:
        written = _last_token(doc, figure_end)
        token = last if last.like_num else written
        noun = _counted_noun(token)
        money = next((t for t in (*tokens, written, noun)
                      if t is not None and t.lower_ in lists.currency_words), None)  # fmt: skip
        if money is not None:  # "900 million złotys": a currency quantulum3 lacks
            unit = lists.currency_words[money.lower_]
            figure_end = max(figure_end, money.idx + len(money))
        elif not fraction and label != "MONEY":
            if _is_year(token, value) and (noun is None or noun.tag_ != "NNS"):
                return None  # "in 2021", "a 2011 study"
            if noun is not None:
                unit = _unit_name(noun, lists)
                figure_end = noun.idx + len(noun)
            elif _is_bare_number(token):
                return None
    elif value is not None and unit == "dozen":
        value, high = value * 12, high * 12 if high is not None else None
        noun = _counted_noun(last if last.like_num else _last_token(doc, figure_end))
        unit = _unit_name(noun, lists) if noun is not None else None
        if noun is not None:
            figure_end = noun.idx + len(noun)
    if value is not None and unit is None and fraction:
        unit = "fraction"
    text_start = begin
    if fraction and qualifier:  # "more than half": a fraction is read with its qualifier
        text_start = doc[tokens[0].i - len(qualifier.split())].idx if _qualifier_before(doc, tokens, qualifier) \
            else begin  # fmt: skip
    if ranged:
        qualifier = None
    root = _root(doc, begin, figure_end)
    if unit in _TIME_UNITS and root.dep_ == "pobj" and root.head.lower_ in _PERIOD_PREPS:
        # "$1.9tn over ten years": the period of another figure, which neither bounds ("over" is
        # no "more than" here) nor shares its measure
        if qualifier is not None and qualifier.lower() == root.head.lower_:
            qualifier = None
        return _Found(text_start, figure_end, value, high, unit, qualifier, None)
    measure = _measure(doc, root, unit, lists, headline)
    return _Found(text_start, figure_end, value, high, unit, qualifier, measure)


def _from_to(
    doc: Doc, text: str, start: int, end: int, label: str, lists: _Lists, headline: bool = False
) -> tuple[_Found, ...] | None:
    """A seed written "from X to Y": after a word of change (figures.toml's change_words:
    "unemployment fell from 8.1% to 3.5%") two figures, the value before (qualifier "from") and
    the value after ("to"), in the order written; after any other word, one range when the
    plain reading misses its upper bound ("range from $5 billion to $7 billion"). A seed
    written "between X and Y" is always one range, read so when the plain reading misses its
    upper bound ("between $5 and $7 billion": 5e9 to 7e9 USD). None for any other seed, and for
    a range the plain reading gets. Written by hand: quantulum3 reads every "X to Y" as a range
    and sorts its ends, so a fall reads as a range and its direction is lost, and it reads
    "between $5 and $7 billion" as $5 alone."""
    between = doc[start].lower_ == "between"
    link = "and" if between else "to"
    to = next((i for i in range(start + 1, end - 1) if doc[i].lower_ == link), None)
    if to is None:
        return None
    # ("US$" is no currency to spaCy, but tagged "$")
    first = next((i for i in range(start, to) if doc[i].like_num or doc[i].is_currency or doc[i].tag_ == "$"),
                 None)  # fmt: skip
    if first is None or first == 0 or doc[first - 1].lower_ != ("between" if between else "from"):
        return None
    after = _figure(doc, text, to + 1, end, label, lists, headline=headline)
    if after is None or after.value is None or after.high is not None:
        return None
    top = after.value
    before = _figure(doc, text, first, to, label, lists, stop=to, headline=headline)
    if before is None or before.value is None:  # "from 10 to 20 percent": "10" has no unit
        plain = _simple(list(doc[first:to]), None)
        if plain is None or plain[1] is not None:
            return None
        end_char = doc[to - 1].idx + len(doc[to - 1])
        value = plain[0] * _written_scale(top, doc[to + 1 : end])
        before = _Found(doc[first].idx, end_char, _clean(value), None, after.unit, None,
                        after.measure)  # fmt: skip
    else:
        low = before.value
        if before.unit is not None and after.unit is None:
            after = replace(after, unit=before.unit)  # "between US$300 and 400 billion": dollars
        elif before.unit is not None and str(after.unit).startswith(f"{before.unit} per "):
            before = replace(before, unit=after.unit)  # "$5 and $7 billion a year": both a year
        if before.unit is None or (before.unit == after.unit and low < top / 100):
            # "from 1.2 to 1.5 million barrels": 1.2 million barrels; "between $5 and $7
            # billion": $5 billion
            scaled = any(
                t.lower_ in _SCALE_NOUNS or t.lower_ in lists.scales for t in doc[first:to]
            )
            scale = 1.0 if scaled else _written_scale(top, doc[to + 1 : end])
            before = replace(before, value=_clean(low * scale), unit=after.unit)
    if before.value is None or before.high is not None or before.unit != after.unit:
        return None
    if not between and _is_change(doc[first - 1], lists):
        return (
            replace(before, qualifier=_joined("from", before.qualifier),
                    measure=before.measure or after.measure),
            replace(after, qualifier=_joined("to", after.qualifier),
                    measure=after.measure or before.measure),
        )  # fmt: skip
    whole = _figure(doc, text, start, end, label, lists, headline=headline)
    if whole is None:
        return None
    low, high = sorted((before.value, top))
    return (replace(whole, start=whole.start if between else before.start, end=after.end,
                    value=low, high=high, unit=after.unit),)  # fmt: skip


def _changes(doc: Doc, text: str, found: list[_Found], lists: _Lists) -> list[_Found]:
    """Two figures written "from X to Y" apart ("was slashed from £1.2bn to £900m", "went from
    45 percent in 2016 to 60 percent"), or "to Y from X" ("rose to 20 percent from 10 percent"),
    after a word of change: qualifiers "from" and "to", and one takes the other's unit when it
    names none ("from 10,000 to 8,600 soldiers", "from five people to six")."""
    for i in range(len(found) - 1):
        a, b = found[i], found[i + 1]
        if a.qualifier is not None or b.qualifier is not None:
            continue
        between = _BETWEEN_CHANGE.fullmatch(text, a.end, b.start)
        if between is None:
            continue
        second = between.group(1).lower()
        first = "from" if second == "to" else "to"
        prep = _last_token(doc, a.start)
        if prep.lower_ != first or not _is_change(prep, lists):
            continue
        found[i] = replace(a, qualifier=first, unit=a.unit if a.unit is not None else b.unit)
        found[i + 1] = replace(b, qualifier=second, unit=b.unit if b.unit is not None else a.unit)
    return found


def _is_change(prep: Token, lists: _Lists) -> bool:
    """Whether the "from" of "from X to Y" hangs from a word of change ("fell", "a rise"), or
    from a particle of one ("went up from")."""
    head = prep.head
    for _ in range(2):
        if head.lemma_.lower() in lists.change_words:
            return True
        if head.pos_ in ("VERB", "NOUN") or head.head is head:
            return False
        head = head.head
    return False


def _written_scale(value: float, tokens: SpacySpan) -> float:
    """The scale a figure's value carries over the number it writes ("1.5 million": 1e6), for
    a bare number before it ("from 1.2 to 1.5 million"); 1 when there is none."""
    number = next((t for t in tokens if _PLAIN.match(t.text)), None)
    if number is None or float(number.text.replace(",", "")) == 0:
        return 1.0
    scale = value / float(number.text.replace(",", ""))
    return next((s for s in (1e3, 1e6, 1e9, 1e12) if math.isclose(scale, s, rel_tol=1e-6)), 1.0)


def _joined(word: str, qualifier: str | None) -> str:
    return word if qualifier is None else f"{word} {qualifier}"


def _ratio(doc: Doc, start: int, end: int, lists: _Lists) -> _Found | None:
    """A ratio written as two counts from token `start` ("Seven in 10 Americans", "one in
    every five", "two out of three voters"): one figure, the fraction of what the second number
    counts (0.7, unit "fraction", measure "share of Americans"); None for anything else.
    Written by hand: quantulum3 and spaCy read the two numbers as two counts."""
    if not any(t.lower_ in _LINK_STARTS for t in doc[start : end + 1]):
        return None  # no word that could join two numbers: most figures
    qualifier, tokens = _qualifier(doc, list(doc[start:end]), lists)
    if not tokens:
        return None
    first = tokens[0]
    part = _count_value(first)
    if part is None:
        return None
    after = first.i + 1
    link = next((w for w in lists.ratio_links
                 if tuple(t.lower_ for t in doc[after : after + len(w)]) == w), None)  # fmt: skip
    if link is None or after + len(link) >= len(doc) or (link == ("of",) and part < 2):
        return None  # "one of six states" names a member, not a share
    second = doc[after + len(link)]
    whole = _count_value(second)
    if second.lower_ in ("a", "an") and second.i + 1 < len(doc):  # "one in a million"
        whole = _RATIO_SCALES.get(doc[second.i + 1].lower_)
        second = doc[second.i + 1] if whole is not None else second
    if whole is None or not 0 < part < whole or second.ent_type_ in ("DATE", "TIME"):
        return None
    if _is_year(second, whole) and second.ent_type_ != "CARDINAL":
        return None
    follows = doc[second.i + 1] if second.i + 1 < len(doc) else None
    if follows is not None and follows.lower_ in _RATIO_SCALES:  # "one in 10 million people"
        whole *= _RATIO_SCALES[follows.lower_]
        second = follows
        follows = doc[second.i + 1] if second.i + 1 < len(doc) else None
    if follows is not None and (
        follows.lower_ in lists.ratio_not_before
        or (follows.idx == second.idx + len(second) and follows.text[:1].isalpha())  # "10m"
    ):
        return None
    noun = _counted_noun(second)
    if (
        noun is None
        and follows is not None
        and follows.ent_type_ == "NORP"
        and second.head == follows
    ):
        noun = follows  # "Seven in 10 Americans": a people is a ratio's whole, no name
    last = noun if noun is not None else second
    measure: str | None = None
    if noun is not None:  # "Americans", "adults in the county", "visits to the site"
        right = noun.i
        for child in noun.rights:
            if child.dep_ != "prep" or child.lower_ not in _WHOLE_PREPS:
                break
            right = child.right_edge.i
        if right - second.i > MAX_MEASURE_WORDS:
            right = noun.i
        words = doc[second.i + 1 : right + 1]
        clause = next((t.i for t in words if t.i > noun.i and (t.tag_.startswith("VB")
                       or t.tag_ in ("WDT", "WP", "WP$"))), None)  # fmt: skip
        if clause is not None:  # a clause within the phrase ("adults in the county who smoke")
            words = doc[second.i + 1 : clause]
        measure = "share of " + str(words.text).rstrip(" ,;:")
    elif follows is not None and follows.lower_ == "of":  # "one in three of the schools"
        pobj = _pobj(follows)
        if pobj is not None and pobj.pos_ not in ("PRON", "DET"):
            measure = "share of " + _phrase(pobj)
    return _Found(first.idx, last.idx + len(last), _clean(part / whole), None, "fraction",
                  qualifier, measure)  # fmt: skip


def _count_value(token: Token) -> float | None:
    """The whole number a token writes in digits or as a number word ("10", "seven"), else None."""
    word = token.lower_
    if _PLAIN.match(word) and "." not in word:
        return float(word.replace(",", ""))
    value = _number_words().get(word)
    return value if value is not None and value.is_integer() and value < 100 else None


@functools.lru_cache(maxsize=1)
def _number_words() -> dict[str, float]:
    """The number words of ``data/number_words.tsv`` and their values ("twelve" -> 12), and
    "one" (which that list leaves out for the claims' sake)."""
    text = resources.files("saywho").joinpath("data/number_words.tsv").read_text(encoding="utf-8")
    pairs = (line.split("\t") for line in text.splitlines() if line and not line.startswith("#"))
    return {"one": 1.0, **{word: float(value) for word, value in pairs}}


def _simple(tokens: list[Token], follows: Token | None) -> tuple[float, str | None] | None:
    """(value, unit) of a figure too plain to need quantulum3 (about a ms a call): a number in
    digits or one number word, maybe with a scale word ("24.4 million") or a percent sign,
    followed by no word that could be its unit; None for anything else."""
    if follows is not None and (_unit_word(follows) or _a_time(follows)):
        return None
    words = [t.lower_ for t in tokens]
    unit: str | None = None
    if tokens[0].is_currency and len(tokens) > 1:  # "$2.1 trillion": the sign names the currency
        unit, words = _currency(f"{tokens[0].text}1"), words[1:]
        if unit is None:
            return None
    if words[-1] in ("%", "percent") and unit is None:
        words, unit = words[:-1], "percent"
    scale = 1.0
    if len(words) == 2 and words[1] in _SCALE_NAMES:
        scale, words = _SCALE_NAMES[words[1]], words[:1]
    if len(words) != 1:
        return None
    if _PLAIN.match(words[0]):
        return _clean(float(words[0].replace(",", "")) * scale), unit
    value = _number_words().get(words[0])
    if value is None or value >= 100:  # "hundred", "million" alone: quantulum3's
        return None
    return _clean(value * scale), unit


def _a_time(token: Token) -> bool:
    """ "an hour" right after a number: a rate ("$15 an hour") for quantulum3 to read."""
    doc = token.doc
    return (
        token.lower_ in ("a", "an")
        and token.i + 1 < len(doc)
        and bool(_A_TIME.match(" " + doc[token.i : token.i + 2].text))
    )


def _read(
    doc: Doc,
    text: str,
    tokens: list[Token],
    window_end: int,
    label: str,
    follows: Token | None,
    lists: _Lists,
) -> tuple[float | None, float | None, str | None, int] | None:
    """(value, upper bound, unit, end character) of the number `tokens` write, read by
    quantulum3 from them and the words after them (up to token `window_end`)."""
    last = tokens[-1]
    begin = tokens[0].idx
    window = text[begin : doc[window_end - 1].idx + len(doc[window_end - 1])]
    seed_end = last.idx + len(last) - begin
    counts = label == "CARDINAL" and follows is not None and (follows.pos_ in ("NOUN", "PROPN") or (
        follows.pos_ == "ADJ" and follows.i + 1 < len(doc) and doc[follows.i + 1].pos_ == "NOUN"))  # fmt: skip
    rewritten, edits = window, []
    dashed = _DASHED.match(rewritten)
    if dashed is not None:  # "15–25 million": quantulum3 adds the two; read as the range it is
        rewritten = rewritten[: dashed.start(1)] + " to " + rewritten[dashed.end(1) :]
        edits.append((dashed.start(1) + 4, 4 - (dashed.end(1) - dashed.start(1))))
    half = _HALF_A.search(rewritten)
    if half is not None:  # "half a million": quantulum3 reads 1.5 million
        rewritten = rewritten[: half.start()] + "0.5" + rewritten[half.end() :]
        edits.append((half.start() + 3, 3 - (half.end() - half.start())))
    seed_end += sum(delta for _, delta in edits)
    rewritten, edit = _expand_shorthand(rewritten, seed_end, label == "MONEY", counts, lists)
    if edit is not None:
        edits.append(edit)
        seed_end += edit[1]
    ago = _A_TIME_AGO.match(rewritten, seed_end)
    if ago is not None:  # "$5 million a year ago": a time, not a rate
        rewritten = rewritten[: ago.start(1)]
    rate = _A_TIME.match(rewritten, seed_end)
    if rate is not None:  # "$15 an hour": quantulum3 reads "$15" and "an hour" apart
        rewritten = rewritten[: rate.start(1)] + "per" + rewritten[rate.end(1) :]
        edits.append((rate.start(1) + 3, 3 - (rate.end(1) - rate.start(1))))
    quantity = _pick(_quantities()(rewritten), seed_end)
    if quantity is None:
        return None
    value, high, unit = _value(quantity)
    q_end = int(quantity.span[1])
    read_unit = quantity.unit.entity.name != "dimensionless"  # before `_news_unit` drops one
    word = re.search(_FUNCTION_WORD_UNIT, str(quantity.surface)) if read_unit else None
    if word is not None:  # "one in Arkansas" (inch), "20 at cathedral" (ampere-turn)
        cut = int(quantity.span[1]) - (len(str(quantity.surface)) - word.start())
        again = _pick(_quantities()(rewritten[:cut]), seed_end)  # "20 years in" -> "20 years"
        if again is not None and float(again.value) == value:
            value, high, unit = _value(again)
            q_end = int(again.span[1])
        else:
            unit, q_end = None, seed_end
    points = _POINTS.match(rewritten, q_end) if unit == "percent" else None
    if points is not None:  # "3 percentage points": quantulum3 reads "3 percentage", a percent
        unit, q_end = "percentage point", points.end()
    q_end -= sum(delta for at, delta in edits if q_end >= at)
    return value, high, unit, begin + q_end


@functools.lru_cache(maxsize=1)
def _unit_words() -> frozenset[str]:
    """Every name and symbol quantulum3 knows a unit by, lower-cased."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from quantulum3 import load

    units = load.units("en_US")
    return (
        frozenset(units.surfaces_lower) | frozenset(units.symbols_lower) | {"%", "percent", "per"}
    )


def _unit_word(token: Token) -> bool:
    return token.lower_ in _unit_words() or token.lower_.rstrip("s") in _unit_words()


def _qualifier(doc: Doc, tokens: list[Token], lists: _Lists) -> tuple[str | None, list[Token]]:
    """The qualifier at the start of the entity, or just before it, and the tokens after it."""
    found, tokens = _qualifier_straddled(doc, tokens, lists)
    stripped = True
    while stripped:  # stacked ones ("took over about a third"): the one nearest the number
        stripped = False
        words = [t.lower_ for t in tokens]
        for q in lists.qualifiers:
            if tuple(words[: len(q)]) == q and len(words) > len(q):
                found, tokens, stripped = (
                    " ".join(t.text for t in tokens[: len(q)]),
                    tokens[len(q) :],
                    True,
                )
                break
    if found is not None:
        return found, tokens
    first = tokens[0].i
    longest = len(lists.qualifiers[0]) if lists.qualifiers else 0
    before = tuple(t.lower_ for t in doc[max(0, first - longest) : first])
    for q in lists.qualifiers:
        if len(q) <= len(before) and before[len(before) - len(q) :] == q:
            return " ".join(t.text for t in doc[first - len(q) : first]), tokens
    return None, tokens


def _qualifier_straddled(
    doc: Doc, tokens: list[Token], lists: _Lists
) -> tuple[str | None, list[Token]]:
    """A qualifier the entity starts inside ("at" + "most two weeks"), and the tokens after it;
    else None and the tokens as given."""
    first = tokens[0].i
    words = tuple(t.lower_ for t in tokens)
    for q in lists.qualifiers:
        for k in range(1, min(len(q), first + 1)):  # k of its words before the entity
            inside = len(q) - k
            if (words[:inside] == q[k:] and len(words) > inside
                    and tuple(t.lower_ for t in doc[first - k : first]) == q[:k]):  # fmt: skip
                return " ".join(t.text for t in doc[first - k : first + inside]), tokens[inside:]
    return None, tokens


def _qualifier_before(doc: Doc, tokens: list[Token], qualifier: str) -> bool:
    n = len(qualifier.split())
    i = tokens[0].i
    return i >= n and " ".join(t.text for t in doc[i - n : i]) == qualifier


def _expand_shorthand(
    window: str, seed_end: int, money: bool, counts: bool, lists: _Lists
) -> tuple[str, tuple[int, int] | None]:
    """`window` with a scale letter written onto its number spelt out ("€300m" -> "€300
    million"), when it is money or counts the noun after it ("1.5m people", not "1.8m tall");
    and the edit (where the new text's change ends, by how many characters it grew), to map
    quantulum3's offsets back."""
    head = window[:seed_end]
    match = re.search(r"(\d[\d,]*(?:\.\d+)?)\s?([A-Za-z]{1,3})\.?$", head)
    if match is None:
        return window, None
    scale = lists.scales.get(match.group(2).lower())
    money = money or any(c in head[: match.start()] for c in "$€£¥₹")
    if scale is None or not (money or counts):
        return window, None
    spelt = f"{match.group(1)} {_SCALE_WORDS[scale]}"
    rewritten = head[: match.start()] + spelt + window[match.end() :]
    return rewritten, (match.start() + len(spelt), len(spelt) - (match.end() - match.start()))


def _pick(quantities: tuple[Any, ...], seed_end: int) -> Any | None:
    """The quantity quantulum3 read for the number that starts the window."""
    for q in quantities:
        if q.span[0] < seed_end and _quantity_digits(q):
            return q
    return None


def _quantity_digits(quantity: Any) -> bool:
    return quantity.value is not None and math.isfinite(float(quantity.value))


def _value(quantity: Any) -> tuple[float | None, float | None, str | None]:
    """(value, upper bound of a range, unit) from a quantulum3 quantity."""
    value = float(quantity.value)
    high: float | None = None
    if quantity.uncertainty:
        value, high = value - float(quantity.uncertainty), value + float(quantity.uncertainty)
        surface = str(quantity.surface).lower()
        if (
            value > 0
            and high / value >= 100
            and any(w in surface for w in (*_SCALE_WORDS.values(), "hundred"))
        ):
            # "15 to 25 million", "two to three hundred": quantulum3 scales the upper bound alone
            value *= 10 ** math.floor(math.log10(high / value))
    unit = quantity.unit
    entity = unit.entity.name
    name: str | None = unit.name
    if entity == "currency":
        name = _currency_code(unit)
    elif len(unit.dimensions) == 2 and [d["power"] for d in unit.dimensions] == [1, -1]:
        # "$400,000 a year" is "dollar per year" to quantulum3: the currency by its code, as alone
        money, per = (str(d["base"]) for d in unit.dimensions)
        code = _currency(f"1 {money}")
        name = f"{code} per {per}" if code is not None else name
    elif unit.name in ("percentage", "per cent"):
        name = "percent"
    elif entity == "dimensionless" or unit.name == "dimensionless":
        name = "dozen" if unit.name == "dozen" else None
    if name is not None and entity != "currency":
        name = _news_unit(name)
    return _clean(value), _clean(high) if high is not None else None, name


def _news_unit(name: str) -> str | None:
    """quantulum3's unit `name` as news writes it (figures.toml's unit_aliases: "second of arc"
    is "second"), or None when it is none of figures.toml's news_units: a misreading ("18 FM"
    as femtometres). A compound passes when each side does ("barrel per day", "USD per year")."""
    lists = load_lists()
    name = lists.unit_aliases.get(name, name)
    if name.startswith("per "):  # "half a mile" is 0.5 "per mile" to quantulum3
        name = name[len("per ") :]
    parts = name.split(" per ")
    return name if all(p in lists.news_units or (p.isupper() and p.isalpha()) for p in parts) \
        else None  # fmt: skip


def _clean(value: float) -> float:
    """Round away the float noise of scaling (2.1 * 1e12)."""
    return float(f"{value:.12g}")


def _last_token(doc: Doc, char_end: int) -> Token:
    """The last token that starts before character `char_end`."""
    span = doc.char_span(0, char_end, alignment_mode="expand")
    return span[-1] if span is not None and len(span) else doc[0]


def _counted_noun(token: Token) -> Token | None:
    """The noun a number counts ("24.4 million people" -> people), when it follows closely."""
    head = token.head if token.dep_ == "conj" and token.head.i < token.i else token  # "3 and 5"
    for _ in range(2):  # "24.4" -> "million" -> "people"
        if head.dep_ in ("nummod", "quantmod", "compound", "amod", "nmod") and head.head.i > head.i:
            head = head.head
            if (
                head.pos_ in ("NOUN", "PROPN")
                and not head.like_num
                and head.ent_type_ not in NOT_FIGURES
            ):
                between = head.doc[token.i + 1 : head.i]
                if len(between) <= 3 and all(
                    t.pos_ in ("ADJ", "NOUN", "PROPN", "NUM") for t in between
                ):
                    return head
                return None
        else:
            break
    return None


def _of_noun(token: Token) -> Token | None:
    """ "hundreds of people" -> people."""
    for child in token.children:
        if child.dep_ == "prep" and child.lower_ == "of":
            for pobj in child.children:
                if pobj.dep_ == "pobj" and pobj.pos_ in ("NOUN", "PROPN"):
                    return pobj
    return None


def _is_year(token: Token, value: float) -> bool:
    return value.is_integer() and 1000 <= value <= 2100 and "," not in token.text


def _is_bare_number(token: Token) -> bool:
    """A number with nothing to say what it counts that is no figure: "one" ("one of the"), or a
    number naming the noun before it ("Internet Explorer 6", "category 3")."""
    if token.lower_ in ("one", "a", "an"):
        return True
    head = token.head
    return head.i == token.i - 1 and head.pos_ in ("NOUN", "PROPN") \
        and token.dep_ in ("nummod", "appos", "npadvmod", "compound")  # fmt: skip


def _glued_unit(text: str) -> str | None:
    """The unit quantulum3 reads written onto a number ("5mph": mile per hour), if news writes
    it (`_news_unit`); None for a name ("4chan")."""
    found = _quantities()(text)
    if not found or found[0].unit.entity.name == "dimensionless":
        return None
    unit = found[0].unit
    return _currency_code(unit) if unit.entity.name == "currency" else _news_unit(str(unit.name))


def _model_number(token: Token) -> bool:
    """A number in a model's designation written as two numbers joined by a hyphen right after
    a name: "Boeing 737-800" (both numbers)."""
    doc, i = token.doc, token.i

    def glued(a: int, b: int) -> bool:  # doc[a] "-" doc[b], no spaces, both numbers
        return (a > 0 and b < len(doc) and doc[a].like_num and doc[b].like_num
                and doc[a + 1].text in "-–" and not doc[a].whitespace_ and not doc[a + 1].whitespace_)  # fmt: skip

    if not token.like_num:
        return False
    first = i if glued(i, i + 2) else i - 2 if glued(i - 2, i) else None
    return first is not None and first > 0 and doc[first - 1].pos_ == "PROPN"


def _is_era(token: Token | None, lists: _Lists) -> bool:
    """An era's abbreviation (figures.toml's eras) in capitals or with dots: "BCE", "A.D.",
    "b.c.e" (not the noun "ad")."""
    if token is None or not (token.is_upper or "." in token.text):
        return False
    return token.lower_.replace(".", "") in lists.eras


def _unit_name(noun: Token, lists: _Lists) -> str:
    """What a counted noun makes a figure's unit: its lemma ("people", "delegate"), the word
    itself for a noun used only in the plural ("species", not the tagger's "specie"), or the
    code of a currency quantulum3 does not know ("złotys": PLN, figures.toml's currency_words)."""
    word = noun.lower_
    if word in lists.currency_words:
        return lists.currency_words[word]
    return word if word in lists.plural_nouns else str(noun.lemma_.lower())


def _is_label(tokens: list[Token]) -> bool:
    """A number that names rather than counts: "9/11", "3D", "G7", "5G", a clock's "13:40" or
    "0700 UTC", a designation's "K2-18b"."""
    lists = load_lists()
    for t in tokens:
        if _CLOCK.match(t.text):
            return True  # "13:40": a clock time the entities did not name
        if _HHMM.match(t.text) and (t.text.startswith("0") or (
                t.i + 1 < len(t.doc) and t.nbor().lower_ in lists.clock_zones)):  # fmt: skip
            return True  # "(0700 UTC)": no count is written with a leading zero
        if _NAMED.match(t.text) and t.i + 1 < len(t.doc) and t.nbor().text in "-–" \
                and not t.whitespace_:  # fmt: skip
            return True  # "K2-18b": a planet's, an aircraft's designation
        if _model_number(t):
            return True  # "the Boeing 737-800 jet"
        if t.text.count("/") == 1:
            left, right = t.text.split("/")
            if not (left.isdigit() and right.isdigit() and int(left) < int(right) <= 10):
                return True  # a date or a name, not a fraction such as 1/3
        match = _GLUED.match(t.text.rstrip("."))
        if match and match.group(2).lower() not in lists.scales:
            return True
        if _GLUED_WORD.match(t.text) and _glued_unit(t.text) is None:
            return True  # "4chan": a name, where "5mph" and "10km" are a number and its unit
    return False


def _is_identifier(tokens: list[Token]) -> bool:
    """A number written after a noun, as a name's: "Flight 370", "police posts 542 and 543",
    "room 101" (a count comes before what it counts: "239 people"), with those it is coordinated
    with ("and 543"). Only bare digits read so: "15,000", "1.5" and "five" are written as
    amounts; a number whose parse head is a noun after it counts it ("Sunday 5 people"), and
    one after a party, people or place is a score ("Labour 45, National 30"), after a time a
    count ("this year 908 of the attendees")."""
    if len(tokens) != 1 or not tokens[0].text.isdigit():
        return False
    number = tokens[0]
    while number.dep_ == "conj" and number.head.i < number.i and number.head.text.isdigit():
        number = number.head  # "543" in "posts 542 and 543"
    if number.i == 0:
        return False
    before = number.doc[number.i - 1]
    if number.head.i > number.i and number.head.pos_ in ("NOUN", "PROPN"):
        # it counts that noun, unless both sides are a name's words: "The Lost 52 Project",
        # "the Boeing 737 Max"
        return (before.pos_ == "PROPN" and number.head.pos_ == "PROPN" and before.is_title
                and number.head.is_title and number.head.i == number.i + 1)  # fmt: skip
    # not after a party, people or place ("Labour 45, National 30" are seats), nor after a
    # time ("reported this year 908 of the 2240 attendees")
    return (before.pos_ in ("NOUN", "PROPN") and before.text.isalpha()
            and before.ent_type_ not in ("ORG", "NORP", "PERSON", "GPE")
            and before.lemma_.lower() not in _TIME_UNITS)  # fmt: skip


def _currency(text: str) -> str | None:
    """The currency of the first quantity quantulum3 reads in `text` ("$1" -> USD, "2 dollars"
    -> USD), or None when it reads no currency."""
    found = _quantities()(text)
    return (
        _currency_code(found[0].unit) if found and found[0].unit.entity.name == "currency" else None
    )


def _currency_code(unit: Any) -> str:
    """A quantulum3 currency unit's ISO code, or its name when it has none."""
    return str(getattr(unit, "currency_code", None) or unit.name)


def _root(doc: Doc, start: int, end: int) -> Token:
    """The figure's syntactic head: its token whose head lies outside it."""
    span = doc.char_span(start, end, alignment_mode="expand")
    tokens = list(span) if span is not None and len(span) else [_last_token(doc, end)]
    for t in tokens:
        if not (start <= t.head.idx < end) or t.head is t:
            return t
    return tokens[-1]


def _measure(
    doc: Doc, root: Token, unit: str | None, lists: _Lists, headline: bool = False
) -> str | None:
    """What the figure measures, when the sentence says so (see the module docstring;
    `headline`: the doc is the article's title, `_counted_subject`)."""
    share = unit in ("percent", "fraction")
    if share and root.tag_ == "PDT" and root.i + 1 < len(doc):
        # "half the population voted": the whole is the noun phrase after the predeterminer
        whole = doc[root.i + 1].head
        if whole.pos_ in ("NOUN", "PROPN") and whole.i > root.i:
            return "share of " + doc[root.i + 1 : whole.i + 1].text
    for holder in (root, root.head if root.dep_ in ("nummod", "quantmod", "compound") else None):
        if holder is None:
            continue
        for child in holder.children:
            if child.dep_ != "prep" or child.i < root.i:
                continue
            if share and child.lower_ == "of":
                pobj = _pobj(child)
                if pobj is not None and pobj.pos_ not in ("PRON", "DET"):
                    return "share of " + _phrase(pobj)
            if (
                not share
                and child.lower_ in ("in", "for", "on")
                and unit is not None
                and unit.isupper()
            ):
                pobj = _pobj(child)
                if (
                    pobj is not None
                    and pobj.pos_ in ("NOUN", "PROPN")
                    and pobj.ent_type_ not in ("DATE", "TIME")
                ):
                    return _phrase(pobj)
    if (
        root.dep_ in ("nummod", "compound", "amod")
        and root.head.pos_ == "NOUN"
        and root.head.i > root.i
        and unit is not None
        and unit.isupper()
    ):  # "a $50 million aid package": "aid package"
        return str(doc[root.i + 1 : root.head.i + 1].text)  # fmt: skip
    if unit is not None and not unit.isupper() and not share and unit not in _TIME_UNITS:
        counted = _of_noun(root) if root.lower_ in lists.vague else root  # "hundreds of people"
        if counted is not None and _unit_name(counted, lists) == unit:  # a count
            head = root
            if root.dep_ == "pobj" and (root.head.lower_,) in lists.qualifiers:
                head = root.head  # "over 345 pilgrims have been killed", "over" its subject
            if head.dep_ in ("nsubj", "nsubjpass"):  # "24.4 million people … are in need"
                return _counted_subject(head, counted, lists, headline)
            if (
                root.dep_ == "attr"
                and root.head.lemma_ == "be"
                and any(c.dep_ == "expl" for c in root.head.children)
            ):  # "there were four people on board": what follows the noun
                tokens = _counted_phrase(counted, ("prep", "acl"))
                return _written(tokens) if tokens[-1].i > counted.i else None
    verb = _verb(root)
    if verb is None:
        return None
    lemma = verb.lemma_.lower()
    template = lists.measure_verbs.get(lemma)
    if template is None or (
        lemma in lists.money_measure_verbs and not (unit or "-").split(" ")[0].isupper()
    ):  # "Warren earned 8 delegates": no earnings (a sum's unit starts with its currency code)
        return None
    subject = next((c for c in verb.children if c.dep_ in _SUBJECTS), None)
    if subject is None:
        return None
    if subject.tag_ in ("WDT", "WP") and verb.dep_ == "relcl":
        text = _phrase(verb.head, left_only=True)
    elif subject.pos_ == "PRON" or not any(t.is_alpha for t in subject.subtree) or subject.like_num:
        # "of the 40 passengers, 22 were Cuban": no measure of the 40; "between the two blasts,
        # at least 20 were killed": the 20 killed are no measure of the two blasts
        return None
    elif template == "{subject}" and (
        subject.pos_ == "PROPN" or subject.ent_type_ in NOT_FIGURES
        or any(c.dep_ == "nummod" and c.like_num and c.ent_type_ != "DATE" for c in subject.children)
    ):  # fmt: skip
        # "Ohio was one of six states": a name is what it is, not what is measured; "only 21
        # hurricanes reached within 100 miles": a count is a figure of its own ("the 2019
        # budget", a year, is not)
        return None
    else:
        text = _phrase(subject)
    measure = template.format(subject=text)
    target = next(
        (
            _pobj(c)
            for c in verb.children
            if c.dep_ == "prep" and c.lower_ in ("on", "for") and c.i > root.i
        ),
        None,
    )
    if target is not None and "spending" in template:
        measure += " on " + _phrase(target)
    return measure


def _counted_subject(
    subject: Token, noun: Token, lists: _Lists, headline: bool = False
) -> str | None:
    """What a count that is its verb's subject measures: the counted noun (with the words
    between the number and it, and a phrase right after it: "American troops in Iraq") and the
    predicate as written, passive and "be" as the noun's phrase, other verbs as a relative clause
    (``figures.toml``'s ``[counted_subjects]``). `subject`: the figure's head, the verb's subject
    (`noun` itself, or "hundreds" of "hundreds of people"). The predicate ends at its first
    comma, bracket, dash or conjunction, and leaves out "according to"; None for a clause that
    reports speech (a ``ccomp``: "5,000 people said that …"), nothing after "be", or more than
    `MAX_MEASURE_WORDS` words. In a `headline` a past tense with no object and no auxiliary is
    read as the participle headlines write for the passive ("900 asylum seekers rescued off
    Indonesian coast", which the tagger reads as a past tense): headlines tell of the past in
    the present ("Fire kills nine")."""
    verb = subject.head
    if verb.pos_ not in ("VERB", "AUX") or verb.i < noun.i:
        return None
    if any(child.dep_ == "ccomp" for child in verb.children):
        return None
    after: list[Token] = []
    for child in verb.rights:
        if child.dep_ not in _AFTER_VERB:
            break
        if not (child.dep_ == "prep" and child.lower_ == "according"):
            after.append(child)
    before = [c for c in verb.lefts if c.i > noun.i and c.dep_ in _BEFORE_VERB]
    copula = verb.lemma_ == "be" and subject.dep_ == "nsubj"
    if not after and (copula or verb.pos_ == "AUX" or verb.lemma_ in ("have", "do")):
        return None  # "eight federal judges have": the verb stands for one said before
    # "people in need of aid", "people killed in the attack" (a headline's "Three children
    # injured", "protesters wearing masks" too): the noun's own phrase; "be" with a noun after it
    # ("were victims") and other verbs read as a clause
    headline_passive = (
        headline and verb.tag_ == "VBD" and not any(c.dep_ in _OBJECTS for c in verb.children)
    )
    participle = (verb.tag_ in ("VBN", "VBG") or headline_passive) and not any(
        c.dep_ in ("aux", "auxpass") for c in before
    )
    reduced = subject.dep_ == "nsubjpass" or participle or (copula and after[0].dep_ != "attr")
    kept = [c for c in before if c.dep_ in ("neg", "advmod")] if reduced else before
    words = [t for c in kept for t in c.subtree]
    if not (copula and reduced):
        words.append(verb)
    for child in after:
        clause = _clause_words(child)
        if child.dep_ == "prep" and clause[-1].i == child.i < child.right_edge.i:
            # "focused on" before a quotation: the preposition's object was cut off
            break
        words += clause
        if len(clause) < len(list(child.subtree)):
            break  # the phrase broke off: what follows is another clause's
    phrase = _counted_phrase(noun, ("prep",))
    pronoun = ""
    if not reduced:
        who = (noun.lemma_.lower() in lists.counted_who or noun.ent_type_ == "NORP"
               or noun.tag_ == "NNPS")  # fmt: skip
        pronoun = "who" if who else "that"
    predicate = _written(words)
    if not predicate:
        return None
    text = " ".join(part for part in (_written(phrase), pronoun, predicate) if part)
    return None if len(text.split()) > MAX_MEASURE_WORDS else text


def _counted_phrase(noun: Token, right: tuple[str, ...]) -> list[Token]:
    """A counted noun's phrase without its number: the words between the number and it
    ("American troops") and the phrase right after it whose relation is one of `right` ("in
    Iraq"), up to its first comma or conjunction (`_clause_words`)."""
    numbers = [c.i for c in noun.lefts if c.dep_ in ("nummod", "quantmod")]
    named = [c for c in noun.lefts if c.dep_ in ("amod", "compound", "nmod")
             and c.i > max(numbers, default=-1) and not c.like_num]  # fmt: skip
    phrase = [t for c in named for t in c.subtree] + [noun]
    follows = next(iter(noun.rights), None)
    if follows is not None and follows.dep_ in right and follows.i == noun.i + 1:
        phrase += _clause_words(follows)
    return phrase


def _clause_words(head: Token, conjunctions: bool = True) -> list[Token]:
    """`head`'s phrase up to its first comma, bracket, dash, quotation mark or conjunction (a
    hyphen inside a word, "25-year-old", is no break; nor is a conjunction of two numbers, "posts
    250 and 251"; nor any conjunction or apposition, or a list's comma, unless `conjunctions`: a
    noun's phrase, "Puerto Rico's private homes and businesses", "Joe Biden")."""
    words: list[Token] = []
    for t in head.subtree:
        if t.i < head.i:
            words.append(t)
            continue
        following = t.nbor() if t.i + 1 < len(t.doc) else None
        numbers = t.head.like_num and (
            (t.dep_ == "conj" and t.like_num)
            or (t.dep_ == "cc" and following is not None and following.dep_ == "conj"
                and following.like_num and following.head == t.head)
        )  # fmt: skip
        listed = (  # the comma of a list: "from Sudan, Iran, Libya, and Yemen"
            not conjunctions and t.text == "," and following is not None
            and following.dep_ in ("conj", "cc")
        )  # fmt: skip
        breaks = (
            (t.dep_ in ("cc", "conj", "appos") and conjunctions and not numbers)
            or (t.is_punct and t.text not in ("-", "'", ".", "%") and not listed)
            or (t.text == "-" and (t.whitespace_ or t.doc[t.i - 1].whitespace_))
        )
        if breaks:
            break
        words.append(t)
    while (
        len(words) > 1
        and words[-1].i > head.i
        and (words[-1].dep_ == "cc" or words[-1].text == ",")
    ):
        words.pop()  # a list's comma or conjunction with nothing after it in the phrase
    return words


def _written(tokens: list[Token]) -> str:
    """`tokens` in their order, spaced as written where they follow each other and by one space
    where words between them are left out."""
    out: list[str] = []
    last = -2
    for t in sorted(set(tokens), key=lambda t: t.i):
        if out and t.i != last + 1 and not out[-1].endswith(" "):
            out.append(" ")
        out.append(t.text_with_ws)
        last = t.i
    return "".join(out).strip()


def _verb(root: Token) -> Token | None:
    """The verb the figure is an object or complement of (through at most three links)."""
    token = root
    for _ in range(3):
        if token.dep_ not in _PATH_DEPS or token.head is token:
            return None
        token = token.head
        if token.pos_ in ("VERB", "AUX"):
            return token
        if token.pos_ in ("NOUN", "PROPN") and token.i != root.i:
            return None  # the figure modifies a noun ("a 15 meter high pig"): not the verb's
    return None


def _pobj(prep: Token) -> Token | None:
    return next((c for c in prep.children if c.dep_ == "pobj"), None)


def _phrase(token: Token, left_only: bool = False) -> str:
    """The words of `token`'s phrase as written, up to its first comma, bracket or dash after it
    (`_clause_words`: "Some estimated death tolls, provided anonymously by officials …" -> "Some
    estimated death tolls"); its left modifiers only, or when the phrase is too long."""
    doc = token.doc
    if not left_only:
        tokens = _clause_words(token, conjunctions=False)
        if len(tokens) <= MAX_MEASURE_WORDS:
            return str(doc[tokens[0].i : tokens[-1].i + 1].text)
    left = [
        c for c in token.lefts if c.dep_ in ("det", "amod", "compound", "poss", "nummod", "case")
    ]
    first = min([token.i] + [c.left_edge.i for c in left])
    return str(doc[first : token.i + 1].text)
