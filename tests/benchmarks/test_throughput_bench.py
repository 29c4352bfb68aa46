"""The throughput benchmark's rounds and ratios, on made-up timings (no analysis runs)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

import throughput
from throughput import ratios, rounds


def test_rounds_turn_the_order_and_time_each_system_once_a_round(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ran: list[str] = []
    monkeypatch.setattr(throughput, "cold", lambda: None)
    systems = {name: (lambda name=name: ran.append(name)) for name in ("a", "b", "c")}
    times = rounds(systems, 4)
    assert ran == ["a", "b", "c", "b", "c", "a", "c", "a", "b", "a", "b", "c"]
    assert {name: len(runs) for name, runs in times.items()} == {"a": 4, "b": 4, "c": 4}
    assert all(wall >= 0 and cpu >= 0 for runs in times.values() for wall, cpu in runs)


def test_ratios_pair_each_round_and_keep_the_fastest_and_cpu_apart() -> None:
    times = {
        # a slow spell in round 2 falls on both: its round's ratio stays 1.1
        "full": [(11.0, 15.0), (22.0, 16.0), (12.0, 14.0)],
        "bare": [(10.0, 10.0), (20.0, 11.0), (9.0, 10.0)],
    }
    median, low, high, fastest, cpu = ratios(times, "full", "bare")
    assert median == pytest.approx(1.1)
    assert (low, high) == (pytest.approx(1.1), pytest.approx(12 / 9))
    assert fastest == pytest.approx(11 / 9)
    assert cpu == pytest.approx(1.4)
