"""The bundled demo corpus: the sample RT article plus 260 Wikinews articles (CC BY 2.5).

    paths, meta = demo_corpus()
    ingest(engine, read_documents(paths), settings, inputs=paths, meta=meta)

Each Wikinews article carries the attribution line its licence asks for; the store keeps it on
the article version (``licence``) and the CLI prints it beside results from that article.
"""

from __future__ import annotations

import json
from pathlib import Path

from ..errors import StoreError
from .ingest import DemoMeta

DEMO = Path(__file__).resolve().parent.parent / "data" / "demo"
SAMPLE = DEMO / "rt-2023-01-20-us-isis.txt"
WIKINEWS = DEMO / "wikinews"
WIKINEWS_SITE = "Wikinews"


def demo_corpus() -> tuple[list[str], dict[str, DemoMeta]]:
    """The demo files (sample first, then Wikinews sorted) and what the manifest says of each."""
    manifest = WIKINEWS / "manifest.jsonl"
    if not manifest.is_file():
        raise StoreError("the demo corpus is missing", input=str(WIKINEWS),
                         remedy="run python scripts/build_demo_corpus.py")  # fmt: skip
    meta: dict[str, DemoMeta] = {}
    paths = [str(SAMPLE)]
    for line in manifest.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        record = json.loads(line)
        path = str(WIKINEWS / record["file"])
        paths.append(path)
        meta[path] = DemoMeta(
            url=record.get("url"), site=WIKINEWS_SITE, licence=record["attribution"]
        )
    return paths, meta
