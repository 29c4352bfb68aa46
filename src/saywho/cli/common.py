"""What every `saywho` command shares: the Typer app, the common options, the settings, the
progress of reading documents and the one-line failure reports (the commands' modules import
this; `saywho.cli` imports them, which registers them on `app`)."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator, Mapping
from enum import Enum
from pathlib import Path
from typing import IO, Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)

from ..config import Settings
from ..errors import SaywhoError
from ..extract import extract
from ..model import Article, Failure
from ..sources import read_documents
from ..version import __version__

app = typer.Typer(
    name="saywho",
    help="Who claimed what, about whom, when, on whose authority and how hedged.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="markdown",
    pretty_exceptions_enable=False,
)
err = Console(stderr=True, highlight=False, soft_wrap=True)


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


class Notion(str, Enum):
    claims = "claims"
    broad = "broad"


NotionOpt = Annotated[
    Notion | None,
    typer.Option(
        "--notion",
        help="Which attributions: claims (statements a source makes: speech, writing, "
        "estimates, accusations, denials; the default) or broad (PolNeAR's notion, adding "
        "beliefs, attitudes and intentions: 'hopes', 'wants to'). Also SAYWHO_NOTION.",
        show_default=False,
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


def print_licences(out: Console, rows: Iterable[Mapping[str, object]]) -> None:
    """The attribution lines the rows' licences ask for (the demo's Wikinews articles), each
    once, in the order first met, under a table of them."""
    for line in dict.fromkeys(str(r["licence"]) for r in rows if r.get("licence")):
        out.print(escape(line), style="dim")
