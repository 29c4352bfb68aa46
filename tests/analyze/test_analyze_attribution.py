"""Attribution rules: source, cue and content spans, kind and stance, one case per construction."""

from __future__ import annotations

from collections.abc import Callable

import pytest

Run = Callable[..., list[dict[str, object]]]


def by_cue(attributions: list[dict[str, object]], cue: str) -> dict[str, object]:
    matches = [a for a in attributions if a["cue"] == cue]
    assert len(matches) == 1, f"expected one attribution with cue {cue!r}, got {attributions}"
    return matches[0]


CASES = [
    pytest.param(
        '"We are going to Mars," said Bolden to the gathered crowd.',
        {
            "source": "Bolden",
            "cue": "said",
            "content": '"We are going to Mars,"',
            "kind": "direct",
        },
        id="an inverted speaker keeps out the hearer the parser hung on it",
    ),
    pytest.param(
        "“We are ready to talk,” the minister said.",
        {
            "source": "the minister",
            "cue": "said",
            "content": "“We are ready to talk,”",
            "kind": "direct",
        },
        id="curly double quotes before the cue",
    ),
    pytest.param(
        '"We are ready to talk," the minister said.',
        {
            "source": "the minister",
            "cue": "said",
            "content": '"We are ready to talk,"',
            "kind": "direct",
        },
        id="straight double quotes before the cue",
    ),
    pytest.param(
        "‘We are ready to talk,’ the minister said.",
        {
            "source": "the minister",
            "cue": "said",
            "content": "‘We are ready to talk,’",
            "kind": "direct",
        },
        id="single curly quotes before the cue",
    ),
    pytest.param(
        "The minister said «we are ready to talk» on Friday.",
        {
            "source": "The minister",
            "cue": "said",
            "content": "«we are ready to talk» on Friday",
            "kind": "mixed",
        },
        id="guillemets inside reported speech make it mixed",
    ),
    pytest.param(
        "The minister said: „We are ready to talk.“",
        {
            "source": "The minister",
            "cue": "said",
            "content": "„We are ready to talk.“",
            "kind": "direct",
        },
        id="low-high German quotes after a colon",
    ),
    pytest.param(
        "Kabulov said, “Yes, there is such data.”",
        {
            "source": "Kabulov",
            "cue": "said",
            "content": "“Yes, there is such data.”",
            "kind": "direct",
        },
        id="quotation after the cue keeps its marks and final period",
    ),
    pytest.param(
        "“We will win,” he said, “and we will win big.”",
        {
            "source": "he",
            "cue": "said",
            "content": "“We will win,” he said, “and we will win big.”",
            "kind": "direct",
        },
        id="split quotation is one content around the cue",
    ),
    pytest.param(
        "“We are ready,” Putin said on Monday. “The West is not.”",
        {
            "source": "Putin",
            "cue": "said",
            "content": "“We are ready,” Putin said on Monday. “The West is not.”",
        },
        id="a quoted sentence after the cue sentence continues the quotation",
    ),
    pytest.param(
        "The economy is doing well, Kabulov added.",
        {
            "source": "Kabulov",
            "cue": "added",
            "content": "The economy is doing well",
            "kind": "indirect",
        },
        id="post-posed cue after reported speech",
    ),
    pytest.param(
        "The plan, the officials said, would cost $2 billion.",
        {
            "source": "the officials",
            "cue": "said",
            "content": "The plan, the officials said, would cost $2 billion",
        },
        id="cue interrupting the reported clause",
    ),
    pytest.param(
        "“We are ready to talk,” said Charlie King, a prominent New York Democrat.",
        {
            "source": "Charlie King, a prominent New York Democrat",
            "cue": "said",
            "content": "“We are ready to talk,”",
        },
        id="inverted cue before a source with an apposition",
    ),
    pytest.param(
        "Trump said the election was rigged.",
        {
            "source": "Trump",
            "cue": "said",
            "content": "the election was rigged",
            "kind": "indirect",
        },
        id="indirect speech without that",
    ),
    pytest.param(
        "The Pentagon said on Thursday that two soldiers had been killed.",
        {"source": "The Pentagon", "cue": "said", "content": "that two soldiers had been killed"},
        id="indirect speech with that after a date",
    ),
    pytest.param(
        "Trump told reporters on Friday that the election was rigged.",
        {"source": "Trump", "cue": "told", "content": "that the election was rigged"},
        id="told reporters: the hearer is not the content",
    ),
    pytest.param(
        "In an interview with Russia 24 TV, Kabulov said the US was funding militants.",
        {"source": "Kabulov", "cue": "said", "content": "the US was funding militants"},
        id="in an interview with a channel stays out of the content",
    ),
    pytest.param(
        "He wrote on Telegram that the sanctions had failed.",
        {"source": "He", "cue": "wrote", "content": "that the sanctions had failed"},
        id="wrote on Telegram",
    ),
    pytest.param(
        "Blinken defended the decision, saying that the forces could not stay.",
        {"source": "Blinken", "cue": "saying", "content": "that the forces could not stay"},
        id="participial cue shares the subject of its verb",
    ),
    pytest.param(
        "According to the UN, 24 million people need help.",
        {
            "source": "the UN",
            "cue": "According to",
            "content": "24 million people need help",
            "kind": "according_to",
        },
        id="according to at the start of the sentence",
    ),
    pytest.param(
        "The deal is dead, according to officials familiar with the talks.",
        {
            "source": "officials familiar with the talks",
            "cue": "according to",
            "content": "The deal is dead",
        },
        id="according to at the end of the sentence",
    ),
    pytest.param(
        "According to Connecticut Senator Richard Blumenthal, the airplane is one of eighteen "
        "B-17s still flying.",
        {
            "source": "Connecticut Senator Richard Blumenthal",
            "speaker": "richard-blumenthal",
            "content": "the airplane is one of eighteen B-17s still flying",
            "cue": "According to",
        },
        id="according to a name the parser cut after its first word",
    ),
    pytest.param(
        "The museum saw attendance reach 11,000 visitors in 2010, according to curator Elaine "
        "Gustafon.",
        {
            "source": "curator Elaine Gustafon",
            "speaker": "elaine-gustafon",
            "content": "The museum saw attendance reach 11,000 visitors in 2010",
            "cue": "according to",
        },
        id="according to a title and a name at the end of the sentence",
    ),
    pytest.param(
        'The proclamation said "the outbreak constitutes a national emergency" and announced '
        "that the emergency began on March 1.",
        {
            "source": "The proclamation",
            "cue": "announced",
            "content": "that the emergency began on March 1",
        },
        id="a verb the parser joined to a quotation shares the subject outside it",
    ),
    pytest.param(
        '"I have the reputation of being Miss Goody Two-Shoes, America\'s Virgin, and all that," '
        "Day said in her 1976 autobiography, \"so I'm afraid it's going to shock some people.\"",
        {"source": "Day", "cue": "said", "speaker": "day"},
        id="words of the quotation the parser made a second subject are not the source",
    ),
    pytest.param(
        "He publicly stated the trial would not be impartial, saying he anticipated a partisan "
        "outcome.",
        {"source": "He", "cue": "saying", "content": "he anticipated a partisan outcome"},
        id="the subject of the reported clause does not say what the participle says",
    ),
    pytest.param(
        'Whitmore said that on October 6 Montalvo "walked into the station and turned himself '
        'in", and told the police everything.',
        {
            "source": "Whitmore",
            "cue": "said",
            "content": 'that on October 6 Montalvo "walked into the station and turned himself '
            'in", and told the police everything',
        },
        id="a reported clause that quotes some words keeps the verbs joined to it",
    ),
    pytest.param(
        "Zamir Kabulov, Russia’s presidential envoy for Afghanistan, has said the US is funding ISIS.",
        {
            "source": "Zamir Kabulov, Russia’s presidential envoy for Afghanistan,",
            "cue": "has said",
        },
        id="cue is the verb group and the source keeps its apposition",
    ),
    pytest.param(
        "It was reported that the talks had collapsed.",
        {"source": None, "cue": "was reported", "content": "that the talks had collapsed"},
        id="passive with expletive it has no source",
    ),
    pytest.param(
        "The deal was close, sources said.",
        {"source": "sources", "cue": "said", "content": "The deal was close", "speaker": None},
        id="anonymous sources keep their phrase but get no speaker",
    ),
    pytest.param(
        "The New York Post has learned that the campaign avoided the hospital.",
        {"source": "The New York Post", "cue": "has learned", "stance": "factive"},
        id="has learned is factive",
    ),
    pytest.param(
        "The senator sharply criticized the plan to close the base.",
        {"source": "The senator", "cue": "sharply criticized"},
        id="a manner adverb before the verb belongs to the cue",
    ),
    pytest.param(
        "Clinton accused Trump of lying about his taxes.",
        {
            "source": "Clinton",
            "cue": "accused",
            "content": "Trump of lying about his taxes",
            "stance": "accusing",
        },
        id="accused X of Y: the object and its preposition are the content",
    ),
    pytest.param(
        "The ministry denied that any troops had crossed the border.",
        {"cue": "denied", "stance": "denying"},
        id="denial stance",
    ),
    pytest.param(
        "He claimed that the vote was rigged.",
        {"cue": "claimed", "stance": "distancing"},
        id="claim distances the writer",
    ),
    pytest.param(
        "Experts estimate that the war cost $2 trillion.",
        {"cue": "estimate", "stance": "estimating", "content": "that the war cost $2 trillion"},
        id="estimate is estimating",
    ),
    pytest.param(
        "Kabulov pointed out that the US had left.",
        {"cue": "pointed out", "stance": "factive"},
        id="phrasal cue point out",
    ),
    pytest.param(
        "Trump's claim that the election was rigged was rejected.",
        {"source": "Trump's", "cue": "claim", "content": "that the election was rigged"},
        id="a cue noun with a that-clause",
    ),
    pytest.param(
        "Seven in 10 Americans support the plan, a Gallup poll found.",
        {
            "source": "a Gallup poll",
            "cue": "found",
            "content": "Seven in 10 Americans support the plan",
        },
        id="a finding verb after its clause",
    ),
    pytest.param(
        "Unemployment rose to 5 percent last year, the report showed.",
        {
            "source": "the report",
            "cue": "showed",
            "stance": "factive",
            "content": "Unemployment rose to 5 percent last year",
        },
        id="show after its clause",
    ),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_attribution_finds_source_cue_content(
    run: Run, text: str, expected: dict[str, object]
) -> None:
    found = by_cue(run(text), str(expected["cue"]))
    assert {k: found[k] for k in expected} == expected


def test_attribution_participle_after_a_reported_clause_goes_on_with_the_reporter(
    run: Run,
) -> None:
    """The parser hangs "further saying" on the reported clause's verb: its source is the
    reporter, not that clause's subject, and the reported clause ends before it."""
    found = run('Bank president Okey Oramah said the use of other currencies "costs Africa $5 '
                'billion," further saying, "It also reduces trade."')  # fmt: skip
    assert [(a["source"], a["cue"], a["content"]) for a in found] == [
        (
            "Bank president Okey Oramah",
            "said",
            'the use of other currencies "costs Africa $5 billion,"',
        ),
        ("Bank president Okey Oramah", "further saying", '"It also reduces trade."'),
    ]


def test_attribution_quotation_ends_where_the_sources_next_verb_begins(run: Run) -> None:
    """The parser hangs a second "said" on the quoted clause: the quotation is the first
    content, and the second verb has the same source, not the quotation's subject."""
    found = run('The proclamation said "the outbreak constitutes a national emergency" and said '
                "the emergency began on March 1.")  # fmt: skip
    assert [(a["source"], a["content"]) for a in found] == [
        ("The proclamation", '"the outbreak constitutes a national emergency"'),
        ("The proclamation", "the emergency began on March 1"),
    ]


def test_attribution_nested_indirect_speech_has_its_parent(run: Run) -> None:
    attributions = run("Trump said that Clinton claimed the economy was booming.")
    outer, inner = by_cue(attributions, "said"), by_cue(attributions, "claimed")
    assert inner["parent"] == outer["id"]
    assert outer["parent"] is None
    assert inner["content"] == "the economy was booming"


def test_attribution_quote_over_several_paragraphs_is_one_content(run: Run) -> None:
    text = (
        "Kabulov said: “The first paragraph of the quote.\n\n"
        "“The second paragraph continues.\n\n"
        "“And the third one ends it.”\n\n"
        "The weather was fine."
    )
    found = by_cue(run(text), "said")
    assert found["content"] == text[text.index("“") : text.index("The weather") - 2]
    assert found["kind"] == "direct"


def test_attribution_multi_paragraph_quote_attributed_at_its_end(run: Run) -> None:
    text = "“The first paragraph of the quote.\n\n“The second one ends it,” the envoy said."
    found = by_cue(run(text), "said")
    assert found["content"] == text[: text.index(" the envoy")]


@pytest.mark.parametrize(
    "text",
    [
        pytest.param(
            "A stray “ quote mark opens here. The minister said the talks failed.\n\n"
            "A later paragraph. “Yes,” he said.",
            id="stray opening mark stays in its paragraph",
        ),
        pytest.param(
            "He said ” something odd. The minister said the talks failed.\n\n“Yes,” he said.",
            id="stray closing mark is ignored",
        ),
    ],
)
def test_attribution_unbalanced_quotes_stay_local(run: Run, text: str) -> None:
    attributions = run(text)
    minister = next(a for a in attributions if a["source"] == "The minister")
    assert minister["content"] == "the talks failed"
    assert any(a["content"] == "“Yes,”" for a in attributions)


@pytest.mark.parametrize(
    "text",
    [
        pytest.param(
            "The US and its allies pulled out of Afghanistan in August 2021.", id="plain narration"
        ),
        pytest.param(
            "He found the keys and showed them to his wife.", id="find and show without a clause"
        ),
        pytest.param(
            "“It would have, I think, made things more complicated,” he said.",
            id="parenthetical I think is a hedge",
        ),
        pytest.param(
            "The talks failed; he said nothing more.", id="said nothing reports no content"
        ),
        pytest.param(
            "The tax is unfair to renters, I find.", id="a finding verb with I is a hedge"
        ),
        pytest.param("The plan failed, as the study found.", id="as the study found is no report"),
    ],
)
def test_attribution_not_found_where_nobody_is_reported(run: Run, text: str) -> None:
    cues = [a["cue"] for a in run(text)]
    assert "think" not in cues and "found" not in cues and "showed" not in cues
    if "said" in cues:
        assert all(a["content"] != "The talks failed" for a in run(text))


def test_attribution_confidence_reflects_rule_reliability(run: Run) -> None:
    direct = by_cue(run("“We are ready,” the minister said."), "said")
    pronoun = by_cue(run("He said the talks failed."), "said")
    passive = by_cue(run("It was reported that the talks had collapsed."), "was reported")
    assert float(direct["confidence"]) > float(pronoun["confidence"]) > float(passive["confidence"])
    assert all(0 < float(a["confidence"]) < 1 for a in (direct, pronoun, passive))
