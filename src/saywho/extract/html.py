"""HTML pages: trafilatura finds the body and metadata, htmldate the publication date.

    extract_html(html, source=..., url=...) -> ExtractedPage

The page is parsed once. Metadata is read from the parsed tree (`html_meta`), trafilatura
extracts the body from a copy of it, and the body's XML blocks (<p>, <head>, <list>, <quote>,
<table>) become the article's paragraphs. Every trafilatura/htmldate/lxml failure is re-raised
as `ExtractionError`, so callers never see a third-party exception.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterator

from lxml.etree import _Element
from lxml.html import HtmlElement

from ..errors import ExtractionError
from .html_meta import PageMeta, read_meta
from .page import ExtractedPage

_LIST_MARKER = re.compile(r"^\s*(?:[-*•]|\d+[.)])\s+")
_WORD = re.compile(r"\w")
# lines that are only a timestamp or a link: leaked from hidden metadata blocks, never prose
_JUNK_LINE = re.compile(
    r"^(?:\d{4}-\d{2}-\d{2}(?:[T ][\d:.+\-Z]+)?|(?:https?://|www\.)\S+)$", re.IGNORECASE
)

# Short page-furniture lines that survive trafilatura's cleaning (English, Portuguese, Spanish,
# German, French): widget headings, comment counters, share and subscribe prompts. Anchored
# and length-limited, so a sentence that merely mentions comments is kept.
_FURNITURE = re.compile(
    r"^(?:comments?|\d+\s+comments?|tags?:?|share(?: this)?(?: article| story| post)?:?|"
    r"explore further|you may also like:?|related(?: articles| posts| stories| coverage)?:?|"
    r"more:|advertisement|anzeige|publicité|publicidade|filed under:.*|print article|"
    r"order reprints|click here to (?:subscribe|get|sign up|download).*|"
    r"(?:sign up|subscribe) (?:for|to) (?:our|the) .*newsletter.*|"
    r"follow (?:us|.{1,40}) on (?:facebook|twitter|instagram|x)\b.*|"
    r"like this (?:story|article)\?.*|tell us what you think.*|"
    r"copyright ©.*|© \d{4}.*|all rights reserved\.?)$",
    re.IGNORECASE,
)
_FURNITURE_MAX = 120
# credit lines news agencies end stories with; not the story's text
_CREDITS = re.compile(
    r"^\(?(?:(?:additional )?reporting by|editing by|writing by|compiled by)\b.*|"
    r"^sources?\s*:\s*.{1,60}$|"
    r"^.{0,80}\bcontributed (?:reporting|to this (?:report|story|article))\b.*",
    re.IGNORECASE,
)


def extract_html(html: str, *, source: str, url: str | None = None) -> ExtractedPage:
    """Extract body paragraphs and metadata from an HTML page.

    Raises `ExtractionError` when the page cannot be parsed or holds no article text.
    """
    tree = _parse(html, source)
    try:
        meta = read_meta(tree, url=url)
    except Exception as exc:  # lxml/htmldate raise many kinds on broken pages; re-raised as ours
        raise ExtractionError(
            f"reading the page's metadata failed ({type(exc).__name__}: {exc})", input=source
        ) from exc
    body = _extract_body(tree, source=source, url=meta.url or url)
    paragraphs = recover_split_body(tree, body_paragraphs(body))
    paragraphs = clean_paragraphs(paragraphs, title=meta.title)
    if not paragraphs:
        raise ExtractionError(
            "no article text found in the HTML page",
            input=source,
            remedy="check that the page is an article, not an index or an error page",
        )
    return ExtractedPage(
        paragraphs=tuple(paragraphs),
        title=meta.title,
        standfirst=_standfirst(meta, paragraphs),
        published=meta.published,
        authors=meta.authors,
        site=meta.site,
        url=meta.url or url,
    )


def _parse(html: str, source: str) -> HtmlElement:
    from trafilatura.utils import load_html

    try:
        tree = load_html(html)
    except Exception as exc:  # lxml raises several kinds on unparsable input; re-raised as ours
        raise ExtractionError(
            f"the HTML could not be parsed ({type(exc).__name__})", input=source
        ) from exc
    if tree is None:
        raise ExtractionError(
            "the input is not an HTML page",
            input=source,
            remedy="use --plain if it is text",
        )
    return tree


def _extract_body(tree: HtmlElement, *, source: str, url: str | None) -> _Element:
    """trafilatura's main-content extraction, comments left out (they are not the article)."""
    import trafilatura

    try:
        # bare_extraction copies a tree it is given, so `tree` stays intact for the caller
        doc = trafilatura.bare_extraction(
            tree, url=url, include_comments=False, include_tables=True, with_metadata=False
        )
    except Exception as exc:  # trafilatura/lxml raise many kinds on broken pages; re-raised
        raise ExtractionError(
            f"HTML extraction failed ({type(exc).__name__}: {exc})", input=source
        ) from exc
    body: _Element | None = getattr(doc, "body", None)
    if body is None or not (getattr(doc, "text", "") or "").strip():
        raise ExtractionError(
            "no article text found in the HTML page",
            input=source,
            remedy="check that the page is an article, not an index or an error page",
        )
    return body


# --------------------------------------------------------------------------- paragraphs


def body_paragraphs(body: _Element) -> list[str]:
    """The article's paragraphs, one per block of trafilatura's XML body.

    A <p> or <head> is one paragraph (a <br> inside it starts a new one), a <list> gives one
    paragraph per item, a <quote> one per inner paragraph, a <table> one per row.
    """
    return [p for p in (" ".join(line.split()) for line in _blocks(body)) if p]


def _blocks(elem: _Element) -> Iterator[str]:
    from trafilatura.xml import xmltotxt

    for child in elem:
        tag = child.tag
        if tag in {"div", "quote"} and any(c.tag in _BLOCK_TAGS for c in child):
            if child.text and child.text.strip():
                yield child.text
            yield from _blocks(child)
            if child.tail and child.tail.strip():
                yield child.tail
        elif tag == "list":
            for line in xmltotxt(child, False).split("\n"):
                yield _LIST_MARKER.sub("", line)
        elif tag == "table":
            for line in xmltotxt(child, False).split("\n"):
                cells = [c.strip() for c in line.strip().strip("|").split(" | ")]
                yield " | ".join(c for c in cells if c)
        else:
            # xmltotxt renders inline markup the way trafilatura's own text does, tail included
            yield from xmltotxt(child, False).split("\n")


_BLOCK_TAGS = {"p", "head", "list", "quote", "table", "div", "code", "row", "cell", "item"}


def clean_paragraphs(paragraphs: list[str], *, title: str | None = None) -> list[str]:
    """Drop what is not prose: lines without words, bare timestamps and links, copied blocks.

    A copied block is a run of prose paragraphs the extractor picked up twice in the same order
    (a hidden print copy, a teaser of the article itself). Other repeats stay: recipes, meal
    plans and product pages repeat short lines, even whole sections, on purpose.
    """
    kept = [
        p
        for p in paragraphs
        if _WORD.search(p)
        and not _JUNK_LINE.match(p)
        and not (len(p) <= _FURNITURE_MAX and _FURNITURE.match(p))
    ]
    if title:
        # the headline repeated at the top of the body: it is the article's title, not its text
        heading = _key(title)
        for i, p in enumerate(kept[:3]):
            if _key(p) == heading:
                del kept[i]
                break
    while kept and len(kept[-1]) <= 300 and _CREDITS.match(kept[-1]):
        kept.pop()
    return _drop_copied_runs(kept)


def _drop_copied_runs(paragraphs: list[str], min_run: int = 3, min_chars: int = 800) -> list[str]:
    keys = [_key(p) for p in paragraphs]
    first_at: dict[str, list[int]] = {}
    drop: set[int] = set()
    for i, key in enumerate(keys):
        if i not in drop:
            for j in first_at.get(key, ()):
                run = 0
                while i + run < len(keys) and j + run < i and keys[j + run] == keys[i + run]:
                    run += 1
                chars = sum(len(k) for k in keys[i : i + run])
                # prose (long paragraphs), not the short repeated lines of a recipe or a table
                if run >= min_run and chars >= min_chars and chars >= 100 * run:
                    drop.update(range(i, i + run))
                    break
        first_at.setdefault(key, []).append(i)
    return [p for i, p in enumerate(paragraphs) if i not in drop]


def _key(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


# --------------------------------------------------------------------------- split bodies


def recover_split_body(tree: HtmlElement, paragraphs: list[str]) -> list[str]:
    """Add the rest of an article its page cut into same-class chunks around the ads.

    Some sites (Condé Nast's, for one) repeat ``<div class="body__container">`` once per
    stretch of text between two ads; trafilatura keeps the first stretch. When the extracted
    paragraphs sit in such a container, the <p>s of its sibling chunks that sit in a container
    of the same kind are added, in page order.
    """
    index: dict[str, HtmlElement] = {}
    for elem in tree.iter("p"):
        key = _key(elem.text_content())[:60]
        if len(key) >= 30:
            index.setdefault(key, elem)
    matched = [index.get(_key(p)[:60]) for p in paragraphs]
    parents = Counter(m.getparent() for m in matched if m is not None)
    if not parents:
        return paragraphs
    container, count = parents.most_common(1)[0]
    if container is None or count < 2 or count * 2 < sum(parents.values()):
        return paragraphs
    signature = (container.tag, container.get("class"))
    chunk = _chunk_of(container)
    if chunk is None:
        return paragraphs
    chunk_sig = (chunk.tag, chunk.get("class"))
    parent = chunk.getparent()
    assert parent is not None  # _chunk_of only returns nodes with siblings
    have = {_key(p)[:60] for p in paragraphs}
    before: list[str] = []
    after: list[str] = []
    seen_own = False
    for sibling in parent:
        if sibling is chunk:
            seen_own = True
            continue
        if (sibling.tag, sibling.get("class")) != chunk_sig:
            continue
        for elem in sibling.iter("p"):
            holder = elem.getparent()
            if holder is None or (holder.tag, holder.get("class")) != signature:
                continue
            text = " ".join(elem.text_content().split())
            if text and _key(text)[:60] not in have:
                (after if seen_own else before).append(text)
    if sum(len(t) for t in before + after) < 200:
        return paragraphs
    positions = [i for i, m in enumerate(matched) if m is not None and m.getparent() is container]
    first, last = positions[0], positions[-1]
    return (
        paragraphs[:first] + before + paragraphs[first : last + 1] + after + paragraphs[last + 1 :]
    )


def _chunk_of(container: HtmlElement, levels: int = 4) -> HtmlElement | None:
    """The nearest ancestor (or `container` itself) that has siblings of its own tag and class."""
    node: HtmlElement | None = container
    for _ in range(levels):
        if node is None:
            return None
        parent = node.getparent()
        if parent is None:
            return None
        cls = node.get("class")
        if cls and any(
            s is not node and s.tag == node.tag and s.get("class") == cls for s in parent
        ):
            return node
        node = parent
    return None


# --------------------------------------------------------------------------- standfirst


def _standfirst(meta: PageMeta, paragraphs: list[str]) -> str | None:
    """The line under the headline, else the page's summary, unless it only repeats the title or
    the opening of the body (many sites' og:description is their first paragraph, cut short).
    """
    opening = _key(" ".join(paragraphs[:2]))
    for text in (meta.subtitle, meta.description):
        if not text:
            continue
        key = _key(text).removesuffix("...").rstrip(".… ")
        if not key or (meta.title and key == _key(meta.title)):
            continue
        # the summary's start inside the body's start (after a dateline such as "NEW YORK -")
        if key[:80] in opening[:300] or key.startswith(opening):
            continue
        return text
    return None
