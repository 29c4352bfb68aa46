"""What every claim module reads: the current claims, the store's rebuild epoch and the weights
that embedded its claims."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Select, insert, select, update

from ..analyze.embed import weights_fingerprint
from ..errors import StoreError
from .schema import article_versions, articles, attributions, claim_state, claims, store_meta

#: the `store_meta` row naming the weights that embedded the stored claim vectors
ENCODER_KEY = "claims.encoder"

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


def stored_encoder(conn: Connection) -> str | None:
    """The weights that embedded this store's claims (None: no claim embedded yet)."""
    value = conn.scalar(select(store_meta.c.value).where(store_meta.c.key == ENCODER_KEY))
    return None if value is None else str(value)


def set_encoder(conn: Connection, encoder: str) -> None:
    """Record that the store's claims are (now) embedded by `encoder`."""
    if stored_encoder(conn) is None:
        conn.execute(insert(store_meta).values(key=ENCODER_KEY, value=encoder))
    else:
        conn.execute(
            update(store_meta).where(store_meta.c.key == ENCODER_KEY).values(value=encoder)
        )


def encoder_is_stale(conn: Connection) -> bool:
    """True when the store's claims were embedded by other weights than this saywho's."""
    stored = stored_encoder(conn)
    return stored is not None and stored != weights_fingerprint()


def check_encoder(conn: Connection, claim: bool = True) -> None:
    """Stop when the stored claim vectors are not comparable with this saywho's; with `claim`,
    a store without any records the weights in use."""
    stored = stored_encoder(conn)
    current = weights_fingerprint()
    if stored is None:
        if claim:
            set_encoder(conn, current)
        return
    if stored != current:
        raise StoreError(
            f"the store's claims were embedded by {stored}, this saywho embeds with {current}",
            remedy="run `saywho db upgrade` (or `saywho claims rebuild`) to re-embed them",
        )
