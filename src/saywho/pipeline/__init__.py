"""Stage 5: documents in, the store filled — extract → skip what is stored → analyse → store.

    summary = ingest(engine, read_documents(paths, settings), settings, inputs=paths)
    summary.articles                    # the stored article ids, in input order

The one place where the stages meet; the CLI, the web server and the benchmarks call it, and
nothing below it (sources, extract, analyze, store) imports it. Modules:

- `ingest`: the run itself, inline or in worker processes (`prepare` is the per-chunk work);
- `distributed`: the same `prepare` on Dask workers (``saywho ingest --dask``);
- `demo`: the bundled demo corpus (the sample and the Wikinews articles, with their licences).
"""

from __future__ import annotations

from .demo import DEMO, SAMPLE, demo_corpus
from .ingest import DemoMeta, IngestSummary, for_analysis, ingest, prepare

__all__ = [
    "DEMO", "SAMPLE", "DemoMeta", "IngestSummary", "demo_corpus", "for_analysis", "ingest",
    "prepare",
]  # fmt: skip
