"""Quality gate: the flattened-text cleaner on a fixed sample of the extraction benchmark.

Pages are flattened as a naive scraper would (benchmarks/flatten.py) and scored with the
benchmark's own scorer (benchmarks/flattened_eval.py). The floor sits a little under what the
cleaner measures on this sample; raise it when the cleaner improves, never lower it quietly.
"""

from __future__ import annotations

import sys

import pytest
from extraction_benchmark import BENCHMARK, REPO, require_benchmark

# measured on this sample (every 6th page, 21 pages): F1 0.943, P 0.935, R 0.950;
# the raw flattened text scores F1 0.561
F1_FLOOR = 0.92
# the sample must stay far above the raw text, or the cleaner keeps everything
RAW_MARGIN = 0.25


@pytest.fixture(autouse=True)
def _shared_data() -> None:
    require_benchmark()


def test_flattened_quality_f1_above_floor() -> None:
    sys.path.insert(0, str(REPO / "benchmarks"))
    from flatten import page_ids
    from flattened_eval import score_flattened

    ids = page_ids(BENCHMARK)[::6]
    result = score_flattened(BENCHMARK, ids)
    saywho, raw = result["saywho"], result["raw"]
    assert saywho["f1"] >= F1_FLOOR, f"flattened F1 {saywho['f1']:.3f} fell under {F1_FLOOR}"
    assert saywho["f1"] >= raw["f1"] + RAW_MARGIN
