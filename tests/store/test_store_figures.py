"""Attributed figures through the pipeline: analysed, stored, queried, exported and shown."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from saywho.cli import app
from saywho.pipeline.demo import SAMPLE


def invoke(*args: str) -> Result:
    return CliRunner().invoke(app, list(args), env={"SAYWHO_DETECT_LANGUAGE": "0"})


@pytest.fixture(scope="module")
def sample_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    db = str(tmp_path_factory.mktemp("figures") / "figures.db")
    result = invoke("ingest", str(SAMPLE), "--db", db)
    assert result.exit_code == 0, result.output
    return db


def figures(db: str, *args: str) -> list[dict[str, Any]]:
    result = invoke("figures", "--db", db, "--format", "json", *args)
    assert result.exit_code == 0, result.output
    data: list[dict[str, Any]] = json.loads(result.stdout)["data"]
    return data


def test_figures_in_analyze_output() -> None:
    result = invoke("analyze", str(SAMPLE), "--format", "json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)[0]
    owners = {a["id"]: a["source"]["speaker"] for a in doc["attributions"] if a["source"]}
    whose = {f["text"]: owners.get(f["attribution"]) for f in doc["figures"]}
    assert whose["$2.1 trillion"] == "brown-university"
    assert whose["24.4 million people"] == "un"
    assert whose["$26.7 billion"] == "us-department-of-defense"
    assert whose["75%"] is None


def test_figures_stored_and_filtered_by_speaker_unit_whose_and_value(sample_db: str) -> None:
    every = figures(sample_db)
    assert {f["text"] for f in every} >= {
        "$2.1 trillion",
        "24.4 million people",
        "$26.7 billion",
        "75%",
    }
    brown = figures(sample_db, "--speaker", "Brown University")
    assert [(f["text"], f["value"], f["unit"], f["measure"]) for f in brown] == [
        ("$2.1 trillion", 2.1e12, "USD", "cost of the invasion of Afghanistan")
    ]
    assert brown[0]["speaker"] == "Brown University" and brown[0]["cue"] == "estimated"
    assert {f["text"] for f in figures(sample_db, "--speaker", "UN")} == {
        "24.4 million people",
        "more than half",
    }
    assert {f["text"] for f in figures(sample_db, "--unit", "usd")} >= {
        "$2.1 trillion",
        "$26.7 billion",
    }
    own = figures(sample_db, "--whose", "own")
    assert own and all(f["attribution_id"] is None and f["speaker"] is None for f in own)
    assert "75%" in {f["text"] for f in own}
    attributed = figures(sample_db, "--whose", "attributed")
    assert len(own) + len(attributed) == len(every)
    big = figures(sample_db, "--min-value", "1e10")
    assert {f["text"] for f in big} == {"$2.1 trillion", "$26.7 billion"}
    assert figures(sample_db, "--speaker", "nobody at all") == []


def test_figures_about_an_entity_or_a_measure(sample_db: str) -> None:
    # "Afghanistan" is named in Brown University's content and in a measure
    about = {f["text"] for f in figures(sample_db, "--about", "Afghanistan")}
    assert "$2.1 trillion" in about
    assert "$26.7 billion" not in about  # its content and measure name Kiev and Moscow
    assert {f["text"] for f in figures(sample_db, "--about", "Kiev")} == {"$26.7 billion"}
    assert figures(sample_db, "--about", "Nowhereland") == []


def test_figures_exported_as_jsonl_and_csv(sample_db: str, tmp_path: Path) -> None:
    every = figures(sample_db, "--limit", "0")
    lines = invoke("figures", "--db", sample_db, "--format", "jsonl", "--limit", "0")
    assert lines.exit_code == 0
    rows = [json.loads(line) for line in lines.stdout.splitlines()]
    assert {r["id"] for r in rows} == {f["id"] for f in every}
    out = tmp_path / "figures.csv"
    result = invoke(
        "figures", "--db", sample_db, "--format", "csv", "--limit", "0", "--output", str(out)
    )
    assert result.exit_code == 0, result.output
    table = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert len(table) == len(rows)
    assert {"text", "value", "unit", "measure", "speaker", "title"} <= set(table[0])
    limited = invoke("figures", "--db", sample_db, "--format", "jsonl", "--limit", "2")
    assert len(limited.stdout.splitlines()) == 2


def test_figures_table_and_bad_input(sample_db: str, tmp_path: Path) -> None:
    table = invoke("figures", "--db", sample_db)
    assert table.exit_code == 0 and "trillion" in table.stdout and "Brown" in table.stdout
    # 80 columns wide (CliRunner's): every line inside the table's frame, and the article's
    # title in whole words (five columns once folded it a few letters a line)
    lines = table.stdout.splitlines()
    assert all(len(line) <= 80 for line in lines)
    assert all(
        line.rstrip()[-1] in "┓┃┩│┤┘"
        for line in lines[1 : lines.index("") if "" in lines else None]
    )
    assert "Afghanistan" in table.stdout and "= 2.1 trillion USD" in table.stdout
    # "more than half" (0.5, a fraction) is shown as a percentage
    assert "50%" in table.stdout and "fraction" not in table.stdout
    assert invoke("figures", "--db", sample_db, "--format", "xml").exit_code == 2
    assert invoke("figures", "--db", sample_db, "--min-value", "lots").exit_code == 2
    missing = invoke("figures", "--db", str(tmp_path / "no" / "such.db"))
    assert missing.exit_code != 0 and "Traceback" not in missing.output


def test_figures_served_by_the_api_and_the_article_page(sample_db: str) -> None:
    from fastapi.testclient import TestClient
    from lxml import html

    from saywho.config import Settings
    from saywho.web import create_app

    with TestClient(create_app(Settings(detect_language=False), db=sample_db)) as client:
        page = client.get(
            "/api/v1/figures", params={"unit": "USD", "whose": "attributed", "limit": 1}
        ).json()
        assert page["total"] == 2 and len(page["items"]) == 1 and page["next"]
        assert page["items"][0]["unit"] == "USD"
        assert client.get("/api/v1/figures", params={"min_value": "x"}).status_code == 422
        assert client.get("/api/v1/figures", params={"whose": "everyone"}).status_code == 422
        article = client.get("/api/v1/articles/1").json()
        by_text = {f["text"]: f for f in article["figures"]}
        ids = {a["id"]: a for a in article["attributions"]}
        owner = ids[by_text["$2.1 trillion"]["attribution"]]
        assert owner["cue"]["text"] == "estimated"
        text = article["text"]
        assert all(
            text[f["start"] : f["end"]] == f["text"]
            for f in article["figures"]
            if f["field"] == "text"
        )
        tree = html.fromstring(client.get("/articles/1").text)
        marked = [
            m.text_content() for m in tree.xpath('//div[@id="article-text"]//mark[@class="figure"]')
        ]
        assert "$2.1 trillion" in marked and "75%" in marked
        listed = [li.text_content() for li in tree.xpath('//ol[@id="figures"]/li')]
        assert any("more than half" in t and "50%" in t and "fraction" not in t for t in listed)
        assert any(
            "$2.1 trillion" in t and "Brown University" in t and "cost of the invasion" in t
            for t in listed
        )
        assert any("75%" in t and "stated by the article" in t for t in listed)
        analysed = client.post("/api/v1/analyze", json={"text": SAMPLE.read_text(encoding="utf-8")})
        assert analysed.status_code == 200
        assert "$26.7 billion" in {f["text"] for f in analysed.json()["figures"]}
