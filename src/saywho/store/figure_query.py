"""Reads over the stored figures (`saywho.analyze.figures`): whose numbers are these.

    figures(engine, FigureFilters(speaker="UN", unit="USD")) -> list[StoredFigure]
    iter_figures(conn, filters) -> Iterator[StoredFigure]        (exports, in batches)
    article_figures(conn, version_id) -> list[StoredFigure]       (an article page)

Figures of current article versions only, newest article first. A figure belongs to the
attribution whose content holds it (its speaker, cue and content come with it) or to the
article itself (``attribution_id`` None).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from sqlalchemy import Connection, Engine, Select, case, func, or_, select

from .query import _about_ids, _like_escape, _speaker_ids, run_read
from .schema import article_versions, articles, attributions, figures, outlets, speakers
from .speakers import normalise


@dataclass(frozen=True, slots=True)
class FigureFilters:
    """What `figures` selects; every field is optional."""

    #: figures in what a speaker said (an alias, or whole words of one: "Kabulov")
    speaker: str | None = None
    #: figures in attributions whose content names an entity, or whose measure does
    about: str | None = None
    #: a unit as stored: "USD", "percent", "people", "square kilometre" (case-insensitive)
    unit: str | None = None
    outlet: str | None = None
    since: date | None = None
    until: date | None = None
    #: True: attributed figures only; False: the articles' own only; None: both
    attributed: bool | None = None
    #: figures whose value (a range's lower bound) is at least / at most this
    min_value: float | None = None
    max_value: float | None = None
    limit: int | None = 50
    offset: int = 0


@dataclass(frozen=True, slots=True)
class StoredFigure:
    """One stored figure with whose it is and where it was published."""

    id: int
    text: str
    value: float | None
    high: float | None
    unit: str | None
    qualifier: str | None
    measure: str | None
    field: str
    start: int
    end: int
    #: the attribution it belongs to (None: the article states it itself)
    attribution_id: int | None
    speaker: str | None
    source: str | None
    cue: str | None
    content: str | None
    article_id: int
    title: str | None
    url: str | None
    outlet: str | None
    published: str | None
    article_source: str
    licence: str | None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _select() -> Select[Any]:
    return (
        select(
            figures.c.id,
            figures.c.text,
            figures.c.value,
            figures.c.high,
            figures.c.unit,
            figures.c.qualifier,
            figures.c.measure,
            figures.c.field,
            figures.c.start,
            figures.c.end,
            figures.c.attribution_id,
            speakers.c.name.label("speaker"),
            attributions.c.source_text,
            attributions.c.cue_text,
            attributions.c.content,
            articles.c.id.label("article_id"),
            article_versions.c.title,
            article_versions.c.url,
            outlets.c.name.label("outlet"),
            article_versions.c.published,
            article_versions.c.source,
            article_versions.c.licence,
        )
        .select_from(figures)
        .join(article_versions, article_versions.c.id == figures.c.version_id)
        .join(articles, articles.c.current_version_id == article_versions.c.id)
        .outerjoin(outlets, outlets.c.id == articles.c.outlet_id)
        .outerjoin(attributions, attributions.c.id == figures.c.attribution_id)
        .outerjoin(speakers, speakers.c.id == attributions.c.speaker_id)
    )


def _filtered(stmt: Select[Any], f: FigureFilters) -> Select[Any]:
    if f.speaker:
        stmt = stmt.where(attributions.c.speaker_id.in_(_speaker_ids(f.speaker)))
    if f.about:
        words = _like_escape(normalise(f.about) or f.about.casefold())
        stmt = stmt.where(or_(figures.c.attribution_id.in_(_about_ids(f.about)),
                              func.lower(figures.c.measure).like(f"%{words}%", escape="\\")))  # fmt: skip
    if f.unit:
        stmt = stmt.where(func.lower(figures.c.unit) == f.unit.strip().lower())
    if f.outlet:
        stmt = stmt.where(func.lower(outlets.c.name) == f.outlet.lower())
    if f.since:
        stmt = stmt.where(article_versions.c.published_date >= f.since)
    if f.until:
        stmt = stmt.where(article_versions.c.published_date <= f.until)
    if f.attributed is True:
        stmt = stmt.where(figures.c.attribution_id.is_not(None))
    elif f.attributed is False:
        stmt = stmt.where(figures.c.attribution_id.is_(None))
    if f.min_value is not None:
        stmt = stmt.where(figures.c.value >= f.min_value)
    if f.max_value is not None:
        stmt = stmt.where(figures.c.value <= f.max_value)
    return stmt


def _stored(row: Any) -> StoredFigure:
    return StoredFigure(
        id=row.id, text=row.text, value=row.value, high=row.high, unit=row.unit,
        qualifier=row.qualifier, measure=row.measure, field=row.field, start=row.start,
        end=row.end, attribution_id=row.attribution_id, speaker=row.speaker, source=row.source_text,
        cue=row.cue_text, content=row.content, article_id=row.article_id, title=row.title,
        url=row.url, outlet=row.outlet, published=row.published, article_source=row.source,
        licence=row.licence,
    )  # fmt: skip


def _ordered(stmt: Select[Any]) -> Select[Any]:
    """Newest article first; an article's figures in the order they were stored (reading order)."""
    return stmt.order_by(article_versions.c.published_date.is_(None),
                         article_versions.c.published_date.desc(), figures.c.version_id.desc(),
                         figures.c.id)  # fmt: skip


def find_figures(engine: Engine, f: FigureFilters) -> list[StoredFigure]:
    """The stored figures `f` selects, newest article first (at most ``f.limit``)."""
    stmt = _ordered(_filtered(_select(), f)).offset(f.offset)
    if f.limit is not None:
        stmt = stmt.limit(f.limit)
    rows = run_read(engine, "read figures", lambda conn: conn.execute(stmt).all())
    return [_stored(r) for r in rows]


def count_figures(engine: Engine, f: FigureFilters) -> int:
    """How many stored figures `f` selects (its limit and offset ignored)."""
    stmt = select(func.count()).select_from(_filtered(_select(), f).subquery())
    return int(run_read(engine, "count figures", lambda conn: conn.scalar(stmt)) or 0)


def iter_figures(conn: Connection, f: FigureFilters, batch: int = 1000) -> Iterator[StoredFigure]:
    """Every figure `f` selects (its limit ignored), in id order, read `batch` rows at a time."""
    last = 0
    while True:
        stmt = (
            _filtered(_select(), f).where(figures.c.id > last).order_by(figures.c.id).limit(batch)
        )
        rows = conn.execute(stmt).all()
        if not rows:
            return
        for row in rows:
            yield _stored(row)
        last = rows[-1].id


def article_figures(conn: Connection, version_id: int) -> list[StoredFigure]:
    """The figures of one article version, in reading order (title, standfirst, body)."""
    field_order = case(
        (figures.c.field == "title", 0), (figures.c.field == "standfirst", 1), else_=2
    )
    stmt = (
        _select().where(figures.c.version_id == version_id).order_by(field_order, figures.c.start)
    )
    return [_stored(r) for r in conn.execute(stmt).all()]


__all__ = [
    "FigureFilters",
    "StoredFigure",
    "article_figures",
    "count_figures",
    "find_figures",
    "iter_figures",
]
