"""What parts of the test run need from outside the repository: the shared data beside it
(``../shared``), PostgreSQL, Debian's Chromium and the trained attribution model.

Without one, its tests skip with the reason, so that a user's ``make test`` runs on a bare
machine. Where the run must be complete they fail instead: when ``SAYWHO_REQUIRE`` names the part
(``data``, ``postgresql``, ``browser``, ``model``, comma-separated, or ``all``), as ``.ci/run``
sets it, or when ``CI`` is true.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import NoReturn

import pytest

PARTS = ("data", "postgresql", "browser", "model")


def required() -> frozenset[str]:
    """The parts this run must have."""
    if os.environ.get("CI", "").strip().lower() in ("1", "true", "yes"):
        return frozenset(PARTS)
    named = {
        p.strip().lower() for p in os.environ.get("SAYWHO_REQUIRE", "").split(",") if p.strip()
    }
    unknown = named - {*PARTS, "all"}
    if unknown:
        pytest.fail(f"SAYWHO_REQUIRE names {sorted(unknown)}: give some of {', '.join(PARTS)} or all",
                    pytrace=False)  # fmt: skip
    return frozenset(PARTS) if "all" in named else frozenset(named)


def missing(part: str, reason: str) -> NoReturn:
    """Skip the test for want of `part`, or fail it when the run requires `part`."""
    assert part in PARTS, part
    if part in required():
        pytest.fail(f"{reason} (required here: SAYWHO_REQUIRE or CI names {part!r})", pytrace=False)
    pytest.skip(reason)


def digest(paths: list[Path], root: Path) -> str:
    """One SHA-256 over the files' names (relative to `root`) and bytes, in name order."""
    sha = hashlib.sha256()
    for path in sorted(paths):
        sha.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes() + b"\0")
    return sha.hexdigest()


def pinned(what: str, paths: list[Path], root: Path, expected: str) -> None:
    """Fail unless the evaluation files a quality gate reads are the ones its floor was measured
    on (a changed file would move the score without a change in saywho)."""
    found = digest(paths, root)
    if found != expected:
        pytest.fail(f"{what} under {root} changed (sha256 {found[:16]}…, pinned {expected[:16]}…): "
                    "measure the floor again on the new files and pin their digest", pytrace=False)  # fmt: skip
