"""Hand-made news claims for the claims tests: stories, articles built from them (with what
`pipeline.prepare` adds for claims) and the clusters a store made of them."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from sqlalchemy import Engine, select

from saywho.store.claims import claim_vectors, word_signatures
from saywho.store.ingest import Prepared
from saywho.store.schema import article_versions, attributions, claims

MakeFn = Callable[..., Prepared]

#: (outlet, day, speaker, cue, content): two paraphrases of one claim, a different claim about
#: the same country, and an unrelated one
STORIES = [
    ("RT", "2023-01-20", "Zamir Kabulov", "claimed",
     "the United States is covertly sponsoring Islamic State militants in Afghanistan"),
    ("TASS", "2023-01-21", "Moscow", "says",
     "Washington is covertly sponsoring the Islamic State group in Afghanistan"),
    ("Reuters", "2023-01-22", "The Pentagon", "said",
     "the United States withdrew its last troops from Afghanistan in August 2021"),
    ("AP", "2023-01-23", "The mayor", "announced",
     "the city will open three new public libraries next spring"),
]  # fmt: skip

#: a third wording of the first claim, a second of the third, and one more unrelated claim
MORE_STORIES = [
    ("Sputnik", "2023-01-22", "The envoy", "alleged",
     "the US is secretly funding Islamic State fighters in Afghanistan"),
    ("AP", "2023-01-23", "Officials", "confirmed",
     "the last American troops left Afghanistan in August 2021"),
    ("BBC", "2023-01-24", "The minister", "said",
     "inflation fell to four percent in December"),
]  # fmt: skip


def article(make: MakeFn, outlet: str, day: str, who: str, cue: str, content: str,
            extra: str = "", url: str | None = None) -> Prepared:  # fmt: skip
    """One story as a stored article would come: its claim embedded, its words signed."""
    text = f"{who} {cue} that {content}.{extra}"
    prepared = make(text, url=url or f"https://{outlet.lower()}.example/{abs(hash(content))}",
                    site=outlet, published=day, speakers=((who, "ORG", ()),),
                    claims=((who, cue, content, "neutral", "indirect"),))  # fmt: skip
    return with_vectors(prepared)


def with_vectors(prepared: Prepared) -> Prepared:
    """`prepared` with what `pipeline.prepare` adds for claims: vectors and word signatures."""
    vectors = claim_vectors(prepared.analysis)
    words, sentences = word_signatures(prepared.analysis, vectors[0])
    return dataclasses.replace(
        prepared, claim_vectors=vectors, claim_words=words, sentences=sentences
    )


def cluster_ids(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        rows = conn.execute(
            select(attributions.c.content, claims.c.cluster_id).join(
                claims, claims.c.attribution_id == attributions.c.id
            )
        ).all()
    return {str(content): int(cid) for content, cid in rows}


def partition(engine: Engine, by_url: bool = False) -> set[frozenset[str]]:
    """The store's clusters as sets of claim contents (`by_url`: "content @ url", so that the
    same claim in two articles counts twice)."""
    with engine.connect() as conn:
        rows = conn.execute(
            select(claims.c.cluster_id, attributions.c.content, article_versions.c.url)
            .join(attributions, attributions.c.id == claims.c.attribution_id)
            .join(article_versions, article_versions.c.id == attributions.c.version_id)
        ).all()  # fmt: skip
    groups: dict[int, set[str]] = {}
    for cid, content, url in rows:
        groups.setdefault(int(cid), set()).add(f"{content} @ {url}" if by_url else str(content))
    return {frozenset(g) for g in groups.values()}
