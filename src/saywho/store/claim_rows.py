"""What every claim module reads: the current claims, and the store's rebuild epoch."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Select, insert, select, update

from .schema import article_versions, articles, attributions, claim_state, claims

#: the `claim_state` row counting rebuilds: vector indexes built in another epoch are stale
EPOCH_ROW = 2


def current_claims(stmt: Select[Any]) -> Select[Any]:
    """`stmt`, selecting from `claims`, joined to the claims' attributions and kept to the
    current versions of their articles (what every claim query reads)."""
    return (
        stmt.join(attributions, attributions.c.id == claims.c.attribution_id)
        .join(article_versions, article_versions.c.id == attributions.c.version_id)
        .join(articles, articles.c.current_version_id == article_versions.c.id)
    )


def rebuild_epoch(conn: Connection) -> int:
    value = conn.scalar(select(claim_state.c.generation).where(claim_state.c.id == EPOCH_ROW))
    return int(value or 0)


def bump_epoch(conn: Connection) -> None:
    """Count a rebuild: vector indexes of an earlier epoch are thrown away."""
    epoch = conn.scalar(select(claim_state.c.generation).where(claim_state.c.id == EPOCH_ROW))
    if epoch is None:
        conn.execute(insert(claim_state).values(id=EPOCH_ROW, generation=1))
    else:
        conn.execute(update(claim_state).where(claim_state.c.id == EPOCH_ROW)
                     .values(generation=int(epoch) + 1))  # fmt: skip
