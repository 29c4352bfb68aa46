"""Train the check-worthiness model (`saywho.analyze.checkworthiness`) on the train debates only.

    .venv/bin/python scripts/train_checkworthiness.py [--data ../shared/data] [--out src/saywho/data/checkworthiness.json]

The ClaimBuster crowdsourced sentences of the 26 train debates (`benchmarks/checkworthiness.py`
`split`: 7 whole debates are held out as dev and never read here) are embedded by the encoder's
check-worthiness branch (its means over layers 3, 4 and 5; written by
``scripts/train_checkworthiness_encoder.py``: run that first) with the surface features, beside
their words and word pairs as TF-IDF (fitted on the train debates:
`TfidfVectorizer(ngram_range=(1, 2), min_df=3, sublinear_tf=True)`, shipped as vocabulary, idf
and weights; the runtime's own TF-IDF is checked to equal scikit-learn's on every train
sentence); a logistic regression (scikit-learn, lbfgs) learns check-worthy factual sentences
(Verdict 1) against the rest, and the shipped score mixes its logit with that of the branch's
own head.

Every choice is made on the train debates the branch held out (its card names them), against
the regression fitted on the other train debates (`mix`): the regression's regularisation C
and the branch's share (0, 0.1 … 1) with the best average precision of the mixed logit, Platt
scaling of the mixed logit, and the threshold with the best F1 there. Then the regression is
fitted on every train debate. Deterministic (no sampling); about five minutes on two cores.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from attribution_data import DEFAULT_DATA  # noqa: E402
from checkworthiness import best_threshold, label, read_claimbuster, split  # noqa: E402

from saywho.analyze.checkworthiness import (  # noqa: E402
    LAYERS,
    MODEL_FILE,
    SURFACE,
    Branch,
    Words,
    encoded,
    features,
    load_branch_head,
)
from saywho.analyze.embed import BRANCH_DIR  # noqa: E402

C_VALUES = (0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
#: the branch logit's share in the mix, tried on the debates the branch held out
BRANCH_WEIGHTS = tuple(round(0.1 * k, 1) for k in range(11))
#: a word or word pair is in the vocabulary when at least this many train sentences have it
MIN_DF = 3


def main(argv: list[str] | None = None) -> int:
    from scipy.sparse import csr_matrix, hstack
    from sklearn import __version__ as sklearn_version
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--out", type=Path, default=ROOT / "src" / "saywho" / MODEL_FILE)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    train, _dev = split(read_claimbuster(args.data))
    texts = [r["Text"] for r in train]
    layers = encoded(texts)
    dense = features(texts, layers=layers)
    vectorizer = TfidfVectorizer(ngram_range=(1, 2), min_df=MIN_DF, sublinear_tf=True)
    words = vectorizer.fit_transform(texts)
    x = hstack([csr_matrix(dense), words]).tocsr()
    y = np.array([label(r) for r in train])
    groups = np.array([r["File_id"] for r in train])
    print(f"{len(train)} train sentences from {len(set(groups))} debates, {int(y.sum())} check-worthy; "
          f"embedded in {time.perf_counter() - started:.0f} s")  # fmt: skip
    branch, threshold, branch_card = mix(x, y, groups, layers)
    best = branch_card["C"]
    model = LogisticRegression(C=best, max_iter=3000).fit(x, y)
    vocabulary = sorted(vectorizer.vocabulary_, key=vectorizer.vocabulary_.__getitem__)
    n_dense = dense.shape[1]
    runtime = Words(
        {t: i for i, t in enumerate(vocabulary)}, vectorizer.idf_, model.coef_[0][n_dense:]
    )
    check = np.asarray(words @ model.coef_[0][n_dense:]).ravel()
    drift = float(np.max(np.abs(runtime.score(texts) - check)))
    assert drift < 1e-4, f"the runtime TF-IDF differs from scikit-learn's by {drift}"
    seconds = time.perf_counter() - started
    shipped = {
        "surface": list(SURFACE), "layers": LAYERS, "weights": [round(float(w), 6) for w in model.coef_[0][:n_dense]],
        "words": {"vocabulary": vocabulary, "idf": [round(float(v), 6) for v in vectorizer.idf_],
                  "weights": [round(float(w), 6) for w in model.coef_[0][n_dense:]], "min_df": MIN_DF},
        "bias": round(float(model.intercept_[0]), 6), "threshold": round(threshold, 4),
        "card": {"trained_on": f"ClaimBuster crowdsourced, {len(train)} sentences of {len(set(groups))} train debates",
                 "positive": "check-worthy factual sentences (Verdict 1)", "C": best,
                 "scikit_learn": sklearn_version,
                 "vocabulary": len(vocabulary), "seconds": round(seconds),
                 "script": "scripts/train_checkworthiness.py"},
    }  # fmt: skip
    shipped["branch"] = {"weight": branch.weight, "platt": [round(v, 6) for v in branch.platt]}
    shipped["card"]["branch"] = branch_card  # type: ignore[index]
    args.out.write_text(json.dumps(shipped) + "\n", encoding="utf-8")
    print(f"C={best}, threshold {threshold:.3f}; {seconds:.0f} s; written to {args.out}")
    return 0


def mix(
    x: Any, y: np.ndarray, groups: np.ndarray, layers: np.ndarray
) -> tuple[Branch, float, dict[str, Any]]:
    """The regression's regularisation C, the branch's share, the mix's calibration and the
    threshold, all chosen on the train debates the branch was not trained on (its card's
    ``held_out_debates``), against the regression fitted on the other train debates. The
    features read the branch's layers, which learned the labels of those other debates, so
    cross-validation over all of them would flatter the regression: the held-out debates
    decide. C and the share with the best average precision of the mixed logit there (the
    larger C, then the larger share, on a tie at four decimals), Platt scaling of the mixed
    logit, the threshold with the best F1."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import average_precision_score

    card = json.loads((BRANCH_DIR / "card.json").read_text(encoding="utf-8"))
    held = np.isin(groups, card["held_out_debates"])
    head, head_bias = load_branch_head()
    tuned = Branch(head, head_bias, 1.0, (1.0, 0.0)).logits(layers[held])
    ap: dict[tuple[float, float], float] = {}
    linears: dict[float, np.ndarray] = {}
    for c in C_VALUES:
        fitted = LogisticRegression(C=c, max_iter=3000).fit(x[~held], y[~held])
        linear = linears[c] = fitted.decision_function(x[held])
        for w in BRANCH_WEIGHTS:
            ap[c, w] = float(average_precision_score(y[held], w * tuned + (1 - w) * linear))
        print(f"  C={c}: held-out average precision {ap[c, 0.0]:.4f} alone, "
              + ", ".join(f"{w}: {ap[c, w]:.4f}" for w in BRANCH_WEIGHTS[1:-1]) + " by branch share")  # fmt: skip
    print(f"  the branch alone: held-out average precision {ap[C_VALUES[0], 1.0]:.4f}")
    c, weight = max(ap, key=lambda k: (round(ap[k], 4), k))
    linear = linears[c]
    mixed = (weight * tuned + (1 - weight) * linear)[:, None]
    platt = LogisticRegression(C=1e6).fit(mixed, y[held])
    threshold, f1_best = best_threshold(y[held], platt.predict_proba(mixed)[:, 1])
    print(f"branch share {weight}; threshold {threshold:.3f} (held-out F1 {f1_best:.3f})")
    branch = Branch(head, head_bias, weight, (float(platt.coef_[0, 0]), float(platt.intercept_[0])))
    return branch, threshold, {
        "held_out_debates": card["held_out_debates"], "held_out_sentences": int(held.sum()),
        "C": c, "average_precision_by_share": {str(w): round(ap[c, w], 4) for w in BRANCH_WEIGHTS},
        "average_precision_of_the_regression_by_C": {str(k): round(ap[k, 0.0], 4) for k in C_VALUES},
        "weight": weight, "held_out_f1_at_threshold": round(f1_best, 4),
        "layers": card.get("layers"), "branch_script": card.get("script"),
    }  # fmt: skip


if __name__ == "__main__":
    raise SystemExit(main())
