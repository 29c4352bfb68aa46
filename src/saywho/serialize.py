"""The one conversion from data model to the JSON that the CLI and the API print."""

from __future__ import annotations

from typing import Any

from .extract import iso_published
from .model import Article, Failure


def article_to_dict(article: Article) -> dict[str, Any]:
    """The `saywho extract` object for one article (keys in a stable, documented order)."""
    return {
        "source": article.source,
        "id": article.id,
        "url": article.url,
        "site": article.site,
        "title": article.title,
        "standfirst": article.standfirst,
        "published": iso_published(article.published),
        "authors": list(article.authors),
        "language": article.language,
        "paragraphs": article.paragraph_texts(),
        "text": article.text,
        "input_format": article.input_format,
        "warnings": list(article.warnings),
    }


def failure_to_dict(failure: Failure) -> dict[str, Any]:
    return {"source": failure.source, "error": failure.reason, "code": failure.code}


def article_to_text(article: Article) -> str:
    """A human-readable rendering: metadata lines, then the paragraphs."""
    lines = [f"# {article.title}" if article.title else "# (no title)"]
    for label, value in (
        ("source", article.source),
        ("url", article.url),
        ("site", article.site),
        ("published", iso_published(article.published)),
        ("authors", ", ".join(article.authors) or None),
        ("language", article.language),
        ("format", article.input_format),
    ):
        if value:
            lines.append(f"{label}: {value}")
    for warning in article.warnings:
        lines.append(f"warning: {warning}")
    if article.standfirst:
        lines += ["", f"> {article.standfirst}"]
    lines.append("")
    lines.append("\n\n".join(article.paragraph_texts()))
    return "\n".join(lines) + "\n"
