"""Fact-check matching benchmark: `saywho factchecks import` + `match` beside BM25, in one run.

    .venv/bin/python benchmarks/factchecks.py [--data ../shared/data] [--json FILE]

Part 1, CheckThat! 2020 Task 2 (``claim-matching/``: 10,375 fact-checked claims from Snopes with
their headlines; input tweets with the claim each states; see its README). The fact-checked
claims are written as ClaimReview JSON Lines (``identifier`` the claim's id, ``claimReviewed``,
``headline``, ``author`` Snopes) into a temporary folder, imported into a new SQLite store by the
``saywho factchecks import`` command, and the dev tweets ranked by ``saywho factchecks match
--file Q.jsonl --top 5 --format jsonl`` (both commands run as child processes and timed).
Printed: MAP@1, MAP@3, MAP@5 and recall@5 of saywho, beside the baseline measured here: SQLite
FTS5 BM25 over claim + headline, the query's words OR-ed (the README gives MAP@5 0.743 on dev).
The train tweets chose `saywho.store.factcheck_corpus.LEXICAL_WEIGHT` (printed, in process: the
first stage's own MAP@5 on train and its recall among the candidates the re-ranker sees, for
each weight tried) and, with PolitiFact's train queries, trained the re-ranker
(``scripts/train_factcheck_ranker.py``); the dev tweets are only scored. A tweet's signature gives
the re-ranker its speaker and date. Target: MAP@5 ≥ 0.93 on dev.

Part 2, PolitiFact (``claim-matching/politifact/``: 19,250 fact-checks with real claimants,
ratings and dates; debate sentences with the fact-checks that verify them): the same commands on
its dev queries, each given the speaker and day its id names (`debate_context`, as a stored
claim has its speaker and article date), and again with the text alone; MAP@5 beside BM25 (best
published about 0.35 on its test split), and the verdicts the import gave its ratings, counted.

Both parts also print how the links between stored claims and fact-checks would fare for the
dev statements (`link_quality`: each statement linked, as a stored claim is, to the fact-check
ranked first for it when its probability reaches the store's threshold): the share of links
that are right, of statements linked to theirs and of statements linked at all, at the store's
threshold and either side of it. The CheckThat! part also prints how sure ``match`` is in a store
of a single fact-check (`small_stores`): the tweet's own, another claim's on its subject, one at
random.

Part 3, at scale (``--scale``, 100,000 by default): that many fact-checks imported by the command
(the real ones of both sets, then copies reworded with a prefix), the import timed (target under
5 minutes, embeddings included), and ``match`` timed one query at a time on the dev queries of
both sets (target p95 under 150 ms).
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from attribution_data import DEFAULT_DATA

TARGET_MAP5 = 0.93
SAYWHO = str(Path(sys.executable).with_name("saywho"))
_WORD = re.compile(r"\w+")


def average_precision(ranked: Sequence[str], relevant: set[str], k: int) -> float:
    """AP@k as the CheckThat! scorer computes it: precision at each relevant hit in the top k,
    summed, over min(k, |relevant|)."""
    hits, total = 0, 0.0
    for n, item in enumerate(ranked[:k], 1):
        if item in relevant:
            hits += 1
            total += hits / n
    return total / min(k, len(relevant)) if relevant else 0.0


def scores(runs: dict[str, list[str]], qrels: dict[str, set[str]]) -> dict[str, float]:
    out = {f"MAP@{k}": sum(average_precision(runs.get(q, []), rel, k) for q, rel in qrels.items()) / len(qrels)
           for k in (1, 3, 5)}  # fmt: skip
    out["R@5"] = sum(
        len(set(runs.get(q, [])[:5]) & rel) / len(rel) for q, rel in qrels.items()
    ) / len(qrels)
    return out


def read_queries(path: Path) -> dict[str, str]:
    """id → text, each line split at its first tab (as the README says); a header line (CheckThat!'s
    starts with a tab: no id) is skipped. (Until December 2026 the first line was always skipped,
    which dropped one PolitiFact dev query, a file without a header, from the scores.)"""
    lines = path.read_text(encoding="utf-8").splitlines()
    pairs = (line.split("\t", 1) for line in lines if "\t" in line)
    return {qid: text for qid, text in pairs if qid.strip()}


def debate_context(query_id: str) -> tuple[str | None, str | None]:
    """The speaker and ISO day a PolitiFact query's id names (``20170822_Trump_phoenix_0204``:
    Trump, 2017-08-22): the debate or speech the sentence was said in, known to anyone matching
    it, as a stored claim's speaker and article date are."""
    parts = query_id.split("_")
    day = parts[0]
    if len(parts) < 3 or not (len(day) == 8 and day.isdigit()):
        return None, None
    return parts[1], f"{day[:4]}-{day[4:6]}-{day[6:]}"


def read_qrels(path: Path) -> dict[str, set[str]]:
    qrels: dict[str, set[str]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if len(parts) == 4:
            qrels.setdefault(parts[0], set()).add(parts[2])
    return qrels


def bm25_runs(docs: dict[str, str], queries: dict[str, str], k: int = 5) -> dict[str, list[str]]:
    """The baseline: SQLite FTS5's BM25 over the documents, each query's words OR-ed."""
    db = sqlite3.connect(":memory:")
    db.execute("CREATE VIRTUAL TABLE d USING fts5(vid UNINDEXED, body)")
    db.executemany("INSERT INTO d VALUES (?, ?)", docs.items())
    runs = {}
    for qid, text in queries.items():
        words = sorted({w for w in _WORD.findall(text.casefold()) if len(w) > 1})
        if not words:
            runs[qid] = []
            continue
        match = " OR ".join(f'"{w}"' for w in words)
        rows = db.execute(
            "SELECT vid FROM d WHERE d MATCH ? ORDER BY bm25(d) LIMIT ?", (match, k)
        ).fetchall()
        runs[qid] = [r[0] for r in rows]
    return runs


def saywho_runs(store: Path, queries: dict[str, str], folder: Path, top: int = 5,
                debate: bool = False) -> tuple[dict[str, list[str]], float, dict[str, float]]:  # fmt: skip
    """Rank with ``saywho factchecks match`` (a child process); returns the runs, its seconds and
    each query's first match's score.
    `debate`: each query is given the speaker and date its id names (`debate_context`)."""
    qfile = folder / "queries.jsonl"
    records = []
    for q, t in queries.items():
        speaker, day = debate_context(q) if debate else (None, None)
        records.append(
            {"id": q, "text": t} | ({"speaker": speaker, "date": day} if speaker else {})
        )
    qfile.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    started = time.perf_counter()
    done = subprocess.run([SAYWHO, "factchecks", "match", "--file", str(qfile), "--top", str(top), "--format",
                           "jsonl", "--db", str(store)], capture_output=True, text=True, check=True)  # fmt: skip
    seconds = time.perf_counter() - started
    runs: dict[str, list[str]] = {}
    firsts: dict[str, float] = {}
    for line in done.stdout.splitlines():
        row = json.loads(line)
        runs[row["id"]] = [m["identifier"] for m in row["matches"]]
        firsts[row["id"]] = row["matches"][0]["score"] if row["matches"] else 0.0
    return runs, seconds, firsts


def first_reliability(runs: dict[str, list[str]], qrels: dict[str, set[str]],
                      firsts: dict[str, float]) -> dict[str, object]:  # fmt: skip
    """How the first result's score (a probability) compares with how often it is right: overall
    and in four bins of the score."""
    pairs = [
        (firsts.get(q, 0.0), float(bool(runs.get(q)) and runs[q][0] in rel))
        for q, rel in qrels.items()
    ]
    out: dict[str, object] = {"mean_probability": round(sum(p for p, _ in pairs) / len(pairs), 3),
                              "right": round(sum(r for _, r in pairs) / len(pairs), 3)}  # fmt: skip
    for lo, hi in ((0.0, 0.2), (0.2, 0.5), (0.5, 0.8), (0.8, 1.0)):
        part = [(p, r) for p, r in pairs if lo <= p < hi or (hi == 1.0 and p == 1.0)]
        if part:
            out[f"{lo}-{hi}"] = (len(part), round(sum(p for p, _ in part) / len(part), 3),
                                 round(sum(r for _, r in part) / len(part), 3))  # fmt: skip
    return out


def print_reliability(name: str, found: dict[str, object]) -> None:
    bins = "; ".join(f"{k}: {v[0]} queries, mean {v[1]:.3f}, right {v[2]:.3f}"  # type: ignore[index]
                     for k, v in found.items() if "-" in k)  # fmt: skip
    print(
        f"  {name}: first results' mean score {found['mean_probability']:.3f}, right {found['right']:.3f} ({bins})"
    )


def link_quality(store: Path, queries: dict[str, str], qrels: dict[str, set[str]], debate: bool = False,
                 thresholds: Sequence[float] = (0.5, 0.6, 0.7, 0.8)) -> dict[str, dict[str, float]]:  # fmt: skip
    """How the links between stored claims and fact-checks fare for these statements, at each
    probability threshold (the store's is `saywho.store.factcheck_links.LINK_PROBABILITY`):
    each statement embedded as a claim's content is (`dense_vectors`, kept as float16 as the
    store keeps it) and given its speaker and day as a stored claim has its attribution's
    speaker and article's date (the debate's for PolitiFact, the signature's for a tweet), then
    ranked by the store's own rule (`saywho.store.factcheck_corpus.rank`, as `link_claims`
    does) and linked to its first result when that one's probability reaches the threshold and
    its cosine the store's `NEAR`; a
    fact-check and its copies count once. Printed: the share of links that name a fact-check
    the qrels name (or a copy of one), the share of statements linked to theirs, and the share
    linked at all."""
    from datetime import date

    from sqlalchemy import select

    from saywho.claims.cluster import dense_vectors
    from saywho.factchecks.ranking import Stated, with_context
    from saywho.store import open_store
    from saywho.store.factcheck_corpus import corpus_in, rank
    from saywho.store.factcheck_links import NEAR
    from saywho.store.schema import fact_checks

    engine = open_store(str(store), create=False)
    with engine.connect() as conn:
        corpus = corpus_in(conn, engine)
        rows = conn.execute(select(fact_checks.c.id, fact_checks.c.identifier)
                            .where(fact_checks.c.current.is_(True))).all()  # fmt: skip
    engine.dispose()
    assert corpus is not None
    # a fact-check's copies are folded into their original: the qrels' identifiers, as originals
    original = {int(c): o for o, cs in corpus.copies.items() for c in cs}
    wanted_of_ident: dict[str, set[int]] = {}
    for r in rows:
        wanted_of_ident.setdefault(str(r[1]), set()).add(original.get(int(r[0]), int(r[0])))
    wanted = [q for q in qrels if q in queries]
    statements = []
    for q in wanted:
        if debate:
            speaker, said = debate_context(q)
            statements.append(
                Stated(queries[q], speaker, date.fromisoformat(said) if said else None)
            )
        else:
            statements.append(with_context(queries[q]))
    vectors = dense_vectors([s.text for s in statements]).astype("float16").astype("float32")
    firsts = rank(corpus, statements, 1, vectors)
    out = {}
    for threshold in thresholds:
        links = right = 0
        for q, first, vector in zip(wanted, firsts, vectors, strict=True):
            if (
                first
                and first[0][1] >= threshold
                and corpus.similarity(vector, first[0][0]) >= NEAR
            ):
                gold = set().union(*(wanted_of_ident.get(v, set()) for v in qrels[q]))
                links, right = links + 1, right + (first[0][0] in gold)
        out[f"{threshold:.2f}"] = {"precision": right / links if links else 0.0,
                                   "statements_linked": right / len(wanted),
                                   "linked_at_all": links / len(wanted)}  # fmt: skip
    return out


def print_links(found: dict[str, dict[str, float]]) -> None:
    from saywho.store.factcheck_links import LINK_PROBABILITY, NEAR

    print(f"  links of stored claims to fact-checks (the store links at a probability of {LINK_PROBABILITY} and a "
          f"cosine of {NEAR}; each threshold below with that cosine): "
          + "; ".join(f"at {t}: {v['precision']:.1%} of links right, {v['statements_linked']:.1%} of "
                      f"statements linked to theirs, {v['linked_at_all']:.1%} linked at all"
                      for t, v in found.items()))  # fmt: skip


def import_reviews(store: Path, reviews: list[dict[str, object]], folder: Path, name: str) -> float:
    path = folder / f"{name}.jsonl"
    path.write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in reviews), encoding="utf-8"
    )
    started = time.perf_counter()
    done = subprocess.run([SAYWHO, "factchecks", "import", str(path), "--db", str(store)], capture_output=True,
                          text=True, check=True)  # fmt: skip
    seconds = time.perf_counter() - started
    print(
        f"  {done.stderr.strip().splitlines()[-1]} ({seconds:.1f} s, {len(reviews) / seconds:.0f} a second)"
    )
    return seconds


def table(rows: dict[str, dict[str, float]]) -> None:
    print(f"  {'system':<34}{'MAP@1':>7}{'MAP@3':>7}{'MAP@5':>7}{'R@5':>7}")
    for name, s in rows.items():
        print(f"  {name:<34}{s['MAP@1']:>7.3f}{s['MAP@3']:>7.3f}{s['MAP@5']:>7.3f}{s['R@5']:>7.3f}")


def checkthat_claims(base: Path) -> dict[str, tuple[str, str]]:
    """CheckThat!'s fact-checked claims: id → (claim, headline)."""
    with (base / "verified_claims.tsv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f, delimiter="\t"))[1:]
    return {r[0]: (r[1], r[2] if len(r) > 2 else "") for r in rows}


def checkthat_reviews(claims: dict[str, tuple[str, str]]) -> list[dict[str, object]]:
    """The claims as ClaimReview objects (Snopes' checks, identified by the claim's id)."""
    return [{"@type": "ClaimReview", "identifier": vid, "claimReviewed": text, "headline": title,
             "author": {"@type": "Organization", "name": "Snopes"}} for vid, (text, title) in claims.items()]  # fmt: skip


def politifact_checks(base: Path) -> list[dict[str, object]]:
    """PolitiFact's fact-checks as the data file has them (``politifact/factchecks.jsonl``)."""
    lines = (base / "factchecks.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line]


def politifact_reviews(checks: list[dict[str, Any]]) -> list[dict[str, object]]:
    """The fact-checks as ClaimReview objects, with claimant, dates and rating."""
    return [{
        "@type": "ClaimReview", "identifier": c["vclaim_id"], "claimReviewed": c["claim"], "headline": c.get("title"),
        "url": c.get("review_url"), "datePublished": c.get("review_date"),
        "author": {"@type": "Organization", "name": c.get("reviewer") or "PolitiFact"},
        "itemReviewed": {"@type": "Claim", "author": {"@type": "Person", "name": c.get("claimant")},
                         "datePublished": c.get("claim_date")},
        "reviewRating": {"@type": "Rating", "alternateName": c.get("rating")},
    } for c in checks]  # fmt: skip


def checkthat(data: Path, folder: Path, figures: dict[str, object]) -> bool:
    from sqlalchemy import select

    from saywho.claims.cluster import dense_vectors
    from saywho.factchecks.ranking import load_ranker
    from saywho.store import factcheck_corpus, open_store
    from saywho.store.schema import fact_checks

    base = data / "claim-matching"
    claims = checkthat_claims(base)
    print(f"CheckThat! 2020 Task 2: {len(claims)} fact-checked claims")
    reviews = checkthat_reviews(claims)
    store = folder / "checkthat.db"
    figures["checkthat_import_s"] = import_reviews(store, reviews, folder, "checkthat")
    # the train queries choose the first stage's lexical weight (in process, the same functions
    # the command runs): what the weight decides is which candidates the re-ranker sees and in
    # what order, so the first stage's own ranking is scored (MAP@5, and recall among the
    # candidates); the re-ranked MAP@5 hardly moves with it (0.950 for every weight on train)
    train_q, train_rel = (
        read_queries(base / "train-queries.tsv"),
        read_qrels(base / "train-qrels.tsv"),
    )
    engine = open_store(str(store), create=False)
    texts = [train_q[q] for q in train_rel]
    vectors = dense_vectors(texts)
    candidates = load_ranker().candidates
    shipped = factcheck_corpus.LEXICAL_WEIGHT
    sweep: dict[float, dict[str, float]] = {}
    with engine.connect() as conn:
        corpus = factcheck_corpus.corpus_in(conn, engine)
        named = {int(i): str(n) for i, n in conn.execute(
            select(fact_checks.c.id, fact_checks.c.identifier))}  # fmt: skip
    for weight in (0.0, 0.1, 0.2, 0.3, 0.4):
        factcheck_corpus.LEXICAL_WEIGHT = weight
        found = factcheck_corpus.candidate_features(corpus, texts, candidates, vectors)
        runs = {
            q: [named[int(i)] for i in ids] for q, (ids, _) in zip(train_rel, found, strict=True)
        }
        first = scores({q: run[:5] for q, run in runs.items()}, train_rel)
        reach = sum(len(set(runs[q]) & rel) / len(rel) for q, rel in train_rel.items())
        sweep[weight] = {"MAP@5": first["MAP@5"], f"R@{candidates}": reach / len(train_rel)}
    factcheck_corpus.LEXICAL_WEIGHT = shipped
    engine.dispose()
    print(f"  train queries, the first stage alone by lexical weight, MAP@5 / recall among its {candidates} "
          "candidates: " + ", ".join(f"{w}: {m['MAP@5']:.3f} / {m[f'R@{candidates}']:.3f}" for w, m in sweep.items())
          + f" (shipped: {shipped})")  # fmt: skip
    dev_q, dev_rel = read_queries(base / "dev-queries.tsv"), read_qrels(base / "dev-qrels.tsv")
    dev_q = {q: dev_q[q] for q in dev_rel}
    runs, seconds, firsts = saywho_runs(store, dev_q, folder)
    print(
        f"  dev: {len(dev_rel)} queries; saywho factchecks match {seconds:.1f} s (start and model load included)"
    )
    figures["checkthat_first_reliability"] = first_reliability(runs, dev_rel, firsts)
    print_reliability("the score as a probability", figures["checkthat_first_reliability"])  # type: ignore[arg-type]
    results = {"saywho factchecks match": scores(runs, dev_rel),
               "BM25 (FTS5, claim + headline)": scores(bm25_runs({v: f"{t} {h}" for v, (t, h) in claims.items()}, dev_q), dev_rel)}  # fmt: skip
    table(results)
    figures["checkthat_dev"] = results
    figures["checkthat_dev_links"] = link_quality(store, dev_q, dev_rel)
    print_links(figures["checkthat_dev_links"])  # type: ignore[arg-type]
    figures["checkthat_train_sweep"] = sweep
    figures["checkthat_small_stores"] = small_stores(corpus, named, dev_q, dev_rel)
    got = results["saywho factchecks match"]["MAP@5"]
    print(
        f"  CheckThat! dev MAP@5 {got:.3f} (target ≥ {TARGET_MAP5}): {'PASS' if got >= TARGET_MAP5 else 'FAIL'}"
    )
    return got >= TARGET_MAP5


#: the small stores' nearest other claim: a fact-check at most this similar to the statement's own
#: (more is the same claim reworded, which the copies' rule does not fold)
OTHER_CLAIM = 0.95


def small_stores(
    corpus: Any, named: dict[int, str], dev_q: dict[str, str], dev_rel: dict[str, set[str]]
) -> dict[str, dict[str, float]]:
    """How sure `match` is in a store of one fact-check (in process, the functions the command
    runs: each store's word statistics fitted on its own fact-check): the dev tweet's own; the
    fact-check nearest the tweet (by the embeddings) of another claim, on its subject; one at
    random (seeded). Printed per kind: the first result's mean probability, the share of
    tweets at `LINK_PROBABILITY` or more, and the share a store would link (that, and `NEAR`
    cosine-similar). A large store always holds a fact-check near a statement; a small one may
    hold only the wrong one."""
    import random

    import numpy as np

    from saywho.claims.cluster import dense_vectors
    from saywho.factchecks.ranking import pair_text, with_context
    from saywho.store.factcheck_corpus import fit_words, rank
    from saywho.store.factcheck_links import LINK_PROBABILITY, NEAR

    row_of = {ident: row for row, ident in enumerate(named[int(i)] for i in corpus.ids)}
    wanted = [q for q in dev_rel if q in dev_q and any(v in row_of for v in dev_rel[q])]
    stated = [with_context(dev_q[q]) for q in wanted]
    vectors = dense_vectors([s.text for s in stated])
    rng = random.Random(0)

    def alone(row: int, statement: Any, vector: np.ndarray) -> tuple[float, float]:
        words, lexical = fit_words([pair_text(*corpus.fields[row][:2])])
        one = type(corpus)((0, 0), corpus.ids[row : row + 1], corpus.dense[row : row + 1], words, lexical,
                           [corpus.fields[row]], np.zeros(1, dtype=bool), {}, {})  # fmt: skip
        (((_, probability),),) = rank(one, [statement], 1, vector[None, :])
        return probability, float(corpus.dense[row] @ vector)

    found: dict[str, list[tuple[float, float]]] = {
        "its own": [],
        "another claim on its subject": [],
        "one at random": [],
    }
    for statement, vector, q in zip(stated, vectors, wanted, strict=True):
        own = [row_of[v] for v in sorted(dev_rel[q]) if v in row_of]
        similar = corpus.dense @ vector
        same = (corpus.dense[own] @ corpus.dense.T).max(axis=0) > OTHER_CLAIM
        same[own] = True
        other = int(np.argmax(np.where(same, -np.inf, similar)))
        chance = next(r for r in iter(lambda: rng.randrange(len(corpus.ids)), None) if not same[r])
        for kind, row in zip(found, (own[0], other, chance), strict=True):
            found[kind].append(alone(row, statement, vector))
    out = {}
    parts = []
    for kind, pairs in found.items():
        p = np.array([x[0] for x in pairs])
        near = np.array([x[1] for x in pairs])
        out[kind] = {"mean": float(p.mean()), "sure": float((p >= LINK_PROBABILITY).mean()),
                     "linked": float(((p >= LINK_PROBABILITY) & (near >= NEAR)).mean())}  # fmt: skip
        parts.append(f"{kind}: {out[kind]['mean']:.3f} / {100 * out[kind]['sure']:.1f}% / "
                     f"{100 * out[kind]['linked']:.1f}%")  # fmt: skip
    print(f"  stores of one fact-check ({len(wanted)} dev tweets; first result's mean probability / "
          f"at {LINK_PROBABILITY} or more / linked): " + "; ".join(parts))  # fmt: skip
    return out


def politifact(data: Path, folder: Path, figures: dict[str, object]) -> None:
    from saywho.factchecks import verdict

    base = data / "claim-matching" / "politifact"
    checks = politifact_checks(base)
    print(f"\nPolitiFact: {len(checks)} fact-checks")
    reviews = politifact_reviews(checks)
    store = folder / "politifact.db"
    figures["politifact_import_s"] = import_reviews(store, reviews, folder, "politifact")
    verdicts = Counter((c["rating"], verdict(c["rating"])) for c in checks)
    print(
        "  verdicts of its ratings: "
        + ", ".join(f"{r} → {v} ({n})" for (r, v), n in sorted(verdicts.items()))
    )
    dev_q, dev_rel = read_queries(base / "dev-queries.tsv"), read_qrels(base / "dev-qrels.tsv")
    dev_q = {q: dev_q[q] for q in dev_rel if q in dev_q}
    runs, seconds, firsts = saywho_runs(store, dev_q, folder, debate=True)
    reliability = first_reliability(runs, dev_rel, firsts)
    text_only, _, _ = saywho_runs(store, dev_q, folder)
    docs = {c["vclaim_id"]: f"{c['claim']} {c.get('title') or ''}" for c in checks}
    results = {"saywho factchecks match": scores(runs, dev_rel),
               "saywho, the text alone": scores(text_only, dev_rel),
               "BM25 (FTS5, claim + headline)": scores(bm25_runs(docs, dev_q), dev_rel)}  # fmt: skip
    print(
        f"  dev: {len(dev_q)} queries (speaker and date from their ids); saywho factchecks match {seconds:.1f} s"
    )
    figures["politifact_first_reliability"] = reliability
    print_reliability("the score as a probability", reliability)
    table(results)
    figures["politifact_dev"] = results
    figures["politifact_dev_links"] = link_quality(store, dev_q, dev_rel, debate=True)
    print_links(figures["politifact_dev_links"])  # type: ignore[arg-type]


#: targets at scale (the issue's): match p95 per query, and the whole import
TARGET_MATCH_P95_MS = 150.0
TARGET_IMPORT_S = 300.0
_VARIANTS = ("", "Reportedly, ", "A viral post claims that ", "Social media users said ", "It is claimed that ",
             "A widely shared video shows that ", "According to a chain email, ", "Online rumours say ")  # fmt: skip


def scale(data: Path, folder: Path, size: int, figures: dict[str, object]) -> bool:
    """Import `size` fact-checks (the real ones of both sets, then reworded copies of them) with
    ``saywho factchecks import``, and time ``match`` query by query (in process, warm) for the
    dev queries of both sets."""
    from saywho.store import open_store
    from saywho.store.factchecks import match_fact_checks

    base = data / "claim-matching"
    real = list(checkthat_claims(base).values())
    real += [
        (str(c["claim"]), str(c.get("title") or "")) for c in politifact_checks(base / "politifact")
    ]
    reviews = []
    for n in range(size):
        claim, title = real[n % len(real)]
        prefix = _VARIANTS[(n // len(real)) % len(_VARIANTS)]
        text = f"{prefix}{claim[:1].lower() if prefix else claim[:1]}{claim[1:]}"
        reviews.append({"@type": "ClaimReview", "identifier": f"scale-{n}", "claimReviewed": text, "headline": title,
                        "author": {"@type": "Organization", "name": "Scale Test"}})  # fmt: skip
    print(f"\nAt scale: {size} fact-checks ({len(real)} real ones, then reworded copies)")
    store = folder / "scale.db"
    seconds = import_reviews(store, reviews, folder, "scale")
    queries = [
        *read_queries(base / "dev-queries.tsv").values(),
        *read_queries(base / "politifact" / "dev-queries.tsv").values(),
    ]
    engine = open_store(str(store), create=False)
    started = time.perf_counter()
    match_fact_checks(engine, [queries[0]], 5)
    load = time.perf_counter() - started
    times = []
    for q in queries:
        started = time.perf_counter()
        match_fact_checks(engine, [q], 5)
        times.append((time.perf_counter() - started) * 1000)
    engine.dispose()
    times.sort()
    p50, p95 = times[len(times) // 2], times[int(len(times) * 0.95)]
    print(f"  match, one query at a time ({len(times)} dev queries, warm): p50 {p50:.1f} ms, p95 {p95:.1f} ms, "
          f"max {times[-1]:.1f} ms; the first query of the process (reads the fact-checks) {load:.1f} s")  # fmt: skip
    ok_match, ok_import = p95 < TARGET_MATCH_P95_MS, seconds < TARGET_IMPORT_S
    print(f"  match p95 {p95:.1f} ms (target < {TARGET_MATCH_P95_MS:.0f}): {'PASS' if ok_match else 'FAIL'}; "
          f"import {seconds:.1f} s (target < {TARGET_IMPORT_S:.0f}): {'PASS' if ok_import else 'FAIL'}")  # fmt: skip
    figures["scale"] = {"size": size, "import_s": seconds, "match_p50_ms": p50, "match_p95_ms": p95,
                        "match_max_ms": times[-1], "first_query_s": load}  # fmt: skip
    return ok_match and ok_import


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument(
        "--scale", type=int, default=100_000, help="fact-checks in the speed test (0: none)"
    )
    args = parser.parse_args(argv)
    figures: dict[str, object] = {}
    with tempfile.TemporaryDirectory(prefix="saywho-factchecks-") as tmp:
        ok = checkthat(args.data, Path(tmp), figures)
        politifact(args.data, Path(tmp), figures)
        if args.scale:
            ok = scale(args.data, Path(tmp), args.scale, figures) and ok
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2), encoding="utf-8")
    print(f"\noverall: {'PASS' if ok else 'FAIL'}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
