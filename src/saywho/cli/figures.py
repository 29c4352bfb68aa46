"""`saywho figures`: the numbers stored articles write, whose they are and what they measure.
Registered on `saywho.cli.app` when `saywho.cli` loads."""

from __future__ import annotations

import csv
import json
import sys
from enum import Enum
from typing import IO, TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.markup import escape

from ..analyze.figures import human_amount
from ..errors import SaywhoError
from .common import OutputOpt, _fail, _open_output, app, err, print_licences
from .store import AboutOpt, DbOpt, OutletOpt, SinceOpt, UntilOpt, _engine

if TYPE_CHECKING:
    from sqlalchemy import Connection

    from ..store.figure_query import FigureFilters


class FigureFormat(str, Enum):
    table = "table"
    json = "json"
    jsonl = "jsonl"
    csv = "csv"


class Whose(str, Enum):
    all = "all"
    attributed = "attributed"
    own = "own"


#: the columns of --format csv (and the keys of json/jsonl), in order
COLUMNS = ("id", "text", "value", "high", "unit", "qualifier", "measure", "field", "start", "end",
           "attribution_id", "speaker", "source", "cue", "content", "article_id", "title", "url",
           "outlet", "published", "article_source", "licence")  # fmt: skip


@app.command("figures")
def figures_command(
    speaker: Annotated[
        str | None,
        typer.Option(
            "--speaker", help="Only figures in what this speaker said (any of their names)."
        ),
    ] = None,
    about: AboutOpt = None,
    unit: Annotated[
        str | None,
        typer.Option(
            "--unit",
            help='Only figures in this unit: a currency code ("USD"), "percent", "fraction", '
            'a unit ("square kilometre") or what a count counts ("people").',
        ),
    ] = None,
    outlet: OutletOpt = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    whose: Annotated[
        Whose,
        typer.Option(
            "--whose",
            help="attributed: figures inside an attribution; own: those the articles state "
            "themselves; all: both.",
        ),
    ] = Whose.all,
    min_value: Annotated[
        float | None, typer.Option("--min-value", help="Only figures of at least this value.")
    ] = None,
    max_value: Annotated[
        float | None, typer.Option("--max-value", help="Only figures of at most this value.")
    ] = None,
    limit: Annotated[
        int,
        typer.Option(
            "--limit", "-n", min=0, help="Most figures, newest article first (0: all of them)."
        ),
    ] = 50,
    format: Annotated[
        FigureFormat,
        typer.Option(
            "--format",
            "-f",
            help="table: readable; json: one object; jsonl or csv: one figure a line.",
        ),
    ] = FigureFormat.table,
    output: OutputOpt = None,
    db: DbOpt = None,
) -> None:
    """Figures in stored articles ("$2.1 trillion", "24.4 million people", "75%"): value, unit,
    what they measure, and whose they are: the speaker of the attribution that holds them, or
    the article itself."""
    from ..store.figure_query import FigureFilters, find_figures
    from ..store.query import run_read

    filters = FigureFilters(
        speaker=speaker, about=about, unit=unit, outlet=outlet,
        since=since.date() if since else None, until=until.date() if until else None,
        attributed={Whose.all: None, Whose.attributed: True, Whose.own: False}[whose],
        min_value=min_value, max_value=max_value, limit=limit or None,
    )  # fmt: skip
    engine = _engine(db)
    try:
        if format in (FigureFormat.jsonl, FigureFormat.csv):
            out = _open_output(output)
            try:
                written = run_read(
                    engine, "read figures", lambda conn: _stream(conn, filters, format, out)
                )
            finally:
                if output is not None:
                    out.close()
            err.print(f"saywho: {written} figures", markup=False, highlight=False)
            return
        rows = [f.to_dict() for f in find_figures(engine, filters)]
    except BrokenPipeError:
        sys.stderr.close()
        raise typer.Exit(0) from None
    except OSError as exc:
        _fail(f"{output}: cannot write ({exc.strerror or exc})", 2)
        return
    except SaywhoError as exc:
        _fail(str(exc), 2)
        return
    text = json.dumps({"data": rows, "count": len(rows)}, ensure_ascii=False, indent=2)
    if format is FigureFormat.json:
        out = _open_output(output)
        out.write(text + "\n")
        if output is not None:
            out.close()
        return
    _table(rows)


def _stream(conn: Connection, filters: FigureFilters, format: FigureFormat, out: IO[str]) -> int:
    """Every figure `filters` selects (up to its limit) written to `out` as JSON lines or CSV."""
    from ..store.figure_query import iter_figures

    writer = csv.DictWriter(out, fieldnames=COLUMNS) if format is FigureFormat.csv else None
    if writer is not None:
        writer.writeheader()
    written = 0
    for figure in iter_figures(conn, filters):
        row = figure.to_dict()
        if writer is not None:
            writer.writerow(row)
        else:
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
        written += 1
        if filters.limit is not None and written >= filters.limit:
            break
    return written


def _table(rows: list[dict[str, object]]) -> None:
    from rich.table import Table

    out = Console(highlight=False)
    if not rows:
        out.print("no matching figures", style="dim")
        return
    table = Table(title="figures", title_justify="left", show_lines=True)
    # three columns, so that an 80-column pipe reads words (with five, an article's title was
    # folded a few letters a line): the figure with its value, what it measures, and whose it
    # is with the article (at most 30 wide: a wide terminal gives the rest to the others)
    table.add_column("figure", overflow="fold")
    table.add_column("measure", overflow="fold")
    table.add_column("whose", overflow="fold", max_width=30)
    for r in rows:
        value = human_amount(
            None if r["value"] is None else float(str(r["value"])),
            None if r["high"] is None else float(str(r["high"])),
            str(r["unit"]) if r["unit"] else None,
            to=" – ",
            vague="—",
        )
        qualifier = str(r["qualifier"] or "")
        figure = (
            f"{qualifier} {r['text']}"
            if qualifier and qualifier not in str(r["text"])
            else str(r["text"])
        )
        whose = (
            f"{r['speaker'] or r['source'] or '(unnamed)'} ({r['cue']})"
            if r["attribution_id"]
            else "the article"
        )
        day = str(r.get("published") or "")[:10]
        where = " · ".join(str(x) for x in (day, r.get("outlet")) if x)
        article = "\n".join(str(x) for x in (where, r.get("title")) if x)
        table.add_row(
            escape(f"{figure}\n= {value}" if value != figure else figure),
            escape(str(r["measure"] or "")),
            escape(f"{whose}\n{article}" if article else whose),
        )
    out.print(table)
    print_licences(out, rows)
