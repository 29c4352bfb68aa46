"""Train the fact-check re-ranker (`saywho.factchecks.ranking`) on the train splits only.

    .venv/bin/python scripts/train_factcheck_ranker.py [--data ../shared/data] [--out src/saywho/data/factcheck_ranker.json]

The fact-checks of CheckThat! 2020 Task 2 (10,375 Snopes claims with headlines) and of PolitiFact
(19,250, with claimants and claim dates) are imported into two temporary stores the way
``saywho factchecks import`` stores them; each train query is matched the way ``saywho
factchecks match`` matches it (`saywho.store.factchecks.ranking_features`: the first stage's
best candidates by text, and their features), with its context: a tweet's signature for
CheckThat!, the speaker and day its id names for PolitiFact (`benchmarks/factchecks.py`
`debate_context`). A pairwise logistic regression (scikit-learn, liblinear, seed 0;
`pairwise_model`) learns to order each query's candidates so that those the qrels name come
first; its regularisation C is chosen by MAP@5 in 5-fold cross-validation over train queries
(folds by query, seed 0). Its scores of the queries each fold held out then fit the
calibration (a logistic regression over a candidate's score and its lead over the best of its
query's others, which count at least as the floor: the best other that three quarters of the
train queries met, so that a candidate alone in a small store reads as sure as one ahead of
the competition a large store gives, and one on the statement's subject but of another claim
as not much more than tied): the
probability that a candidate is one the qrels name, which is what a user reads beside the first
result. The dev splits are never read: the benchmark scores them. Takes about two minutes on two cores (mostly the embeddings of the imports).
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from attribution_data import DEFAULT_DATA  # noqa: E402
from factchecks import (  # noqa: E402
    average_precision,
    checkthat_claims,
    checkthat_reviews,
    debate_context,
    politifact_checks,
    politifact_reviews,
    read_qrels,
    read_queries,
)

from saywho.factchecks import from_claim_review  # noqa: E402
from saywho.factchecks.ranking import (  # noqa: E402
    FEATURES,
    RANKER_FILE,
    Ranker,
    lead,
    pair_text,
    query_text,
    with_context,
)

CANDIDATES = 100
C_VALUES = (0.1, 0.3, 1.0, 3.0, 10.0, 30.0)
SEED = 0
#: the calibration's floor for the best of a candidate's others: this percentile of the train
#: queries' best other (out-of-fold) score. A store of thousands always holds a competitor near
#: a statement; a small store that holds none is read as if it held one, the lower quartile of
#: those the train queries met. The script prints what other percentiles give (`floor_losses`):
#: the log loss of the train queries' first candidates in their stores (out of fold), and of each
#: query's best candidate the qrels name and best one they do not, each alone in a store of one
#: (as sure as it should be, as unsure as it should be). Percentile 1 (the floor until this
#: version) gave 0.394 and 1.270, the lower quartile 0.406 and 0.847 (3 % more, a third less),
#: the median 0.438 and 0.754 (11 % more: its lowest first candidates, under 0.1, are right 42 %
#: of the time).
FLOOR_PERCENTILE = 25
#: the percentiles `floor_losses` prints
FLOOR_GRID = (1, 10, 25, 50, 60, 75)


def examples(store: Path, reviews: list[dict[str, object]], queries: dict[str, str], qrels: dict[str, set[str]],
             debate: bool, pairs: list[dict[str, object]] | None = None, candidates: int = CANDIDATES,
             ) -> tuple[list[np.ndarray], list[np.ndarray], list[int]]:  # fmt: skip
    """Per train query: its candidates' features, their labels, and how many fact-checks it has
    (with `pairs`: each query's text and its candidates' texts and labels appended to it, what
    ``scripts/train_factcheck_reranker.py`` learns from)."""
    from sqlalchemy import select

    from saywho.store import open_store
    from saywho.store.factchecks import import_fact_checks, ranking_features
    from saywho.store.schema import fact_checks

    engine = open_store(str(store))
    import_fact_checks(
        engine, (from_claim_review(r, f"train#{n}") for n, r in enumerate(reviews, 1))
    )
    with engine.connect() as conn:
        rows = conn.execute(select(fact_checks.c.id, fact_checks.c.identifier, fact_checks.c.claim_reviewed,
                                   fact_checks.c.title)).all()  # fmt: skip
    names = {int(r[0]): str(r[1]) for r in rows}
    texts = {int(r[0]): pair_text(r[2], r[3]) for r in rows}
    wanted = [q for q in qrels if q in queries]
    statements = []
    for q in wanted:
        speaker, day = debate_context(q) if debate else (None, None)
        statements.append(
            with_context(queries[q], speaker, date.fromisoformat(day) if day else None)
        )
    xs, ys, counts = [], [], []
    for q, (ids, x) in zip(wanted, ranking_features(engine, statements, candidates), strict=True):
        xs.append(x)
        ys.append(np.array([names[int(i)] in qrels[q] for i in ids], dtype=np.int64))
        counts.append(len(qrels[q]))
        if pairs is not None:
            pairs.append({"set": "politifact" if debate else "checkthat", "query": q,
                          "text": query_text(queries[q]), "count": len(qrels[q]),
                          "candidates": [{"id": names[int(i)], "text": texts[int(i)], "label": int(label)}
                                         for i, label in zip(ids, ys[-1], strict=True)]})  # fmt: skip
    engine.dispose()
    return xs, ys, counts


def map5(model: object, xs: list[np.ndarray], ys: list[np.ndarray], counts: list[int]) -> float:
    total = 0.0
    for x, y, n in zip(xs, ys, counts, strict=True):
        order = np.argsort(-model.decision_function(x), kind="stable")  # type: ignore[attr-defined]
        ranked = [str(i) for i in order]
        total += average_precision(ranked, {str(i) for i in np.flatnonzero(y)} | {f"missing{k}" for k in
                                                                                  range(n - int(y.sum()))}, 5)  # fmt: skip
    return total / len(xs)


def pairwise_model(c: float, xs: list[np.ndarray], ys: list[np.ndarray]) -> Any:
    """A logistic regression without intercept over feature differences within a query: each
    candidate the qrels name minus each one they do not (and the reverse, as the other class).
    It learns to order a query's candidates, not to score them apart from their query: in
    5-fold cross-validation over the train queries of both sets (100 candidates, C 10), MAP@5
    0.835 against 0.824 for a logistic regression over the candidates themselves."""
    from sklearn.linear_model import LogisticRegression

    diffs, labels = [], []
    for x, y in zip(xs, ys, strict=True):
        pos, neg = x[y == 1], x[y == 0]
        if len(pos) and len(neg):
            d = (pos[:, None, :] - neg[None, :, :]).reshape(-1, x.shape[1])
            diffs += [d, -d]
            labels += [np.ones(len(d), dtype=np.int64), np.zeros(len(d), dtype=np.int64)]
    model = LogisticRegression(C=c, solver="liblinear", fit_intercept=False, random_state=SEED)
    return model.fit(np.vstack(diffs), np.concatenate(labels))


def main(argv: list[str] | None = None) -> int:
    from sklearn import __version__ as sklearn_version

    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--out", type=Path, default=ROOT / "src" / "saywho" / RANKER_FILE)
    parser.add_argument("--candidates", type=int, default=CANDIDATES,
                        help=f"first-stage candidates re-ranked (default {CANDIDATES})")  # fmt: skip
    parser.add_argument(
        "--dump-pairs",
        type=Path,
        metavar="JSONL",
        help="write each train query's candidates (texts, labels) here and stop",
    )
    args = parser.parse_args(argv)
    started = time.perf_counter()
    base = args.data / "claim-matching"
    xs: list[np.ndarray] = []
    ys: list[np.ndarray] = []
    counts: list[int] = []
    sizes = {}
    pairs: list[dict[str, object]] | None = [] if args.dump_pairs else None
    with tempfile.TemporaryDirectory(prefix="saywho-ranker-") as tmp:
        for name, reviews, folder, debate in (("CheckThat! 2020 Task 2", checkthat_reviews(checkthat_claims(base)), base, False),
                                              ("PolitiFact", politifact_reviews(politifact_checks(base / "politifact")),
                                               base / "politifact", True)):  # fmt: skip
            x, y, n = examples(Path(tmp) / f"{len(sizes)}.db", reviews, read_queries(folder / "train-queries.tsv"),
                               read_qrels(folder / "train-qrels.tsv"), debate, pairs, args.candidates)  # fmt: skip
            sizes[name] = len(x)
            print(f"{name}: {len(x)} train queries, {sum(int(v.sum()) for v in y)} of {sum(n)} fact-checks "
                  f"among the first {args.candidates} candidates")  # fmt: skip
            xs, ys, counts = xs + x, ys + y, counts + n
    if pairs is not None:
        with args.dump_pairs.open("w", encoding="utf-8") as out:
            out.writelines(json.dumps(p, ensure_ascii=False) + "\n" for p in pairs)
        print(f"{len(pairs)} train queries' candidates written to {args.dump_pairs}")
        return 0
    order = np.random.default_rng(SEED).permutation(len(xs))
    folds = np.array_split(order, 5)
    cv = {}
    held_out: dict[float, list[np.ndarray]] = {}  # each query's out-of-fold scores, per C
    for c in C_VALUES:
        scores = []
        held_out[c] = [np.zeros(0)] * len(xs)
        for fold in folds:
            held = set(fold.tolist())
            train = [i for i in range(len(xs)) if i not in held]
            model = pairwise_model(c, [xs[i] for i in train], [ys[i] for i in train])
            scores.append(
                map5(model, [xs[i] for i in fold], [ys[i] for i in fold], [counts[i] for i in fold])
            )
            for i in fold:
                held_out[c][i] = model.decision_function(xs[i])
        cv[c] = float(np.mean(scores))
        print(f"  C={c}: cross-validated MAP@5 {cv[c]:.3f}")
    best = max(C_VALUES, key=lambda c: (round(cv[c], 3), -c))
    model = pairwise_model(best, xs, ys)
    # the calibration, fitted on the out-of-fold scores (the scores of queries the model did not
    # learn from): a candidate's score and its lead over the best of its query's others, which
    # count at least as the floor (`FLOOR_PERCENTILE`)
    losses = floor_losses(held_out[best], ys)
    print("  the floor at percentile: train first candidates' log loss in their stores / best right and best "
          "wrong candidate alone: " + "; ".join(f"{p}: {big:.3f} / {lone:.3f}" for p, (big, lone) in losses.items()))  # fmt: skip
    calibration = calibrate(held_out[best], ys, FLOOR_PERCENTILE)
    (a, c_lead, b), floor = calibration.calibration, calibration.floor
    top = [int(np.argmax(q)) for q in held_out[best]]
    top_p = np.array(
        [calibration.calibrated(q)[t] for q, t in zip(held_out[best], top, strict=True)]
    )
    top_ok = np.array([y[t] for y, t in zip(ys, top, strict=True)], dtype=float)
    reliability = {}
    for lo, hi in ((0.0, 0.2), (0.2, 0.5), (0.5, 0.8), (0.8, 1.01)):
        m = (top_p >= lo) & (top_p < hi)
        if m.any():
            reliability[f"{lo}-{min(hi, 1.0)}"] = {
                "queries": int(m.sum()),
                "mean_probability": round(float(top_p[m].mean()), 3),
                "right": round(float(top_ok[m].mean()), 3),
            }
    print(
        f"  first candidates, out of fold: mean probability {top_p.mean():.3f}, right {top_ok.mean():.3f}; {reliability}"
    )
    weights = {name: round(float(w), 5) for name, w in zip(FEATURES, model.coef_[0], strict=True)}
    seconds = time.perf_counter() - started
    ranker = {
        "features": list(FEATURES), "weights": weights, "bias": 0.0, "candidates": args.candidates,
        "calibration": {"score": round(a, 5), "lead": round(c_lead, 5), "bias": round(b, 5)},
        "floor": round(floor, 4),
        "card": {"trained_on": {k: f"{v} train queries" for k, v in sizes.items()}, "C": best,
                 "method": "pairwise logistic regression (a candidate the qrels name against each one they do "
                           "not, of the same query); its score calibrated, with the candidate's lead over the "
                           "best of the others, by a logistic regression on the out-of-fold scores; the "
                           f"others count at least as the floor, percentile {FLOOR_PERCENTILE} of the train "
                           "queries' best other out-of-fold score",
                 "cross_validated_map5": {str(c): round(v, 4) for c, v in cv.items()},
                 "first_candidates_out_of_fold": reliability,
                 "floor_log_losses": {str(p): [round(v, 4) for v in pair] for p, pair in losses.items()},
                 "train_map5": round(map5(model, xs, ys, counts), 4), "scikit_learn": sklearn_version,
                 "seconds": round(seconds), "script": "scripts/train_factcheck_ranker.py"},
    }  # fmt: skip
    args.out.write_text(json.dumps(ranker, indent=2) + "\n", encoding="utf-8")
    print(f"C={best}: weights {weights}, calibration {ranker['calibration']}; train MAP@5 {ranker['card']['train_map5']:.3f}; "
          f"{seconds:.0f} s; written to {args.out}")  # fmt: skip
    return 0


def calibrate(scores: list[np.ndarray], ys: list[np.ndarray], percentile: float) -> Ranker:
    """The calibration (`Ranker.calibrated`) fitted on each query's candidates' out-of-fold
    `scores` and labels, its floor at `percentile` of the queries' best other score."""
    from sklearn.linear_model import LogisticRegression

    second_best = [np.sort(q)[-2] for q in scores if len(q) > 1]
    floor = float(np.percentile(second_best, percentile))
    z = np.concatenate(scores)
    leads = np.concatenate([lead(q, floor=floor) for q in scores])
    calibrator = LogisticRegression(C=1e6, solver="liblinear", random_state=SEED)
    calibrator.fit(np.column_stack([z, leads]), np.concatenate(ys))
    a, c_lead = (float(v) for v in calibrator.coef_[0])
    b = float(calibrator.intercept_[0])
    return Ranker(np.zeros(0, np.float32), 0.0, CANDIDATES, {}, (a, c_lead, b), floor)


def floor_losses(scores: list[np.ndarray], ys: list[np.ndarray]) -> dict[int, tuple[float, float]]:
    """For each percentile of `FLOOR_GRID`, the calibration's mean log loss on the queries'
    first candidates among their others, and on each query's best candidate the qrels name
    (right) and best one they do not (wrong), each alone (a store of one fact-check)."""

    def loss(p: float, right: bool) -> float:
        return -math.log(max(p if right else 1.0 - p, 1e-6))

    out = {}
    for percentile in FLOOR_GRID:
        ranker = calibrate(scores, ys, percentile)
        big, lone = [], []
        for q, y in zip(scores, ys, strict=True):
            first = int(np.argmax(q))
            big.append(loss(float(ranker.calibrated(q)[first]), bool(y[first])))
            right = y.astype(bool)
            if right.any() and not right.all():
                lone.append(loss(float(ranker.calibrated(q[right].max(keepdims=True))[0]), True))
                lone.append(loss(float(ranker.calibrated(q[~right].max(keepdims=True))[0]), False))
        out[percentile] = (float(np.mean(big)), float(np.mean(lone)))
    return out


if __name__ == "__main__":
    raise SystemExit(main())
