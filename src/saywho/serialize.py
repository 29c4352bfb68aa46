"""The one conversion from data model to the JSON that the CLI and the API print."""

from __future__ import annotations

from typing import Any

from .extract import iso_published
from .model import Analysis, Article, Attribution, Failure, Figure, Span, Speaker


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


def analysis_to_dict(analysis: Analysis) -> dict[str, Any]:
    """The `saywho analyze` object: the `extract` object plus "attributions", "speakers",
    "figures" (`figure_to_dict`) and "analyser" (what made them: the saywho version and the
    model, see `analyser_name`).

    Every span is ``{"text", "start", "end"}`` with offsets into the string its attribution's
    "field" names ("text", "title" or "standfirst"), so ``field[start:end] == text``.
    """
    article = analysis.article
    out = article_to_dict(article)
    out["attributions"] = [_attribution_to_dict(a, article) for a in analysis.attributions]
    out["speakers"] = {s.id: _speaker_to_dict(s) for s in analysis.speakers}
    out["figures"] = [figure_to_dict(f, article.field_text(f.field)) for f in analysis.figures]
    out["analyser"] = analysis.analyser
    return out


def figure_to_dict(figure: Figure, text: str) -> dict[str, Any]:
    """One of `saywho analyze`'s "figures": ``{"text", "start", "end", "field", "value", "high",
    "unit", "qualifier", "measure", "attribution"}`` (offsets into the string "field" names;
    "attribution" is the id of the attribution it belongs to, null when the article states it)."""
    return {
        **_span(figure.span, text), "field": figure.field, "value": figure.value,
        "high": figure.high, "unit": figure.unit, "qualifier": figure.qualifier,
        "measure": figure.measure, "attribution": figure.attribution,
    }  # fmt: skip


def _span(span: Span, text: str) -> dict[str, Any]:
    return {"text": span.text(text), "start": span.start, "end": span.end}


def _attribution_to_dict(attribution: Attribution, article: Article) -> dict[str, Any]:
    from .analyze.checkworthiness import (
        checkworthiness_fields,  # (not at import: extract needs none of analyze)
    )

    text = article.field_text(attribution.field)
    source = None
    if attribution.source is not None:
        source = {**_span(attribution.source, text), "speaker": attribution.speaker,
                  "first_person": attribution.first_person}  # fmt: skip
    return {
        "id": attribution.id,
        "kind": attribution.kind.value,
        "field": attribution.field,
        "source": source,
        "cue": {
            **_span(attribution.cue, text),
            "lemma": attribution.cue_lemma,
            "stance": attribution.stance.value,
        },
        "content": {
            **_span(attribution.content, text),
            "parts": [{"start": p.start, "end": p.end} for p in attribution.pieces],
        },
        "sentence": attribution.sentence,
        "parent": attribution.parent,
        "confidence": attribution.confidence,
        "method": attribution.method,
        **checkworthiness_fields(attribution.checkworthiness),
        "entities": [
            {"text": e.text, "label": e.label, "start": e.start, "end": e.end}
            for e in attribution.entities
        ],
    }


def _speaker_to_dict(speaker: Speaker) -> dict[str, Any]:
    return {"name": speaker.name, "type": speaker.type, "descriptions": list(speaker.descriptions)}


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
