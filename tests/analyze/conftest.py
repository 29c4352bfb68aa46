"""Fixtures for the analyse stage: articles built by hand, no files, no network."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from saywho.analyze import analyze
from saywho.model import Analysis, Article, Attribution, Span

SAMPLE_TITLE = "US covertly sponsoring ISIS – Moscow"
SAMPLE_STANDFIRST = "Washington wants to take revenge on the Taliban for its defeat, the Russian Foreign Ministry says"
# the body of src/saywho/data/demo/rt-2023-01-20-us-isis.txt, one string a paragraph
SAMPLE_PARAGRAPHS = (
    "The US has been reaching out to armed groups that oppose the Taliban and secretly giving money "
    "to Islamic State (IS, formerly ISIS), Zamir Kabulov, Russia’s presidential envoy for "
    "Afghanistan, has said.",
    "When asked if the US is in contact with the Afghan opposition in an interview with Russia 24 TV "
    "on Friday, Kabulov said, “Yes, there is such data.”",
    "The Americans have been acting this way “because they really want to avenge their shameful "
    "military-political defeat in Afghanistan, and in retaliation they do everything so that peace "
    "isn’t established in this troubled land,” he claimed.",
    "“But worst of all is that, in addition to contacts with the armed opposition in Afghanistan, the "
    "Anglo-Saxons are covertly sponsoring Islamic State, who are aimed at undermining not only the "
    "stability of our Central Asian partners… but also the security of Russia,” Kabulov added.",
    "The US and its allies pulled out of Afghanistan in August 2021 after a two-decade intervention. "
    "The chaotic withdrawal, which saw billions of dollars’ worth of American military equipment left "
    "behind, was carried out after the Taliban swept through the country and captured the capital, "
    "Kabul in a matter of weeks, facing little resistance from the Afghan military – which US forces "
    "had trained to resist the militants.",
    "The sanctions and the withdrawal of US and other foreign aid to Afghanistan after the Taliban "
    "takeover have further deepened the humanitarian crisis in the country. Under previous US-backed "
    "administrations, this aid accounted for around 75% of the Afghan budget. According to the UN, "
    "around 24.4 million people, or more than half of the country’s population, are currently in need "
    "of humanitarian assistance.",
    "In December, US Secretary of State Antony Blinken defended the Biden administration’s decision to "
    "leave Afghanistan, saying that if the American forces remained there, “it would have, I think, "
    "made much more complicated the support that we’ve been able to give and that others have been "
    "able to give Ukraine” amid the conflict with Russia.",
    "The US-based Brown University estimated that the invasion of Afghanistan cost Washington more "
    "than $2.1 trillion overall. The US Department of Defense said on Thursday that military aid "
    "provided to Kiev since the start of the conflict with Moscow last February has surpassed $26.7 "
    "billion.",
)


def build_article(text: str, title: str | None = None, standfirst: str | None = None) -> Article:
    """An article whose paragraphs are the blank-line separated blocks of `text`."""
    spans = tuple(Span(m.start(), m.end()) for m in re.finditer(r"\S(?:.*\S)?(?:\n.*\S)*", text))
    return Article(
        id="test",
        source="test",
        url=None,
        site=None,
        title=title,
        standfirst=standfirst,
        published=None,
        authors=(),
        language="en",
        text=text,
        paragraphs=spans,
        input_format="plain",
    )


def field_text(article: Article, attribution: Attribution) -> str:
    return {"title": article.title, "standfirst": article.standfirst}.get(
        attribution.field, article.text
    ) or ""


def described(analysis: Analysis) -> list[dict[str, object]]:
    """Each attribution as plain strings, for readable assertions."""
    article = analysis.article
    out = []
    for a in analysis.attributions:
        text = field_text(article, a)
        out.append(
            {
                "source": a.source.text(text) if a.source else None,
                "cue": a.cue.text(text),
                "content": a.content.text(text),
                "kind": a.kind.value,
                "stance": a.stance.value,
                "speaker": a.speaker,
                "field": a.field,
                "parent": a.parent,
                "id": a.id,
                "confidence": a.confidence,
            }
        )
    return out


@pytest.fixture
def run() -> Callable[..., list[dict[str, object]]]:
    """``run(text, title=None, standfirst=None)`` → the attributions as dicts of strings."""

    def _run(
        text: str, title: str | None = None, standfirst: str | None = None
    ) -> list[dict[str, object]]:
        return described(analyze(build_article(text, title, standfirst)))

    return _run


@pytest.fixture(scope="session")
def sample_body() -> str:
    return "\n\n".join(SAMPLE_PARAGRAPHS)


@pytest.fixture(scope="session")
def sample_analysis() -> Analysis:
    article = build_article("\n\n".join(SAMPLE_PARAGRAPHS), SAMPLE_TITLE, SAMPLE_STANDFIRST)
    return analyze(article)
