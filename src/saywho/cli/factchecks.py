"""The fact-check commands of `saywho`: `factchecks import`, `factchecks list`, `factchecks show`.
Registered on `saywho.cli.app` when `saywho.cli` loads."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from datetime import date
from enum import Enum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from ..config import Settings
from ..errors import SaywhoError
from ..factchecks import VERDICTS, BadRecord, from_bytes, from_jsonl
from ..factchecks.ranking import Stated, with_context
from ..model import FactCheck, Failure
from .common import _fail, _report, app, err, load_settings
from .store import DbOpt, _checked, _engine

factchecks_app = typer.Typer(help="Fact-checks (schema.org ClaimReview): import, list, show.",
                             no_args_is_help=True)  # fmt: skip
app.add_typer(factchecks_app, name="factchecks")


class InputFormat(str, Enum):
    auto = "auto"
    html = "html"
    json = "json"
    jsonl = "jsonl"
    csv = "csv"


class ListFormat(str, Enum):
    table = "table"
    json = "json"
    jsonl = "jsonl"


_SUFFIXES = {".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "json", ".csv": "csv", ".html": "html",
             ".htm": "html"}  # fmt: skip


def read_fact_checks(
    name: str, settings: Settings, fmt: str = "auto"
) -> Iterator[FactCheck | BadRecord]:
    """The fact-checks of one input: a file (by its suffix, else its content), ``-`` (JSONL on
    stdin) or an http(s) URL (fetched as ``saywho ingest --fetch`` would). JSONL and CSV are read
    as they stream; a JSON document or page is read whole, up to ``--max-bytes``."""
    if name == "-":
        yield from from_jsonl(_lines(sys.stdin.buffer, "stdin"), "stdin")
        return
    if name.startswith(("http://", "https://")):
        yield from _read_url(name, settings, fmt)
        return
    path = Path(name)
    if not path.is_file():
        yield BadRecord(name, "no such file" if not path.exists() else "not a regular file")
        return
    kind = fmt if fmt != "auto" else _SUFFIXES.get(path.suffix.casefold(), "")
    try:
        if kind == "jsonl":
            with path.open("rb") as stream:
                yield from from_jsonl(_lines(stream, name), name)
            return
        size = path.stat().st_size
        if size > settings.max_bytes:
            yield BadRecord(name, f"{size / 2**20:.1f} MiB is over --max-bytes ({settings.max_bytes / 2**20:.0f} MiB) "
                                  "for a document read whole (JSONL and CSV stream: give the records as JSONL)")  # fmt: skip
            return
        data = path.read_bytes()
    except OSError as exc:
        yield BadRecord(name, f"cannot read ({exc.strerror or exc})")
        return
    yield from from_bytes(data, name, kind, url=None)


def _read_url(url: str, settings: Settings, fmt: str) -> Iterator[FactCheck | BadRecord]:
    from ..sources.http import fetch_url

    try:
        raw = fetch_url(url, settings)
    except SaywhoError as exc:
        yield BadRecord(url, str(exc))
        return
    kind = fmt if fmt != "auto" else ("json" if "json" in (raw.media_type or "") else "")
    yield from from_bytes(raw.data, url, kind, url=raw.hints.url or url, charset=raw.charset)


def _lines(stream: object, name: str) -> Iterator[str]:
    """Decoded lines of a byte stream; an undecodable line is passed on as a line that is not
    JSON (reported with its number)."""
    for raw in stream:  # type: ignore[attr-defined]
        try:
            yield raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            yield "\x00 not UTF-8"


@factchecks_app.command("import")
def import_command(
    inputs: Annotated[
        list[str],
        typer.Argument(
            help="Files (JSON, JSONL, CSV, HTML), - for JSONL on stdin, or "
            "http(s) URLs of fact-check pages or feeds.",
            show_default=False,
        ),
    ],
    input_format: Annotated[
        InputFormat,
        typer.Option(
            "--format", "-f", help="How to read the inputs (auto: by suffix, else by content)."
        ),
    ] = InputFormat.auto,
    db: DbOpt = None,
) -> None:
    """Import fact-checks (schema.org ClaimReview) into the store: idempotent by identifier or
    URL; a changed review becomes a new version. Bad records are reported with their position and
    skipped; everything else is stored."""
    from ..store.factchecks import import_fact_checks

    settings = load_settings(db=db)
    engine = _engine(db, create=True)
    progress = Progress(SpinnerColumn(), TextColumn("importing fact-checks"), MofNCompleteColumn(),
                        TextColumn("{task.fields[errors]} errors"), TimeElapsedColumn(), console=err,
                        transient=True, disable=not err.is_terminal)  # fmt: skip
    errors = 0

    def on_event(outcome: str, where: str) -> None:
        nonlocal errors
        errors += outcome == "error"
        progress.update(task, advance=1, errors=errors)

    def records() -> Iterator[FactCheck | BadRecord]:
        for name in inputs:
            yield from read_fact_checks(name, settings, input_format.value)

    with progress:
        task = progress.add_task("import", total=None, errors=0)
        summary = _checked(lambda: import_fact_checks(engine, records(), on_event))
    for bad in summary.bad:
        err.print(f"saywho: skipped: {bad.position}: {bad.reason}", markup=False, highlight=False)
    err.print(f"saywho: {summary.stored} fact-checks stored, {summary.updated} updated (new versions), "
              f"{summary.skipped} already stored, {summary.errors} bad records; {summary.linked} stored claim "
              "clusters near them linked to a fact-check (saywho claims --fact-checked)", markup=False,
              highlight=False)  # fmt: skip
    if summary.errors and not (summary.stored or summary.updated or summary.skipped):
        raise typer.Exit(1)


def _table(title: str, first: str) -> Table:
    """A table of fact-checks in four columns (`first`, the claim reviewed, the verdict, who
    claimed it and who checked it when, at most 30 wide), so that the claim reads as words in
    an 80-column pipe (with seven, it was folded a word a line)."""
    table = Table(title=title, title_justify="left", show_lines=True)
    table.add_column(first, no_wrap=True)
    table.add_column("claim reviewed", overflow="fold")
    table.add_column("verdict", overflow="fold", max_width=16)
    table.add_column("claimed, checked", overflow="fold", max_width=30)
    return table


def _verdict(verdict: str, rating: str | None) -> str:
    """A table's verdict cell: the normalised verdict, and the rating as written when it says
    more ("false" / "Pants on Fire")."""
    if rating and rating.strip().lower() != verdict.replace("_", " "):
        return f"{verdict}\n{escape(rating)}"
    return verdict


def _checked_by(claimant: str | None, fact_checker: str | None, reviewed: object) -> str:
    """A table's cell of who claimed it and who checked it when."""
    checked = " ".join(str(x) for x in (fact_checker or "an unnamed fact-checker", reviewed) if x)
    return f"claimed by {claimant}\nchecked by {checked}" if claimant else f"checked by {checked}"


@factchecks_app.command("list")
def list_command(
    verdict: Annotated[
        str | None, typer.Option("--verdict", help=f"Only this verdict: {', '.join(VERDICTS)}.")
    ] = None,
    fact_checker: Annotated[
        str | None, typer.Option("--fact-checker", help="Only this fact-checker's.")
    ] = None,
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, max=10_000, help="How many.")] = 20,
    offset: Annotated[int, typer.Option("--offset", min=0, help="Skip this many first.")] = 0,
    output_format: Annotated[ListFormat, typer.Option("--format", "-f")] = ListFormat.table,
    db: DbOpt = None,
) -> None:
    """The stored fact-checks, newest review first."""
    from ..store.factchecks import list_fact_checks

    if verdict is not None and verdict not in VERDICTS:
        _fail(f"--verdict {verdict!r}: not a verdict (choose from {', '.join(VERDICTS)})", 2)
    total, found = _checked(
        lambda: list_fact_checks(_engine(db), verdict, fact_checker, limit, offset)
    )
    if output_format is ListFormat.json:
        typer.echo(
            json.dumps(
                {"total": total, "data": [f.to_dict() for f in found]}, ensure_ascii=False, indent=2
            )
        )
        return
    if output_format is ListFormat.jsonl:
        for f in found:
            typer.echo(json.dumps(f.to_dict(), ensure_ascii=False))
        return
    table = _table(f"fact-checks: {total} (showing {len(found)})", "id")
    for f in found:
        c = f.check
        table.add_row(str(f.id), escape(c.claim_reviewed), _verdict(c.verdict, c.rating),
                      escape(_checked_by(c.claimant, c.fact_checker, c.review_date)))  # fmt: skip
    Console(soft_wrap=False).print(table)


@factchecks_app.command("show")
def show_command(
    fact_check_id: Annotated[
        int, typer.Argument(help="A fact-check's id (see saywho factchecks list).", min=1)
    ],
    output_format: Annotated[
        ListFormat, typer.Option("--format", "-f", help="table or json.")
    ] = ListFormat.table,
    db: DbOpt = None,
) -> None:
    """One fact-check, with every version imported of it."""
    from ..store.factchecks import get_fact_check

    found, versions = _checked(lambda: get_fact_check(_engine(db), fact_check_id))
    if output_format is not ListFormat.table:
        typer.echo(json.dumps({**found.to_dict(), "versions": [v.to_dict() for v in versions]}, ensure_ascii=False,
                              indent=2 if output_format is ListFormat.json else None))  # fmt: skip
        return
    c = found.check
    typer.echo(
        f"fact-check {found.id} (version {found.version} of {len(versions)}): {c.claim_reviewed}"
    )
    typer.echo(f"claimed by {c.claimant or '—'} on {c.claim_date or '—'}")
    typer.echo(
        f"rated {c.rating or '—'} ({c.verdict}) by {c.fact_checker or '—'} on {c.review_date or '—'}"
    )
    typer.echo(f"{c.url or '(no URL)'}" + (f" · {c.language}" if c.language else "")
               + (f" · identifier {c.identifier}" if c.identifier else ""))  # fmt: skip
    typer.echo(f"read from {c.source}")


def _queries(texts: list[str], file: str | None, speaker: str | None = None,
             day: date | None = None) -> list[tuple[str, Stated]]:  # fmt: skip
    """(id, statement) of the texts to match: the arguments (ids 1, 2, …, with --speaker and
    --date) or `file` (`read_statements`: one text a line, or JSONL with ``id``, ``text`` and
    optionally ``speaker`` and ``date``; - for stdin; bad lines reported and skipped). Without a
    speaker or date, those of a post signature ending the text are used."""
    if texts and file:
        _fail("give texts or --file, not both", 2)
    if not file:
        if not texts or not any(t.strip() for t in texts):
            _fail("nothing to match: give texts or --file", 2)
        return [(str(n), with_context(t, speaker, day)) for n, t in enumerate(texts, 1)]
    from ..sources.statements import read_statements

    out: list[tuple[str, Stated]] = []
    try:
        for item in read_statements(file):
            if isinstance(item, Failure):
                _report(item)
            else:
                out.append((item.id, with_context(item.text, item.speaker or speaker,
                                                  item.day or day)))  # fmt: skip
    except SaywhoError as exc:
        _fail(str(exc), 2)
    if not out:
        _fail(f"{file}: no text to match", 2)
    return out


@factchecks_app.command("match")
def match_command(
    texts: Annotated[
        list[str] | None, typer.Argument(help="Statements to match.", show_default=False)
    ] = None,
    file: Annotated[
        str | None,
        typer.Option(
            "--file", help="One statement a line, or JSONL with id and text; - for stdin."
        ),
    ] = None,
    top: Annotated[
        int, typer.Option("--top", "-k", min=1, max=100, help="Fact-checks per statement.")
    ] = 5,
    speaker: Annotated[
        str | None, typer.Option("--speaker", help="Who made the statements (helps to rank).")
    ] = None,
    day: Annotated[
        str | None, typer.Option("--date", help="When they were made, YYYY-MM-DD (helps to rank).")
    ] = None,
    output_format: Annotated[
        ListFormat,
        typer.Option("--format", "-f", help="table, json, or jsonl (one line a statement)."),
    ] = ListFormat.table,
    db: DbOpt = None,
) -> None:
    """Rank the stored fact-checks for each statement: are these claims already fact-checked?
    Candidates found by text are re-ranked with the speaker and date when known (--speaker,
    --date, JSONL fields, or a post's signature)."""
    from ..store.factchecks import match_fact_checks

    try:
        when = date.fromisoformat(day) if day else None
    except ValueError:
        _fail(f"--date {day!r}: not a day (give YYYY-MM-DD)", 2)
        raise  # unreachable
    queries = _queries(list(texts or []), file, speaker, when)
    engine = _engine(db)
    results = _checked(lambda: match_fact_checks(engine, [s for _, s in queries], top))
    rows: list[dict[str, Any]] = [{"id": qid, "text": s.text, "matches": [m.to_dict() for m in found]}
            for (qid, s), found in zip(queries, results, strict=True)]  # fmt: skip
    if output_format is ListFormat.jsonl:
        for row in rows:
            typer.echo(json.dumps(row, ensure_ascii=False))
        return
    if output_format is ListFormat.json:
        typer.echo(json.dumps({"data": rows}, ensure_ascii=False, indent=2))
        return
    out = Console(soft_wrap=False)
    for row in rows:
        # the url under the claim, whole and folded: the link is what a reader follows
        table = _table(f"{row['id']}: {escape(str(row['text']))}", "probability")
        for m in row["matches"]:
            copies = (
                f" (also stored as {', '.join(f'#{c}' for c in m['copies'])})"
                if m["copies"]
                else ""
            )
            claim = m["claim_reviewed"] + copies + (f"\n{m['url']}" if m["url"] else "")
            table.add_row(f"{m['score']:.3f}", escape(claim), _verdict(m["verdict"], m["rating"]),
                          escape(_checked_by(m["claimant"], m["fact_checker"], m.get("review_date"))))  # fmt: skip
        out.print(table)
