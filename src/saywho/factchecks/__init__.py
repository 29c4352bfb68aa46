"""Fact-checks: schema.org ClaimReview markup read from pages, JSON, feeds and CSV, with ratings
normalised to one scale of verdicts."""

from .reviews import (
    BadRecord,
    claim_reviews,
    from_bytes,
    from_claim_review,
    from_csv,
    from_html,
    from_json,
    from_jsonl,
)
from .verdicts import VERDICTS, verdict

__all__ = ["VERDICTS", "BadRecord", "claim_reviews", "from_bytes", "from_claim_review", "from_csv", "from_html", "from_json",
           "from_jsonl", "verdict"]  # fmt: skip
