"""Text that a naive scraper flattened out of an HTML page: one block per line, chrome included.

No library cleans this kind of input, so saywho does it by hand (see the module docs).
"""

from __future__ import annotations

import re

from .page import ExtractedPage


def clean_flattened(text: str) -> ExtractedPage:
    """Recover title, date, standfirst and body paragraphs from flattened page text."""
    lines = [" ".join(line.split()) for line in text.splitlines()]
    paragraphs = tuple(line for line in lines if len(line) > 80 and re.search(r"[.!?”\"]$", line))
    return ExtractedPage(paragraphs=paragraphs)
