"""Check-worthiness benchmark: `saywho checkworthy` beside baselines measured in the same run.

    .venv/bin/python benchmarks/checkworthiness.py [--data ../shared/data] [--json FILE]

Data: ``checkworthiness/crowdsourced.csv`` (ClaimBuster: 22,501 debate sentences; check-worthy
factual sentences, CFS, against the rest) split by debate (`split`: 7 of the 33 debates, drawn
with seed 0, are dev; the rest train ``scripts/train_checkworthiness.py``), and
``ct24-dev-test.tsv`` (318 CheckThat! 2024 sentences, Yes/No). The dev sentences are scored by
the ``saywho checkworthy`` command (a child process, JSONL in and out); printed: precision,
recall and F1 of the check-worthy class at the shipped threshold, average precision (threshold-free),
precision among the 10 and the 50 highest scored (P@10, P@50), the Brier score and the expected
calibration error (10 bins) of the probability, beside:

- a TF-IDF logistic regression over words and word pairs (1–2-grams, as the issue's baseline)
  fitted here on the same train debates (scikit-learn defaults, class weights balanced, its
  threshold 0.5);
- "has a number": check-worthy when the sentence holds a figure (digits or a number word).

Reference points: CheckThat! 2024 Task 1's best published F1 on its test split is about 0.80.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from attribution_data import DEFAULT_DATA

SAYWHO = str(Path(sys.executable).with_name("saywho"))
DEV_DEBATES = 7
SEED = 0


def read_claimbuster(data: Path) -> list[dict[str, str]]:
    with (data / "checkworthiness" / "crowdsourced.csv").open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def split(rows: list[dict[str, str]]) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """(train, dev): `DEV_DEBATES` whole debates, drawn with `SEED`, are dev."""
    debates = sorted({r["File_id"] for r in rows})
    dev = set(random.Random(SEED).sample(debates, DEV_DEBATES))
    return [r for r in rows if r["File_id"] not in dev], [r for r in rows if r["File_id"] in dev]


def label(row: dict[str, str]) -> int:
    return int(row["Verdict"] == "1")


def read_ct24(data: Path) -> tuple[list[str], list[int]]:
    with (data / "checkworthiness" / "ct24-dev-test.tsv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    return [r["Text"] for r in rows], [int(r["class_label"] == "Yes") for r in rows]


def figures(prob: np.ndarray, gold: np.ndarray, threshold: float) -> dict[str, float]:
    from sklearn.metrics import (
        average_precision_score,
        brier_score_loss,
        precision_recall_fscore_support,
    )

    predicted = prob >= threshold
    p, r, f, _ = precision_recall_fscore_support(gold, predicted, average="binary", zero_division=0)
    ece = sum(abs(mean - rate) * count / len(prob)
              for _, count, mean, rate in reliability(prob, gold) if count)  # fmt: skip
    # the ranking's head: ties broken by position, as a stable sort leaves them
    order = np.argsort(-prob, kind="stable")
    return {"P": float(p), "R": float(r), "F1": float(f), "AP": float(average_precision_score(gold, prob)),
            "P@10": float(gold[order[:10]].mean()), "P@50": float(gold[order[:50]].mean()),
            "Brier": float(brier_score_loss(gold, prob)), "ECE": float(ece)}  # fmt: skip


def reliability(prob: np.ndarray, gold: np.ndarray) -> list[tuple[str, int, float, float]]:
    """The 10 bins of `figures`' calibration error: each bin's range, count, mean probability
    and how often its sentences are check-worthy."""
    bins = np.minimum((prob * 10).astype(int), 9)
    return [(f"{b / 10:.1f}-{(b + 1) / 10:.1f}", int((bins == b).sum()),
             float(prob[bins == b].mean()) if (bins == b).any() else float("nan"),
             float(gold[bins == b].mean()) if (bins == b).any() else float("nan"))
            for b in range(10)]  # fmt: skip


def best_threshold(gold: np.ndarray, prob: np.ndarray) -> tuple[float, float]:
    """The threshold on `prob` with the best F1 of the check-worthy class, and that F1 (the
    training scripts choose their thresholds so, on sentences they did not learn from)."""
    from sklearn.metrics import precision_recall_curve

    precision, recall, thresholds = precision_recall_curve(gold, prob)
    f1 = 2 * precision[:-1] * recall[:-1] / np.maximum(precision[:-1] + recall[:-1], 1e-9)
    return float(thresholds[int(np.argmax(f1))]), float(f1.max())


def saywho_scores(texts: list[str], folder: Path) -> tuple[np.ndarray, float]:
    path = folder / "sentences.jsonl"
    path.write_text(
        "".join(json.dumps({"id": str(n), "text": t}) + "\n" for n, t in enumerate(texts)),
        encoding="utf-8",
    )
    started = time.perf_counter()
    done = subprocess.run(
        [SAYWHO, "checkworthy", str(path)], capture_output=True, text=True, check=True
    )
    seconds = time.perf_counter() - started
    rows = [json.loads(line) for line in done.stdout.splitlines()]
    return np.array([r["checkworthiness"] for r in rows]), seconds


def table(results: dict[str, dict[str, float]]) -> None:
    names = ("P", "R", "F1", "AP", "P@10", "P@50", "Brier", "ECE")
    print(f"  {'system':<40}" + "".join(f"{n:>7}" for n in names))
    for name, s in results.items():
        print(f"  {name:<40}" + "".join(f"{s[n]:>7.3f}" for n in names))


def main(argv: list[str] | None = None) -> int:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    from saywho.analyze.checkworthiness import load_model, surface

    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args(argv)
    train, dev = split(read_claimbuster(args.data))
    ct_texts, ct_gold = read_ct24(args.data)
    threshold = load_model().threshold
    tfidf = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=2)
    baseline = LogisticRegression(max_iter=2000, class_weight="balanced").fit(
        tfidf.fit_transform([r["Text"] for r in train]), [label(r) for r in train]
    )
    out: dict[str, object] = {}
    with tempfile.TemporaryDirectory(prefix="saywho-checkworthy-") as tmp:
        for name, texts, gold in (("ClaimBuster dev (7 held-out debates)", [r["Text"] for r in dev], [label(r) for r in dev]),
                                  ("CheckThat! 2024 dev-test", ct_texts, ct_gold)):  # fmt: skip
            y = np.array(gold)
            prob, seconds = saywho_scores(texts, Path(tmp))
            base = baseline.predict_proba(tfidf.transform(texts))[:, 1]
            number = np.array([max(surface(t)[0], surface(t)[2]) for t in texts])
            results = {f"saywho checkworthy (threshold {threshold:.2f})": figures(prob, y, threshold),
                       "TF-IDF (1-2-grams) logistic regression": figures(base, y, 0.5),
                       "has a number": figures(number, y, 0.5)}  # fmt: skip
            print(f"{name}: {len(texts)} sentences, {int(y.sum())} check-worthy; saywho checkworthy {seconds:.1f} s "
                  f"({len(texts) / seconds:.0f} a second, start and model load included)")  # fmt: skip
            table(results)
            print("  saywho's reliability: bin, sentences, mean probability, check-worthy")
            for span, count, mean, rate in reliability(prob, y):
                print(f"    {span}  {count:>5}  {mean:>6.3f}  {rate:>6.3f}")
            out[name] = results
    if args.json:
        args.json.write_text(json.dumps(out, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
