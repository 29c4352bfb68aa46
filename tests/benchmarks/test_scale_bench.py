"""The scale benchmark's WARC: as many records as asked, the same on every run, with the copies,
updates and bad records its docstring promises."""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

from required import missing
from scale import DATA, _records


def test_scale_records_are_varied_and_repeatable() -> None:
    if not (DATA / "polnear" / "train" / "text").is_dir():
        missing("data", f"PolNeAR not found under {DATA}")
    records = list(_records(1200))
    assert len(records) == 1200
    assert records == list(_records(1200))  # fixed seed
    urls = Counter(url for url, _, _ in records)
    assert any(n > 1 for n in urls.values())  # updated versions of earlier URLs
    bodies = [body for _, body, _ in records]
    assert b"" in bodies and any(b"\x00" in b for b in bodies)  # an empty and a binary record
    wire = [url for url, _, _ in records if "/wire/" in url]  # syndicated copies on other outlets
    assert len(wire) > 50
    pages = [body for url, body, _ in records if url.startswith("https://web")]  # real HTML pages
    assert len(pages) > 50
