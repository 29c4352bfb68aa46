"""Speaker benchmark: is the speaker saywho gives each source the entity gold coreference says?

    .venv/bin/python benchmarks/speakers.py [--data ../shared/data] [--limit N] [--json FILE]

Data: the 24 GUM news articles with gold coreference (``gum-news/coref``: GUM scheme, every
mention of every entity, singletons included). saywho analyses each text as given (``plain``);
each source it finds in the body is aligned with the gold mention it overlaps most (character
Jaccard ≥ 0.5 after trimming spaces and punctuation); unaligned sources are counted, not scored.

Two scores, for saywho and, in the same run, for a baseline that resolves nothing (each
source's speaker is its own text, as a tool without speaker resolution would give):

- speaker accuracy: the speaker's name denotes the source's gold entity — the name (without a
  leading article) is one of the entity's non-pronoun mentions, is contained in one, or contains
  one ("Zamir Kabulov" for "Zamir Kabulov, Russia's envoy"). A source left without a speaker
  counts as wrong. Broken down by the source's form: pronoun, description (a common-noun head),
  name.
- same-speaker links: over every pair of aligned sources in an article, saywho links them when
  it gives both the same speaker id; gold links them when their mentions are in one entity.
  Precision, recall and F1 of the links (a pairwise coreference score restricted to sources).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from attribution_data import DEFAULT_DATA, DataError

PRONOUNS = {
    "he", "she", "it", "they", "we", "i", "you", "him", "her", "them", "us", "me", "who",
    "which", "that", "his", "its", "their", "our", "my", "your",
}  # fmt: skip
ARTICLES = ("the ", "a ", "an ")
TRIM = " \t\r\n,.;:!?\"'“”‘’()[]—–-"
MIN_JACCARD = 0.5
SYSTEMS = ("saywho", "no resolution")


@dataclass(frozen=True, slots=True)
class CorefDoc:
    id: str
    text: str
    #: (start, end, cluster id, mention text) for every gold mention
    mentions: tuple[tuple[int, int, str, str], ...]


@dataclass(frozen=True, slots=True)
class Source:
    """One predicted source: its span, the speaker it was given, its form."""

    start: int
    end: int
    speaker: str | None
    name: str | None
    form: str  # pronoun | description | name


def load_coref(root: Path, limit: int | None = None) -> list[CorefDoc]:
    """The GUM news articles with their gold mentions (``*.coref.json`` beside ``*.txt``)."""
    folder = root / "gum-news" / "coref"
    files = sorted(folder.glob("GUM_news_*.coref.json"))
    if not files:
        raise DataError(f"{folder}: no GUM_news_*.coref.json files")
    docs = []
    for path in files[:limit]:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            text = (folder / data["text_file"]).read_text(encoding="utf-8")
            mentions = tuple(
                (m["start"], m["end"], str(c["id"]), m["text"])
                for c in data["clusters"]
                for m in c["mentions"]
            )
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise DataError(f"{path}: {exc}") from exc
        for s, e, _, t in mentions:
            if text[s:e] != t:
                raise DataError(f"{path}: mention {t!r} does not match the text at [{s}, {e})")
        docs.append(CorefDoc(path.name.split(".")[0], text, mentions))
    return docs


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start] in TRIM:
        start += 1
    while end > start and text[end - 1] in TRIM:
        end -= 1
    return start, end


def align(doc: CorefDoc, start: int, end: int) -> tuple[int, int, str, str] | None:
    """The gold mention a source span overlaps most (character Jaccard), if enough."""
    s, e = _trim(doc.text, start, end)
    best, score = None, 0.0
    for m in doc.mentions:
        ms, me = _trim(doc.text, m[0], m[1])
        inter = min(e, me) - max(s, ms)
        if inter <= 0:
            continue
        jac = inter / (max(e, me) - min(s, ms))
        if jac > score:
            best, score = m, jac
    return best if score >= MIN_JACCARD else None


def _norm(name: str) -> str:
    # quotation marks are no part of what a name names ('The "History" section')
    name = re.sub(r"[\"“”„«»‘]", "", name)
    name = re.sub(r"\s+", " ", name.strip(TRIM).lower().replace("’", "'"))
    for article in ARTICLES:
        if name.startswith(article):
            name = name[len(article) :]
    return name.removesuffix("'s").strip()


def denotes(name: str | None, cluster: str, doc: CorefDoc) -> bool:
    """Whether a speaker name names the gold entity `cluster` (see the module docstring)."""
    if not name:
        return False
    want = _norm(name)
    if not want:
        return False
    for _, _, c, text in doc.mentions:
        if c != cluster:
            continue
        got = _norm(text)
        if not got or got in PRONOUNS:
            continue
        if want == got or want in got or got in want:
            return True
    return False


#: the notion saywho analyses under here: broad by default, as it finds the most sources and so
#: puts the most of the resolver to the test (``--notion``)
NOTION = {"notion": "broad"}


def saywho_sources(doc: CorefDoc) -> list[Source]:
    """saywho's body sources with their speakers, and each source's form from the parse."""
    from saywho.analyze import analyze, get_nlp
    from saywho.config import Settings
    from saywho.extract import extract
    from saywho.model import RawDocument

    article = extract(RawDocument(doc.id + ".txt", doc.text.encode("utf-8")), Settings(plain=True))
    if article.text != doc.text:
        raise DataError(f"{doc.id}: extract(plain=True) changed the text")
    analysis = analyze(article, Settings(notion=NOTION["notion"]))
    speakers = {s.id: s for s in analysis.speakers}
    parsed = get_nlp()(doc.text)
    out = []
    for a in analysis.attributions:
        if a.field != "text" or a.source is None:
            continue
        span = parsed.char_span(a.source.start, a.source.end, alignment_mode="expand")
        root = span.root if span is not None and len(span) else None
        if root is not None and (root.pos_ == "PRON" or root.lower_ in PRONOUNS):
            form = "pronoun"
        elif root is not None and (root.pos_ == "PROPN" or root.ent_type_):
            form = "name"
        else:
            form = "description"
        speaker = speakers.get(a.speaker) if a.speaker else None
        out.append(
            Source(
                a.source.start,
                a.source.end,
                a.speaker,
                speaker.name if speaker else None,
                form,
            )
        )
    return out


def unresolved(sources: Sequence[Source], doc: CorefDoc) -> list[Source]:
    """The baseline: every source is its own speaker, named by its own text."""
    out = []
    for s in sources:
        text = doc.text[s.start : s.end]
        key = _norm(text)
        out.append(Source(s.start, s.end, key or None, text, s.form))
    return out


@dataclass(slots=True)
class Score:
    right: Counter[str]
    total: Counter[str]
    links: Counter[str]  # tp, pred, gold
    unaligned: int = 0

    @classmethod
    def new(cls) -> Score:
        return cls(Counter(), Counter(), Counter())

    def add(self, doc: CorefDoc, sources: Sequence[Source]) -> None:
        aligned: list[tuple[Source, str]] = []
        for s in sources:
            m = align(doc, s.start, s.end)
            if m is None:
                self.unaligned += 1
                continue
            aligned.append((s, m[2]))
            ok = denotes(s.name, m[2], doc)
            for key in ("all", s.form):
                self.total[key] += 1
                self.right[key] += ok
        for i, (a, ca) in enumerate(aligned):
            for b, cb in aligned[i + 1 :]:
                pred = a.speaker is not None and a.speaker == b.speaker
                gold = ca == cb
                self.links["pred"] += pred
                self.links["gold"] += gold
                self.links["tp"] += pred and gold

    def accuracy(self, key: str) -> float:
        return self.right[key] / self.total[key] if self.total[key] else 0.0

    def link_prf(self) -> tuple[float, float, float]:
        tp, pred, gold = self.links["tp"], self.links["pred"], self.links["gold"]
        p = tp / pred if pred else 0.0
        r = tp / gold if gold else 0.0
        return p, r, (2 * p * r / (p + r) if p + r else 0.0)

    def as_dict(self) -> dict[str, Any]:
        p, r, f = self.link_prf()
        return {
            "accuracy": {k: [self.right[k], self.total[k]] for k in sorted(self.total)},
            "links": {"precision": p, "recall": r, "f1": f, **dict(self.links)},
            "unaligned": self.unaligned,
        }


def run(docs: Sequence[CorefDoc]) -> Iterator[tuple[CorefDoc, list[Source]]]:
    for doc in docs:
        yield doc, saywho_sources(doc)


def render(scores: dict[str, Score], n_docs: int, seconds: float) -> str:
    forms = ("all", "pronoun", "description", "name")
    mine = scores["saywho"]
    lines = [
        f"== GUM news with gold coreference: {n_docs} documents "
        f"(saywho analysed them in {seconds:.1f}s) ==",
        "saywho's speaker accuracy (the resolved speaker names the source's gold entity; a",
        "source's own text always does, so only pronouns tell a resolver from none at all):",
        f"  {'form':<12} {'sources':>7}  {'right':>7}  {'accuracy':>8}",
    ]
    for form in forms:
        lines.append(
            f"  {form:<12} {mine.total[form]:>7}  {mine.right[form]:>7}  "
            f"{mine.accuracy(form):>8.3f}"
        )
    lines.append("same-speaker links between sources (pairwise, within an article):")
    lines.append(f"  {'':<12} {'':>7}  " + "  ".join(f"{n:>14}" for n in scores))
    lines.append(f"  {'':<12} {'':>7}  " + "  ".join(f"{'P / R / F1':>14}" for _ in scores))
    cells = "  ".join(
        "{:>14}".format("{:.2f}/{:.2f}/{:.2f}".format(*s.link_prf())) for s in scores.values()
    )
    lines.append(f"  {'links':<12} {'':>7}  {cells}")
    unaligned = next(iter(scores.values())).unaligned
    lines.append(f"sources not aligned with a gold mention (not scored): {unaligned}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument(
        "--data", type=Path, default=DEFAULT_DATA, help="shared data folder (default %(default)s)"
    )
    parser.add_argument("--limit", type=int, default=None, help="only the first N articles")
    parser.add_argument("--json", type=Path, default=None, help="also write the counts here")
    parser.add_argument(
        "--notion",
        choices=("claims", "broad"),
        default="broad",
        help="the notion saywho analyses under (default broad: the most sources to resolve)",
    )
    args = parser.parse_args(argv)
    NOTION["notion"] = args.notion
    try:
        docs = load_coref(args.data, args.limit)
    except DataError as exc:
        print(f"gum-news coref: cannot load: {exc}", file=sys.stderr)
        return 2
    scores = {name: Score.new() for name in SYSTEMS}
    t0 = time.perf_counter()
    for doc, sources in run(docs):
        scores["saywho"].add(doc, sources)
        scores["no resolution"].add(doc, unresolved(sources, doc))
    seconds = time.perf_counter() - t0
    print(f"saywho analyses with --notion {args.notion}")
    print(render(scores, len(docs), seconds))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        report = {name: s.as_dict() for name, s in scores.items()}
        args.json.write_text(json.dumps(report, indent=1), encoding="utf-8")
        print(f"wrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
