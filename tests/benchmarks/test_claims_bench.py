"""The clustering benchmark's scorer: B-cubed as the claim-matching README defines it."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

from claims import bcubed, single_link


def test_bcubed_scores_only_statements_of_gold_clusters_with_two_members() -> None:
    gold = ["a", "a", "b", "b", "s1", "s2"]
    # perfect on a and b; the singletons s1, s2 are not scored but cost precision when merged
    assert bcubed(gold, [1, 1, 2, 2, 3, 4]) == (1.0, 1.0, 1.0)
    p, r, f = bcubed(gold, [1, 1, 2, 2, 2, 4])
    assert p == pytest.approx((1 + 1 + 2 / 3 + 2 / 3) / 4)
    assert r == 1.0
    assert f == pytest.approx(2 * p / (p + 1))


def test_bcubed_all_singletons_has_full_precision_and_half_recall_on_pairs() -> None:
    assert bcubed(["a", "a", "b", "b"], [0, 1, 2, 3]) == (1.0, 0.5, pytest.approx(2 / 3))


def test_single_link_chains_through_a_middle_statement() -> None:
    import numpy as np

    sim = np.array([[1, 0.5, 0.1], [0.5, 1, 0.5], [0.1, 0.5, 1]])
    labels = single_link(sim, 0.4)
    assert labels[0] == labels[1] == labels[2]


def test_weighted_prf_counts_each_pair_by_its_stratum_weight() -> None:
    from claims import weighted_prf

    same = [True, False, True, False]
    predicted = [True, True, False, False]
    # one true positive (weight 1), one false positive (weight 3), one missed (weight 1)
    p, r, f = weighted_prf(same, predicted, [1.0, 3.0, 1.0, 5.0])
    assert (p, r) == (0.25, 0.5)
    assert abs(f - 1 / 3) < 1e-12
    assert weighted_prf([False], [False], [1.0]) == (0.0, 0.0, 0.0)
