"""What the server does with a pasted text, HTML page or URL: the CLI's own pipeline.

    raw = document_from(text=None, html="<html>…", url=None, settings=settings)
    analyse(raw, settings)              # == what `saywho analyze --format json -` prints
    ingest_one(engine, raw, settings)   # -> (article id, "stored" | "updated" | "skipped")

Pasted text and HTML are read exactly as ``saywho analyze -`` reads standard input (source
``<stdin>``, format recognised by content); a URL is opened as ``saywho analyze URL`` opens it,
through `sources.http.fetch_url` and so through its address guard (loopback and private
addresses refused unless ``allow_private``), never as a file path.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine

from ..config import Settings
from ..errors import ExtractionError, InputError
from ..extract import extract
from ..model import Analysis, Failure, RawDocument
from ..serialize import analysis_to_dict
from ..sources.files import STDIN, split_container


def document_from(
    *, text: str | None, html: str | None, url: str | None, settings: Settings,
    source: str | None = None,
) -> RawDocument:  # fmt: skip
    """The one document a request names (exactly one of `text`, `html`, `url`)."""
    if url is not None:
        from ..sources.http import fetch_url

        url = url.strip()
        if not url.lower().startswith(("http://", "https://")):
            raise InputError("only http and https URLs can be analysed", input=url[:200],
                             remedy="give a URL starting with https://")  # fmt: skip
        fetched = fetch_url(url, settings)
        # as `saywho analyze URL` opens it: a URL may serve a feed or JSONL; the first document
        for item in split_container(
            fetched.data, fetched.source, "http", settings, template=fetched
        ):
            if isinstance(item, Failure):
                raise InputError(item.reason)
            return item
        raise ExtractionError("the page holds no document", input=url[:200])
    body = text if text is not None else html
    if body is None or not body.strip():
        raise InputError(
            "the document is empty", input="text", remedy="paste a text or an HTML page"
        )
    data = body.encode("utf-8")
    if len(data) > settings.max_bytes:
        raise InputError(f"the document is larger than {settings.max_bytes} bytes", input="text",
                         remedy="raise SAYWHO_MAX_BYTES or send less")  # fmt: skip
    # no declared media type: like stdin, the content decides (HTML, flattened or plain text)
    return RawDocument(source=source or STDIN, data=data, container="stdin")


def analyse(raw: RawDocument, settings: Settings) -> Analysis:
    """Extract and analyse one document, storing nothing."""
    from ..analyze import analyze  # spaCy loads on the first analysis, not at startup

    return analyze(extract(raw, settings), settings)


def analysis_json(raw: RawDocument, settings: Settings) -> dict[str, Any]:
    """The `saywho analyze` object for one document."""
    return analysis_to_dict(analyse(raw, settings))


def ingest_one(engine: Engine, raw: RawDocument, settings: Settings) -> tuple[int, str]:
    """Store one document through the pipeline's ingest: its article id and the outcome."""
    from ..pipeline import ingest

    summary = ingest(engine, [raw], settings, inputs=[raw.source], keep_ids=True)
    if summary.failures:
        raise InputError(summary.failures[0].reason, remedy="check the document")
    outcome = next(k for k, v in summary.counts().items() if v and k != "errors")
    return summary.article_ids[0], outcome
