"""The attribution benchmark's scoring and loaders, on tiny hand-made documents."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

from attribution import _tokens_extent
from attribution_data import (
    DataError,
    first_annotation_per_article,
    gum_gold,
    is_photo_credit,
    load_gum,
    load_polnear,
    load_polnear_annotators,
    parse_brat,
    polnear_gold,
)
from attribution_scoring import (
    Counts,
    Extent,
    GoldAttribution,
    PredictedAttribution,
    Tokens,
    is_pronoun,
    matches,
    prepare,
    quote_kind,
    score_document,
    source_type,
    split_at_sentences,
    trim,
)

ALL = ("all", "all")


def span(text: str, part: str, occurrence: int = 0) -> Extent:
    """The extent of the `occurrence`-th `part` in `text`."""
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(part, start + 1)
    return Extent.of(start, start + len(part))


def gold_of(
    text: str, source: str | None, cue: str | None, content: str, gid: str = "E1"
) -> GoldAttribution:
    return GoldAttribution(
        gid,
        span(text, content),
        (span(text, cue),) if cue else (),
        (span(text, source),) if source else (),
    )


def pred_of(text: str, source: str | None, cue: str | None, content: str) -> PredictedAttribution:
    return PredictedAttribution(
        span(text, content),
        span(text, cue) if cue else None,
        span(text, source) if source else None,
    )


TEXT = (
    'Mayor Jane Smith said on Monday that "the bridge will reopen in May." He added: "We are sure."'
)


# --- trimming, tokens, single matches ------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ('  "We won,"  ', "We won"),
        ("“the bridge will reopen in May.”", "the bridge will reopen in May"),
        ("said:", "said"),
        ("— and then —", "and then"),
        ("don't", "don't"),
    ],
    ids=[
        "whitespace quotes and comma trimmed",
        "curly quotes and full stop trimmed",
        "trailing colon trimmed from a cue",
        "dashes trimmed at both ends",
        "inner apostrophe kept",
    ],
)
def test_scoring_trim_strips_marks_at_both_ends(raw: str, expected: str) -> None:
    s, e = trim(raw, 0, len(raw))
    assert raw[s:e] == expected


def test_scoring_prepare_keeps_a_span_that_is_all_punctuation() -> None:
    text = "WALLACE: Let us start."
    prepared = prepare(span(text, ":"), Tokens(text))
    assert not prepared.empty
    assert prepared.hull == (7, 8)


def test_scoring_tokens_within_returns_tokens_touching_the_range() -> None:
    tokens = Tokens("He said: yes.")
    # "He" "said" ":" "yes" "."
    assert list(tokens.within(3, 8)) == [1, 2]
    assert list(tokens.within(4, 5)) == [1]
    assert list(tokens.within(2, 3)) == []


@pytest.mark.parametrize(
    ("pred", "gold", "exact", "first", "overlap"),
    [
        ('"the bridge will reopen in May."', "the bridge will reopen in May", True, True, True),
        ("the bridge will reopen", "the bridge will reopen in May", False, True, True),
        ("will reopen in May", "the bridge will reopen in May", False, False, True),
        ("Mayor Jane Smith", "Monday", False, False, False),
    ],
    ids=[
        "quote marks and full stop do not break an exact match",
        "a shorter span with the same start is a first-token match",
        "a span sharing tokens is an overlap match only",
        "disjoint spans do not match",
    ],
)
def test_scoring_matches_by_mode(
    pred: str, gold: str, exact: bool, first: bool, overlap: bool
) -> None:
    tokens = Tokens(TEXT)
    p, g = prepare(span(TEXT, pred), tokens), prepare(span(TEXT, gold), tokens)
    assert (matches(p, g, "exact"), matches(p, g, "first"), matches(p, g, "overlap")) == (
        exact,
        first,
        overlap,
    )


def test_scoring_matches_rejects_an_unknown_mode() -> None:
    tokens = Tokens(TEXT)
    p = prepare(span(TEXT, "Monday"), tokens)
    with pytest.raises(ValueError, match="unknown match mode"):
        matches(p, p, "fuzzy")


def test_scoring_counts_handle_zero_predictions_and_add_up() -> None:
    assert Counts(0, 0, 3).precision == 0.0
    assert Counts(0, 0, 3).f1 == 0.0
    total = Counts(2, 1, 1) + Counts(1, 0, 1)
    assert (total.tp, total.fp, total.fn) == (3, 1, 2)
    assert total.precision == pytest.approx(0.75)
    assert total.recall == pytest.approx(0.6)
    assert total.f1 == pytest.approx(2 * 0.75 * 0.6 / 1.35)


# --- per-role scoring ----------------------------------------------------------------------------


def test_scoring_role_exact_first_and_overlap_counts() -> None:
    gold = [gold_of(TEXT, "Mayor Jane Smith", "said", "the bridge will reopen in May.")]
    pred = [pred_of(TEXT, "Jane Smith", "said", '"the bridge will reopen')]
    tally = score_document(TEXT, gold, pred)
    assert tally[(*ALL, "cue", "exact")].f1 == 1.0
    assert tally[(*ALL, "source", "exact")].f1 == 0.0
    assert tally[(*ALL, "source", "first")].f1 == 0.0  # "Jane" is not "Mayor"
    assert tally[(*ALL, "source", "overlap")].f1 == 1.0
    assert tally[(*ALL, "content", "exact")].f1 == 0.0
    assert tally[(*ALL, "content", "first")].f1 == 1.0  # the opening quote mark is trimmed
    assert tally[(*ALL, "content", "overlap")].f1 == 1.0


def test_scoring_matching_is_one_to_one() -> None:
    gold = [gold_of(TEXT, None, None, "the bridge will reopen in May.")]
    pred = [
        PredictedAttribution(span(TEXT, "the bridge will"), None, None),
        PredictedAttribution(span(TEXT, "reopen in May"), None, None),
    ]
    c = score_document(TEXT, gold, pred)[(*ALL, "content", "overlap")]
    assert (c.tp, c.fp, c.fn) == (1, 1, 0)


def test_scoring_greedy_pairs_the_best_overlap_first() -> None:
    text = "alpha beta gamma delta epsilon"
    gold = [
        GoldAttribution("E1", span(text, "alpha beta")),
        GoldAttribution("E2", span(text, "gamma delta epsilon")),
    ]
    # the first prediction overlaps both gold spans but fits E2 better; E1 stays for the second
    pred = [
        PredictedAttribution(span(text, "beta gamma delta epsilon"), None, None),
        PredictedAttribution(span(text, "alpha"), None, None),
    ]
    c = score_document(text, gold, pred)[(*ALL, "content", "overlap")]
    assert (c.tp, c.fp, c.fn) == (2, 0, 0)


def test_scoring_a_role_span_shared_by_two_attributions_counts_once() -> None:
    text = 'Smith said "one." Smith said "two."'
    gold = [
        GoldAttribution("E1", span(text, "one"), (span(text, "said"),), (span(text, "Smith"),)),
        GoldAttribution("E2", span(text, "two"), (span(text, "said", 1),), (span(text, "Smith"),)),
    ]
    c = score_document(text, gold, [])[(*ALL, "source", "exact")]
    assert c.fn == 1


def test_scoring_discontinuous_gold_is_exact_by_hull_and_overlap_by_tokens() -> None:
    text = '"We won," he said, "and we will win again."'
    first, second = span(text, '"We won,"'), span(text, '"and we will win again."')
    gold = [
        GoldAttribution(
            "E1",
            Extent.join([*first.pieces, *second.pieces]),
            (span(text, "said"),),
            (span(text, "he"),),
        )
    ]
    hull = PredictedAttribution(Extent.of(0, len(text)), span(text, "said"), span(text, "he"))
    tally = score_document(text, gold, [hull])
    assert tally[(*ALL, "content", "exact")].tp == 1
    only_second = PredictedAttribution(second, span(text, "said"), span(text, "he"))
    tally = score_document(text, gold, [only_second])
    assert tally[(*ALL, "content", "exact")].tp == 0
    assert tally[(*ALL, "content", "overlap")].tp == 1


def test_scoring_gold_alternatives_accept_any_of_them() -> None:
    text = "Devocht, who had told Montalvo that it was over."
    gold = [
        GoldAttribution(
            "R1",
            span(text, "that it was over"),
            (span(text, "told"),),
            (span(text, "Devocht"), span(text, "who")),
        )
    ]
    pred = [pred_of(text, "who", "told", "that it was over")]
    tally = score_document(text, gold, pred)
    assert tally[(*ALL, "source", "exact")].f1 == 1.0
    assert tally[(*ALL, "linked", "exact")].f1 == 1.0


def test_scoring_ignore_region_makes_an_unannotated_cue_neither_right_nor_wrong() -> None:
    text = "Estimates suggest that 8000 migrants are at sea."
    gold = [
        GoldAttribution(
            "R1", span(text, "that 8000 migrants are at sea."), (), (span(text, "Estimates"),)
        )
    ]
    pred = [pred_of(text, "Estimates", "suggest", "that 8000 migrants are at sea.")]
    plain = score_document(text, gold, pred)[(*ALL, "cue", "exact")]
    assert plain.fp == 1
    ignored = score_document(text, gold, pred, ignore={"cue": [span(text, "Estimates suggest")]})
    c = ignored[(*ALL, "cue", "exact")]
    assert (c.tp, c.fp, c.fn) == (0, 0, 0)
    assert ignored[(*ALL, "linked", "overlap")].tp == 1  # a cue gold lacks is not required


def test_scoring_per_sentence_pieces_are_scored_separately() -> None:
    text = 'He said: "One. Two. Three."'
    content = span(text, '"One. Two. Three."')
    gold = [GoldAttribution("E1", content, (span(text, "said"),), (span(text, "He"),))]
    pred = [PredictedAttribution(span(text, '"One.'), span(text, "said"), span(text, "He"))]
    starts = [0, text.index("Two"), text.index("Three")]
    whole = score_document(text, gold, pred)[(*ALL, "content", "exact")]
    assert (whole.tp, whole.fn) == (0, 1)
    pieces = score_document(text, gold, pred, sentence_starts=starts)[(*ALL, "content", "exact")]
    assert (pieces.tp, pieces.fp, pieces.fn) == (1, 0, 2)


def test_scoring_split_at_sentences_cuts_every_piece() -> None:
    parts = split_at_sentences(Extent(((0, 10), (20, 30))), [0, 5, 25])
    assert [x.pieces for x in parts] == [((0, 5),), ((5, 10),), ((20, 25),), ((25, 30),)]


# --- linked scoring ------------------------------------------------------------------------------


def test_scoring_linked_needs_all_roles_of_the_same_gold_attribution() -> None:
    gold = [
        gold_of(TEXT, "Mayor Jane Smith", "said", "the bridge will reopen in May.", "E1"),
        gold_of(TEXT, "He", "added", "We are sure.", "E2"),
    ]
    right = pred_of(TEXT, "Jane Smith", "said", "the bridge will reopen")
    crossed = pred_of(TEXT, "He", "said", "We are sure.")  # cue of E1, content of E2
    tally = score_document(TEXT, gold, [right, crossed])
    c = tally[(*ALL, "linked", "overlap")]
    assert (c.tp, c.fp, c.fn) == (1, 1, 1)
    assert tally[(*ALL, "linked", "exact")].tp == 0  # "Jane Smith" is not the exact source


def test_scoring_linked_accepts_the_speaker_through_a_resolved_mention() -> None:
    text = 'Jane Smith spoke first. "We are sure," she said.'
    gold = [
        GoldAttribution(
            "E1", span(text, '"We are sure,"'), (span(text, "said"),), (span(text, "Jane Smith"),)
        )
    ]
    wrong_local = pred_of(text, "she", "said", '"We are sure,"')
    assert score_document(text, gold, [wrong_local])[(*ALL, "linked", "overlap")].tp == 0
    resolved = PredictedAttribution(
        span(text, '"We are sure,"'),
        span(text, "said"),
        span(text, "she"),
        (span(text, "Jane Smith"),),
    )
    assert score_document(text, gold, [resolved])[(*ALL, "linked", "overlap")].tp == 1


def test_scoring_linked_does_not_require_a_source_gold_leaves_out() -> None:
    text = "It was reported that the vote was delayed."
    gold = [
        GoldAttribution(
            "E1", span(text, "that the vote was delayed."), (span(text, "was reported"),), ()
        )
    ]
    pred = [pred_of(text, None, "reported", "the vote was delayed")]
    assert score_document(text, gold, pred)[(*ALL, "linked", "overlap")].f1 == 1.0


def test_scoring_linked_without_predicted_content_is_a_false_positive() -> None:
    gold = [gold_of(TEXT, "He", "added", "We are sure.")]
    pred = [PredictedAttribution(None, span(TEXT, "added"), span(TEXT, "He"))]
    c = score_document(TEXT, gold, pred)[(*ALL, "linked", "overlap")]
    assert (c.tp, c.fp, c.fn) == (0, 1, 1)


# --- categories ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("“We won the vote.”", "direct"),
        ("that she was “very tired” after the debate", "mixed"),
        ("that the vote was delayed", "indirect"),
        ("that Clinton’s team didn't say", "indirect"),
        ("''Hopefully,'' ''this museum can help.''", "direct"),
        ("it is ‘in their heads’ now", "mixed"),
        ('"Yes," "we can."', "direct"),
    ],
    ids=[
        "a wholly quoted content is direct",
        "a partly quoted content is mixed",
        "an unquoted content is indirect",
        "apostrophes are not quote marks",
        "doubled apostrophes quote like double quotes",
        "curly single quotes count",
        "two quoted pieces together are direct",
    ],
)
def test_scoring_quote_kind_from_quote_marks(text: str, expected: str) -> None:
    assert quote_kind(text, Extent.of(0, len(text))) == expected


def test_scoring_quote_kind_reads_every_piece_of_a_discontinuous_content() -> None:
    text = '"We won," he said, "and we will win again."'
    pieces = Extent.join(
        [span(text, '"We won,"').pieces[0], span(text, '"and we will win again."').pieces[0]]
    )
    assert quote_kind(text, pieces) == "direct"
    assert quote_kind(text, None) == "none"


@pytest.mark.parametrize(
    ("source", "expected"),
    [("He", True), (" they ", True), ("who", True), ("The senator", False), ("Hemingway", False)],
    ids=[
        "capitalised he",
        "padded they",
        "relative who",
        "a noun phrase",
        "a name starting like he",
    ],
)
def test_scoring_is_pronoun(source: str, expected: bool) -> None:
    assert is_pronoun(source) is expected


def test_scoring_source_type_of_alternatives_and_absence() -> None:
    text = "Devocht, who told"
    assert source_type(text, [span(text, "Devocht"), span(text, "who")]) == "pronoun"
    assert source_type(text, [span(text, "Devocht")]) == "named"
    assert source_type(text, []) == "none"


def test_scoring_breakdown_puts_unmatched_predictions_in_their_own_category() -> None:
    text = 'Smith said the vote was delayed. "It is a shame," Jones said.'
    gold = [
        GoldAttribution(
            "E1", span(text, "the vote was delayed."), (span(text, "said"),), (span(text, "Smith"),)
        )
    ]
    pred = [pred_of(text, "Jones", "said", '"It is a shame,"')]
    pred[0] = PredictedAttribution(pred[0].content, span(text, "said", 1), pred[0].source)
    tally = score_document(text, gold, pred)
    indirect = tally[("kind", "indirect", "linked", "overlap")]
    direct = tally[("kind", "direct", "linked", "overlap")]
    assert (indirect.tp, indirect.fp, indirect.fn) == (0, 0, 1)
    assert (direct.tp, direct.fp, direct.fn) == (0, 1, 0)
    assert tally[("source", "named", "linked", "overlap")].fn == 1


# --- brat (PolNeAR) ------------------------------------------------------------------------------

ANN = """\
T1\tSource 0 5\tSmith
T2\tCue 6 10\tsaid
T3\tContent 11 20;30 40\tpart one part two
T4\tAttribution 6 10\tsaid
E1\tAttribution:T4 Content:T3 Cue:T2 Source:T1
T5\tCue 50 60\twas told
T6\tContent 61 70\tsomething
T7\tAttribution-no-source 50 60\twas told
E2\tAttribution-no-source:T7 Content:T6 Cue:T5
T8\tContent 80 85\tmore
E3\tAttribution:T4 Content:T6 Cue:T2 Source:T1 Content2:T8
T9\tAttribution-no-source 90 95\tstub
E4\tAttribution-no-source:T9 
T10\tDiscard 100 110\tRead more
"""


def test_data_parse_brat_keeps_discontinuous_pieces_and_events() -> None:
    spans, events = parse_brat(ANN)
    assert spans["T3"].extent.pieces == ((11, 20), (30, 40))
    assert spans["T10"].type == "Discard"
    assert [e.id for e in events] == ["E1", "E2", "E3", "E4"]
    assert events[0].type == "Attribution"
    assert ("Content2", "T8") in events[2].args
    assert events[3].args == ()


def test_data_parse_brat_skips_span_text_that_ran_over_a_line_break() -> None:
    # as in a few PolNeAR train files: the span's text goes on, on a line with no id
    spans, events = parse_brat(
        "T1\tContent 0 20\tfirst line\nof the content\nT2\tCue 21 25\tsaid\n"
    )
    assert set(spans) == {"T1", "T2"}
    assert spans["T2"].extent.pieces == ((21, 25),)
    assert events == []


def test_data_parse_brat_still_refuses_a_broken_annotation_line() -> None:
    with pytest.raises(DataError, match="cannot parse brat line"):
        parse_brat("T1\tContent zero 20\ttext\n")


def test_data_polnear_gold_builds_attributions() -> None:
    gold = polnear_gold(ANN)
    by_id = {g.id: g for g in gold}
    assert set(by_id) == {"E1", "E2", "E3"}  # the empty stub E4 is dropped
    assert by_id["E1"].content == Extent(((11, 20), (30, 40)))
    assert by_id["E1"].source == (Extent.of(0, 5),)
    assert by_id["E2"].source == ()  # no-source attribution
    assert by_id["E3"].content == Extent(((61, 70), (80, 85)))  # Content2 joins the content


@pytest.mark.parametrize(
    "bad",
    [
        "T1\tCue six ten\tsaid\n",
        "T1\tCue 6\tsaid\n",
        "E1\tAttribution:T4 Cue:T9\n",
        "T1\tCue 6 10\tsaid\nE1\tAttribution:T1 CueT1\n",
    ],
    ids=[
        "offsets not numbers",
        "offset missing its end",
        "event refers to a missing span",
        "event argument without a colon",
    ],
)
def test_data_polnear_gold_rejects_broken_lines(bad: str) -> None:
    with pytest.raises(DataError):
        polnear_gold(bad, name="x.ann")


def test_data_first_annotation_per_article_picks_the_first_sorted_annotator() -> None:
    paths = [Path("nyt_a_ef2d.ann"), Path("nyt_a_4e07.ann"), Path("wp_b_c_5fec.ann")]
    assert first_annotation_per_article(paths) == {
        "nyt_a": Path("nyt_a_4e07.ann"),
        "wp_b_c": Path("wp_b_c_5fec.ann"),
    }


def test_data_load_polnear_reads_hand_made_files(tmp_path: Path) -> None:
    (tmp_path / "dev" / "text").mkdir(parents=True)
    (tmp_path / "dev" / "attributions").mkdir()
    text = 'Smith said "we won."\r\nJones agreed.'
    (tmp_path / "dev" / "text" / "doc_one.txt").write_bytes(text.encode("utf-8"))
    (tmp_path / "dev" / "attributions" / "doc_one_aaaa.ann").write_text(
        'T1\tSource 0 5\tSmith\nT2\tCue 6 10\tsaid\nT3\tContent 11 20\t"we won."\n'
        "E1\tAttribution:T2 Content:T3 Cue:T2 Source:T1\n",
        encoding="utf-8",
    )
    (tmp_path / "dev" / "attributions" / "doc_one_bbbb.ann").write_text("", encoding="utf-8")
    (docs,) = [load_polnear(tmp_path)]
    assert len(docs) == 1
    assert docs[0].text == text  # CRLF kept, so offsets index the file
    assert docs[0].gold[0].content is not None
    assert docs[0].gold[0].content.text(docs[0].text) == '"we won."'
    assert docs[0].notes == ("annotator file doc_one_aaaa.ann",)


def test_data_agreement_scores_annotators_against_each_other(tmp_path: Path) -> None:
    from attribution import render_agreement

    for split in ("dev", "train"):
        (tmp_path / split / "text").mkdir(parents=True)
        (tmp_path / split / "attributions").mkdir()
    text = "Smith said we won. Jones agreed."
    (tmp_path / "dev" / "text" / "doc.txt").write_text(text, encoding="utf-8")
    one = (
        "T1\tSource 0 5\tSmith\nT2\tCue 6 10\tsaid\nT3\tContent 11 17\twe won\n"
        "E1\tAttribution:T2 Content:T3 Cue:T2 Source:T1\n"
    )
    two = one.replace("Content 11 17\twe won", "Content 14 17\twon")  # a shorter content
    (tmp_path / "dev" / "attributions" / "doc_aaaa.ann").write_text(one, encoding="utf-8")
    (tmp_path / "dev" / "attributions" / "doc_bbbb.ann").write_text(two, encoding="utf-8")
    (tmp_path / "dev" / "attributions" / "solo_cccc.ann").write_text(one, encoding="utf-8")
    (articles,) = [load_polnear_annotators(tmp_path, "dev")]
    assert [(stem, len(golds)) for stem, _, golds in articles] == [("doc", 2)]
    report = render_agreement(tmp_path)
    assert "dev: 1 articles, 2 annotator pairs" in report
    assert "source   exact    F1 1.000" in report
    assert "content  exact    F1 0.000" in report
    assert "train: 0 articles, 0 annotator pairs" in report


def test_data_load_polnear_names_a_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="no text/ and attributions/"):
        load_polnear(tmp_path)


# --- GUM -----------------------------------------------------------------------------------------


def _gum_record(
    unit: str, content: str, sources: list[tuple[int, int]], cues: list[tuple[int, int]]
) -> dict:
    return {
        "attributing_unit": [{"start": 0, "end": len(unit), "text": unit}],
        "attributed_content": [{"start": 100, "end": 100 + len(content), "text": content}],
        "source_mentions": [{"start": s, "end": e, "text": ""} for s, e in sources],
        "cue_words": [{"start": s, "end": e, "text": ""} for s, e in cues],
    }


@pytest.mark.parametrize(
    ("unit", "content", "expected"),
    [
        ("Image: Nick Moreau.", "The church.", True),
        ("Photo: AP.", "A crowd.", True),
        ("Jkthom.", "Audio:", True),
        ("team member Rodaba Noori told the press,", "We are so interested.", False),
    ],
    ids=["image credit", "photo credit", "audio credit in the content", "a real attribution"],
)
def test_data_is_photo_credit(unit: str, content: str, expected: bool) -> None:
    assert is_photo_credit(_gum_record(unit, content, [], [])) is expected


def test_data_gum_gold_drops_credits_and_keeps_alternatives() -> None:
    data = {
        "attributions": [
            _gum_record("Image: Nick Moreau.", "The church.", [(7, 18)], []),
            _gum_record("who had told Montalvo", "that it was over", [(0, 3), (50, 57)], [(8, 12)]),
            _gum_record("Estimates suggest", "8000 migrants are at sea", [(0, 9)], []),
        ]
    }
    gold, ignore, credits = gum_gold(data)
    assert credits == 1
    assert len(gold) == 2
    assert gold[0].source == (Extent.of(0, 3), Extent.of(50, 57))
    assert gold[0].cue == (Extent.of(8, 12),)
    assert gold[1].cue == ()
    assert ignore["cue"] == (Extent.of(0, len("Estimates suggest")),)


def test_data_load_gum_reads_hand_made_files(tmp_path: Path) -> None:
    (tmp_path / "attribution").mkdir()
    (tmp_path / "coref").mkdir()
    text = "Title\n\nSmith said the vote was delayed."
    (tmp_path / "coref" / "GUM_news_x.txt").write_text(text, encoding="utf-8")
    rec = {
        "attributing_unit": [{"start": 7, "end": 17, "text": "Smith said"}],
        "attributed_content": [{"start": 18, "end": 38, "text": "the vote was delayed"}],
        "source_mentions": [{"start": 7, "end": 12, "text": "Smith"}],
        "cue_words": [{"start": 13, "end": 17, "text": "said"}],
    }
    (tmp_path / "attribution" / "GUM_news_x.attribution.json").write_text(
        json.dumps({"doc_id": "GUM_news_x", "text_file": "GUM_news_x.txt", "attributions": [rec]}),
        encoding="utf-8",
    )
    (doc,) = load_gum(tmp_path)
    assert doc.id == "GUM_news_x"
    assert doc.gold[0].source[0].text(doc.text) == "Smith"
    assert (
        doc.gold[0].content is not None
        and doc.gold[0].content.text(doc.text) == "the vote was delayed"
    )


def test_data_load_gum_rejects_offsets_past_the_text(tmp_path: Path) -> None:
    (tmp_path / "attribution").mkdir()
    (tmp_path / "coref").mkdir()
    (tmp_path / "coref" / "GUM_news_x.txt").write_text("short", encoding="utf-8")
    rec = _gum_record("Smith said", "x" * 10, [(0, 5)], [])
    (tmp_path / "attribution" / "GUM_news_x.attribution.json").write_text(
        json.dumps({"text_file": "GUM_news_x.txt", "attributions": [rec]}), encoding="utf-8"
    )
    with pytest.raises(DataError, match="runs past the text"):
        load_gum(tmp_path)


# --- the textacy adapter -------------------------------------------------------------------------


def test_harness_tokens_extent_groups_adjacent_tokens_into_pieces() -> None:
    class Tok(SimpleNamespace):
        def __len__(self) -> int:
            return len(self.text)

    toks = [
        Tok(i=4, idx=20, text="Pence"),
        Tok(i=2, idx=10, text="Mike"),
        Tok(i=1, idx=5, text="Gov."),
    ]
    assert _tokens_extent(toks, 100) == Extent(((105, 114), (120, 125)))
    assert _tokens_extent([], 0) is None


# --- linked with the speaker checked against gold coreference -----------------------------------


def test_scoring_linked_speaker_needs_the_right_speaker_for_a_pronoun() -> None:
    from attribution import coref_check
    from speakers import CorefDoc

    text = "Zamir Kabulov spoke. He said it failed."
    he = text.index("He")
    gold = [
        GoldAttribution(
            "E1",
            content=Extent.of(he + 8, he + 17),
            cue=(Extent.of(he + 3, he + 7),),
            source=(Extent.of(he, he + 2),),
        )
    ]
    coref = CorefDoc("d", text, ((0, 13, "1", "Zamir Kabulov"), (he, he + 2, "1", "He")))

    def predicted(name: str | None) -> list[PredictedAttribution]:
        return [
            PredictedAttribution(
                content=Extent.of(he + 8, he + 17),
                cue=Extent.of(he + 3, he + 7),
                source=Extent.of(he, he + 2),
                speaker_name=name,
            )
        ]

    right = score_document(text, gold, predicted("Zamir Kabulov"), speaker_check=coref_check(coref))
    wrong = score_document(
        text, gold, predicted("Antony Blinken"), speaker_check=coref_check(coref)
    )
    unresolved = score_document(text, gold, predicted(None), speaker_check=coref_check(coref))
    for tally in (right, wrong, unresolved):
        assert tally[("all", "all", "linked", "overlap")].tp == 1  # the spans all match
    assert right[("all", "all", "linked", "speaker")].tp == 1
    assert wrong[("all", "all", "linked", "speaker")].tp == 0
    assert unresolved[("all", "all", "linked", "speaker")].tp == 0  # "He" names nobody
    no_check = score_document(text, gold, predicted(None))
    assert ("all", "all", "linked", "speaker") not in no_check.counts
