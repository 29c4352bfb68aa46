"""The README's known limits, as tests of what saywho should do and does not yet: each is an
``xfail(strict=True)``, so a change that fixes one fails here until its limit leaves the README."""

from __future__ import annotations

import pytest


@pytest.mark.xfail(strict=True, reason="README, Known limits: loose paraphrases across outlets stay "
                   "in separate clusters at the news threshold")  # fmt: skip
def test_known_limit_loose_paraphrases_share_a_cluster() -> None:
    from saywho.claims.cluster import cluster, features
    from saywho.store.claims import STORE_THRESHOLD

    feats = features(["the US is secretly funding IS", "Washington covertly sponsors ISIS"])
    labels = cluster(feats, STORE_THRESHOLD)
    assert labels[0] == labels[1]
