"""Fact-checks from schema.org ``ClaimReview`` markup, in the shapes they are published in.

A fact-check is published as a ``ClaimReview``: the claim reviewed (``claimReviewed``), who made
it and when (``itemReviewed``, a ``Claim`` with ``author`` and ``datePublished``), the rating
(``reviewRating``: ``alternateName`` as written, optionally ``ratingValue`` on a scale), the
fact-checker (``author``, else ``publisher``), the review's date (``datePublished``), ``url``,
``inLanguage``, ``identifier`` and its headline (``headline`` or ``name``). Readers here, each yielding `FactCheck` records or
`BadRecord`s (a record that cannot be read is reported with its position, and reading goes on):

- `from_json`: a JSON document holding ClaimReviews anywhere: one object, an array, a JSON-LD
  ``@graph``, or the data-feed shape aggregators publish (``{"dataFeedElement": [{"item":
  [ClaimReview, …]}, …]}``); an object with no ``@type`` but a ``claimReviewed`` is taken for a
  ClaimReview (exports often drop the type), and the claims Google's Fact Check Tools API
  answers with (``{"claims": [{"text", "claimant", "claimDate", "claimReview": [{"publisher":
  {"name", "site"}, "url", "title", "reviewDate", "textualRating", "languageCode"}]}]}``, as
  researchers download them) are read as the ClaimReviews they describe, one per review;
- `from_jsonl`: one such document per line;
- `from_csv`: a table with named columns (``claim``, ``claimant``, ``claim_date``, ``rating``,
  ``url``, ``publisher``, ``review_date``, ``language``, and optionally ``identifier`` and
  ``title``);
- `from_html`: the JSON-LD and microdata of a web page, read by ``extruct``;
- `from_bytes`: any of these from undecoded bytes, the shape given or sniffed.

The verdict is `saywho.factchecks.verdicts.verdict` of the rating. Dates are kept as the ISO
day they name (``2023-01-20``), or dropped when they name none.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from ..errors import SaywhoError
from ..model import FactCheck
from .verdicts import verdict

#: a claim reviewed longer than this is cut (a page's whole text put in the field by mistake)
MAX_CLAIM_CHARS = 2_000
#: nested JSON deeper than this is not searched for ClaimReviews
MAX_DEPTH = 12
CSV_COLUMNS = (
    "claim",
    "claimant",
    "claim_date",
    "rating",
    "url",
    "publisher",
    "review_date",
    "language",
)

_DAY = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class BadRecord:
    """A record that could not be read: where it was (``FILE#line 3``) and why."""

    position: str
    reason: str


def is_claim_review(node: Mapping[str, Any]) -> bool:
    """Typed ClaimReview (``"@type": "ClaimReview"``, any namespace), or an object with no type
    and a ``claimReviewed``."""
    kinds = node.get("@type", node.get("type"))
    if kinds is None:
        return "claimReviewed" in node
    names = kinds if isinstance(kinds, list) else [kinds]
    return any(
        isinstance(k, str) and k.rsplit("/", 1)[-1].rsplit(":", 1)[-1] == "ClaimReview"
        for k in names
    )


def claim_reviews(data: Any, depth: int = 0) -> Iterator[Mapping[str, Any]]:
    """Every ClaimReview object in a parsed JSON(-LD) document, in document order: inside arrays,
    ``@graph``, data-feed elements and any other property (a ClaimReview's own properties are not
    searched further)."""
    if depth > MAX_DEPTH:
        return
    if isinstance(data, list):
        for item in data:
            yield from claim_reviews(item, depth + 1)
    elif isinstance(data, Mapping):
        if is_claim_review(data):
            yield data
            return
        if isinstance(data.get("claimReview"), list) and isinstance(data.get("text"), str):
            yield from _fact_check_tools(data)
            return
        for value in data.values():
            if isinstance(value, list | Mapping):
                yield from claim_reviews(value, depth + 1)


def _fact_check_tools(claim: Mapping[str, Any]) -> Iterator[Mapping[str, Any]]:
    """A claim as Google's Fact Check Tools API gives it, as the ClaimReviews of its reviews
    (one per review; the claim's text, claimant and date in each). Written by hand: it is that
    API's own JSON shape, which no schema.org reader knows."""
    said = {
        "@type": "Claim",
        "author": claim.get("claimant"),
        "datePublished": claim.get("claimDate"),
    }
    for review in claim["claimReview"]:
        if not isinstance(review, Mapping):
            continue
        publisher = review.get("publisher")
        publisher = publisher if isinstance(publisher, Mapping) else {}
        yield {
            "@type": "ClaimReview", "claimReviewed": claim["text"], "itemReviewed": said,
            "reviewRating": {"alternateName": review.get("textualRating")},
            "author": {"name": publisher.get("name") or publisher.get("site"), "url": publisher.get("site")},
            "datePublished": review.get("reviewDate"), "url": review.get("url"),
            "inLanguage": review.get("languageCode"), "headline": review.get("title"),
        }  # fmt: skip


def from_claim_review(node: Mapping[str, Any], position: str) -> FactCheck:
    """One ClaimReview object as a `FactCheck` (ValueError: no claim reviewed)."""
    claim = _text(node.get("claimReviewed"))
    item = _first(node.get("itemReviewed"))
    item = item if isinstance(item, Mapping) else {}
    if not claim:  # some publishers put the claim's text in the reviewed Claim instead
        claim = _text(item.get("text")) or _text(item.get("name"))
    if not claim:
        raise ValueError("no claimReviewed")
    rating = _first(node.get("reviewRating"))
    rating = rating if isinstance(rating, Mapping) else {}
    written = _text(rating.get("alternateName")) or _text(rating.get("name"))
    return FactCheck(
        claim_reviewed=claim[:MAX_CLAIM_CHARS],
        claimant=_name(item.get("author")) or _name(node.get("claimant")),
        claim_date=_day(item.get("datePublished")) or _day(item.get("dateCreated")),
        rating=written,
        verdict=verdict(
            written,
            _number(rating.get("ratingValue")),
            _number(rating.get("bestRating")),
            _number(rating.get("worstRating")),
        ),
        fact_checker=_name(node.get("author")) or _name(node.get("publisher")),
        review_date=_day(node.get("datePublished")) or _day(node.get("dateCreated")),
        url=_text(node.get("url")) or _text(node.get("@id")),
        language=_pick(node.get("inLanguage"), "alternateName", "name"),
        identifier=_pick(node.get("identifier"), "value", "@id"),
        title=(_text(node.get("headline")) or _text(node.get("name")) or "")[:MAX_CLAIM_CHARS]
        or None,
        source=position,
    )


def from_json(text: str, source: str) -> Iterator[FactCheck | BadRecord]:
    """The ClaimReviews of one JSON document (see the module docstring)."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        yield BadRecord(source, f"not JSON ({exc.msg} at line {exc.lineno} column {exc.colno})")
        return
    yield from _records(data, source)


def from_jsonl(lines: Iterable[str], source: str) -> Iterator[FactCheck | BadRecord]:
    """The ClaimReviews of a JSON Lines file, line by line (a bad line is reported and skipped)."""
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        position = f"{source}#line {number}"
        try:
            data = json.loads(line)
        except json.JSONDecodeError as exc:
            yield BadRecord(position, f"not JSON ({exc.msg} at column {exc.colno})")
            continue
        yield from _records(data, position)


def from_csv(text: str, source: str) -> Iterator[FactCheck | BadRecord]:
    """One fact-check a row of a CSV table with named columns (`CSV_COLUMNS`; ``claim`` is
    required, the others may be missing or empty)."""
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [h.strip().casefold() for h in reader.fieldnames or []]
    if "claim" not in header:
        yield BadRecord(source, f"no 'claim' column (columns: {', '.join(header) or 'none'}; "
                                f"expected {', '.join(CSV_COLUMNS)})")  # fmt: skip
        return
    reader.fieldnames = header
    for number, row in enumerate(reader, 2):
        position = f"{source}#row {number}"
        if None in row:  # more cells than columns
            yield BadRecord(
                position, f"{len(header) + len(row[None])} cells for {len(header)} columns"
            )
            continue
        claim = _text(row.get("claim"))
        if not claim:
            yield BadRecord(position, "no claim")
            continue
        written = _text(row.get("rating"))
        yield FactCheck(
            claim_reviewed=claim[:MAX_CLAIM_CHARS], claimant=_text(row.get("claimant")),
            claim_date=_day(row.get("claim_date")), rating=written, verdict=verdict(written),
            fact_checker=_text(row.get("publisher")), review_date=_day(row.get("review_date")),
            url=_text(row.get("url")), language=_text(row.get("language")),
            identifier=_text(row.get("identifier")), title=_text(row.get("title")), source=position,
        )  # fmt: skip


def from_bytes(
    data: bytes, name: str, kind: str = "", url: str | None = None, charset: str | None = None
) -> Iterator[FactCheck | BadRecord]:
    """The fact-checks of one document's bytes, read as `kind` (``json``, ``jsonl``, ``csv``,
    ``html``; empty: sniffed from the content), decoded by its declared `charset`, else sniffed
    (`saywho.extract.decode`); `url` is the page's address, for relative links in HTML."""
    from ..extract.decode import decode

    if b"\x00" in data[:4096]:
        yield BadRecord(name, "binary data, not a fact-check document")
        return
    try:
        text = decode(data, source=name, declared=charset, html=kind in ("html", ""))
    except SaywhoError as exc:
        yield BadRecord(name, str(exc))
        return
    if not kind:  # sniffed: JSON starts with a bracket, a table with a header naming "claim"
        head = text.lstrip("\ufeff \t\r\n")[:1]
        first = text.lstrip("\ufeff").split("\n", 1)[0].casefold()
        kind = (
            "json"
            if head in "{[" and head
            else "csv"
            if "claim" in first and "," in first
            else "html"
        )
    if kind == "json":
        stripped = text.lstrip("\ufeff")
        lines = stripped.splitlines()
        if len(lines) > 1 and all(line.strip().startswith("{") for line in lines if line.strip()):
            try:
                json.loads(stripped)
            except json.JSONDecodeError:  # one object a line: JSON Lines under a .json name
                yield from from_jsonl(lines, name)
                return
        yield from from_json(stripped, name)
    elif kind == "jsonl":
        yield from from_jsonl(text.splitlines(), name)
    elif kind == "csv":
        yield from from_csv(text.lstrip("\ufeff"), name)
    else:
        yield from from_html(text, name, url=url)


def from_html(html: str, source: str, url: str | None = None) -> Iterator[FactCheck | BadRecord]:
    """The ClaimReviews of a web page: its JSON-LD and microdata, read by extruct."""
    import extruct

    try:
        found = extruct.extract(html, base_url=url, syntaxes=["json-ld", "microdata"], uniform=True,
                                errors="ignore")  # fmt: skip
    except Exception as exc:  # extruct raises lxml's and its own errors on bad markup
        yield BadRecord(source, f"unreadable markup ({type(exc).__name__}: {exc})")
        return
    data = [*found.get("json-ld", []), *found.get("microdata", [])]
    yield from _records(data, source, page_url=url)


def _records(
    data: Any, source: str, page_url: str | None = None
) -> Iterator[FactCheck | BadRecord]:
    reviews = list(claim_reviews(data))
    if not reviews:
        yield BadRecord(source, "no ClaimReview in it")
        return
    for n, node in enumerate(reviews, 1):
        position = source if len(reviews) == 1 else f"{source}#review {n}"
        try:
            check = from_claim_review(node, position)
        except ValueError as exc:
            yield BadRecord(position, str(exc))
            continue
        if check.url is None and page_url:
            check = replace(check, url=page_url)
        yield check


def _first(value: Any) -> Any:
    if isinstance(value, list):
        return value[0] if value else None
    return value


def _text(value: Any) -> str | None:
    value = _first(value)
    if isinstance(value, Mapping):
        value = value.get("@value", value.get("name"))
    if isinstance(value, int | float) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        return None
    cleaned = _SPACE.sub(" ", value).strip()
    return cleaned or None


def _pick(value: Any, *keys: str) -> str | None:
    """A plain string, or of an object (the first of several) its first of `keys` with text."""
    value = _first(value)
    if isinstance(value, Mapping):
        return next((t for t in (_text(value.get(k)) for k in keys) if t), None)
    return _text(value)


def _name(value: Any) -> str | None:
    """A Person's or Organization's name (or a plain string), the first of several."""
    return _pick(value, "name", "alternateName")


def _day(value: Any) -> str | None:
    text = _text(value)
    match = _DAY.search(text or "")
    if not match:
        return None
    try:
        return date(int(match[1]), int(match[2]), int(match[3])).isoformat()
    except ValueError:
        return None


def _number(value: Any) -> float | None:
    value = _first(value)
    try:
        return float(value) if value is not None and not isinstance(value, bool) else None
    except (TypeError, ValueError):
        return None
