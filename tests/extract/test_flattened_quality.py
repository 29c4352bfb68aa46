"""Quality gate: the flattened-text cleaner on a fixed sample of the extraction benchmark.

Pages are flattened as a naive scraper would (benchmarks/flatten.py) and scored with the
benchmark's own scorer (benchmarks/flattened_eval.py). The floor sits a little under what the
cleaner measures on this sample; raise it when the cleaner improves, never lower it quietly.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from required import missing, pinned

REPO = Path(__file__).resolve().parents[2]
BENCHMARK = REPO.parent / "shared" / "data" / "extraction-benchmark"
#: its ground truth, scorer and pages, as the floor was measured on them (tests/required.py)
BENCHMARK_SHA256 = "e1dcef8f6f597a9fa60f867c9fd5b9ac80268e00d135f203c833c737695463f2"

# measured on this sample (every 6th page, 21 pages): F1 0.943, P 0.935, R 0.950;
# the raw flattened text scores F1 0.561
F1_FLOOR = 0.92
# the sample must stay far above the raw text, or the cleaner keeps everything
RAW_MARGIN = 0.25


@pytest.fixture(autouse=True)
def _shared_data() -> None:
    if not (BENCHMARK / "ground-truth.json").exists():
        missing(
            "data",
            f"extraction benchmark not found at {BENCHMARK} (shared data is not checked out)",
        )
    files = [
        BENCHMARK / "ground-truth.json",
        BENCHMARK / "evaluate.py",
        *(BENCHMARK / "html").glob("*.html.gz"),
    ]
    pinned("the extraction benchmark", files, BENCHMARK, BENCHMARK_SHA256)


def test_flattened_quality_f1_above_floor() -> None:
    sys.path.insert(0, str(REPO / "benchmarks"))
    from flatten import page_ids
    from flattened_eval import score_flattened

    ids = page_ids(BENCHMARK)[::6]
    result = score_flattened(BENCHMARK, ids)
    saywho, raw = result["saywho"], result["raw"]
    assert saywho["f1"] >= F1_FLOOR, f"flattened F1 {saywho['f1']:.3f} fell under {F1_FLOOR}"
    assert saywho["f1"] >= raw["f1"] + RAW_MARGIN
