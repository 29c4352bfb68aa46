"""A learned correction of the rules: a linear-chain CRF over the tokens of each paragraph.

    get_tagger() -> Tagger | None          (cached; None when the model file or crfsuite is absent)
    refine(parsed, found, lexicon, tagger) -> [Found]

The CRF reads the spaCy parse (lemma, POS, dependency arc and head, entities), the cue lexicon
(is the token or its head a cue, the arc under the nearest cue above it, the distance to the
nearest cue), quotation marks, and the rules' own output (which role the rules gave each token),
and tags every token ``B-``/``I-`` ``CUE``/``SRC``/``CON`` or ``O``. `refine` then checks the rules
against those tags (a rule's attribution whose cue the CRF does not tag as a cue is dropped; a
nested one only when the CRF is sure it is no cue: `_confirmed`) and adds an attribution for
every confident learned cue the rules missed, with the learned source in its sentence and the
learned content the parse attaches to the cue (else the nearest ones: `_learned`). The rules
keep their own span boundaries, except that a rule's content widens over the content tokens the
CRF tags right beside it (`_adjust_content`); letting the CRF's spans replace the rules'
outright changed nothing or lowered exact F1 on PolNeAR dev (the model card's "Choices
measured"). The model is trained on the PolNeAR training split by
``scripts/train_attribution.py``; see ``MODEL_CARD.md`` beside it.

Without the model file (or without ``python-crfsuite``) nothing changes: the rules' findings are
returned as they are.
"""

from __future__ import annotations

import functools
import hashlib
import threading
from bisect import bisect_left, bisect_right
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..model import Kind, Stance
from .cues import Lexicon
from .spans import Found, Rule, in_a_title, overlaps
from .tagger import TransformerTagger

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

    from .nlp import Chunk, ParsedField

MODEL_FILE = "attribution-crf.crfsuite"
ROLES = ("CUE", "SRC", "CON")
#: when one token holds several roles (a nested attribution inside a content), the inner wins
PRIORITY = {"CUE": 0, "SRC": 1, "CON": 2}
#: confidence of an attribution only the CRF found (cue tokens' mean marginal scales it)
LEARNED_CONFIDENCE = 0.6
#: a learned cue needs at least this mean marginal probability to add an attribution (0.65 gave
#: 0.006 more linked F1 on PolNeAR dev but 0.009 less on GUM news: off-domain precision wins)
MIN_NEW_CUE = 0.7
#: a learned cue's content must lie within this many sentences of the cue's sentence
CONTENT_SENTENCES = 1
#: how sure the CRF must be that a rule's cue is no cue at all (tag O) to drop it
DROP_MIN = 0.5
# What the CRF does to the rules' findings was chosen by measurement; the alternatives were
# switches here once and are recorded in the model card (data/models/MODEL_CARD.md, "Choices
# measured"): a rule's attribution whose cue the CRF does not tag goes; its spans are kept,
# not replaced by the CRF's, but its content widens over the CRF's content beside it; a learned
# attribution sharing a source with another in its sentence is left out; unlisted cues may
# start one (the claims notion drops those later, `attribution._within`).

#: the hearer of a cue that takes one ("told him that …"): a content never widens over it
_HEARER = frozenset({"dobj", "dative", "iobj"})

_LOCK = threading.Lock()

Tagged = list[tuple[str, int, int]]  # (role, first token, last token) in a chunk's doc


def model_path() -> Path:
    """Where the packaged model lives (it may not exist: the rules then run alone)."""
    return Path(str(resources.files("saywho").joinpath("data/models", MODEL_FILE)))


def load_tagger(path: Path) -> Any | None:
    """A crfsuite tagger for the model at `path`, or None when it cannot be used."""
    if not path.is_file():
        return None
    try:
        import pycrfsuite
    except ImportError:
        return None
    tagger = pycrfsuite.Tagger()
    try:
        tagger.open(str(path))
    except (OSError, ValueError):  # a truncated or foreign file: fall back to the rules
        return None
    return tagger


@functools.lru_cache(maxsize=1)
def get_tagger() -> Any | None:
    """The packaged CRF, loaded once per process (None when absent: rules only)."""
    return load_tagger(model_path())


@functools.lru_cache(maxsize=1)
def model_id() -> str | None:
    """The packaged model's fingerprint, ``crf-`` and 12 hex digits of the file's SHA-256, or
    None when there is no usable model (the rules then run alone)."""
    if get_tagger() is None:
        return None
    return "crf-" + hashlib.sha256(model_path().read_bytes()).hexdigest()[:12]


# --- features -----------------------------------------------------------------------------------


def _bucket(n: int) -> str:
    return str(n) if n < 4 else ("4-6" if n < 7 else ("7-12" if n < 13 else "13+"))


def _is_cue(tok: Token, lexicon: Lexicon) -> bool:
    lemma = tok.lemma_.lower()
    if tok.pos_ in {"VERB", "AUX"} or tok.tag_.startswith("VB"):
        return lemma in lexicon.verbs
    if tok.pos_ in {"NOUN", "PROPN"}:
        return lemma in lexicon.nouns
    return tok.lower_ == "according"


def rule_tags(chunk: Chunk, found: Sequence[Found]) -> list[str]:
    """The role the rules gave each token of `chunk` (BIO over CUE/SRC/CON), inner role first,
    with the rule that found it: ``B-CUE|verb-clause``."""
    doc = chunk.doc
    starts = [chunk.offset + t.idx for t in doc]
    n = len(doc)
    best: list[tuple[int, int]] = [(9, -1)] * n  # (priority, span id)
    roles: list[str] = ["O"] * n
    names: list[str] = [""] * n
    sid = 0
    for f in found:
        for role, span in (("CUE", f.cue), ("SRC", f.source), ("CON", f.content)):
            if span is None:
                continue
            sid += 1
            lo = bisect_left(starts, span[0])
            hi = bisect_left(starts, span[1])
            for i in range(lo, min(hi, n)):
                if PRIORITY[role] < best[i][0]:
                    best[i] = (PRIORITY[role], sid)
                    roles[i] = role
                    names[i] = f.rule
    tags = bio(roles, [b[1] for b in best])
    return [t + "|" + r if r else t for t, r in zip(tags, names, strict=True)]


def bio(roles: Sequence[str], ids: Sequence[object]) -> list[str]:
    """Roles and span ids per token -> BIO tags (a new span starts where the id changes)."""
    out = []
    for i, role in enumerate(roles):
        if role == "O":
            out.append("O")
        elif i > 0 and roles[i - 1] == role and ids[i - 1] == ids[i]:
            out.append("I-" + role)
        else:
            out.append("B-" + role)
    return out


def chunk_features(
    parsed: ParsedField, chunk: Chunk, rules: Sequence[str], lexicon: Lexicon
) -> list[list[str]]:
    """One feature list per token of `chunk` (rules: the tags from `rule_tags`)."""
    doc: Doc = chunk.doc
    n = len(doc)
    base = chunk.offset
    cue = [_is_cue(t, lexicon) for t in doc]
    # inside a quotation's words; the quotes are sorted by start
    inner = [(q.inner_start, q.inner_end, q.closed) for q in parsed.quotes]
    qstarts = [q[0] for q in inner]
    words = [t.lower_ for t in doc]
    rtag = [r.split("|", 1)[0] for r in rules]
    pos = [t.pos_ for t in doc]
    # distance to the nearest cue in the same sentence, either side
    sent_of = [0] * n
    sent_bounds = []
    for k, s in enumerate(doc.sents):
        sent_bounds.append((s.start, s.end))
        for i in range(s.start, s.end):
            sent_of[i] = k
    left = [-1] * n
    last = -1
    for i in range(n):
        if i and sent_of[i] != sent_of[i - 1]:
            last = -1
        left[i] = last
        if cue[i]:
            last = i
    right = [-1] * n
    last = -1
    for i in range(n - 1, -1, -1):
        if i < n - 1 and sent_of[i] != sent_of[i + 1]:
            last = -1
        right[i] = last
        if cue[i]:
            last = i
    feats: list[list[str]] = []
    for i, tok in enumerate(doc):
        head = tok.head
        lemma = tok.lemma_.lower()
        f = [
            "b",
            "w=" + words[i],
            "l=" + lemma,
            "p=" + pos[i],
            "t=" + tok.tag_,
            "d=" + tok.dep_,
            "hl=" + head.lemma_.lower(),
            "hp=" + head.pos_,
            "hd=" + head.dep_,
            "dh=" + ("L" if head.i < i else ("R" if head.i > i else "0")),
            "r=" + rtag[i],
            "rn=" + rules[i],
            "ghl=" + head.head.lemma_.lower(),
            "e=" + tok.ent_iob_ + tok.ent_type_,
        ]
        if cue[i]:
            f.append("cue")
        if head.i != i and cue[head.i]:
            f.append("hcue")
            f.append("hcue.d=" + tok.dep_)
        # the arc under the nearest cue above the token, and how far up it is
        node, depth = tok, 0
        while node.head.i != node.i and depth < 8:
            depth += 1
            if cue[node.head.i]:
                f.append("ca=" + node.dep_)
                f.append("ca.k=" + node.dep_ + _bucket(depth))
                break
            node = node.head
        else:
            f.append("ca=none")
        at = base + tok.idx
        k = bisect_right(qstarts, at) - 1
        if k >= 0 and inner[k][0] <= at < inner[k][1]:
            # an unclosed mark may be a stray one: the rules do not trust it either
            f.append("inq" if inner[k][2] else "inq.open")
        if tok.is_quote:
            f.append("qm")
        if left[i] >= 0:
            f.append("cl=" + _bucket(i - left[i]))
        if right[i] >= 0:
            f.append("cr=" + _bucket(right[i] - i))
        s_start, s_end = sent_bounds[sent_of[i]]
        if i == s_start:
            f.append("ss")
        if i == s_end - 1:
            f.append("se")
        f.append("sp=" + _bucket(i - s_start))
        f.append(
            "sh=" + ("X" if tok.is_title else "d" if tok.is_digit else "p" if tok.is_punct else "x")
        )
        for d in (-1, 1):
            j = i + d
            if 0 <= j < n:
                f.append(f"{d}:w={words[j]}")
                f.append(f"{d}:p={pos[j]}")
                f.append(f"{d}:r={rtag[j]}")
                if cue[j]:
                    f.append(f"{d}:cue")
            else:
                f.append(f"{d}:edge")
        for d in (-2, 2):
            j = i + d
            if 0 <= j < n:
                f.append(f"{d}:p={pos[j]}")
                f.append(f"{d}:r={rtag[j]}")
        for child in tok.children:
            f.append("ch=" + child.dep_)
        if cue[i]:
            f.append("cue.l=" + lemma)
            entry = lexicon.verb(lemma) if tok.pos_ in {"VERB", "AUX"} else None
            if entry is not None:
                f.extend("fr=" + frame for frame in entry.frames)
        feats.append(f)
    return feats


def spans_of(tags: Sequence[str]) -> Tagged:
    """BIO tags -> (role, first token, last token) spans (an ``I-`` after another role opens one)."""
    out: Tagged = []
    for i, tag in enumerate(tags):
        if tag == "O":
            continue
        kind, role = tag.split("-", 1)
        if kind == "I" and out and out[-1][0] == role and out[-1][2] == i - 1:
            out[-1] = (role, out[-1][1], i)
        else:
            out.append((role, i, i))
    return out


# --- merging with the rules ---------------------------------------------------------------------


def refine(
    parsed: ParsedField,
    found: list[Found],
    lexicon: Lexicon,
    tagger: Any,
    known: Sequence[Found] = (),
) -> list[Found]:
    """The rules' findings of one field checked by the CRF's tags, and what only it found
    (nothing whose cue overlaps one of `known`, findings made elsewhere). `tagger` may also be
    the accurate mode's transformer tagger (`tagger.TransformerTagger`), read the same way,
    whose content then also replaces a rule's outside quotations (`_tagger_content`).

    Chunk by chunk: the CRF reads the chunk with the rules' findings whose cue lies in it
    (`_read`); each of those, in turn, stays or goes (`_confirmed`) and has its content widened
    (`_adjust_content`), so a later one's check sees the earlier ones widened; then the
    confident cues the rules missed add their attributions (`_learned`)."""
    if parsed.name != "text":
        return found  # trained on body text only; titles keep the headline rules
    checked = list(found)
    dropped: set[int] = set()
    added: list[Found] = []
    for chunk, sentence in _numbered(parsed):
        end = chunk.offset + len(chunk.doc.text)
        mine = [i for i, f in enumerate(checked) if chunk.offset <= f.cue[0] < end]
        reading = _read(parsed, chunk, [checked[i] for i in mine], lexicon, tagger)
        for i in mine:
            if not _confirmed(i, checked, reading):
                dropped.add(i)
            checked[i] = replace(
                checked[i], content=_adjust_content(chunk, checked[i], reading.tags, lexicon)
            )
            if isinstance(tagger, TransformerTagger):
                checked[i] = _tagger_content(parsed, checked[i], reading)
        rules = [checked[i] for i in mine]
        added += _learned(parsed, reading, sentence, rules, [*checked, *known], lexicon)
    kept = [f for i, f in enumerate(checked) if i not in dropped]
    return sorted(kept + added, key=lambda f: f.cue[0]) if added else kept


@dataclass(frozen=True, slots=True)
class _Reading:
    """The CRF's reading of one chunk: each token's tag and the marginal probability of that
    tag, and the tagged spans as token ranges (`spans_of`) and as character ranges."""

    chunk: Chunk
    tags: list[str]
    marginals: list[float]
    spans: Tagged
    char: list[tuple[int, int]]


def _numbered(parsed: ParsedField) -> Iterator[tuple[Chunk, int]]:
    """The field's chunks that hold tokens, each with the field-wide index of its first
    sentence (`Found.sentence`)."""
    sentence = 0
    for chunk in parsed.chunks:
        n_sents = sum(1 for _ in chunk.doc.sents)
        if len(chunk.doc) == 0:
            continue
        yield chunk, sentence
        sentence += n_sents


def _read(
    parsed: ParsedField, chunk: Chunk, rules: Sequence[Found], lexicon: Lexicon, tagger: Any
) -> _Reading:
    """The CRF's tags over `chunk`, with the roles the rules' findings `rules` give its tokens
    among the features, and the marginal probability of each tag; or, in the accurate mode,
    the fine-tuned encoder's tags (`tagger.TransformerTagger`: it reads the words alone) and
    their probabilities."""
    if isinstance(tagger, TransformerTagger):
        tags, marginals = tagger.read(chunk)
    else:
        features = chunk_features(parsed, chunk, rule_tags(chunk, rules), lexicon)
        # a crfsuite tagger keeps the last sequence it tagged (for `marginal`): one at a time
        with _LOCK:
            tags = tagger.tag(features)
            marginals = [tagger.marginal(tag, i) for i, tag in enumerate(tags)]
    spans = spans_of(tags)
    return _Reading(chunk, tags, marginals, spans, [_chars(chunk, a, b) for _, a, b in spans])


def _confirmed(i: int, found: Sequence[Found], reading: _Reading) -> bool:
    """Whether the rules' `found[i]` stays: the CRF tags a cue over its cue, or its cue lies
    inside another finding's content (nested speech) and the CRF is not sure it is no cue
    (`DROP_MIN`, `_outside`). A cue the CRF tags as a source or a content is not sure to be no
    cue: a nested one stays, any other goes."""
    f = found[i]
    cues = (c for (role, _, _), c in zip(reading.spans, reading.char, strict=True) if role == "CUE")
    if any(overlaps(c, f.cue) for c in cues):
        return True
    nested = any(j != i and overlaps(g.content, f.cue) for j, g in enumerate(found))
    return nested and _outside(reading, f.cue) < DROP_MIN


def _learned(
    parsed: ParsedField,
    reading: _Reading,
    sentence: int,
    rules: Sequence[Found],
    taken: Sequence[Found],
    lexicon: Lexicon,
) -> list[Found]:
    """The attributions of the learned cues in `reading` that the rules missed: a cue over
    none of `taken` (every finding so far, the headline rules' too), of mean marginal
    probability at least `MIN_NEW_CUE`, with a content (`_new`), and whose source is no source
    of `rules`, the rules' findings in the chunk, in its sentence (`_source_taken`); `sentence`:
    the field-wide index of the chunk's first sentence."""
    out: list[Found] = []
    for k, (role, a, b) in enumerate(reading.spans):
        if role != "CUE" or any(overlaps(reading.char[k], f.cue) for f in taken):
            continue
        score = sum(reading.marginals[a : b + 1]) / (b - a + 1)
        if score < MIN_NEW_CUE:
            continue
        new = _new(parsed, reading.chunk, reading.spans, reading.char, k, lexicon, sentence, score)
        if new is not None and not _source_taken(new, rules):
            out.append(new)
    return out


def _source_taken(new: Found, rules: Sequence[Found]) -> bool:
    """Whether a rule's finding in `new`'s sentence has `new`'s source: "X defended the
    decision, saying …" is one attribution, the rules' participle."""
    return new.source is not None and any(
        f.source is not None and f.sentence == new.sentence and overlaps(f.source, new.source)
        for f in rules
    )


#: punctuation a widened content does not begin or end with
_EDGE_MARKS = frozenset({",", ";", ":", "—", "–", "-", "--"})


def _adjust_content(
    chunk: Chunk, f: Found, tags: Sequence[str], lexicon: Lexicon
) -> tuple[int, int]:
    """The rule's content widened over the content tokens the CRF tags right outside its edges,
    within the sentence of each edge (never over the attribution's own source or cue, nor over
    the hearer of a cue with a that-clause: "told him that …").

    Moving an edge inward where the CRF tags O lowered exact F1 on dev, so edges only widen."""
    doc = chunk.doc
    starts = [chunk.offset + t.idx for t in doc]
    lo, hi = bisect_left(starts, f.content[0]), bisect_left(starts, f.content[1])
    if hi <= lo or hi > len(doc):
        return f.content
    taken = [f.cue] + ([f.source] if f.source is not None else [])

    cue_tokens = range(bisect_left(starts, f.cue[0]), bisect_left(starts, f.cue[1]))
    entry = lexicon.verb(f.cue_lemma.split(" ")[0])
    # "told him that …" (a clause follows the hearer), not "urged him to …" (PolNeAR keeps
    # the one urged in the content of an infinitive)
    hearer = (
        entry is not None
        and "addressee" in entry.frames
        and any(c.dep_ == "ccomp" for i in cue_tokens for c in doc[i].children)
    )

    def content(i: int) -> bool:
        span = (starts[i], starts[i] + len(doc[i].text))
        if hearer and doc[i].head.i in cue_tokens and doc[i].dep_ in _HEARER:
            return False  # "told him that …": the hearer is no part of what was told
        return tags[i].endswith("-CON") and not any(overlaps(span, x) for x in taken)

    first, last = lo, hi - 1
    sent = doc[first].sent
    while first - 1 >= sent.start and content(first - 1):
        first -= 1
    sent = doc[last].sent
    while last + 1 < sent.end and content(last + 1):
        last += 1
    # a comma or dash the CRF tags with the content is no edge of it (', "It also …"')
    while first < lo and doc[first].text in _EDGE_MARKS:
        first += 1
    while last > hi - 1 and doc[last].text in _EDGE_MARKS:
        last -= 1
    a = starts[first] if first != lo else f.content[0]
    b = starts[last] + len(doc[last].text) if last != hi - 1 else f.content[1]
    return a, b


def _tagger_content(parsed: ParsedField, f: Found, reading: _Reading) -> Found:
    """`f` with the transformer tagger's content (the accurate mode): the hull of its content
    spans overlapping the rule's, none over the attribution's own cue or source. A content
    holding a quotation keeps the rules' edges: the quotation marks place them (exact content
    F1 on PolNeAR dev 0.618 against 0.617 letting the tagger move them too, on GUM 0.645
    against 0.625).

    Also measured on PolNeAR dev: replacing the source too lowered exact source F1 (0.760
    against 0.763, with the model after its first epoch); widening the hull over nested cues and
    sources inside the rule's content changed nothing (exact content F1 0.616 against 0.617)."""
    start, end = f.content
    if any(q.start < end and q.end > start for q in parsed.quotes):
        return f
    avoid = [f.cue] + ([f.source] if f.source is not None else [])
    mine = [c for (role, _, _), c in zip(reading.spans, reading.char, strict=True)
            if role == "CON" and overlaps(c, f.content) and not any(overlaps(c, x) for x in avoid)]  # fmt: skip
    if not mine:
        return f
    return replace(f, content=(min(c[0] for c in mine), max(c[1] for c in mine)))


def _outside(reading: _Reading, span: tuple[int, int]) -> float:
    """The CRF's mean probability of O over the tokens of `span`, 0 unless every one is O."""
    starts = [reading.chunk.offset + t.idx for t in reading.chunk.doc]
    lo, hi = bisect_left(starts, span[0]), bisect_left(starts, span[1])
    if hi <= lo or any(reading.tags[i] != "O" for i in range(lo, hi)):
        return 0.0
    return float(sum(reading.marginals[i] for i in range(lo, hi))) / (hi - lo)


def _chars(chunk: Chunk, a: int, b: int) -> tuple[int, int]:
    doc = chunk.doc
    return chunk.offset + doc[a].idx, chunk.offset + doc[b].idx + len(doc[b].text)


def _new(
    parsed: ParsedField,
    chunk: Chunk,
    spans: Tagged,
    char: list[tuple[int, int]],
    k: int,
    lexicon: Lexicon,
    first_sentence: int,
    score: float,
) -> Found | None:
    """An attribution around the learned cue `spans[k]`: a source in its sentence and a content in
    its paragraph piece, those the parse attaches to the cue first, then the nearest."""
    doc = chunk.doc
    _, a, b = spans[k]
    sent = doc[a].sent
    sents = list(doc.sents)
    here = next(n for n, s in enumerate(sents) if s.start == sent.start)
    index = first_sentence + here
    near_lo = sents[max(0, here - CONTENT_SENTENCES)].start
    near_hi = sents[min(len(sents) - 1, here + CONTENT_SENTENCES)].end

    def gap(j: int) -> int:
        _, x, y = spans[j]
        return x - b if x > b else a - y

    def words(j: int) -> bool:  # a span of whitespace tokens alone is no source or content
        return not all(t.is_space for t in doc[spans[j][1] : spans[j][2] + 1])

    src = [
        j
        for j, s in enumerate(spans)
        if s[0] == "SRC" and sent.start <= s[1] < sent.end and words(j)
    ]
    con = [
        j
        for j, s in enumerate(spans)
        if s[0] == "CON" and s[2] >= near_lo and s[1] < near_hi and words(j)
    ]
    if not con:
        return None
    head = doc[a : b + 1].root
    if in_a_title(head, sent, parsed.name):
        return None

    def linked(j: int) -> bool:
        """The span hangs off the cue in the parse (its root's head is a cue token)."""
        root = doc[spans[j][1] : spans[j][2] + 1].root
        return a <= root.head.i <= b

    # a span the parse attaches to the cue beats a nearer one that is not
    c = min(con, key=lambda j: (not linked(j), gap(j)))
    s = min(src, key=lambda j: (not linked(j), gap(j))) if src else None
    lemma = head.lemma_.lower()
    entry = lexicon.verb(lemma) or lexicon.nouns.get(lemma)
    source_token = doc[spans[s][1] : spans[s][2] + 1].root if s is not None else None
    return Found(
        field=parsed.name,
        rule=Rule.LEARNED if entry else Rule.LEARNED_UNLISTED,
        kind=Kind.INDIRECT,
        source=char[s] if s is not None else None,
        cue=char[k],
        cue_lemma=entry.lemma if entry else lemma,
        stance=entry.stance if entry else Stance.NEUTRAL,
        content=char[c],
        sentence=index,
        paragraph=chunk.paragraph,
        confidence=LEARNED_CONFIDENCE * score,
        source_token=source_token,
        offset=chunk.offset,
    )
