"""Train the attribution CRF (`saywho.analyze.learned`) on the PolNeAR training split.

    .venv/bin/python scripts/train_attribution.py [--data /work/shared/data/polnear]
        [--out src/saywho/data/models/attribution-crf.crfsuite] [--limit N] [--iterations 100]
        [--c1 1.0] [--c2 0.01] [--cache benchmarks/out/FILE.pkl]

Every training article is read as the benchmark reads it (``extract`` with ``plain=True``), parsed
with saywho's own pipeline, run through the rules, and turned into one token sequence per
paragraph (the features of `learned.chunk_features`), labelled BIO over CUE/SRC/CON from the
first annotator's brat file. Only feature weights are written: no sentence of the corpus.
Needs ``python-crfsuite``. Score the result with ``benchmarks/attribution.py`` (PolNeAR dev).
"""

from __future__ import annotations

import argparse
import pickle
import sys
import time
from bisect import bisect_left
from collections import deque
from collections.abc import Iterator, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

from attribution_data import (  # noqa: E402  # benchmarks is not a package
    Document,
    load_polnear,
)

from saywho.analyze.attribution import find_attributions  # noqa: E402
from saywho.analyze.cues import load_lexicon  # noqa: E402
from saywho.analyze.learned import (  # noqa: E402
    MODEL_FILE,
    PRIORITY,
    bio,
    chunk_features,
    rule_tags,
)
from saywho.analyze.nlp import Chunk, parse_articles  # noqa: E402
from saywho.config import Settings  # noqa: E402
from saywho.extract import extract  # noqa: E402
from saywho.model import Article, RawDocument  # noqa: E402


def load_train(root: Path, limit: int | None) -> list[Document]:
    """PolNeAR train, the first annotator per article: the benchmark's own loader."""
    return load_polnear(root, split="train", limit=limit)


def gold_tags(chunk: Chunk, doc: Document) -> list[str]:
    """BIO tags of one chunk from the gold attributions (a nested cue or source wins)."""
    starts = [chunk.offset + t.idx for t in chunk.doc]
    n = len(starts)
    best: list[tuple[int, object]] = [(9, None)] * n
    roles = ["O"] * n
    for g in doc.gold:
        parts: list[tuple[str, Sequence[tuple[int, int]]]] = []
        parts += [("CUE", x.pieces) for x in g.cue]
        parts += [("SRC", x.pieces) for x in g.source]
        if g.content is not None:
            parts.append(("CON", g.content.pieces))
        for role, pieces in parts:
            for p, (s, e) in enumerate(pieces):
                for i in range(bisect_left(starts, s), min(bisect_left(starts, e), n)):
                    if PRIORITY[role] < best[i][0]:
                        best[i] = (PRIORITY[role], (g.id, role, p))
                        roles[i] = role
    return bio(roles, [b[1] for b in best])


def sequences(docs: list[Document]) -> Iterator[tuple[list[list[str]], list[str]]]:
    lexicon = load_lexicon()
    pending: deque[Document] = deque()

    def articles() -> Iterator[Article]:
        for doc in docs:
            raw = RawDocument(str(doc.path), doc.path.read_bytes())
            article = extract(raw, Settings(plain=True))
            if article.text != doc.text:
                continue  # gold offsets would not line up
            pending.append(doc)
            yield article

    for fields in parse_articles(articles(), batch_size=32):
        text_field = next(f for f in fields if f.name == "text")
        doc = pending.popleft()
        found = find_attributions(text_field, lexicon)
        for chunk in text_field.chunks:
            if len(chunk.doc) == 0:
                continue
            lo, hi = chunk.offset, chunk.offset + len(chunk.doc.text)
            mine = [f for f in found if lo <= f.cue[0] < hi]
            feats = chunk_features(text_field, chunk, rule_tags(chunk, mine), lexicon)
            yield feats, gold_tags(chunk, doc)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--data",
        type=Path,
        default=Path("/work/shared/data/polnear"),
        help="the PolNeAR folder with train/ in it (default %(default)s)",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=ROOT / "src/saywho/data/models" / MODEL_FILE,
        help="where to write the model (default: the packaged one)",
    )
    parser.add_argument("--limit", type=int, default=None, help="train on the first N articles")
    parser.add_argument("--iterations", type=int, default=100, help="L-BFGS iterations")
    parser.add_argument("--c1", type=float, default=1.0, help="L1 weight (sparsity)")
    parser.add_argument("--c2", type=float, default=0.01, help="L2 weight")
    parser.add_argument(
        "--cache",
        type=Path,
        default=None,
        help="pickle the training sequences here, or read them from here when it exists "
        "(a scratch file: it holds corpus words; keep it under benchmarks/out/)",
    )
    args = parser.parse_args(argv)

    import pycrfsuite

    t0 = time.perf_counter()
    if args.cache is not None and args.cache.exists():
        seqs = pickle.loads(args.cache.read_bytes())
    else:
        seqs = list(sequences(load_train(args.data, args.limit)))
        if args.cache is not None:
            args.cache.write_bytes(pickle.dumps(seqs))
    trainer = pycrfsuite.Trainer(verbose=False)
    for feats, tags in seqs:
        trainer.append(feats, tags)
    n_tok = sum(len(tags) for _, tags in seqs)
    t1 = time.perf_counter()
    print(f"{len(seqs)} paragraphs, {n_tok} tokens; features in {t1 - t0:.0f}s")
    trainer.set_params(
        {
            "c1": args.c1,
            "c2": args.c2,
            "max_iterations": args.iterations,
            "feature.possible_transitions": True,
            "feature.minfreq": 2,
        }
    )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    trainer.train(str(args.out))
    t2 = time.perf_counter()
    size = args.out.stat().st_size
    print(f"trained in {t2 - t1:.0f}s; wrote {args.out} ({size / 1e6:.2f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
