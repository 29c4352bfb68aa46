"""The store commands of `saywho`: ingest, db upgrade, search, speakers, speaker, about, export,
stats. A thin shell over `saywho.store`; registered on `saywho.cli.app` when `saywho.cli` loads."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import asdict
from datetime import datetime
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TypeVar

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

from ..errors import SaywhoError
from ..model import Kind, Stance
from ..sources import read_documents
from .common import (
    FetchOpt,
    NotionOpt,
    OutputOpt,
    PlainOpt,
    PrivateOpt,
    RulesOnlyOpt,
    StrictOpt,
    TimeoutOpt,
    _fail,
    _open_output,
    _report,
    app,
    err,
    load_settings,
    print_licences,
)

T = TypeVar("T")

if TYPE_CHECKING:  # the store (SQLAlchemy) loads only for the commands that use it
    from sqlalchemy import Engine

    from ..pipeline import DemoMeta
    from ..store import Filters


DbOpt = Annotated[
    str | None,
    typer.Option(
        "--db",
        help="The store: a file path (SQLite) or a SQLAlchemy URL such as postgresql://user@host/db "
        "(default ./saywho.db, or SAYWHO_DB).",
        show_default=False,
    ),
]
SpeakerOpt = Annotated[
    str | None, typer.Option("--speaker", help="Only claims by this speaker (any of their names).")
]
AboutOpt = Annotated[
    str | None, typer.Option("--about", help="Only claims whose content names this entity.")
]
StanceOpt = Annotated[Stance | None, typer.Option("--stance", help="Only claims with this stance.")]
KindOpt = Annotated[Kind | None, typer.Option("--kind", help="Only claims of this kind.")]
OutletOpt = Annotated[
    str | None, typer.Option("--outlet", help="Only claims from this outlet (site name).")
]
SinceOpt = Annotated[
    datetime | None,
    typer.Option(
        "--since",
        formats=["%Y-%m-%d"],
        help="Only articles published on or after this day (YYYY-MM-DD).",
    ),
]
UntilOpt = Annotated[
    datetime | None,
    typer.Option(
        "--until",
        formats=["%Y-%m-%d"],
        help="Only articles published on or before this day (YYYY-MM-DD).",
    ),
]
CheckWorthyOpt = Annotated[
    bool,
    typer.Option(
        "--check-worthy",
        help="Only attributions whose check-worthiness reaches the threshold "
        "(see saywho checkworthy).",
    ),
]


class QueryFormat(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"


class SearchSort(str, Enum):
    relevance = "relevance"
    checkworthiness = "checkworthiness"


class ExportFormat(str, Enum):
    jsonl = "jsonl"
    csv = "csv"
    parquet = "parquet"


QueryFormatOpt = Annotated[
    QueryFormat,
    typer.Option(
        "--format", "-f", help="table: readable; json: one object; csv: one row per claim."
    ),
]


def _checked(call: Callable[[], T]) -> T:
    """Run one store call; a `SaywhoError` becomes the CLI's one-line error and exit status 2."""
    try:
        return call()
    except SaywhoError as exc:
        _fail(str(exc), 2)
        raise  # unreachable: _fail exits


def _engine(db: str | None, create: bool = False) -> Engine:
    """The store named by --db / SAYWHO_DB, at the current schema (errors exit with one line)."""
    from ..store import open_store

    settings = load_settings(db=db)
    try:
        return open_store(settings.db, create=create)
    except SaywhoError as exc:
        _fail(str(exc), 2)
        raise  # unreachable


def _filters(query: str | None = None, speaker: str | None = None, about: str | None = None,
             stance: Stance | None = None, kind: Kind | None = None, outlet: str | None = None,
             since: datetime | None = None, until: datetime | None = None, limit: int | None = None,
             check_worthy: bool = False, sort: str = "relevance") -> Filters:  # fmt: skip
    from ..store import Filters

    return Filters(query=query, speaker=speaker, about=about, stance=stance.value if stance else None,
                   kind=kind.value if kind else None, outlet=outlet,
                   since=since.date() if since else None, until=until.date() if until else None, limit=limit,
                   check_worthy=check_worthy, sort=sort)  # fmt: skip


def _estimate_total(inputs: list[str]) -> int | None:
    """How many files the inputs hold (containers may hold more documents: then no total)."""
    total = 0
    for name in inputs:
        path = Path(name)
        if name == "-" or "://" in name or not path.exists():
            return None
        if path.is_dir():
            total += sum(1 for p in path.rglob("*") if p.is_file() and not any(
                part.startswith(".") for part in p.relative_to(path).parts))  # fmt: skip
        else:
            total += 1
    return total or None


@app.command("ingest")
def ingest_command(
    inputs: Annotated[
        list[str] | None,
        typer.Argument(help="Files, directories, URLs or - (as for extract).", show_default=False),
    ] = None,
    db: DbOpt = None,
    workers: Annotated[
        int,
        typer.Option(
            "--workers",
            "-w",
            min=1,
            help="Processes that analyse in parallel (the store is written by this one).",
        ),
    ] = 1,
    dask: Annotated[
        str | None,
        typer.Option(
            "--dask",
            metavar="SCHEDULER",
            help="Analyse on Dask distributed workers: a scheduler address (tcp://host:8786) or "
            "local (a LocalCluster of --workers processes). This process still writes the store.",
            show_default=False,
        ),
    ] = None,
    demo: Annotated[
        bool,
        typer.Option(
            "--demo",
            help="Also ingest the bundled demo corpus (the RT sample and 260 Wikinews articles, CC BY 2.5).",
        ),
    ] = False,
    plain: PlainOpt = False,
    fetch: FetchOpt = False,
    allow_private: PrivateOpt = False,
    timeout: TimeoutOpt = None,
    strict: StrictOpt = False,
    rules_only: RulesOnlyOpt = False,
    notion: NotionOpt = None,
) -> None:
    """Extract, analyse and store documents in the store (idempotent, one transaction per article).

    An article already stored (same canonical URL or same body) is skipped, a changed article is
    stored as a new version, a bad document is recorded in ingest_errors and the run goes on.
    Interrupting loses nothing committed: rerun the same command to finish.
    """
    import time

    from rich.progress import TimeRemainingColumn

    from ..pipeline import demo_corpus, ingest

    names = list(inputs or [])
    if not names and not demo:
        _fail("nothing to ingest: name files, directories or URLs, or use --demo", 2)
    settings = load_settings(
        plain=plain,
        fetch=fetch,
        allow_private=allow_private,
        timeout=timeout,
        db=db,
        rules_only=rules_only,
        notion=notion.value if notion else None,
    )
    engine = _engine(db, create=True)
    meta: dict[str, DemoMeta] = {}
    if demo:
        try:
            demo_paths, meta = demo_corpus()
        except SaywhoError as exc:
            _fail(str(exc), 2)
        names = demo_paths + names
    started = time.monotonic()
    progress = Progress(
        SpinnerColumn(),
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[rate]:.1f} docs/s"),
        TextColumn("{task.fields[errors]} errors"),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=err,
        transient=True,
        disable=not err.is_terminal,
    )
    counts = {"errors": 0, "done": 0}

    def on_event(outcome: str, source: str) -> None:
        counts["done"] += 1
        if outcome == "error":
            counts["errors"] += 1
        rate = counts["done"] / max(time.monotonic() - started, 1e-6)
        task_total = progress.tasks[0].total
        if task_total is not None and counts["done"] > task_total:
            progress.update(task, total=None)
        progress.update(task, advance=1, errors=counts["errors"], rate=rate)

    with progress:
        task = progress.add_task("ingesting", total=_estimate_total(names), errors=0, rate=0.0)
        try:
            with ExitStack() as stack:
                analyser = None
                if dask is not None:
                    from ..pipeline.distributed import dask_analyser, dask_client

                    client = stack.enter_context(dask_client(dask, workers))
                    analyser = dask_analyser(client, settings=settings)
                summary = ingest(engine, read_documents(names, settings), settings, inputs=names,
                                 workers=workers, meta=meta, on_event=on_event, analyser=analyser)  # fmt: skip
        except SaywhoError as exc:
            _fail(str(exc), 2)
    for failure in summary.failures:
        _report(failure)
    elapsed = time.monotonic() - started
    total = summary.stored + summary.updated + summary.skipped + summary.errors
    err.print(
        f"saywho: ingest run {summary.run_id}: {total} documents in {elapsed:.1f}s "
        f"({total / max(elapsed, 1e-6):.1f} docs/s): {summary.stored} stored, {summary.updated} updated, "
        f"{summary.skipped} already stored, {summary.errors} failed → {settings.db}",
        markup=False, highlight=False,
    )  # fmt: skip
    if summary.other_analysers:
        others = "; ".join(f"{n} by {name}" for name, n in summary.other_analysers.items())
        err.print(f"saywho: note: this run analyses with {summary.analyser}, but articles in the store "
                  f"were analysed otherwise ({others}); articles already stored are skipped, not "
                  "re-analysed: ingest into a new --db to analyse them again",
                  markup=False, highlight=False)  # fmt: skip
    if demo:
        err.print("saywho: the Wikinews articles are CC BY 2.5 (Wikinews, https://en.wikinews.org/); "
                  "each article's attribution line is stored with it and shown in results.",
                  markup=False, highlight=False)  # fmt: skip
    done = summary.stored + summary.updated + summary.skipped
    if done == 0 and summary.errors:
        raise typer.Exit(1)
    if strict and summary.errors:
        raise typer.Exit(3)


db_app = typer.Typer(help="Manage the store's schema.", no_args_is_help=True)
app.add_typer(db_app, name="db")


@db_app.command("upgrade")
def db_upgrade_command(db: DbOpt = None) -> None:
    """Create the store, or migrate an older one to this saywho's schema (Alembic)."""
    from ..store import make_engine, upgrade
    from ..store.claims import claims_stale, rebuild

    settings = load_settings(db=db)
    engine = make_engine(settings.db)
    try:
        before, after = upgrade(engine)
    except SaywhoError as exc:
        _fail(str(exc), 2)
        return
    if before == after:
        typer.echo(f"{settings.db}: already at schema revision {after}")
    else:
        typer.echo(f"{settings.db}: schema revision {before or '(new store)'} → {after}")
    if (before and before < "0005" <= after) or _checked(lambda: claims_stale(engine)):
        # stores from before claims existed: their attributions become claims now; stores whose
        # claims were embedded by other weights than this saywho's: they are embedded again
        with err.status("clustering the stored claims…"):
            count, clusters = _checked(lambda: rebuild(engine))
        typer.echo(f"{settings.db}: {count} claims in {clusters} clusters")


@app.command("search")
def search_command(
    query: Annotated[
        str,
        typer.Argument(
            help='Words to find in claim contents; "quoted phrases" are kept together. FTS operators are searched as words.'
        ),
    ],
    speaker: SpeakerOpt = None,
    about: AboutOpt = None,
    stance: StanceOpt = None,
    kind: KindOpt = None,
    outlet: OutletOpt = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    check_worthy: CheckWorthyOpt = False,
    sort: Annotated[
        SearchSort,
        typer.Option(
            "--sort", help="relevance: best match first; checkworthiness: most check-worthy first."
        ),
    ] = SearchSort.relevance,
    limit: Annotated[
        int, typer.Option("--limit", "-n", min=1, help="Most results shown, best first.")
    ] = 20,
    format: QueryFormatOpt = QueryFormat.table,
    db: DbOpt = None,
) -> None:
    """Full-text search over what was claimed, ranked, with the matching words highlighted («…»)."""
    from ..store import ranked_window, search

    engine = _engine(db)
    filters = _filters(
        query, speaker, about, stance, kind, outlet, since, until, limit, check_worthy, sort.value
    )
    try:
        claims = search(engine, filters)
    except SaywhoError as exc:
        _fail(str(exc), 2)
        return
    found = _with_fact_checks(engine, [c.to_dict() for c in claims])
    _print_claims(found, format, title=f"search: {query}", snippet=True)
    window = ranked_window(engine, filters)
    if window is not None and len(claims) >= window:
        err.print(f"saywho: note: a search without filters ranks its {window:,} most recently "
                  "stored matches; add --since/--until to reach older ones",
                  markup=False, highlight=False)  # fmt: skip


@app.command("speakers")
def speakers_command(
    top: Annotated[
        int, typer.Option("--top", "-n", min=1, help="How many speakers, most quoted first.")
    ] = 20,
    generic: Annotated[
        bool,
        typer.Option(
            "--generic",
            help='Also list generic sources ("police", "researchers"): one per article, never '
            "merged across articles.",
        ),
    ] = False,
    format: QueryFormatOpt = QueryFormat.table,
    db: DbOpt = None,
) -> None:
    """The speakers with the most attributions, merged across articles (generic sources such
    as "police" or "researchers" left out unless --generic)."""
    from ..store import speakers_top

    rows = _checked(lambda: speakers_top(_engine(db), top, generic=generic))
    _print_rows([asdict(r) for r in rows], format, title="speakers", key="speakers")


@app.command("speaker")
def speaker_command(
    name: Annotated[str, typer.Argument(help='A speaker\'s name, full or surname ("Kabulov").')],
    format: Annotated[
        QueryFormat, typer.Option("--format", "-f", help="table or json (csv: the latest claims).")
    ] = QueryFormat.table,
    latest: Annotated[
        int, typer.Option("--latest", min=0, help="How many latest claims to show.")
    ] = 5,
    db: DbOpt = None,
) -> None:
    """One speaker: names, roles with dates, counts by stance, timeline by month, latest claims."""
    from ..store import speaker_profile

    engine = _engine(db)
    profile = _checked(lambda: speaker_profile(engine, name, latest))
    latest_claims = _with_fact_checks(engine, [c.to_dict() for c in profile.latest])
    if format is QueryFormat.json:
        typer.echo(
            json.dumps({**profile.to_dict(), "latest": latest_claims}, ensure_ascii=False, indent=2)
        )
        return
    if format is QueryFormat.csv:
        _print_claims(latest_claims, format, title="", snippet=False)
        return
    out = Console(highlight=False, soft_wrap=True)
    out.print(
        f"[bold]{escape(profile.name)}[/] ({profile.type}), {profile.attributions} attributions"
    )
    if profile.aliases:
        out.print("also named: " + escape(", ".join(profile.aliases)))
    for role in profile.roles:
        out.print(
            f"  role: {escape(role.role)} ({role.first_seen or '?'} – {role.last_seen or '?'}, ×{role.count})"
        )
    out.print("by stance: " + ", ".join(f"{k} {v}" for k, v in profile.by_stance.items()))
    out.print("timeline: " + ", ".join(f"{k} {v}" for k, v in profile.timeline.totals().items()))
    if profile.other_matches:
        out.print(
            "other speakers matching that name: " + escape(", ".join(profile.other_matches)),
            style="dim",
        )
    _print_claims(latest_claims, QueryFormat.table, title="latest claims", snippet=False)


@app.command("about")
def about_command(
    entity: Annotated[
        str,
        typer.Argument(
            help='A person, place or organisation named inside claims ("Islamic State").'
        ),
    ],
    format: QueryFormatOpt = QueryFormat.table,
    per_speaker: Annotated[
        int, typer.Option("--per-speaker", min=1, help="Claims shown per speaker.")
    ] = 3,
    db: DbOpt = None,
) -> None:
    """Claims about an entity, grouped by who made them (most claims first)."""
    from ..store import about as about_query

    engine = _engine(db)
    groups = _checked(lambda: about_query(engine, entity, per_speaker))
    if format is QueryFormat.json:
        typer.echo(
            json.dumps(
                {"entity": entity, "count": len(groups), "data": [g.to_dict() for g in groups]},
                ensure_ascii=False,
                indent=2,
            )
        )
        return
    claims = _with_fact_checks(
        engine, [{**c.to_dict(), "speaker": g.speaker} for g in groups for c in g.claims]
    )
    if format is QueryFormat.csv:
        _print_claims(claims, format, title="", snippet=False)
        return
    out = Console(highlight=False, soft_wrap=True)
    if not groups:
        out.print(f"no claims about {escape(entity)}", style="dim")
    for g in groups:
        out.print(f"[bold]{escape(g.speaker)}[/]: {g.count} claim(s) about {escape(entity)}")
    _print_claims(claims, QueryFormat.table, title=f"about: {entity}", snippet=False, empty="")


@app.command("export")
def export_command(
    format: Annotated[
        ExportFormat,
        typer.Option("--format", "-f", help="jsonl, csv or parquet (parquet needs --output)."),
    ] = ExportFormat.jsonl,
    output: OutputOpt = None,
    speaker: SpeakerOpt = None,
    about: AboutOpt = None,
    stance: StanceOpt = None,
    kind: KindOpt = None,
    outlet: OutletOpt = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    check_worthy: CheckWorthyOpt = False,
    db: DbOpt = None,
) -> None:
    """Export every matching claim (current article versions), streamed and complete.

    Columns: id, speaker, source, cue, cue_lemma, stance, kind, content, confidence, method,
    checkworthiness, check_worthy, title, url, outlet, published, article_source, licence,
    claim_id (the claim across articles it states: saywho claim ID), fact_checks (those that
    address that claim: a list in JSON lines, one cell in CSV and Parquet). The row count is
    printed on stderr.
    """
    from ..store import export

    if format is ExportFormat.parquet and output is None:
        _fail("parquet is binary: give --output FILE", 2)
    engine = _engine(db)
    filters = _filters(
        None, speaker, about, stance, kind, outlet, since, until, check_worthy=check_worthy
    )
    try:
        if format is ExportFormat.parquet:
            assert output is not None
            with output.open("wb") as binary:
                written = export(engine, filters, format.value, binary)
        else:
            out = _open_output(output)
            try:
                written = export(engine, filters, format.value, out)
            finally:
                if output is not None:
                    out.close()
    except BrokenPipeError:
        sys.stderr.close()
        raise typer.Exit(0) from None
    except OSError as exc:
        _fail(f"{output}: cannot write ({exc.strerror or exc})", 2)
        return
    except SaywhoError as exc:
        _fail(str(exc), 2)
        return
    err.print(f"saywho: exported {written} claims", markup=False, highlight=False)


@app.command("stats")
def stats_command(
    format: Annotated[
        QueryFormat, typer.Option("--format", "-f", help="table or json.")
    ] = QueryFormat.table,
    db: DbOpt = None,
) -> None:
    """Counts of articles, versions, attributions, speakers, outlets, mentions, ingest runs and
    errors, and of the current article versions by what analysed them."""
    from ..store import analysers, stats

    engine = _engine(db)
    counts = _checked(lambda: stats(engine))
    made_by = _checked(lambda: analysers(engine))
    if format is QueryFormat.json:
        typer.echo(json.dumps({**counts, "analysers": made_by}, indent=2))
    else:
        rows = [{"what": k, "count": v} for k, v in counts.items()]
        rows += [{"what": f"analysed by {name}", "count": n} for name, n in made_by.items()]
        _print_rows(rows, format, title="store", key="stats")


def _print_rows(rows: list[dict[str, object]], format: QueryFormat, title: str, key: str) -> None:
    if format is QueryFormat.json:
        typer.echo(json.dumps({key: rows, "count": len(rows)}, ensure_ascii=False, indent=2))
        return
    if format is QueryFormat.csv:
        _write_csv(rows)
        return
    from rich.table import Table

    table = Table(title=title, title_justify="left")
    for column in rows[0] if rows else ["(empty)"]:
        table.add_column(str(column), overflow="fold")
    for row in rows:
        table.add_row(*(escape(str(v)) for v in row.values()))
    Console(highlight=False).print(table)


def _write_csv(rows: list[dict[str, object]]) -> None:
    import csv

    if not rows:
        return
    writer = csv.DictWriter(sys.stdout, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)


def _with_fact_checks(engine: Engine, claims: list[dict[str, object]]) -> list[dict[str, object]]:
    """`claims` (attributions as dicts), each with its claim across articles and the fact-checks
    that address it (`claim_id`, `fact_checks`), as the API and the web pages give them."""
    from ..store.claim_query import claim_links

    links = _checked(lambda: claim_links(engine, [int(str(c["id"])) for c in claims]))
    return [{**c, **links[int(str(c["id"]))]} for c in claims]


def _print_claims(claims: list[dict[str, object]], format: QueryFormat, title: str, snippet: bool,
                  empty: str = "no matching claims") -> None:  # fmt: skip
    """Claims as a table (with the licence lines of the articles shown), JSON or CSV; a claim
    with `fact_checks` says who checked it (the claims list's wording)."""
    from ..store.claim_query import fact_check_summary

    def checked(c: dict[str, object]) -> str:
        checks = c.get("fact_checks")
        return fact_check_summary(checks) if isinstance(checks, list) else ""

    if format is QueryFormat.json:
        typer.echo(json.dumps({"data": claims, "count": len(claims)}, ensure_ascii=False, indent=2))
        return
    if format is QueryFormat.csv:
        _write_csv([{**c, "fact_checks": checked(c)} if "fact_checks" in c else c for c in claims])
        return
    from rich.table import Table

    out = Console(highlight=False)
    if not claims:
        if empty:
            out.print(empty, style="dim")
        return
    # three columns, so that a claim reads as words in an 80-column terminal or pipe (six once
    # folded it a dozen letters a line): who, with how they said it; the claim; where and when
    table = Table(title=title or None, title_justify="left", show_lines=True)
    table.add_column("who, how", overflow="fold", max_width=22)
    table.add_column("claim", overflow="fold", ratio=1)
    table.add_column("article", overflow="fold", max_width=24)
    for c in claims:
        text = str(c.get("snippet") if snippet and c.get("snippet") else c.get("content") or "")
        text = escape(text).replace("«", "[bold yellow]").replace("»", "[/]")
        if summary := checked(c):
            text += "\n" + escape(f"fact-checked: {summary}")
        day = str(c.get("published") or "")[:10]
        article = " · ".join(str(x) for x in (c.get("title"), c.get("outlet"), day) if x)
        who = str(c.get("speaker") or c.get("source") or "—")
        how = f"{c['cue']}\n{c['stance']} · {c['kind']}"
        table.add_row(f"[bold]{escape(who)}[/]\n{escape(how)}", text, escape(article))
    out.print(table)
    print_licences(out, claims)
