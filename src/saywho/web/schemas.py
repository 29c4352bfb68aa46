"""The API's request and response shapes (pydantic lives here, at the edge, and nowhere else).

The shapes mirror what the library returns (`store.browse`, `serialize.analysis_to_dict`), so
the OpenAPI document describes exactly what the routes send.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from ..model import Kind, Stance
from ..store.factchecks import SCORE_MEANS


class ErrorDetail(BaseModel):
    status: int
    code: str
    message: str


class ErrorOut(BaseModel):
    """The one error shape: every 4xx and 5xx answer of the API is this object."""

    error: ErrorDetail


class Span(BaseModel):
    text: str
    start: int
    end: int


class Part(BaseModel):
    start: int
    end: int


class ContentSpan(Span):
    parts: list[Part] = Field(
        description="the content's pieces: one, or several when its cue and source interrupt "
        "it (a split quotation); `text` spans from the first part's start to the last's end"
    )


class SourceSpan(Span):
    speaker: int | str | None = Field(description="the speaker id (a key of `speakers`)")
    first_person: bool = Field(
        False,
        description='the source is "I" and the speaker is the transcript turn\'s label or the '
        "article's author",
    )


class CueSpan(Span):
    lemma: str
    stance: Stance


class Attribution(BaseModel):
    id: int | str
    kind: Kind
    field: str = Field(description='which string the offsets index: "text", "title", "standfirst"')
    source: SourceSpan | None
    cue: CueSpan
    content: ContentSpan
    sentence: int
    parent: int | str | None
    confidence: float
    method: str | None = Field(
        description='what found it: "rules", or "crf" when the learned model added it where the '
        "rules found nothing (null: stored before the store recorded it)"
    )
    checkworthiness: float | None = Field(
        None,
        description="the probability that a fact-checker would check the content (null: not scored)",
    )
    check_worthy: bool | None = Field(
        None,
        description="checkworthiness ≥ the shipped threshold (its figure: README, Check-worthiness)",
    )


class ContentEntity(Span):
    label: str = Field(description="spaCy's entity type: PERSON, ORG, GPE, NORP, LOC, FAC, "
                       "EVENT, PRODUCT or LAW")  # fmt: skip


class AnalysedAttribution(Attribution):
    entities: list[ContentEntity] = Field(
        description="the named entities inside the content (what the claim is about), offsets "
        "into the string `field` names; the store records exactly these"
    )


#: a stored attribution's claim across articles and the fact-checks that address it
CLAIM_ID = "the claim across articles it states (/claims/{id}); null: none stored"
FACT_CHECKS = "the imported fact-checks that address that claim, best match first"


class StoredAttribution(Attribution):
    speaker: int | None = Field(None, description="the resolved speaker's id (/speakers/{id})")
    claim_id: int | None = Field(None, description=CLAIM_ID)
    fact_checks: list[LinkedFactCheck] = Field(default_factory=list, description=FACT_CHECKS)


class ArticleSpeaker(BaseModel):
    name: str
    type: str
    descriptions: list[str]


class Article(BaseModel):
    id: int
    title: str | None
    standfirst: str | None
    text: str
    paragraphs: list[list[int]] = Field(description="[start, end] of each paragraph in `text`")
    url: str | None
    outlet: str | None
    published: str | None
    authors: list[str]
    language: str | None
    licence: str | None = Field(description="the attribution line the licence asks for")
    source: str
    version: int
    analyser: str | None = Field(
        description='what made the stored analysis (see `saywho analyze`\'s "analyser"); null '
        "when it was stored before the store recorded it"
    )
    attributions: list[StoredAttribution]
    speakers: dict[str, ArticleSpeaker]
    figures: list[StoredFigure] = Field(
        description="the numbers the article writes, in reading order, each with the stored "
        "attribution it belongs to (null: the article states it itself)"
    )
    copies: list[ArticleCopy] = Field(
        description="the same story published elsewhere (syndicated copies), first stored first"
    )


class FigureFields(BaseModel):
    text: str = Field(
        description='the figure as written: "$2.1 trillion", "24.4 million people", '
        '"more than half" (a fraction keeps its qualifier)'
    )
    start: int = Field(description='offset into the string "field" names')
    end: int
    field: str = Field(description="text, title or standfirst")
    value: float | None = Field(
        description="the value with its scale (2.1e12); a range's lower "
        'bound; null: a vague amount ("hundreds")'
    )
    high: float | None = Field(description='a range\'s upper bound ("between 3 and 5"), else null')
    unit: str | None = Field(
        description='ISO currency code ("USD"), "percent", "fraction", a unit '
        '("square kilometre") or what a count counts ("people"); null: a bare number'
    )
    qualifier: str | None = Field(
        description='what bounds or hedges it: "more than", "around"; or which end of a '
        'change it is: "from", "to" ("fell from 8.1% to 3.5%")'
    )
    measure: str | None = Field(
        description='what it measures, when the sentence says so ("cost of '
        'the invasion of Afghanistan")'
    )


class StoredFigure(FigureFields):
    id: int
    attribution: int | None = Field(
        description="the store's id of the attribution whose content "
        "holds it; null: the article states it itself"
    )


class AnalysisFigure(FigureFields):
    attribution: str | None = Field(
        description='the id ("a9") of the attribution whose content '
        "holds it; null: the article states it itself"
    )


class FigureRow(BaseModel):
    """One stored figure with whose it is (`saywho figures`)."""

    id: int
    text: str
    value: float | None
    high: float | None
    unit: str | None
    qualifier: str | None
    measure: str | None
    field: str
    start: int
    end: int
    attribution_id: int | None = Field(description="null: the article states it itself")
    speaker: str | None
    source: str | None = Field(description="the attribution's source as written")
    cue: str | None
    content: str | None = Field(description="the attribution's content")
    article_id: int
    title: str | None
    url: str | None
    outlet: str | None
    published: str | None
    article_source: str
    licence: str | None


class ArticleCopy(BaseModel):
    id: int
    title: str | None
    outlet: str | None
    published: str | None
    original: bool = Field(description="the first stored article of the copies")


class ArticleSummary(BaseModel):
    id: int
    title: str | None
    url: str | None
    outlet: str | None
    published: str | None
    licence: str | None
    attributions: int


class Health(BaseModel):
    status: Literal["ok", "unavailable", "outdated"]
    schema_revision: str | None = Field(description="the store's migration")
    head_revision: str = Field(description="the migration this saywho ships")
    detail: str | None


class Paged(BaseModel):
    total: int = Field(description="items in the whole list")
    limit: int
    offset: int
    next: str | None = Field(description="the URL of the next page, null on the last")


class FigurePage(Paged):
    items: list[FigureRow]


class ArticlePage(Paged):
    items: list[ArticleSummary]


class Claim(BaseModel):
    id: int
    article_id: int
    speaker_id: int | None
    speaker: str | None
    source: str | None
    cue: str
    cue_lemma: str
    stance: Stance
    kind: Kind
    content: str
    field: str
    start: int
    end: int
    confidence: float
    method: str | None = Field(description='what found it: "rules" or "crf" (see Attribution)')
    checkworthiness: float | None = Field(None, description="see Attribution (null: not scored)")
    check_worthy: bool | None = Field(
        None,
        description="checkworthiness ≥ the shipped threshold (its figure: README, Check-worthiness)",
    )
    title: str | None
    url: str | None
    outlet: str | None
    published: str | None
    licence: str | None
    claim_id: int | None = Field(None, description=CLAIM_ID)
    fact_checks: list[LinkedFactCheck] = Field(default_factory=list, description=FACT_CHECKS)
    snippet: str | None = Field(description="the matching words between « and » (search only)")
    rank: float | None


class FacetValue(BaseModel):
    value: str
    count: int
    id: int | None = None


class ClaimPage(Paged):
    items: list[Claim]
    total_exact: bool = Field(
        default=True,
        description="false: `total` is an estimate, rounded to two significant figures (a "
        "search with words that more than 2,000 claims pass, on SQLite: the 2,000 most recently "
        "stored are counted, the older matches from a sample of about 4,096 of them); pages say "
        '"about". `next` is then given while pages are full',
    )
    ranked: int | None = Field(
        default=None,
        description="how far the list can be paged when not to `total`: a search with words and "
        "no filter, on SQLite, ranks the 10,000 most recently stored of its matches (add a "
        "filter, such as `since`/`until`, to reach older ones); null: all of them",
    )


class SearchPage(ClaimPage):
    query: str | None = Field(
        description="the words searched for (null: every claim, newest first)"
    )
    facets: dict[str, list[FacetValue]]
    facets_counted: int | None = Field(
        default=None,
        description="how many of the `total` claims the facets count when not all of them: past "
        "2,000 passing claims the facets count the 2,000 most recently stored; null: every claim "
        "counted",
    )


class Appearance(BaseModel):
    """One appearance of a claim: an attribution stating it, in the current version of an article."""

    attribution_id: int
    date: str | None = Field(description="the article's publication day (YYYY-MM-DD)")
    published: str | None
    outlet: str | None
    article_id: int
    copy_of: int | None = Field(description="the article this one is a syndicated copy of")
    title: str | None
    url: str | None
    source: str
    speaker: str | None = Field(description="the resolved speaker's name")
    speaker_id: int | None
    source_text: str | None = Field(description="the source as the text names it")
    cue: str
    stance: Stance
    kind: Kind
    content: str
    licence: str | None


class ClaimCluster(BaseModel):
    """A claim cluster: attributions across articles that state the same claim."""

    id: int
    claim: str = Field(description="the representative text: the first appearance's content")
    articles: int = Field(
        description="articles stating it, syndicated copies of one story counted once"
    )
    copies: int = Field(description="further articles that are syndicated copies of those")
    outlets: int
    speakers: int
    appearances: int
    unattributed: int = Field(description="sentences stating it as fact, crediting nobody")
    first_seen: str | None
    last_seen: str | None
    checkworthiness: float | None = Field(
        None, description="the highest check-worthiness of its appearances"
    )
    first: Appearance = Field(
        description="the first appearance (publication date, then storage order)"
    )
    fact_checks: list[LinkedFactCheck] = Field(
        default_factory=list, description="the fact-checks that address it, best match first"
    )


class ClaimClusterPage(Paged):
    items: list[ClaimCluster]


class AttributionForm(BaseModel):
    form: str = Field(
        description='how the claim was credited, e.g. "Moscow says", or "said (no source named)"'
    )
    first_seen: str | None
    first_outlet: str | None
    appearances: int
    outlets: list[str]


class DayCount(BaseModel):
    date: str
    by_outlet: dict[str, int] = Field(
        description='appearances by outlet; "<outlet> (unattributed)" counts its unattributed ones'
    )


class UnattributedAppearance(BaseModel):
    """A sentence that states the claim without crediting anyone (the claim stated as fact)."""

    date: str | None
    published: str | None
    outlet: str | None
    article_id: int
    title: str | None
    url: str | None
    source: str
    sentence: str
    start: int = Field(description="offsets of the sentence in the article's text")
    end: int
    score: float = Field(description="its mean similarity to the claim's appearances")
    licence: str | None


class LinkedFactCheck(BaseModel):
    """A fact-check addressing a claim: ranked first for a member claim (its content, speaker and
    article day), with a probability of at least 0.7 that it addresses it."""

    id: int
    claim_reviewed: str
    rating: str | None
    verdict: str
    fact_checker: str | None
    review_date: str | None
    url: str | None
    score: float = Field(
        description="the probability that the fact-check addresses the best member claim"
    )
    copies: list[int] = Field(
        description="ids of linked copies of this fact-check (the same claim, claimant and "
        "fact-checker under another identifier), folded into it"
    )


class ClaimStory(BaseModel):
    """A claim's story: appearances in date order, first speaker, how the attribution changed."""

    id: int
    claim: str
    first: Appearance
    articles: int = Field(
        description="articles stating it, syndicated copies of one story counted once"
    )
    copies: int
    outlets: int
    speakers: int
    first_seen: str | None
    last_seen: str | None
    attribution_forms: list[AttributionForm] = Field(description="in order of first use")
    unattributed: list[UnattributedAppearance] = Field(description="in date order")
    per_day: list[DayCount]
    appearances: list[Appearance]
    fact_checks: list[LinkedFactCheck] = Field(
        description="imported fact-checks that address it, best match first"
    )


class SimilarClaim(Appearance):
    score: float = Field(description="cosine similarity of the sentence embeddings (-1 to 1)")
    cluster_id: int


class SimilarPage(BaseModel):
    query: str
    items: list[SimilarClaim]


Verdict = Literal["false", "mostly_false", "mixed", "mostly_true", "true", "unverifiable", "other"]


class FactCheck(BaseModel):
    """An imported fact-check (schema.org ClaimReview), its current version."""

    id: int
    version: int = Field(description="1, or higher when the review changed between imports")
    claim_reviewed: str
    claimant: str | None
    claim_date: str | None
    rating: str | None = Field(description="the rating as the fact-checker wrote it")
    verdict: Verdict = Field(description="the rating normalised (data/verdicts.tsv)")
    fact_checker: str | None
    review_date: str | None
    url: str | None
    language: str | None
    identifier: str | None = Field(description="the ClaimReview's own identifier")
    title: str | None = Field(description="the fact-check's headline")
    source: str = Field(description="where it was imported from, with the record's position")


class FactCheckPage(Paged):
    items: list[FactCheck]


class CheckedClaim(BaseModel):
    """A claim cluster a fact-check addresses: ranked first for a member claim (its content,
    speaker and article day), with a probability of at least 0.7 that it addresses it."""

    id: int = Field(description="the claim cluster's id (/claims/{id})")
    claim: str = Field(description="the claim as it first appeared")
    score: float = Field(
        description="the probability that the fact-check addresses the best member claim"
    )
    articles: int
    first: Appearance


class FactCheckDetail(FactCheck):
    """A fact-check, every version imported of it (oldest first), and the stored claims it addresses."""

    versions: list[FactCheck]
    claims: list[CheckedClaim]


class BadRecordOut(BaseModel):
    position: str = Field(description='where the record was, e.g. "POST /api/v1/factchecks#3"')
    reason: str


class FactCheckImportOut(BaseModel):
    """What an import did: records stored, stored as a new version, already stored, or bad."""

    stored: int
    updated: int
    skipped: int
    errors: int
    bad: list[BadRecordOut]
    linked: int = Field(description="stored claim clusters near the imported fact-checks (or linked to a version "
                        "they replace) that are linked to a fact-check after the import")  # fmt: skip


class FactCheckMatch(BaseModel):
    id: int
    identifier: str | None
    url: str | None
    claim_reviewed: str
    claimant: str | None
    rating: str | None
    verdict: Verdict
    fact_checker: str | None
    review_date: str | None
    score: float = Field(description=SCORE_MEANS)
    copies: list[int] = Field(
        description="ids of the stored copies of this fact-check (the same claim, claimant and "
        "fact-checker under another identifier), folded into it"
    )


class FactCheckMatchPage(BaseModel):
    query: str
    items: list[FactCheckMatch]


class SpeakerSummary(BaseModel):
    id: int
    name: str
    type: str
    attributions: int
    articles: int


class SpeakerPage(Paged):
    items: list[SpeakerSummary]


class Role(BaseModel):
    role: str
    first_seen: str | None
    last_seen: str | None
    count: int


class Bucket(BaseModel):
    period: str = Field(description="YYYY-MM-DD (the Monday of a week) or YYYY-MM")
    counts: dict[str, int] = Field(description="attributions by stance")


class Timeline(BaseModel):
    unit: str = Field(description='"week" or "month"')
    buckets: list[Bucket]
    undated: int


class EntityCount(BaseModel):
    id: str
    name: str
    count: int


class Profile(BaseModel):
    attributions: int
    by_stance: dict[str, int]
    timeline: Timeline
    latest: list[Claim]


class Speaker(Profile):
    id: int
    name: str
    type: str
    aliases: list[str]
    roles: list[Role]
    entities: list[EntityCount] = Field(description="what their claims name most")


class EntitySummary(BaseModel):
    id: str = Field(description="the normalised name: /entities/{id}")
    name: str
    label: str
    claims: int
    speakers: int


class EntityPage(Paged):
    items: list[EntitySummary]


class EntitySpeaker(BaseModel):
    id: int | None
    name: str | None
    count: int
    by_stance: dict[str, int]


class Entity(Profile):
    id: str
    name: str
    names: list[str]
    speakers: list[EntitySpeaker]


class Overview(BaseModel):
    counts: dict[str, int]
    speakers: list[SpeakerSummary]
    articles: list[ArticleSummary]
    licences: list[str]


class DocumentIn(BaseModel):
    """Exactly one of "text", "html" or "url"."""

    model_config = ConfigDict(extra="forbid")

    text: str | None = None
    html: str | None = None
    url: str | None = None

    @model_validator(mode="after")
    def _one_input(self) -> DocumentIn:
        given = [k for k in ("text", "html", "url") if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError('give exactly one of "text", "html" or "url"')
        return self


class IngestIn(DocumentIn):
    source: str | None = Field(None, max_length=2000, description="what to record as its source")


class IngestOut(BaseModel):
    id: int = Field(description="the stored article's id (/articles/{id})")
    status: str = Field(description='"stored", "updated" or "skipped" (already stored)')


class Analysis(BaseModel):
    """The object `saywho analyze --format json` prints for one document."""

    source: str
    id: str
    url: str | None
    site: str | None
    title: str | None
    standfirst: str | None
    published: str | None
    authors: list[str]
    language: str | None
    paragraphs: list[str]
    text: str
    input_format: str
    warnings: list[str]
    attributions: list[AnalysedAttribution]
    speakers: dict[str, ArticleSpeaker]
    figures: list[AnalysisFigure] = Field(
        description="the numbers the document writes, in reading order (see `saywho analyze`)"
    )
    analyser: str = Field(
        description='what made the analysis: "saywho VERSION rules+crf-<model fingerprint>", or '
        '"saywho VERSION rules" when the rules ran alone (rules_only, or no model)'
    )


ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorOut, "description": text}
    for code, text in ((400, "A request body that is not the JSON it should be"), (404, "Not found"),
                       (413, "Request body too large"), (422, "Invalid request"),
                       (503, "The store failed, or the server is busy (then with Retry-After)"))
}  # fmt: skip
