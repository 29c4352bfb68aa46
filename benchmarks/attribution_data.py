"""Loaders for the attribution benchmark's gold corpora: PolNeAR (brat) and GUM news (JSON).

Texts are read from the shared data folder at run time and never copied anywhere; every offset
indexes the text file's own characters (UTF-8 decoded, nothing normalised).

PolNeAR ``.ann`` files are brat standoff::

    T1	Source 89 106	The New York Post
    T3	Content 115 290;300 310	that ...
    E1	Attribution:T4 Content:T3 Cue:T2 Source:T1

GUM's eRST attributions are JSON records with ``source_mentions``, ``cue_words`` and
``attributed_content`` offset lists; photo credits ("Image: Nick Moreau.") are dropped.

wikinews-quotes (``benchmarks/data/wikinews-quotes``, in this repository) is our own
development set for the claims notion: 20 demo Wikinews articles annotated by hand, each
attribution with its speaker's name (see its README).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from attribution_scoring import Extent, GoldAttribution

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
REPO = Path(__file__).resolve().parents[1]
WIKINEWS_QUOTES = REPO / "benchmarks" / "data" / "wikinews-quotes"
DEMO_WIKINEWS = REPO / "src" / "saywho" / "data" / "demo" / "wikinews"


@dataclass(frozen=True, slots=True)
class Document:
    """One gold document: where its text is, the text itself, and its gold attributions."""

    id: str
    path: Path
    text: str
    gold: tuple[GoldAttribution, ...]
    #: per role, regions where that role is not annotated (see `score_document`)
    ignore: Mapping[str, tuple[Extent, ...]] = field(default_factory=dict)
    #: things a reader of the report should know (skipped records, ...)
    notes: tuple[str, ...] = ()
    #: gold attribution id → its speaker's name, where the corpus names speakers
    speakers: Mapping[str, str] = field(default_factory=dict)


class DataError(Exception):
    """A corpus file is missing or does not parse; the message names the file."""


# --- brat -----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class BratSpan:
    id: str
    type: str
    extent: Extent
    text: str


@dataclass(frozen=True, slots=True)
class BratEvent:
    id: str
    type: str  # the trigger's type: "Attribution" or "Attribution-no-source"
    trigger: str
    args: tuple[tuple[str, str], ...]  # (role, span id), e.g. ("Content2", "T22")


#: the start of a brat annotation line: an id (T1, E2, R3, A4, #5, …) and a tab
_BRAT_ID = re.compile(r"^[A-Z#]\d+\t")


def parse_brat(ann: str, *, name: str = "<ann>") -> tuple[dict[str, BratSpan], list[BratEvent]]:
    """Text-bound annotations (``T``) by id and events (``E``) in file order.

    Discontinuous spans (``Content 10 20;30 40``) keep all their pieces. Other lines
    (relations, notes, attributes) are ignored.

    >>> spans, events = parse_brat("T1\\tCue 5 9\\tsaid\\nE1\\tAttribution:T1 Cue:T1\\n")
    >>> spans["T1"].extent, events[0].args
    (Extent(pieces=((5, 9),)), (('Cue', 'T1'),))
    """
    spans: dict[str, BratSpan] = {}
    events: list[BratEvent] = []
    for lineno, line in enumerate(ann.splitlines(), 1):
        # a few PolNeAR train files have span text that ran over a line break: the rest of it
        # stands on a line of its own, with no annotation id, and belongs to the line before
        if not line.strip() or not _BRAT_ID.match(line):
            continue
        try:
            if line.startswith("T"):
                tid, middle, *rest = line.split("\t")
                kind, offsets = middle.split(" ", 1)
                pieces = []
                for part in offsets.split(";"):
                    s, e = part.split()
                    pieces.append((int(s), int(e)))
                spans[tid] = BratSpan(tid, kind, Extent(tuple(pieces)), rest[0] if rest else "")
            elif line.startswith("E"):
                eid, body = line.split("\t", 1)
                trigger, *args = body.split()
                ttype, tref = trigger.split(":", 1)
                pairs = []
                for arg in args:
                    role, ref = arg.split(":", 1)
                    pairs.append((role, ref))
                events.append(BratEvent(eid, ttype, tref, tuple(pairs)))
        except ValueError as exc:
            raise DataError(f"{name}:{lineno}: cannot parse brat line {line!r}") from exc
    return spans, events


def polnear_gold(ann: str, *, name: str = "<ann>") -> tuple[GoldAttribution, ...]:
    """PolNeAR attributions from one ``.ann`` file.

    ``Content2`` (a second content span on some events) joins the content; events with neither
    cue nor content (an empty ``Attribution-no-source`` stub) are dropped.
    """
    spans, events = parse_brat(ann, name=name)
    out = []
    for ev in events:
        content: list[tuple[int, int]] = []
        cue: list[Extent] = []
        source: list[Extent] = []
        for role, ref in ev.args:
            span = spans.get(ref)
            if span is None:
                raise DataError(f"{name}: event {ev.id} refers to a missing span {ref}")
            if role.startswith("Content"):
                content.extend(span.extent.pieces)
            elif role == "Cue":
                cue.append(span.extent)
            elif role == "Source":
                source.append(span.extent)
        if not content and not cue:
            continue
        out.append(
            GoldAttribution(
                ev.id,
                Extent.join(content) if content else None,
                _one(cue),
                _one(source),
            )
        )
    return tuple(out)


def _one(extents: list[Extent]) -> tuple[Extent, ...]:
    """A role given by several spans in one event is one (discontinuous) role span."""
    if not extents:
        return ()
    return (Extent.join(p for x in extents for p in x.pieces),)


def first_annotation_per_article(paths: Iterable[Path]) -> dict[str, Path]:
    """``<article-stem>_<annotator>.ann`` files -> the first (sorted) file for each article.

    >>> first_annotation_per_article([Path("b_x_ef2d.ann"), Path("b_x_4e07.ann"), Path("a_1.ann")])
    {'a': PosixPath('a_1.ann'), 'b_x': PosixPath('b_x_4e07.ann')}
    """
    chosen: dict[str, Path] = {}
    for p in sorted(paths, key=lambda p: p.name):
        stem = p.stem.rsplit("_", 1)[0]
        chosen.setdefault(stem, p)
    return dict(sorted(chosen.items()))


def load_polnear(root: Path, *, split: str = "dev", limit: int | None = None) -> list[Document]:
    """PolNeAR `split` (text/*.txt + attributions/*.ann), the first annotator per article."""
    base = root / split
    ann_dir, text_dir = base / "attributions", base / "text"
    if not ann_dir.is_dir() or not text_dir.is_dir():
        raise DataError(f"{base}: no text/ and attributions/ folders (is the PolNeAR copy there?)")
    docs = []
    for stem, ann_path in first_annotation_per_article(ann_dir.glob("*.ann")).items():
        text_path = text_dir / f"{stem}.txt"
        if not text_path.exists():
            raise DataError(f"{ann_path}: no text file {text_path.name}")
        text = _read_text(text_path)
        gold = polnear_gold(ann_path.read_text(encoding="utf-8"), name=str(ann_path))
        _check_offsets(text, (x for g in gold for x in _extents(g)), text_path)
        docs.append(
            Document(stem, text_path, text, gold, notes=(f"annotator file {ann_path.name}",))
        )
        if limit is not None and len(docs) >= limit:
            break
    return docs


def load_polnear_annotators(
    root: Path, split: str
) -> list[tuple[str, str, list[tuple[GoldAttribution, ...]]]]:
    """The PolNeAR articles of `split` that several annotators annotated:
    (article stem, text, [gold attributions of each annotator]) — for inter-annotator agreement."""
    base = root / split
    ann_dir, text_dir = base / "attributions", base / "text"
    if not ann_dir.is_dir() or not text_dir.is_dir():
        raise DataError(f"{base}: no text/ and attributions/ folders (is the PolNeAR copy there?)")
    groups: dict[str, list[Path]] = {}
    for p in sorted(ann_dir.glob("*.ann"), key=lambda p: p.name):
        groups.setdefault(p.stem.rsplit("_", 1)[0], []).append(p)
    out = []
    for stem, paths in sorted(groups.items()):
        if len(paths) < 2:
            continue
        text = _read_text(text_dir / f"{stem}.txt")
        golds = [polnear_gold(p.read_text(encoding="utf-8"), name=str(p)) for p in paths]
        out.append((stem, text, golds))
    return out


# --- GUM --------------------------------------------------------------------------------------

#: caption credits, which eRST annotates as attributions but which are not quotations
_CREDIT_RE = re.compile(
    r"^\W*(image|photo|photograph|picture|video|audio|credit)s?\s*:", re.IGNORECASE
)


def is_photo_credit(record: Mapping[str, Any]) -> bool:
    """Whether a GUM attribution record is a media credit ("Image: Nick Moreau.", "Video:").

    >>> is_photo_credit({"attributing_unit": [{"text": "Image: Andy Warhol."}],
    ...                  "attributed_content": [{"text": "The Factory."}]})
    True
    >>> is_photo_credit({"attributing_unit": [{"text": "Jkthom."}],
    ...                  "attributed_content": [{"text": "Audio:"}]})
    True
    """
    texts = [u["text"] for u in record.get("attributing_unit", ())]
    texts += [c["text"] for c in record.get("attributed_content", ())]
    return any(_CREDIT_RE.match(t) for t in texts)


def gum_gold(
    data: Mapping[str, Any],
) -> tuple[tuple[GoldAttribution, ...], dict[str, tuple[Extent, ...]], int]:
    """(attributions, ignore regions, credits dropped) from one ``*.attribution.json``.

    Source: the ``source_mentions`` (any of them matches, e.g. "Devocht" or "who"); cue: the
    ``cue_words`` (any of them); content: the ``attributed_content`` pieces together. A relation
    without cue words leaves its attributing unit as an ignore region for the cue role.
    """
    gold = []
    no_cue: list[Extent] = []
    credits = 0
    for n, rec in enumerate(data.get("attributions", ()), 1):
        if is_photo_credit(rec):
            credits += 1
            continue
        content = [(c["start"], c["end"]) for c in rec.get("attributed_content", ())]
        cues = tuple(Extent.of(c["start"], c["end"]) for c in rec.get("cue_words", ()))
        sources = tuple(Extent.of(m["start"], m["end"]) for m in rec.get("source_mentions", ()))
        if not cues:
            no_cue.extend(Extent.of(u["start"], u["end"]) for u in rec.get("attributing_unit", ()))
        gold.append(
            GoldAttribution(f"R{n}", Extent.join(content) if content else None, cues, sources)
        )
    return tuple(gold), {"cue": tuple(no_cue)}, credits


def load_gum(root: Path, *, limit: int | None = None) -> list[Document]:
    """GUM news attributions (attribution/*.json) over their texts in coref/."""
    ann_dir = root / "attribution"
    files = sorted(ann_dir.glob("*.attribution.json"))
    if not files:
        raise DataError(f"{ann_dir}: no *.attribution.json files (is the GUM copy there?)")
    docs = []
    for path in files:
        data = json.loads(path.read_text(encoding="utf-8"))
        text_path = (
            root / "coref" / data.get("text_file", path.name.replace(".attribution.json", ".txt"))
        )
        text = _read_text(text_path)
        gold, ignore, credits = gum_gold(data)
        _check_offsets(text, (x for g in gold for x in _extents(g)), text_path)
        doc_id = data.get("doc_id", path.name.split(".")[0])
        docs.append(
            Document(doc_id, text_path, text, gold, ignore, (f"{credits} credits dropped",))
        )
        if limit is not None and len(docs) >= limit:
            break
    return docs


# --- wikinews-quotes ----------------------------------------------------------------------------


def load_wikinews_quotes(
    root: Path = WIKINEWS_QUOTES, texts: Path = DEMO_WIKINEWS, *, limit: int | None = None
) -> list[Document]:
    """Our hand-annotated dev set: content parts, cue, source and the speaker's name."""
    path = root / "annotations.jsonl"
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise DataError(f"{path}: cannot read ({exc})") from exc
    docs = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise DataError(f"{path}:{number}: not JSON ({exc})") from exc
        text_path = texts / record["file"]
        text = _read_text(text_path)
        gold, speakers = [], {}
        for n, a in enumerate(record["attributions"], start=1):
            gid = f"W{n}"

            def one(span: Mapping[str, Any] | None) -> tuple[Extent, ...]:
                return (Extent.of(span["start"], span["end"]),) if span else ()

            content = Extent.join((p["start"], p["end"]) for p in a["content"])
            gold.append(GoldAttribution(gid, content, one(a.get("cue")), one(a.get("source"))))
            if a.get("speaker"):
                speakers[gid] = str(a["speaker"])
        _check_offsets(text, (x for g in gold for x in _extents(g)), text_path)
        docs.append(Document(text_path.stem, text_path, text, tuple(gold), speakers=speakers))
        if limit is not None and len(docs) >= limit:
            break
    return docs


# --- shared -------------------------------------------------------------------------------------


def _read_text(path: Path) -> str:
    try:
        # bytes decoded as they are: no newline translation, so offsets index the file
        return path.read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise DataError(f"{path}: cannot read as UTF-8 text ({exc})") from exc


def _extents(g: GoldAttribution) -> Sequence[Extent]:
    return [*([g.content] if g.content else []), *g.cue, *g.source]


def _check_offsets(text: str, extents: Iterable[Extent], path: Path) -> None:
    for x in extents:
        if x.end > len(text):
            raise DataError(f"{path}: gold span {x.pieces} runs past the text ({len(text)} chars)")
