"""Scoring for the attribution benchmark: pure functions over character offsets.

The protocol follows the per-role evaluation of CofeNet (Wang et al., COLING 2022), the best
published PolNeAR results: each role (source, cue, content) is scored on its own with three
match criteria, plus a linked score that needs all three roles of one attribution right.

* **exact**: same boundaries once both spans are trimmed of whitespace, quote marks and
  punctuation at either end (the same trimming on gold and predicted side);
* **first**: same first token (CofeNet's "begin" match);
* **overlap**: at least one token in common.

Tokens are ``\\w+`` runs and single other non-space characters, the same for every system, so no
system's tokenizer decides the score. Predicted and gold spans are paired one-to-one, greedily,
best token-Jaccard first. Matching is per document; with ``per_sentence`` every contiguous piece
of a span is cut at sentence boundaries first, which is how a per-sentence tagger such as CofeNet
sees the data (a three-sentence quote becomes three content spans).

>>> text = 'Smith said "we won."'
>>> gold = [GoldAttribution("E1", content=Extent.of(11, 20), cue=(Extent.of(6, 10),),
...                         source=(Extent.of(0, 5),))]
>>> pred = [PredictedAttribution(content=Extent.of(12, 18), cue=Extent.of(6, 10),
...                              source=Extent.of(0, 5))]
>>> tally = score_document(text, gold, pred)
>>> tally[("all", "all", "content", "exact")].f1
1.0
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

ROLES = ("source", "cue", "content")
MODES = ("exact", "first", "overlap")

Piece = tuple[int, int]


@dataclass(frozen=True, slots=True)
class Extent:
    """One role's span: one or more ``[start, end)`` character pieces (brat's ``s e;s e``)."""

    pieces: tuple[Piece, ...]

    def __post_init__(self) -> None:
        if not self.pieces:
            raise ValueError("an Extent needs at least one piece")
        for s, e in self.pieces:
            if s < 0 or e < s:
                raise ValueError(f"invalid piece [{s}, {e})")

    @classmethod
    def of(cls, start: int, end: int) -> Extent:
        return cls(((start, end),))

    @classmethod
    def join(cls, pieces: Iterable[Piece]) -> Extent:
        """Sorted, with touching or overlapping pieces merged."""
        merged: list[list[int]] = []
        for s, e in sorted(pieces):
            if merged and s <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], e)
            else:
                merged.append([s, e])
        return cls(tuple((s, e) for s, e in merged))

    @property
    def start(self) -> int:
        return min(s for s, _ in self.pieces)

    @property
    def end(self) -> int:
        return max(e for _, e in self.pieces)

    def text(self, of: str) -> str:
        return " ".join(of[s:e] for s, e in sorted(self.pieces))


@dataclass(frozen=True, slots=True)
class GoldAttribution:
    """A gold attribution; a role with several extents accepts any of them (GUM's signals).

    An empty `cue` or `source` means the role is not annotated (PolNeAR's
    ``Attribution-no-source``; GUM relations without a cue signal).
    """

    id: str
    content: Extent | None
    cue: tuple[Extent, ...] = ()
    source: tuple[Extent, ...] = ()


@dataclass(frozen=True, slots=True)
class PredictedAttribution:
    """What a system found; `speaker_mentions` are other mentions of the speaker it resolved,
    `speaker_name` that speaker's canonical name (None: the system resolves no speakers)."""

    content: Extent | None
    cue: Extent | None
    source: Extent | None
    speaker_mentions: tuple[Extent, ...] = ()
    speaker_name: str | None = None


#: whether a prediction's speaker is the gold attribution's source entity (None: cannot tell)
SpeakerCheck = Callable[[PredictedAttribution, GoldAttribution], "bool | None"]


# --- counting -----------------------------------------------------------------------------------


@dataclass(slots=True)
class Counts:
    """True positives are gold items matched; `ptp`, predictions matched, differs from `tp` only
    where one prediction may match several gold items (the ``parts`` linked score)."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    ptp: int | None = None

    def __add__(self, other: Counts) -> Counts:
        ptp = None if self.ptp is None and other.ptp is None else self.hits + other.hits
        return Counts(self.tp + other.tp, self.fp + other.fp, self.fn + other.fn, ptp)

    @property
    def hits(self) -> int:
        """Predictions that matched."""
        return self.tp if self.ptp is None else self.ptp

    @property
    def precision(self) -> float:
        return self.hits / (self.hits + self.fp) if self.hits + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def gold(self) -> int:
        return self.tp + self.fn

    @property
    def predicted(self) -> int:
        return self.hits + self.fp

    def as_dict(self) -> dict[str, float | int]:
        return {
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
        }


#: (dimension, value, target, mode): ("all", "all", "cue", "exact"), ("kind", "direct", "linked",
#: "overlap"), ("source", "pronoun", "content", "first") ...
Key = tuple[str, str, str, str]


@dataclass(slots=True)
class Tally:
    """Counts keyed by `Key`, summed over documents."""

    counts: dict[Key, Counts] = field(default_factory=dict)

    def __getitem__(self, key: Key) -> Counts:
        return self.counts.get(key, Counts())

    def add(self, key: Key, counts: Counts) -> None:
        self.counts[key] = self[key] + counts

    def update(self, other: Tally) -> None:
        for key, counts in other.counts.items():
            self.add(key, counts)

    def as_dict(self) -> dict[str, dict[str, float | int]]:
        return {"/".join(k): c.as_dict() for k, c in sorted(self.counts.items())}


# --- text helpers -------------------------------------------------------------------------------

TOKEN_RE = re.compile(r"\w+|[^\w\s]")

QUOTES = "\"'“”‘’«»„‟‹›‚`"
#: stripped from both ends of every span, gold and predicted alike, before an exact comparison
TRIM = frozenset(QUOTES + ".,;:!?…—–-" + " \t\r\n\u00a0\u2009\u200a\u202f")

PRONOUNS = frozenset(
    (
        "i",
        "me",
        "we",
        "us",
        "you",
        "one",
        "myself",
        "ourselves",
        "yourself",
        "yourselves",
        "he",
        "him",
        "himself",
        "she",
        "her",
        "herself",
        "it",
        "itself",
        "they",
        "them",
        "themselves",
        "who",
        "whom",
        "which",
        "that",
        "this",
        "these",
        "those",
    )
)


def trim(text: str, start: int, end: int) -> Piece:
    """``[start, end)`` without leading/trailing whitespace, quote marks and punctuation.

    >>> trim('  "We won," ', 0, 12)
    (3, 9)
    """
    while start < end and text[start] in TRIM:
        start += 1
    while end > start and text[end - 1] in TRIM:
        end -= 1
    return start, end


def _strip(text: str, start: int, end: int) -> Piece:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


class Tokens:
    """Token boundaries of one text, for looking up which tokens a character range touches."""

    def __init__(self, text: str) -> None:
        self.text = text
        spans = [m.span() for m in TOKEN_RE.finditer(text)]
        self.starts = [s for s, _ in spans]
        self.ends = [e for _, e in spans]

    def within(self, start: int, end: int) -> range:
        """Indices of the tokens that overlap ``[start, end)``."""
        if end <= start:
            return range(0)
        return range(bisect_right(self.ends, start), bisect_left(self.starts, end))


@dataclass(frozen=True, slots=True)
class Prepared:
    """An extent as the matchers see it: trimmed hull, first token, token set."""

    hull: Piece
    first: int | None
    tokens: frozenset[int]

    @property
    def empty(self) -> bool:
        return not self.tokens


def prepare(extent: Extent, tokens: Tokens) -> Prepared:
    text = tokens.text
    trimmed = [(s, e) for s, e in (trim(text, s, e) for s, e in extent.pieces) if e > s]
    if not trimmed:
        # a span that is all punctuation (the ":" cue of a transcript line) keeps its marks
        trimmed = [(s, e) for s, e in (_strip(text, s, e) for s, e in extent.pieces) if e > s]
    if not trimmed:
        return Prepared((extent.start, extent.start), None, frozenset())
    token_ids = frozenset(i for s, e in trimmed for i in tokens.within(s, e))
    hull = (min(s for s, _ in trimmed), max(e for _, e in trimmed))
    return Prepared(hull, min(token_ids) if token_ids else None, token_ids)


def jaccard(a: Prepared, b: Prepared) -> float:
    union = len(a.tokens | b.tokens)
    return len(a.tokens & b.tokens) / union if union else 0.0


def matches(a: Prepared, b: Prepared, mode: str) -> bool:
    """Whether two prepared spans match under `mode` ("exact", "first" or "overlap")."""
    if a.empty or b.empty:
        return False
    if mode == "exact":
        return a.hull == b.hull
    if mode == "first":
        return a.first == b.first
    if mode == "overlap":
        return not a.tokens.isdisjoint(b.tokens)
    raise ValueError(f"unknown match mode {mode!r}; use one of {MODES}")


def greedy_pairs(
    n_pred: int, n_gold: int, weight: Callable[[int, int], float | None]
) -> list[tuple[int, int]]:
    """One-to-one pairs (pred, gold), heaviest first; `weight` is None where they do not match.

    >>> greedy_pairs(2, 2, lambda p, g: {(0, 0): 0.5, (0, 1): 0.9, (1, 1): 0.8}.get((p, g)))
    [(0, 1)]
    """
    candidates = []
    for p in range(n_pred):
        for g in range(n_gold):
            w = weight(p, g)
            if w is not None:
                candidates.append((-w, g, p))
    candidates.sort()
    used_p: set[int] = set()
    used_g: set[int] = set()
    pairs = []
    for _, g, p in candidates:
        if p in used_p or g in used_g:
            continue
        used_p.add(p)
        used_g.add(g)
        pairs.append((p, g))
    return pairs


# --- categories ---------------------------------------------------------------------------------


def quote_kind(text: str, extent: Extent | None) -> str:
    """ "direct" when every word of the span is inside quote marks, "indirect" when none is,
    "mixed" otherwise. Apostrophes (``don't``, ``Clinton’s``) are not quote marks.

    >>> quote_kind('“We won,” he said', Extent.of(0, 10))
    'direct'
    >>> quote_kind('that she was “very tired”', Extent.of(0, 25))
    'mixed'
    """
    if extent is None:
        return "none"
    inside = outside = 0
    for s, e in extent.pieces:
        i, o = _quoted_word_chars(text[s:e])
        inside += i
        outside += o
    if inside and not outside:
        return "direct"
    if not inside:
        return "indirect"
    return "mixed"


def _quoted_word_chars(s: str) -> tuple[int, int]:
    double = single = False
    inside = outside = 0
    n = len(s)
    for i, ch in enumerate(s):
        prev = s[i - 1] if i else " "
        nxt = s[i + 1] if i + 1 < n else " "
        if ch in "“„«":
            double = True
        elif ch in "”»":
            double = False
        elif ch == '"':
            double = not double
        elif ch in "‘’'`":
            if prev.isalnum() and nxt.isalnum():
                continue  # an apostrophe inside a word
            if not single and ch != "’" and not prev.isalnum() and not nxt.isspace():
                single = True
            elif single and ch != "‘" and not prev.isspace() and not nxt.isalnum():
                single = False
        elif ch.isalnum():
            if double or single:
                inside += 1
            else:
                outside += 1
    return inside, outside


def is_pronoun(text: str) -> bool:
    """Whether a source span is a bare pronoun ("he", "They", "who").

    >>> is_pronoun(" He "), is_pronoun("the senator")
    (True, False)
    """
    s, e = trim(text, 0, len(text))
    return text[s:e].lower() in PRONOUNS


def source_type(text: str, sources: Sequence[Extent]) -> str:
    """ "pronoun" when any of the source's extents is a pronoun, "named" otherwise, "none"."""
    if not sources:
        return "none"
    return "pronoun" if any(is_pronoun(x.text(text)) for x in sources) else "named"


def gold_categories(text: str, gold: GoldAttribution) -> dict[str, str]:
    return {"kind": quote_kind(text, gold.content), "source": source_type(text, gold.source)}


def predicted_categories(text: str, pred: PredictedAttribution) -> dict[str, str]:
    sources = (pred.source,) if pred.source is not None else ()
    return {"kind": quote_kind(text, pred.content), "source": source_type(text, sources)}


# --- scoring ------------------------------------------------------------------------------------


def split_at_sentences(extent: Extent, sentence_starts: Sequence[int]) -> list[Extent]:
    """Every contiguous piece of `extent`, cut at sentence starts, as its own extent.

    >>> split_at_sentences(Extent(((0, 30), (40, 50))), [0, 12, 45])
    [Extent(pieces=((0, 12),)), Extent(pieces=((12, 30),)), Extent(pieces=((40, 45),)), \
Extent(pieces=((45, 50),))]
    """
    out: list[Extent] = []
    for s, e in sorted(extent.pieces):
        cuts = [b for b in sentence_starts if s < b < e]
        for a, b in zip([s, *cuts], [*cuts, e], strict=True):
            out.append(Extent.of(a, b))
    return out


@dataclass(frozen=True, slots=True)
class _Item:
    alternatives: tuple[Prepared, ...]
    categories: Mapping[str, str]


def _role_items(
    entries: Iterable[tuple[tuple[Extent, ...], Mapping[str, str]]],
    tokens: Tokens,
    sentence_starts: Sequence[int] | None,
) -> list[_Item]:
    """One item per distinct role span (a span shared by two attributions counts once)."""
    items: list[_Item] = []
    seen: set[tuple[Extent, ...]] = set()
    for alternatives, categories in entries:
        if not alternatives:
            continue
        if sentence_starts is not None and len(alternatives) == 1:
            groups: list[tuple[Extent, ...]] = [
                (x,) for x in split_at_sentences(alternatives[0], sentence_starts)
            ]
        else:
            groups = [alternatives]
        for group in groups:
            if group in seen:
                continue
            seen.add(group)
            prepared = tuple(prepare(x, tokens) for x in group)
            if all(p.empty for p in prepared):
                continue  # nothing left after trimming (a lone quote mark)
            items.append(_Item(prepared, categories))
    return items


def _tally_pairs(
    tally: Tally,
    target: str,
    mode: str,
    preds: Sequence[_Item],
    golds: Sequence[_Item],
    pairs: Sequence[tuple[int, int]],
    uncounted: set[int],
) -> None:
    """Add counts overall and per category: a pair counts in its gold item's categories, an
    unmatched prediction in its own (derived from the predicted spans the same way)."""
    matched_p = {p for p, _ in pairs}
    matched_g = {g for _, g in pairs}
    dims = {(d, v) for item in (*preds, *golds) for d, v in item.categories.items()}
    for dim, value in [("all", "all"), *sorted(dims)]:

        def member(item: _Item, dim: str = dim, value: str = value) -> bool:
            return dim == "all" or item.categories.get(dim) == value

        c = Counts()
        c.tp = sum(1 for _, g in pairs if member(golds[g]))
        c.fn = sum(1 for g, item in enumerate(golds) if g not in matched_g and member(item))
        c.fp = sum(
            1
            for p, item in enumerate(preds)
            if p not in matched_p and p not in uncounted and member(item)
        )
        if c.tp or c.fp or c.fn or dim == "all":
            tally.add((dim, value, target, mode), c)


def _match_items(
    preds: Sequence[_Item], golds: Sequence[_Item], mode: str
) -> list[tuple[int, int]]:
    def weight(p: int, g: int) -> float | None:
        (pred,) = preds[p].alternatives
        best = None
        for alt in golds[g].alternatives:
            if matches(pred, alt, mode):
                w = jaccard(pred, alt)
                best = w if best is None else max(best, w)
        return best

    return greedy_pairs(len(preds), len(golds), weight)


@dataclass(frozen=True, slots=True)
class _GoldLinked:
    content: Prepared | None
    cue: tuple[Prepared, ...]  # alternatives; empty: not annotated
    source: tuple[Prepared, ...]


@dataclass(frozen=True, slots=True)
class _PredLinked:
    content: Prepared | None
    cue: Prepared | None
    source: Prepared | None
    speaker: tuple[Prepared, ...]


def _linked_weight(
    pred: _PredLinked, gold: _GoldLinked, mode: str, *, cue: bool = True
) -> float | None:
    """Sum of role Jaccards when the prediction matches the gold attribution, else None.

    A role the gold attribution does not annotate is not required; nor is the cue when `cue`
    is false.
    """
    if pred.content is None or gold.content is None:
        return None
    if not matches(pred.content, gold.content, mode):
        return None
    total = jaccard(pred.content, gold.content)
    if gold.cue and cue:
        if pred.cue is None:
            return None
        hits = [jaccard(pred.cue, g) for g in gold.cue if matches(pred.cue, g, mode)]
        if not hits:
            return None
        total += max(hits)
    if gold.source:
        # the speaker is right when the predicted source, or any mention of the speaker the
        # system resolved it to, matches one of the gold source's extents
        candidates = ([pred.source] if pred.source is not None else []) + list(pred.speaker)
        hits = [jaccard(c, g) for c in candidates for g in gold.source if matches(c, g, mode)]
        if not hits:
            return None
        total += max(hits)
    return total


def score_document(
    text: str,
    gold: Sequence[GoldAttribution],
    predicted: Sequence[PredictedAttribution],
    *,
    ignore: Mapping[str, Sequence[Extent]] | None = None,
    sentence_starts: Sequence[int] | None = None,
    speaker_check: SpeakerCheck | None = None,
) -> Tally:
    """Score one document's predictions against its gold attributions.

    With `speaker_check` (a corpus with gold coreference) a third linked score, mode
    ``speaker``, also needs the resolved speaker to be the gold source's entity: a pronoun
    source that matches the gold "he" counts only when it was resolved to the right person.

    `ignore` lists, per role, regions whose role was not annotated (GUM relations without a cue
    signal): an unmatched prediction overlapping one is neither right nor wrong.
    `sentence_starts` switches the per-role scores to per-sentence pieces (see module doc); the
    linked score always uses whole spans.
    """
    tokens = Tokens(text)
    tally = Tally()
    gold_cats = [gold_categories(text, g) for g in gold]
    pred_cats = [predicted_categories(text, p) for p in predicted]

    for role in ROLES:
        g_items = _role_items(
            ((_gold_role(g, role), c) for g, c in zip(gold, gold_cats, strict=True)),
            tokens,
            sentence_starts,
        )
        p_items = _role_items(
            ((_pred_role(p, role), c) for p, c in zip(predicted, pred_cats, strict=True)),
            tokens,
            sentence_starts,
        )
        ignored = [prepare(x, tokens) for x in (ignore or {}).get(role, ())]
        for mode in MODES:
            pairs = _match_items(p_items, g_items, mode)
            matched = {p for p, _ in pairs}
            uncounted = {
                i
                for i, item in enumerate(p_items)
                if i not in matched
                and any(matches(item.alternatives[0], x, "overlap") for x in ignored)
            }
            _tally_pairs(tally, role, mode, p_items, g_items, pairs, uncounted)

    def prep(x: Extent | None) -> Prepared | None:
        return prepare(x, tokens) if x is not None else None

    gl = [
        _GoldLinked(
            prep(g.content),
            tuple(prepare(x, tokens) for x in g.cue),
            tuple(prepare(x, tokens) for x in g.source),
        )
        for g in gold
    ]
    pl = [
        _PredLinked(
            prep(p.content),
            prep(p.cue),
            prep(p.source),
            tuple(prepare(x, tokens) for x in p.speaker_mentions),
        )
        for p in predicted
    ]
    g_items = [_Item((), c) for c in gold_cats]
    p_items = [_Item((), c) for c in pred_cats]
    for mode in ("exact", "overlap"):

        def weight(p: int, g: int, mode: str = mode) -> float | None:
            return _linked_weight(pl[p], gl[g], mode)

        pairs = greedy_pairs(len(pl), len(gl), weight)
        _tally_pairs(tally, "linked", mode, p_items, g_items, pairs, set())
    _tally_parts(tally, predicted, pl, gl, tokens)
    if speaker_check is not None:
        check = speaker_check

        def speaker_weight(p: int, g: int) -> float | None:
            w = _linked_weight(pl[p], gl[g], "overlap")
            if w is None or (gold[g].source and check(predicted[p], gold[g]) is False):
                return None
            return w

        pairs = greedy_pairs(len(pl), len(gl), speaker_weight)
        _tally_pairs(tally, "linked", "speaker", p_items, g_items, pairs, set())
    return tally


def _tally_parts(
    tally: Tally,
    predicted: Sequence[PredictedAttribution],
    pl: Sequence[_PredLinked],
    gl: Sequence[_GoldLinked],
    tokens: Tokens,
) -> None:
    """The ``parts`` linked score: source and content overlap one gold attribution (the cue
    not required), where each part of a predicted content (a split quotation's pieces) may
    match a different gold attribution, as corpora that annotate each piece of a split quote
    apart do. Recall counts gold attributions matched; precision, predictions with at least
    one part matched."""
    owner: list[int] = []
    pieces: list[_PredLinked] = []
    for i, (p, linked) in enumerate(zip(predicted, pl, strict=True)):
        content = p.content.pieces if p.content is not None else ()
        for piece in content if len(content) > 1 else (None,):
            owner.append(i)
            pieces.append(
                linked
                if piece is None
                else _PredLinked(prepare(Extent((piece,)), tokens), linked.cue, linked.source,
                                 linked.speaker)
            )  # fmt: skip

    def weight(p: int, g: int) -> float | None:
        return _linked_weight(pieces[p], gl[g], "overlap", cue=False)

    pairs = greedy_pairs(len(pieces), len(gl), weight)
    hit = {owner[p] for p, _ in pairs}
    tally.add(
        ("all", "all", "linked", "parts"),
        Counts(tp=len(pairs), fp=len(pl) - len(hit), fn=len(gl) - len(pairs), ptp=len(hit)),
    )


def _gold_role(g: GoldAttribution, role: str) -> tuple[Extent, ...]:
    if role == "content":
        return (g.content,) if g.content is not None else ()
    return g.cue if role == "cue" else g.source


def _pred_role(p: PredictedAttribution, role: str) -> tuple[Extent, ...]:
    x = {"content": p.content, "cue": p.cue, "source": p.source}[role]
    return (x,) if x is not None else ()
