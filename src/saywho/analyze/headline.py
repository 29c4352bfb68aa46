"""Attributions that punctuation alone carries: headlines and transcript-style leads.

    find_headline(field, lexicon, title_like=False) -> [Found]

Headlines drop the reporting verb: "US covertly sponsoring ISIS – Moscow" and
"Moscow: US covertly sponsoring ISIS" both attribute the claim to Moscow. The source is a short
name (a few words, at least one a proper noun or entity, no verb; in a headline also a few
nouns of report like "Poll") on the far side of a spaced dash or before a colon. Headlines with a
verb ("…, says Moscow") are found by the verb rules in `attribution.py`; every attribution of the
title field gets the kind ``headline``.

The same colon rule finds body paragraphs that open with a speaker's name ("PENCE: Well, look,
…", interview transcripts, also when the whole line is quoted), and a body paragraph that is a
quotation signed with a dash ("“…” ― Sonya Herridge", reader comments) attributes the quotation
to the name. With ``title_like`` the first body paragraph is treated as a title:
plain-text input (``--plain``) keeps the headline as the first paragraph.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ..model import Kind
from .cues import Cue, Lexicon
from .spans import RULE_CONFIDENCE, Found, Rule
from .speakers import speaking_noun

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

    from .nlp import Chunk, ParsedField

_MAX_SOURCE_WORDS = 6
_DASH_RE = re.compile(r"\s([–—―-])\s")
_COLON_RE = re.compile(r":\s")
#: a whole paragraph that is a quotation, a dash and a name: '“…” ― Sonya Herridge'
_BYLINE_RE = re.compile(
    r"^[^\S\n]*([“”\"‘'][^\n]*[^\s“\"‘'][”\"’'])[^\S\n]*([–—―])[^\S\n]*([^\s“”\"][^\n“”\"]*)$",
    re.MULTILINE,
)
#: common nouns that may be a headline's source ("Poll: Sanders leads")
_REPORT_NOUNS = {
    "poll", "survey", "study", "report", "newspaper", "source", "sources", "official",
    "officials", "expert", "experts", "insider", "insiders", "critic", "critics", "aide", "aides",
    "lawmaker", "lawmakers", "analysis", "probe", "audit", "document", "documents",
}  # fmt: skip
#: labels that precede a colon without being anyone ("Editor’s note:", "Update:", "Watch:")
_LABELS = {
    "note", "update", "updated", "notice", "editor", "editors", "email", "daily", "live", "watch",
    "breaking", "exclusive", "analysis", "opinion", "review", "video", "photos", "photo", "read",
    "more", "related", "continued", "correction", "podcast", "listen", "quiz", "explainer",
    "image", "images", "picture", "pictures", "credit", "credits", "caption", "audio", "videos",
}  # fmt: skip
_NAME_CHARS = re.compile(r"^[\w .,'’&()-]+$")
_OPENING_MARKS = {'"', "“", "‘", "'"}
_LEAD_COLON_MAX = 60  # characters before the colon of a transcript-style lead


def find_headline(parsed: ParsedField, lexicon: Lexicon, title_like: bool = False) -> list[Found]:
    """Dash and colon attributions of a title, and colon leads of body paragraphs."""
    out: list[Found] = []
    for chunk in parsed.chunks:
        if chunk.paragraph >= len(parsed.paragraphs):
            continue
        lo, hi = parsed.paragraphs[chunk.paragraph]
        if chunk.offset != lo:
            continue  # the later pieces of a long paragraph
        hi = min(hi, chunk.offset + len(chunk.doc.text))
        if parsed.name == "title" or (
            title_like and chunk.paragraph == 0 and parsed.name == "text"
        ):
            out.extend(_title(parsed, chunk, lexicon, lo, hi))
        elif parsed.name == "text":
            found = _colon(parsed, chunk, lexicon, lo, hi, headline=False)
            if found is not None:
                out.append(found)
            else:
                out.extend(_bylines(parsed, lexicon, lo, parsed.paragraphs[chunk.paragraph][1]))
    return out


def is_title_like(parsed: ParsedField) -> bool:
    """A first body paragraph that reads like a headline: one short line."""
    if parsed.name != "text" or not parsed.paragraphs or len(parsed.paragraphs) < 2:
        return False
    lo, hi = parsed.paragraphs[0]
    line = parsed.text[lo:hi]
    return "\n" not in line.strip() and len(line.split()) <= 25


def _title(parsed: ParsedField, chunk: Chunk, lexicon: Lexicon, lo: int, hi: int) -> list[Found]:
    text = parsed.text
    out: list[Found] = []
    dashes = list(_DASH_RE.finditer(text, lo, hi))
    if dashes:
        m = dashes[-1]
        cue = lexicon.punct.get(m.group(1)) or lexicon.punct.get("—")
        source = _strip(text, m.end(), hi)
        content = _strip(text, lo, m.start())
        if cue and source and content:
            head = _source_head(chunk.doc, chunk.offset, source, headline=True)
            if head is not None:
                cue_span = (m.start(1), m.end(1))
                out.append(
                    _found(parsed, Rule.HEADLINE_DASH, source, cue_span, cue, content, head, chunk)
                )
    colon = _colon(parsed, chunk, lexicon, lo, hi, headline=True)
    if colon is not None:
        out.append(colon)
    return out


def _colon(
    parsed: ParsedField, chunk: Chunk, lexicon: Lexicon, lo: int, hi: int, headline: bool
) -> Found | None:
    text = parsed.text
    colon = _COLON_RE.search(text, lo, min(hi, lo + _LEAD_COLON_MAX + 2))
    cue = lexicon.punct.get(":")
    if colon is None or cue is None:
        return None
    start = lo
    # a transcript quoted whole, one open quotation per paragraph ('"PENCE: Well, …'): the
    # speaker's name sits inside the quote the paragraph opens with
    # (often a quotation of several paragraphs, each reopened with a mark, so the quotation that
    # holds the colon may have begun paragraphs before)
    quoted_line = text[lo : lo + 1] in _OPENING_MARKS
    if quoted_line:
        start = lo + 1
    dashes = list(_DASH_RE.finditer(text, start, colon.start()))
    if dashes:  # "EXCLUSIVE – Roger Stone: …"
        start = dashes[-1].end()
    source = _strip(text, start, colon.start())
    content = _strip(text, colon.end(), hi)
    if (
        not source
        or not content
        or any(
            q.start < colon.start() < q.end and not (quoted_line and q.start <= lo)
            for q in parsed.quotes
        )
    ):
        return None
    if not _NAME_CHARS.match(text[source[0] : source[1]]) or _not_a_name(
        text[source[0] : source[1]]
    ):
        return None
    said = text[content[0] : content[1]]
    if len(re.findall(r"[^\W\d_]{2,}", said)) < 2:
        return None  # "Hillary Clinton: 1,769" is a tally, not a claim
    if _HEADING_CONTENT.match(said):
        return None  # "Nutrition vs Diet: what matters more" is a heading's subtitle
    if not headline and not _sentence_like(text, content, hi):
        return None  # "Focus areas: Flexibility, balance": a list item or a heading
    head = _source_head(chunk.doc, chunk.offset, source, headline=headline)
    if head is None:
        return None
    cue_span = (colon.start(), colon.start() + 1)
    return _found(parsed, Rule.HEADLINE_COLON, source, cue_span, cue, content, head, chunk)


def _bylines(parsed: ParsedField, lexicon: Lexicon, lo: int, hi: int) -> list[Found]:
    """Lines of a paragraph that are a quotation signed with a dash: '“…” ― Sonya Herridge'."""
    text = parsed.text
    out: list[Found] = []
    for m in _BYLINE_RE.finditer(text, lo, hi):
        cue = lexicon.punct.get(m.group(2)) or lexicon.punct.get("—")
        source = _strip(text, m.start(3), m.end(3))
        content = _strip(text, m.start(1), m.end(1))
        chunk = next(
            (c for c in parsed.chunks if c.offset <= m.start(3) < c.offset + len(c.doc.text)),
            None,
        )
        if cue is None or source is None or content is None or chunk is None:
            continue
        if not _NAME_CHARS.match(text[source[0] : source[1]]):
            continue
        head = _source_head(chunk.doc, chunk.offset, source, headline=False)
        if head is not None:
            cue_span = (m.start(2), m.end(2))
            out.append(
                _found(parsed, Rule.BYLINE_DASH, source, cue_span, cue, content, head, chunk)
            )
    return out


#: what a heading's subtitle opens with ("…: what matters more", "…: how to start")
_HEADING_CONTENT = re.compile(
    r"^(?:what|how|why|when|where|which|who|a guide|the guide|everything|tips|top \d)\b", re.I
)
#: a colon's "source" that is a heading or a label, not a name
_NOT_NAME = re.compile(r"\b(?:vs\.?|versus)\b|\d", re.I)


def _not_a_name(source: str) -> bool:
    """ "Nutrition vs Diet", "Focus areas (2024", "YOGA (Focus areas": no speaker's name."""
    return bool(_NOT_NAME.search(source)) or source.count("(") != source.count(")")


def _sentence_like(text: str, content: tuple[int, int], hi: int) -> bool:
    """A transcript turn reads as sentences: it ends its paragraph with a full stop, a question
    or exclamation mark, an ellipsis or a closing quotation mark, or runs on for a dozen
    words; a heading or a list item does neither."""
    tail = text[content[0] : hi].rstrip()
    return tail[-1:] in {".", "!", "?", "…", '"', "”", "’", "'"} or len(tail.split()) >= 12


def _strip(text: str, start: int, end: int) -> tuple[int, int] | None:
    while start < end and (text[start].isspace() or text[start] in ",;–—―-"):
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in ",;.–—―-"):
        end -= 1
    return (start, end) if end > start else None


def _source_head(doc: Doc, offset: int, span: tuple[int, int], headline: bool) -> Token | None:
    """The head token of a short name in `span`, or None if the span is not one."""
    tokens = [t for t in doc if span[0] <= offset + t.idx < span[1] and not t.is_punct]
    if not tokens or len(tokens) > _MAX_SOURCE_WORDS:
        return None
    if any(t.pos_ in {"VERB", "AUX"} and t.tag_ != "VBN" for t in tokens):
        return None
    if any(re.sub(r"[’'s]+$", "", t.lower_) in _LABELS for t in tokens):
        return None
    named = [
        t for t in tokens if t.pos_ == "PROPN" or t.ent_type_ in {"PERSON", "ORG", "GPE", "NORP"}
    ]
    if not named and headline and all(t.text[:1].isupper() for t in tokens):
        # title-case headlines confuse the tagger ("Sanders" as a plural noun)
        named = [t for t in tokens if t.pos_ in {"NOUN", "PROPN"} and t.lower_ not in _REPORT_NOUNS]
    inside = {t.i for t in tokens}
    head = next((t for t in tokens if t.head.i not in inside or t.head.i == t.i), tokens[-1])
    if not named:
        if not (headline and head.lower_ in _REPORT_NOUNS):
            return None
    elif not headline and all(t.ent_type_ == "GPE" for t in named):
        return None  # "MOSCOW: …" in a body paragraph is a dateline
    if (
        head.pos_ == "NOUN"
        and head.text.islower()
        and head.lower_ not in _REPORT_NOUNS
        and not speaking_noun(head.lemma_.lower())
    ):
        return None  # "Lion Air disaster: …": the story's topic, not its source
    return head


def _found(
    parsed: ParsedField,
    rule: Rule,
    source: tuple[int, int],
    cue_span: tuple[int, int],
    cue: Cue,
    content: tuple[int, int],
    head: Token,
    chunk: Chunk,
) -> Found:
    return Found(
        field=parsed.name,
        rule=rule,
        kind=Kind.HEADLINE if parsed.name == "title" else _kind(parsed, content),
        source=source,
        cue=cue_span,
        cue_lemma=cue.lemma,
        stance=cue.stance,
        content=content,
        sentence=_sentence_index(parsed, chunk),
        paragraph=chunk.paragraph,
        confidence=RULE_CONFIDENCE[rule],
        source_token=head,
        offset=chunk.offset,
    )


def _kind(parsed: ParsedField, content: tuple[int, int]) -> Kind:
    quotes = [q for q in parsed.quotes if q.start < content[1] and q.end > content[0]]
    if not quotes:
        return Kind.INDIRECT
    if len(quotes) == 1 and quotes[0].start <= content[0] and quotes[0].end >= content[1]:
        return Kind.DIRECT
    return Kind.MIXED


def _sentence_index(parsed: ParsedField, chunk: Chunk) -> int:
    """The field-wide index of the chunk's first sentence."""
    index = 0
    for other in parsed.chunks:
        if other is chunk:
            return index
        index += sum(1 for _ in other.doc.sents)
    return index
