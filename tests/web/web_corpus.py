"""The hand-built corpus of the web tests (no spaCy): four articles whose attributions cover
what the pages must handle: spans that nest, a headline attribution in the title, article text
carrying ``<script>`` and ``onerror=``, a Wikinews licence line, two outlets, three months of
dates and an undated article. Used by conftest.py and the schemathesis test."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date

from saywho.model import Analysis, Article, Attribution, Entity, Kind, Span, Speaker, Stance
from saywho.store import open_store
from saywho.store.ingest import Prepared, Writer

HOSTILE = "<script>alert(1)</script>"
ONERROR = '<img src=x onerror="alert(2)">'
ENTITIES = ("Islamic State", "Taliban", "Geneva", "Moscow")


@dataclass(frozen=True)
class ClaimSpec:
    """One attribution: source and cue and content are found in the field's text (the n-th
    occurrence of `source` when the same words appear twice)."""

    speaker: str | None
    source: str | None
    cue: str
    content: str
    stance: str = "neutral"
    kind: str = "indirect"
    field: str = "text"
    speaker_type: str = "PERSON"
    method: str = "rules"


def build(
    title: str,
    paragraphs: list[str],
    claims: list[ClaimSpec],
    *,
    published: date | None,
    url: str | None = None,
    site: str | None = None,
    licence: str | None = None,
    descriptions: dict[str, tuple[str, ...]] | None = None,
) -> Prepared:
    text = "\n\n".join(paragraphs)
    spans, at = [], 0
    for p in paragraphs:
        spans.append(Span(at, at + len(p)))
        at += len(p) + 2
    article = Article(
        id=hashlib.sha256(text.encode()).hexdigest(), source=f"{title[:20]}.txt", url=url,
        site=site, title=title, standfirst=None, published=published, authors=("A. Writer",),
        language="en", text=text, paragraphs=tuple(spans), input_format="plain",
    )  # fmt: skip
    people: dict[str, Speaker] = {}
    found = []
    for n, c in enumerate(claims, 1):
        of = article.field_text(c.field)
        c0, q0 = of.index(c.content), of.index(c.cue)
        source = None
        if c.source:
            s0 = of.index(c.source)
            source = Span(s0, s0 + len(c.source))
        if c.speaker and c.speaker not in people:
            people[c.speaker] = Speaker(
                id=f"s{len(people)}", name=c.speaker, type=c.speaker_type,
                descriptions=(descriptions or {}).get(c.speaker, ()),
            )  # fmt: skip
        found.append(Attribution(
            id=f"a{n}", kind=Kind(c.kind), source=source,
            speaker=people[c.speaker].id if c.speaker else None, cue=Span(q0, q0 + len(c.cue)),
            cue_lemma=c.cue.split()[-1], stance=Stance(c.stance),
            content=Span(c0, c0 + len(c.content)), sentence=n, confidence=0.9, field=c.field,
            method=c.method, entities=tuple(
                Entity(word, "ORG", c0 + c.content.index(word),
                       c0 + c.content.index(word) + len(word))
                for word in ENTITIES if word in c.content
            ),
        ))  # fmt: skip
    analysis = Analysis(article, tuple(found), tuple(people.values()), analyser=ANALYSER)
    return Prepared(analysis, licence)


#: what the synthetic analyses say made them (the store keeps it with each version)
ANALYSER = "saywho 0.0.0 rules+crf-000000000000"


def corpus() -> list[Prepared]:
    hostile_text = f"Officials said the leak contained {HOSTILE} and {ONERROR} markup."
    return [
        build(
            "Moscow says US backs Islamic State",
            [
                "Zamir Kabulov, Russia's envoy, said the US was secretly funding Islamic State.",
                "\u201cThey want revenge on the Taliban,\u201d Kabulov claimed, adding that "
                "the State Department denied talks in Geneva.",
            ],
            [
                ClaimSpec(
                    "Zamir Kabulov",
                    "Zamir Kabulov, Russia's envoy,",
                    "said",
                    "the US was secretly funding Islamic State",
                ),
                ClaimSpec(
                    "Zamir Kabulov",
                    "Kabulov",
                    "claimed",
                    "\u201cThey want revenge on the Taliban,\u201d",
                    "distancing",
                    "direct",
                ),
                # nested inside the previous sentence's content-free tail: a second speaker whose
                # source lies inside Kabulov's reported words
                ClaimSpec(
                    "State Department",
                    "the State Department",
                    "denied",
                    "talks in Geneva",
                    "denying",
                    "indirect",
                    speaker_type="ORG",
                    method="crf",
                ),
                ClaimSpec(
                    "Russian Foreign Ministry",
                    "Moscow",
                    "says",
                    "US backs Islamic State",
                    "neutral",
                    "headline",
                    "title",
                    "GPE",
                ),
            ],
            published=date(2024, 5, 2),
            url="https://news.example/envoy",
            site="Example Times",
            descriptions={"Zamir Kabulov": ("Russia's envoy",)},
        ),
        build(
            "Hostile markup <b>bold</b> " + HOSTILE,
            [hostile_text, "Nothing else happened in Moscow, the mayor said."],
            [
                ClaimSpec(
                    None, "Officials", "said", f"the leak contained {HOSTILE} and {ONERROR} markup"
                ),
                ClaimSpec(
                    "Sergei Sobyanin",
                    "the mayor",
                    "said",
                    "Nothing else happened in Moscow",
                    "factive",
                    "indirect",
                ),
            ],
            published=date(2024, 6, 20),
            url="https://en.wikinews.org/wiki/Hostile",
            site="Wikinews",
            licence="From Wikinews, the free news source, CC BY 2.5.",
        ),
        build(
            "Taliban deny talks",
            [
                "The Taliban denied any talks in Geneva, spokesman Zabihullah Mujahid said on Friday.",
                "Zamir Kabulov estimated that talks could start in Moscow next year.",
            ],
            [
                ClaimSpec(
                    "Zabihullah Mujahid",
                    "spokesman Zabihullah Mujahid",
                    "said",
                    "The Taliban denied any talks in Geneva",
                    "neutral",
                    "indirect",
                ),
                ClaimSpec(
                    "Zamir Kabulov",
                    "Zamir Kabulov",
                    "estimated",
                    "talks could start in Moscow next year",
                    "estimating",
                    "indirect",
                ),
            ],
            published=date(2024, 7, 10),
            url="https://news.example/taliban",
            site="Example Times",
        ),
        build(
            "Undated note",
            ["A spokesperson said the office is closed."],
            [
                ClaimSpec(
                    None,
                    "A spokesperson",
                    "said",
                    "the office is closed",
                    "neutral",
                    "indirect",
                    speaker_type="OTHER",
                )
            ],
            published=None,
        ),
    ]


def fill(db: str, prepared: list[Prepared] | None = None) -> None:
    """Store `prepared` (default: `corpus()`), with their claims embedded as ingest does."""
    from dataclasses import replace

    from saywho.store.claims import claim_vectors, word_signatures

    engine = open_store(db)
    writer = Writer(engine)
    for one in corpus() if prepared is None else prepared:
        vectors = claim_vectors(one.analysis)
        words, sentences = word_signatures(one.analysis, vectors[0])
        writer.store(replace(one, claim_vectors=vectors, claim_words=words, sentences=sentences))
    engine.dispose()
