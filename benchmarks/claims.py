"""Claim-clustering benchmark: B-cubed of `saywho cluster` beside two baselines, in one run.

    .venv/bin/python benchmarks/claims.py [--data ../shared/data] [--orders 3] [--json FILE]

Data: ``claim-matching/clusters-dev.jsonl`` (CheckThat! 2020 Task 2 as a clustering set: every
train and dev tweet with the fact-checked claim it states, one cluster per fact-checked claim,
plus 2,000 fact-checked claims as distractor singletons; see its README).

Score, as that README defines it: B-cubed precision, recall and F1, averaged over the statements
whose gold cluster has more than one member (distractors still sit in the predicted clusters, so
merging them in costs precision).

Printed, all measured in this run:

- ``saywho cluster`` run as a command on the whole file (JSONL in, JSONL out);
- all singletons (every statement alone; the README gives F1 0.61);
- TF-IDF cosine single-link at 0.3 (scikit-learn word TF-IDF, sublinear tf, fitted on the file;
  the README's best threshold, F1 0.76);
- the incremental method (`ClusterIndex`, what the store does as articles arrive) with the
  statements in file order and in ``--orders`` random orders: the spread is how much arrival order
  changes the clusters;
- the same scores on two halves of the file: "train half" (clusters holding a train tweet, with
  half of the distractors) is where the weights and threshold were chosen; "dev half" (clusters
  holding a dev tweet, the other distractors) was not looked at while choosing them.

Target: B-cubed F1 ≥ 0.88 for ``saywho cluster`` on the whole file.

Part 2, news claims: ``benchmarks/data/news-claim-pairs.jsonl`` (pairs of Wikinews attributions
from different articles, labelled same claim or not; see ``benchmarks/data/README.md``).
Estimated pairwise precision, recall and F1 (each pair weighted by its stratum's weight) of the
store's rule — mean similarity at ``STORE_THRESHOLD`` and no conflicting figures — beside the
same similarity at ``saywho cluster``'s threshold and without the figures rule.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import numpy as np
from attribution_data import DEFAULT_DATA

TARGET_F1 = 0.88
TFIDF_THRESHOLD = 0.3
SAYWHO = str(Path(sys.executable).with_name("saywho"))


def bcubed(gold: Sequence[str], pred: Sequence[object]) -> tuple[float, float, float]:
    """B-cubed P, R, F1 over the statements whose gold cluster has more than one member."""
    gold_members: dict[str, set[int]] = defaultdict(set)
    pred_members: dict[object, set[int]] = defaultdict(set)
    for i, (g, p) in enumerate(zip(gold, pred, strict=True)):
        gold_members[g].add(i)
        pred_members[p].add(i)
    precision = recall = 0.0
    n = 0
    for g, p in zip(gold, pred, strict=True):
        if len(gold_members[g]) < 2:
            continue
        shared = len(gold_members[g] & pred_members[p])
        precision += shared / len(pred_members[p])
        recall += shared / len(gold_members[g])
        n += 1
    if n == 0:
        return 0.0, 0.0, 0.0
    precision, recall = precision / n, recall / n
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def single_link(similarity: np.ndarray, threshold: float) -> list[int]:
    """Connected components of the graph of pairs at or above `threshold`."""
    from scipy.sparse import csr_matrix
    from scipy.sparse.csgraph import connected_components

    graph = csr_matrix(np.triu(similarity >= threshold, 1))
    return connected_components(graph, directed=False)[1].tolist()


def tfidf_single_link(texts: Sequence[str]) -> list[int]:
    from sklearn.feature_extraction.text import TfidfVectorizer

    x = TfidfVectorizer(sublinear_tf=True).fit_transform(texts)
    return single_link((x @ x.T).toarray(), TFIDF_THRESHOLD)


def run_cli(rows: list[dict[str, str]]) -> tuple[list[str], float]:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "statements.jsonl"
        path.write_text(
            "".join(json.dumps({"id": r["id"], "text": r["text"]}) + "\n" for r in rows),
            encoding="utf-8",
        )
        start = time.perf_counter()
        done = subprocess.run(
            [SAYWHO, "cluster", str(path)], capture_output=True, text=True, check=False
        )
        seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"saywho cluster failed ({done.returncode}): {done.stderr.strip()}")
    by_id = {o["id"]: o["cluster"] for o in map(json.loads, done.stdout.splitlines())}
    return [by_id[r["id"]] for r in rows], seconds


def halves(rows: list[dict[str, str]], data: Path) -> dict[str, list[int]]:
    """Indices of the train half and the dev half (see the module docstring)."""
    folder = data / "claim-matching"

    def ids(name: str) -> set[str]:
        lines = (folder / name).read_text(encoding="utf-8").splitlines()[1:]
        return {"q" + line.split("\t", 1)[0] for line in lines if line.strip()}

    train, dev = ids("train-queries.tsv"), ids("dev-queries.tsv")
    train_clusters = {r["cluster"] for r in rows if r["id"] in train}
    dev_clusters = {r["cluster"] for r in rows if r["id"] in dev}
    distractors = [
        i for i, r in enumerate(rows) if r["cluster"] not in train_clusters | dev_clusters
    ]
    np.random.default_rng(0).shuffle(distractors)
    half = len(distractors) // 2
    return {
        "train half": [
            i
            for i, r in enumerate(rows)
            if r["cluster"] in train_clusters and r["cluster"] not in dev_clusters
        ]
        + distractors[:half],
        "dev half": [i for i, r in enumerate(rows) if r["cluster"] in dev_clusters]
        + distractors[half:],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument(
        "--orders", type=int, default=3, help="random orders for the incremental run"
    )
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args(argv)
    path = args.data / "claim-matching" / "clusters-dev.jsonl"
    if not path.is_file():
        print(f"claims benchmark: {path} not found", file=sys.stderr)
        return 2
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    texts = [r["text"] for r in rows]
    gold = [r["cluster"] for r in rows]
    print(f"clusters-dev: {len(rows)} statements, {len(set(gold))} gold clusters")

    from saywho.claims import THRESHOLD, cluster_batch, cluster_incremental, features

    figures: dict[str, list[float]] = {}
    saywho_labels, seconds = run_cli(rows)
    figures["saywho cluster"] = list(bcubed(gold, saywho_labels))
    print(
        f"saywho cluster: {seconds:.1f} s for {len(rows)} statements "
        f"({len(rows) / seconds:.0f}/s, start and model load included)"
    )
    figures["all singletons"] = list(bcubed(gold, list(range(len(rows)))))
    figures[f"TF-IDF single-link {TFIDF_THRESHOLD}"] = list(bcubed(gold, tfidf_single_link(texts)))

    feats = features(texts)
    start = time.perf_counter()
    in_order = cluster_incremental(feats, THRESHOLD)
    per_claim_ms = (time.perf_counter() - start) * 1000 / len(rows)
    figures["incremental, file order"] = list(bcubed(gold, in_order))
    rng = np.random.default_rng(12345)
    order_f1 = []
    for _ in range(args.orders):
        order = rng.permutation(len(rows))
        sub = type(feats)(dense=feats.dense[order], lexical=feats.lexical[order])
        labels = np.empty(len(rows), dtype=np.int64)
        labels[order] = cluster_incremental(sub, THRESHOLD)
        order_f1.append(bcubed(gold, labels.tolist())[2])

    print(f"\n{'system':34s} {'P':>6s} {'R':>6s} {'F1':>6s}")
    for name, (p, r, f) in figures.items():
        print(f"{name:34s} {p:6.3f} {r:6.3f} {f:6.3f}")
    print(
        f"incremental, {args.orders} random orders: F1 "
        + ", ".join(f"{f:.3f}" for f in order_f1)
        + f" (mean {np.mean(order_f1):.3f}, spread {max(order_f1) - min(order_f1):.3f});"
        f" assignment {per_claim_ms:.2f} ms a statement (in memory, after embedding)"
    )

    print("\nhalves (batch method, the shipped threshold):")
    for name, idx in halves(rows, args.data).items():
        sub = type(feats)(dense=feats.dense[idx], lexical=feats.lexical[idx])
        p, r, f = bcubed([gold[i] for i in idx], cluster_batch(sub, THRESHOLD))
        figures[name] = [p, r, f]
        print(f"{name:34s} {p:6.3f} {r:6.3f} {f:6.3f}")

    figures.update(news_pairs())
    f1 = figures["saywho cluster"][2]
    print(
        f"\nsaywho cluster B-cubed F1 {f1:.3f} (target ≥ {TARGET_F1}): "
        + ("PASS" if f1 >= TARGET_F1 else "FAIL")
    )
    if args.json:
        args.json.write_text(json.dumps({"figures": figures, "orders_f1": order_f1}, indent=2))
    return 0


NEWS_PAIRS = ROOT / "benchmarks" / "data" / "news-claim-pairs.jsonl"


def weighted_prf(
    same: Sequence[bool], predicted: Sequence[bool], weights: Sequence[float]
) -> tuple[float, float, float]:
    """Pairwise precision, recall and F1 with each pair counted `weight` times."""
    tp = sum(w for s, p, w in zip(same, predicted, weights, strict=True) if s and p)
    fp = sum(w for s, p, w in zip(same, predicted, weights, strict=True) if p and not s)
    pos = sum(w for s, w in zip(same, weights, strict=True) if s)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / pos if pos else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def news_pairs() -> dict[str, list[float]]:
    """Part 2: the store's rule on labelled news claim pairs."""
    from saywho.claims import THRESHOLD, claim_text, features, similarity
    from saywho.claims.text import conflicting_figures, figures
    from saywho.store.claims import STORE_THRESHOLD

    rows = [
        json.loads(line) for line in NEWS_PAIRS.read_text(encoding="utf-8").splitlines() if line
    ]
    a = features([r["a"]["content"] for r in rows])
    b = features([r["b"]["content"] for r in rows])
    scores = [float(similarity(type(a)(a.dense[i : i + 1], a.lexical[i : i + 1]),
                               type(b)(b.dense[i : i + 1], b.lexical[i : i + 1]))[0, 0])
              for i in range(len(rows))]  # fmt: skip
    conflict = [conflicting_figures(figures(claim_text(r["a"]["content"])), figures(claim_text(r["b"]["content"])))
                for r in rows]  # fmt: skip
    same = [bool(r["same"]) for r in rows]
    weights = [float(r["weight"]) for r in rows]
    print(
        f"\nnews claim pairs: {len(rows)} labelled ({sum(same)} same claim), standing for "
        f"{sum(weights):.0f} cross-article pairs scoring ≥ 0.45; estimated pairwise figures"
    )
    out: dict[str, list[float]] = {}
    for name, threshold, use_figures in (
        (f"store rule: ≥ {STORE_THRESHOLD} + figures", STORE_THRESHOLD, True),
        (f"≥ {STORE_THRESHOLD}, no figures rule", STORE_THRESHOLD, False),
        (f"≥ {THRESHOLD} (saywho cluster's)", THRESHOLD, False),
        (f"≥ {THRESHOLD} + figures", THRESHOLD, True),
    ):
        predicted = [
            s >= threshold and not (use_figures and c)
            for s, c in zip(scores, conflict, strict=True)
        ]
        p, r, f = weighted_prf(same, predicted, weights)
        out[f"news pairs, {name}"] = [p, r, f]
        print(f"{name:34s} {p:6.3f} {r:6.3f} {f:6.3f}")
    return out


if __name__ == "__main__":
    raise SystemExit(main())
