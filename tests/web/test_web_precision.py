"""Issue 13 on the web: a split quotation is highlighted part by part (never its "he said"),
the API analyses under either notion, and generic sources leave the speaker list unless asked."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import lxml.html

from saywho.config import Settings
from saywho.pipeline.demo import DEMO

HEADERS = {"authorization": "Bearer s3cret"}


def _demo(name: str) -> str:
    return next((DEMO / "wikinews").glob(f"*{name}*.txt")).read_text(encoding="utf-8")


def test_web_split_quotation_is_highlighted_part_by_part(make_client: Callable[..., Any]) -> None:
    client = make_client(Settings(detect_language=False, api_token="s3cret"), fill_store=False)
    stored = client.post("/api/v1/ingest", json={"text": _demo("warhol-s-photo")}, headers=HEADERS)
    assert stored.status_code == 201, stored.text
    article_id = stored.json()["id"]
    data = client.get(f"/api/v1/articles/{article_id}").json()
    (split,) = [a for a in data["attributions"] if "really kind of magical" in a["content"]["text"]]
    parts = split["content"]["parts"]
    assert len(parts) == 2
    page = lxml.html.fromstring(client.get(f"/articles/{article_id}").text)
    marks = page.xpath(f"//span[contains(@class, 'sw-content')][@data-attribution='{split['id']}']")
    shown = " ".join(m.text_content() for m in marks)
    assert "really kind of magical" in shown and "smacked them around" in shown
    assert "Allton said" not in shown  # the interruption is not content
    # the side list shows what was said, without the interruption
    (item,) = page.xpath(f"//ol[@id='attributions']/li[@data-attribution='{split['id']}']")
    assert "smacked them around" in item.text_content()
    assert "Allton said" not in item.text_content()
    # the cue is highlighted, outside every content piece of its own attribution
    cues = page.xpath(f"//span[contains(@class, 'sw-cue')][@data-attribution='{split['id']}']")
    assert [c.text_content() for c in cues] == ["said"]
    assert not any(
        anc.get("data-attribution") == str(split["id"]) and "sw-content" in anc.get("class", "")
        for c in cues for anc in c.iterancestors("span")
    )  # fmt: skip


def test_web_api_analyses_under_either_notion(make_client: Callable[..., Any]) -> None:
    client = make_client(fill_store=False)
    text = "The minister said the talks had failed. Memon also said she believed the plan helped."

    def cues(*query: str) -> tuple[list[str], str]:
        response = client.post("/api/v1/analyze" + "".join(query), json={"text": text})
        assert response.status_code == 200, response.text
        body = response.json()
        return [a["cue"]["text"] for a in body["attributions"]], body["analyser"]

    claims, made = cues()
    broad, made_broad = cues("?notion=broad")
    assert "believed" not in claims and "believed" in broad
    assert made.endswith("notion=claims") and made_broad.endswith("notion=broad")
    bad = client.post("/api/v1/analyze?notion=everything", json={"text": text})
    assert bad.status_code == 422 and set(bad.json()) == {"error"}


def test_web_speakers_leave_generic_sources_out_unless_asked(
    make_client: Callable[..., Any],
) -> None:
    client = make_client(Settings(detect_language=False, api_token="s3cret"), fill_store=False)
    for name in ("el-paso", "mosque-murder"):
        posted = client.post("/api/v1/ingest", json={"text": _demo(name)}, headers=HEADERS)
        assert posted.status_code == 201, posted.text
    named = client.get("/api/v1/speakers?limit=100").json()
    everyone = client.get("/api/v1/speakers?limit=100&generic=true").json()
    assert all(s["type"] != "GENERIC" for s in named["items"])
    police = [s for s in everyone["items"] if s["type"] == "GENERIC" and s["name"] == "Police"]
    assert len(police) == 2  # one per article, never merged
    assert everyone["total"] > named["total"]
    page = lxml.html.fromstring(client.get("/speakers").text)
    assert "GENERIC" not in page.text_content()
    toggle = page.xpath("//a[@id='generic']")[0].get("href")
    assert "GENERIC" in client.get(toggle).text
