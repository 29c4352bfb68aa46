"""`saywho claims`, `claims rebuild`, `claim` and `similar` over a store made by `saywho ingest`
from three small pages: one claim in two outlets, another in one."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from saywho.cli import app

PAGE = """<!doctype html><html><head><title>{title}</title>
<meta property="og:site_name" content="{site}">
<meta property="article:published_time" content="{day}T09:00:00Z"></head>
<body><article><h1>{title}</h1><p>{body}</p></article></body></html>"""
PAGES = [
    ("RT", "2023-01-20", "Envoy accuses Washington",
     "Zamir Kabulov, Russia's envoy for Afghanistan, claimed on Friday that the United States "
     "is covertly sponsoring Islamic State militants in Afghanistan."),
    ("TASS", "2023-01-21", "Moscow repeats accusation",
     "The Russian Foreign Ministry says that Washington is covertly sponsoring the Islamic State "
     "group in Afghanistan."),
    ("Reuters", "2023-01-22", "Pentagon on withdrawal",
     "The Pentagon said on Sunday that the United States withdrew its last troops from "
     "Afghanistan in August 2021."),
]  # fmt: skip


def saywho(*args: str) -> Result:
    return CliRunner().invoke(app, list(args), env={"SAYWHO_DETECT_LANGUAGE": "0"})


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> str:
    folder = tmp_path_factory.mktemp("claims-cli")
    for n, (site, day, title, body) in enumerate(PAGES):
        (folder / f"p{n}.html").write_text(PAGE.format(site=site, day=day, title=title, body=body),
                                           encoding="utf-8")  # fmt: skip
    path = str(folder / "store.db")
    result = saywho("ingest", *sorted(str(p) for p in folder.glob("*.html")), "--db", path)
    assert result.exit_code == 0, result.output
    return path


def _listed(db: str, *args: str) -> list[dict[str, object]]:
    result = saywho("claims", "--db", db, "-f", "json", *args)
    assert result.exit_code == 0, result.output
    return list(json.loads(result.stdout)["claims"])


def test_claims_cli_lists_the_spread_claim_first_and_filters(db: str) -> None:
    claims = _listed(db)
    assert len(claims) == 2
    top = claims[0]
    assert (top["articles"], top["outlets"], top["first_seen"]) == (2, 2, "2023-01-20")
    assert _listed(db, "--min-outlets", "2") == [top]
    assert [c["id"] for c in _listed(db, "--outlet", "Reuters")] == [claims[1]["id"]]
    assert [c["first_seen"] for c in _listed(db, "--sort", "first")] == ["2023-01-20", "2023-01-22"]
    assert _listed(db, "--since", "2023-02-01") == []
    jsonl = saywho("claims", "--db", db, "-f", "jsonl")
    assert [json.loads(line)["id"] for line in jsonl.stdout.splitlines()] == [
        c["id"] for c in claims
    ]
    csv = saywho("claims", "--db", db, "-f", "csv")
    assert csv.stdout.splitlines()[0].startswith("id,claim,articles,outlets,speakers")
    table = saywho("claims", "--db", db)
    assert table.exit_code == 0 and "claims" in table.stdout


def test_claims_cli_story_similar_and_rebuild(db: str) -> None:
    top = _listed(db)[0]
    story = saywho("claim", str(top["id"]), "--db", db, "-f", "json")
    assert story.exit_code == 0, story.output
    body = json.loads(story.stdout)
    assert [a["outlet"] for a in body["appearances"]] == ["RT", "TASS"]
    assert len(body["attribution_forms"]) == 2
    table = saywho("claim", str(top["id"]), "--db", db)
    assert "as it spread:" in table.stdout and "first:" in table.stdout
    # the appearances and similar claims in 80 columns: the dates whole, every table line in
    # its frame (seven columns once folded "2023-01-2" / "0")
    shown = saywho("similar", "the US funds ISIS in Afghanistan", "--db", db, "-k", "2")
    for out in (table.stdout, shown.stdout):
        lines = out.splitlines()
        framed = lines[next(i for i, line in enumerate(lines) if line.startswith("┏")) :]
        framed = framed[: next(i for i, line in enumerate(framed) if line.startswith("└")) + 1]
        assert all(len(line) <= 80 and line.rstrip()[-1] in "┓┃┩│┤┘" for line in framed), out
    assert "2023-01-20" in table.stdout and f"claim {top['id']}" in shown.stdout
    similar = saywho(
        "similar", "the US funds ISIS in Afghanistan", "--db", db, "-k", "1", "-f", "json"
    )
    assert similar.exit_code == 0, similar.output
    hit = json.loads(similar.stdout)["data"][0]
    assert hit["cluster_id"] == top["id"] and 0 < hit["score"] <= 1
    before = _listed(db)
    rebuilt = saywho("claims", "rebuild", "--db", db)
    assert rebuilt.exit_code == 0, rebuilt.output
    assert "claims in 2 clusters" in rebuilt.output
    after = _listed(db)
    assert [(c["claim"], c["articles"]) for c in after] == [
        (c["claim"], c["articles"]) for c in before
    ]


def test_claims_cli_errors_are_one_line(db: str, tmp_path: Path) -> None:
    missing = saywho("claim", "99999", "--db", db)
    assert missing.exit_code == 2 and "no such claim" in missing.output
    assert "Traceback" not in missing.output and len(missing.output.strip().splitlines()) == 1
    empty = saywho("similar", "   ", "--db", db)
    assert empty.exit_code == 2 and "empty" in empty.output
    bad_sort = saywho("claims", "--db", db, "--sort", "nonsense")
    assert bad_sort.exit_code == 2
    nowhere = saywho("claims", "--db", str(tmp_path / "none.db"))
    assert nowhere.exit_code == 2 and "Traceback" not in nowhere.output


def test_claims_cli_shows_the_fact_checks_of_each_claim(db: str, tmp_path: Path) -> None:
    """`saywho claims --fact-checked` shows which fact-check addresses each claim, its rating
    and fact-checker (and the review's URL in CSV), not only that one does."""
    import sqlite3

    path = str(tmp_path / "store.db")
    with sqlite3.connect(db) as source, sqlite3.connect(path) as copy:
        source.backup(copy)  # (the module's store stays as it is; its WAL goes with it)
    review = {"@type": "ClaimReview", "claimReviewed": "The US is covertly sponsoring Islamic State "
              "militants in Afghanistan.", "url": "https://fc.example/isis",
              "reviewRating": {"alternateName": "Pants on Fire!"},
              "author": {"@type": "Organization", "name": "Example Fact Check"},
              "itemReviewed": {"@type": "Claim", "author": {"@type": "Person", "name": "Zamir Kabulov"},
                               "datePublished": "2023-01-20"},
              "datePublished": "2023-01-24"}  # fmt: skip
    feed = tmp_path / "checks.jsonl"
    feed.write_text(json.dumps(review) + "\n", encoding="utf-8")
    assert saywho("factchecks", "import", str(feed), "--db", path).exit_code == 0
    checked = _listed(path, "--fact-checked")
    assert checked and checked[0]["fact_checks"][0]["url"] == "https://fc.example/isis"  # type: ignore[index]
    table = saywho("claims", "--fact-checked", "--db", path)
    assert "fact-checked: Pants on" in table.stdout and "Example Fact" in table.stdout
    csv = saywho("claims", "--fact-checked", "--db", path, "-f", "csv")
    assert "Pants on Fire! (Example Fact Check, https://fc.example/isis)" in csv.stdout
    # so does the export of attributions: each with its claim's id and that claim's fact-checks
    rows = [json.loads(line) for line in saywho("export", "--db", path).stdout.splitlines()]
    by_claim = {r["claim_id"]: r["fact_checks"] for r in rows}
    assert by_claim[checked[0]["id"]][0]["url"] == "https://fc.example/isis"
    assert any(r["fact_checks"] == [] for r in rows)  # the claims no fact-check addresses
    import csv as csv_module
    import io

    exported = list(
        csv_module.DictReader(io.StringIO(saywho("export", "-f", "csv", "--db", path).stdout))
    )
    assert {r["fact_checks"] for r in exported} == {
        "",
        "Pants on Fire! (Example Fact Check, https://fc.example/isis)",
    }
    parquet = tmp_path / "out.parquet"
    assert saywho("export", "-f", "parquet", "-o", str(parquet), "--db", path).exit_code == 0
    import pyarrow.parquet as pq  # type: ignore[import-untyped]

    table = pq.read_table(parquet).to_pylist()
    assert {r["claim_id"] for r in table} == {r["claim_id"] for r in rows}
