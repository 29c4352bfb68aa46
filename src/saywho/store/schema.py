"""The store's tables (SQLAlchemy Core), the same on SQLite and PostgreSQL.

    outlets ─< articles ─< article_versions ─< attributions ─< mentions
                               │          │       │
                               │          └─< figures >─ attributions (NULL: the article's own)
                               │                  │
                               └─< article_speakers >─ speakers ─< speaker_aliases
                                                                 └─< speaker_roles
    ingest_runs ─< ingest_errors
    claim_clusters ─< claims >─ attributions (one claim per attribution with a content of
                                              three words or more; current versions only)

An *article* is one story, keyed by its canonical URL (or, without one, its body hash); each
distinct body stored under that key is an *article version*, and ``articles.current_version_id``
names the one queries read, so a changed article keeps its history. Full-text search uses an
FTS5 table ``attribution_fts`` (SQLite) or the generated ``content_tsv`` column (PostgreSQL);
on SQLite, filtered searches also read ``attribution_facets`` (the filter values of current
attributions, kept up to date by triggers). These are created by the migrations, not by this
metadata.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

outlets = Table(
    "outlets",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(300), nullable=False, unique=True),
)

articles = Table(
    "articles",
    metadata,
    Column("id", Integer, primary_key=True),
    # "url:<canonical url>" or "hash:<sha256 of the body>"
    Column("key", String(2100), nullable=False, unique=True),
    Column("outlet_id", ForeignKey("outlets.id"), nullable=True),
    Column("current_version_id", Integer, nullable=True, index=True),  # every query joins on it
    Column("first_seen", DateTime(timezone=True), nullable=False),
)

article_versions = Table(
    "article_versions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("article_id", ForeignKey("articles.id"), nullable=False, index=True),
    Column("version", Integer, nullable=False),
    Column("body_hash", String(64), nullable=False, index=True),
    Column("source", Text, nullable=False),
    Column("url", Text),
    Column("title", Text),
    Column("standfirst", Text),
    # ISO 8601 with the precision the page gave; indexed for "newest first" (0012)
    Column("published", String(40), index=True),
    Column("published_date", Date, index=True),  # for --since/--until
    Column("authors", Text, nullable=False, default="[]"),  # JSON list
    Column("language", String(16)),
    Column("text", Text, nullable=False),
    Column("paragraphs", Text, nullable=False),  # JSON list of [start, end]
    Column("sentences", Text),  # JSON list of [start, end] (the parser's); NULL: before 0006
    Column("input_format", String(40), nullable=False),
    Column("warnings", Text, nullable=False, default="[]"),  # JSON list
    Column("licence", Text),  # attribution line the licence asks for (demo corpus)
    Column("extractor_version", String(40), nullable=False),
    Column(
        "analyser", String(120)
    ),  # what made the analysis (`analyze.analyser_name`); NULL: unknown
    Column("ingested_at", DateTime(timezone=True), nullable=False),
    Column("run_id", ForeignKey("ingest_runs.id"), nullable=True),
    UniqueConstraint("article_id", "version", name="uq_article_versions_article_version"),
)

speakers = Table(
    "speakers",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(500), nullable=False),
    Column("type", String(16), nullable=False),
    # the merge key (see `speakers.py`): "full:<name>", "org:<name>", "sur:<outlet>:<surname>"
    Column("merge_key", String(900), nullable=False, unique=True),
    Column("surname", String(200), index=True),
    Column("outlet_id", ForeignKey("outlets.id"), nullable=True),
)

speaker_aliases = Table(
    "speaker_aliases",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("speaker_id", ForeignKey("speakers.id"), nullable=False, index=True),
    Column("alias", String(500), nullable=False),
    Column("normalised", String(500), nullable=False, index=True),
    UniqueConstraint("speaker_id", "normalised", name="uq_speaker_aliases_speaker_norm"),
)

speaker_roles = Table(
    "speaker_roles",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("speaker_id", ForeignKey("speakers.id"), nullable=False, index=True),
    Column("role", Text, nullable=False),
    Column("first_seen", String(40)),
    Column("last_seen", String(40)),
    Column("count", Integer, nullable=False, default=1),
)

article_speakers = Table(
    "article_speakers",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("version_id", ForeignKey("article_versions.id"), nullable=False, index=True),
    Column("local_id", String(200), nullable=False),  # `Speaker.id` within the article
    Column("speaker_id", ForeignKey("speakers.id"), nullable=False, index=True),
    Column("name", String(500), nullable=False),
    Column("descriptions", Text, nullable=False, default="[]"),  # JSON list
)

attributions = Table(
    "attributions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("version_id", ForeignKey("article_versions.id"), nullable=False, index=True),
    Column("local_id", String(40), nullable=False),  # `Attribution.id` within the article
    Column("kind", String(20), nullable=False, index=True),
    Column("field", String(20), nullable=False),
    Column("source_start", Integer),
    Column("source_end", Integer),
    Column("source_text", Text),
    Column("speaker_id", ForeignKey("speakers.id"), nullable=True, index=True),
    Column("cue_start", Integer, nullable=False),
    Column("cue_end", Integer, nullable=False),
    Column("cue_text", Text, nullable=False),
    Column("cue_lemma", String(100), nullable=False),
    Column("stance", String(20), nullable=False, index=True),
    Column("content_start", Integer, nullable=False),
    Column("content_end", Integer, nullable=False),
    # what was said: the text of each part joined by a space (`Attribution.content_text`)
    Column("content", Text, nullable=False),
    # `Attribution.parts` as a JSON list of [start, end]; NULL: one piece (0013)
    Column("content_parts", Text),
    Column("sentence", Integer, nullable=False),
    Column("parent_local_id", String(40)),
    Column("confidence", Float, nullable=False),
    Column("method", String(10)),  # "rules" or "crf" (`Attribution.method`); NULL: unknown
    # `Attribution.checkworthiness`; NULL: not scored (stored before 0010, or scoring off)
    Column("checkworthiness", Float, index=True),
)

mentions = Table(
    "mentions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("attribution_id", ForeignKey("attributions.id"), nullable=False, index=True),
    Column("text", String(500), nullable=False),
    Column("normalised", String(500), nullable=False, index=True),
    Column("label", String(20), nullable=False),
    Column("start", Integer, nullable=False),  # offsets into the attribution's field
    Column("end", Integer, nullable=False),
)

figures = Table(
    # `saywho.model.Figure`: the numbers each article version writes, with the attribution
    # whose content holds them (NULL: the article states them itself)
    "figures",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("version_id", ForeignKey("article_versions.id"), nullable=False, index=True),
    Column("attribution_id", ForeignKey("attributions.id"), nullable=True, index=True),
    Column("field", String(20), nullable=False),
    Column("start", Integer, nullable=False),  # offsets into the field's string
    Column("end", Integer, nullable=False),
    Column("text", String(300), nullable=False),
    Column("value", Float, index=True),  # NULL: a vague count ("hundreds")
    Column("high", Float),  # a range's upper bound
    Column("unit", String(100), index=True),
    Column("qualifier", String(40)),
    Column("measure", Text),
)

ingest_runs = Table(
    "ingest_runs",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("finished_at", DateTime(timezone=True)),
    Column("inputs", Text, nullable=False),  # JSON list of what the user named
    Column("saywho_version", String(40), nullable=False),
    Column("analyser", String(120)),  # what this run's settings analyse with
    Column("stored", Integer, nullable=False, default=0),
    Column("updated", Integer, nullable=False, default=0),  # new versions of known articles
    Column("skipped", Integer, nullable=False, default=0),  # already stored
    Column("errors", Integer, nullable=False, default=0),
    Column("completed", Boolean, nullable=False, default=False),
)

ingest_errors = Table(
    "ingest_errors",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("run_id", ForeignKey("ingest_runs.id"), nullable=False, index=True),
    Column("source", Text, nullable=False),
    Column("code", String(10), nullable=False),
    Column("reason", Text, nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
)

#: a claim cluster: the sums of its members' unit vectors (float32 × 384) and their number, so
#: the mean similarity of a new claim to the members is one dot product (`saywho.claims.cluster`)
claim_clusters = Table(
    "claim_clusters",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("size", Integer, nullable=False),
    Column("vector_sum", LargeBinary, nullable=False),
    Column("first_claim_id", Integer, nullable=False),  # the attribution that started it
)

#: an attribution's content as a claim: its embedding (float16 × 384) and its cluster
claims = Table(
    "claims",
    metadata,
    Column("attribution_id", ForeignKey("attributions.id"), primary_key=True),
    Column("cluster_id", ForeignKey("claim_clusters.id"), nullable=False, index=True),
    Column("vector", LargeBinary, nullable=False),
)

#: counters of the claims stage: row 2 counts `saywho claims rebuild`s (vector indexes of an
#: earlier rebuild are stale); row 1, a generation of the clusters that writers once cached in
#: memory (migration 0005), is no longer read or written
claim_state = Table(
    "claim_state",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("generation", Integer, nullable=False),
)

#: settings a store was made under, one row each: ``claims.encoder`` names the weights that
#: embedded the stored claim vectors (`saywho.analyze.embed.weights_fingerprint`); vectors of other
#: weights are not comparable with new ones, so a writer or search under other weights stops and
#: asks for ``saywho claims rebuild``
store_meta = Table(
    "store_meta",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

#: what pages show about the whole store, counted as it is written (`store.tallies`, migration
#: 0012): one row per (facet, value), e.g. ("speaker", "42") → its current attributions
tallies = Table(
    "tallies",
    metadata,
    Column("facet", String(20), primary_key=True),
    Column("value", String(500), primary_key=True),
    Column("n", Integer, nullable=False),
    Index("ix_tallies_facet_n", "facet", "n"),
)

#: imported fact-checks (schema.org ClaimReview, `saywho.factchecks`), one row a version: `key`
#: names the fact-check across imports (its identifier, else its URL, else its content); a review
#: imported again unchanged is skipped, changed it becomes the key's next version and the only
#: current one. `vector`: the claim reviewed embedded like claims (float16 × 384)
fact_checks = Table(
    "fact_checks",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("key", String(600), nullable=False, index=True),
    Column("version", Integer, nullable=False),
    Column("current", Boolean, nullable=False, index=True),
    Column("content_hash", String(64), nullable=False),
    Column("claim_reviewed", Text, nullable=False),
    Column("claimant", Text),
    Column("claim_date", String(10)),
    Column("rating", Text),
    Column("verdict", String(16), nullable=False, index=True),
    Column("fact_checker", Text),
    Column("review_date", String(10)),
    Column("url", Text),
    Column("language", String(35)),
    Column("identifier", Text),
    Column("title", Text),
    Column("source", Text, nullable=False),
    Column("imported_at", DateTime(timezone=True), nullable=False),
    Column("vector", LargeBinary, nullable=False),
    UniqueConstraint("key", "version", name="uq_fact_checks_key_version"),
)

#: claim clusters matched to fact-checks: the fact-check (or a copy of it) is the one ranked first
#: for a member claim, with a probability of at least `saywho.store.factcheck_links.LINK_PROBABILITY`
#: that it addresses it (`score`: the best member's probability).
#: Found for new fact-checks when they are imported, for new claims when they are stored, and
#: for all at a rebuild
claim_fact_checks = Table(
    "claim_fact_checks",
    metadata,
    Column("cluster_id", ForeignKey("claim_clusters.id"), primary_key=True),
    Column("fact_check_id", ForeignKey("fact_checks.id"), primary_key=True, index=True),
    Column("score", Float, nullable=False),
)

#: an article's current body as a MinHash signature (`saywho.claims.copies`), and its LSH band
#: keys, so syndicated copies of it are found by an indexed lookup
article_signatures = Table(
    "article_signatures",
    metadata,
    Column("article_id", ForeignKey("articles.id"), primary_key=True),
    Column("signature", LargeBinary, nullable=False),
)
article_bands = Table(
    "article_bands",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("band_key", BigInteger, nullable=False, index=True),
    Column("article_id", ForeignKey("articles.id"), nullable=False, index=True),
)
#: an article that is a syndicated copy of another: `original_id` is the first stored article of
#: the copies (counted once where spread is measured)
article_copies = Table(
    "article_copies",
    metadata,
    Column("article_id", ForeignKey("articles.id"), primary_key=True),
    Column("original_id", ForeignKey("articles.id"), nullable=False, index=True),
    Column("similarity", Float, nullable=False),
)

#: a claim's LSH band keys over its content words (`saywho.claims.copies.word_signature`), so a
#: sentence that credits nobody finds the claims it may restate by an indexed lookup
claim_bands = Table(
    "claim_bands",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("band_key", BigInteger, nullable=False, index=True),
    Column("attribution_id", ForeignKey("attributions.id"), nullable=False, index=True),
)
#: an unattributed appearance: a sentence of an article version that credits nobody but states
#: a clustered claim (the claim stated as fact)
claim_appearances = Table(
    "claim_appearances",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("cluster_id", ForeignKey("claim_clusters.id"), nullable=False, index=True),
    Column("version_id", ForeignKey("article_versions.id"), nullable=False, index=True),
    Column("start", Integer, nullable=False),  # offsets into the version's text
    Column("end", Integer, nullable=False),
    Column("score", Float, nullable=False),
)

#: each claim cluster's spread over the current versions of articles, kept by the writer in the
#: transaction that changes it (`saywho.store.claim_spread`, migration 0015), so lists of claims
#: read one row a cluster instead of grouping every appearance. A cluster with no current
#: appearance has no row. Undated: `first_seen` 9999-12-31, `last_seen` 0001-01-01; none scored:
#: `checkworthiness` -1 (so that every sort order is an index order)
claim_spread = Table(
    "claim_spread",
    metadata,
    Column("cluster_id", ForeignKey("claim_clusters.id"), primary_key=True),
    Column("articles", Integer, nullable=False),  # stories: a syndicated copy counts once
    Column("copies", Integer, nullable=False),
    Column("outlets", Integer, nullable=False),
    Column("speakers", Integer, nullable=False),
    Column("appearances", Integer, nullable=False),
    Column("first_seen", Date, nullable=False),
    Column("last_seen", Date, nullable=False),
    Column("checkworthiness", Float, nullable=False),
)
#: the days each claim cluster appeared on (current versions, dated appearances), one row a
#: (day, cluster): the claims list's date range reads the clusters of a range from this index
#: (kept with `claim_spread`)
claim_days = Table(
    "claim_days",
    metadata,
    Column("day", Date, primary_key=True),
    Column("cluster_id", ForeignKey("claim_clusters.id"), primary_key=True, index=True),
    sqlite_with_rowid=False,
)
Index("ix_claim_spread_spread", claim_spread.c.outlets.desc(), claim_spread.c.articles.desc(),
      claim_spread.c.speakers.desc(), claim_spread.c.first_seen, claim_spread.c.cluster_id)  # fmt: skip
Index("ix_claim_spread_first", claim_spread.c.first_seen, claim_spread.c.articles.desc(),
      claim_spread.c.cluster_id)  # fmt: skip
Index("ix_claim_spread_recent", claim_spread.c.last_seen.desc(), claim_spread.c.articles.desc(),
      claim_spread.c.cluster_id)  # fmt: skip
Index("ix_claim_spread_checkworthiness", claim_spread.c.checkworthiness.desc(),
      claim_spread.c.articles.desc(), claim_spread.c.cluster_id)  # fmt: skip

Index("ix_speakers_type_name", speakers.c.type, speakers.c.name)
# (0015) the claims of an outlet, for the claims list's outlet filter
Index("ix_articles_outlet_id", articles.c.outlet_id)
# PostgreSQL (0012): a search without words filtered by stance and kind reads its newest passing
# claims from this index (SQLite reads `attribution_facets`)
Index(
    "ix_attributions_stance_kind", attributions.c.stance, attributions.c.kind, attributions.c.id
).ddl_if(dialect="postgresql")
