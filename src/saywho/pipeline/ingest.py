"""Ingest a stream of documents: extract, skip what is stored, analyse, store.

    summary = ingest(engine, read_documents(inputs, settings), settings, inputs=inputs,
                     workers=4, on_event=lambda outcome, source: ...)

Extraction and the "already stored?" check run in the calling process; analysis (`prepare`:
the spaCy parse, the rules, the entities and the claims' embeddings) runs inline or, with
``workers > 1``, in a process pool that gets a bounded window of chunks, so memory stays flat;
an `Analyser` runs the same `prepare` elsewhere (``pipeline/distributed.py``: Dask workers).
Storing always happens here, in the store's one writer (`store.Writer`), one transaction per
article. A bad document is recorded in ``ingest_errors`` and the run goes on.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field, replace

from sqlalchemy import Engine

from ..config import Settings
from ..errors import SaywhoError
from ..extract import extract
from ..model import Analysis, Article, Failure, RawDocument
from ..store.claims import body_signature, claim_vectors_many, word_signatures
from ..store.ingest import Prepared, Writer
from ..store.query import analysers

CHUNK = 16  # articles per unit of work: big enough for nlp.pipe, small enough for progress

#: called after each document with "stored", "updated", "skipped" or "error", and its source
EventHook = Callable[[str, str], None]
#: articles to analyse together, each with its licence line
Chunk = list[tuple[Article, str | None]]
#: runs `prepare` on every chunk, handing the results back in the order of the chunks
Analyser = Callable[[Iterator[Chunk]], Iterator[list["Prepared | Failure"]]]


@dataclass(frozen=True, slots=True)
class DemoMeta:
    """What a bundled corpus knows about a file that the file itself does not say."""

    url: str | None = None
    site: str | None = None
    licence: str | None = None


@dataclass(slots=True)
class IngestSummary:
    run_id: int
    stored: int = 0
    updated: int = 0
    skipped: int = 0
    errors: int = 0
    failures: list[Failure] = field(default_factory=list)
    #: what this run analyses with (`analyze.analyser_name`)
    analyser: str = ""
    #: the store's ids of the articles stored, updated or skipped, in input order (kept only
    #: when `ingest` is asked to: ``keep_ids=True``)
    article_ids: list[int] = field(default_factory=list)
    #: when articles were skipped: current versions in the store analysed by something else
    #: (name -> count; "unknown" for versions stored before the store recorded it)
    other_analysers: dict[str, int] = field(default_factory=dict)

    def counts(self) -> dict[str, int]:
        return {
            "stored": self.stored,
            "updated": self.updated,
            "skipped": self.skipped,
            "errors": self.errors,
        }


def for_analysis(settings: Settings | None) -> Settings | None:
    """Only what the analysis reads, for shipping to worker processes and Dask workers: the
    store's URL and the API token stay where they are."""
    return (
        None
        if settings is None
        else Settings(
            rules_only=settings.rules_only,
            notion=settings.notion,
            claims=settings.claims,
            checkworthiness=settings.checkworthiness,
            figures=settings.figures,
            entities=settings.entities,
        )
    )


def _prepared(analysis: Analysis, licence: str | None, claim: tuple[tuple[int, ...], bytes],
              claims: bool) -> Prepared:  # fmt: skip
    words, sentences = word_signatures(analysis, claim[0]) if claims else ((), ())
    return Prepared(analysis, licence, claim, body_signature(analysis), words, sentences)


def prepare(
    articles: list[tuple[Article, str | None]], settings: Settings | None = None
) -> list[Prepared | Failure]:
    """Analyse a chunk of articles (runs in a worker process, or inline) as `settings` say.

    Should the analysis fail on a chunk, each article is retried alone and the one that fails
    becomes a `Failure` (recorded in ``ingest_errors`` with the exception's name) instead of
    stopping a long run.
    """
    from ..analyze import analysis_failure, analyze_many

    claims = settings is None or settings.claims
    try:
        licences = [licence for _, licence in articles]
        analyses = list(analyze_many((a for a, _ in articles), settings, claim_vectors=claims))
        # the chunk's claims are embedded together: one length-sorted batch pads least
        vectors = claim_vectors_many(analyses) if claims else [((), b"")] * len(analyses)
        return [
            _prepared(analysis, licence, claim, claims)
            for analysis, licence, claim in zip(analyses, licences, vectors, strict=True)
        ]
    except Exception:  # narrowed below, article by article, and recorded
        if len(articles) == 1:
            article = articles[0][0]
            try:
                analysis = next(analyze_many([article], settings, claim_vectors=claims))
                claim = claim_vectors_many([analysis])[0] if claims else ((), b"")
                return [_prepared(analysis, articles[0][1], claim, claims)]
            except Exception as exc:  # a bug in analysis must not stop a batch run; it is recorded
                return [analysis_failure(article, exc)]
        return [item for one in articles for item in prepare([one], settings)]


def ingest(
    engine: Engine,
    documents: Iterable[RawDocument | Failure],
    settings: Settings,
    *,
    inputs: list[str],
    workers: int = 1,
    meta: Mapping[str, DemoMeta] | None = None,
    on_event: EventHook | None = None,
    analyser: Analyser | None = None,
    keep_ids: bool = False,
) -> IngestSummary:
    """Store every document of `documents`; see the module docstring. `keep_ids`: list the
    articles' ids in the summary (`IngestSummary.article_ids`: for a few documents, such as the
    server's ingest of one page)."""
    from ..analyze import analyser_name

    writer = Writer(engine)
    made_by = analyser_name(settings)
    claims = settings.claims
    summary = IngestSummary(run_id=writer.begin_run(inputs, made_by, claims), analyser=made_by)
    hook = on_event or (lambda _outcome, _source: None)
    completed = False

    def fail(failure: Failure) -> None:
        summary.errors += 1
        summary.failures.append(failure)
        writer.record_error(summary.run_id, failure)
        hook("error", failure.source)

    def pending() -> Iterator[list[tuple[Article, str | None]]]:
        chunk: list[tuple[Article, str | None]] = []
        for item in documents:
            if isinstance(item, Failure):
                fail(item)
                continue
            try:
                article = extract(item, settings)
            except SaywhoError as exc:
                fail(Failure(item.source, str(exc), exc.code))
                continue
            extra = (meta or {}).get(item.source)
            if extra is not None:
                article = replace(
                    article, url=article.url or extra.url, site=article.site or extra.site
                )
            stored = writer.stored_article(article)
            if stored is not None:
                summary.skipped += 1
                if keep_ids:
                    summary.article_ids.append(stored)
                hook("skipped", article.source)
                continue
            chunk.append((article, extra.licence if extra else None))
            if len(chunk) >= CHUNK:
                yield chunk
                chunk = []
        if chunk:
            yield chunk

    try:
        analysed = (
            analyser(pending())
            if analyser
            else _analysed(pending(), workers, for_analysis(settings))
        )
        for prepared_chunk in analysed:
            for prepared in prepared_chunk:
                if isinstance(prepared, Failure):
                    fail(prepared)
                    continue
                outcome, article_id = writer.store_article(prepared, summary.run_id)
                if keep_ids:
                    summary.article_ids.append(article_id)
                setattr(summary, outcome, getattr(summary, outcome) + 1)
                hook(outcome, prepared.analysis.article.source)
        completed = True
    finally:
        writer.finish_run(summary.run_id, summary.counts(), completed=completed)
    if summary.skipped:
        summary.other_analysers = {
            name: n for name, n in analysers(engine).items() if name != made_by
        }
    return summary


def _analysed(
    chunks: Iterator[list[tuple[Article, str | None]]], workers: int, settings: Settings | None
) -> Iterator[list[Prepared | Failure]]:
    if workers <= 1:
        for chunk in chunks:
            yield prepare(chunk, settings)
        return
    with ProcessPoolExecutor(max_workers=workers) as pool:
        window: deque[Future[list[Prepared | Failure]]] = deque()
        for chunk in chunks:
            window.append(pool.submit(prepare, chunk, settings))
            if len(window) >= 2 * workers:  # bounded: memory stays flat however big the corpus
                yield window.popleft().result()
        while window:
            yield window.popleft().result()
