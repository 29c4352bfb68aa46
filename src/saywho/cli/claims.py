"""The claim commands of `saywho`: `claims` (and `claims rebuild`), `claim`, `similar` over the
store, and `cluster` (an analyst's own list of statements, no store). Registered on
`saywho.cli.app` when `saywho.cli` loads."""

from __future__ import annotations

import csv
import json
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from ..errors import SaywhoError
from ..model import Failure
from ..sources.statements import Statement
from .common import OutputOpt, _fail, _open_output, _report, app, err, print_licences
from .store import (
    AboutOpt,
    DbOpt,
    OutletOpt,
    SinceOpt,
    SpeakerOpt,
    UntilOpt,
    _checked,
    _engine,
    _write_csv,
)


class ClusterMethod(str, Enum):
    auto = "auto"
    batch = "batch"
    incremental = "incremental"


class ClusterFormat(str, Enum):
    jsonl = "jsonl"
    csv = "csv"


def _statements(file: str, none: str) -> tuple[list[Statement], list[Failure]]:
    """The statements of `file` (`read_statements`), bad lines reported on stderr; exits 1
    when it cannot be read or holds none (`none` says what for)."""
    from ..sources.statements import read_statements

    statements: list[Statement] = []
    failures: list[Failure] = []
    try:
        for item in read_statements(file):
            if isinstance(item, Failure):
                failures.append(item)
                _report(item)
            else:
                statements.append(item)
    except SaywhoError as exc:
        _fail(str(exc), 1)
    if not statements:
        _fail(f"{file}: {none}", 1)
    return statements, failures


@app.command("cluster")
def cluster_command(
    file: Annotated[
        str,
        typer.Argument(
            help="A list of statements: one per line, or JSONL with id and text; - for stdin.",
            show_default=False,
        ),
    ],
    threshold: Annotated[
        float | None,
        typer.Option(
            "--threshold",
            min=0.0,
            max=1.0,
            help="Mean similarity at which statements share a cluster "
            "(default: the tuned one, 0.475). Higher: tighter clusters.",
        ),
    ] = None,
    method: Annotated[
        ClusterMethod,
        typer.Option(
            "--method",
            help="batch: exact average linkage over the whole list; "
            "incremental: one statement at a time in file order, as the store does; "
            "auto: batch up to 10,000 statements.",
        ),
    ] = ClusterMethod.auto,
    format: Annotated[
        ClusterFormat,
        typer.Option(
            "--format", "-f", help='jsonl: {"id", "cluster"} a line; csv: id,cluster with a header.'
        ),
    ] = ClusterFormat.jsonl,
    output: OutputOpt = None,
) -> None:
    """Group statements that state the same claim (paraphrases too) into clusters.

    Prints each statement's id with its cluster (`c1`, `c2`, … in order of first appearance),
    in input order. Bad JSONL lines are reported on stderr and skipped.
    """
    from ..claims import THRESHOLD, cluster, cluster_batch, cluster_incremental, features

    statements, failures = _statements(file, "no statements to cluster")
    progress = Progress(
        TextColumn("embedding"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
        disable=not err.is_terminal,
    )
    try:
        with progress:
            task = progress.add_task("embedding", total=len(statements))
            feats = features(
                [s.text for s in statements],
                lambda done, _total: progress.update(task, completed=done),
            )
    except SaywhoError as exc:
        _fail(str(exc), 2)
    chosen = THRESHOLD if threshold is None else threshold
    run = {
        ClusterMethod.auto: cluster,
        ClusterMethod.batch: cluster_batch,
        ClusterMethod.incremental: cluster_incremental,
    }[method]
    labels = run(feats, chosen)
    out = _open_output(output)
    try:
        if format is ClusterFormat.csv:
            writer = csv.writer(out, lineterminator="\n")
            writer.writerow(["id", "cluster"])
            writer.writerows(
                (s.id, f"c{label + 1}") for s, label in zip(statements, labels, strict=True)
            )
        else:
            for s, label in zip(statements, labels, strict=True):
                out.write(
                    json.dumps({"id": s.id, "cluster": f"c{label + 1}"}, ensure_ascii=False) + "\n"
                )
    finally:
        if out is not None and isinstance(output, Path):
            out.close()
    out.flush()
    err.print(
        f"saywho: {len(statements)} statements in {len(set(labels))} clusters"
        + (f", {len(failures)} lines skipped" if failures else ""),
        markup=False,
        highlight=False,
    )


@app.command("checkworthy")
def checkworthy_command(
    file: Annotated[
        str,
        typer.Argument(
            help="Sentences: one per line, or JSONL with id and text; - for stdin.",
            show_default=False,
        ),
    ],
    output: OutputOpt = None,
) -> None:
    """Score how likely a fact-checker would check each sentence.

    Prints {"id", "text", "checkworthiness", "check_worthy"} a line, in input order:
    checkworthiness is a probability (0–1), check_worthy whether it reaches the documented
    threshold. Bad JSONL lines are reported on stderr and skipped.
    """
    from ..analyze.checkworthiness import checkworthiness, load_model

    statements, failures = _statements(file, "no sentences to score")
    progress = Progress(TextColumn("scoring"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                        console=err, transient=True, disable=not err.is_terminal)  # fmt: skip
    out = _open_output(output)
    worthy = 0
    try:
        with progress:
            task = progress.add_task("scoring", total=len(statements))
            for start in range(0, len(statements), 256):
                chunk = statements[start : start + 256]
                for s, scored in zip(chunk, checkworthiness([s.text for s in chunk]), strict=True):
                    worthy += scored.check_worthy
                    out.write(json.dumps({"id": s.id, "text": s.text, "checkworthiness": scored.checkworthiness,
                                          "check_worthy": scored.check_worthy}, ensure_ascii=False) + "\n")  # fmt: skip
                progress.update(task, completed=start + len(chunk))
    finally:
        if out is not None and isinstance(output, Path):
            out.close()
    out.flush()
    err.print(f"saywho: {len(statements)} sentences, {worthy} check-worthy (threshold "
              f"{load_model().threshold:.2f})" + (f", {len(failures)} lines skipped" if failures else ""),
              markup=False, highlight=False)  # fmt: skip


class ClaimsFormat(str, Enum):
    table = "table"
    json = "json"
    jsonl = "jsonl"
    csv = "csv"


class ClaimsSort(str, Enum):
    spread = "spread"
    first = "first"
    recent = "recent"
    checkworthiness = "checkworthiness"


ClaimsFormatOpt = Annotated[
    ClaimsFormat,
    typer.Option(
        "--format",
        "-f",
        help="table: readable; json: one object; jsonl: one object a line; csv: one row a line.",
    ),
]

claims_app = typer.Typer(
    help="Claims across articles: clusters of attributions that state the same thing.",
    no_args_is_help=False,
    invoke_without_command=True,
)
app.add_typer(claims_app, name="claims")


@claims_app.callback()
def claims_command(
    ctx: typer.Context,
    since: SinceOpt = None,
    until: UntilOpt = None,
    outlet: OutletOpt = None,
    speaker: SpeakerOpt = None,
    about: AboutOpt = None,
    min_outlets: Annotated[
        int,
        typer.Option("--min-outlets", min=1, help="Only claims that ran in at least N outlets."),
    ] = 1,
    min_articles: Annotated[
        int,
        typer.Option("--min-articles", min=1, help="Only claims that ran in at least N articles."),
    ] = 1,
    fact_checked: Annotated[
        bool,
        typer.Option(
            "--fact-checked",
            help="Only claims an imported fact-check addresses (see saywho factchecks).",
        ),
    ] = False,
    verdict: Annotated[
        str | None,
        typer.Option(
            "--verdict",
            help="Only claims a fact-check with this verdict addresses: "
            "false, mostly_false, mixed, mostly_true, true, unverifiable, other.",
        ),
    ] = None,
    check_worthy: Annotated[
        bool, typer.Option("--check-worthy", help="Only claims with a check-worthy appearance.")
    ] = False,
    sort: Annotated[
        ClaimsSort,
        typer.Option(
            "--sort",
            help="spread: most outlets, then articles; first: "
            "earliest first appearance; recent: latest appearance; "
            "checkworthiness: most check-worthy first.",
        ),
    ] = ClaimsSort.spread,
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, help="Most claims shown.")] = 20,
    format: ClaimsFormatOpt = ClaimsFormat.table,
    db: DbOpt = None,
) -> None:
    """Claims with their spread: representative text, first appearance, counts, last seen.

    The filters pick claims with at least one appearance passing them all; the counts are over
    every appearance. `saywho claims rebuild` recomputes the clusters from scratch.
    """
    if ctx.invoked_subcommand is not None:
        return
    from ..factchecks import VERDICTS
    from ..store.claim_query import ClaimFilters, claim_clusters

    if verdict is not None and verdict not in VERDICTS:
        _fail(f"--verdict {verdict!r}: not a verdict (choose from {', '.join(VERDICTS)})", 2)
    f = ClaimFilters(since=since.date() if since else None, until=until.date() if until else None,
                     outlet=outlet, speaker=speaker, about=about, min_outlets=min_outlets,
                     min_articles=min_articles, fact_checked=fact_checked, verdict=verdict,
                     check_worthy=check_worthy, sort=sort.value, limit=limit)  # fmt: skip
    rows = _checked(lambda: claim_clusters(_engine(db), f))
    flat = [_flat_cluster(r) for r in rows]
    if not _machine_output(format, {"claims": rows, "count": len(rows)}, rows, flat):
        _claims_table(flat)


def _machine_output(format: ClaimsFormat, whole: object, items: list[dict[str, object]],
                    rows: list[dict[str, object]]) -> bool:  # fmt: skip
    """Print `whole` as JSON, `items` as JSON lines or `rows` as CSV, as `format` says; False for
    the table, which each command draws itself."""
    if format is ClaimsFormat.json:
        typer.echo(json.dumps(whole, ensure_ascii=False, indent=2))
    elif format is ClaimsFormat.jsonl:
        for item in items:
            typer.echo(json.dumps(item, ensure_ascii=False))
    elif format is ClaimsFormat.csv:
        _write_csv(rows)
    else:
        return False
    return True


def _flat_cluster(r: dict[str, object]) -> dict[str, object]:
    from ..store.claim_query import fact_check_summary

    first = r["first"]
    assert isinstance(first, dict)
    return {
        "id": r["id"], "claim": r["claim"], "articles": r["articles"], "outlets": r["outlets"],
        "speakers": r["speakers"], "appearances": r["appearances"], "unattributed": r["unattributed"],
        "checkworthiness": r["checkworthiness"],
        "first_seen": r["first_seen"],
        "first_outlet": first["outlet"], "first_speaker": first["speaker"] or first["source_text"],
        "first_article": first["title"], "last_seen": r["last_seen"],
        # the fact-checks that address it: "False (PolitiFact, https://…)", best match first
        "fact_checks": fact_check_summary(checks) if isinstance(checks := r.get("fact_checks"), list) else "",
    }  # fmt: skip


def _claims_table(rows: list[dict[str, object]]) -> None:
    from rich.markup import escape
    from rich.table import Table

    out = Console(highlight=False)
    if not rows:
        out.print("no matching claims (ingest articles first, or loosen the filters)", style="dim")
        return
    table = Table(title="claims", title_justify="left", show_lines=True)
    # four columns, so that the claim stays readable in an 80-column pipe (with eight, it was
    # folded a few letters a line): its spread and check-worthiness in one cell, when, where and
    # by whom first seen in another (at most 30 wide: a wide terminal gives the rest to the claim)
    table.add_column("id", no_wrap=True)
    table.add_column("claim", overflow="fold")
    table.add_column("spread", overflow="fold")
    table.add_column("seen", overflow="fold", max_width=30)
    for r in rows:
        counts = [*(_counted(int(str(r[key])), key[:-1]) for key in ("articles", "outlets", "speakers")),
                  f"{r['unattributed']} unattributed"]  # fmt: skip
        score = r.get("checkworthiness")
        if score is not None:
            counts.append(f"check-worthiness {float(str(score)):.2f}")
        if r.get("fact_checks"):
            counts.append(escape(f"fact-checked: {r['fact_checks']}"))
        first = [f"first {r['first_seen'] or '—'}", *(str(x) for x in (r["first_outlet"], r["first_speaker"]) if x),
                 f"last {r['last_seen'] or '—'}"]  # fmt: skip
        table.add_row(str(r["id"]), escape(str(r["claim"])), "\n".join(counts),
                      escape("\n".join(first)))  # fmt: skip
    out.print(table)


@claims_app.command("rebuild")
def claims_rebuild_command(db: DbOpt = None) -> None:
    """Recompute every claim cluster from scratch, in publication order (one transaction:
    interrupted, nothing changes)."""
    from ..store.claims import rebuild

    engine = _engine(db)
    with err.status("clustering the stored claims…"):
        count, clusters = _checked(lambda: rebuild(engine))
    err.print(f"saywho: {count} claims in {clusters} clusters", markup=False, highlight=False)


@app.command("claim")
def claim_command(
    cluster_id: Annotated[int, typer.Argument(help="A claim's id (see saywho claims).", min=1)],
    format: Annotated[
        ClaimsFormat,
        typer.Option("--format", "-f", help="table or json; jsonl/csv: the appearances."),
    ] = ClaimsFormat.table,
    db: DbOpt = None,
) -> None:
    """One claim's story: every appearance in date order, who said it first, and how the
    attribution changed as it spread."""
    from ..store.claim_query import claim_story

    story = _checked(lambda: claim_story(_engine(db), cluster_id))
    if _machine_output(format, story, story["appearances"], story["appearances"]):
        return
    from rich.markup import escape
    from rich.table import Table

    out = Console(highlight=False, soft_wrap=True)
    first = story["first"]
    out.print(f"[bold]claim {story['id']}[/]: {escape(story['claim'])}")
    counts = ", ".join(
        _counted(story[key], key[:-1]) for key in ("articles", "outlets", "speakers")
    )
    copies = f" (and {_counted(story['copies'], 'syndicated copy')})" if story["copies"] else ""
    out.print(
        f"{counts}{copies}; first seen {story['first_seen'] or '?'}, "
        f"last seen {story['last_seen'] or '?'}"
    )
    who = first["speaker"] or first["source_text"] or "no source named"
    out.print(
        f"first: {escape(who)} {escape(first['cue'])} — {escape(first['title'] or first['source'])}"
        f" ({escape(first['outlet'] or 'unknown outlet')}, {first['date'] or 'undated'})"
    )
    if len(story["attribution_forms"]) > 1:
        out.print(
            "as it spread: "
            + " → ".join(
                escape(f"{f['form']} ({f['first_seen'] or 'undated'}, ×{f['appearances']})")
                for f in story["attribution_forms"]
            )
        )
    for fc in story.get("fact_checks", []):
        out.print(escape(f"fact-checked by {fc['fact_checker'] or 'a fact-checker'} — {fc['rating'] or fc['verdict']}"
                         f" ({fc['review_date'] or 'undated'}) {fc['url'] or ''}").rstrip())  # fmt: skip
    table = Table(title="appearances", title_justify="left", show_lines=True)
    # three columns, so that an 80-column pipe reads the content as words (with seven, it and
    # the dates were folded a few letters a line): who said it how, where, at most 30 wide
    table.add_column("date", no_wrap=True)
    table.add_column("content", overflow="fold")
    table.add_column("said", overflow="fold", max_width=30)
    for a in story["appearances"]:
        said = (f"{a['speaker'] or a['source_text'] or '(unnamed)'} {a['cue']}\nstance {a['stance']}\n"
                f"{a['outlet'] or 'unknown outlet'}: {a['title'] or a['source']}")  # fmt: skip
        table.add_row(a["date"] or "—", escape(a["content"]), escape(said))
    out.print(table)
    if story["unattributed"]:
        out.print("stated as fact, crediting no one:")
        for u in story["unattributed"]:
            out.print(
                f"  {u['date'] or 'undated'} {escape(u['outlet'] or 'unknown outlet')}: "
                f"{escape(u['sentence'])} — {escape(u['title'] or u['source'])}"
            )
    print_licences(out, [*story["appearances"], *story["unattributed"]])


@app.command("similar")
def similar_command(
    text: Annotated[str, typer.Argument(help="A statement to compare with the stored claims.")],
    top: Annotated[int, typer.Option("--top", "-k", min=1, max=1000, help="How many claims.")] = 10,
    format: ClaimsFormatOpt = ClaimsFormat.table,
    db: DbOpt = None,
) -> None:
    """The stored claims most like a statement, with their similarity (cosine, −1…1) and cluster."""
    from ..store.claim_query import similar

    rows = _checked(lambda: similar(_engine(db), text, top))
    if not _machine_output(format, {"data": rows, "count": len(rows)}, rows, rows):
        from rich.markup import escape
        from rich.table import Table

        out = Console(highlight=False)
        if not rows:
            out.print("no claims stored", style="dim")
            return
        table = Table(title=f"similar: {text}", title_justify="left", show_lines=True)
        # three columns, as `saywho claim`'s: who said it, where and its claim's id share one
        table.add_column("score", no_wrap=True)
        table.add_column("claim", overflow="fold")
        table.add_column("said", overflow="fold", max_width=30)
        for r in rows:
            where = " · ".join(str(x) for x in (r["date"], r["outlet"]) if x)
            said = (f"{r['speaker'] or r['source_text'] or '(unnamed)'} {r['cue']}\n"
                    + "\n".join(str(x) for x in (where, r["title"]) if x)
                    + f"\nclaim {r['cluster_id']}")  # fmt: skip
            table.add_row(f"{r['score']:.3f}", escape(r["content"]), escape(said))
        out.print(table)


def _counted(n: int, noun: str) -> str:
    """'1 article', '3 articles', '2 syndicated copies'."""
    if n == 1:
        return f"{n} {noun}"
    return f"{n} {noun[:-1]}ies" if noun.endswith("y") else f"{n} {noun}s"
