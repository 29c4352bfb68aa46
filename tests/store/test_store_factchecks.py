"""Fact-checks in the store (both databases) and `saywho factchecks import|list|show`."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import Engine, func, select
from typer.testing import CliRunner, Result

from saywho.cli import app
from saywho.factchecks import BadRecord, from_jsonl
from saywho.model import FactCheck
from saywho.store import open_store
from saywho.store.factchecks import (
    fact_check_key,
    get_fact_check,
    import_fact_checks,
    list_fact_checks,
)
from saywho.store.schema import fact_checks

CHECK = FactCheck(
    claim_reviewed="The United States is covertly sponsoring Islamic State militants in Afghanistan.",
    claimant="Zamir Kabulov", claim_date="2023-01-20", rating="False", verdict="false",
    fact_checker="Example Fact Check", review_date="2023-01-24", url="https://factcheck.example/us-isis",
    language="en", identifier=None, title=None, source="fc.jsonl#line 1",
)  # fmt: skip


def review(n: int, rating: str = "False", **extra: object) -> dict[str, object]:
    return {"@type": "ClaimReview", "claimReviewed": f"Claim number {n} about the war in Afghanistan",
            "url": f"https://factcheck.example/{n}", "reviewRating": {"alternateName": rating},
            "author": {"@type": "Organization", "name": "Example Fact Check"},
            "datePublished": f"2023-02-{n % 28 + 1:02d}", **extra}  # fmt: skip


def claimed(who: str, day: str) -> dict[str, object]:
    return {"@type": "Claim", "author": {"@type": "Person", "name": who}, "datePublished": day}


def invoke(*args: str) -> Result:
    return CliRunner().invoke(app, list(args), env={"SAYWHO_DETECT_LANGUAGE": "0"})


def ratings(engine: Engine, url: str) -> tuple[int, list[str]]:
    """The current version of the fact-check at `url` and the ratings of all its versions,
    oldest first (checking that the current one is shown as the last)."""
    _total, found = list_fact_checks(engine)
    current = next(f for f in found if f.check.url == url)
    shown, versions = get_fact_check(engine, current.id)
    assert shown.id == current.id and versions[-1].check == current.check
    return current.version, [v.check.rating for v in versions]


def test_factchecks_import_is_idempotent_and_a_change_is_a_new_version(engine: Engine) -> None:
    first = import_fact_checks(
        engine,
        [
            CHECK,
            dataclasses.replace(
                CHECK, url="https://factcheck.example/2", claim_reviewed="Another claim entirely"
            ),
        ],
    )
    assert (first.stored, first.updated, first.skipped, first.errors) == (2, 0, 0, 0)
    again = import_fact_checks(engine, [dataclasses.replace(CHECK, source="elsewhere.json")])
    assert (again.stored, again.skipped) == (0, 1)  # where it was read from is not its content
    changed = import_fact_checks(
        engine, [dataclasses.replace(CHECK, rating="Pants on Fire", verdict="false")]
    )
    assert (changed.stored, changed.updated) == (0, 1)
    total, found = list_fact_checks(engine)
    assert total == 2
    current = next(f for f in found if f.check.url == CHECK.url)
    assert ratings(engine, CHECK.url) == (2, ["False", "Pants on Fire"])
    with engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(fact_checks)) == 3
        blob = conn.scalar(select(fact_checks.c.vector).where(fact_checks.c.id == current.id))
    vector = np.frombuffer(blob, dtype=np.float16).astype(np.float32)
    assert vector.shape == (384,) and abs(float(np.linalg.norm(vector)) - 1) < 0.01


def test_factchecks_import_reports_bad_records_and_goes_on(engine: Engine) -> None:
    lines = [
        json.dumps(review(1)),
        "{broken",
        json.dumps({"@type": "ClaimReview", "url": "x"}),
        json.dumps(review(2)),
    ]
    events: list[tuple[str, str]] = []
    summary = import_fact_checks(
        engine, from_jsonl(lines, "f.jsonl"), lambda o, w: events.append((o, w)), batch=2
    )
    assert (summary.stored, summary.errors) == (2, 2)
    assert [b.position for b in summary.bad] == ["f.jsonl#line 2", "f.jsonl#line 3"]
    assert sorted(events) == [("error", "f.jsonl#line 2"), ("error", "f.jsonl#line 3"),
                              ("stored", "f.jsonl#line 1"), ("stored", "f.jsonl#line 4")]  # fmt: skip


def test_factchecks_same_key_twice_in_one_batch_keeps_one_current(engine: Engine) -> None:
    summary = import_fact_checks(engine, [CHECK, dataclasses.replace(CHECK, rating="Mostly false",
                                                                    verdict="mostly_false")])  # fmt: skip
    assert (summary.stored, summary.updated) == (1, 1)
    total, found = list_fact_checks(engine)
    assert total == 1 and found[0].check.verdict == "mostly_false" and found[0].version == 2


def test_factchecks_stored_key_changed_twice_in_one_batch(engine: Engine) -> None:
    """A stored fact-check given two new versions among new ones in one batch: versions 2 and
    3 are kept, 3 alone is current, and every other record is stored as itself."""
    import_fact_checks(engine, [CHECK])
    others = [dataclasses.replace(CHECK, url=f"https://factcheck.example/o{k}",
                                  claim_reviewed=f"Claim number {k} about something") for k in range(3)]  # fmt: skip
    batch = [others[0], dataclasses.replace(CHECK, rating="Mostly false"), others[1],
             dataclasses.replace(CHECK, rating="Pants on Fire"), others[2]]  # fmt: skip
    summary = import_fact_checks(engine, batch)
    assert (summary.stored, summary.updated) == (3, 2)
    total, found = list_fact_checks(engine)
    assert total == 4
    assert ratings(engine, CHECK.url) == (3, ["False", "Mostly false", "Pants on Fire"])
    for other in others:  # each row holds its own record and its own claim's vector
        stored = next(f for f in found if f.check.url == other.url)
        assert stored.check == other and stored.version == 1
    with engine.connect() as conn:
        rows = dict(conn.execute(select(fact_checks.c.url, fact_checks.c.vector)
                                 .where(fact_checks.c.current.is_(True))).all())  # fmt: skip
    from saywho.claims.cluster import dense_vectors

    expected = dense_vectors([o.claim_reviewed for o in others]).astype(np.float16)
    for other, vector in zip(others, expected, strict=True):
        assert rows[other.url] == vector.tobytes()


def test_factchecks_keys_identifier_then_url_then_content() -> None:
    assert fact_check_key(dataclasses.replace(CHECK, identifier="fc-1")) == "id:fc-1"
    assert fact_check_key(CHECK) == f"url:{CHECK.url}"
    several = dataclasses.replace(CHECK, source="page.html#review 2")
    assert fact_check_key(several).startswith(f"url:{CHECK.url}|")  # one page, several reviews
    assert fact_check_key(dataclasses.replace(CHECK, url=None)).startswith("sha:")


def test_factchecks_list_filters_by_verdict_and_fact_checker(engine: Engine) -> None:
    import_fact_checks(engine, [
        CHECK,
        dataclasses.replace(CHECK, url="https://b.example/1", verdict="true", rating="True", fact_checker="Other"),
    ])  # fmt: skip
    assert [f.check.url for f in list_fact_checks(engine, verdict="true")[1]] == [
        "https://b.example/1"
    ]
    assert list_fact_checks(engine, fact_checker="example fact check")[0] == 1


def test_factchecks_cli_import_list_show_and_bad_inputs(tmp_path: Path) -> None:
    db = str(tmp_path / "fc.db")
    feed = tmp_path / "feed.json"
    feed.write_text(json.dumps({"dataFeedElement": [{"item": [review(1), review(2, "Mixture")]}]}))
    table = tmp_path / "t.csv"
    table.write_text("claim,claimant,rating,url,publisher,review_date\n"
                     "Crime fell 10%,Donald Trump,pants-fire,https://pf.example/1,PolitiFact,2017-08-23\n"
                     ",nobody,false,,,\n")  # fmt: skip
    binary = tmp_path / "image.html"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 10)
    result = invoke(
        "factchecks",
        "import",
        str(feed),
        str(table),
        str(binary),
        str(tmp_path / "missing.json"),
        "--db",
        db,
    )
    assert result.exit_code == 0, result.output
    assert "3 fact-checks stored" in result.stderr and "3 bad records" in result.stderr
    assert (
        "; 0 stored claim clusters near them linked to a fact-check" in result.stderr
    )  # none stored
    assert (
        f"{table}#row 3: no claim" in result.stderr
        and "missing.json: no such file" in result.stderr
    )
    assert "image.html: binary data" in result.stderr
    assert "Traceback" not in result.output
    listed = invoke("factchecks", "list", "--db", db, "--format", "jsonl", "--verdict", "false")
    rows = [json.loads(line) for line in listed.stdout.splitlines()]
    assert {r["claimant"] for r in rows} == {"Donald Trump", None} and len(rows) == 2
    shown = invoke("factchecks", "show", str(rows[0]["id"]), "--db", db)
    assert shown.exit_code == 0 and "version 1 of 1" in shown.stdout
    assert invoke("factchecks", "show", "999", "--db", db).exit_code == 2
    assert invoke("factchecks", "list", "--verdict", "wrong", "--db", db).exit_code == 2
    only_bad = invoke("factchecks", "import", str(tmp_path / "missing.json"), "--db", db)
    assert only_bad.exit_code == 1 and "no such file" in only_bad.stderr


def test_factchecks_cli_big_inputs_stream_or_are_refused_in_one_line(tmp_path: Path) -> None:
    """A 50 MB JSON document is over --max-bytes: refused with the way out; a 50 MB JSON Lines
    file streams: its one huge broken line is one bad record, the good line is stored."""
    db = str(tmp_path / "fc.db")
    big = tmp_path / "big.json"
    big.write_text(
        json.dumps({"dataFeedElement": [{"item": [review(1, claimText="x" * (50 * 2**20))]}]})
    )
    refused = invoke("factchecks", "import", str(big), "--db", db)
    assert (
        refused.exit_code == 1
        and "over --max-bytes" in refused.stderr
        and "JSONL" in refused.stderr
    )
    lines = tmp_path / "big.jsonl"
    with lines.open("w") as out:
        out.write(json.dumps(review(1)) + "\n")
        out.write('{"@type": "ClaimReview", "claimReviewed": "' + "y" * (50 * 2**20) + "\n")
    streamed = invoke("factchecks", "import", str(lines), "--db", db)
    assert streamed.exit_code == 0 and "1 fact-checks stored" in streamed.stderr
    assert f"{lines}#line 2: not JSON" in streamed.stderr


@pytest.mark.parametrize("text", ["", "   ", "\ufeff"])
def test_factchecks_empty_inputs_are_one_bad_record(tmp_path: Path, text: str) -> None:
    from saywho.cli.factchecks import read_fact_checks
    from saywho.config import Settings

    path = tmp_path / "empty.json"
    path.write_text(text)
    (bad,) = list(read_fact_checks(str(path), Settings(detect_language=False)))
    assert isinstance(bad, BadRecord) and bad.position == str(path)


def test_factchecks_match_ranks_the_fact_check_of_a_paraphrase_first(engine: Engine) -> None:
    from saywho.store.factchecks import match_fact_checks

    import_fact_checks(engine, [
        CHECK,
        dataclasses.replace(CHECK, url="https://b.example/1", claim_reviewed="The war in Afghanistan cost the US "
                            "more than two trillion dollars."),
        dataclasses.replace(CHECK, url="https://b.example/2", claim_reviewed="Drinking hot water kills the coronavirus."),
    ])  # fmt: skip
    found = match_fact_checks(engine, ["Washington is secretly funding ISIS in Afghanistan",
                                       "hot drinks cure covid"], top=2)  # fmt: skip
    assert next(m.fact_check.check.url for m in found[0]) == CHECK.url
    assert found[1][0].fact_check.check.url == "https://b.example/2"
    assert found[0][0].score > found[0][1].score
    assert match_fact_checks(engine, [], top=3) == []


def test_factchecks_match_many_statements_in_blocks_as_one_by_one(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Many statements are scored against the fact-checks a block at a time (memory bounded
    however long a --file is), each ranked as it would be alone."""
    from saywho.store import factcheck_corpus
    from saywho.store.factchecks import match_fact_checks

    import_fact_checks(engine, [
        dataclasses.replace(CHECK, url=f"https://b.example/{n}", claim_reviewed=claim)
        for n, claim in enumerate(["The US is secretly funding ISIS.", "Drinking hot water kills the coronavirus.",
                                   "The war in Afghanistan cost two trillion dollars.", "Vaccines contain microchips."])
    ])  # fmt: skip
    texts = ["Washington funds Islamic State", "hot drinks cure covid", "vaccines track you",
             "Afghanistan war costs", "ISIS gets American money"]  # fmt: skip
    alone = [match_fact_checks(engine, [t], top=3)[0] for t in texts]
    monkeypatch.setattr(factcheck_corpus, "BLOCK", 2)
    together = match_fact_checks(engine, texts, top=3)
    # (the same order; scores alike but for the last bits a matrix product of other shapes gives)
    assert [[m.fact_check.id for m in ms] for ms in together] == [
        [m.fact_check.id for m in ms] for ms in alone
    ]
    assert [m.score for ms in together for m in ms] == pytest.approx(
        [m.score for ms in alone for m in ms], rel=1e-5, abs=1e-6
    )


def test_factchecks_cli_match_jsonl_file_and_bad_lines(tmp_path: Path) -> None:
    db = str(tmp_path / "fc.db")
    feed = tmp_path / "feed.jsonl"
    feed.write_text(
        "".join(json.dumps(review(n, identifier=f"fc-{n}")) + "\n" for n in range(1, 4))
    )
    assert invoke("factchecks", "import", str(feed), "--db", db).exit_code == 0
    queries = tmp_path / "q.jsonl"
    # a broken line among JSON objects is reported, not read as a statement (nor the others)
    queries.write_text('{"id": "q1", "text": "claim number 2 about Afghanistan"}\n{"id": "q2"}\n'
                       'not json\n{"id": "q4", "text": "x", "date": "03/10/2012"}\n')  # fmt: skip
    result = invoke(
        "factchecks", "match", "--file", str(queries), "--top", "2", "--format", "jsonl", "--db", db
    )
    assert result.exit_code == 0, result.output
    (row,) = [json.loads(line) for line in result.stdout.splitlines()]
    assert row["id"] == "q1" and len(row["matches"]) == 2
    assert set(row["matches"][0]) == {"id", "identifier", "url", "claim_reviewed", "claimant", "rating", "verdict",
                                      "fact_checker", "review_date", "score", "copies"}  # fmt: skip
    assert row["matches"][0]["identifier"].startswith("fc-")
    assert f'{queries}#2: no "text" string in the object' in result.stderr
    assert f"{queries}#3: not JSON" in result.stderr
    assert f"{queries}#4: date '03/10/2012' is not YYYY-MM-DD" in result.stderr
    assert invoke("factchecks", "match", "x", "--file", str(queries), "--db", db).exit_code == 2
    assert invoke("factchecks", "match", "--db", db).exit_code == 2
    table = invoke("factchecks", "match", "claim number 3", "--db", db)
    assert (
        table.exit_code == 0 and "1: claim number 3" in table.stdout and "verdict" in table.stdout
    )
    # in 80 columns the url is folded whole, not cut with an ellipsis, and every line stays in
    # the frame; so in the list, whose claims read as words (seven columns once folded them a
    # word a line)
    assert "…" not in table.stdout and "probability" in table.stdout
    listing = invoke("factchecks", "list", "--db", db)
    for shown in (table, listing):
        lines = shown.stdout.splitlines()
        assert all(len(line) <= 80 for line in lines)
        assert all(line.rstrip()[-1] in "┓┃┩│┤┘" for line in lines[1:]), shown.stdout
    assert "checked by Example Fact Check" in listing.stdout
    assert "Claim number 3 about the war" in listing.stdout


def test_claims_cli_fact_checked_filters_and_a_bad_verdict(tmp_path: Path) -> None:
    db = str(tmp_path / "fc.db")
    assert invoke("factchecks", "list", "--db", db).exit_code in (0, 2)  # store may not exist yet
    feed = tmp_path / "f.jsonl"
    feed.write_text(json.dumps(review(1)) + "\n")
    assert invoke("factchecks", "import", str(feed), "--db", db).exit_code == 0
    none = invoke("claims", "--fact-checked", "--format", "json", "--db", db)
    assert none.exit_code == 0, none.output
    assert json.loads(none.stdout)["count"] == 0  # no claims stored: nothing linked
    bad = invoke("claims", "--verdict", "fake-news", "--db", db)
    assert bad.exit_code == 2 and "not a verdict" in bad.stderr


def test_factchecks_match_uses_the_speaker_and_date(tmp_path: Path) -> None:
    """Two fact-checks of one claim by different people in different years: the statement's
    speaker and day (given, or from a post signature) rank the right one first."""
    db = str(tmp_path / "fc.db")
    feed = tmp_path / "two.jsonl"
    feed.write_text(
        json.dumps(review(1, identifier="old", itemReviewed=claimed("Barack Obama", "2012-10-03"))) + "\n"
        + json.dumps(review(1, identifier="new", itemReviewed=claimed("Donald Trump", "2019-10-01"),
                            url="https://example.org/new")) + "\n"
    )  # fmt: skip
    assert invoke("factchecks", "import", str(feed), "--db", db).exit_code == 0
    text = "Claim number 1 about the war in Afghanistan"

    def first(*args: str) -> str:
        result = invoke("factchecks", "match", *args, "--format", "jsonl", "--db", db)
        assert result.exit_code == 0, result.output
        return str(json.loads(result.stdout.splitlines()[0])["matches"][0]["identifier"])

    assert first(text, "--speaker", "Trump", "--date", "2019-10-02") == "new"
    assert first(text, "--speaker", "Obama", "--date", "2012-10-04") == "old"
    assert first(f"{text} — Donald J. Trump (@realDonaldTrump) October 2, 2019") == "new"
    queries = tmp_path / "q.jsonl"
    queries.write_text(
        json.dumps({"id": "a", "text": text, "speaker": "Barack Obama", "date": "2012-10-03"})
        + "\n"
    )
    assert first("--file", str(queries)) == "old"
    assert invoke("factchecks", "match", text, "--date", "03/10/2012", "--db", db).exit_code == 2


def test_factchecks_match_folds_copies_into_the_first_stored(engine: Engine) -> None:
    """One review stored twice under two identifiers, its quotes changed: ranked once, as the
    first stored (or the earliest reviewed), with the copy named; another claimant's review of
    the same words, or another fact-checker's, is not a copy."""
    from saywho.store.factchecks import match_fact_checks

    said = 'Donald Trump said "no obstruction" when the report came out.'
    original = dataclasses.replace(CHECK, identifier="a", url="https://a.example/1", claim_reviewed=said,
                                   review_date=None)  # fmt: skip
    copy = dataclasses.replace(original, identifier="b", url="https://a.example/2",
                               claim_reviewed=said.replace('"', "'"))  # fmt: skip
    other_claimant = dataclasses.replace(original, identifier="c", url="https://a.example/3",
                                         claimant="Kellyanne Conway")  # fmt: skip
    other_checker = dataclasses.replace(
        copy, identifier="d", url="https://d.example/1", fact_checker="Other"
    )
    import_fact_checks(engine, [original, copy, other_claimant, other_checker])
    with engine.connect() as conn:
        ids = {r[0]: r[1] for r in conn.execute(select(fact_checks.c.identifier, fact_checks.c.id))}
    (found,) = match_fact_checks(engine, ["Trump said no obstruction"], top=10)
    assert [m.fact_check.check.identifier for m in found].count("b") == 0
    assert {m.fact_check.check.identifier for m in found} == {"a", "c", "d"}
    first = next(m for m in found if m.fact_check.check.identifier == "a")
    assert first.copies == (ids["b"],) and first.to_dict()["copies"] == [ids["b"]]
    assert all(m.copies == () for m in found if m.fact_check.check.identifier != "a")
    # dated reviews: the earliest reviewed is the original, whichever was stored first
    import_fact_checks(engine, [dataclasses.replace(original, review_date="2020-05-02"),
                                dataclasses.replace(copy, review_date="2019-04-01")])  # fmt: skip
    (found,) = match_fact_checks(engine, ["Trump said no obstruction"], top=10)
    with engine.connect() as conn:
        current = select(fact_checks.c.identifier, fact_checks.c.id).where(
            fact_checks.c.current.is_(True)
        )
        ids = {r[0]: r[1] for r in conn.execute(current)}
    kept = [m for m in found if m.fact_check.check.identifier in ("a", "b")]
    assert [m.fact_check.check.identifier for m in kept] == ["b"] and kept[0].copies == (ids["a"],)


def test_factchecks_candidates_include_the_speakers_own_fact_checks(engine: Engine) -> None:
    """The first stage's candidates by text, and the best by text of the fact-checks whose
    claimant shares a name word with the statement's speaker, even when text alone ranks them
    lower."""
    from saywho.factchecks.ranking import Stated
    from saywho.store.factchecks import ranking_features

    near = dataclasses.replace(CHECK, url="https://a.example/near", claimant="Zamir Kabulov")
    far = dataclasses.replace(CHECK, url="https://a.example/far", claimant="Kellyanne Conway",
                              claim_reviewed="Terrorists in Afghanistan are paid from abroad.")  # fmt: skip
    import_fact_checks(engine, [near, far])
    with engine.connect() as conn:
        ids = {r[0]: r[1] for r in conn.execute(select(fact_checks.c.url, fact_checks.c.id))}
    text = "The United States is covertly sponsoring Islamic State militants in Afghanistan."
    ((alone, _),) = ranking_features(engine, [Stated(text)], 1)
    assert alone.tolist() == [ids[near.url]]
    ((told, x),) = ranking_features(engine, [Stated(text, "Kellyanne Conway")], 1)
    assert told.tolist() == [ids[near.url], ids[far.url]] and x.shape[0] == 2
    ((nobody, _),) = ranking_features(engine, [Stated(text, "Someone Else")], 1)
    assert nobody.tolist() == [ids[near.url]]


def test_search_speaker_and_about_in_the_cli_say_who_checked_each_claim(tmp_path: Path) -> None:
    """`saywho search`, `saywho speaker` and `saywho about` give each attribution its claim
    across articles and the fact-checks that address it (JSON: a list; CSV: one cell; table: a
    "fact-checked:" line), as the API does; the search table reads in 80 columns."""
    import csv
    import io

    sample = Path(__file__).resolve().parents[2] / "src/saywho/data/demo/rt-2023-01-20-us-isis.txt"
    db = str(tmp_path / "s.db")
    assert invoke("ingest", "--db", db, str(sample)).exit_code == 0
    engine = open_store(db)
    import_fact_checks(engine, [CHECK])
    engine.dispose()
    found = json.loads(invoke("search", "Islamic State", "--format", "json", "--db", db).stdout)
    checked = [c for c in found["data"] if c["fact_checks"]]
    assert checked and all(c["claim_id"] for c in found["data"])
    assert checked[0]["fact_checks"][0]["url"] == "https://factcheck.example/us-isis"
    others = json.loads(invoke("search", "Americans", "--format", "json", "--db", db).stdout)[
        "data"
    ]
    assert others and all(c["claim_id"] and not c["fact_checks"] for c in others)
    rows = list(
        csv.DictReader(
            io.StringIO(invoke("search", "Islamic State", "-f", "csv", "--db", db).stdout)
        )
    )
    assert rows[0]["fact_checks"] == "False (Example Fact Check, https://factcheck.example/us-isis)"
    profile = json.loads(invoke("speaker", "Kabulov", "--format", "json", "--db", db).stdout)
    assert any(c["fact_checks"] for c in profile["latest"])
    about = list(
        csv.DictReader(
            io.StringIO(invoke("about", "Islamic State", "-f", "csv", "--db", db).stdout)
        )
    )
    assert any(r["fact_checks"].startswith("False (Example Fact Check") for r in about)
    table = invoke("search", "Islamic State", "--db", db)
    lines = table.stdout.splitlines()
    assert "fact-checked: False (Example" in table.stdout, table.stdout
    assert all(len(line) <= 80 for line in lines)
    frame = lines[1 : lines.index("") if "" in lines else None]
    assert all(line.rstrip()[-1] in "┓┃┩│┤┘" for line in frame), table.stdout
    assert "Zamir Kabulov" in table.stdout
