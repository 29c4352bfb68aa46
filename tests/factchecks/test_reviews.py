"""Reading fact-checks: ClaimReview in the shapes fact-checkers and aggregators publish it.

The inputs are written here in the shapes real publishers use (PolitiFact-style JSON-LD in a
``@graph``, several reviews in one array, microdata, Google's data-feed shape, a CSV export), and
broken ones: bad JSON, a review without its claim, an unknown rating, a malformed table row.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from saywho.factchecks import BadRecord, from_csv, from_html, from_json, from_jsonl, verdict
from saywho.factchecks.verdicts import VERDICTS, normalise_wording, wordings
from saywho.model import FactCheck

SHARED = Path(__file__).resolve().parents[3] / "shared" / "data"

REVIEW = {
    "@context": "https://schema.org",
    "@type": "ClaimReview",
    "url": "https://factcheck.example/2023/01/us-isis",
    "headline": "No, the US is not sponsoring  Islamic State",
    "identifier": {"@type": "PropertyValue", "propertyID": "fc-id", "value": "fc-2023-0117"},
    "claimReviewed": "The United States  is covertly sponsoring\nIslamic State militants in Afghanistan.",
    "datePublished": "2023-01-24T09:30:00+00:00",
    "inLanguage": {"@type": "Language", "name": "English", "alternateName": "en"},
    "itemReviewed": {
        "@type": "Claim",
        "author": {"@type": "Person", "name": "Zamir Kabulov", "jobTitle": "presidential envoy"},
        "datePublished": "2023-01-20",
        "appearance": [{"@type": "CreativeWork", "url": "https://rt.example/us-isis"}],
    },
    "author": {
        "@type": "Organization",
        "name": "Example Fact Check",
        "url": "https://factcheck.example",
    },
    "reviewRating": {
        "@type": "Rating",
        "ratingValue": 1,
        "bestRating": 6,
        "worstRating": 1,
        "alternateName": "Pants on Fire!",
    },
}


def page(*scripts: object, body: str = "") -> str:
    blocks = "".join(
        f'<script type="application/ld+json">{json.dumps(s)}</script>' for s in scripts
    )
    return f"<!DOCTYPE html><html><head><title>Fact check</title>{blocks}</head><body>{body}</body></html>"


def checks(records: list[FactCheck | BadRecord]) -> list[FactCheck]:
    return [r for r in records if isinstance(r, FactCheck)]


def test_reviews_json_ld_in_a_graph_with_everything_read() -> None:
    graph = {"@context": "https://schema.org", "@graph": [
        {"@type": "WebPage", "@id": "https://factcheck.example/2023/01/us-isis#page"},
        {"@type": "Organization", "name": "Example Fact Check"},
        REVIEW,
    ]}  # fmt: skip
    (check,) = list(from_html(page(graph), "page.html", url="https://factcheck.example/page"))
    assert isinstance(check, FactCheck)
    assert (
        check.claim_reviewed
        == "The United States is covertly sponsoring Islamic State militants in Afghanistan."
    )
    assert (check.claimant, check.claim_date) == ("Zamir Kabulov", "2023-01-20")
    assert (check.rating, check.verdict) == ("Pants on Fire!", "false")
    assert (check.fact_checker, check.review_date) == ("Example Fact Check", "2023-01-24")
    assert (check.url, check.language, check.identifier) == (REVIEW["url"], "en", "fc-2023-0117")
    assert check.title == "No, the US is not sponsoring Islamic State"
    assert check.source == "page.html"


def test_reviews_several_in_one_array_and_across_scripts_each_with_its_position() -> None:
    second = {
        **REVIEW,
        "claimReviewed": "Washington left Afghanistan in August 2021.",
        "reviewRating": {"@type": "Rating", "alternateName": "True"},
        "url": "https://factcheck.example/b",
    }
    third = {
        **REVIEW,
        "claimReviewed": "The war cost $2.1 trillion.",
        "url": "https://factcheck.example/c",
        "reviewRating": {
            "@type": "Rating",
            "ratingValue": "4",
            "bestRating": "5",
            "worstRating": "1",
        },
    }
    records = list(from_html(page([REVIEW, second], third), "p.html"))
    found = checks(records)
    assert [c.verdict for c in found] == ["false", "true", "mostly_true"]  # the last by its number
    assert [c.source for c in found] == ["p.html#review 1", "p.html#review 2", "p.html#review 3"]


def test_reviews_microdata_page() -> None:
    html = """<html><body>
    <div itemscope itemtype="https://schema.org/ClaimReview">
      <link itemprop="url" href="https://factcheck.example/md">
      <meta itemprop="datePublished" content="2022-05-02">
      <span itemprop="claimReviewed">Drinking hot water kills the coronavirus.</span>
      <div itemprop="itemReviewed" itemscope itemtype="https://schema.org/Claim">
        <div itemprop="author" itemscope itemtype="https://schema.org/Person">
          <span itemprop="name">Viral post</span></div>
        <meta itemprop="datePublished" content="2022-04-28">
      </div>
      <div itemprop="author" itemscope itemtype="https://schema.org/Organization">
        <span itemprop="name">Example Checks</span></div>
      <div itemprop="reviewRating" itemscope itemtype="https://schema.org/Rating">
        <span itemprop="alternateName">Misleading</span></div>
    </div></body></html>"""
    (check,) = checks(list(from_html(html, "md.html")))
    assert check.claim_reviewed == "Drinking hot water kills the coronavirus."
    assert (check.claimant, check.claim_date, check.review_date) == (
        "Viral post",
        "2022-04-28",
        "2022-05-02",
    )
    assert (check.fact_checker, check.rating, check.verdict) == (
        "Example Checks",
        "Misleading",
        "mostly_false",
    )
    assert check.url == "https://factcheck.example/md"


def test_reviews_data_feed_shape_and_jsonl_lines() -> None:
    feed = {"@context": "http://schema.org", "@type": "DataFeed", "dataFeedElement": [
        {"@type": "DataFeedItem", "item": [REVIEW, {**REVIEW, "url": "https://factcheck.example/2"}]},
        {"@type": "DataFeedItem", "item": {**REVIEW, "url": "https://factcheck.example/3"}},
    ]}  # fmt: skip
    assert [c.url for c in checks(list(from_json(json.dumps(feed), "feed.json")))] == [
        REVIEW["url"],
        "https://factcheck.example/2",
        "https://factcheck.example/3",
    ]
    lines = [json.dumps(REVIEW), "", "{not json", json.dumps({"@type": "ClaimReview", "url": "x"}),
             json.dumps({"@type": "Claim", "text": "no review"})]  # fmt: skip
    records = list(from_jsonl(lines, "f.jsonl"))
    assert isinstance(records[0], FactCheck) and records[0].source == "f.jsonl#line 1"
    bad = [r for r in records if isinstance(r, BadRecord)]
    assert [b.position for b in bad] == ["f.jsonl#line 3", "f.jsonl#line 4", "f.jsonl#line 5"]
    assert (
        "not JSON" in bad[0].reason
        and "claimReviewed" in bad[1].reason
        and "no ClaimReview" in bad[2].reason
    )


def test_reviews_untyped_claim_reviews_and_fact_check_tools_claims() -> None:
    """An export that drops ``@type`` keeps ``claimReviewed``: read as a ClaimReview. The JSON
    Google's Fact Check Tools API answers with (claims, each with its reviews) gives one
    fact-check per review, with the claim's text, claimant and date."""
    untyped = {k: v for k, v in REVIEW.items() if k not in ("@type", "@context")}
    (one,) = checks(list(from_json(json.dumps(untyped), "export.json")))
    assert (one.claim_reviewed, one.url) == (
        " ".join(REVIEW["claimReviewed"].split()),
        REVIEW["url"],
    )
    api = {"claims": [
        {"text": "The US is covertly sponsoring Islamic State militants in Afghanistan",
         "claimant": "Zamir Kabulov", "claimDate": "2023-01-20T00:00:00Z",
         "claimReview": [
             {"publisher": {"name": "Example Check", "site": "check.example"},
              "url": "https://check.example/isis", "title": "No, the US is not funding IS-K",
              "reviewDate": "2023-01-25T10:00:00Z", "textualRating": "False", "languageCode": "en"},
             {"publisher": {"site": "verify.example"}, "url": "https://verify.example/is-k",
              "reviewDate": "2023-02-01T00:00:00Z", "textualRating": "Misleading",
              "languageCode": "en"},
         ]},
        {"text": "A claim no one reviewed yet", "claimReview": []},
    ], "nextPageToken": "CAE"}  # fmt: skip
    first, second = checks(list(from_json(json.dumps(api), "factcheck-tools.json")))
    assert (first.claimant, first.claim_date, first.rating, first.verdict) == (
        "Zamir Kabulov",
        "2023-01-20",
        "False",
        "false",
    )
    assert (first.fact_checker, first.review_date, first.url, first.language, first.title) == (
        "Example Check", "2023-01-25", "https://check.example/isis", "en",
        "No, the US is not funding IS-K",
    )  # fmt: skip
    assert (second.fact_checker, second.rating, second.claimant) == (
        "verify.example",
        "Misleading",
        "Zamir Kabulov",
    )
    assert second.claim_reviewed == first.claim_reviewed


def test_reviews_bad_json_document_is_one_bad_record() -> None:
    (bad,) = list(from_json('{"@type": "ClaimReview", ', "broken.json"))
    assert isinstance(bad, BadRecord) and bad.position == "broken.json" and "not JSON" in bad.reason


def test_reviews_csv_with_named_columns_bad_rows_reported() -> None:
    text = ("Claim,Claimant,claim_date,rating,url,publisher,review_date,language\n"
            '"Crime fell 10%, he said",Donald Trump,2017-08-22,pants-fire,https://pf.example/1,PolitiFact,2017-08-23,en\n'
            ",Nobody,,false,,,,\n"
            "Too,many,cells,in,this,row,for,the,header\n"
            "Only a claim\n")  # fmt: skip
    records = list(from_csv(text, "t.csv"))
    good = checks(records)
    assert [(c.claim_reviewed, c.verdict, c.source) for c in good] == [
        ("Crime fell 10%, he said", "false", "t.csv#row 2"),
        ("Only a claim", "other", "t.csv#row 5"),
    ]
    assert good[0].claim_date == "2017-08-22" and good[0].fact_checker == "PolitiFact"
    bad = [r for r in records if isinstance(r, BadRecord)]
    assert [(b.position, b.reason) for b in bad] == [("t.csv#row 3", "no claim"),
                                                    ("t.csv#row 4", "9 cells for 8 columns")]  # fmt: skip
    (no_claim,) = list(from_csv("text,rating\nx,false\n", "n.csv"))
    assert isinstance(no_claim, BadRecord) and "no 'claim' column" in no_claim.reason


def test_reviews_unknown_rating_is_other_and_broken_markup_does_not_raise() -> None:
    odd = {**REVIEW, "reviewRating": {"@type": "Rating", "alternateName": "Spicy take"}}
    (check,) = checks(list(from_html(page(odd), "odd.html")))
    assert (check.rating, check.verdict) == ("Spicy take", "other")
    records = list(
        from_html("<html><script type='application/ld+json'>{broken</script><p>", "b.html")
    )
    assert all(isinstance(r, BadRecord) for r in records)


@pytest.mark.parametrize(("rating", "want"), [
    ("Pants on Fire!", "false"), ("pants-fire", "false"), ("half-true", "mixed"), ("barely-true", "mostly_false"),
    ("Mostly True", "mostly_true"), ("MIXTURE", "mixed"), ("Three Pinocchios", "mostly_false"),
    ("Missing context", "mixed"), ("Falso", "false"), ("Unproven", "unverifiable"), ("full-flop", "other"),
    ("False. The photo shows a protest in 2019.", "false"), ("Correct – the figure is right", "true"),
    ("A claim nobody rated", "other"), ("", "other"),
])  # fmt: skip
def test_verdicts_of_the_large_fact_checkers_wordings(rating: str, want: str) -> None:
    assert verdict(rating) == want


def test_verdicts_numeric_scale_when_the_words_say_nothing() -> None:
    assert [verdict(None, v, 5, 1) for v in (1, 2, 3, 4, 5)] == [
        "false",
        "mostly_false",
        "mixed",
        "mostly_true",
        "true",
    ]
    assert verdict("Spicy take", 9, 10, 0) == "true"
    assert verdict(None, 7, 5, 1) == "other"  # off its own scale


def test_verdicts_table_is_consistent() -> None:
    table = wordings()
    assert len(table) > 60 and set(table.values()) <= set(VERDICTS)
    assert all(normalise_wording(k) == k for k in table)


def test_verdicts_cover_every_politifact_rating_in_the_shared_data() -> None:
    """Every rating of the 19,250 PolitiFact fact-checks maps to a verdict of the scale, except
    its flip-o-meter ratings (a change of position, not a truth rating)."""
    path = SHARED / "claim-matching" / "politifact" / "factchecks.jsonl"
    ratings = {
        json.loads(line)["rating"] for line in path.read_text(encoding="utf-8").splitlines() if line
    }
    got = {r: verdict(r) for r in ratings}
    assert {r for r, v in got.items() if v == "other"} == {"full-flop", "half-flip", "no-flip"}
    assert (
        got["pants-fire"] == "false"
        and got["barely-true"] == "mostly_false"
        and got["half-true"] == "mixed"
    )
