"""`saywho cluster`: a list in, one {"id", "cluster"} a line out; bad input said in one line."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from saywho.cli import app

runner = CliRunner()

LINES = [
    "Washington is covertly sponsoring Islamic State terrorists in Afghanistan, Moscow says.",
    "The US is covertly sponsoring Islamic State terrorists in Afghanistan, Russia's envoy said.",
    "Brown University estimated the cost of the war in Afghanistan at $2.1 trillion.",
]


def test_cluster_cli_plain_lines_get_line_numbers_as_ids(tmp_path: Path) -> None:
    path = tmp_path / "list.txt"
    path.write_text(LINES[0] + "\n\n" + LINES[1] + "\n" + LINES[2] + "\n", encoding="utf-8")
    result = runner.invoke(app, ["cluster", str(path)])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["id"] for r in rows] == ["1", "3", "4"]
    assert rows[0]["cluster"] == rows[1]["cluster"] == "c1"
    assert rows[2]["cluster"] == "c2"


def test_cluster_cli_jsonl_reports_a_bad_line_and_goes_on(tmp_path: Path) -> None:
    path = tmp_path / "list.jsonl"
    path.write_text(
        json.dumps({"id": "a", "text": LINES[0]})
        + "\n"
        + "{not json\n"
        + json.dumps({"id": "b"})
        + "\n"
        + json.dumps({"id": 7, "text": LINES[2]})
        + "\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["cluster", str(path), "--format", "csv"])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == ["id,cluster", "a,c1", "7,c2"]
    assert f"{path}#2: not JSON" in result.stderr
    assert f'{path}#3: no "text" string' in result.stderr


def test_cluster_cli_bad_inputs_fail_with_one_line(tmp_path: Path) -> None:
    binary = tmp_path / "x.bin"
    binary.write_bytes(b"\x00\x01\x02binary")
    empty = tmp_path / "empty.txt"
    empty.write_text("\n \n", encoding="utf-8")
    latin = tmp_path / "latin.txt"
    latin.write_bytes("caf\xe9 society".encode("latin-1"))
    for path, words in [
        (binary, "binary file"),
        (empty, "no statements"),
        (latin, "not UTF-8"),
        (tmp_path / "missing.txt", "no such file"),
    ]:
        result = runner.invoke(app, ["cluster", str(path)])
        assert result.exit_code == 1, (path, result.output)
        assert words in result.stderr
        assert "Traceback" not in result.output
        assert len(result.stderr.strip().splitlines()) == 1
