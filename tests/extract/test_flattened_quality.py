"""Quality gate: the flattened-text cleaner on a fixed sample of the extraction benchmark.

Pages are flattened as a naive scraper would (benchmarks/flatten.py) and scored with the
benchmark's own scorer (benchmarks/flattened_eval.py). The floor sits a little under what the
cleaner measures on this sample; raise it when the cleaner improves, never lower it quietly.
"""

from __future__ import annotations

import sys

import pytest
from extraction_benchmark import BENCHMARK, REPO, require_benchmark

# measured on this sample (every 6th page, 21 pages), per flattening style: one block a line
# F1 0.943 (P 0.935, R 0.950; the raw text 0.561), one element a line 0.942 (P 0.947, R 0.936;
# raw 0.561), html2text's Markdown 0.915 (P 0.861, R 0.976; raw 0.286)
F1_FLOORS = {"blocks": 0.92, "inline": 0.92, "markdown": 0.89}
# the sample must stay far above the raw text, or the cleaner keeps everything
RAW_MARGIN = 0.25


@pytest.fixture(autouse=True)
def _shared_data() -> None:
    require_benchmark()


@pytest.mark.parametrize("style", sorted(F1_FLOORS))
def test_flattened_quality_f1_above_floor(style: str) -> None:
    sys.path.insert(0, str(REPO / "benchmarks"))
    from flatten import page_ids
    from flattened_eval import score_flattened

    ids = page_ids(BENCHMARK)[::6]
    result = score_flattened(BENCHMARK, ids, style)
    saywho, raw = result["saywho"], result["raw"]
    floor = F1_FLOORS[style]
    assert saywho["f1"] >= floor, f"{style}: flattened F1 {saywho['f1']:.3f} fell under {floor}"
    assert saywho["f1"] >= raw["f1"] + RAW_MARGIN
