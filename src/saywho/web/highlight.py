"""Attribution spans laid over a field's text as properly nested, escaped HTML pieces.

    marks = marks_for(article_json["attributions"], "text")
    tree = highlight(text, marks, 0, len(text))     # pure: pieces with their own offsets
    html = render(tree, "text")                     # Markup: every character escaped

Spans of different attributions may overlap (one attribution's content holds another's source)
or cross (a content ends inside a cue). HTML elements must nest, so a span that crosses an
element already placed is split at that element's edges; each piece keeps its own offsets, so
``FIELD[piece.start:piece.end]`` is always exactly the text inside the piece's element.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup, escape

ROLES = ("source", "cue", "content")
#: marks that are not an attribution's parts: the figures (`saywho.analyze.figures`)
FIGURE = "figure"
_ORDER = (*ROLES, FIGURE)


@dataclass(frozen=True, slots=True)
class Mark:
    """One span to highlight: which attribution, which role, where, and extra data attributes."""

    attribution: str
    role: str
    start: int
    end: int
    stance: str | None = None
    speaker: str | None = None
    speaker_name: str | None = None
    #: a figure's tooltip: its value, unit, measure and whose it is
    title: str | None = None


@dataclass(slots=True)
class Piece:
    """A run of text (`mark` None) or a highlighted element holding `children`."""

    start: int
    end: int
    mark: Mark | None = None
    children: list[Piece] = field(default_factory=list)

    def text(self, of: str) -> str:
        return of[self.start : self.end]


def marks_for(
    attributions: Iterable[Mapping[str, Any]],
    field_name: str,
    speakers: Mapping[str, Mapping[str, Any]] | None = None,
) -> list[Mark]:
    """The marks of the attributions (API/`analyze` JSON shape) whose spans index `field_name`."""
    names = speakers or {}
    out: list[Mark] = []
    for a in attributions:
        if a.get("field", "text") != field_name:
            continue
        source = a.get("source") or {}
        speaker = source.get("speaker")
        speaker_key = None if speaker is None else str(speaker)
        name = names.get(speaker_key or "", {}).get("name") if speaker_key else None
        for role in ROLES:
            span = a.get(role)
            if not span or span.get("start") is None or span["end"] <= span["start"]:
                continue
            # a split quotation's content is marked part by part: never its "he said"
            pieces = (span.get("parts") or [span]) if role == "content" else [span]
            out.extend(Mark(
                attribution=str(a["id"]), role=role, start=int(p["start"]), end=int(p["end"]),
                stance=a["cue"].get("stance") if role == "cue" else None,
                speaker=speaker_key, speaker_name=name,
            ) for p in pieces if int(p["end"]) > int(p["start"]))  # fmt: skip
    return out


def figure_marks(figures: Iterable[Mapping[str, Any]], field_name: str) -> list[Mark]:
    """The marks of the figures (`saywho analyze`'s "figures" shape) whose spans index
    `field_name`; each one's "title" (a `figure_title`) becomes its tooltip."""
    return [
        Mark(attribution=str(f.get("attribution") or ""), role=FIGURE, start=int(f["start"]),
             end=int(f["end"]), title=f.get("title"))
        for f in figures if f.get("field", "text") == field_name and int(f["end"]) > int(f["start"])
    ]  # fmt: skip


def highlight(
    text: str, marks: Sequence[Mark], start: int = 0, end: int | None = None
) -> list[Piece]:
    """The pieces covering ``text[start:end]``: marks clipped to the range, nested, split where
    they cross; the plain runs between them are pieces without a mark."""
    end = len(text) if end is None else end
    root = Piece(start, end)
    # outer spans first: at equal starts the longer one, so it becomes the parent
    ordered = sorted(marks, key=lambda m: (m.start, -m.end, _ORDER.index(m.role), m.attribution))
    for mark in ordered:
        lo, hi = max(mark.start, start), min(mark.end, end)
        if lo < hi:
            _insert(root, mark, lo, hi)
    _fill(root)
    if not root.children and start < end:  # no marks here: one plain run
        root.children = [Piece(start, end)]
    return root.children


def _insert(parent: Piece, mark: Mark, lo: int, hi: int) -> None:
    """Place ``mark[lo:hi]`` under `parent` (whose range holds it): parts that meet an existing
    child go inside that child, the rest become new children here."""
    cursor = lo
    placed: list[Piece] = []
    for child in parent.children:
        if child.end <= cursor or child.start >= hi:
            continue
        if child.start > cursor:
            placed.append(Piece(cursor, child.start, mark))
        _insert(child, mark, max(cursor, child.start), min(hi, child.end))
        cursor = min(hi, child.end)
    if cursor < hi:
        placed.append(Piece(cursor, hi, mark))
    parent.children = sorted(parent.children + placed, key=lambda p: p.start)


def _fill(piece: Piece) -> None:
    """Add the plain runs between a piece's children, recursively."""
    filled: list[Piece] = []
    cursor = piece.start
    for child in piece.children:
        if child.start > cursor:
            filled.append(Piece(cursor, child.start))
        _fill(child)
        filled.append(child)
        cursor = child.end
    if piece.children and cursor < piece.end:
        filled.append(Piece(cursor, piece.end))
    piece.children = filled


def render(pieces: Sequence[Piece], text: str, field_name: str) -> Markup:
    """The pieces as HTML: ``<span class="sw sw-ROLE" data-…>`` elements and escaped text."""
    parts: list[str] = []
    for piece in pieces:
        mark = piece.mark
        if mark is None:
            parts.append(str(escape(piece.text(text))))
            continue
        if mark.role == FIGURE:  # not an attribution's part: no "sw" class, no popover
            inner = (
                render(piece.children, text, field_name)
                if piece.children
                else escape(piece.text(text))
            )
            title = f' title="{escape(mark.title)}"' if mark.title else ""
            parts.append(f'<mark class="figure" data-field="{escape(field_name)}" data-start="{piece.start}" '
                         f'data-end="{piece.end}"{title}>{inner}</mark>')  # fmt: skip
            continue
        attrs = {
            "class": f"sw sw-{mark.role}", "data-attribution": mark.attribution,
            "data-role": mark.role, "data-field": field_name, "data-start": str(piece.start),
            "data-end": str(piece.end),
        }  # fmt: skip
        if mark.stance is not None:
            attrs["data-stance"] = mark.stance
        if mark.speaker is not None:
            attrs["data-speaker"] = mark.speaker
        if mark.speaker_name is not None:
            attrs["data-speaker-name"] = mark.speaker_name
        attr_text = " ".join(f'{k}="{escape(v)}"' for k, v in attrs.items())
        inner = (
            render(piece.children, text, field_name) if piece.children else escape(piece.text(text))
        )
        parts.append(f"<span {attr_text}>{inner}</span>")
    return Markup("".join(parts))


def highlighted(
    text: str, marks: Sequence[Mark], field_name: str, start: int = 0, end: int | None = None
) -> Markup:
    """`render` of `highlight`: ``text[start:end]`` as safe HTML with its spans."""
    return render(highlight(text, marks, start, end), text, field_name)
