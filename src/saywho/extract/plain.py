"""Plain text taken as it is: paragraphs are blank-line separated blocks, offsets are the input's."""

from __future__ import annotations

import re

from .page import ExtractedPage

_BLOCK_RE = re.compile(r"\S(?:.*\S)?(?:\n[ \t]*\S.*)*", re.MULTILINE)


def extract_plain(text: str) -> ExtractedPage:
    """Split `text` into paragraphs at blank lines without changing a character.

    >>> page = extract_plain("One.\\n\\nTwo\\nlines.\\n")
    >>> page.paragraphs
    ('One.', 'Two\\nlines.')
    """
    spans: list[tuple[int, int]] = []
    for match in _BLOCK_RE.finditer(text):
        start, end = match.span()
        # trim leading/trailing whitespace inside the block, keep inner text as is
        chunk = text[start:end]
        lead = len(chunk) - len(chunk.lstrip())
        trail = len(chunk) - len(chunk.rstrip())
        if end - trail > start + lead:
            spans.append((start + lead, end - trail))
    return ExtractedPage(
        paragraphs=tuple(text[s:e] for s, e in spans), text=text, spans=tuple(spans)
    )
