"""Copy the Wikinews demo corpus into the package, with each article's attribution line.

    python scripts/build_demo_corpus.py [--source ../shared/data/wikinews]

Writes ``src/saywho/data/demo/wikinews/*.txt`` and ``manifest.jsonl`` (one line per file:
file, title, date, url, licence, attribution). The texts are CC BY 2.5 (Wikinews); the
attribution line must travel with each article, and `saywho ingest --demo` stores it.
"""

from __future__ import annotations

import argparse
import json
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SOURCE = ROOT.parent / "shared" / "data" / "wikinews"
TARGET = ROOT / "src" / "saywho" / "data" / "demo" / "wikinews"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE)
    args = parser.parse_args()
    manifest = args.source / "manifest.jsonl"
    TARGET.mkdir(parents=True, exist_ok=True)
    lines = []
    for raw in manifest.read_text(encoding="utf-8").splitlines():
        if not raw.strip():
            continue
        record = json.loads(raw)
        shutil.copyfile(args.source / record["file"], TARGET / record["file"])
        lines.append(
            json.dumps(
                {
                    "file": record["file"],
                    "title": record["title"],
                    "date": record["date"],
                    "url": record.get("source_url_if_known"),
                    "licence": record["licence"],
                    "attribution": record["attribution"],
                },
                ensure_ascii=False,
            )
        )
    (TARGET / "manifest.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{len(lines)} Wikinews articles copied to {TARGET.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
