"""Authors of an HTML page as a clean list of person names.

trafilatura finds author strings (JSON-LD, meta tags, bylines); this module splits and cleans
them, because bylines carry job titles, "By", e-mails and the site's own name
(``benchmarks/extraction.py`` measures the gain on WCXB).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from urllib.parse import urlsplit

from lxml.html import HtmlElement

_ROLE_WORDS = {
    # job titles that bylines append to names ("Jane Doe Senior Reporter"); collective words
    # ("Desk", "Team", "Staff") are left alone: "News Desk" is how some sites sign
    "editor",
    "writer",
    "reporter",
    "correspondent",
    "contributor",
    "columnist",
    "founder",
    "co-founder",
    "consultant",
    "head",
    "lead",
    "senior",
    "chief",
    "manager",
    "director",
    "ceo",
    "cto",
    "president",
    "producer",
    "analyst",
    "journalist",
    "former",
    "contributing",
    "managing",
    "associate",
    "executive",
    "updated",
    "published",
    "posted",
    "reviewed",
    "tech",
    "trending",
    "photographer",
    "educator",
    "winemaker",
    "reviewer",
    "specialist",
    "strategist",
    "rn",
    "md",
    "phd",
}
_MONTHS = (
    r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
)
_TRAILING_DATE = re.compile(
    rf"\s*[•⋅·|,\-–—]?\s*(?:updated|published|posted)?\s*\b(?:{_MONTHS})\b\.?(?:\s+\d.*)?$",
    re.IGNORECASE,
)
_PREFIX = re.compile(
    r"^(?:.{0,40}?\bby\s*:?\s+(?=\S)|(?:read )?more (?:about|from)\s+|(?:about the )?authors?\s*:?\s+)",
    re.IGNORECASE,
)
_URLISH = re.compile(r"\S*(?:https?://|www\.|@)\S*|\S+\.(?:com|org|net)\b\S*", re.IGNORECASE)
_GENERIC = {
    "admin",
    "administrator",
    "webmaster",
    "staff",
    "editor",
    "editors",
    "anonymous",
    "guest",
    "user",
    "team",
    "redaktion",
    "newsroom",
    "unknown",
}
_BYLINE_START = re.compile(
    r"^\s*(?:(?:written|posted|reported|article|words|story|text)\s+)?by\b\s*:?\s*", re.IGNORECASE
)
_SKIP_BYLINE_IN = {"script", "style", "noscript", "template", "option", "textarea"}


def _meta_authors(tree: HtmlElement) -> list[str]:
    """Every author <meta> value as written (trafilatura's own reading mangles e-mails)."""
    from trafilatura.metadata import METANAME_AUTHOR, OG_AUTHOR, PROPERTY_AUTHOR

    keys = METANAME_AUTHOR | PROPERTY_AUTHOR | OG_AUTHOR
    values: list[str] = []
    for elem in tree.iterfind(".//head/meta[@content]"):
        key = (elem.get("name") or elem.get("property") or elem.get("itemprop") or "").lower()
        value = " ".join(elem.get("content", "").split())
        if key in keys and value and value not in values:
            values.append(value)
    return values


def find_authors(
    tree: HtmlElement, linked_data_authors: Iterable[str], site: str | None, url: str | None
) -> list[str]:
    """The page's authors: JSON-LD first, then author <meta> tags, then bylines in the page."""
    from trafilatura.metadata import extract_author

    for raw in (linked_data_authors, _meta_authors(tree)):
        names = clean_authors(raw, site=site, url=url)
        if names:
            return names
    # costlier fallbacks, only when the structured data names nobody
    found = extract_author(tree)
    names = clean_authors([found] if found else (), site=site, url=url)
    if names:
        return names
    return clean_authors(_visible_byline(tree), site=site, url=url)


def clean_authors(
    raw: Iterable[str], *, site: str | None = None, url: str | None = None
) -> list[str]:
    """Person names out of byline strings: split, "By " and job titles dropped.

    The site's own name is dropped when it rides along with people's names; alone, it stays
    (many sites sign as themselves, and on personal sites the site is the author).

    >>> clean_authors(["By Jane Doe and John Roe Senior Reporter"])
    ['Jane Doe', 'John Roe']
    """
    from trafilatura.json_metadata import normalize_authors

    names: list[str] = []
    for value in raw:
        value = _URLISH.sub(" ", " ".join(value.split()))
        value = _PREFIX.sub("", value.strip())
        value = _TRAILING_DATE.sub("", value)
        for name in (normalize_authors(None, value) or "").split(";"):
            name = _strip_roles(name.strip()).strip(" .,-–—•·|")
            if (
                not name
                or any(c.isdigit() for c in name)
                or len(name) > 60
                or len(name.split()) > 5
            ):
                continue
            n = norm(name)
            if n and n not in _GENERIC and all(norm(other) != n for other in names):
                names.append(name)
    # keep only the fullest form of each name ("Jane Doe" and "Jane A. Doe" are one person)
    names = [n for n in names if not any(n != m and _same_person(n, m) for m in names)]
    sites = {n for n in (norm(site), hostname_label(url)) if n}
    people = [
        n
        for n in names
        if norm(n) not in sites and norm(n).replace(" ", "") not in sites and not _is_role(n)
    ]
    return people or names


def _same_person(short: str, full: str) -> bool:
    a, b = norm(short).split(), norm(full).split()
    return len(a) < len(b) and (" ".join(a) in " ".join(b) or (a[0] == b[0] and a[-1] == b[-1]))


_PARTICLES = {
    "van",
    "von",
    "de",
    "der",
    "den",
    "da",
    "di",
    "du",
    "la",
    "le",
    "del",
    "al",
    "bin",
    "ibn",
    "y",
    "ter",
    "ten",
    "st",
}


def _is_role(name: str) -> bool:
    """A job title or credential split off a byline: 'Lead Reviewer', 'BSN', 'horticulture educators'."""
    words = name.split()
    if any(w.casefold().strip(".,") in _ROLE_WORDS for w in words):
        return True
    if len(words) == 1:
        return words[0].isupper() and len(words[0]) <= 4
    return any(w[0].islower() and w.casefold() not in _PARTICLES for w in words)


def _strip_roles(name: str) -> str:
    """'Jane Doe Senior Reporter' -> 'Jane Doe'; 'Community Editor' stays as it is."""
    words = name.split()
    for i, word in enumerate(words):
        if i >= 2 and word.casefold().strip(".,") in _ROLE_WORDS:
            return " ".join(words[:i])
    return name


def _visible_byline(tree: HtmlElement) -> list[str]:
    """A short "By Jane Doe" / "Written by Jane Doe" line in the page body, if any."""
    body = tree.find(".//body")
    if body is None:
        return []
    for elem in body.iter():
        if not isinstance(elem.tag, str) or elem.tag in _SKIP_BYLINE_IN:
            continue
        text = elem.text or ""
        if not _BYLINE_START.match(text) or len(text) > 120:
            continue
        line = " ".join(" ".join(elem.itertext()).split())
        rest = _BYLINE_START.sub("", line)
        parent = elem.getparent()
        if not rest and parent is not None:  # <span>By</span> <a>Jane Doe</a>
            line = " ".join(" ".join(parent.itertext()).split())
            rest = _BYLINE_START.sub("", line)
        if len(line) > 120:
            continue
        if rest and rest[0].isupper():
            return [re.split(r"\s[⋅·|•]\s|\s{2,}", rest)[0]]
    return []


# --------------------------------------------------------------------------- helpers


def clean(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    value = " ".join(value.split())
    return value or None


def norm(text: str | None) -> str:
    if not text:
        return ""
    text = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(re.sub(r"[^\w\s]|_", " ", text).split())


def hostname_label(url: str | None) -> str:
    """'https://www.tastewise.io/blog' -> 'tastewise'."""
    if not url:
        return ""
    host = urlsplit(url).hostname or ""
    parts = [p for p in host.split(".") if p not in {"www", "m", "amp", "blog", "news"}]
    return parts[-2] if len(parts) >= 2 else (parts[0] if parts else "")
