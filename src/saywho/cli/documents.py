"""`saywho extract` and `saywho analyze`: documents in, articles or analyses out, no store."""

from __future__ import annotations

import itertools
import json
import sys
from collections.abc import Callable, Iterable, Iterator
from enum import Enum
from pathlib import Path
from typing import IO, Annotated, Any

import typer
from rich.console import Console

from ..config import Settings
from ..model import Analysis, Article, Failure
from ..serialize import analysis_to_dict, article_to_dict, article_to_text
from .common import (
    FetchOpt,
    InputsArg,
    NotionOpt,
    OutputOpt,
    PlainOpt,
    PrivateOpt,
    RulesOnlyOpt,
    StrictOpt,
    TimeoutOpt,
    _finish,
    _open_output,
    _report,
    app,
    iter_articles,
    load_settings,
)


class AnalyzeFormat(str, Enum):
    jsonl = "jsonl"
    json = "json"
    table = "table"


class ExtractFormat(str, Enum):
    jsonl = "jsonl"
    json = "json"
    text = "text"


@app.command("extract")
def extract_command(
    inputs: InputsArg,
    format: Annotated[
        ExtractFormat,
        typer.Option(
            "--format", "-f", help="jsonl: one object a line; json: one array; text: readable."
        ),
    ] = ExtractFormat.jsonl,
    output: OutputOpt = None,
    plain: PlainOpt = False,
    fetch: FetchOpt = False,
    allow_private: PrivateOpt = False,
    timeout: TimeoutOpt = None,
    strict: StrictOpt = False,
) -> None:
    """Extract clean article text and metadata from news pages.

    Prints one JSON object per document (source, id, url, site, title, standfirst, published,
    authors, language, paragraphs, text, input_format, warnings). Bad documents are reported on
    stderr and skipped; the exit status is 1 when nothing could be extracted.
    """
    settings = load_settings(plain=plain, fetch=fetch, allow_private=allow_private, timeout=timeout)
    failures: list[Failure] = []
    items = ((article, article_to_dict) for article in iter_articles(inputs, settings, failures))
    done = _write_all(
        items,
        output,
        as_json=format.value,
        render=lambda a, out, first: out.write(("" if first else "\n") + article_to_text(a)),
    )
    _finish(done, failures, strict)


def _write_all(
    items: Iterator[tuple[Any, Callable[[Any], dict[str, Any]]]],
    output: Path | None,
    as_json: str,
    render: Callable[[Any, IO[str], bool], object],
) -> int:
    """Stream results as JSON lines, one JSON array, or human-readable text; return the count.

    Each result is written (and flushed) as soon as it is ready, so a long batch shows output
    as it goes and an interrupted one keeps what was done.
    """
    out = _open_output(output)
    done = 0
    try:
        if as_json == "json":
            out.write("[")
        for item, to_dict in items:
            if as_json == "jsonl":
                out.write(json.dumps(to_dict(item), ensure_ascii=False) + "\n")
            elif as_json == "json":
                text = json.dumps(to_dict(item), ensure_ascii=False, indent=2)
                out.write(("," if done else "") + "\n" + _indent(text))
            else:
                render(item, out, done == 0)
            out.flush()
            done += 1
        if as_json == "json":
            out.write("\n]\n" if done else "]\n")
    except BrokenPipeError:  # `saywho … | head`
        sys.stderr.close()
        raise typer.Exit(0) from None
    finally:
        if output is not None:
            out.close()
    return done


@app.command("analyze")
def analyze_command(
    inputs: InputsArg,
    format: Annotated[
        AnalyzeFormat,
        typer.Option(
            "--format", "-f", help="jsonl: one object a line; json: one array; table: readable."
        ),
    ] = AnalyzeFormat.jsonl,
    output: OutputOpt = None,
    plain: PlainOpt = False,
    fetch: FetchOpt = False,
    allow_private: PrivateOpt = False,
    timeout: TimeoutOpt = None,
    strict: StrictOpt = False,
    rules_only: RulesOnlyOpt = False,
    notion: NotionOpt = None,
) -> None:
    """Find who said what in news pages: attributions (source, cue, content) and speakers.

    Prints the `extract` object of each document plus "attributions" (id, kind, field, source
    with its speaker, cue with lemma and stance, content with its parts, sentence, parent,
    confidence, method, check-worthiness, the named entities of the content), "speakers"
    (id -> name, type, descriptions) and "figures". Offsets index the string named by "field".
    """

    settings = load_settings(
        plain=plain,
        fetch=fetch,
        allow_private=allow_private,
        timeout=timeout,
        rules_only=rules_only,
        notion=notion.value if notion else None,
    )
    failures: list[Failure] = []
    analyses = analysed(iter_articles(inputs, settings, failures), settings, failures)
    done = _write_all(
        ((analysis, analysis_to_dict) for analysis in analyses),
        output,
        as_json=format.value,
        render=lambda a, out, first: _print_table(a, out, first=first),
    )
    _finish(done, failures, strict)


#: articles analysed in one `analyze_many` stream by `analysed` (its parse batch)
ANALYSED_TOGETHER = 64


def analysed(
    articles: Iterable[Article], settings: Settings, failures: list[Failure]
) -> Iterator[Analysis]:
    """`analyze_many` over `articles`, `ANALYSED_TOGETHER` at a time. Should the analysis fail
    on a group, its articles are analysed one by one and the one that fails is reported ("PATH:
    analysis failed (IndexError: …)", recorded in `failures`) and skipped, so a bug met by one
    page of a long batch does not stop the others, as `saywho ingest` records it and goes on."""
    from ..analyze import analysis_failure, analyze_many

    stream = iter(articles)
    while group := list(itertools.islice(stream, ANALYSED_TOGETHER)):
        try:
            done = list(analyze_many(group, settings))
        except Exception:  # narrowed below, article by article, and reported
            done = []
            for article in group:
                try:
                    done.append(next(analyze_many([article], settings)))
                except Exception as exc:  # a bug in analysis must not stop a batch run
                    failure = analysis_failure(article, exc)
                    failures.append(failure)
                    _report(failure)
        yield from done


def _print_table(analysis: Analysis, out: IO[str], first: bool) -> None:
    """One rich table per article: who said what, how, and how sure we are."""
    from rich.table import Table

    article = analysis.article
    fields = {
        "text": article.text,
        "title": article.title or "",
        "standfirst": article.standfirst or "",
    }
    names = {s.id: s.name for s in analysis.speakers}
    width = max(100, Console(file=out).width)
    console = Console(file=out, highlight=False, soft_wrap=False, width=width)
    if not first:
        console.print()
    table = Table(title=article.title or article.source, title_justify="left", show_lines=True,
                  caption=analysis.analyser or None, caption_justify="right")  # fmt: skip
    for column, style in (("id", "dim"), ("kind", ""), ("source → speaker", "bold"), ("cue", ""),
                          ("stance", ""), ("content", ""), ("conf", "")):  # fmt: skip
        table.add_column(column, style=style or None, overflow="fold")
    for a in analysis.attributions:
        text = fields.get(a.field, article.text)
        source = a.source.text(text) if a.source else "—"
        speaker = names.get(a.speaker or "", "")
        who = f"{source} → {speaker}" if speaker and speaker != source else source
        content = a.content_text(text)
        if len(content) > 160:
            content = content[:157] + "…"
        kind = a.kind.value + ("" if a.field == "text" else f" ({a.field})")
        cue = a.cue.text(text)
        table.add_row(a.id, kind, who, cue, a.stance.value, content, f"{a.confidence:.2f}")
    console.print(table)
    if not analysis.attributions:
        console.print("no attributions found", style="dim")


def _indent(text: str) -> str:
    return "\n".join("  " + line for line in text.splitlines())
