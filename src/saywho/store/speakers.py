"""Speakers merged across articles: one row per real-world source, under every name it had.

Within an article the analyse stage has already joined "Kabulov" to "Zamir Kabulov". Across
articles the store applies this rule (conservative: two people wrongly merged is worse than one
person listed twice):

1. Names are normalised: Unicode NFKC, accents dropped, case folded, a possessive "'s" and
   leading honorifics/titles ("Mr", "Dr", "President", "Secretary of State" …) removed.
2. A person with a **full name** (two or more words) is the same speaker as every other mention
   of that normalised full name, in any outlet ("US Secretary of State Antony Blinken" =
   "Antony Blinken"). An initial matches ("A. Blinken" = "Antony Blinken") only when exactly one
   full name with that surname and initial is known in the same outlet.
3. A person known by a **surname alone** ("Blinken") joins the one full-name speaker with that
   surname seen in the same outlet; failing that, the one full-name speaker anywhere whose
   recorded roles share a word with this mention's descriptions ("envoy"). Otherwise it stays an
   outlet-scoped speaker ``sur:<outlet>:<surname>`` — so two "Smith"s in unrelated outlets stay
   apart. When a full name later appears in that outlet and is the only one with that surname
   there, the outlet's surname-only speaker is absorbed into it.
4. Organisations and places (ORG, GPE) merge on their normalised name ("the Kremlin" =
   "Kremlin"); other sources ("officials", "a spokesperson") never merge outside their outlet.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, and_, delete, func, insert, select, update

from ..wordlists import name_stripped_words
from . import claim_spread, tallies
from .schema import (
    article_speakers,
    article_versions,
    articles,
    attributions,
    speaker_aliases,
    speaker_roles,
    speakers,
)

#: titles and role words stripped before names are compared (`data/honorifics.tsv`)
HONORIFICS = name_stripped_words()
_WORD = re.compile(r"[^\W\d_][\w.'\-]*", re.UNICODE)
_STOP = frozenset(
    ["the", "of", "a", "an", "and", "for", "in", "on", "to", "at", "by", "with", "from", "'s"]
)


def normalise(name: str) -> str:
    """A name as the merge rule compares it.

    >>> normalise("Russia’s envoy Zamir Kabulov")
    "russia's envoy zamir kabulov"
    >>> normalise("The Kremlin")
    'kremlin'
    """
    text = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", name))
    text = "".join(c for c in text if not unicodedata.combining(c)).replace("’", "'")
    words = [w.casefold() for w in _WORD.findall(text)]
    if words and words[0] == "the":
        words = words[1:]
    return " ".join(words)


def person_tokens(name: str) -> list[str]:
    """The words of a person's name with titles and possessive owners removed.

    >>> person_tokens("US Secretary of State Antony Blinken")
    ['antony', 'blinken']
    >>> person_tokens("Russia's envoy Zamir Kabulov")
    ['zamir', 'kabulov']
    """
    text = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", name)).replace("’", "'")
    words = _WORD.findall("".join(c for c in text if not unicodedata.combining(c)))
    # "Russia's envoy Zamir Kabulov": everything up to a possessive is about someone else
    for i in range(len(words) - 1, -1, -1):
        if words[i].casefold().endswith("'s"):
            words = words[i + 1 :]
            break
    # leading titles and lower-case role words ("presidential envoy") are not the name
    while words and (words[0][0].islower() or words[0].casefold().rstrip(".") in HONORIFICS):
        words = words[1:]
    tokens = [w.casefold().rstrip(".") if len(w.rstrip(".")) == 1 else w.casefold() for w in words]
    return tokens or [w for w in normalise(name).split() if w not in HONORIFICS]


def role_words(descriptions: Sequence[str]) -> set[str]:
    """Content words of role descriptions, for the surname-plus-role rule."""
    return {w for d in descriptions for w in normalise(d).split() if w not in _STOP and len(w) > 2}


def resolve_speaker(
    conn: Connection,
    name: str,
    type: str,
    descriptions: Sequence[str],
    outlet_id: int | None,
    outlet: str,
    article: str = "",
) -> int:
    """The store's speaker id for one article-level speaker, creating or merging as the rule says.

    A GENERIC speaker ("police", "researchers") is its `article`'s own: never merged with
    another article's, however it is named."""
    if type == "GENERIC":
        norm = normalise(name) or name.casefold()
        return _get_or_create(conn, f"generic:{article}:{norm}", name, type, None, outlet_id)
    tokens = person_tokens(name) if type == "PERSON" else []
    if len(tokens) >= 2:
        return _full_name(conn, name, tokens, outlet_id)
    if len(tokens) == 1:
        return _surname_only(conn, name, tokens[0], descriptions, outlet_id, outlet)
    norm = normalise(name) or name.casefold()
    if type in {"ORG", "GPE"}:
        return _get_or_create(conn, f"org:{norm}", name, type, None, None)
    return _get_or_create(conn, f"other:{outlet}:{norm}", name, type, None, outlet_id)


def _full_name(conn: Connection, name: str, tokens: list[str], outlet_id: int | None) -> int:
    surname = tokens[-1]
    key = "full:" + " ".join(tokens)
    found = conn.scalar(select(speakers.c.id).where(speakers.c.merge_key == key))
    if found is not None:
        return int(found)
    if len(tokens[0]) == 1:  # "A. Blinken": one known full name with that initial in this outlet
        matches = [
            sid for sid, key_ in _full_in_outlet(conn, surname, outlet_id)
            if key_.split(":", 1)[1].split()[0].startswith(tokens[0])
        ]  # fmt: skip
        if len(matches) == 1:
            return matches[0]
    speaker_id = _get_or_create(conn, key, _display(name, tokens), "PERSON", surname, outlet_id)
    _absorb_surname_speaker(conn, speaker_id, surname, outlet_id)
    return speaker_id


def _surname_only(
    conn: Connection,
    name: str,
    surname: str,
    descriptions: Sequence[str],
    outlet_id: int | None,
    outlet: str,
) -> int:
    in_outlet = _full_in_outlet(conn, surname, outlet_id)
    if len(in_outlet) == 1:
        return in_outlet[0][0]
    if not in_outlet:
        words = role_words(descriptions)
        if words:
            candidates: Sequence[Any] = conn.execute(
                select(speakers.c.id, speaker_roles.c.role)
                .join(speaker_roles, speaker_roles.c.speaker_id == speakers.c.id)
                .where(speakers.c.surname == surname, speakers.c.merge_key.like("full:%"))
            ).all()
            ids = {int(sid) for sid, role in candidates if role_words([str(role)]) & words}
            if len(ids) == 1:
                return int(ids.pop())
    return _get_or_create(conn, f"sur:{outlet}:{surname}", name, "PERSON", surname, outlet_id)


def _full_in_outlet(conn: Connection, surname: str, outlet_id: int | None) -> list[tuple[int, str]]:
    """Full-name speakers with this surname that appear in articles of this outlet."""
    outlet_match = (
        articles.c.outlet_id.is_(None) if outlet_id is None else articles.c.outlet_id == outlet_id
    )
    rows = conn.execute(
        select(speakers.c.id, speakers.c.merge_key)
        .distinct()
        .join(article_speakers, article_speakers.c.speaker_id == speakers.c.id)
        .join(article_versions, article_versions.c.id == article_speakers.c.version_id)
        .join(articles, articles.c.id == article_versions.c.article_id)
        .where(speakers.c.surname == surname, speakers.c.merge_key.like("full:%"), outlet_match)
        .order_by(speakers.c.id)
    ).all()
    return [(int(r[0]), str(r[1])) for r in rows]


def _absorb_surname_speaker(
    conn: Connection, into: int, surname: str, outlet_id: int | None
) -> None:
    """Move an outlet's surname-only speaker into the one full name with that surname there."""
    outlet_match = (
        speakers.c.outlet_id.is_(None) if outlet_id is None else speakers.c.outlet_id == outlet_id
    )
    old = conn.scalar(
        select(speakers.c.id).where(
            speakers.c.merge_key.like("sur:%"), speakers.c.surname == surname, outlet_match
        )
    )
    if old is None or [s for s, _ in _full_in_outlet(conn, surname, outlet_id) if s != into]:
        return
    merge_speakers(conn, int(old), into)


def merge_speakers(conn: Connection, old: int, into: int) -> None:
    """Re-point everything of speaker `old` to `into` and delete `old`."""
    tallies.move_speaker(conn, old, into)
    touched = claim_spread.clusters_of_speaker(conn, old)
    conn.execute(
        update(article_speakers).where(article_speakers.c.speaker_id == old).values(speaker_id=into)
    )
    conn.execute(
        update(attributions).where(attributions.c.speaker_id == old).values(speaker_id=into)
    )
    claim_spread.refresh(conn, touched)  # a claim said by both now counts one speaker fewer
    for alias, norm in conn.execute(
        select(speaker_aliases.c.alias, speaker_aliases.c.normalised).where(
            speaker_aliases.c.speaker_id == old
        )
    ).all():
        add_alias(conn, into, str(alias), str(norm))
    conn.execute(delete(speaker_aliases).where(speaker_aliases.c.speaker_id == old))
    conn.execute(
        update(speaker_roles).where(speaker_roles.c.speaker_id == old).values(speaker_id=into)
    )
    conn.execute(delete(speakers).where(speakers.c.id == old))


def _display(name: str, tokens: list[str]) -> str:
    """The name without titles, in the article's own capitalisation when it can be found."""
    words = name.replace("’", "'").split()
    tail = words[-len(tokens) :] if len(words) >= len(tokens) else words
    return " ".join(tail)


def _get_or_create(
    conn: Connection, key: str, name: str, type: str, surname: str | None, outlet_id: int | None
) -> int:
    found = conn.scalar(select(speakers.c.id).where(speakers.c.merge_key == key))
    if found is not None:
        return int(found)
    result = conn.execute(
        insert(speakers).values(
            name=name, type=type, merge_key=key, surname=surname, outlet_id=outlet_id
        )
    )
    assert result.inserted_primary_key is not None
    return int(result.inserted_primary_key[0])


def add_alias(conn: Connection, speaker_id: int, alias: str, norm: str | None = None) -> None:
    norm = norm if norm is not None else normalise(alias)
    exists = conn.scalar(
        select(func.count()).where(
            and_(speaker_aliases.c.speaker_id == speaker_id, speaker_aliases.c.normalised == norm)
        )
    )
    if not exists:
        conn.execute(
            insert(speaker_aliases).values(speaker_id=speaker_id, alias=alias, normalised=norm)
        )


def add_roles(conn: Connection, speaker_id: int, roles: Sequence[str], seen: str | None) -> None:
    """Record each role with the first and last publication date it was seen with."""
    for role in dict.fromkeys(r.strip() for r in roles if r.strip()):
        row = conn.execute(
            select(speaker_roles.c.id, speaker_roles.c.first_seen, speaker_roles.c.last_seen).where(
                speaker_roles.c.speaker_id == speaker_id, speaker_roles.c.role == role
            )
        ).first()
        if row is None:
            conn.execute(insert(speaker_roles).values(
                speaker_id=speaker_id, role=role, first_seen=seen, last_seen=seen, count=1))  # fmt: skip
            continue
        first = min(filter(None, (row.first_seen, seen)), default=None)
        last = max(filter(None, (row.last_seen, seen)), default=None)
        conn.execute(update(speaker_roles).where(speaker_roles.c.id == row.id).values(
            first_seen=first, last_seen=last, count=speaker_roles.c.count + 1))  # fmt: skip


def descriptions_json(descriptions: Sequence[str]) -> str:
    return json.dumps(list(descriptions), ensure_ascii=False)
