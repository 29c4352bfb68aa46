"""Check-worthiness through the pipeline: analysed, stored, filtered, exported, shown."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from typer.testing import CliRunner, Result

from saywho.analyze.checkworthiness import load_model
from saywho.cli import app
from saywho.pipeline.demo import SAMPLE

FIGURES = ("24.4 million", "$2.1 trillion", "$26.7 billion")


def invoke(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(app, list(args), env={"SAYWHO_DETECT_LANGUAGE": "0", **(env or {})})


def test_checkworthiness_in_analyze_and_off_by_setting() -> None:
    result = invoke("analyze", str(SAMPLE), "--format", "json")
    assert result.exit_code == 0, result.output
    atts = json.loads(result.stdout)[0]["attributions"]
    assert all(
        0.0 <= a["checkworthiness"] <= 1.0 and isinstance(a["check_worthy"], bool) for a in atts
    )
    # the attributed figures are check-worthy; "Yes, there is such data." is not
    by_text = {a["content"]["text"]: a for a in atts}
    assert all(a["check_worthy"] for t, a in by_text.items() if any(f in t for f in FIGURES))
    assert not by_text["“Yes, there is such data.”"]["check_worthy"]
    off = invoke("analyze", str(SAMPLE), "--format", "json", env={"SAYWHO_CHECKWORTHINESS": "0"})
    assert {
        (a["checkworthiness"], a["check_worthy"]) for a in json.loads(off.stdout)[0]["attributions"]
    } == {(None, None)}


def test_checkworthiness_stored_filtered_exported_and_served(tmp_path: Path) -> None:
    from fastapi.testclient import TestClient
    from lxml import html

    from saywho.config import Settings
    from saywho.web import create_app

    db = str(tmp_path / "cw.db")
    assert invoke("ingest", str(SAMPLE), "--db", db).exit_code == 0
    every = json.loads(
        invoke("search", "is", "--format", "json", "--limit", "50", "--db", db).stdout
    )
    worthy = json.loads(
        invoke(
            "search", "is", "--check-worthy", "--format", "json", "--limit", "50", "--db", db
        ).stdout
    )
    items = every["data"] if isinstance(every, dict) else every
    kept = worthy["data"] if isinstance(worthy, dict) else worthy
    assert 0 < len(kept) < len(items)
    threshold = load_model().threshold
    assert all(c["check_worthy"] and c["checkworthiness"] >= threshold for c in kept)
    exported = invoke("export", "--format", "csv", "--check-worthy", "--db", db)
    rows = list(csv.DictReader(io.StringIO(exported.stdout)))
    assert rows and all(r["check_worthy"] == "True" for r in rows)
    assert {r["id"] for r in rows} >= {str(c["id"]) for c in kept}
    with TestClient(create_app(Settings(detect_language=False), db=db)) as client:
        api = client.get(
            "/api/v1/search", params={"q": "is", "check_worthy": "true", "limit": 50}
        ).json()
        assert api["total"] == len(kept) and all(i["check_worthy"] for i in api["items"])
        assert sum(v["count"] for v in api["facets"]["stance"]) == api["total"]
        everything = client.get(
            "/api/v1/attributions", params={"check_worthy": "true", "limit": 100}
        ).json()
        assert everything["total"] == len(rows)
        article = client.get("/api/v1/articles/1").json()
        assert all(isinstance(a["checkworthiness"], float) for a in article["attributions"])
        page = html.fromstring(client.get("/articles/1").text)
        assert len(
            page.xpath('//ol[@id="attributions"]//span[contains(@class, "check-worthy")]')
        ) == sum(a["check_worthy"] for a in article["attributions"])


def test_checkworthiness_of_claims_filters_and_sorts(tmp_path: Path) -> None:
    """(The sample names no outlet: its claims once counted 0 outlets, under the default
    --min-outlets 1, and `saywho claims` listed none of them.)"""
    db = str(tmp_path / "cw.db")
    assert invoke("ingest", str(SAMPLE), "--db", db).exit_code == 0
    every = json.loads(invoke("claims", "--format", "json", "--limit", "100", "--db", db).stdout)[
        "claims"
    ]
    assert len(every) >= 9 and all(c["outlets"] == 0 for c in every)
    # a claim reads without the "that" of the indirect speech it was first stated in; its
    # appearance keeps the content as written
    kiev = next(c for c in every if "$26.7 billion" in c["claim"])
    assert kiev["claim"].startswith("military aid provided to Kiev")
    assert kiev["first"]["content"] == "that " + kiev["claim"]
    assert not any(c["claim"].lower().startswith("that ") for c in every)
    result = invoke(
        "claims", "--check-worthy", "--sort", "checkworthiness", "--format", "json", "--db", db
    )
    assert result.exit_code == 0, result.output
    worthy = json.loads(result.stdout)["claims"]
    scores = [c["checkworthiness"] for c in worthy]
    assert (
        0 < len(worthy) < len(every)
        and scores == sorted(scores, reverse=True)
        and min(scores) >= load_model().threshold
    )
    assert max(c["checkworthiness"] for c in every) == scores[0]
    assert any("trillion" in c["claim"] for c in worthy)
    # the table, 80 columns wide (CliRunner's): whole words of the claim, its score, and every
    # line inside the table's frame (eight columns once folded the claim a few letters a line)
    table = invoke("claims", "--check-worthy", "--sort", "checkworthiness", "--db", db)
    lines = table.stdout.splitlines()
    assert table.exit_code == 0 and all(len(line) <= 80 for line in lines)
    assert all(line.rstrip()[-1] in "┓┃┩│┤┘" for line in lines[1:]), table.stdout
    assert f"check-worthiness {scores[0]:.2f}" in table.stdout
    assert "trillion" in table.stdout and "Afghanistan" in table.stdout


def test_checkworthiness_sorts_search_in_cli_api_and_page(tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    from saywho.config import Settings
    from saywho.web import create_app

    db = str(tmp_path / "sorted.db")
    assert invoke("ingest", str(SAMPLE), "--db", db).exit_code == 0
    result = invoke(
        "search",
        "the",
        "--sort",
        "checkworthiness",
        "--format",
        "json",
        "--limit",
        "50",
        "--db",
        db,
    )
    assert result.exit_code == 0, result.output
    scores = [c["checkworthiness"] for c in json.loads(result.stdout)["data"]]
    assert len(scores) > 3 and scores == sorted(scores, reverse=True)
    assert invoke("search", "the", "--sort", "loudest", "--db", db).exit_code == 2
    with TestClient(create_app(Settings(detect_language=False), db=db)) as client:
        api = client.get(
            "/api/v1/search", params={"q": "the", "sort": "checkworthiness", "limit": 50}
        ).json()
        assert [i["checkworthiness"] for i in api["items"]] == scores
        listed = client.get(
            "/api/v1/attributions", params={"sort": "checkworthiness", "limit": 3}
        ).json()
        assert [i["checkworthiness"] for i in listed["items"]] == sorted(scores, reverse=True)[:3]
        assert client.get("/api/v1/search", params={"q": "the", "sort": "x"}).status_code == 422
        page = client.get("/search", params={"q": "the", "sort": "checkworthiness"})
        assert page.status_code == 200 and '<option value="checkworthiness" selected>' in page.text
