"""Quality gate: HTML extraction on a fixed sample of the extraction benchmark.

Scored with the benchmark's own shingle scorer. The floor sits a little under what saywho
measures on this sample; raise it when extraction improves, never lower it quietly.
The full comparison with trafilatura (and timing) is `benchmarks/extraction.py`.
"""

from __future__ import annotations

import gzip
import json

import pytest
from extraction_benchmark import BENCHMARK, require_benchmark

from saywho.errors import SaywhoError
from saywho.extract import extract
from saywho.model import Hints, RawDocument

# measured on this sample (every 6th page, 21 pages): F1 0.953, P 0.928, R 0.978
F1_FLOOR = 0.945


@pytest.fixture(autouse=True)
def _shared_data() -> None:
    require_benchmark()


def test_html_quality_f1_above_floor() -> None:
    import importlib.util

    spec = importlib.util.spec_from_file_location("aeb_evaluate", BENCHMARK / "evaluate.py")
    assert spec is not None and spec.loader is not None
    scorer = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(scorer)
    truth = json.loads((BENCHMARK / "ground-truth.json").read_text(encoding="utf-8"))
    scores = []
    for key in sorted(truth)[::6]:
        data = gzip.decompress((BENCHMARK / "html" / f"{key}.html.gz").read_bytes())
        try:
            text = extract(RawDocument(key, data, hints=Hints(url=truth[key]["url"]))).text
        except SaywhoError:
            text = ""
        scores.append(scorer.string_shingle_matching(true=truth[key]["articleBody"], pred=text))
    f1 = scorer.metrics_from_tp_fp_fns(scores)["f1"]
    assert f1 >= F1_FLOOR, f"HTML extraction F1 {f1:.3f} fell under {F1_FLOOR}"
