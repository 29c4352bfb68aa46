"""Syndicated copies in the store: each article's signature and LSH bands, and its copy link.

`link_copies` runs in the writer's transaction for every stored article version: it replaces
the article's signature and bands, looks its bands up, and links it to the best earlier article
at `saywho.claims.copies.COPY_THRESHOLD` or above — to that article's original when it is itself
a copy, so every copy of a story points at the first one stored.
"""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import Connection, delete, insert, select

from ..claims.copies import COPY_THRESHOLD, band_keys, from_bytes, jaccard
from .schema import article_bands, article_copies, article_signatures


def link_copies(conn: Connection, article_id: int, blob: bytes) -> int | None:
    """Store the current body's signature (`blob`; empty: none) of `article_id` and link it as a
    copy; returns the original's id, or None when it is no copy."""
    for table in (article_bands, article_signatures, article_copies):
        conn.execute(delete(table).where(table.c.article_id == article_id))
    if not blob:
        return None
    sig = from_bytes(blob)
    keys = band_keys(sig)
    hits: list[Any] = list(conn.execute(
        select(article_bands.c.article_id).distinct()
        .where(article_bands.c.band_key.in_(keys), article_bands.c.article_id != article_id)
    ).all())  # fmt: skip
    found = [int(r[0]) for r in hits]
    best, best_score = None, 0.0
    if found:
        rows = conn.execute(
            select(article_signatures.c.article_id, article_signatures.c.signature)
            .where(article_signatures.c.article_id.in_(found))
            .order_by(article_signatures.c.article_id)
        ).all()  # fmt: skip
        for other, theirs in rows:
            score = jaccard(sig, from_bytes(bytes(cast(bytes, theirs))))
            if score >= COPY_THRESHOLD and score > best_score:
                best, best_score = int(cast(int, other)), score
    conn.execute(insert(article_signatures).values(article_id=article_id, signature=blob))
    conn.execute(insert(article_bands), [{"band_key": k, "article_id": article_id} for k in keys])
    if best is None:
        return None
    original = conn.scalar(
        select(article_copies.c.original_id).where(article_copies.c.article_id == best)
    )
    root = int(original) if original is not None else best
    if root == article_id:  # an original that came back with a new body: it stays the original
        return None
    conn.execute(insert(article_copies).values(article_id=article_id, original_id=root,
                                               similarity=round(best_score, 4)))  # fmt: skip
    return root
