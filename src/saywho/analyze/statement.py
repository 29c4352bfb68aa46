"""What of a statement's text is the claim: social-media furniture removed before it is
embedded or compared (`saywho.claims.text` says why; check-worthiness and claims share it, so a
content is embedded once per process: `saywho.analyze.embed` keeps recent vectors)."""

from __future__ import annotations

import re

#: "— Name (@handle) Month D, YYYY" at the end of an embedded or copied post
_SIGNATURE = re.compile(
    r"\s*[\u2014\u2013-]{1,2}\s*[^\u2014\u2013\n]{0,80}?\(@\w{1,30}\)\s+[A-Z][a-z]+\.? \d{1,2}, \d{4}\s*$"
)
_LINK = re.compile(r"(?:https?://|www\.)\S+|pic\.twitter\.com/\S+|\bt\.co/\S+", re.IGNORECASE)
_TAG = re.compile(r"(?<![\w@#])[#@](\w+)")
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")
_SPACE = re.compile(r"\s+")
_THAT = re.compile(r"^that\s+(?=\S)")


def claim_text(text: str) -> str:
    """The text of `text` that states its claim (signature, links and tag marks removed).

    >>> claim_text("Big news #FakeNews https://t.co/x — Jo Bloggs (@jo) May 1, 2020")
    'Big news Fake News'
    >>> claim_text("that the talks failed")
    'the talks failed'
    """
    text = _SIGNATURE.sub("", text)
    text = _LINK.sub(" ", text)
    text = _TAG.sub(lambda m: _CAMEL.sub(" ", m.group(1)), text)
    return without_complementiser(_SPACE.sub(" ", text).strip())


def without_complementiser(text: str) -> str:
    """`text` without the "that" it opens with: an attribution's content often starts with the
    complementiser of its cue ("said *that* the US …"); it is the cue's, not the claim's, and two
    claims sharing it look more alike (a capital "That" opens a sentence of its own: kept)."""
    return _THAT.sub("", text)
