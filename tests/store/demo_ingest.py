"""`saywho ingest --demo` in a child process, over the first documents of the demo corpus only.

The crash tests kill an ingest partway and rerun it; the whole demo (261 documents) made them
the two slowest tests (208 s and 124 s on a 2-core machine). What they check does not need all
of it, only a run long enough to be killed partway; the command is still `ingest --demo`, with
the demo's licence lines, read through `saywho.pipeline.demo_corpus` cut to its first `first`.
"""

from __future__ import annotations

import sys

_LAUNCH = """\
import saywho.pipeline as pipeline
whole = pipeline.demo_corpus
def first_documents():
    paths, meta = whole()
    return paths[:{first}], meta
pipeline.demo_corpus = first_documents
from saywho.cli import run
run()
"""


def demo_ingest(db: str, first: int) -> list[str]:
    """The command line of `saywho ingest --demo --db DB` over the demo's first `first` documents."""
    return [sys.executable, "-c", _LAUNCH.format(first=int(first)), "ingest", "--demo", "--db", db]
