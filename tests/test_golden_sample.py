"""The canonical input end to end through the CLI: `saywho extract` on the flattened RT page."""

import json
from pathlib import Path

from typer.testing import CliRunner

from saywho.cli import app

SAMPLE = Path(__file__).resolve().parents[1] / "src/saywho/data/demo/rt-2023-01-20-us-isis.txt"
CHROME = ("icon", "bookmark", "Podcasts", "0:00", "26:12", "29:12")


def test_golden_sample_article_metadata_and_body() -> None:
    result = CliRunner().invoke(app, ["extract", str(SAMPLE)])
    assert result.exit_code == 0, result.output
    article = json.loads(result.stdout.splitlines()[0])
    assert article["title"] == "US covertly sponsoring ISIS – Moscow"
    assert article["published"] == "2023-01-20T13:04"
    assert article["standfirst"] == (
        "Washington wants to take revenge on the Taliban for its defeat, "
        "the Russian Foreign Ministry says"
    )
    assert article["language"] == "en"
    assert article["url"] is None and article["site"] is None and article["authors"] == []
    paragraphs = article["paragraphs"]
    assert len(paragraphs) == 8
    assert paragraphs[0].startswith("The US has been reaching out")
    assert paragraphs[-1].endswith("has surpassed $26.7 billion.")
    assert article["text"] == "\n\n".join(paragraphs)
    assert not any(word in article["text"] for word in CHROME)
    assert article["title"] not in article["text"]
