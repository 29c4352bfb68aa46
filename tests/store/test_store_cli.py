"""The store commands end to end: ingest, db upgrade, search, speakers, speaker, about, export, stats."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner, Result

from saywho.cli import app
from saywho.config import Settings
from saywho.pipeline import demo_corpus, ingest
from saywho.pipeline.demo import SAMPLE
from saywho.sources import read_documents
from saywho.store import open_store


def invoke(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(app, list(args), env={"SAYWHO_DETECT_LANGUAGE": "0", **(env or {})})


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A SQLite store with the sample article and two Wikinews articles (with their licence lines)."""
    db = str(tmp_path_factory.mktemp("cli") / "saywho.db")
    paths, meta = demo_corpus()
    chosen = paths[:3]
    settings = Settings(detect_language=False)
    ingest(open_store(db), read_documents(chosen, settings), settings, inputs=chosen, meta=meta)
    return db


def test_store_cli_ingest_then_rerun_skips(tmp_path: Path) -> None:
    db = str(tmp_path / "s.db")
    bad = tmp_path / "bad.bin"
    bad.write_bytes(b"\x00\x01\x02" * 100)
    first = invoke("ingest", str(SAMPLE), str(bad), "--db", db)
    assert first.exit_code == 0, first.output
    assert "1 stored" in first.stderr and "1 failed" in first.stderr
    assert "bad.bin" in first.stderr
    again = invoke("ingest", str(SAMPLE), "--db", db)
    assert again.exit_code == 0
    assert "0 stored" in again.stderr and "1 already stored" in again.stderr
    stats = json.loads(invoke("stats", "--format", "json", "--db", db).stdout)
    assert stats["articles"] == 1 and stats["ingest_errors"] == 1 and stats["ingest_runs"] == 2


def test_store_cli_ingest_records_the_analyser_and_notes_a_mix(tmp_path: Path) -> None:
    """Runs and article versions record what analysed them; a rerun with other settings skips
    the stored articles (they are not re-analysed) and says so; stats counts by analyser."""
    from sqlalchemy import text

    from saywho.analyze import analyser_name

    db = str(tmp_path / "s.db")
    crf, rules = analyser_name(), analyser_name(Settings(rules_only=True))
    assert crf != rules and rules.endswith(" rules notion=claims")
    first = invoke("ingest", str(SAMPLE), "--db", db)
    assert first.exit_code == 0 and "note:" not in first.stderr
    again = invoke("ingest", str(SAMPLE), "--rules-only", "--db", db)
    assert again.exit_code == 0 and "1 already stored" in again.stderr
    note = " ".join(again.stderr.split())
    assert f"this run analyses with {rules}" in note and f"1 by {crf}" in note
    assert "not re-analysed" in note
    same = invoke("ingest", str(SAMPLE), "--db", db)
    assert same.exit_code == 0 and "note:" not in same.stderr  # nothing is mixed for this run
    with open_store(db).connect() as conn:
        runs = conn.execute(text("SELECT analyser FROM ingest_runs ORDER BY id")).scalars().all()
        versions = conn.execute(text("SELECT analyser FROM article_versions")).scalars().all()
    assert runs == [crf, rules, crf] and versions == [crf]
    with open_store(db).connect() as conn:  # the sample's attributions are all the rules'
        methods = conn.execute(text("SELECT DISTINCT method FROM attributions")).scalars().all()
    assert methods == ["rules"]
    exported = invoke("export", "--format", "csv", "--db", db).stdout
    assert "method" in exported.splitlines()[0].split(",") and ",rules," in exported
    assert json.loads(invoke("stats", "--format", "json", "--db", db).stdout)["analysers"] == {
        crf: 1
    }
    table = " ".join(invoke("stats", "--db", db).stdout.split())
    assert f"analysed by {crf}" in table


def test_store_cli_ingest_strict_and_nothing(tmp_path: Path) -> None:
    bad = tmp_path / "bad.bin"
    bad.write_bytes(b"\x00\x01" * 100)
    assert invoke("ingest", str(bad), "--db", str(tmp_path / "s.db")).exit_code == 1
    assert invoke("ingest", "--db", str(tmp_path / "s.db")).exit_code == 2


def test_store_cli_db_from_environment(tmp_path: Path, store: str) -> None:
    result = invoke("stats", "--format", "json", env={"SAYWHO_DB": store})
    assert result.exit_code == 0 and json.loads(result.stdout)["articles"] == 3


def test_store_cli_query_without_a_store_says_what_to_do(tmp_path: Path) -> None:
    result = invoke("search", "anything", "--db", str(tmp_path / "none.db"))
    assert result.exit_code == 2
    assert "saywho ingest" in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_store_cli_db_upgrade(tmp_path: Path) -> None:
    from saywho.store import head_revision

    db = str(tmp_path / "u.db")
    first = invoke("db", "upgrade", "--db", db)
    assert first.exit_code == 0 and f"(new store) → {head_revision()}" in first.stdout
    assert (
        f"already at schema revision {head_revision()}"
        in invoke("db", "upgrade", "--db", db).stdout
    )
    assert invoke("db", "upgrade", "--help").exit_code == 0


def test_store_cli_db_upgrade_migrates_a_0001_store_and_its_searches_work(tmp_path: Path) -> None:
    from alembic import command
    from sqlalchemy import text

    from saywho.store import make_engine
    from saywho.store.engine import _alembic_config

    db = str(tmp_path / "old.db")
    engine = make_engine(db)
    with engine.begin() as conn:
        command.upgrade(_alembic_config(conn), "head")
    settings = Settings(detect_language=False)
    ingest(engine, read_documents([str(SAMPLE)], settings), settings, inputs=[str(SAMPLE)])
    with engine.begin() as conn:  # a store as saywho with schema 0001 made it, data and all
        command.downgrade(_alembic_config(conn), "0001")
    with engine.connect() as conn:
        assert "analyser" not in {
            c[1] for c in conn.execute(text("PRAGMA table_info(article_versions)"))
        }
    refused = invoke("search", "Islamic State", "--db", db)
    assert refused.exit_code == 2 and "saywho db upgrade" in refused.stderr
    migrated = invoke("db", "upgrade", "--db", db)
    assert migrated.exit_code == 0 and "schema revision 0001 → 0015" in migrated.stdout
    # versions stored before 0003 say nothing of what analysed them
    made_by = json.loads(invoke("stats", "--format", "json", "--db", db).stdout)["analysers"]
    assert made_by == {"unknown": 1}
    with engine.connect() as conn:
        facets = conn.execute(text("SELECT count(*) FROM attribution_facets")).scalar()
        claims = conn.execute(text("SELECT count(*) FROM attributions")).scalar()
        stance = conn.execute(
            text("SELECT stance FROM attributions WHERE content LIKE '%sponsoring%'")
        ).scalar()
    assert claims and facets == claims
    hits = json.loads(invoke("search", "sponsoring Islamic State", "--stance", str(stance), "--since", "2023-01-01",
                             "--format", "json", "--db", db).stdout)  # fmt: skip
    assert hits["count"] >= 1 and "sponsoring" in hits["data"][0]["content"]


def test_store_cli_search_table_json_csv(store: str) -> None:
    table = invoke("search", "sponsoring Islamic State", "--db", store)
    assert table.exit_code == 0, table.output
    assert "Zamir Kabulov" in table.stdout
    data = json.loads(
        invoke("search", "sponsoring Islamic State", "--format", "json", "--db", store).stdout
    )
    assert data["count"] >= 1 and "«" in data["data"][0]["snippet"]
    rows = list(
        csv.DictReader(
            io.StringIO(invoke("search", "Islamic State", "-f", "csv", "--db", store).stdout)
        )
    )
    assert rows and "content" in rows[0]
    filtered = json.loads(
        invoke("search", "US", "--stance", "distancing", "-f", "json", "--db", store).stdout
    )
    assert all(c["stance"] == "distancing" for c in filtered["data"])


@pytest.mark.parametrize("query", ['"', "NEAR(", "'; DROP TABLE attributions; --", "*", "((("])
def test_store_cli_search_hostile_query_is_one_line_or_results(store: str, query: str) -> None:
    result = invoke("search", query, "--db", store)
    assert result.exit_code in {0, 2}
    assert "Traceback" not in result.output
    if result.exit_code == 2:
        assert len(result.stderr.strip().splitlines()) == 1


def test_store_cli_shows_wikinews_licence_lines(store: str) -> None:
    result = invoke("export", "--format", "jsonl", "--outlet", "Wikinews", "--db", store)
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert rows and all("CC BY 2.5" in r["licence"] for r in rows)
    any_word = rows[0]["content"].split()[-1].strip(".,\"'”“")
    table = invoke("search", any_word, "--outlet", "Wikinews", "--db", store)
    assert "From Wikinews" in table.stdout


def test_store_cli_speakers_speaker_about(store: str) -> None:
    top = json.loads(invoke("speakers", "--top", "3", "-f", "json", "--db", store).stdout)
    assert top["count"] <= 3 and top["speakers"][0]["attributions"] >= 1
    profile = json.loads(invoke("speaker", "Kabulov", "-f", "json", "--db", store).stdout)
    assert profile["name"] == "Zamir Kabulov" and profile["attributions"] >= 2
    assert "presidential envoy" in " ".join(r["role"] for r in profile["roles"])
    table = invoke("speaker", "Kabulov", "--db", store)
    assert table.exit_code == 0 and "by stance" in table.stdout
    missing = invoke("speaker", "Nobody Whatsoever", "--db", store)
    assert missing.exit_code == 2 and "no such speaker" in missing.stderr
    about = json.loads(invoke("about", "Islamic State", "-f", "json", "--db", store).stdout)
    assert about["count"] >= 1
    assert invoke("about", "Islamic State", "--db", store).exit_code == 0


def test_store_cli_export_formats_are_complete(store: str, tmp_path: Path) -> None:
    total = json.loads(invoke("stats", "-f", "json", "--db", store).stdout)["attributions"]
    jsonl = invoke("export", "--db", store)
    assert len(jsonl.stdout.splitlines()) == total
    assert f"exported {total} claims" in jsonl.stderr
    out = tmp_path / "claims.parquet"
    assert invoke("export", "-f", "parquet", "--output", str(out), "--db", store).exit_code == 0
    assert pq.read_table(out).num_rows == total
    csv_out = tmp_path / "claims.csv"
    assert invoke("export", "-f", "csv", "-o", str(csv_out), "--db", store).exit_code == 0
    assert len(list(csv.DictReader(csv_out.open(encoding="utf-8")))) == total
    assert invoke("export", "-f", "parquet", "--db", store).exit_code == 2  # binary needs --output


def test_store_cli_search_says_when_it_ranked_the_newest_matches_only(
    store: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With `RANKED_MATCHES` lowered to 2, a search without filters that fills its window says
    on stderr how to reach older matches; a filtered one, or one short of the window, does not."""
    from saywho.store import query as store_query

    monkeypatch.setattr(store_query, "RANKED_MATCHES", 2)
    wide = invoke("search", "the", "-f", "json", "--db", store)
    assert wide.exit_code == 0 and json.loads(wide.stdout)["count"] == 2
    assert "ranks its 2 most recently stored matches; add --since/--until" in wide.stderr
    filtered = invoke("search", "the", "--stance", "neutral", "-f", "json", "--db", store)
    assert filtered.exit_code == 0 and "most recently stored" not in filtered.stderr
    assert json.loads(filtered.stdout)["count"] > 2
    monkeypatch.setattr(store_query, "RANKED_MATCHES", 10_000)
    assert "most recently stored" not in invoke("search", "the", "--db", store).stderr
