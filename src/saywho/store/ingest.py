"""Writing to the store: one transaction per article, idempotent, with run and error records.

    writer = Writer(engine)
    run = writer.begin_run(["corpus/"])
    writer.store(prepared)              # -> "stored" | "updated" | "skipped"
    writer.record_error(run, failure)
    writer.finish_run(run, counts)

An article is keyed by its canonical URL, or by its body hash when it has no URL. The same key
with the same body is skipped; the same key with a new body becomes a new version and the
current one (the old versions stay, with their attributions). Each `store` call commits once,
so a killed process leaves only whole articles behind and a rerun skips them.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from sqlalchemy import Connection, Engine, func, insert, select, text, update
from sqlalchemy.exc import SQLAlchemyError

from ..errors import StoreError
from ..extract import iso_published
from ..model import Analysis, Article, Failure
from ..version import __version__
from . import claim_spread as spread
from . import tallies
from .claim_rows import check_encoder
from .claims import (
    Candidates,
    assign_claims,
    drop_version_claims,
    find_unattributed,
    index_claim_words,
)
from .copies import link_copies
from .engine import _reason
from .factcheck_links import link_claims
from .schema import (
    article_speakers,
    article_versions,
    articles,
    attributions,
    figures,
    ingest_errors,
    ingest_runs,
    mentions,
    outlets,
)
from .speakers import add_alias, add_roles, descriptions_json, normalise, resolve_speaker
from .vector_index import claim_index

EXTRACTOR_VERSION = f"saywho {__version__}"
_TRACKING = ("utm_", "fbclid", "gclid", "mc_cid", "mc_eid")


def canonical_url(url: str) -> str:
    """The URL an article is known by: scheme and host lower-cased, no fragment, no tracking.

    >>> canonical_url("HTTPS://WWW.Example.com/a/?utm_source=x&id=3#top")
    'https://www.example.com/a?id=3'
    """
    parts = urlsplit(url.strip())
    query = urlencode(
        [(k, v) for k, v in parse_qsl(parts.query) if not k.lower().startswith(_TRACKING)]
    )
    path = parts.path.rstrip("/") or "/"
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), path, query, ""))


def article_key(article: Article) -> str:
    return f"url:{canonical_url(article.url)}" if article.url else f"hash:{article.id}"


def outlet_name(article: Article) -> str | None:
    """The outlet: the site name the page gave, else the URL's host without ``www.``."""
    if article.site:
        return article.site.strip()
    if article.url:
        host = urlsplit(article.url).hostname or ""
        return host.removeprefix("www.") or None
    return None


@dataclass(frozen=True, slots=True)
class Prepared:
    """One article ready to store: its analysis and what ingest adds to it."""

    analysis: Analysis
    licence: str | None = None
    #: which attributions state claims and their embeddings (`claims.claim_vectors`), computed
    #: where the article was analysed
    claim_vectors: tuple[tuple[int, ...], bytes] = ((), b"")
    #: the body's MinHash signature (`saywho.claims.copies`); empty: too short to compare
    signature: bytes = b""
    #: content-word signatures of the claims (in `claim_vectors` order; b"": too few words) and
    #: of the attribution-free sentences (start, end, signature): `claims.word_signatures`
    claim_words: tuple[bytes, ...] = ()
    sentences: tuple[tuple[int, int, bytes], ...] = ()


class Writer:
    """The single writer of a store (the main process, also when workers analyse)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.sqlite = engine.dialect.name == "sqlite"
        self.claim_index = claim_index(engine)
        self.candidates = Candidates(self.claim_index)

    def begin_run(
        self, inputs: Sequence[str], analyser: str | None = None, claims: bool = True
    ) -> int:
        """Record a new run; with `claims`, first check that the store's claim vectors were made
        by this saywho's weights (else StoreError: nothing is stored until they are rebuilt)."""
        with self._transaction("start an ingest run") as conn:
            if claims:
                check_encoder(conn)
            result = conn.execute(insert(ingest_runs).values(
                started_at=_now(), inputs=json.dumps(list(inputs), ensure_ascii=False),
                saywho_version=__version__, analyser=analyser, stored=0, updated=0, skipped=0, errors=0, completed=False,
            ))  # fmt: skip
            assert result.inserted_primary_key is not None
            return int(result.inserted_primary_key[0])

    def finish_run(self, run_id: int, counts: Mapping[str, int], completed: bool = True) -> None:
        with self._transaction("finish an ingest run") as conn:
            conn.execute(update(ingest_runs).where(ingest_runs.c.id == run_id).values(
                finished_at=_now(), completed=completed,
                **{k: int(counts.get(k, 0)) for k in ("stored", "updated", "skipped", "errors")},
            ))  # fmt: skip
        # the claims stored in this run join the index file, so the next process loads them
        with self.claim_index.lock:
            if self.claim_index.index is not None:
                self.claim_index.save()

    def record_error(self, run_id: int, failure: Failure) -> None:
        with self._transaction("record an ingest error") as conn:
            conn.execute(insert(ingest_errors).values(
                run_id=run_id, source=failure.source, code=failure.code, reason=failure.reason, at=_now()))  # fmt: skip

    def is_stored(self, article: Article) -> bool:
        """True when this article, with this body, is already in the store (a rerun skips it)."""
        return self.stored_article(article) is not None

    def stored_article(self, article: Article) -> int | None:
        """The store's id of this article when it is stored with this body; None otherwise."""
        try:
            with self.engine.connect() as conn:
                found = conn.scalar(
                    select(article_versions.c.article_id)
                    .join(articles, articles.c.id == article_versions.c.article_id)
                    .where(
                        articles.c.key == article_key(article),
                        article_versions.c.body_hash == article.id,
                    )
                    .limit(1)
                )
        except SQLAlchemyError as exc:
            raise StoreError(
                f"cannot read the store ({_reason(exc)})", input=article.source
            ) from exc
        return None if found is None else int(found)

    def store(self, prepared: Prepared, run_id: int | None = None) -> str:
        """Store one analysed article in one transaction: "stored", "updated" or "skipped"."""
        return self.store_article(prepared, run_id)[0]

    def store_article(self, prepared: Prepared, run_id: int | None = None) -> tuple[str, int]:
        """`store`, with the store's id of the article: ("stored" | "updated" | "skipped", id)."""
        committed = False
        try:
            stored = self._store(prepared, run_id)
            committed = True
            return stored
        finally:  # what the claims stage holds of the store follows the transaction
            self.candidates.members.finish(committed)

    def _store(self, prepared: Prepared, run_id: int | None) -> tuple[str, int]:
        article = prepared.analysis.article
        with self._transaction("store the article", article.source) as conn:
            key = article_key(article)
            left: list[int] = []
            row = conn.execute(select(articles.c.id).where(articles.c.key == key)).first()
            if prepared.claim_vectors[0]:
                self.candidates.begin(conn)
            outlet = outlet_name(article)
            outlet_id = _outlet_id(conn, outlet) if outlet else None
            if row is None:
                result = conn.execute(
                    insert(articles).values(key=key, outlet_id=outlet_id, first_seen=_now())
                )
                assert result.inserted_primary_key is not None
                article_id, version, outcome = int(result.inserted_primary_key[0]), 1, "stored"
            else:
                article_id = int(row[0])
                hashes: Sequence[Any] = conn.execute(
                    select(article_versions.c.body_hash, article_versions.c.version).where(
                        article_versions.c.article_id == article_id
                    )
                ).all()
                if any(h == article.id for h, _ in hashes):
                    return "skipped", article_id
                version, outcome = max(int(v) for _, v in hashes) + 1 if hashes else 1, "updated"
                current = conn.scalar(
                    select(articles.c.current_version_id).where(articles.c.id == article_id)
                )
                if current is not None:
                    left = spread.clusters_of_version(conn, int(current))
                    drop_version_claims(conn, int(current), self.candidates.members)
                    tallies.drop_version(conn, int(current))
            version_id = self._insert_version(conn, prepared, article_id, version, run_id)
            conn.execute(
                update(articles)
                .where(articles.c.id == article_id)
                .values(current_version_id=version_id)
            )
            ids = self._insert_analysis(conn, prepared, version_id, outlet_id, outlet or "-")
            tallies.add_version(conn, version_id)
            link_copies(conn, article_id, prepared.signature)
            assigned = assign_claims(
                conn, self.candidates, prepared.analysis, ids, prepared.claim_vectors
            )
            # the fact-checks its claims state (ranked as `saywho factchecks match` ranks them)
            link_claims(conn, self.engine, [
                (cluster, ids[i], vector)
                for (cluster, vector), i in zip(assigned, prepared.claim_vectors[0], strict=True)])  # fmt: skip
            spread.refresh(conn, [*left, *(cluster for cluster, _ in assigned)])
            if prepared.claim_words:
                index_claim_words(
                    conn, [ids[i] for i in prepared.claim_vectors[0]], prepared.claim_words
                )
            find_unattributed(conn, version_id, prepared.analysis.article.text,
                              prepared.sentences, self.candidates.members)  # fmt: skip
            return outcome, article_id

    def _insert_version(
        self,
        conn: Connection,
        prepared: Prepared,
        article_id: int,
        version: int,
        run_id: int | None,
    ) -> int:
        a = prepared.analysis.article
        published = iso_published(a.published)
        result = conn.execute(insert(article_versions).values(
            article_id=article_id, version=version, body_hash=a.id, source=a.source, url=a.url,
            title=a.title, standfirst=a.standfirst, published=published,
            published_date=_day(a.published),
            authors=json.dumps(list(a.authors), ensure_ascii=False), language=a.language,
            text=a.text, paragraphs=json.dumps([[p.start, p.end] for p in a.paragraphs]),
            sentences=json.dumps([[t.start, t.end] for t in prepared.analysis.sentences]),
            input_format=a.input_format, warnings=json.dumps(list(a.warnings), ensure_ascii=False),
            licence=prepared.licence, extractor_version=EXTRACTOR_VERSION,
            analyser=prepared.analysis.analyser or None, ingested_at=_now(), run_id=run_id,
        ))  # fmt: skip
        assert result.inserted_primary_key is not None
        return int(result.inserted_primary_key[0])

    def _insert_analysis(
        self,
        conn: Connection,
        prepared: Prepared,
        version_id: int,
        outlet_id: int | None,
        outlet: str,
    ) -> list[int]:
        """Insert the speakers, attributions, mentions and figures; returns the attributions' ids."""
        analysis = prepared.analysis
        article = analysis.article
        seen = iso_published(article.published)
        speaker_ids: dict[str, int] = {}
        for sp in analysis.speakers:
            sid = resolve_speaker(conn, sp.name, sp.type, sp.descriptions, outlet_id, outlet,
                                  article.id)  # fmt: skip
            speaker_ids[sp.id] = sid
            add_alias(conn, sid, sp.name, normalise(sp.name) or sp.name.casefold())
            add_roles(conn, sid, sp.descriptions, seen)
            conn.execute(insert(article_speakers).values(
                version_id=version_id, local_id=sp.id, speaker_id=sid, name=sp.name,
                descriptions=descriptions_json(sp.descriptions)))  # fmt: skip
        ids = _next_ids(conn, len(analysis.attributions))
        rows = []
        fts = []
        for n, a in enumerate(analysis.attributions):
            text_of = article.field_text(a.field)
            content = a.content_text(text_of)
            rows.append({
                "id": ids[n], "version_id": version_id, "local_id": a.id, "kind": a.kind.value,
                "field": a.field, "source_start": a.source.start if a.source else None,
                "source_end": a.source.end if a.source else None,
                "source_text": a.source.text(text_of) if a.source else None,
                "speaker_id": speaker_ids.get(a.speaker or ""), "cue_start": a.cue.start,
                "cue_end": a.cue.end, "cue_text": a.cue.text(text_of), "cue_lemma": a.cue_lemma,
                "stance": a.stance.value, "content_start": a.content.start,
                "content_end": a.content.end, "content": content, "sentence": a.sentence,
                "content_parts": json.dumps([[p.start, p.end] for p in a.parts]) if a.parts else None,
                "parent_local_id": a.parent, "confidence": a.confidence, "method": a.method,
                "checkworthiness": a.checkworthiness,
            })  # fmt: skip
            fts.append({"rowid": ids[n], "content": content})
        if rows:
            conn.execute(insert(attributions), rows)
            if self.sqlite:
                conn.execute(
                    text("INSERT INTO attribution_fts(rowid, content) VALUES (:rowid, :content)"),
                    fts,
                )
        mention_rows = [
            {"attribution_id": ids[n], "text": m.text[:500], "normalised": normalise(m.text)[:500] or m.text[:500].casefold(),
             "label": m.label, "start": m.start, "end": m.end}
            for n, a in enumerate(analysis.attributions) for m in a.entities
        ]  # fmt: skip
        if mention_rows:
            conn.execute(insert(mentions), mention_rows)
        by_local = {a.id: ids[n] for n, a in enumerate(analysis.attributions)}
        figure_rows = [
            {"version_id": version_id, "attribution_id": by_local.get(f.attribution or ""),
             "field": f.field, "start": f.span.start, "end": f.span.end,
             "text": f.span.text(article.field_text(f.field))[:300], "value": f.value, "high": f.high,
             "unit": (f.unit or None) and f.unit[:100], "qualifier": (f.qualifier or None) and f.qualifier[:40],
             "measure": f.measure}
            for f in analysis.figures
        ]  # fmt: skip
        if figure_rows:
            conn.execute(insert(figures), figure_rows)
        tallies.add_rows(conn, len(rows), len(mention_rows))
        return ids

    def _transaction(self, what: str, source: str | None = None) -> _Tx:
        return _Tx(self.engine, what, source)


class _Tx:
    """``engine.begin()`` whose database errors become one-line `StoreError`s."""

    def __init__(self, engine: Engine, what: str, source: str | None) -> None:
        self._cm = engine.begin()
        self.what, self.source = what, source

    def __enter__(self) -> Connection:
        try:
            return self._cm.__enter__()
        except SQLAlchemyError as exc:
            raise StoreError(f"cannot {self.what} ({_reason(exc)})", input=self.source) from exc

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: object
    ) -> None:
        try:
            self._cm.__exit__(exc_type, exc, tb)  # type: ignore[arg-type]  # a traceback
        except SQLAlchemyError as error:
            raise self._error(error) from error
        if isinstance(exc, SQLAlchemyError):  # rolled back; say so in one line
            raise self._error(exc) from exc

    def _error(self, exc: SQLAlchemyError) -> StoreError:
        return StoreError(f"cannot {self.what} ({_reason(exc)})", input=self.source,
                          remedy="check the database and rerun: stored articles are skipped")  # fmt: skip


def _next_ids(conn: Connection, n: int) -> list[int]:
    """Attribution ids chosen up front so the FTS rows can share them (single writer)."""
    if n == 0:
        return []
    if conn.dialect.name == "postgresql":
        seq: Sequence[Any] = (
            conn.execute(
                text(
                    "SELECT nextval(pg_get_serial_sequence('attributions', 'id')) FROM generate_series(1, :n)"
                ),
                {"n": n},
            )
            .scalars()
            .all()
        )
        return [int(x) for x in seq]
    top = conn.scalar(select(func.coalesce(func.max(attributions.c.id), 0)))
    return list(range(int(top or 0) + 1, int(top or 0) + 1 + n))


def _outlet_id(conn: Connection, name: str) -> int:
    found = conn.scalar(select(outlets.c.id).where(outlets.c.name == name))
    if found is not None:
        return int(found)
    result = conn.execute(insert(outlets).values(name=name))
    assert result.inserted_primary_key is not None
    return int(result.inserted_primary_key[0])


def _now() -> datetime:
    return datetime.now(UTC)


def _day(published: object) -> date | None:
    """An article's publication day (a datetime's date), None when it has none."""
    day = published.date() if isinstance(published, datetime) else published
    return day if isinstance(day, date) else None
