"""Speaker resolution within one article: every form of a source becomes one speaker id.

    resolve_speakers(found, fields) -> ([Found], [Speaker])      (`Found.speaker` set)

"Zamir Kabulov", "Kabulov", "Russia’s presidential envoy for Afghanistan", "he" and "the envoy"
are one speaker. The rules, in the order they are tried for a source phrase:

1. a relative pronoun ("officials, who said") stands for the noun it modifies;
2. a name (an entity, or proper nouns the tagger saw) is matched to earlier speakers and
   mentions: the same name, or the same surname for people ("Kabulov", "Mr. Obama");
3. a spokesperson or officials *of* a named organisation speak for it ("a spokesman for the
   ministry", "Pentagon officials"), and what a named body or person made speaks for its maker
   ("the results of the National Iodine Nutrition Study", "Trump's tweet");
4. a definite description ("the envoy", "the ministry") is matched to a speaker whose name or
   descriptions contain its head noun, else to an earlier named mention it describes;
5. plural officials without a name ("officials said") speak for the most recent organisation
   or country speaker of the last six sentences; anonymous sources ("a source", "sources")
   otherwise get no speaker;
6. any other phrase ("the report", "experts") is a speaker of its own, named by its words;
7. he/she resolve to the nearest earlier person (speakers first, then the person a sentence
   opening "For …," speaks for, then subjects) whose gender agrees; gender comes from
   honorifics, gendered nouns and earlier pronouns; it/they to the nearest organisation or
   country; I/we inside a quotation to the quoted speaker.

Mentions in `Speaker.mentions` are spans of the article body (`Article.text`) only.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from importlib import resources
from typing import TYPE_CHECKING

from ..model import Span, Speaker
from ..wordlists import FIRST_PERSON_SINGULAR, title_genders
from .spans import Found, Rule

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token
    from spacy.tokens import Span as SpacySpan

    from .nlp import ParsedField

_FIELD_ORDER = {"title": 0, "standfirst": 1, "text": 2}
_ENTITY_TYPES = {"PERSON": "PERSON", "ORG": "ORG", "GPE": "GPE", "NORP": "OTHER"}
#: courtesy and office titles before a name, with the gender each says (`data/honorifics.tsv`)
_HONORIFICS = title_genders()
_MALE_NOUNS = {
    "man", "spokesman", "chairman", "congressman", "businessman", "father", "husband", "son",
    "brother", "king", "prince", "boy", "uncle", "nephew", "grandfather", "actor", "sportsman",
}  # fmt: skip
_FEMALE_NOUNS = {
    "woman", "spokeswoman", "chairwoman", "congresswoman", "businesswoman", "mother", "wife",
    "daughter", "sister", "queen", "princess", "girl", "aunt", "niece", "grandmother",
    "actress", "sportswoman", "first lady",
}  # fmt: skip
# people who speak for an organisation: "a spokesman for the ministry", "Pentagon officials"
_REPRESENTATIVES = {
    "spokesman", "spokeswoman", "spokesperson", "representative", "official", "officer",
    "source", "aide", "adviser", "advisor", "staffer", "member", "diplomat", "insider",
}  # fmt: skip
# what an organisation or a study produces, speaking for it: "the results of the … Study"
_PRODUCTS = {
    "result", "finding", "author", "conclusion", "figure", "data", "analysis", "tweet",
    "statement", "letter", "post", "message", "report", "study", "survey", "poll", "release",
    "website", "site", "filing", "statistic", "account", "page", "feed",
}  # fmt: skip
# plural subjects "they" may stand for: people, groups of them, and organisations in the plural
_GROUP_HEADS = {
    "official", "officer", "researcher", "scientist", "critic", "expert", "analyst", "lawmaker",
    "leader", "author", "member", "resident", "witness", "activist", "protester", "student",
    "worker", "employee", "voter", "supporter", "opponent", "investigator", "prosecutor",
    "lawyer", "doctor", "authority", "company", "firm", "group", "organisation", "organization",
    "government", "party", "source", "people", "parent", "teacher", "police", "representative",
}  # fmt: skip
# heads of anonymous sources ("a source said", "people familiar with the matter")
_ANONYMOUS = {
    "source", "official", "person", "people", "insider", "aide", "someone", "staffer", "diplomat",
    "officer", "adviser", "advisor", "expert", "analyst", "observer", "critic", "witness",
}  # fmt: skip
# role nouns that make a nameless source a person ("the minister said" → he)
_PERSON_NOUNS = _MALE_NOUNS | _FEMALE_NOUNS | {
    "minister", "president", "spokesperson", "senator", "secretary", "envoy", "ambassador",
    "chairperson", "director", "governor", "mayor", "leader", "lawmaker", "candidate", "nominee",
    "prosecutor", "judge", "lawyer", "attorney", "analyst", "expert", "professor", "economist",
    "adviser", "advisor", "aide", "commander", "general", "chief", "founder", "author", "writer",
    "reporter", "journalist", "activist", "diplomat", "premier", "chancellor", "pope", "doctor",
    "scientist", "researcher", "witness", "resident", "official", "officer", "source", "person",
    "pollster", "strategist", "manager", "executive", "ceo", "representative", "congressman",
    "speaker", "politician", "negotiator", "historian", "narrator", "host", "anchor", "user",
    "delegate", "commissioner", "sheriff", "coach", "captain", "legislator", "councillor",
}  # fmt: skip
#: common nouns that can head a source (`speaking_noun`)
_SPEAKING_NOUNS = _PERSON_NOUNS | _REPRESENTATIVES | _PRODUCTS | _GROUP_HEADS | _ANONYMOUS
# determiners and adjectives that bring in someone new: "other sites", "another official"
_ANOTHER = {"other", "another", "different", "rival", "opposing"}
_NAME_PREPOSITIONS = {"of", "for", "in", "at", "on", "from", "by", "with", "to"}
# adjectives any holder of a role may carry: no reason to doubt "the former envoy" is the envoy
_GENERIC_QUALIFIERS = {
    "former", "top", "senior", "new", "current", "then", "chief", "deputy", "acting", "same",
    "other", "own", "veteran", "longtime", "outgoing", "incoming", "late", "leading", "high",
}  # fmt: skip
_DETERMINERS = {"the", "a", "an", "this", "that", "these", "those", "another", "one", "some"}
_PRONOUN_GENDER = {"he": "m", "him": "m", "his": "m", "she": "f", "her": "f", "hers": "f"}
_FIRST_PERSON = {"i", "me", "we", "us", "my", "our"}
_MAX_PRONOUN_DISTANCE = 6  # sentences


@dataclass(slots=True)
class _Candidate:
    """A speaker under construction."""

    name: str
    type: str
    names: set[str] = field(default_factory=set)  # lower-case forms it goes by
    descriptions: list[str] = field(default_factory=list)
    gender: str | None = None
    mentions: list[tuple[int, int]] = field(default_factory=list)
    id: str = ""

    def add_description(self, text: str) -> None:
        text = " ".join(text.split()).strip(" ,;")
        if (
            text
            and text.lower() not in {d.lower() for d in self.descriptions}
            and text.lower() not in self.names
        ):
            self.descriptions.append(text)


@dataclass(slots=True)
class _Mention:
    """A name the article uses, in reading order; a pronoun may point back to it."""

    pos: tuple[int, int, int]  # (field order, sentence, character)
    name: str
    type: str
    subject: bool
    gender: str | None
    speaker: _Candidate | None = None
    source: bool = False
    #: the person a sentence is told for ("For Kevin Allton, Warhol was a legend."): a pronoun
    #: in the next sentence stands for them before the subject ("He said …" is Allton)
    perspective: bool = False
    descriptions: tuple[str, ...] = ()
    #: the head of a plural description ("Scientology officials"), resolved when "they" needs it
    token: Token | None = None


class _Resolver:
    def __init__(self, fields: list[ParsedField]) -> None:
        self.fields = {f.name: f for f in fields}
        self.speakers: list[_Candidate] = []
        self.timeline: list[_Mention] = []
        self.sentence_of: dict[tuple[str, int], int] = {}  # (field, chunk offset + sent start)
        for f in fields:
            self._collect_mentions(f)

    # --- the article's named mentions
    def _collect_mentions(self, parsed: ParsedField) -> None:
        order = _FIELD_ORDER.get(parsed.name, 3)
        sentence = 0
        lower_words = {w for w in re.findall(r"\w+", parsed.text) if w.islower()}
        for chunk in parsed.chunks:
            # "Scientology officials went to the station, where they claimed …": plural
            # subjects "they" may stand for (found over the arrays: visiting every token is slow)
            plural_subjects = _plural_subjects(chunk.doc)
            for sent in chunk.doc.sents:
                for ent in sent.ents:
                    kind = _ENTITY_TYPES.get(ent.label_)
                    if kind is None or kind == "OTHER":
                        continue
                    if kind == "PERSON" and _common_word(ent, lower_words):
                        continue  # "Iodine deficiency can …": the tagger's person is a word
                    name = _clean_name(list(ent))
                    if not name:
                        continue
                    root = ent.root
                    self.timeline.append(
                        _Mention(
                            pos=(order, sentence, chunk.offset + ent.start_char),
                            name=name,
                            type=kind,
                            subject=root.dep_ in {"nsubj", "nsubjpass"},
                            gender=_gender_near(ent.doc, ent.start)
                            or (_first_name_gender(name) if kind == "PERSON" else None),
                            descriptions=_appositions(root, name),
                            perspective=kind == "PERSON" and _fronted_for(root, sent.start),
                        )
                    )
                for i in plural_subjects:
                    if not sent.start <= i < sent.end:
                        continue
                    tok = chunk.doc[i]
                    self.timeline.append(
                        _Mention(
                            pos=(order, sentence, chunk.offset + tok.left_edge.idx),
                            name=_clean_name(list(tok.doc[tok.left_edge.i : tok.i + 1])),
                            type="PLURAL",
                            subject=True,
                            gender=None,
                            token=tok,
                        )
                    )
                sentence += 1
        self.timeline.sort(key=lambda m: m.pos)

    # --- matching names
    def match_name(self, name: str, kind: str) -> _Candidate | None:
        lowered = name.lower()
        for cand in reversed(self.speakers):
            if lowered in cand.names:
                return cand
        if kind in {"PERSON", "UNKNOWN"}:
            last = _surname(name)
            for cand in reversed(self.speakers):
                if cand.type == "PERSON" and last and last == _surname(cand.name):
                    return cand
        if kind in {"ORG", "GPE"}:
            for cand in reversed(self.speakers):
                if cand.type == kind and any(_tail_of(name, n) for n in cand.names):
                    return cand
        if len(name) > 1 and name.isupper() and name.isalpha():
            # an abbreviation: "WHO" for "World Health Organisation (WHO)"
            for cand in reversed(self.speakers):
                if cand.type != "PERSON" and (
                    name in cand.descriptions or _initials(cand.name) == name
                ):
                    return cand
        return None

    def speaker_for_name(
        self, name: str, kind: str, pos: tuple[int, int, int], gender: str | None
    ) -> _Candidate:
        cand = self.match_name(name, kind)
        if cand is None:
            # a surname alone takes the full name of an earlier mention ("Kabulov" → Zamir Kabulov)
            full = name
            last = _surname(name)
            for m in reversed(self.timeline):
                if m.pos >= pos:
                    continue
                if (
                    m.type == "PERSON"
                    and " " in m.name
                    and _surname(m.name) == last
                    and len(m.name) > len(full)
                ):
                    full, kind = m.name, "PERSON"
                    gender = gender or m.gender
                    break
                if kind in {"ORG", "GPE"} and m.type == kind and _tail_of(name, m.name):
                    full = m.name
                    break
            if kind == "UNKNOWN":
                kind = self._type_from_mentions(name)
            cand = _Candidate(name=full, type=kind)
            self.speakers.append(cand)
        elif (
            len(name) > len(cand.name)
            and kind == cand.type
            and name.lower().endswith(_surname(cand.name))
        ):
            cand.name = name  # the longer form is the canonical one
        cand.names.add(name.lower())
        if cand.type == "PERSON":
            cand.names.add(_surname(name))
        if gender and cand.gender is None:
            cand.gender = gender
        if cand.type == "PERSON" and cand.gender is None:
            cand.gender = _first_name_gender(cand.name)
        return cand

    def _type_from_mentions(self, name: str) -> str:
        lowered = name.lower()
        for m in self.timeline:
            if m.name.lower() == lowered:
                return m.type
        return "OTHER"

    # --- resolution of one attribution's source
    def resolve(self, f: Found) -> _Candidate | None:
        tok = f.source_token
        if tok is None or f.source is None:
            return None
        if tok.pos_ in {"VERB", "AUX"} or any(c.dep_ in _CLAUSE_ARCS for c in tok.children):
            # a parse that made the source a clause ("coach" a verb with a subject and object)
            tok = _nominal_head(tok.doc, f.source[0] - f.offset, f.source[1] - f.offset) or tok
        pos = (_FIELD_ORDER.get(f.field, 3), f.sentence, f.source[0])
        titled = _titled_person(tok, f.source[0] - f.offset, f.source[1] - f.offset)
        if titled is not None:
            person, title = titled
            gender = _gender_near(tok.doc, tok.left_edge.i, person.end - 1)
            cand = self.speaker_for_name(_clean_name(list(person)), "PERSON", pos, gender)
            cand.add_description(title)
            return cand
        return self.resolve_token(tok, pos, depth=0)

    def resolve_token(self, tok: Token, pos: tuple[int, int, int], depth: int) -> _Candidate | None:
        lower = tok.lower_
        acronym = len(tok.text) > 1 and tok.text.isupper()  # "WHO said" is no relative pronoun
        if (
            lower in {"who", "which", "that", "whom"}
            and tok.head.dep_ == "relcl"
            and depth < 2
            and not acronym
        ):
            return self.resolve_token(tok.head.head, pos, depth + 1)
        if (tok.pos_ == "PRON" or lower in _PRONOUN_GENDER) and not acronym:
            return self.pronoun(lower, pos)
        if acronym and tok.pos_ == "PRON":
            return self.speaker_for_name(tok.text, "ORG", pos, None)
        name, kind = self._name_of(tok)
        gender = _gender_near(tok.doc, tok.left_edge.i, tok.i)
        if name is not None:
            cand = self.speaker_for_name(name, kind, pos, gender)
            self._describe(cand, tok, name)
            return cand
        return self.nominal(tok, pos, gender)

    def _name_of(self, tok: Token) -> tuple[str | None, str]:
        """The name in a source phrase headed by `tok`, with its entity type."""
        doc = tok.doc
        for ent in doc.ents:
            if ent.start <= tok.i < ent.end and ent.label_ in _ENTITY_TYPES:
                kind = _ENTITY_TYPES[ent.label_]
                if kind == "OTHER":
                    return None, kind
                person = _person_before_preposition(ent)
                if person is not None:
                    return person, "PERSON"
                return _clean_name(list(ent)), kind
        if tok.pos_ == "PROPN":
            first = tok.i
            while (
                first - 1 >= 0
                and doc[first - 1].head.i == tok.i
                and doc[first - 1].dep_ == "compound"
                and doc[first - 1].pos_ == "PROPN"
            ):
                first -= 1
            return _clean_name(list(doc[first : tok.i + 1])) or None, "UNKNOWN"
        # "the envoy, Zamir Kabulov": the name is the apposition; "the governor of Ohio, Mike
        # DeWine": the parser hangs it on the object of the preposition
        appositions = [c for c in tok.children if c.dep_ == "appos"]
        if tok.lemma_.lower() in _PERSON_NOUNS:
            appositions += [
                a
                for p in tok.children
                if p.dep_ == "prep"
                for o in p.children
                if o.dep_ == "pobj"
                for a in o.children
                if a.dep_ == "appos" and a.ent_type_ == "PERSON"
            ]
        for child in appositions:
            name, kind = self._name_of(child)
            if name is not None:
                if tok.lemma_.lower() in _PERSON_NOUNS and kind == "UNKNOWN":
                    kind = "PERSON"  # "the delegate, Aumua Amata": proper nouns for a person
                return name, kind
        return None, "OTHER"

    def _describe(self, cand: _Candidate, tok: Token, name: str) -> None:
        """Record the roles the source phrase gives the speaker: appositions and titles."""
        doc = tok.doc
        for child in tok.children:
            if child.dep_ == "appos":
                text = doc[child.left_edge.i : child.right_edge.i + 1].text
                if name.lower() not in text.lower():
                    cand.add_description(text)
        if tok.ent_type_ == "" and tok.pos_ == "NOUN":
            # the head itself is the role ("the envoy, Zamir Kabulov"), with the place or body
            # it is the role of ("the governor of Ohio, Mike DeWine")
            last = tok.i
            for child in tok.rights:
                if child.dep_ == "prep" and child.i == last + 1:
                    last = _object_end(child)
            cand.add_description(doc[tok.left_edge.i : last + 1].text)
        ent = _entity_at(tok)
        if cand.type == "PERSON" and (ent is not None or tok.pos_ == "PROPN"):
            # "US Secretary of State Antony Blinken": the words before the name (not those
            # before a role noun whose apposition is the name: that role is described above)
            start = ent.start if ent is not None else tok.i
            first = tok.left_edge.i
            words = [t for t in doc[first:start] if t.lower_ not in _DETERMINERS and not t.is_punct]
            if words and not any(t.lower_ in _HONORIFICS for t in words[-1:]):
                lo = words[0].i
                hi = start - 1
                if lo <= hi:
                    cand.add_description(doc[lo : hi + 1].text)

    def nominal(
        self, tok: Token, pos: tuple[int, int, int], gender: str | None
    ) -> _Candidate | None:
        """The speaker of a source phrase with no name, headed by `tok`: rules 3 to 6 of the
        module docstring, tried in order (`_product`, `_representative`, `_described`,
        `_anonymous`, `_named_by_phrase`); `gender`: what the phrase's words say."""
        lemma = tok.lemma_.lower()
        plural = tok.tag_ in {"NNS", "NNPS"}
        cand = (
            self._product(tok, lemma, pos)
            or self._representative(tok, lemma, pos)
            or self._described(tok, lemma, plural, pos, gender)
        )
        if cand is not None:
            return cand
        if lemma in _ANONYMOUS:
            return self._anonymous(lemma, plural, pos)
        return self._named_by_phrase(tok, lemma, plural, gender)

    def _product(self, tok: Token, lemma: str, pos: tuple[int, int, int]) -> _Candidate | None:
        """Rule 3: what a named body or person made speaks for its maker (`_producer`: "the
        results of the National Iodine Nutrition Study", "Trump's tweet"); the phrase becomes a
        description of a maker that is no person ("the results" later are the study's; a tweet
        is no role of its author)."""
        if lemma not in _PRODUCTS:
            return None
        made_by = _producer(tok)
        if made_by is None:
            return None
        name, kind = made_by
        cand = self.speaker_for_name(name, kind, pos, None)
        if kind != "PERSON":
            cand.add_description(tok.doc[tok.left_edge.i : tok.right_edge.i + 1].text)
        return cand

    def _representative(
        self, tok: Token, lemma: str, pos: tuple[int, int, int]
    ) -> _Candidate | None:
        """Rule 3: a spokesperson or officials of an organisation named in the phrase speak for
        it ("a spokesman for the ministry", "Pentagon officials": `_organisation_in`)."""
        if lemma not in _REPRESENTATIVES:
            return None
        org = self._organisation_in(tok)
        if org is None:
            return None
        name, kind = org
        cand = self.speaker_for_name(name, kind, pos, None)
        cand.add_description(tok.doc[tok.left_edge.i : tok.right_edge.i + 1].text)
        return cand

    def _described(
        self, tok: Token, lemma: str, plural: bool, pos: tuple[int, int, int], gender: str | None
    ) -> _Candidate | None:
        """Rule 4: a description is the latest speaker it describes (`_described_speaker`), else
        the latest earlier mention (`_described_mention`); not one that announces someone new
        ("other sites", "another official"), nor an anonymous one without a definite article
        or demonstrative ("a source", "officials")."""
        another = any(c.lower_ in _ANOTHER for c in tok.children if c.dep_ in {"det", "amod"})
        determiner = next((c.lower_ for c in tok.children if c.dep_ in {"det", "poss"}), None)
        if another or (
            determiner not in {"the", "this", "that", "these", "those"} and lemma in _ANONYMOUS
        ):
            return None
        qualifiers = _qualifiers(tok)
        cand = self._described_speaker(tok, lemma, plural, gender, qualifiers)
        return cand if cand is not None else self._described_mention(lemma, plural, pos, qualifiers)

    def _described_speaker(
        self, tok: Token, lemma: str, plural: bool, gender: str | None, qualifiers: list[str]
    ) -> _Candidate | None:
        """The latest speaker whose name or roles hold the description's head noun, of the
        same number and gender, whose words agree with every qualifier ("Ethiopia's water
        minister" is not Egypt's foreign minister)."""
        for cand in reversed(self.speakers):
            name_words = _head_words(cand.name)
            roles = _description_words(cand.descriptions)
            if (
                (lemma in name_words and (not plural or tok.lower_ in name_words))
                or tok.lower_ in name_words
                or (lemma in roles and not plural)
                or (plural and tok.lower_ in roles and cand.type != "PERSON")
            ):
                if cand.type == "PERSON" and plural:
                    continue
                if gender and cand.gender and gender != cand.gender:
                    continue
                if not _agrees(qualifiers, name_words | roles):
                    continue
                return cand
        return None

    def _described_mention(
        self, lemma: str, plural: bool, pos: tuple[int, int, int], qualifiers: list[str]
    ) -> _Candidate | None:
        """The latest named mention before `pos`, no speaker yet, that the description names:
        an organisation or country with the head noun in its name, or a name whose roles
        (appositions) hold it; its qualifiers agree. The mention becomes a speaker."""
        for m in reversed(self.timeline):
            if m.pos >= pos or m.speaker is not None:
                continue
            roles = _description_words(m.descriptions)
            if not _agrees(qualifiers, roles | set(m.name.lower().split())):
                continue
            if (m.type in {"ORG", "GPE"} and lemma in m.name.lower().split()) or (
                lemma in roles and not plural
            ):
                named = self.speaker_for_name(m.name, m.type, m.pos, m.gender)
                for d in m.descriptions:
                    named.add_description(d)
                return named
        return None

    def _anonymous(self, lemma: str, plural: bool, pos: tuple[int, int, int]) -> _Candidate | None:
        """Rule 5: plural officials without a name speak for the latest organisation or country
        speaker (`_recent_organisation`); other anonymous sources get no speaker."""
        if plural and lemma in _REPRESENTATIVES:
            return self._recent_organisation(pos)
        return None

    def _named_by_phrase(
        self, tok: Token, lemma: str, plural: bool, gender: str | None
    ) -> _Candidate | None:
        """Rule 6: any other phrase ("the report", "a study", "experts", "researchers from the
        University of Colorado") is a speaker named by its words, without determiners and with
        the prepositions right after its head: a kind of source (`_generic`), a named
        institution ("Toronto police"), a person for a singular role noun, else other."""
        doc = tok.doc
        words = [t for t in doc[tok.left_edge.i : tok.i + 1] if not t.is_punct]
        while words and words[0].lower_ in _DETERMINERS:
            words = words[1:]
        if not words:
            return None
        last = tok.i
        for child in tok.rights:
            if child.dep_ == "prep" and child.i == last + 1:
                last = _object_end(child)
        name = _without_quote_marks(doc[words[0].i : last + 1].text)
        known = self.match_name(name, "OTHER")
        if known is None:
            if _generic(words, tok, plural):
                kind = "GENERIC"
            elif lemma in _INSTITUTIONS and lemma in generic_lemmas():
                kind = "ORG"
            else:
                kind = "PERSON" if lemma in _PERSON_NOUNS and not plural else "OTHER"
            known = _Candidate(name=name, type=kind, gender=gender)
            self.speakers.append(known)
        known.names.add(name.lower())
        return known

    def _organisation_in(self, tok: Token) -> tuple[str, str] | None:
        """An organisation or country named inside the phrase of `tok` (not the head itself)."""
        doc = tok.doc
        lo, hi = tok.left_edge.i, tok.right_edge.i
        for ent in doc.ents:
            if lo <= ent.start and ent.end - 1 <= hi and not (ent.start <= tok.i < ent.end):
                if ent.label_ in {"ORG", "GPE"}:
                    return _clean_name(list(ent)), ent.label_
        # "Scientology officials", "Pentagon sources": proper nouns the tagger left unnamed
        words = [
            t
            for t in doc[lo : tok.i]
            if t.head.i == tok.i and t.dep_ == "compound" and t.pos_ == "PROPN" and not t.ent_type_
        ]
        if words and words[-1].i == tok.i - 1:
            first = words[-1].i
            while (
                first - 1 >= lo and doc[first - 1].pos_ == "PROPN" and not doc[first - 1].ent_type_
            ):
                first -= 1
            return doc[first : tok.i].text, "ORG"
        for t in doc[lo : hi + 1]:
            if t.i != tok.i and t.pos_ == "NOUN" and t.head.i != t.i and t.dep_ == "pobj":
                for cand in reversed(self.speakers):
                    if (
                        cand.type in {"ORG", "GPE"}
                        and t.lemma_.lower() in cand.name.lower().split()
                    ):
                        return cand.name, cand.type
        return None

    def _recent_organisation(self, pos: tuple[int, int, int]) -> _Candidate | None:
        for m in reversed(self.timeline):
            if m.pos >= pos or m.pos[0] != pos[0] or pos[1] - m.pos[1] > _MAX_PRONOUN_DISTANCE:
                continue
            if m.source and m.speaker is not None and m.speaker.type in {"ORG", "GPE"}:
                return m.speaker
        return None

    def pronoun(self, lower: str, pos: tuple[int, int, int]) -> _Candidate | None:
        if lower in _FIRST_PERSON or lower in {"you"}:
            return None  # settled later through the enclosing quotation
        if lower in _PRONOUN_GENDER:
            want_types, gender = {"PERSON"}, _PRONOUN_GENDER[lower]
        elif lower in {"it", "its"}:
            want_types, gender = {"ORG", "GPE", "OTHER"}, None
        elif lower in {"they", "them", "their"}:
            want_types, gender = {"ORG", "GPE", "OTHER", "PLURAL"}, None
        else:
            return None
        field_order, sentence, _ = pos
        by_sentence: dict[int, list[_Mention]] = {}
        for m in self.timeline:
            if m.pos >= pos or m.pos[0] != field_order:
                continue
            if sentence - m.pos[1] > _MAX_PRONOUN_DISTANCE:
                continue
            by_sentence.setdefault(m.pos[1], []).append(m)
        for s in sorted(by_sentence, reverse=True):
            ranked = sorted(
                by_sentence[s],
                key=lambda m: (m.source, m.perspective, m.subject, m.pos),
                reverse=True,
            )
            for m in ranked:
                if m.type == "PLURAL" and m.token is not None:
                    if "PLURAL" not in want_types:
                        continue
                    # the description resolved as a source would be; an anonymous group
                    # ("critics") leaves "they" without a speaker rather than with a wrong one
                    return self.resolve_token(m.token, m.pos, depth=1)
                cand = m.speaker or self.match_name(m.name, m.type)
                kind = cand.type if cand is not None else m.type
                if kind not in want_types:
                    continue
                known = (cand.gender if cand is not None else None) or m.gender
                if gender and known and known != gender:
                    continue
                if cand is None:
                    cand = self.speaker_for_name(m.name, m.type, m.pos, m.gender)
                if gender and cand.gender is None:
                    cand.gender = gender  # learnt: later pronouns must agree
                return cand
        return None

    def record(self, f: Found, cand: _Candidate | None) -> None:
        """Put a resolved source on the timeline so that later pronouns find it first."""
        if f.source is None:
            return
        pos = (_FIELD_ORDER.get(f.field, 3), f.sentence, f.source[0])
        tok = f.source_token
        self.timeline.append(
            _Mention(
                pos=pos,
                name=cand.name if cand else "",
                type=cand.type if cand else "OTHER",
                subject=True,
                gender=cand.gender if cand else None,
                speaker=cand,
                source=True,
            )
        )
        self.timeline.sort(key=lambda m: m.pos)
        if cand is not None and f.field == "text":
            cand.mentions.append(f.source)
        if (
            cand is not None
            and tok is not None
            and tok.lower_ in _PRONOUN_GENDER
            and cand.gender is None
        ):
            cand.gender = _PRONOUN_GENDER[tok.lower_]


def resolve_speakers(
    found: list[Found], fields: list[ParsedField], authors: Sequence[str] = ()
) -> tuple[list[Found], list[Speaker]]:
    """Every found attribution with its `speaker` set, and the speakers in order of appearance.

    First person outside quotations ("I told them …") is a transcript turn's speaker when it
    sits in a turn ("Jon Hartley: … I said …"), else the article's one author (an opinion piece,
    a blog); such attributions are marked `first_person`."""
    resolver = _Resolver(fields)
    order = sorted(
        range(len(found)),
        key=lambda i: (
            _FIELD_ORDER.get(found[i].field, 3),
            found[i].sentence,
            (found[i].source or found[i].cue)[0],
        ),
    )
    chosen: dict[int, _Candidate | None] = {}
    for i in order:
        cand = resolver.resolve(found[i])
        chosen[i] = cand
        resolver.record(found[i], cand)
    _relink_headline_roles(found, chosen)
    # first person inside a quotation: the quoted speaker
    for i in order:
        f = found[i]
        tok = f.source_token
        if (
            chosen[i] is None
            and tok is not None
            and tok.lower_ in _FIRST_PERSON
            and f.parent is not None
        ):
            parent = chosen.get(f.parent)
            if parent is not None:
                chosen[i] = parent
                if f.field == "text" and f.source is not None:
                    parent.mentions.append(f.source)
    first_person = _first_person(found, order, chosen, resolver, authors)
    # the speaker objects, with ids unique within the article
    used: dict[str, int] = {}
    speakers: list[Speaker] = []
    names_in_body = _entity_spans(fields)
    for cand in resolver.speakers:
        if not any(c is cand for c in chosen.values()):
            continue
        base = _slug(cand.name) or "speaker"
        used[base] = used.get(base, 0) + 1
        cand.id = base if used[base] == 1 else f"{base}-{used[base]}"
        mentions = _body_mentions(cand, names_in_body)
        speakers.append(
            Speaker(
                id=cand.id,
                name=cand.name,
                type=cand.type if cand.type in {"PERSON", "ORG", "GPE", "GENERIC"} else "OTHER",
                descriptions=tuple(cand.descriptions),
                mentions=tuple(Span(s, e) for s, e in sorted(set(mentions))),
            )
        )
    ids = {i: cand.id for i, cand in chosen.items() if cand is not None}
    resolved = [
        replace(f, speaker=ids.get(i), first_person=f.first_person or i in first_person)
        for i, f in enumerate(found)
    ]
    return resolved, speakers


#: generic sources that, named by a place or a name, are that body ("Toronto police")
_INSTITUTIONS = frozenset({"police", "authority", "authorities", "government", "military", "army"})


def _first_person(
    found: list[Found],
    order: list[int],
    chosen: dict[int, _Candidate | None],
    resolver: _Resolver,
    authors: Sequence[str],
) -> set[int]:
    """The attributions in the first person outside quotations, each given a transcript turn's
    speaker or the article's author in `chosen` (`resolve_speakers`)."""
    marked: set[int] = set()
    turns = [i for i in order if found[i].rule == Rule.HEADLINE_COLON and found[i].field == "text"]
    author: _Candidate | None = None
    for i in order:
        f = found[i]
        tok = f.source_token
        if chosen[i] is not None or tok is None or tok.lower_ not in FIRST_PERSON_SINGULAR:
            continue
        if f.parent is not None:
            continue  # inside a quotation whose speaker is unknown: not the author's
        turn = next(
            (j for j in reversed(turns)
             if found[j].paragraph == f.paragraph and found[j].cue[0] < f.cue[0]),
            None,
        )  # fmt: skip
        if turn is not None and chosen[turn] is not None:
            chosen[i] = chosen[turn]
        elif len(authors) == 1 and f.field == "text":
            if author is None:
                author = resolver.speaker_for_name(authors[0], "PERSON", (0, 0, 0), None)
            chosen[i] = author
        else:
            continue
        marked.add(i)
    return marked


def _relink_headline_roles(found: list[Found], chosen: dict[int, _Candidate | None]) -> None:
    """A headline or standfirst names a role before the body names the person ("Mayor says
    budget is balanced" … "The mayor of Springfield, Jane Doe, said"): its nameless source
    becomes the one body speaker that role describes, when there is exactly one."""
    body = [c for i, c in chosen.items() if c is not None and found[i].field == "text"]
    for i, cand in chosen.items():
        f = found[i]
        tok = f.source_token
        if f.field == "text" or cand is None or tok is None:
            continue
        lemma = tok.lemma_.lower()
        if cand.type in {"PERSON", "ORG", "GPE"} and cand.name.lower() != lemma:
            continue  # a name, not a role
        qualifiers = _qualifiers(tok)
        matches = {
            id(c): c
            for c in body
            if c is not cand
            and lemma in (roles := _description_words(c.descriptions))
            and _agrees(qualifiers, roles)
        }
        if len(matches) == 1:
            chosen[i] = next(iter(matches.values()))


@functools.cache
def speaking_noun(lemma: str) -> bool:
    """A common noun that can head a source (by its lemma): a person's role ("minister"), people
    or a group ("officials", "government"), who speaks for an organisation ("spokesman"), what
    an organisation publishes ("report"), a kind of source ("police"). Not "disaster" or
    "crisis": "Lion Air disaster: …" is a headline's topic, not its source."""
    return lemma in _SPEAKING_NOUNS or lemma in generic_lemmas()


@functools.cache
def generic_lemmas() -> frozenset[str]:
    """The lemmas of `saywho/data/generic_sources.txt`: kinds of source, not someone."""
    text = resources.files("saywho").joinpath("data/generic_sources.txt").read_text("utf-8")
    return frozenset(
        line.strip().lower()
        for line in text.splitlines()
        if line.strip() and not line.startswith("#")
    )


def _generic(words: Sequence[Token], head: Token, plural: bool) -> bool:
    """ "Police", "researchers", "reports", "local residents", "a new study": a kind of source.
    A bare singular person noun ("the prosecutor") is someone the article can name later, and a
    phrase with a proper noun or a named entity ("Toronto police", "researchers at MIT") names
    a body: neither is generic."""
    lemma = head.lemma_.lower()
    if lemma not in generic_lemmas() and head.lower_ not in generic_lemmas():
        return False
    if not plural and lemma in _PERSON_NOUNS:
        return False
    phrase = head.doc[words[0].i : head.right_edge.i + 1]
    return not any(t.pos_ == "PROPN" or t.ent_type_ for t in phrase)


def _producer(tok: Token) -> tuple[str, str] | None:
    """Who made the thing `tok` names: its named possessor or modifier ("Trump's tweet", "the
    NDRRMC report"), the named object of its "of", "by" or "from" ("the results of the National
    Iodine Nutrition Study", "a tweet by Mike Pompeo") or the agent of a participle after it ("a
    statement released by the Supreme Court")."""
    for p in tok.children:
        if p.dep_ in {"poss", "compound"} and p.ent_type_ in {"PERSON", "ORG", "GPE"}:
            ent = _entity_at(p)
            name = _clean_name(list(ent)) if ent is not None else ""
            if ent is not None and name and not ent.start <= tok.i < ent.end:
                # "PC World's analysis", "Trump's tweet", "the NDRRMC report"
                return name, ent.label_
        if p.dep_ == "acl" and p.tag_ == "VBN":  # "a statement released by the Supreme Court"
            p = next((a for a in p.children if a.dep_ == "agent"), p)
        elif p.dep_ != "prep" or p.lower_ not in {"of", "by", "from"}:
            continue
        for o in p.children:
            if o.dep_ != "pobj":
                continue
            ent = _entity_at(o)
            if ent is not None and ent.label_ in {"PERSON", "ORG", "GPE"}:
                name = _clean_name(list(ent))
                if name:
                    return name, ent.label_
    return None


def _object_end(prep: Token) -> int:
    """The last token of a preposition's object without what hangs after it (a relative
    clause, a second conjunct, a further place): the whole entity when the object is in one."""
    obj = next((c for c in prep.children if c.dep_ in {"pobj", "pcomp"}), None)
    if obj is None:
        return prep.i - 1  # no object: the preposition stays out too
    ent = _entity_at(obj)
    if ent is not None:
        return max(obj.i, ent.end - 1)
    return obj.i


def _common_word(ent: SpacySpan, lower_words: set[str]) -> bool:
    """A one-word "person" the text also writes in lower case ("Iodine" at the start of a
    sentence, "iodine" elsewhere: `lower_words` holds the text's lower-case words) is a common
    word the entity tagger took for a name."""
    return len(ent) == 1 and ent.text.isalpha() and ent.text.lower() in lower_words


def _head_words(name: str) -> set[str]:
    """The lower-case words of a name before its first preposition: "the ministry" may be the
    Russian Foreign Ministry or the Ministry of Defence, "the site" is not 'the "History" section
    of the site'."""
    words = []
    for w in re.findall(r"\w+", name):
        if w in _NAME_PREPOSITIONS:
            break
        words.append(w.lower())
    return set(words)


def _person_before_preposition(ent: SpacySpan) -> str | None:
    """The person at the start of an organisation the entity tagger ran on from her name:
    "Lydia Buchtmann for Food Standards Australia" → "Lydia Buchtmann" (a first name the census
    knows, a capitalised surname, then "for", "of", "at" or "from")."""
    if ent.label_ != "ORG" or len(ent) < 4:
        return None
    first, last, prep = ent[0], ent[1], ent[2]
    if (
        prep.lower_ in {"for", "of", "at", "from"}
        and last.text[:1].isupper()
        and last.is_alpha
        and _first_name_gender(f"{first.text} {last.text}") is not None
    ):
        return f"{first.text} {last.text}"
    return None


def _fronted_for(root: Token, sent_start: int) -> bool:
    """`root` is the object of the "For …," or "To …," that opens its sentence ("For Kevin
    Allton, Warhol was a legend"): the person the sentence speaks for."""
    prep = root.head
    if root.dep_ != "pobj" or prep.i != sent_start or prep.lower_ not in ("for", "to"):
        return False
    after = root.right_edge.i + 1
    return after < len(root.doc) and root.doc[after].text == ","


def _plural_subjects(doc: Doc) -> list[int]:
    """Indices of plural common-noun subjects outside entities whose head is a word for people
    or organisations ("officials", "researchers", "companies")."""
    from spacy.attrs import DEP, ENT_IOB, TAG  # type: ignore[import-not-found]  # no stubs

    if len(doc) == 0:
        return []
    strings = doc.vocab.strings
    subject = {strings.add("nsubj"), strings.add("nsubjpass")}
    plural = strings.add("NNS")
    out = []
    for i, (dep, tag, iob) in enumerate(doc.to_array([DEP, TAG, ENT_IOB]).tolist()):
        if dep in subject and tag == plural and iob in (0, 2):  # 2: outside an entity
            if doc[i].lemma_.lower() in _GROUP_HEADS:
                out.append(i)
    return out


def _description_words(descriptions: Iterable[str]) -> set[str]:
    """The lower-case words of a speaker's or a mention's descriptions."""
    return {w.lower() for d in descriptions for w in re.findall(r"\w+", d)}


def _entity_at(tok: Token) -> SpacySpan | None:
    """The named entity `tok` is part of, if any."""
    return next((e for e in tok.doc.ents if e.start <= tok.i < e.end), None)


def _body_mentions(
    cand: _Candidate, names_in_body: dict[str, list[tuple[int, int]]]
) -> list[tuple[int, int]]:
    spans = list(cand.mentions)
    for name in cand.names:
        if len(name) > 2:
            spans.extend(names_in_body.get(name, ()))
    return spans


def _entity_spans(fields: list[ParsedField]) -> dict[str, list[tuple[int, int]]]:
    """Lower-cased entity names of the body → their spans."""
    out: dict[str, list[tuple[int, int]]] = {}
    for parsed in fields:
        if parsed.name != "text":
            continue
        for chunk in parsed.chunks:
            for ent in chunk.doc.ents:
                name = _clean_name(list(ent)).lower()
                if name:
                    out.setdefault(name, []).append(
                        (chunk.offset + ent.start_char, chunk.offset + ent.end_char)
                    )
    return out


def _qualifiers(tok: Token) -> list[str]:
    """The words that narrow a description down ("Ethiopia's", "water" in "Ethiopia's water
    minister"): nouns, proper nouns and adjectives before the head, bar the ones any holder of
    the role may carry ("former", "top", "senior")."""
    out = []
    for t in tok.doc[tok.left_edge.i : tok.i]:
        if t.head.i != tok.i and t.head.head.i != tok.i:
            continue  # inside a longer modifier; its head speaks for it
        if t.pos_ in {"NOUN", "PROPN", "ADJ"} and t.lower_ not in _GENERIC_QUALIFIERS:
            out.append(t.lower_)
    return out


def _agrees(qualifiers: list[str], words: set[str]) -> bool:
    """Every qualifier of a description is among a speaker's words, allowing a country for its
    people ("Russian" ~ "Russia", "Egyptian" ~ "Egypt")."""
    for q in qualifiers:
        if q in words:
            continue
        stem = q[:5]
        if len(stem) >= 4 and any(
            w[:5] == stem or (q.startswith(w) and len(w) >= 4) for w in words
        ):
            continue
        return False
    return True


def _appositions(root: Token, name: str) -> tuple[str, ...]:
    """The roles an entity is given where it is named: "Zamir Kabulov, Russia’s … envoy"."""
    doc = root.doc
    out = []
    for child in root.children:
        if child.dep_ == "appos":
            text = doc[child.left_edge.i : child.right_edge.i + 1].text
            if name.lower() not in text.lower():
                out.append(text)
    if root.dep_ == "appos" and root.head.pos_ == "NOUN":  # "the envoy, Zamir Kabulov"
        head = root.head
        out.append(doc[head.left_edge.i : head.i + 1].text)
    return tuple(out)


def _clean_name(tokens: list[Token]) -> str:
    """An entity's text without a leading article, honorific or trailing possessive."""
    while tokens and (tokens[0].lower_ in _DETERMINERS or tokens[0].is_punct):
        tokens = tokens[1:]
    while tokens and (tokens[-1].lower_ in {"'s", "’s", "'", "’"} or tokens[-1].is_punct):
        tokens = tokens[:-1]
    # "World Health Organisation (WHO": an abbreviation the entity cut off is no part of the name
    opened = [k for k, t in enumerate(tokens) if t.text in {"(", "["}]
    if opened and not any(t.text in {")", "]"} for t in tokens[opened[-1] :]):
        tokens = tokens[: opened[-1]]
    if not tokens:
        return ""
    doc = tokens[0].doc
    return doc[tokens[0].i : tokens[-1].i + 1].text


def _tail_of(name: str, longer: str) -> bool:
    """Whether a body's name of two words or more is the end of a longer name: "the Court of
    Justice" after "the European Court of Justice" is the same body.

    >>> _tail_of("Court of Justice", "European Court of Justice"), _tail_of("Justice", "Court of Justice")
    (True, False)
    """
    short = name.lower()
    return len(short.split()) >= 2 and longer.lower().endswith(" " + short)


def _titled_person(head: Token, start: int, end: int) -> tuple[SpacySpan, str] | None:
    """A source phrase (characters `start`–`end` of its doc) headed by a title and ending in a
    person's name: the name, and the title with what it is of ("Governor of Washington Chris
    Gregoire": Chris Gregoire, "Governor of Washington"; "The Vice President, Mike Pence,":
    Mike Pence, "Vice President"). The parser hangs such names on the title's preposition, or
    calls the title the head. Not a name after a preposition or a title of its own ("a
    spokesman for President Joe Biden"): that is whom the head speaks for. A role noun right
    before the name makes the phrase the person's whatever heads it ("African Export–Import Bank
    president Okey Oramah", where the parser made "Export" the head)."""
    doc = head.doc
    if head.ent_type_ == "PERSON":
        return None
    titled = head.lemma_.lower() in _PERSON_NOUNS or (head.pos_ == "PROPN" and not head.ent_type_)
    words = [t for t in doc if start <= t.idx and t.idx + len(t) <= end and not t.is_punct]
    if not words:
        return None
    person = _entity_at(words[-1])
    if person is None or person.label_ != "PERSON" or person.end - 1 != words[-1].i:
        return None
    first = person.start  # with a first name the entities left out ("Enver Solomon")
    while first - 1 > head.i and _untitled_name_word(doc[first - 1]):
        first -= 1
    if first <= head.i:
        return None
    person, before = doc[first : person.end], doc[first - 1]
    # "Bank president Okey Oramah": the bank's president, named
    named_role = (before.text.islower() and before.lemma_.lower() in _PERSON_NOUNS
                  and not any(t.lower_ in {"for", "to", "with"} for t in doc[words[0].i : first]))  # fmt: skip
    # "Governor of Washington Chris Gregoire", "The Vice President, Mike Pence,"
    set_off = before.text == "," or (before.pos_ == "PROPN" and before.ent_type_ != "PERSON"
                                     and before.lower_ not in _PERSON_NOUNS
                                     and before.lower_ not in _HONORIFICS)  # fmt: skip
    if not (named_role or (titled and set_off)):
        return None
    title = [t for t in doc[words[0].i : person.start]
             if not t.is_punct and t.lower_ not in _DETERMINERS]  # fmt: skip
    return (person, doc[title[0].i : title[-1].i + 1].text) if title else None


def _untitled_name_word(tok: Token) -> bool:
    """A proper noun of no entity that is not a title or honorific."""
    lower = tok.lower_
    return (tok.pos_ == "PROPN" and not tok.ent_type_ and lower not in _PERSON_NOUNS
            and lower not in _HONORIFICS)  # fmt: skip


def _nominal_head(doc: Doc, start: int, end: int) -> Token | None:
    """The token to name a source by when the parser made its head a verb ("Caloundra coach
    Geoff Ingram said", "coach" a verb): the last token of the last person or organisation
    named within the source's characters ``[start, end)``, else its last noun."""
    inside = [t for t in doc if start <= t.idx and t.idx + len(t.text) <= end]
    named = [t for t in inside if t.ent_type_ in {"PERSON", "ORG", "GPE", "NORP"}]
    nouns = [t for t in inside if t.pos_ in {"PROPN", "NOUN"}]
    chosen = named or nouns
    return chosen[-1] if chosen else None


#: arcs only a verb has: a source head with one of them is a misparse
_CLAUSE_ARCS = frozenset({"nsubj", "nsubjpass", "dobj", "ccomp", "aux"})

_QUOTE_MARKS = re.compile(r"[\"“”„«»‘‚]|(?<!\w)['’]|['’](?!\w)")


def _without_quote_marks(name: str) -> str:
    """A phrase's name without its quotation marks: 'The "History" section' is named
    "History section", and an apostrophe inside a word ("Traffic's") stays."""
    return " ".join(_QUOTE_MARKS.sub("", name).split())


def _initials(name: str) -> str:
    """The capitals of a name: "WHO" for "World Health Organisation" ("of", "for" skipped)."""
    return "".join(w[0] for w in name.split() if w[:1].isupper())


def _surname(name: str) -> str:
    words = [
        w
        for w in re.findall(r"[\w’'-]+", name.lower())
        if w not in _HONORIFICS and w.rstrip(".") not in {"jr", "sr", "ii", "iii"}
    ]
    return words[-1] if words else ""


def _gender_near(doc: Doc, first: int, last: int | None = None) -> str | None:
    """Gender from an honorific just before a name, or from gendered nouns in a phrase."""
    if last is None:
        prev = doc[first - 1] if first > 0 else None
        if prev is not None and prev.lower_ in _HONORIFICS:
            return _HONORIFICS[prev.lower_]
        return None
    for t in doc[max(first - 1, 0) : last + 1]:
        lower = t.lower_
        if _HONORIFICS.get(lower):
            return _HONORIFICS[lower]
        if lower in _MALE_NOUNS:
            return "m"
        if lower in _FEMALE_NOUNS:
            return "f"
    return None


#: a first name gives a gender only when the census counts one sex at least this much more often
_NAME_GENDER_RATIO = 4.0
#: a one-word name is taken for a first name only when the census counts it this much more often
#: as a first name than as a surname ("Gloria", "Albert"; not "Thomas", "Taylor", "Jordan")
_FIRST_NOT_SURNAME_RATIO = 5.0


@functools.lru_cache(maxsize=1)
def _census() -> tuple[dict[str, str], dict[str, float], dict[str, float]]:
    """From the US Census 1990 name lists (public domain) as `data/first_names.tsv` keeps them
    (built by scripts/build_first_names.py): upper-case first name → "m" or "f" where one sex
    dominates, first-name frequencies (the larger of the two sexes', percent) and, for those
    names, surname frequencies (percent)."""
    text = resources.files("saywho").joinpath("data/first_names.tsv").read_text(encoding="utf-8")
    male, female, last = _first_name_counts(text)
    gender, first = {}, {}
    for name in male.keys() | female.keys():
        m, f = male.get(name, 0.0), female.get(name, 0.0)
        first[name] = max(m, f)
        if m >= _NAME_GENDER_RATIO * f:
            gender[name] = "m"
        elif f >= _NAME_GENDER_RATIO * m:
            gender[name] = "f"
    return gender, first, last


def _first_name_counts(text: str) -> tuple[dict[str, float], ...]:
    """``NAME<tab>male<tab>female<tab>surname`` lines → three {name: percent} maps (a name
    only where its percent is above 0)."""
    male: dict[str, float] = {}
    female: dict[str, float] = {}
    last: dict[str, float] = {}
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        name, *numbers = line.split("\t")
        for table, value in zip((male, female, last), map(float, numbers), strict=True):
            if value > 0:
                table[name] = value
    return male, female, last


def _first_name_gender(name: str) -> str | None:
    """The gender a person's first name suggests ("Gloria Thomas" → f, "Gloria" → f), None when
    the census lists do not know it, use it for both sexes, or a one-word name is as likely a
    surname ("Thomas")."""
    words = name.split()
    if not words:
        return None
    key = words[0].strip(".,").upper()
    gender, first, last = _census()
    if len(words) == 1 and first.get(key, 0.0) < _FIRST_NOT_SURNAME_RATIO * last.get(key, 0.0):
        return None
    return gender.get(key)


def _slug(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")
