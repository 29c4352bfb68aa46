"""The claim commands of `saywho`: `cluster` (an analyst's own list of statements, no store).
Registered on `saywho.cli.app` when `saywho.cli` loads."""

from __future__ import annotations

import csv
import json
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from .cli import OutputOpt, _fail, _open_output, _report, app, err
from .errors import SaywhoError
from .model import Failure


class ClusterMethod(str, Enum):
    auto = "auto"
    batch = "batch"
    incremental = "incremental"


class ClusterFormat(str, Enum):
    jsonl = "jsonl"
    csv = "csv"


@app.command("cluster")
def cluster_command(
    file: Annotated[
        str,
        typer.Argument(help="A list of statements: one per line, or JSONL with id and text; "
                       "- for stdin.", show_default=False),
    ],
    threshold: Annotated[
        float | None,
        typer.Option("--threshold", min=0.0, max=1.0,
                     help="Mean similarity at which statements share a cluster "
                     "(default: the tuned one, 0.475). Higher: tighter clusters."),
    ] = None,
    method: Annotated[
        ClusterMethod,
        typer.Option("--method", help="batch: exact average linkage over the whole list; "
                     "incremental: one statement at a time in file order, as the store does; "
                     "auto: batch up to 10,000 statements."),
    ] = ClusterMethod.auto,
    format: Annotated[
        ClusterFormat, typer.Option("--format", "-f", help="jsonl: {\"id\", \"cluster\"} a line; "
                                    "csv: id,cluster with a header.")
    ] = ClusterFormat.jsonl,
    output: OutputOpt = None,
) -> None:
    """Group statements that state the same claim (paraphrases too) into clusters.

    Prints each statement's id with its cluster (`c1`, `c2`, … in order of first appearance),
    in input order. Bad JSONL lines are reported on stderr and skipped.
    """
    from .claims import THRESHOLD, cluster, cluster_batch, cluster_incremental, features
    from .sources.statements import Statement, read_statements

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
        _fail(f"{file}: no statements to cluster", 1)
    progress = Progress(
        TextColumn("embedding"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        console=err, transient=True, disable=not err.is_terminal,
    )
    try:
        with progress:
            task = progress.add_task("embedding", total=len(statements))
            feats = features([s.text for s in statements],
                             lambda done, _total: progress.update(task, completed=done))
    except SaywhoError as exc:
        _fail(str(exc), 2)
    chosen = THRESHOLD if threshold is None else threshold
    run = {ClusterMethod.auto: cluster, ClusterMethod.batch: cluster_batch,
           ClusterMethod.incremental: cluster_incremental}[method]
    labels = run(feats, chosen)
    out = _open_output(output)
    try:
        if format is ClusterFormat.csv:
            writer = csv.writer(out, lineterminator="\n")
            writer.writerow(["id", "cluster"])
            writer.writerows((s.id, f"c{label + 1}") for s, label in zip(statements, labels, strict=True))
        else:
            for s, label in zip(statements, labels, strict=True):
                out.write(json.dumps({"id": s.id, "cluster": f"c{label + 1}"}, ensure_ascii=False) + "\n")
    finally:
        if out is not None and isinstance(output, Path):
            out.close()
    out.flush()
    err.print(f"saywho: {len(statements)} statements in {len(set(labels))} clusters"
              + (f", {len(failures)} lines skipped" if failures else ""), markup=False, highlight=False)

