"""Speakers merged across articles by the documented rule, and kept apart when unrelated."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import Engine, select

from saywho.store import Writer, speaker_profile, speakers_top
from saywho.store.browse import speaker_detail
from saywho.store.ingest import Prepared
from saywho.store.schema import attributions, speakers
from saywho.store.speakers import normalise, person_tokens

MakeFn = Callable[..., Prepared]


def _store(engine: Engine, make: MakeFn, who: str, kind: str = "PERSON", site: str | None = None,
           roles: tuple[str, ...] = (), n: int = 0) -> int:  # fmt: skip
    """Store one article in which `who` says something; return the store's speaker id."""
    text = f"{who} said the talks in Geneva failed (story {n} from {site})."
    prepared = make(text, site=site, source=f"{site}-{n}.txt", speakers=((who, kind, roles),),
                    claims=((who, "said", "the talks in Geneva failed", "neutral", "indirect"),))  # fmt: skip
    Writer(engine).store(prepared)
    with engine.connect() as conn:
        version_ids = conn.execute(
            select(attributions.c.speaker_id).order_by(attributions.c.id.desc())
        ).scalars()
        return int(next(iter(version_ids)))


def test_store_speakers_title_and_full_name_merge_across_outlets(
    engine: Engine, make: MakeFn
) -> None:
    a = _store(engine, make, "US Secretary of State Antony Blinken", site="Reuters", n=1)
    b = _store(engine, make, "Antony Blinken", site="BBC", n=2)
    c = _store(engine, make, "Blinken", site="BBC", n=3)
    assert a == b == c


def test_store_speakers_possessive_owner_and_role_are_not_the_name(
    engine: Engine, make: MakeFn
) -> None:
    a = _store(engine, make, "Russia's envoy Zamir Kabulov", site="RT", n=1)
    b = _store(engine, make, "Zamir Kabulov", site="TASS", n=2)
    assert a == b
    with engine.connect() as conn:
        assert conn.scalar(select(speakers.c.name).where(speakers.c.id == a)) == "Zamir Kabulov"


def test_store_speakers_two_smiths_in_unrelated_outlets_stay_apart(
    engine: Engine, make: MakeFn
) -> None:
    a = _store(engine, make, "Smith", site="Daily Bugle", n=1)
    b = _store(engine, make, "Smith", site="Springfield Shopper", n=2)
    assert a != b


def test_store_speakers_different_first_names_stay_apart(engine: Engine, make: MakeFn) -> None:
    a = _store(engine, make, "John Smith", site="Daily Bugle", n=1)
    b = _store(engine, make, "Jane Smith", site="Daily Bugle", n=2)
    c = _store(engine, make, "Smith", site="Daily Bugle", n=3)  # ambiguous: two Smiths here
    assert len({a, b, c}) == 3


def test_store_speakers_surname_joins_the_outlets_only_full_name(
    engine: Engine, make: MakeFn
) -> None:
    full = _store(engine, make, "John Smith", site="Daily Bugle", n=1)
    surname = _store(engine, make, "Smith", site="Daily Bugle", n=2)
    elsewhere = _store(engine, make, "Smith", site="Springfield Shopper", n=3)
    assert surname == full
    assert elsewhere != full


def test_store_speakers_surname_first_is_absorbed_by_a_later_full_name(
    engine: Engine, make: MakeFn
) -> None:
    surname = _store(engine, make, "Kabulov", site="RT", n=1)
    full = _store(engine, make, "Zamir Kabulov", site="RT", n=2)
    with engine.connect() as conn:
        ids = set(conn.execute(select(attributions.c.speaker_id)).scalars())
        assert conn.scalar(select(speakers.c.id).where(speakers.c.id == surname)) is None
    assert ids == {full}


def test_store_speakers_surname_with_a_shared_role_joins_across_outlets(
    engine: Engine, make: MakeFn
) -> None:
    full = _store(
        engine, make, "Zamir Kabulov", site="RT", roles=("presidential envoy for Afghanistan",), n=1
    )
    other = _store(
        engine, make, "Kabulov", site="TASS", roles=("the Kremlin's Afghanistan envoy",), n=2
    )
    unrelated = _store(engine, make, "Kabulov", site="Local Sports", roles=("the goalkeeper",), n=3)
    assert other == full
    assert unrelated != full


def test_store_speakers_initial_matches_the_one_full_name_in_the_outlet(
    engine: Engine, make: MakeFn
) -> None:
    full = _store(engine, make, "Antony Blinken", site="BBC", n=1)
    initial = _store(engine, make, "A. Blinken", site="BBC", n=2)
    assert initial == full


def test_store_speakers_organisations_merge_on_name_without_article(
    engine: Engine, make: MakeFn
) -> None:
    a = _store(engine, make, "The Kremlin", kind="ORG", site="RT", n=1)
    b = _store(engine, make, "Kremlin", kind="ORG", site="BBC", n=2)
    assert a == b


def test_store_speakers_generic_sources_never_merge_across_outlets(
    engine: Engine, make: MakeFn
) -> None:
    a = _store(engine, make, "officials", kind="OTHER", site="RT", n=1)
    b = _store(engine, make, "officials", kind="OTHER", site="BBC", n=2)
    assert a != b


def test_store_speakers_profile_and_top(engine: Engine, make: MakeFn) -> None:
    _store(engine, make, "US Secretary of State Antony Blinken", site="Reuters",
           roles=("US Secretary of State",), n=1)  # fmt: skip
    _store(engine, make, "Antony Blinken", site="BBC", n=2)
    profile = speaker_profile(engine, "blinken")
    assert profile.name == "Antony Blinken"
    assert profile.attributions == 2
    assert profile.by_stance == {"neutral": 2}
    assert profile.roles[0].role == "US Secretary of State"
    assert profile.timeline.totals() == {"2024-05": 2}
    assert profile.to_dict()["timeline"] == {"2024-05": 2}
    # the speaker page reads the same roles and timeline (by week here: one month of dates)
    page = speaker_detail(engine, profile.id)
    assert page.roles == profile.roles and page.by_stance == profile.by_stance
    assert page.timeline.unit == "week" and page.timeline.undated == profile.timeline.undated
    assert sum(sum(b.counts.values()) for b in page.timeline.buckets) == 2
    top = speakers_top(engine, 5)
    assert top[0].name == "Antony Blinken" and top[0].attributions == 2


@pytest.mark.parametrize(
    ("name", "tokens"),
    [
        ("US Secretary of State Antony Blinken", ["antony", "blinken"]),
        ("Russia’s presidential envoy Zamir Kabulov", ["zamir", "kabulov"]),
        ("Dr. José Núñez", ["jose", "nunez"]),
        ("Mr Smith", ["smith"]),
    ],
    ids=[
        "titles stripped",
        "possessive owner and role stripped",
        "accents folded",
        "honorific alone",
    ],
)
def test_store_speakers_person_tokens(name: str, tokens: list[str]) -> None:
    assert person_tokens(name) == tokens


def test_store_speakers_normalise_drops_article() -> None:
    assert normalise("The  Kremlin") == "kremlin"
