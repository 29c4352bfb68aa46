"""Stage 3: one `Article` in, one `Analysis` out (a pure function).

    analyze(article, settings) -> Analysis
    analyze_many(articles, settings) -> Iterator[Analysis]     (one nlp.pipe stream)

The modules, in the order the data flows through them:

- `nlp.py`: the cached spaCy pipeline; the title, standfirst and body paragraphs parsed once;
- `quotes.py`: quotation marks paired per paragraph (every common style, long quotes);
- `cues.py`: the cue lexicon (`saywho/data/cues.tsv`): lemma, stance, frames;
- `attribution.py` with `verbs.py`, `phrases.py`, `spans.py`: rules over the parse that find
  source, cue and content; `headline.py`: attributions carried by punctuation;
- `learned.py`: a CRF trained on PolNeAR (``data/models/attribution-crf.crfsuite``, when present
  and ``python-crfsuite`` is installed) that drops the rules' findings it does not see as
  attributions and adds the ones the rules missed; without it the rules run alone;
  `tagger.py`: in its place under ``Settings(accurate=True)``, a fine-tuned transformer tagger
  (for evaluation: not shipped, see ``scripts/train_tagger.py``);
- `speakers.py`: every source resolved to one speaker id within the article;
- `entities.py`: the named entities inside each content (what the claim is about);
- `figures.py`: the numbers the article writes, their values and units, what they measure and
  the attribution each belongs to;
- `checkworthiness.py`: how likely a fact-checker is to check each attribution's content.

Offsets are character offsets into ``article.text`` — or into ``article.title`` /
``article.standfirst`` when an attribution's `field` says so — and the article is returned
unchanged.

>>> from saywho.model import Article, Span
>>> text = "The talks failed, the minister said."
>>> article = Article("id", "demo", None, None, None, None, None, (), "en", text,
...                   (Span(0, len(text)),), "plain")
>>> [a.cue.text(text) for a in analyze(article).attributions]
['said']
"""

from __future__ import annotations

import sys
import threading
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import replace
from typing import Any

from ..config import Settings
from ..model import Analysis, Article, Attribution, Failure, Span, Speaker
from ..version import __version__
from .attribution import Found, finish_findings, rule_findings
from .cues import load_lexicon
from .entities import content_entities
from .figures import find_figures
from .headline import find_headline, is_title_like
from .learned import get_tagger, model_id, refine
from .nlp import ParsedField, get_nlp, parse_articles
from .speakers import resolve_speakers
from .tagger import get_transformer

__all__ = ["analyser_name", "analysis_failure", "analyze", "analyze_many", "get_nlp",
           "load_lexicon"]  # fmt: skip


def analyser_name(settings: Settings | None = None) -> str:
    """What an analysis under `settings` is made by, recorded with every analysis and stored
    article: ``saywho VERSION rules+crf-<fingerprint> notion=claims`` (``rules+minilm-…`` with
    the accurate mode's tagger); ``rules`` alone when the
    rules run alone (``--rules-only``, or no usable model), ``notion=broad`` under
    ``--notion broad``."""
    settings = settings or Settings()
    model = (
        None
        if settings.rules_only
        else get_transformer().fingerprint
        if settings.accurate
        else model_id()
    )
    return (
        f"saywho {__version__} rules"
        + (f"+{model}" if model else "")
        + f" notion={settings.notion}"
    )


def analysis_failure(article: Article, exc: Exception) -> Failure:
    """The record of an article the analysis failed on (a bug it met there), one line naming
    it, which batch runs report or store and go on: "PATH: analysis failed (IndexError: …)"."""
    reason = f"{article.source}: analysis failed ({type(exc).__name__}: {exc})"
    return Failure(article.source, " ".join(reason.split())[:500], "E500")


def analyze(article: Article, settings: Settings | None = None) -> Analysis:
    """Find the attributions and speakers of one article."""
    return next(analyze_many([article], settings))


def analyze_many(
    articles: Iterable[Article],
    settings: Settings | None = None,
    batch_size: int = 64,
    claim_vectors: bool = False,
) -> Iterator[Analysis]:
    """`analyze` over a stream of articles, parsing them through one `nlp.pipe` stream.
    `claim_vectors`: the caller will embed the attributions' contents as claims next (ingest),
    so check-worthiness scores them with the encoder's whole graph, which gives and keeps
    their claim vectors in the same pass (9 layers a content rather than 6, and none later)."""
    settings = settings or Settings()
    learned, notion = not settings.rules_only, settings.notion
    accurate = learned and settings.accurate
    name = analyser_name(settings)
    pending: deque[Article] = deque()

    def tee() -> Iterator[Article]:
        for article in articles:
            pending.append(article)
            yield article

    scored, counted, entities = settings.checkworthiness, settings.figures, settings.entities
    if not scored:
        for fields in parse_articles(tee(), batch_size=batch_size):
            yield _analyse_parsed(pending.popleft(), fields, learned, name, counted, notion,
                                  entities, accurate)  # fmt: skip
        return
    # Articles are scored in small groups (`SCORED_TOGETHER`) in a thread of their own, with one
    # of the encoder's sessions, while parsing goes on: spaCy parses in one thread, so on two
    # cores or more the scoring takes little time of its own (onnxruntime releases the GIL).
    # Articles come out in order, each group once it is scored; at most `IN_FLIGHT` groups wait.
    waiting: list[Analysis] = []
    scorer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="saywho-checkworthiness")
    flight: deque[Future[list[Analysis]]] = deque()
    _quick_switches(+1)
    try:
        for fields in parse_articles(tee(), batch_size=batch_size):
            waiting.append(_analyse_parsed(pending.popleft(), fields, learned, name, counted,
                                           notion, entities, accurate))  # fmt: skip
            if len(waiting) >= SCORED_TOGETHER:
                flight.append(scorer.submit(_with_checkworthiness, waiting, 1, claim_vectors))
                waiting = []
            while flight and (flight[0].done() or len(flight) > IN_FLIGHT):
                yield from flight.popleft().result()
        if waiting:
            flight.append(scorer.submit(_with_checkworthiness, waiting, 1, claim_vectors))
        while flight:
            yield from flight.popleft().result()
    finally:
        _quick_switches(-1)
        scorer.shutdown(wait=False, cancel_futures=True)


#: articles whose contents are scored in one call of the scoring thread
SCORED_TOGETHER = 8
#: groups of articles that may wait to be scored before parsing waits for them
IN_FLIGHT = 16
#: how often (seconds) Python hands the GIL to another thread that waits for it, while articles
#: are scored beside the parse. The scoring thread needs the GIL briefly between two texts; at
#: Python's default (5 ms) it waited that long each time for the parsing thread to let go, so
#: the two took turns instead of running together (`benchmarks/throughput.py`, full/bare: 1.128
#: and 1.143 at 5 ms against 1.078 and 1.063 at 0.5 ms)
SWITCH_INTERVAL = 0.0005
_switching = threading.Lock()
_switch_state = {"users": 0, "before": 0.005}


def _quick_switches(change: int) -> None:
    """Count an `analyze_many` that scores beside its parse in (+1) or out (−1): the first in
    sets `SWITCH_INTERVAL` (process-wide, as Python has it), the last out restores the
    interval it found."""
    with _switching:
        users = _switch_state["users"]
        if change > 0 and users == 0:
            _switch_state["before"] = sys.getswitchinterval()
            sys.setswitchinterval(min(SWITCH_INTERVAL, sys.getswitchinterval()))
        _switch_state["users"] = users + change
        if change < 0 and users == 1:
            sys.setswitchinterval(_switch_state["before"])


def _with_checkworthiness(
    analyses: list[Analysis], threads: int | None = None, claims: bool = False
) -> list[Analysis]:
    """`analyses` with each attribution's content scored (`checkworthiness`), all in one call:
    the encoder shares a call's texts out over its threads (`threads` of them at most), and
    one article's few contents would leave them waiting on each other. `claims`: the same
    encoder pass also gives the contents' claim vectors (`CheckWorthiness.score`)."""
    from .checkworthiness import load_model

    contents = [x.content_text(a.article.field_text(x.field))
                for a in analyses for x in a.attributions]  # fmt: skip
    if not contents:
        return analyses
    scores = iter(load_model().score(contents, threads, claims))
    return [replace(a, attributions=tuple(replace(x, checkworthiness=round(float(next(scores)), 4))
                                          for x in a.attributions))
            for a in analyses]  # fmt: skip


def _analyse_parsed(
    article: Article,
    fields: list[ParsedField],
    learned: bool,
    name: str,
    figures: bool = True,
    notion: str = "claims",
    entities: bool = True,
    accurate: bool = False,
) -> Analysis:
    found, speakers = find_all(fields, learned=learned, notion=notion, authors=article.authors,
                               accurate=accurate)  # fmt: skip
    ids = [f"a{n}" for n in range(1, len(found) + 1)]
    attributions = tuple(
        Attribution(
            id=ids[i],
            kind=f.kind,
            source=Span(*f.source) if f.source is not None else None,
            speaker=f.speaker,
            cue=Span(*f.cue),
            cue_lemma=f.cue_lemma,
            stance=f.stance,
            content=Span(*f.content),
            sentence=f.sentence,
            parent=ids[f.parent] if f.parent is not None else None,
            confidence=round(max(0.05, min(0.99, f.confidence)), 2),
            field=f.field,
            method="crf" if f.rule.startswith("learned") else "rules",
            parts=tuple(Span(*p) for p in f.parts),
            first_person=f.first_person,
        )
        for i, f in enumerate(found)
    )
    if entities:
        attributions = tuple(
            replace(a, entities=found_in)
            for a, found_in in zip(
                attributions, content_entities(fields, attributions), strict=True
            )
        )
    sentences = tuple(
        Span(chunk.offset + sent.start_char, chunk.offset + sent.end_char)
        for field in fields if field.name == "text"
        for chunk in field.chunks
        for sent in chunk.doc.sents
    )  # fmt: skip
    return Analysis(
        article=article, attributions=attributions, speakers=tuple(speakers), analyser=name,
        sentences=sentences, figures=find_figures(fields, attributions) if figures else (),
    )  # fmt: skip


def find_all(
    fields: list[ParsedField],
    *,
    learned: bool = True,
    notion: str = "claims",
    authors: tuple[str, ...] = (),
    accurate: bool = False,
) -> tuple[list[Found], list[Speaker]]:
    """The rules' findings over an article's parsed fields (with the rule that fired on each),
    checked and completed by the CRF unless `learned` is false, under `notion` (``claims`` or
    ``broad``, `Settings.notion`), and its speakers: what `analyze` turns into the data model.

    Per field: the headline rules and the parse rules find (`find_headline`,
    `attribution.rule_findings`), the CRF checks the parse rules' findings and adds its own
    (`learned.refine`, never over a headline rule's cue), and `attribution.finish_findings`
    makes them final; the field's findings then join the article's in text order."""
    lexicon = load_lexicon()
    tagger: Any = (get_transformer() if accurate else get_tagger()) if learned else None
    found: list[Found] = []
    has_title = any(p.name == "title" for p in fields)
    for parsed in fields:
        title_like = not has_title and is_title_like(parsed)
        headline = find_headline(parsed, lexicon, title_like)
        rules = rule_findings(parsed, lexicon, notion=notion)
        if tagger is not None:
            rules = refine(parsed, rules, lexicon, tagger, known=headline)
        rules = finish_findings(parsed, rules, lexicon, notion=notion)
        items = headline + rules
        order = sorted(range(len(items)), key=lambda i: (items[i].cue[0], i))
        position = {i: len(found) + n for n, i in enumerate(order)}
        # parents index the article's list from here on (a rule's parent is another rule)
        items = headline + [
            f if f.parent is None else replace(f, parent=position[len(headline) + f.parent])
            for f in rules
        ]
        found.extend(items[i] for i in order)
    return resolve_speakers(found, fields, authors)
