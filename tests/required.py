"""What parts of the test run need from outside the repository: the shared data beside it
(``../shared``), PostgreSQL, Debian's Chromium and the trained attribution model.

Without one, its tests skip with the reason, so that a user's ``make test`` runs on a bare
machine. Where the run must be complete they fail instead: when ``SAYWHO_REQUIRE`` names the part
(``data``, ``postgresql``, ``browser``, ``model``, comma-separated, or ``all``), as ``.ci/run``
sets it, or when ``CI`` is true.
"""

from __future__ import annotations

import os
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
