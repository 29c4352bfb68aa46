"""The `saywho` command: a thin shell over the library (Typer + Rich)."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from enum import Enum
from pathlib import Path
from typing import IO, Annotated, Any

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)

from . import __version__
from .config import Settings
from .errors import SaywhoError
from .extract import extract
from .model import Analysis, Article, Failure
from .serialize import analysis_to_dict, article_to_dict, article_to_text
from .sources import read_documents

app = typer.Typer(
    name="saywho",
    help="Who claimed what, about whom, when, on whose authority and how hedged.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="markdown",
    pretty_exceptions_enable=False,
)
err = Console(stderr=True, highlight=False, soft_wrap=True)


class AnalyzeFormat(str, Enum):
    jsonl = "jsonl"
    json = "json"
    table = "table"


class ExtractFormat(str, Enum):
    jsonl = "jsonl"
    json = "json"
    text = "text"


def _version(value: bool) -> None:
    if value:
        typer.echo(f"saywho {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    """saywho turns news pages into an auditable record of attributions."""


InputsArg = Annotated[
    list[str],
    typer.Argument(
        help="Files, directories (recursive), http(s) URLs, or - for stdin. HTML (also .gz), "
        "flattened or plain text, WARC/ARC, RSS/Atom feeds and JSONL are recognised by content.",
        show_default=False,
    ),
]
PlainOpt = Annotated[
    bool,
    typer.Option(
        "--plain", help="Treat text input as already clean: no cleanup; offsets index the input."
    ),
]
FetchOpt = Annotated[
    bool, typer.Option("--fetch", help="Fetch the pages of feed entries that carry only a link.")
]
RulesOnlyOpt = Annotated[
    bool,
    typer.Option(
        "--rules-only",
        help="Find attributions with the rules alone, without the learned CRF: fewer, surer "
        "attributions outside US political news (also SAYWHO_RULES_ONLY=1).",
    ),
]
PrivateOpt = Annotated[
    bool,
    typer.Option(
        "--allow-private", help="Allow URLs on loopback, private or link-local addresses."
    ),
]
TimeoutOpt = Annotated[
    float | None,
    typer.Option(
        "--timeout", min=0.1, help="HTTP timeout in seconds (default 20, or SAYWHO_TIMEOUT)."
    ),
]
OutputOpt = Annotated[
    Path | None, typer.Option("--output", "-o", help="Write to this file instead of stdout.")
]
StrictOpt = Annotated[
    bool, typer.Option("--strict", help="Exit non-zero if any document fails, not only if all do.")
]


def load_settings(**overrides: object) -> Settings:
    try:
        base = Settings.from_env()
    except SaywhoError as exc:
        _fail(str(exc), 2)
    return base.with_overrides(
        **{k: (v or None) if isinstance(v, bool) else v for k, v in overrides.items()}
    )


def _fail(message: str, code: int) -> None:
    err.print(f"[bold red]saywho: error:[/] {message}", markup=True, highlight=False)
    raise typer.Exit(code)


def iter_articles(
    inputs: list[str], settings: Settings, failures: list[Failure]
) -> Iterator[Article]:
    """Extract every document, recording failures and going on, with a progress display."""
    progress = Progress(
        SpinnerColumn(),
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[errors]} errors"),
        TimeElapsedColumn(),
        console=err,
        transient=True,
        disable=not err.is_terminal,
    )
    with progress:
        task = progress.add_task("extracting", total=None, errors=0)
        for item in read_documents(inputs, settings):
            if isinstance(item, Failure):
                failures.append(item)
                _report(item)
            else:
                try:
                    yield extract(item, settings)
                except SaywhoError as exc:
                    failure = Failure(item.source, str(exc), exc.code)
                    failures.append(failure)
                    _report(failure)
            progress.update(task, advance=1, errors=len(failures))


def _report(failure: Failure) -> None:
    err.print(f"saywho: skipped: {failure.reason}", markup=False, highlight=False)


def _open_output(output: Path | None) -> IO[str]:
    if output is None:
        return sys.stdout
    try:
        return output.open("w", encoding="utf-8")
    except OSError as exc:
        _fail(f"{output}: cannot write ({exc.strerror or exc})", 2)
        raise  # unreachable


def _finish(done: int, failures: list[Failure], strict: bool) -> None:
    if failures:
        err.print(
            f"saywho: {done} done, {len(failures)} failed: "
            + ", ".join(f.source for f in failures[:10])
            + (" …" if len(failures) > 10 else ""),
            markup=False,
            highlight=False,
        )
    if done == 0 and failures:
        raise typer.Exit(1)
    if done == 0:
        _fail("no documents found in the inputs", 1)
    if strict and failures:
        raise typer.Exit(3)


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
) -> None:
    """Find who said what in news pages: attributions (source, cue, content) and speakers.

    Prints the `extract` object of each document plus "attributions" (id, kind, field, source
    with its speaker, cue with lemma and stance, content, sentence, parent, confidence) and
    "speakers" (id -> name, type, descriptions). Offsets index the string named by "field".
    """
    from .analyze import analyze_many  # spaCy loads only for this command

    settings = load_settings(
        plain=plain,
        fetch=fetch,
        allow_private=allow_private,
        timeout=timeout,
        rules_only=rules_only,
    )
    failures: list[Failure] = []
    analyses = analyze_many(iter_articles(inputs, settings, failures), settings)
    done = _write_all(
        ((analysis, analysis_to_dict) for analysis in analyses),
        output,
        as_json=format.value,
        render=lambda a, out, first: _print_table(a, out, first=first),
    )
    _finish(done, failures, strict)


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
        content = a.content.text(text)
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


def run() -> None:
    """Console-script entry point: errors never escape as tracebacks."""
    try:
        app()
    except SaywhoError as exc:
        err.print(f"saywho: error: {exc}", markup=False, highlight=False)
        raise SystemExit(2) from None
    except KeyboardInterrupt:
        err.print("saywho: interrupted", markup=False)
        raise SystemExit(130) from None


# the store commands (ingest, db, search, speakers, speaker, about, export, stats) live in their
# own module to keep this one small; importing it registers them on `app`
# (`saywho serve`, the web UI and API, likewise lives in cli_serve)
from . import cli_claims, cli_factchecks, cli_figures, cli_serve, cli_store  # noqa: E402, F401
