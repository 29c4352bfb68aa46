"""Fact-checks in the store: imported idempotently, versioned, listed and shown.

`import_fact_checks` takes the records `saywho.factchecks` reads and stores them in batches, one
transaction a batch (killed, an import loses at most the batch in flight, and a rerun skips what
was stored):

- a fact-check's **key** is its ClaimReview ``identifier``; without one, its URL (with the claim's
  hash when one page holds several reviews); without a URL, a hash of its content;
- a record whose key is stored with the same content is **skipped**; with other content it is
  stored as the key's next **version**, which becomes the only current one ("updated");
- the claim reviewed is embedded like stored claims (`saywho.claims.dense_vectors`, one embedding
  space), for matching claims to fact-checks.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

import numpy as np
from sqlalchemy import Engine, Select, func, insert, select, update
from sqlalchemy.exc import SQLAlchemyError

from ..errors import NotFoundError, StoreError
from ..factchecks import BadRecord
from ..factchecks.ranking import Stated
from ..model import FactCheck
from .engine import _reason
from .factcheck_corpus import (
    candidate_features,
    corpus_in,
    forget_fact_check_vectors,
    rank,
)
from .factcheck_links import note_fact_checks, relink_pending, unlink_fact_checks
from .query import run_read
from .schema import fact_checks
from .vector_index import claim_index

#: records stored in one transaction (and embedded in one call)
BATCH = 256
#: the fields a fact-check's content hash covers (where it was read from is not its content)
CONTENT = ("claim_reviewed", "claimant", "claim_date", "rating", "verdict", "fact_checker", "review_date",
           "url", "language", "identifier", "title")  # fmt: skip


@dataclass
class ImportSummary:
    stored: int = 0
    updated: int = 0
    skipped: int = 0
    errors: int = 0
    bad: list[BadRecord] = field(default_factory=list)
    #: claim clusters near the imported fact-checks (or linked to a version they replace) that
    #: are linked to a fact-check once the import has found their links again
    linked: int = 0


def fact_check_key(check: FactCheck) -> str:
    """The key that names a fact-check across imports (see the module docstring)."""
    if check.identifier:
        return f"id:{check.identifier}"[:600]
    if check.url:
        several = "#review " in check.source
        claim = hashlib.sha256(check.claim_reviewed.encode()).hexdigest()[:16]
        return (f"url:{check.url}|{claim}" if several else f"url:{check.url}")[:600]
    return f"sha:{content_hash(check)}"


def content_hash(check: FactCheck) -> str:
    values = "\x1f".join(str(getattr(check, name) or "") for name in CONTENT)
    return hashlib.sha256(values.encode()).hexdigest()


def import_fact_checks(
    engine: Engine,
    records: Iterable[FactCheck | BadRecord],
    on_event: Callable[[str, str], None] | None = None,
    batch: int = BATCH,
) -> ImportSummary:
    """Store `records` (see the module docstring); `on_event(outcome, position)` after each one
    ("stored", "updated", "skipped" or "error"). Bad records are counted and kept in the summary."""
    summary = ImportSummary()
    hook = on_event or (lambda _outcome, _where: None)
    for chunk in _chunks(records, batch):
        checks: list[FactCheck] = []
        for record in chunk:
            if isinstance(record, BadRecord):
                summary.errors += 1
                summary.bad.append(record)
                hook("error", record.position)
            else:
                checks.append(record)
        for outcome, check in _store_batch(engine, checks):
            setattr(summary, outcome, getattr(summary, outcome) + 1)
            hook(outcome, check.source)
    # the stored claims these fact-checks address: their clusters' links found again, once
    try:
        summary.linked = relink_pending(engine)
    except SQLAlchemyError as exc:
        raise StoreError(f"cannot link the stored claims to the fact-checks ({_reason(exc)})",
                         remedy="rerun the import, or run saywho claims rebuild") from exc  # fmt: skip
    return summary


def _chunks(
    records: Iterable[FactCheck | BadRecord], size: int
) -> Iterator[list[FactCheck | BadRecord]]:
    chunk: list[FactCheck | BadRecord] = []
    for record in records:
        chunk.append(record)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _store_batch(engine: Engine, checks: list[FactCheck]) -> list[tuple[str, FactCheck]]:
    from ..claims.cluster import dense_vectors

    if not checks:
        return []
    keyed = [(fact_check_key(c), content_hash(c), c) for c in checks]
    stored = False
    try:
        with engine.begin() as conn:
            known: dict[
                str, tuple[int, str, int]
            ] = {}  # key -> (row id, hash, version) of the current one
            keys = sorted({k for k, _, _ in keyed})
            for start in range(0, len(keys), 500):
                for row in conn.execute(
                    select(fact_checks.c.id, fact_checks.c.key, fact_checks.c.content_hash, fact_checks.c.version)
                    .where(fact_checks.c.key.in_(keys[start : start + 500]), fact_checks.c.current.is_(True))
                ):  # fmt: skip
                    known[str(row.key)] = (int(row.id), str(row.content_hash), int(row.version))
            stored_before = set(known)
            outcomes: list[tuple[str, FactCheck]] = []
            todo: list[tuple[str, str, FactCheck, int]] = []  # key, hash, check, version
            for key, digest, check in keyed:
                current = known.get(key)
                if current is not None and current[1] == digest:
                    outcomes.append(("skipped", check))
                    continue
                version = 1 if current is None else current[2] + 1
                todo.append((key, digest, check, version))
                # a key repeated within the batch: its later record is compared with this one
                known[key] = (-1, digest, version)
                outcomes.append(("stored" if current is None else "updated", check))
            if todo:
                vectors = dense_vectors([c.claim_reviewed for _, _, c, _ in todo]).astype(
                    np.float16
                )
                now = datetime.now(UTC)
                # a new version supersedes the stored one: its links go and it stops being current
                replaced = sorted({key for key, _, _, _ in todo} & stored_before)
                relink: set[int] = set()  # the clusters a superseded version was linked to
                for start in range(0, len(replaced), 500):
                    part = replaced[start : start + 500]
                    found: Any = conn.scalars(select(fact_checks.c.id).where(
                        fact_checks.c.key.in_(part), fact_checks.c.current.is_(True)))  # fmt: skip
                    relink |= unlink_fact_checks(conn, [int(i) for i in found])
                    conn.execute(
                        update(fact_checks).where(fact_checks.c.key.in_(part)).values(current=False)
                    )
                # one multi-row insert (a statement a row took about a sixth of an import's time:
                # README, Fact-checks); of a key given twice in the batch, only its last version
                # is current
                last = {key: n for n, (key, _, _, _) in enumerate(todo)}
                newest = [last[key] == n for n, (key, _, _, _) in enumerate(todo)]
                ids = conn.scalars(
                    insert(fact_checks).returning(fact_checks.c.id, sort_by_parameter_order=True),
                    [{"key": key, "version": version, "current": is_newest,
                      "content_hash": digest, "imported_at": now, "vector": vector.tobytes(),
                      **{name: getattr(check, name) for name in (*CONTENT, "source")}}
                     for (key, digest, check, version), vector, is_newest in zip(todo, vectors, newest, strict=True)],
                ).all()  # fmt: skip
                new_rows = [(int(i), vector.astype(np.float32))
                            for i, vector, is_newest in zip(ids, vectors, newest, strict=True)
                            if is_newest]  # fmt: skip
                # the clusters whose claims may address these fact-checks (found through the
                # claim index), noted for `relink_pending`
                note_fact_checks(conn, claim_index(engine), new_rows, relink)
        stored = True
    except SQLAlchemyError as exc:
        raise StoreError(f"cannot store fact-checks ({_reason(exc)})", remedy="check --db; rerun the import: "
                         "what was stored is skipped") from exc  # fmt: skip
    finally:
        if not stored:  # the kept matrix may hold this batch's rolled-back rows
            forget_fact_check_vectors(engine)
    return outcomes


@dataclass(frozen=True, slots=True)
class StoredFactCheck:
    """A current fact-check as stored: its row id and version, and the fact-check."""

    id: int
    version: int
    check: FactCheck

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "version": self.version, **asdict(self.check)}


def _stored(row: Any) -> StoredFactCheck:
    check = FactCheck(**{name: getattr(row, name) for name in (*CONTENT, "source")})
    return StoredFactCheck(id=int(row.id), version=int(row.version), check=check)


def _columns() -> list[Any]:
    return [
        fact_checks.c.id,
        fact_checks.c.version,
        *(fact_checks.c[name] for name in (*CONTENT, "source")),
    ]


def list_fact_checks(engine: Engine, verdict: str | None = None, fact_checker: str | None = None,
                     limit: int = 50, offset: int = 0) -> tuple[int, list[StoredFactCheck]]:  # fmt: skip
    """The current fact-checks, newest review first: (how many match, this page of them)."""

    def filtered(stmt: Select[Any]) -> Select[Any]:
        stmt = stmt.where(fact_checks.c.current.is_(True))
        if verdict:
            stmt = stmt.where(fact_checks.c.verdict == verdict)
        if fact_checker:
            stmt = stmt.where(func.lower(fact_checks.c.fact_checker) == fact_checker.casefold())
        return stmt

    def work(conn: Any) -> tuple[int, list[StoredFactCheck]]:
        total = int(conn.scalar(filtered(select(func.count()).select_from(fact_checks))) or 0)
        rows = conn.execute(
            filtered(select(*_columns()))
            .order_by(fact_checks.c.review_date.is_(None), fact_checks.c.review_date.desc(), fact_checks.c.id.desc())
            .limit(limit).offset(offset)
        ).all()  # fmt: skip
        return total, [_stored(r) for r in rows]

    result: tuple[int, list[StoredFactCheck]] = run_read(engine, "list fact-checks", work)
    return result


def get_fact_check(
    engine: Engine, fact_check_id: int
) -> tuple[StoredFactCheck, list[StoredFactCheck]]:
    """One stored fact-check and every version of its key, oldest first (NotFoundError: none)."""

    def work(conn: Any) -> tuple[StoredFactCheck, list[StoredFactCheck]]:
        row = conn.execute(
            select(*_columns(), fact_checks.c.key).where(fact_checks.c.id == fact_check_id)
        ).first()
        if row is None:
            raise NotFoundError(
                f"no fact-check {fact_check_id}", remedy="see saywho factchecks list"
            )
        versions = conn.execute(select(*_columns()).where(fact_checks.c.key == row.key)
                                .order_by(fact_checks.c.version)).all()  # fmt: skip
        return _stored(row), [_stored(v) for v in versions]

    result: tuple[StoredFactCheck, list[StoredFactCheck]] = run_read(
        engine, "read a fact-check", work
    )
    return result


#: what a match's score is, in words (pages and the API's schema say it)
SCORE_MEANS = ("the probability that the fact-check addresses the statement (from the texts' similarity, the "
               "speaker and date when known, and its lead over the other candidates)")  # fmt: skip


@dataclass(frozen=True, slots=True)
class FactCheckMatch:
    """A stored fact-check ranked for a text, with its score (higher: more alike)."""

    fact_check: StoredFactCheck
    score: float
    #: the ids of the stored copies of this fact-check (`same_claim_key`), folded into it
    copies: tuple[int, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        c = self.fact_check.check
        return {"id": self.fact_check.id, "identifier": c.identifier, "url": c.url, "claim_reviewed": c.claim_reviewed,
                "claimant": c.claimant, "rating": c.rating, "verdict": c.verdict, "fact_checker": c.fact_checker,
                "review_date": c.review_date, "score": round(self.score, 4), "copies": list(self.copies)}  # fmt: skip


def _corpus(engine: Engine) -> Any:
    """The current fact-checks as the re-ranker reads them (`corpus_in`), read on their own."""
    return run_read(engine, "read the fact-checks", lambda conn: corpus_in(conn, engine))


def ranking_features(engine: Engine, statements: Sequence[str | Stated],
                     candidates: int) -> list[tuple[np.ndarray, np.ndarray]]:  # fmt: skip
    """`candidate_features` of the store's current fact-checks: what the ranker scores, and what
    ``scripts/train_factcheck_ranker.py`` learns from."""
    return candidate_features(_corpus(engine), statements, candidates)


def match_fact_checks(
    engine: Engine, statements: Sequence[str | Stated], top: int = 5
) -> list[list[FactCheckMatch]]:
    """The `top` current fact-checks most likely to address each statement, best first: the
    first stage's candidates by text, re-ranked (`saywho.factchecks.ranking`). A plain string's
    speaker and day are read from a post signature it ends with, if any."""
    corpus = _corpus(engine)
    copies = corpus.copies if corpus is not None else {}
    ranked = rank(corpus, statements, top)
    wanted = sorted({i for row in ranked for i, _ in row})

    def work(conn: Any) -> dict[int, StoredFactCheck]:
        found: dict[int, StoredFactCheck] = {}
        for start in range(0, len(wanted), 500):
            rows = conn.execute(
                select(*_columns()).where(fact_checks.c.id.in_(wanted[start : start + 500]))
            )
            found.update((int(r.id), _stored(r)) for r in rows)
        return found

    stored: dict[int, StoredFactCheck] = (
        run_read(engine, "read the fact-checks", work) if wanted else {}
    )
    return [[FactCheckMatch(stored[i], score, copies.get(i, ())) for i, score in row if i in stored]
            for row in ranked]  # fmt: skip
