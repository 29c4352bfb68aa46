"""`saywho analyze` end to end in memory, and the JSON shape of an analysis."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from saywho.cli import app
from saywho.config import Settings
from saywho.model import Analysis, Article
from saywho.serialize import analysis_to_dict, article_to_dict

DEMO = str(Path(__file__).resolve().parents[2] / "src/saywho/data/demo/rt-2023-01-20-us-isis.txt")
ENV = {"SAYWHO_DETECT_LANGUAGE": "0"}
runner = CliRunner()


def invoke(*args: str) -> Result:
    return runner.invoke(app, list(args), env=ENV)


def test_serialize_analysis_is_the_article_plus_attributions_speakers_figures_and_analyser(
    sample_analysis: Analysis,
) -> None:
    obj = analysis_to_dict(sample_analysis)
    assert list(obj) == [
        *list(article_to_dict(sample_analysis.article)),
        "attributions",
        "speakers",
        "figures",
        "analyser",
    ]
    assert obj["analyser"] == sample_analysis.analyser
    first = obj["attributions"][0]
    assert list(first) == [
        "id",
        "kind",
        "field",
        "source",
        "cue",
        "content",
        "sentence",
        "parent",
        "confidence",
        "method",
        "checkworthiness",
        "check_worthy",
        "entities",
    ]
    assert {a["method"] for a in obj["attributions"]} == {"rules"}  # the sample's: the rules'
    assert list(first["source"]) == ["text", "start", "end", "speaker", "first_person"]
    assert list(first["cue"]) == ["text", "start", "end", "lemma", "stance"]
    assert list(first["content"]) == ["text", "start", "end", "parts"]
    assert first["content"]["parts"] == [
        {"start": first["content"]["start"], "end": first["content"]["end"]}
    ]
    assert obj["speakers"]["zamir-kabulov"] == {
        "name": "Zamir Kabulov",
        "type": "PERSON",
        "descriptions": ["Russia’s presidential envoy for Afghanistan"],
    }
    json.dumps(obj)  # JSON all the way down


def test_serialize_spans_slice_the_field_they_name(sample_analysis: Analysis) -> None:
    obj = analysis_to_dict(sample_analysis)
    for a in obj["attributions"]:
        text = obj[a["field"]] if a["field"] != "text" else obj["text"]
        for part in ("cue", "content") + (("source",) if a["source"] else ()):
            span = a[part]
            assert text[span["start"] : span["end"]] == span["text"]


def test_cli_analyze_prints_one_json_object_a_line() -> None:
    result = invoke("analyze", DEMO)
    assert result.exit_code == 0, result.output
    (line,) = result.stdout.splitlines()
    obj = json.loads(line)
    cues = [
        (a["source"]["text"] if a["source"] else None, a["cue"]["text"])
        for a in obj["attributions"]
    ]
    assert ("Kabulov", "added") in cues and ("the UN", "According to") in cues


def test_cli_analyze_json_is_one_array(tmp_path: Path) -> None:
    out = tmp_path / "out.json"
    result = invoke("analyze", DEMO, DEMO, "--format", "json", "--output", str(out))
    assert result.exit_code == 0, result.output
    objs = json.loads(out.read_text(encoding="utf-8"))
    assert len(objs) == 2 and objs[0]["attributions"] == objs[1]["attributions"]


def test_cli_analyze_table_is_readable() -> None:
    result = invoke("analyze", DEMO, "--format", "table")
    assert result.exit_code == 0, result.output
    assert (
        "Kabulov" in result.stdout
        and "distancing" in result.stdout
        and "according_to" in result.stdout
    )


@pytest.mark.parametrize("fmt", ["jsonl", "json", "table"])
def test_cli_analyze_plain_offsets_index_the_file(tmp_path: Path, fmt: str) -> None:
    path = tmp_path / "plain.txt"
    data = "  Title here\n\n“Yes,”  Kabulov said.\n"
    path.write_text(data, encoding="utf-8")
    result = invoke("analyze", "--plain", "--format", fmt, str(path))
    assert result.exit_code == 0, result.output
    if fmt == "jsonl":
        cue = json.loads(result.stdout)["attributions"][0]["cue"]
        assert data[cue["start"] : cue["end"]] == "said"


def test_cli_analyze_has_help() -> None:
    result = invoke("analyze", "--help")
    assert result.exit_code == 0
    assert "attributions" in result.stdout and "--plain" in result.stdout


def test_cli_analyze_reports_missing_input(tmp_path: Path) -> None:
    result = invoke("analyze", str(tmp_path / "missing.txt"))
    assert result.exit_code == 1


def test_cli_analyze_rules_only_leaves_out_what_only_the_crf_finds(tmp_path: Path) -> None:
    page = tmp_path / "page.txt"
    page.write_text(
        "Officials say talks failed\n\nThe minister said the talks had failed. Critics were "
        "also critical of the plan.\n",
        encoding="utf-8",
    )

    def found(*flags: str, env: dict[str, str] | None = None) -> list[tuple[str, str]]:
        result = runner.invoke(app, ["analyze", str(page), *flags], env={**ENV, **(env or {})})
        assert result.exit_code == 0, result.output
        return [(a["cue"]["text"], a["method"]) for a in json.loads(result.stdout)["attributions"]]

    both, rules = found("--notion", "broad"), found("--notion", "broad", "--rules-only")
    # what the model adds is all it adds: the rules' findings stay, the additions say "crf"
    assert {("say", "rules"), ("said", "rules")} <= set(rules) and all(
        m == "rules" for _, m in rules
    )
    assert set(rules) <= set(both)
    assert all(method == "crf" for finding, method in both if (finding, method) not in rules)
    assert any(method == "crf" for _, method in both)  # "were also critical of": an attitude
    assert found("--notion", "broad", env={"SAYWHO_RULES_ONLY": "1"}) == rules
    # the default notion (claims) keeps no attitude: "critical of" is PolNeAR's broad notion
    assert all(method == "rules" for _, method in found())
    assert found(env={"SAYWHO_NOTION": "broad"}) == both


def test_cli_analyze_says_what_made_the_analysis(tmp_path: Path) -> None:
    """Every analysis names its analyser: the saywho version and the packaged model's
    fingerprint, or the rules alone; the table shows it under the attributions."""
    import hashlib

    from saywho import __version__
    from saywho.analyze.learned import model_path

    page = tmp_path / "page.txt"
    page.write_text("The minister said the talks had failed.\n", encoding="utf-8")

    def made_by(*flags: str) -> str:
        result = invoke("analyze", str(page), "--format", "json", *flags)
        assert result.exit_code == 0, result.output
        name = json.loads(result.stdout)[0]["analyser"]
        assert isinstance(name, str)
        return name

    fingerprint = hashlib.sha256(model_path().read_bytes()).hexdigest()[:12]
    assert made_by() == f"saywho {__version__} rules+crf-{fingerprint} notion=claims"
    assert (
        made_by("--notion", "broad") == f"saywho {__version__} rules+crf-{fingerprint} notion=broad"
    )
    assert made_by("--rules-only") == f"saywho {__version__} rules notion=claims"
    table = invoke("analyze", str(page), "--format", "table", "--rules-only")
    assert f"saywho {__version__} rules" in table.stdout


def test_cli_analyze_a_page_the_analysis_fails_on_is_reported_and_the_rest_go_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A bug met by one page of a batch (here `analyze_many` raising on it) costs that page
    alone: it is reported with its path and the error, the others are printed, in order."""
    import saywho.analyze

    real = saywho.analyze.analyze_many

    def flaky(articles: Iterable[Article], settings: Settings | None = None) -> Iterator[Analysis]:
        for analysis in real(articles, settings):
            if "bridge" in analysis.article.text:
                raise RuntimeError("boom")
            yield analysis

    monkeypatch.setattr(saywho.analyze, "analyze_many", flaky)
    pages = []
    for name, text in (("a", "The mayor said the road was closed."), ("b", "The bridge fell."),
                       ("c", "Police said two people were hurt.")):  # fmt: skip
        pages.append(tmp_path / f"{name}.txt")
        pages[-1].write_text(text + "\n", encoding="utf-8")
    result = invoke("analyze", *map(str, pages))
    assert result.exit_code == 0, result.output
    sources = [json.loads(line)["source"] for line in result.stdout.splitlines()]
    assert sources == [str(pages[0]), str(pages[2])]
    assert f"{pages[1]}: analysis failed (RuntimeError: boom)" in result.output
    assert "2 done, 1 failed" in result.output and "Traceback" not in result.output
    assert invoke("analyze", "--strict", *map(str, pages)).exit_code == 3
