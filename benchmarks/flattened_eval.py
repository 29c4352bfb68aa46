"""Score saywho's flattened-text cleaner on the extraction benchmark, with the benchmark's scorer.

    python benchmarks/flattened_eval.py [--data DIR] [--limit N] [--style STYLE ...]

Each page is flattened the way a naive scraper would (`flatten.flatten_html`, in each of its
styles: one block per line, every element on its own line, html2text's Markdown), then scored
twice:
(a) the flattened text as it is, the baseline a cleaner must beat, and (b) saywho's `extract()`
on that text (default `Settings`, so the text goes through `clean_flattened`). Scoring uses the
benchmark's own `evaluate.py` (4-token shingles, per-page normalised), imported, not copied.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
import time
from pathlib import Path
from types import ModuleType
from typing import Any

from saywho.config import Settings
from saywho.errors import SaywhoError
from saywho.extract import extract
from saywho.model import RawDocument

# the sibling script, importable when this file is imported from elsewhere (the quality test)
sys.path.insert(0, str(Path(__file__).resolve().parent))
from flatten import BENCHMARK, STYLES, flatten_html, page_ids, read_page

#: the issue's floor (13): body F1 of saywho on every flattening style
TARGET_F1 = 0.90


def load_scorer(data_dir: Path) -> ModuleType:
    """The benchmark's own `evaluate.py`, so our figures compare with published ones."""
    spec = importlib.util.spec_from_file_location(
        "extraction_benchmark_evaluate", data_dir / "evaluate.py"
    )
    if spec is None or spec.loader is None:
        raise FileNotFoundError(data_dir / "evaluate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def score_flattened(
    data_dir: Path = BENCHMARK, ids: list[str] | None = None, style: str = "blocks"
) -> dict[str, Any]:
    """F1/precision/recall of the raw flattened text and of saywho on it, plus pages/second.

    `ids` restricts the run to some pages (the quality-gate test uses a sample); the default is
    every page. Returns ``{"pages": n, "raw": {...}, "saywho": {...}, "pages_per_second": x,
    "pages_per_cpu_second": y, "errors": [...]}``; only extract() is timed (language detection
    included), not the flattening.
    """
    scorer = load_scorer(data_dir)
    truth = json.loads((data_dir / "ground-truth.json").read_text(encoding="utf-8"))
    ids = page_ids(data_dir) if ids is None else ids
    settings = Settings()
    flattened = {i: flatten_html(read_page(data_dir / "html" / f"{i}.html.gz"), style) for i in ids}

    raw_scores = []
    saywho_scores = []
    errors: list[str] = []
    seconds = cpu = 0.0
    for page_id in ids:
        gold = truth[page_id].get("articleBody", "")
        text = flattened[page_id]
        raw_scores.append(scorer.string_shingle_matching(true=gold, pred=text))
        start, start_cpu = time.perf_counter(), time.process_time()
        try:
            article = extract(RawDocument(f"{page_id}.txt", text.encode("utf-8")), settings)
            predicted = article.text
        except SaywhoError as exc:
            # an error is an empty prediction: the page scores zero recall, as it should
            predicted = ""
            errors.append(f"{page_id}: {exc}")
        seconds += time.perf_counter() - start
        cpu += time.process_time() - start_cpu
        saywho_scores.append(scorer.string_shingle_matching(true=gold, pred=predicted))
    return {
        "pages": len(ids),
        "raw": scorer.metrics_from_tp_fp_fns(raw_scores),
        "saywho": scorer.metrics_from_tp_fp_fns(saywho_scores),
        "pages_per_second": len(ids) / seconds if seconds else float("inf"),
        # CPU time is the steadier figure on a shared machine
        "pages_per_cpu_second": len(ids) / cpu if cpu else float("inf"),
        "errors": errors,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=BENCHMARK, help="extraction-benchmark folder")
    parser.add_argument("--limit", type=int, default=None, help="score only the first N pages")
    parser.add_argument(
        "--style", choices=STYLES, action="append", help="flattening style(s) (default: all)"
    )
    args = parser.parse_args(argv)
    ids = page_ids(args.data)[: args.limit] if args.limit else None
    missed = False
    for style in args.style or STYLES:
        result = score_flattened(args.data, ids, style)
        print(f"== style {style}: {result['pages']} pages from {args.data}")
        print(f"{'':<18} {'F1':>6} {'precision':>10} {'recall':>8}")
        for name, label in (("raw", "raw flattened"), ("saywho", "saywho extract()")):
            m = result[name]
            print(f"{label:<18} {m['f1']:>6.3f} {m['precision']:>10.3f} {m['recall']:>8.3f}")
        f1 = result["saywho"]["f1"]
        verdict = "PASS" if f1 >= TARGET_F1 else "FAIL"
        missed |= f1 < TARGET_F1
        print(f"target: saywho F1 >= {TARGET_F1:.2f}: {verdict}")
        print(
            f"saywho: {result['pages_per_second']:.1f} pages/s wall, "
            f"{result['pages_per_cpu_second']:.1f} pages per CPU second "
            "(extract() only, one process)"
        )
        for line in result["errors"]:
            print(f"error: {line}")
        print()
    return 1 if missed else 0


if __name__ == "__main__":
    raise SystemExit(main())
