"""The extraction benchmark the quality gates here read: where it is, and the check that it is
there and unchanged (`required.missing`, `required.pinned`)."""

from __future__ import annotations

from pathlib import Path

from required import missing, pinned

REPO = Path(__file__).resolve().parents[2]
BENCHMARK = REPO.parent / "shared" / "data" / "extraction-benchmark"
#: its ground truth, scorer and pages, as the floors were measured on them
BENCHMARK_SHA256 = "e1dcef8f6f597a9fa60f867c9fd5b9ac80268e00d135f203c833c737695463f2"


def require_benchmark() -> None:
    """Skip (or fail, where required) without the benchmark; fail if its files changed."""
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
