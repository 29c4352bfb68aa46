"""Scraper output in other shapes than one block per line, brought back to that shape before
`flattened.clean_flattened` reads it.

Scrapers flatten pages differently. Two common shapes besides one block per line:

- **Markdown** (html2text, inscriptis-like renderers, "reader mode" exporters): paragraphs
  separated by blank lines and hard-wrapped at a fixed width, links as ``[text](url)``, images
  as ``![alt](url)``, ``#`` headings, ``*`` bullets, ``**emphasis**`` and backslash escapes.
  `from_markdown` unwraps each paragraph to one line and keeps the words a reader sees.
- **One element per line** (every inline element, a link or a bold word, breaks the line, as
  the sample's icon labels do): `rejoin_fragments` glues a line to the one before it where a
  sentence plainly runs on ("… said the" / "New York Times" / "reported on Sunday …").

Written by hand: Markdown libraries render Markdown to HTML, and the flattened reader needs the
page's lines (chrome included, so that it can find and drop the chrome) rather than a rendering.
"""

from __future__ import annotations

import itertools
import re

from .boilerplate import lexicon

_IMAGE_RE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_LINK_RE = re.compile(
    r"\[([^\]]*)\]\((?:[^()\s]|\s(?![\"'])|\([^)]*\))*(?:\s+(?:\"[^\"]*\"|'[^']*'))?\s*\)"
)
_STRONG_RE = re.compile(r"\*\*(.+?)\*\*|__(.+?)__")
_EMPH_RE = re.compile(r"(?<![\w*])[_*](?=\S)(.+?)(?<=\S)[_*](?![\w*])")
_HEADING_RE = re.compile(r"^\s{0,3}#{1,6}\s+")
_BULLET_RE = re.compile(r"^\s*(?:[*+-]|\d{1,3}\\?[.)])\s+")
_RULE_RE = re.compile(r"^\s*(?:[*_-]\s*){3,}$")
_ESCAPE_RE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!>])")
#: a Markdown link or image: ``](http…``, ``](/…``
_MARKDOWN_SIGNS = re.compile(r"\]\((?:https?:|/)")
_SENTENCE_END = (".", "!", "?", ":", ";", '"', "”", "’", "'", ")", "]", "…")


def looks_like_markdown(text: str) -> bool:
    """Links or images written the Markdown way, several times (headings and bullets alone are
    no sign: a flattened page has "# 1" and "* Home" lines of its own)."""
    return len(_MARKDOWN_SIGNS.findall(text)) >= 3


def from_markdown(text: str) -> str:
    """Markdown as one block per line: paragraphs unwrapped, list items one a line, links and
    images reduced to the words shown, emphasis and escapes removed, rules dropped."""
    out: list[str] = []
    for block in re.split(r"\n[ \t]*\n", text):
        items: list[str] = []
        for row in block.splitlines():
            if not row.strip() or _RULE_RE.match(row):
                continue
            if _BULLET_RE.match(row) or _HEADING_RE.match(row) or not items:
                items.append(row.strip())
            else:  # a wrapped continuation of the paragraph or item above
                items[-1] += " " + row.strip()
        out.extend(_inline(item) for item in items)
    return "\n".join(line for line in out if line)


def _inline(line: str) -> str:
    line = _HEADING_RE.sub("", line)
    line = _BULLET_RE.sub("", line)
    line = _IMAGE_RE.sub("", line)
    line = _LINK_RE.sub(lambda m: m.group(1), line)
    line = _STRONG_RE.sub(lambda m: m.group(1) or m.group(2), line)
    line = _EMPH_RE.sub(lambda m: m.group(1), line)
    line = _ESCAPE_RE.sub(lambda m: m.group(1), line)
    return " ".join(line.split())


#: the share of lines that run on into the next above which a text is taken to be broken at
#: every element (one block per line: median 0.01 on the extraction benchmark's pages; one
#: element per line: 0.06)
FRAGMENTED = 0.03


def rejoin_fragments(rows: list[str]) -> list[str]:
    """Lines glued back where a sentence runs on across them (the next line starts in lower
    case or with closing punctuation, or this line ends on a word no sentence ends on), in a
    text broken at every element; a text of one block per line is left as it is."""
    runs = sum(1 for a, b in itertools.pairwise(rows) if _runs_on(a, b))
    if runs < max(3, FRAGMENTED * len(rows)):
        return rows
    out: list[str] = []
    for row in rows:
        if out and _runs_on(out[-1], row):
            glue = "" if row[:1] in ",.;:!?)]’”'" else " "
            out[-1] = out[-1] + glue + row
        else:
            out.append(row)
    return out


def _runs_on(before: str, after: str) -> bool:
    if not before or not after or before.endswith(_SENTENCE_END):
        return False
    first = after[:1]
    if first.islower() or first in ",.;:!?)]":
        return True
    if (first.isdigit() or first in "“‘") and before[-1:].isalpha() and before[-1:].islower():
        return True  # "… distributed" / "5 million face masks …", "… reach" / "“severe” …"
    last = before.rsplit(None, 1)[-1].lower()
    return last in lexicon().runs_on or before.endswith(("(", "“", '"', "‘"))
