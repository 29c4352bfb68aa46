"""Attributed figures (`saywho.analyze.figures`): the sample article's figures with their
attributions, and real sentences from the Wikinews demo corpus."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from saywho.analyze import analyze
from saywho.extract import extract
from saywho.model import Analysis, Article, Figure, RawDocument, Span
from saywho.serialize import analysis_to_dict

DEMO = Path(__file__).resolve().parents[2] / "src/saywho/data/demo"


def build_article(text: str) -> Article:
    return Article(
        "test", "test", None, None, None, None, None, (), "en", text, (Span(0, len(text)),), "plain"
    )


def figures_of(text: str) -> list[Figure]:
    return list(analyze(build_article(text)).figures)


def assert_measure(sentence: str, figure: str, measure: str | None) -> None:
    found = {f.span.text(sentence): f.measure for f in figures_of(sentence)}
    assert found[figure] == measure, found


def written(analysis: Analysis, figure: Figure) -> str:
    return figure.span.text(analysis.article.field_text(figure.field))


def test_figures_sample_article_three_attributed_figures_and_whose(
    sample_analysis: Analysis,
) -> None:
    by_text = {written(sample_analysis, f): f for f in sample_analysis.figures}
    speakers = {a.id: a.speaker for a in sample_analysis.attributions}
    trillion = by_text["$2.1 trillion"]
    assert (trillion.value, trillion.unit, trillion.qualifier) == (2.1e12, "USD", "more than")
    assert trillion.measure == "cost of the invasion of Afghanistan"
    assert speakers[trillion.attribution or ""] == "brown-university"
    people = by_text["24.4 million people"]
    assert (people.value, people.unit, people.qualifier) == (24.4e6, "people", "around")
    assert people.measure == "people currently in need of humanitarian assistance"
    assert speakers[people.attribution or ""] == "un"
    billion = by_text["$26.7 billion"]
    assert (billion.value, billion.unit) == (26.7e9, "USD")
    assert billion.measure is not None and billion.measure.startswith(
        "military aid provided to Kiev"
    )
    assert speakers[billion.attribution or ""] == "us-department-of-defense"
    half = by_text["more than half"]
    assert (half.value, half.unit, half.measure) == (
        0.5,
        "fraction",
        "share of the country’s population",
    )
    assert speakers[half.attribution or ""] == "un"


def test_figures_sample_article_own_figures_unattributed_and_none_invented(
    sample_analysis: Analysis,
) -> None:
    by_text = {written(sample_analysis, f): f for f in sample_analysis.figures}
    assert by_text["75%"].attribution is None  # the article's own statement
    assert by_text["75%"].measure == "share of the Afghan budget"
    # every figure is a number the page writes; dates ("August 2021", "20 Jan, 2023"), the
    # channel "Russia 24 TV" and the icon labels are none
    assert set(by_text) <= {"two-decade", "billions of dollars", "75%", "24.4 million people",
                            "more than half", "$2.1 trillion", "$26.7 billion"}  # fmt: skip
    assert not any("2021" in t or "24 TV" in t or "2023" in t for t in by_text)


def test_figures_sample_article_json_shape(sample_analysis: Analysis) -> None:
    figures = analysis_to_dict(sample_analysis)["figures"]
    assert figures and set(figures[0]) == {"text", "start", "end", "field", "value", "high", "unit",
                                           "qualifier", "measure", "attribution"}  # fmt: skip
    text = sample_analysis.article.text
    assert all(text[f["start"] : f["end"]] == f["text"] for f in figures if f["field"] == "text")


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        pytest.param("It cost €300m, officials said.", ("€300m", 3e8, None, "EUR", None), id="shorthand million after a currency sign"),
        pytest.param("The bill came to £1.2bn last year.", ("£1.2bn", 1.2e9, None, "GBP", None), id="shorthand billion"),
        pytest.param("Some 1.5m people fled the fighting.", ("1.5m people", 1.5e6, None, "people", "Some"), id="shorthand million before a counted noun"),
        pytest.param("He was 1.8m tall.", ("1.8m", 1.8, None, "metre", None), id="metres stay metres"),
        pytest.param("Between 3 and 5 soldiers died on Monday.", ("Between 3 and 5 soldiers", 3.0, 5.0, "soldier", None), id="a range with between"),
        pytest.param("Estimates range from 10 to 20 percent.", ("10 to 20 percent", 10.0, 20.0, "percent", None), id="a percentage range"),
        pytest.param("Estimates range from $5 billion to $7 billion.", ("$5 billion to $7 billion", 5e9, 7e9, "USD", None), id="a range with its scale twice"),
        pytest.param("Tickets cost from $20 to $50.", ("$20 to $50", 20.0, 50.0, "USD", None), id="from and to without a change is a range"),
        pytest.param("Prices range from $5 to $7 billion.", ("$5 to $7 billion", 5e9, 7e9, "USD", None), id="a range's scale written once after its currency"),
        pytest.param("It costs Africa between $5 and $7 billion a year.", ("between $5 and $7 billion a year", 5e9, 7e9, "USD per year", None), id="between two sums, the scale and rate written once"),
        pytest.param("Rebuilding will cost between US$300 and 400 billion.", ("between US$300 and 400 billion", 3e11, 4e11, "USD", None), id="between two sums, the currency written once"),
        pytest.param("It will cost between $5 billion and $7 billion.", ("between $5 billion and $7 billion", 5e9, 7e9, "USD", None), id="between two sums written whole"),
        pytest.param("The peak was over three-and-a-half million.", ("three-and-a-half million", 3.5e6, None, None, "over"), id="and a half before a scale"),
        pytest.param("About one and a half million people fled.", ("one and a half million people", 1.5e6, None, "people", "About"), id="and a half is no fraction"),
        pytest.param("Scans of 158 different species were read.", ("158 different species", 158.0, None, "species", None), id="a noun only plural keeps its s"),
        pytest.param("Many did not wash their hands — at least twenty seconds with soap.", ("twenty seconds", 20.0, None, "second", "at least"), id="seconds are time, not arc"),
        pytest.param("It was about half a mile away.", ("about half a mile", 0.5, None, "mile", "about"), id="half a mile is no rate"),
        pytest.param("They cost US$1.5 billion apiece.", ("US$1.5 billion apiece", 1.5e9, None, "USD", None), id="apiece is no unit"),
        pytest.param("The sale price is 900 million złotys.", ("900 million złotys", 9e8, None, "PLN", None), id="a currency quantulum3 does not know"),
        pytest.param("A visa costs 100,000 Georgian lari.", ("100,000 Georgian lari", 1e5, None, "GEL", None), id="and its name after an adjective"),
        pytest.param("They asked for about 15–25 million dollars.", ("15–25 million dollars", 1.5e7, 2.5e7, "USD", "about"), id="a dashed range keeps its scale"),
        pytest.param("Unemployment stood at 4.5 per cent in May.", ("4.5 per cent", 4.5, None, "percent", None), id="per cent"),
        pytest.param("More than 1,426 pilgrims were trampled.", ("1,426 pilgrims", 1426.0, None, "pilgrim", "More than"), id="more than with a count"),
        pytest.param("Troops crossed the 40,000 sq km region.", ("40,000 sq km", 4e4, None, "square kilometre", None), id="a unit of area"),
        pytest.param("Output reached 1.5 million barrels per day.", ("1.5 million barrels per day", 1.5e6, None, "barrel per day", None), id="a compound unit"),
        pytest.param("Police arrested a dozen people.", ("a dozen people", 12.0, None, "people", None), id="a dozen"),
        pytest.param("Nearly a third of voters backed him.", ("Nearly a third", 1 / 3, None, "fraction", "Nearly"), id="a fraction keeps its qualifier"),
        pytest.param("It was worth US$2.6 billion.", ("US$2.6 billion", 2.6e9, None, "USD", None), id="US dollars"),
        pytest.param("He earned $400,000 a year.", ("$400,000 a year", 4e5, None, "USD per year", None), id="a sum per year"),
        pytest.param("Nurses make €25 per hour.", ("€25 per hour", 25.0, None, "EUR per hour", None), id="a sum per hour"),
        pytest.param("His approval rose 3 percentage points.", ("3 percentage points", 3.0, None, "percentage point", None), id="percentage points are no percent"),
        pytest.param("He wants a $15 an hour minimum wage.", ("$15 an hour", 15.0, None, "USD per hour", None), id="an hour is per hour"),
        pytest.param("Some 2.5 million barrels a day were lost.", ("2.5 million barrels a day", 2.5e6, None, "barrel per day", "Some"), id="a day is per day"),
        pytest.param("It cost $5 million a year ago.", ("$5 million", 5e6, None, "USD", None), id="a year ago is no rate"),
        pytest.param("Bombs kill at least 20 at cathedral.", ("20", 20.0, None, None, "at least"), id="at is no ampere-turn"),
        pytest.param("They played before a crowd of a hundred thousand at a free concert.", ("a hundred thousand", 1e5, None, None, None), id="nor after a scale"),
        pytest.param("A third of the homes were lost.", ("A third", 1 / 3, None, "fraction", None), id="a third the entities call an ordinal"),
        pytest.param("Most prorogations have been for at most two weeks.", ("two weeks", 2.0, None, "week", "at most"), id="a qualifier the entity starts inside"),
    ],
)  # fmt: skip
def test_figures_values_units_ranges_and_qualifiers(
    sentence: str, expected: tuple[object, ...]
) -> None:
    found = figures_of(sentence)
    assert len(found) == 1, found
    f = found[0]
    got = (f.span.text(sentence), f.value, f.high, f.unit, f.qualifier)
    assert got[0] == expected[0] and got[2:] == expected[2:]
    assert f.value == pytest.approx(expected[1])


@pytest.mark.parametrize(
    ("sentence", "before", "after"),
    [
        pytest.param("Unemployment fell from 8.1% to 3.5% under his watch.", ("8.1%", 8.1, "percent"), ("3.5%", 3.5, "percent"), id="a fall keeps its direction"),
        pytest.param("Prices rose from 10 to 20 percent in 2022.", ("10", 10.0, "percent"), ("20 percent", 20.0, "percent"), id="the first end takes the unit written once"),
        pytest.param("Output went up from 1.2 to 1.5 million barrels a day.", ("1.2", 1.2e6, "barrel per day"), ("1.5 million barrels a day", 1.5e6, "barrel per day"), id="and the scale written once"),
        pytest.param("The deficit grew from $5 billion to $7 billion last year.", ("$5 billion", 5e9, "USD"), ("$7 billion", 7e9, "USD"), id="currency twice"),
        pytest.param("Its budget was slashed from £1.2bn to £900m.", ("£1.2bn", 1.2e9, "GBP"), ("£900m", 9e8, "GBP"), id="two entities"),
        pytest.param("The number of troops was cut from 10,000 to 8,600 soldiers.", ("10,000", 1e4, "soldier"), ("8,600 soldiers", 8600.0, "soldier"), id="the count's noun written once"),
        pytest.param("Turnout went from 45 percent in 2016 to 60 percent in 2020.", ("45 percent", 45.0, "percent"), ("60 percent", 60.0, "percent"), id="a year between"),
        pytest.param("There was an increase from 5 to 7 percent in the rate.", ("5", 5.0, "percent"), ("7 percent", 7.0, "percent"), id="a noun of change"),
    ],
)  # fmt: skip
def test_figures_a_change_from_to_is_two_figures(
    sentence: str, before: tuple[str, float, str], after: tuple[str, float, str]
) -> None:
    """quantulum3 reads "from 8.1% to 3.5%" as a range, its ends sorted: the fall was lost."""
    found = figures_of(sentence)
    got = [(f.span.text(sentence), f.value, f.high, f.unit, f.qualifier) for f in found]
    assert got == [(*before[:2], None, before[2], "from"), (*after[:2], None, after[2], "to")]


def test_figures_a_change_written_to_then_from() -> None:
    sentence = "Unemployment fell to 3.5% from 8.1% last year."
    got = [(f.span.text(sentence), f.value, f.unit, f.qualifier) for f in figures_of(sentence)]
    assert got == [("3.5%", 3.5, "percent", "to"), ("8.1%", 8.1, "percent", "from")]
    # "to" and "from" that are no change: no qualifiers
    sentence = "He gave $5 to 10 friends from 3 states."
    assert all(f.qualifier is None for f in figures_of(sentence))


@pytest.mark.parametrize(
    "sentence",
    [
        pytest.param("The US pulled out of Afghanistan in August 2021.", id="a month and year"),
        pytest.param("It happened on 20 January 2023 at 3 p.m.", id="a day and a clock time"),
        pytest.param("In 2019, the company moved.", id="a bare year"),
        pytest.param("A 2011 study found otherwise.", id="a year before a noun"),
        pytest.param("Russia 24 TV reported it.", id="a number in a channel's name"),
        pytest.param("Resolution 2254 was adopted.", id="a number in a law's name"),
        pytest.param("He was the first to arrive.", id="an ordinal"),
        pytest.param("One of the soldiers left.", id="one of"),
        pytest.param("He won one in Arkansas.", id="in is no inch"),
        pytest.param("Microsoft's Internet Explorer 6 is old.", id="a version number"),
        pytest.param("The 9/11 attacks changed everything.", id="a date written with a slash"),
        pytest.param("They printed it in 3D.", id="3D"),
        pytest.param("Flight 370 disappeared.", id="a number after a noun names"),
        pytest.param("The fire started at about 19:00 local time.", id="a clock time the entities miss"),
        pytest.param("Wait until the fourth or fifth day of the festival.", id="ordinals the entities miss"),
        pytest.param("Profits fell in the first quarter.", id="a quarter of the year"),
        pytest.param("Neither side scored in the first half.", id="a half of a match"),
        pytest.param("The second half ended with a goal.", id="a half of a match as the subject"),
        pytest.param("At midnight local time (0700 UTC), the utility cut power.", id="a clock time in four digits"),
        pytest.param("The storm made landfall at 1330 GMT.", id="a clock time before its zone"),
        pytest.param("Water vapour was found on K2-18b, a planet.", id="a planet's designation"),
        pytest.param("The city was founded in 664 BCE.", id="a year before the common era"),
        pytest.param("Mummification was common from about 664 b.c.e. to 250 c.e.", id="years with a dotted era"),
        pytest.param("Users of 4chan attacked the site.", id="a name written with a number"),
        pytest.param("Hours before the Boeing 737-800 jet crashed, Iran fired.", id="a model's number"),
        pytest.param("She won the race in 2:14:04 and left at 8:00am.", id="a race time and a clock time"),
        pytest.param("The flags were lowered to half staff.", id="half staff"),
        pytest.param("Caloundra half back Jarrod Kidston enjoyed the win.", id="a half back"),
        pytest.param("The Lost 52 Project located the wreck.", id="a number between a name's words"),
        pytest.param("It was common from the twenty-sixth dynasty on.", id="a hyphenated ordinal"),
        pytest.param("Shells hit the area near police posts 542 and 543.", id="and the number coordinated with it"),
    ],
)  # fmt: skip
def test_figures_dates_names_and_labels_are_not_figures(sentence: str) -> None:
    assert figures_of(sentence) == []


@pytest.mark.parametrize(
    ("sentence", "figures"),
    [
        pytest.param("Organizers reported this year 908 of the 2240 attendees.", ["908", "2240 attendees"], id="after a time"),
        pytest.param("The meeting in room 101 drew 40 delegates.", ["40 delegates"], id="before what it counts"),
        pytest.param("Sales fell to 15,000 units.", ["15,000 units"], id="written as an amount"),
    ],
)  # fmt: skip
def test_figures_numbers_after_a_noun_that_still_count(sentence: str, figures: list[str]) -> None:
    assert [f.span.text(sentence) for f in figures_of(sentence)] == figures


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        pytest.param("Seven in 10 Americans back the plan, a Gallup poll found.", ("Seven in 10 Americans", 0.7, None, "share of Americans"), id="in, a people as the whole"),
        pytest.param("Nearly one in four children lives in poverty.", ("one in four children", 0.25, "Nearly", "share of children"), id="a qualifier kept apart"),
        pytest.param("Two out of three voters oppose the measure.", ("Two out of three voters", 2 / 3, None, "share of voters"), id="out of"),
        pytest.param("Nine of 10 doctors recommend it.", ("Nine of 10 doctors", 0.9, None, "share of doctors"), id="of with a number right after it"),
        pytest.param("About one in every 100 people has the condition.", ("one in every 100 people", 0.01, "About", "share of people"), id="in every"),
        pytest.param("One in a million people have it.", ("One in a million people", 1e-6, None, "share of people"), id="a scale word as the whole"),
        pytest.param("One in three visits to the site came from the BBC.", ("One in three visits", 1 / 3, None, "share of visits to the site"), id="the whole's phrase"),
        pytest.param("One in five adults in the county who smoke will die early.", ("One in five adults", 0.2, None, "share of adults in the county"), id="a clause is no part of the whole"),
        pytest.param("One in five of the world's children is poor.", ("One in five", 0.2, None, "share of the world's children"), id="the whole after of"),
    ],
)  # fmt: skip
def test_figures_a_ratio_of_two_counts_is_one_fraction(
    sentence: str, expected: tuple[str, float, str | None, str]
) -> None:
    found = figures_of(sentence)
    assert len(found) == 1, [(f.span.text(sentence), f.value) for f in found]
    f = found[0]
    assert (f.span.text(sentence), f.high, f.unit, f.qualifier, f.measure) == (
        expected[0],
        None,
        "fraction",
        expected[2],
        expected[3],
    )
    assert f.value == pytest.approx(expected[1])


@pytest.mark.parametrize(
    ("sentence", "figures"),
    [
        pytest.param("Ohio was one of six states to postpone its election.", ["six states"], id="one of: a member, not a share"),
        pytest.param("Three of the five suspects were arrested.", ["Three", "five suspects"], id="of the: a count of a group"),
        pytest.param("He scored 2 in 10 minutes.", ["2"], id="in a span of time"),
        pytest.param("The index rose to 4 in 2021.", ["4"], id="in a year"),
        pytest.param("Output fell 2 in 10%.", ["2", "10%"], id="in a percentage"),
        pytest.param("They packed 12 in 10 boxes.", ["12", "10 boxes"], id="the first number is not the smaller"),
    ],
)  # fmt: skip
def test_figures_two_numbers_that_are_no_ratio(sentence: str, figures: list[str]) -> None:
    assert [f.span.text(sentence) for f in figures_of(sentence)] == figures


def test_figures_a_period_is_no_bound_and_shares_no_measure() -> None:
    """ "over ten years" is the period a sum is spent over: "over" is no "more than" there, and
    the cost is the sum's measure, not the period's; "lasted over ten years" is a bound."""
    found = {f.span.text(s): f for s in (
        "The bill costs $1.9tn over ten years.",
        "The war has lasted over ten years.",
        "The civil war has been ongoing for seventeen years.",
    ) for f in figures_of(s)}  # fmt: skip
    assert (found["$1.9tn"].measure, found["ten years"].qualifier) == ("cost of The bill", "over")
    spent = [f for f in figures_of("The bill costs $1.9tn over ten years.") if f.unit == "year"]
    assert [(f.value, f.qualifier, f.measure) for f in spent] == [(10.0, None, None)]
    assert found["seventeen years"].measure == "The civil war"  # "for": the subject's own time


def test_figures_values_for_people() -> None:
    from saywho.analyze.figures import human_value

    assert [human_value(v) for v in (2.1e12, 24.4e6, 1426.0, 0.5)] == [
        "2.1 trillion", "24.4 million", "1,426", "0.5"
    ]  # fmt: skip
    assert [human_value(v, "fraction") for v in (0.5, 0.7, 2 / 3, 0.01, 1e-6)] == [
        "50%", "70%", "66.7%", "1%", "0.0001%"
    ]  # fmt: skip
    assert human_value(75.0, "percent") == "75"


def test_figures_measure_from_the_verb_the_share_and_the_noun() -> None:
    measures = {f.span.text(s): f.measure for s in (
        "The damage was estimated at $5bn.",
        "The US spent $2.3 trillion on the war in Afghanistan.",
        "The government approved a $50 million aid package.",
        "The death toll rose to 2,000 on Monday.",
        "Internet Explorer accounted for 70 percent of the market in 2009.",
        "The firm earned $400,000 a year.",
        "Elizabeth Warren earned 8 delegates, and Joe Biden earned 6.",  # earnings are money
        "Nearly half the voters backed him.",  # a predeterminer's whole follows it
    ) for f in figures_of(s)}  # fmt: skip
    assert measures == {
        "$5bn": "The damage",
        "$2.3 trillion": "spending by The US on the war in Afghanistan",
        "$50 million": "aid package",
        "2,000": "The death toll",
        "70 percent": "share of the market",
        "$400,000 a year": "earnings of The firm",
        "8 delegates": None,
        "6": None,
        "Nearly half": "share of the voters",
    }


@pytest.mark.parametrize(
    ("sentence", "figure", "measure"),
    [
        # the subject's phrase ends at its first comma, but not inside a list
        ("Some estimated death tolls, provided anonymously by officials to journalists, were "
         "above 100.", "100", "Some estimated death tolls"),
        ("The cut-off for a category 4 hurricane, the next stronger classification, is 130 mph.",
         "130 mph", "The cut-off for a category 4 hurricane"),
        ("Income from Sudan, Iran, and Yemen, which were covered, fell to $5 million.",
         "$5 million", "Income from Sudan, Iran, and Yemen"),
        # a name is what it is, not what a figure measures; nor is a number
        ("As of Tuesday, Ohio was one of six states that had decided to postpone its election.",
         "six states", None),
        ("Of the 40 passengers, 22 were Cuban.", "40 passengers", None),
        # nor is a count of its own
        ("CNN reported that over the last century, only 21 hurricanes reached within 100 miles "
         "of the islands.", "100 miles", None),
        ("Between the two blasts, at least 20 were killed.", "two blasts", None),
        ("The 2019 budget reached $5 billion.", "$5 billion", "The 2019 budget"),
    ],
)  # fmt: skip
def test_figures_measure_is_the_subject_s_own_phrase(
    sentence: str, figure: str, measure: str | None
) -> None:
    assert_measure(sentence, figure, measure)


@pytest.mark.parametrize(
    ("sentence", "figure", "measure"),
    [
        ("300 people were killed in the attack.", "300 people", "people killed in the attack"),
        ("Two suspects are in custody.", "Two suspects", "suspects in custody"),
        ("Three people have not been found.", "Three people", "people not found"),
        ("Hundreds of people were evacuated.", "Hundreds of people", "people evacuated"),
        ("More than 2,000 workers lost their jobs.", "2,000 workers", "workers who lost their jobs"),
        ("About 2,000 American troops in Iraq will return home by May.", "2,000 American troops",
         "American troops in Iraq who will return home by May"),
        ("12 people were victims of the fraud.", "12 people", "people who were victims of the fraud"),
        ("At least 50 people died, officials said.", "50 people", "people who died"),
        ("Sixty-six people were injured, according to officials.", "Sixty-six people",
         "people injured"),
        ("Over 345 pilgrims have been killed in a stampede.", "345 pilgrims",
         "pilgrims killed in a stampede"),
        ("There were reportedly four people on board.", "four people", "people on board"),
        # a conjunction of two numbers is no break; one of two clauses is
        ("15 shells fell near posts 250 and 251 and more followed.", "15 shells",
         "shells that fell near posts 250 and 251"),
        ("There are 300 people.", "300 people", None),
        # what the counted said is no measure of them; nor a verb standing for one said before
        ("Some 5,000 people said that they would vote.", "5,000 people", None),
        ("No president has been removed, but eight federal judges have.", "eight federal judges",
         None),
    ],
)  # fmt: skip
def test_figures_a_counted_subject_measures_what_its_clause_says(
    sentence: str, figure: str, measure: str | None
) -> None:
    assert_measure(sentence, figure, measure)


def test_figures_a_headline_past_tense_without_an_object_reads_as_a_passive() -> None:
    # the demo corpus's title; the tagger reads "rescued" as a past tense, as it would in a body
    title = "Over 900 asylum seekers rescued off Indonesian coast"
    body = "Over 900 asylum seekers rescued a stranded fisherman."
    article = replace(build_article(body), title=title)
    analysis = analyze(article)
    measures = {(f.field, written(analysis, f)): f.measure for f in analysis.figures}
    assert measures == {
        ("title", "900 asylum seekers"): "asylum seekers rescued off Indonesian coast",
        # in a body, and with an object, the past tense is the counted's own deed
        ("text", "900 asylum seekers"): "asylum seekers who rescued a stranded fisherman",
    }


def test_figures_link_to_the_innermost_attribution_and_vague_counts() -> None:
    text = "The mayor said that, according to the police, hundreds of people died. 300 homes burnt."
    analysis = analyze(build_article(text))
    found = {written(analysis, f): f for f in analysis.figures}
    assert set(found) == {"hundreds of people", "300 homes"}
    vague = found["hundreds of people"]
    assert (vague.value, vague.unit) == (None, "people")
    owner = next(a for a in analysis.attributions if a.id == vague.attribution)
    inner = min((a for a in analysis.attributions if a.content.start <= vague.span.start
                 and vague.span.end <= a.content.end), key=lambda a: len(a.content))  # fmt: skip
    assert owner == inner
    assert found["300 homes"].attribution is None


# (article, figure as written, value, high, unit, qualifier, speaker of its attribution[, measure])
DEMO_FIGURES = [
    ("wikinews-2006-02-23-australian-children-suffering-from-iodine-deficiency.txt", "10 per cent",
     10.0, None, "percent", "only", "cres-eastman"),
    ("wikinews-2006-02-23-australian-children-suffering-from-iodine-deficiency.txt", "two billion people",
     2e9, None, "people", "More than", None,
     "people around the world who live in areas prone to iodine deficiency"),
    ("wikinews-2006-01-12-hundreds-dead-in-hajj-stampede.txt", "1,426 pilgrims", 1426.0, None, "pilgrim",
     None, None, "pilgrims trampled"),
    ("wikinews-2006-01-12-hundreds-dead-in-hajj-stampede.txt", "76 people", 76.0, None, "people",
     "at least", None, "people killed"),
    ("wikinews-2019-01-04-magnitogorsk-apartment-building-collapses-after-explosion-do.txt",
     "three terrorists", 3.0, None, "terrorist", None, None,
     "terrorists killed in a firefight on Monday night"),
    ("wikinews-2019-01-04-magnitogorsk-apartment-building-collapses-after-explosion-do.txt",
     "between 36 and 40 people", 36.0, 40.0, "people", None, None),
    ("wikinews-2019-01-04-magnitogorsk-apartment-building-collapses-after-explosion-do.txt",
     "one million rubles", 1e6, None, "RUB", None, "oleg-klimov"),
    ("wikinews-2020-02-15-california-lawyer-michael-avenatti-convicted-of-attempted-ex.txt", "$11 million",
     11e6, None, "USD", "at least", "prosecutors"),
    ("wikinews-2020-02-15-california-lawyer-michael-avenatti-convicted-of-attempted-ex.txt",
     "15–25 million dollars", 15e6, 25e6, "USD", "about", None),
    ("wikinews-2019-07-01-charlottesville-virginia-killer-sentenced-to-life-in-prison.txt",
     "29 out of 30 federal hate crime charges", 29 / 30, None, "fraction", None, None),
    ("wikinews-2008-01-20-hackers-attack-church-of-scientology-website.txt", "one in three visits",
     1 / 3, None, "fraction", None, None),
]  # fmt: skip


@pytest.fixture(scope="module")
def demo_analyses() -> dict[str, Analysis]:
    out = {}
    for name in {case[0] for case in DEMO_FIGURES}:
        article = extract(RawDocument(name, (DEMO / "wikinews" / name).read_bytes()))
        assert not hasattr(article, "reason"), article
        out[name] = analyze(article)  # type: ignore[arg-type]
    return out


@pytest.mark.parametrize(
    "case", DEMO_FIGURES, ids=[f"{c[1]} in {c[0][9:40]}" for c in DEMO_FIGURES]
)
def test_figures_real_sentences_from_the_demo_corpus(
    case: tuple[Any, ...],
    demo_analyses: dict[str, Analysis],
) -> None:
    name, text, value, high, unit, qualifier, speaker = case[:7]
    analysis = demo_analyses[name]
    by_text = {written(analysis, f): f for f in analysis.figures}
    assert text in by_text, sorted(by_text)
    f = by_text[text]
    assert (f.value, f.high, f.unit, f.qualifier) == (pytest.approx(value), high, unit, qualifier)
    if len(case) > 7:
        assert f.measure == case[7]
    if speaker is None:
        return
    attribution = next(a for a in analysis.attributions if a.id == f.attribution)
    assert attribution.speaker == speaker


def test_figures_demo_corpus_dates_are_not_figures(demo_analyses: dict[str, Analysis]) -> None:
    for analysis in demo_analyses.values():
        for f in analysis.figures:
            assert not (f.unit is None and f.value is not None and 1900 <= f.value <= 2030 and f.value.is_integer()), \
                written(analysis, f)  # fmt: skip


def test_figures_no_unit_quantulum_misreads() -> None:
    """Abbreviations quantulum3 takes for units news never writes ("FM" femtometres, "MP"
    megapixels, "U.S." atomic mass units) leave the figure without them: what it counts comes
    from the noun, when there is one."""
    sentence = "It has 18 FM and five AM radio stations; one MP holds 37 billion U.S. gallons."
    units = {f.span.text(sentence): f.unit for f in figures_of(sentence)}
    assert units["five AM radio stations"] == "station"
    assert not {"femtometre", "attometre", "megapixel", "atomic mass unit"} & set(units.values())
