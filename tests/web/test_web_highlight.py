"""Attribution spans as nested HTML pieces: text kept whole, offsets exact, markup escaped."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from saywho.web.highlight import ROLES, Mark, Piece, highlight, highlighted, marks_for


def flatten(pieces: list[Piece], text: str) -> str:
    """The text of the leaves, in order (what a browser shows)."""
    return "".join(flatten(p.children, text) if p.children else p.text(text) for p in pieces)


def walk(pieces: list[Piece]) -> list[Piece]:
    out = []
    for p in pieces:
        out.append(p)
        out += walk(p.children)
    return out


class Spans(HTMLParser):
    """Every ``span.sw`` with its data attributes and its textContent."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[dict[str, str]] = []
        self.done: list[tuple[dict[str, str], str]] = []
        self.texts: list[list[str]] = []
        self.all_text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        assert tag == "span"
        self.stack.append({k: v or "" for k, v in attrs})
        self.texts.append([])

    def handle_endtag(self, tag: str) -> None:
        attrs, parts = self.stack.pop(), self.texts.pop()
        inner = "".join(parts)
        self.done.append((attrs, inner))
        if self.texts:
            self.texts[-1].append(inner)

    def handle_data(self, data: str) -> None:
        self.all_text.append(data)
        if self.texts:
            self.texts[-1].append(data)


def check_html(text: str, marks: list[Mark], lo: int, hi: int) -> Spans:
    parser = Spans()
    parser.feed(str(highlighted(text, marks, "text", lo, hi)))
    parser.close()
    assert "".join(parser.all_text) == text[lo:hi]
    for attrs, inner in parser.done:
        assert text[int(attrs["data-start"]) : int(attrs["data-end"])] == inner
    return parser


def test_highlight_nested_spans_nest() -> None:
    text = "Kabulov said the US funds IS, the envoy claimed."
    outer = Mark("a1", "content", 0, 29)
    inner = Mark("a2", "source", 0, 7)
    pieces = highlight(text, [inner, outer])
    assert [(p.mark, p.start, p.end) for p in pieces[:1]] == [(outer, 0, 29)]
    assert pieces[0].children[0].mark == inner


def test_highlight_crossing_spans_are_split_at_the_inner_edge() -> None:
    text = "abcdefghij"
    first, second = Mark("a1", "content", 0, 6), Mark("a2", "content", 4, 10)
    pieces = highlight(text, [first, second])
    found = [(p.mark.attribution, p.start, p.end) for p in walk(pieces) if p.mark]
    assert found == [("a1", 0, 6), ("a2", 4, 6), ("a2", 6, 10)]
    assert flatten(pieces, text) == text


def test_highlight_clips_marks_to_the_paragraph() -> None:
    text = "one two\n\nthree four"
    pieces = highlight(text, [Mark("a1", "content", 4, 14)], 9, len(text))
    assert [(p.start, p.end, p.mark is not None) for p in pieces] == [
        (9, 14, True),
        (14, 19, False),
    ]


@pytest.mark.parametrize(
    "payload",
    [
        pytest.param("<script>alert(1)</script>", id="a script element"),
        pytest.param('<img src=x onerror="alert(1)">', id="an onerror attribute"),
        pytest.param("Tom & Jerry's \"quote\" <b>", id="ampersands quotes and angle brackets"),
    ],
)  # fmt: skip
def test_highlight_escapes_text_inside_and_outside_spans(payload: str) -> None:
    text = f"{payload} said {payload}"
    marks = [Mark("a1", "source", 0, len(payload), speaker='x"><script>', speaker_name="<b>x</b>")]
    html = str(highlighted(text, marks, "text"))
    assert "<script>" not in html and "<img" not in html and "<b>" not in html
    check_html(text, marks, 0, len(text))


def test_highlight_marks_for_reads_the_api_shape() -> None:
    attribution = {
        "id": 7, "field": "text", "source": {"text": "he", "start": 0, "end": 2, "speaker": 3},
        "cue": {"text": "said", "start": 3, "end": 7, "lemma": "say", "stance": "denying"},
        "content": {"text": "no", "start": 8, "end": 10},
    }  # fmt: skip
    marks = marks_for([attribution, {**attribution, "id": 8, "field": "title"}], "text",
                      {"3": {"name": "Tom"}})  # fmt: skip
    assert [(m.attribution, m.role) for m in marks] == [
        ("7", "source"),
        ("7", "cue"),
        ("7", "content"),
    ]
    assert (
        marks[1].stance == "denying" and marks[0].speaker == "3" and marks[0].speaker_name == "Tom"
    )


@st.composite
def texts_and_marks(draw: st.DrawFn) -> tuple[str, list[Mark], int, int]:
    text = draw(st.text(alphabet=st.sampled_from("ab <>&\"'\n\u201c"), min_size=0, max_size=40))
    n = len(text)
    marks = []
    for i in range(draw(st.integers(0, 8))):
        start = draw(st.integers(0, n))
        end = draw(st.integers(start, n))
        marks.append(Mark(f"a{i % 3}", draw(st.sampled_from(ROLES)), start, end, stance="neutral"))
    lo = draw(st.integers(0, n))
    hi = draw(st.integers(lo, n))
    return text, marks, lo, hi


@settings(max_examples=300, deadline=None)
@given(texts_and_marks())
def test_highlight_pieces_keep_the_text_and_their_offsets(
    case: tuple[str, list[Mark], int, int],
) -> None:
    text, marks, lo, hi = case
    pieces = highlight(text, marks, lo, hi)
    assert flatten(pieces, text) == text[lo:hi]
    for piece in walk(pieces):
        assert lo <= piece.start <= piece.end <= hi
        if piece.children:
            assert piece.children[0].start == piece.start and piece.children[-1].end == piece.end
            assert all(
                a.end == b.start for a, b in zip(piece.children, piece.children[1:], strict=False)
            )
        if piece.mark is not None:
            assert piece.mark.start <= piece.start and piece.end <= piece.mark.end
    # every character a mark covers (inside the range) is inside one of its pieces
    for mark in marks:
        covered = {i for p in walk(pieces) if p.mark == mark for i in range(p.start, p.end)}
        assert covered == set(range(max(mark.start, lo), min(mark.end, hi)))
    check_html(text, marks, lo, hi)
