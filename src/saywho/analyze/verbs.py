"""The verb rule: a reporting verb from the lexicon, its source and its content.

The source is the verb's subject: before it ("X said (that) …"), inverted ("“…,” said X"), shared
by a participle or a coordinated verb with the verb it hangs from ("defended the decision, saying
that …"), in a relative clause ("officials, who said …"), or the agent of a passive; a passive
without one ("it was reported that …") has no source.

The content is found by the first of these rules that applies to the cue's frames
(`VerbRule.content_of`; each names the `Rule` of its findings):

- ``verb-postposed``: the clause the cue follows or interrupts ("…, Kabulov added.", "The plan,
  he said, would …");
- ``verb-clause``: the cue's complement clause ("X said (that) …", "X told reporters on Friday
  that …", "asked whether …");
- ``verb-quote``: a quotation beside the source and cue that the parser left unattached ("“…” a
  narrator asks."), or, when no rule gives a content, the quotation that opens the next
  paragraph after a sentence ending in a colon ("Obama tweeted using his account:");
- ``verb-linear``: a clause the parser lost, after "that" or, for pure speech verbs, the rest of
  the sentence ("said earlier during a news conference that …");
- ``verb-infinitive``: an infinitive ("urged him to …");
- ``verb-object``: an object, for verbs that take one ("denied the report", "accused X of Y").
"""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING

from .cues import Cue
from .quotes import Quote
from .spans import (
    COMPLEMENT_PENALTY,
    NEGATION_PENALTY,
    NO_SOURCE_PENALTY,
    PERSONAL_PENALTY,
    PRONOUN_PENALTY,
    RULE_CONFIDENCE,
    Found,
    Rule,
    SentenceView,
    in_a_title,
    only_punct,
    overlaps,
)

if TYPE_CHECKING:
    from spacy.tokens import Token

_SUBJECT_DEPS = {"nsubj", "csubj"}
_AUX_DEPS = {"aux", "auxpass", "neg"}
# adverbs that PolNeAR puts into the cue ("also said", "has repeatedly said")
_CUE_ADVERBS = {
    "also", "further", "later", "previously", "repeatedly", "again", "never", "once", "recently",
    "earlier", "first", "often", "already", "publicly", "privately", "immediately", "since",
    "then", "still", "even", "just", "flatly", "categorically", "reportedly", "now", "long",
    "almost",
}  # fmt: skip
_PERSONAL = {"i", "we", "you", "me", "us"}


def _cue_adverb(tok: Token) -> bool:
    """An adverb PolNeAR puts into the cue: a listed one or a manner adverb ("cynically
    dismissed", "has sharply criticized")."""
    return tok.lower_ in _CUE_ADVERBS or (tok.lower_.endswith("ly") and tok.tag_ == "RB")


# verbs whose object, when the parser found no complement, is still the reported clause
# ("the candidate said families … file lawsuits"); for other verbs it is a plain object
_LINEAR_LEMMAS = {
    "say",
    "tell",
    "add",
    "write",
    "claim",
    "insist",
    "argue",
    "warn",
    "report",
    "note",
}
# prepositions that belong to an object content: "accused X of Y", "blamed X on Y",
# "dismissed X as Y"
_OBJECT_PREPS = {"of", "on", "for", "as", "over", "about", "against", "with"}
_OBJECT_COMPLEMENTS = {"oprd", "xcomp", "ccomp", "acomp", "attr"}
_MAX_SOURCE_TOKENS = 30
#: a content rule's finding: the rule, and the content (None: the rule applies, finds nothing)
_Content = tuple[Rule, tuple[int, int] | None]


class VerbRule(SentenceView):
    """Reporting verbs in one sentence."""

    #: the broad notion (PolNeAR's): a relative pronoun is its own source, as PolNeAR annotates
    #: it (else the noun it stands for: "the senator, who said" → "The senator"), and "I think
    #: that …" attributes a belief to the writer
    broad: bool = False

    def verb(self, tok: Token) -> Found | None:
        lemma = tok.lemma_.lower()
        if lemma not in self.lex.verbs:
            return None
        particle_tok = self._particle(tok)
        cue = self.lex.verb(lemma, particle_tok.lower_ if particle_tok is not None else None)
        if cue is None:
            return None
        if cue.particle is None:
            particle_tok = None
        if self._inside_quote(self.s(tok)):
            return None  # speech reported inside a quotation is the quoted speaker's own words
        if in_a_title(tok, self.sent, self.parsed.name):
            return None  # "He Said, She Said is a 1991 film": a title of a work
        source_tok, source_span, passive = self.source_of(tok)
        if source_tok is None and not passive:
            return None
        if source_tok is not None and self._discourse_marker(tok, source_tok):
            return None  # "That said, …", "This said, …": no one says anything
        personal = source_tok is not None and source_tok.lower_ in _PERSONAL
        if (
            personal
            and not cue.frames & {"clause", "object"}
            and not (self.broad and source_tok is not None and source_tok.lower_ == "i")
        ):
            return None  # "I think …", "you feel …" hedge, they do not attribute
        cue_span = self.cue_span(tok, particle_tok)
        rule, content = self.content_of(tok, cue, cue_span, source_span, particle_tok)
        if content is None and source_tok is not None and "clause" in cue.frames:
            rule, content = Rule.VERB_QUOTE, self._quote_below(tok)
        if rule is None or content is None:
            return None
        if passive and source_tok is None and rule != Rule.VERB_CLAUSE:
            return None  # "the plan was announced": no speaker and no speech
        content = self.snap(content, cue_span)
        if content is None:
            return None
        if (
            source_span
            and overlaps(content, source_span)
            and not content[0] < cue_span[0] < content[1]
        ):
            return None  # the content may hold source and cue only as a split quotation
        content = self._split_quote(content, cue_span, source_span)
        confidence = RULE_CONFIDENCE[rule]
        if source_tok is None:
            confidence -= NO_SOURCE_PENALTY
        elif personal:
            confidence -= PERSONAL_PENALTY  # op-eds and transcripts
        elif source_tok.pos_ == "PRON":
            confidence -= PRONOUN_PENALTY.get(rule, 0.1)
        if any(c.dep_ == "neg" for c in tok.children):
            confidence -= NEGATION_PENALTY
        if cue.frames == frozenset({"complement"}):
            confidence -= COMPLEMENT_PENALTY
        return self.found(
            rule, source_tok, source_span, cue_span, cue, content, confidence, passive
        )

    def _quote_below(self, tok: Token) -> tuple[int, int] | None:
        """'Obama tweeted using his account:' and the next paragraph a quotation: that
        quotation is the content (a sentence ending its paragraph with a colon announces it)."""
        _, pend = self.para_span
        if self.sent[-1].text != ":" or self.text[self.e(self.sent[-1]) : pend].strip():
            return None
        start = next((p[0] for p in self.parsed.paragraphs if p[0] >= pend), None)
        quote = next((q for q in self.parsed.quotes if q.start == start), None)
        return (quote.start, quote.end) if quote is not None else None

    def _stray_name_before(self, verb: Token) -> tuple[Token, tuple[int, int] | None, bool] | None:
        """'Speaking in the parents' defense, Tom Molomby, SC, said that …': the parser hung the
        name on the participle before it and left the verb without a subject. A proper name
        right before the verb (commas between), attached to a word before it, is the source."""
        k = verb.i - 1
        while k >= self.sent.start and verb.doc[k].is_punct:
            k -= 1
        if k < self.sent.start or k == verb.i - 1:
            return None  # nothing, or no comma: "…, and said" is no stray name
        head = verb.doc[k]
        while head.dep_ in {"appos", "compound", "flat"} and head.head.i < head.i:
            head = head.head
        if (
            head.pos_ != "PROPN"
            or head.dep_ not in {"npadvmod", "appos", "dobj", "pobj"}
            or head.head.i >= head.i
            or head.left_edge.i <= self.sent.start
            or verb.doc[head.left_edge.i - 1].text != ","
        ):
            return None
        return head, self.clean_span(head.left_edge.i, k), False

    def _antecedent(self, verb: Token, subject: Token) -> Token | None:
        """The noun a relative pronoun subject stands for: the head of the relative clause
        ("the senator, who said"), or, where the parser did not see the clause ("according to
        police, who said …" parsed as a coordinated verb), the noun right before ", who"."""
        if subject.tag_ not in {"WP", "WDT"} or subject.text.isupper():  # "WHO says": the body
            return None
        if verb.dep_ == "relcl":
            head = verb.head
        elif subject.lower_ == "who" and subject.i - 2 >= self.sent.start:
            comma, head = subject.nbor(-1), subject.nbor(-2)
            if comma.text != ",":
                return None
        else:
            return None
        if head.pos_ not in {"NOUN", "PROPN"} or head.i >= subject.i:
            return None
        return head

    def _discourse_marker(self, tok: Token, source: Token) -> bool:
        """'That said, …' and 'This said, …' open a sentence with a demonstrative, the cue and a
        comma: a connective ("having said that"), not an attribution."""
        nxt = tok.nbor(1) if tok.i + 1 < len(tok.doc) else None
        return (
            source.lower_ in {"that", "this"}
            and source.i == self.sent.start
            and tok.i == source.i + 1
            and nxt is not None
            and nxt.text == ","
        )

    def _particle(self, tok: Token) -> Token | None:
        """The particle of a phrasal verb right after it ("pointed out", "called for")."""
        for child in tok.children:
            if child.dep_ in {"prt", "prep"} and tok.i < child.i <= tok.i + 2:
                return child
        return None

    def cue_span(self, tok: Token, particle: Token | None) -> tuple[int, int]:
        """The verb group: auxiliaries, negation and a few adverbs just before the verb."""
        doc = tok.doc
        first = tok.i
        while first - 1 >= self.sent.start:
            prev = doc[first - 1]
            if prev.is_space and first - 2 >= self.sent.start and doc[first - 2].head.i == tok.i:
                first -= 1  # "was  reported": a run of spaces inside the verb group
                continue
            if prev.head.i != tok.i:
                break
            if prev.dep_ in _AUX_DEPS or (prev.dep_ == "advmod" and _cue_adverb(prev)):
                first -= 1
                continue
            break
        # a subject-less adverb run must end at an auxiliary, not start the group ("also" ok)
        while doc[first].is_space:
            first += 1
        last = particle.i if particle is not None else tok.i
        return self.tokspan(first, last)

    def source_of(
        self, tok: Token, depth: int = 0
    ) -> tuple[Token | None, tuple[int, int] | None, bool]:
        """(head token of the source, its span, passive-without-agent).

        A participle or a coordinated verb shares the subject of the verb it hangs from
        ("defended X, saying …", "said … and warned …"); only the cue's own clause can give
        an agent ("was reported by Reuters") or be passive ("it was reported")."""
        subjects = [c for c in tok.children if c.dep_ in _SUBJECT_DEPS and c.lower_ != "there"]
        if len(subjects) > 1 and not self._inside_quote(self.s(tok)):
            # '"… and all that," Day said': words of the quotation the parser also made a
            # subject of the verb outside it are not its source
            outside = [c for c in subjects if not self._inside_quote(self.s(c))]
            subjects = outside or subjects
        inverted = [s for s in subjects if s.left_edge.i == tok.i + 1]
        set_off = tok.i > self.sent.start and tok.nbor(-1).text == ","
        if len(subjects) > 1 and inverted and (tok.dep_ == "parataxis" or set_off):
            # "Institutional recipients, said Mauer, are required …": the name after the
            # interrupting verb speaks; the phrase before it belongs to the content
            return inverted[0], self.np_span(inverted[0], tok), False
        if (
            not subjects
            and tok.dep_ == "amod"
            and tok.head.i == tok.i + 1
            and tok.head.pos_ == "PROPN"
            and tok.i - 1 >= self.sent.start
            and tok.nbor(-1).text == ","
        ):
            # '“…”, added KCNA.': the parser read the verb as an adjective of the name
            return tok.head, self.np_span(tok.head, tok), False
        if not subjects and depth == 0 and tok.dep_ == "ROOT":
            stray = self._stray_name_before(tok)
            if stray is not None:
                return stray
        if len(subjects) > 1 and _adjacent(subjects):
            # one phrase the parser cut into several subjects ("said study co-author Karen
            # Alley": "co" and "Alley"): the whole phrase, named by its last subject
            spans = [x for x in (self.np_span(c, tok) for c in subjects) if x is not None]
            if spans:
                return subjects[-1], (spans[0][0], spans[-1][1]), False
        if subjects:
            child = _after_but(subjects[0])
            antecedent = None if self.broad else self._antecedent(tok, child)
            if antecedent is not None:
                # "the senator, who said …": the noun the clause modifies, not "who"
                span = self.clean_span(antecedent.left_edge.i, child.i - 1)
                if span is not None:
                    return antecedent, span, False
            return child, self.np_span(child, tok), False
        if depth == 0:
            for child in tok.children:
                if child.dep_ == "agent":
                    for obj in child.children:
                        if obj.dep_ == "pobj":
                            return obj, self.np_span(obj, tok), False
            if any(c.dep_ == "nsubjpass" for c in tok.children):
                return None, None, True
            if tok.dep_ == "acl" and tok.tag_ == "VBG" and tok.head.pos_ in {"NOUN", "PROPN"}:
                head = tok.head  # "a statement saying …"
                if head.left_edge.i < tok.left_edge.i:
                    return head, self.clean_span(head.left_edge.i, tok.left_edge.i - 1), False
        shares = tok.dep_ == "conj" or (
            tok.dep_ in {"advcl", "xcomp", "pcomp"} and (tok.tag_ == "VBG" or tok.dep_ == "xcomp")
        )
        if depth < 3 and shares and tok.head.i != tok.i:
            head = tok.head
            if (
                (tok.tag_ == "VBG" or head.lemma_ == "go")  # "…, adding", "went on to say"
                and tok.dep_ != "conj"
                and tok.i > head.i
                and head.dep_ == "ccomp"
                and head.head.i < head.i
                and head.head.lemma_.lower() in self.lex.verbs
            ):
                # 'Oramah said the currencies "cost Africa $5 billion", further saying …': the
                # participle after a reported clause goes on with the reporter's words; the
                # parser hangs it on the clause's verb, whose subject is no speaker
                head = head.head
            if (
                tok.dep_ == "conj"
                and not self._inside_quote(self.s(tok))
                and self._quoted(head, True)
            ):
                # 'The proclamation said "the outbreak constitutes …" and said …': the parser
                # hung the second verb on the quotation's; it shares the verb outside it
                while self._inside_quote(self.s(head)) and head.head.i != head.i:
                    head = head.head
                if self._inside_quote(self.s(head)):
                    return None, None, False
            return self.source_of(head, depth + 1)
        return None, None, False

    def _quoted(self, clause: Token, subject: bool = False) -> bool:
        """The clause `clause` heads is quoted from its first word ('said "the outbreak
        constitutes …"'), not a clause of the reporter's that quotes some of it ('that, back
        from Florida, Montalvo "walked in …"'); with `subject`, it is enough that its subject is
        quoted ('reported that, with the limit in place, "many stores are selling out"')."""
        subjects = [c for c in clause.children if c.dep_ in {"nsubj", "nsubjpass"}]
        if subject and subjects:
            return self._inside_quote(self.s(subjects[0]))
        words = [t for t in clause.subtree if not t.is_punct]
        return bool(words) and self._inside_quote(self.s(words[0]))

    def np_span(self, head: Token, verb: Token) -> tuple[int, int] | None:
        """The whole noun phrase of `head`, appositions included, never reaching the verb."""
        first, last = head.left_edge.i, head.right_edge.i
        if first <= verb.i <= last:  # a parse that put the verb inside its subject
            first = last = head.i
        if last - first + 1 > _MAX_SOURCE_TOKENS:
            first = min([head.i] + [c.left_edge.i for c in head.lefts])
            last = head.i
        doc = head.doc
        for k in range(first + 1, last):
            if (
                doc[k].text in {"-", "—", "–", "--"}
                and doc[k].whitespace_
                and doc[k - 1].whitespace_
            ):
                if head.i > k:  # "WASHINGTON (Reuters) - U.S. candidate Hillary Clinton"
                    first = k + 1
                elif head.i < k:  # "Republican figures — whose party …"
                    last = k - 1
                    break
        for child in head.rights:
            # "…, said Bolden to the gathered crowd": the hearer the parser hung on the speaker
            if head.i > verb.i and child.dep_ == "prep" and child.lower_ == "to":
                last = min(last, child.left_edge.i - 1)
        for child in head.rights:  # "John Archer, wearing a T-shirt": a participle set off
            if (
                child.dep_ == "acl"
                and child.tag_ in {"VBG", "VBN"}
                and doc[child.left_edge.i - 1].text == ","
            ):
                if child.right_edge.i >= last - 1:
                    last = child.left_edge.i - 1
        span = self.clean_span(first, last)
        # PolNeAR closes an apposition with its comma: "Simmons, an Obama supporter,"
        if span is not None:
            kept = [t for t in doc[first : last + 1] if self.e(t) <= span[1]]
            nxt = kept[-1].i + 1 if kept else len(doc)
            if (
                nxt < len(doc)
                and doc[nxt].text == ","
                and nxt < verb.i
                and any(t.text == "," for t in kept)
            ):
                span = (span[0], self.e(doc[nxt]))
        return span

    def content_of(
        self,
        tok: Token,
        cue: Cue,
        cue_span: tuple[int, int],
        source_span: tuple[int, int] | None,
        particle: Token | None,
    ) -> tuple[Rule | None, tuple[int, int] | None]:
        """The content of the cue `tok` and the rule that gave it: the first rule of the module
        docstring's list that applies to the cue's frames, even when it finds no content (the
        content is then None); ``(None, None)`` when none applies."""
        frames = cue.frames
        clauses = self._complements(tok, frames)
        return (
            self._postposed(tok, frames, clauses)
            or self._clause(tok, clauses)
            or self._quote_beside(frames, cue_span, source_span)
            or self._lost_clause(tok, frames, particle)
            or self._infinitive(tok, frames)
            or self._object(tok, frames, particle)
            or (None, None)
        )

    def _complements(self, tok: Token, frames: frozenset[str]) -> list[Token]:
        """The complement clauses of a cue that takes a clause or a complement (a ``ccomp``, or
        an "if"/"whether" clause: `_if_clause`). A verb with an object and no frame for one
        keeps only those after it: "The talks failed; he said nothing" reports no clause."""
        if not frames & {"clause", "complement"}:
            return []
        clauses = [c for c in tok.children if c.dep_ == "ccomp" or self._if_clause(c)]
        if (
            "object" not in frames
            and "addressee" not in frames
            and any(c.dep_ == "dobj" for c in tok.children)
        ):
            clauses = [c for c in clauses if c.i > tok.i]
        return clauses

    def _postposed(
        self, tok: Token, frames: frozenset[str], clauses: list[Token]
    ) -> _Content | None:
        """``verb-postposed``: the clause the cue follows or interrupts ('…, he said.', 'The
        plan, he said, would …': `_around`) with the cue's complements, less the cue's own
        clause; not when every complement follows the cue ("…, though Fiorina said she
        doubted …": the cue's own clause is the content)."""
        if clauses and all(c.i > tok.i for c in clauses):
            return None
        if "clause" not in frames and not ("complement" in frames and self._finding_after(tok)):
            return None
        around = self._around(tok)
        if around is None:
            return None
        first, last = around
        for c in clauses:
            first, last = min(first, c.left_edge.i), max(last, c.right_edge.i)
        return Rule.VERB_POSTPOSED, self._without_cue(tok, first, last)

    @staticmethod
    def _finding_after(tok: Token) -> bool:
        """A verb of finding or thinking after the clause it reports, its subject a noun ("…, a
        Gallup poll found.", "…, the study showed."): an attribution. With a pronoun ("…, I
        find.") it is a hedge, the use the ``complement`` frame keeps out; introduced by a
        conjunction ("…, as the court found") it is a clause of its own, not a report."""
        subject = next((c for c in tok.children if c.dep_ in ("nsubj", "nsubjpass")), None)
        return (
            subject is not None
            and subject.pos_ in ("NOUN", "PROPN")
            and tok.i > tok.head.i
            and not any(c.dep_ == "mark" for c in tok.children)
        )

    def _clause(self, tok: Token, clauses: list[Token]) -> _Content | None:
        """``verb-clause``: the cue's complement clauses ("X said (that) …", "asked whether …").
        With complements on both sides of the cue, where the one before is no split quotation,
        the parser took a clause before the cue for a complement: only those after count."""
        if not clauses:
            return None
        left = [c for c in clauses if c.i < tok.i]
        words = [t for t in left[0].subtree if not t.is_punct] if left else []
        if (
            left
            and len(left) < len(clauses)
            and not (words and self._inside_quote(self.s(words[0])))
        ):
            clauses = [c for c in clauses if c.i > tok.i]
        first = min(c.left_edge.i for c in clauses)
        last = max(c.right_edge.i for c in clauses)
        for c in clauses:
            cut = self._reporter_goes_on(c, first)
            last = last if cut is None else min(last, cut)
        return Rule.VERB_CLAUSE, self._without_cue(tok, first, last)

    def _reporter_goes_on(self, clause: Token, first: int) -> int | None:
        """The last token of a reported clause (starting at token `first`) before the reporter's
        next act that the parser hung on it (None: there is none):
        - 'said "the outbreak constitutes …" and said …': a verb outside the quotation joined to
          the quoted clause;
        - 'said the currencies "cost Africa $5 billion," further saying, "…"': a participle of
          speech after a comma, an attribution of its own (`source_of`)."""
        last: int | None = None
        if self._quoted(clause):
            joined = [k.i for k in clause.children if k.dep_ == "conj" and k.i > clause.i
                      and not self._inside_quote(self.s(k))]  # fmt: skip
            ties = [k.i for k in clause.children if k.dep_ == "cc" and joined and k.i < min(joined)
                    and not self._inside_quote(self.s(k))]  # fmt: skip
            if ties:
                last = max(ties) - 1
        for k in clause.children:
            if (
                k.dep_ == "advcl"
                and k.tag_ == "VBG"
                and k.i > clause.i
                and k.lemma_.lower() in self.lex.verbs
            ):
                j = k.left_edge.i - 1
                while j > first and k.doc[j].is_quote:
                    j -= 1
                if j > first and k.doc[j].text == ",":
                    last = k.left_edge.i - 1 if last is None else min(last, k.left_edge.i - 1)
        return last

    def _quote_beside(
        self,
        frames: frozenset[str],
        cue_span: tuple[int, int],
        source_span: tuple[int, int] | None,
    ) -> _Content | None:
        """``verb-quote``: a quotation right beside the source and cue that the parser did not
        attach ("“…” a narrator asks.": `_adjacent_quote`)."""
        if "clause" not in frames:
            return None
        quote = self._adjacent_quote(cue_span, source_span)
        return (Rule.VERB_QUOTE, (quote.start, quote.end)) if quote is not None else None

    def _lost_clause(
        self, tok: Token, frames: frozenset[str], particle: Token | None
    ) -> _Content | None:
        """``verb-linear``: a clause the parser did not attach to the cue (`_linear`)."""
        if "clause" not in frames:
            return None
        linear = self._linear(tok, particle, "addressee" in frames)
        return (Rule.VERB_LINEAR, linear) if linear is not None else None

    def _infinitive(self, tok: Token, frames: frozenset[str]) -> _Content | None:
        """``verb-infinitive``: the cue's to-infinitive ("urged him to …")."""
        if "infinitive" not in frames:
            return None
        for c in tok.children:
            if c.dep_ == "xcomp" and any(a.dep_ == "aux" and a.lower_ == "to" for a in c.children):
                return Rule.VERB_INFINITIVE, self.clean_span(c.left_edge.i, c.right_edge.i)
        return None

    def _object(
        self, tok: Token, frames: frozenset[str], particle: Token | None
    ) -> _Content | None:
        """``verb-object``: for a cue that takes an object, the object of its preposition
        ("called for …"), else (unless the object is the hearer: "told him") its direct object
        with what completes it (`_object_end`: "accused X of Y")."""
        if "object" not in frames:
            return None
        if particle is not None and particle.dep_ == "prep":
            objs = [c for c in particle.children if c.dep_ == "pobj"]
            if objs:
                return Rule.VERB_OBJECT, self.clean_span(objs[0].left_edge.i, objs[0].right_edge.i)
        if "addressee" in frames:
            return None
        obj = next((c for c in tok.children if c.dep_ == "dobj"), None)
        if obj is None:
            return None
        return Rule.VERB_OBJECT, self.clean_span(obj.left_edge.i, _object_end(tok, obj))

    def _linear(
        self, tok: Token, particle: Token | None, addressee: bool
    ) -> tuple[int, int] | None:
        """When the parser lost the complement ("said earlier during a news conference that …",
        "told The Washington Post he was …"): the rest of the sentence, if it is a clause."""
        doc = tok.doc
        end = self.sent.end
        j = (particle.i if particle is not None else tok.i) + 1
        for k in range(j, min(j + 12, end)):
            if doc[k].lower_ == "that" and doc[k].tag_ == "IN":
                return self._clause_from(k, end)
            if doc[k].is_punct and doc[k].text not in {","}:
                break
        # skip what hangs from the cue: adverbs, dates, "to reporters", the hearer
        if tok.lemma_.lower() not in _LINEAR_LEMMAS:
            return None  # "answered the question, …": only pure speech verbs take any clause
        skip = {"advmod", "npadvmod", "prep", "dative", "punct"} | (
            {"dobj"} if addressee else set()
        )
        moved = True
        while moved and j < end:
            moved = False
            for child in tok.children:
                if child.left_edge.i == j and child.dep_ in skip:
                    j = child.right_edge.i + 1
                    moved = True
        if j >= end or doc[j].is_punct or doc[j].pos_ in {"ADP", "VERB", "AUX", "CCONJ", "PART"}:
            return None
        return self._clause_from(j, end)

    def _clause_from(self, start: int, end: int) -> tuple[int, int] | None:
        doc = self.sent.doc
        finite = any(t.tag_ in {"VBD", "VBZ", "VBP", "MD"} for t in doc[start:end])
        if not finite or self._inside_quote(self.s(doc[start])):
            return None
        return self.clean_span(start, end - 1)

    def _if_clause(self, tok: Token) -> bool:
        """'asked if …', 'wondered whether …' are parsed as adverbial clauses at times."""
        return tok.dep_ == "advcl" and any(
            c.dep_ == "mark" and c.lower_ in {"if", "whether"} for c in tok.children
        )

    def _around(self, tok: Token) -> tuple[int, int] | None:
        """The clause a cue follows or interrupts: '…, he said.', 'The plan, he said, would …'.

        Returns the token range of the clause the cue hangs from (the cue inside it)."""
        head = tok.head
        if head.i == tok.i or tok.dep_ not in {"parataxis", "ccomp", "advcl", "conj"}:
            return None
        if tok.dep_ != "parataxis":
            if tok.i < head.i:
                return None
            # the cue must be set off from the clause by a comma, dash or closing quote
            before = tok.doc[tok.left_edge.i - 1] if tok.left_edge.i > self.sent.start else None
            if before is None or not (before.is_punct and before.text not in {"(", "["}):
                return None
            if tok.dep_ == "ccomp" and head.lemma_.lower() in self.lex.verbs:
                return None  # "He said, she claimed …" is the other way round
        if not any(c.dep_ in _SUBJECT_DEPS for c in tok.children):
            return None
        cue = self.lex.verb(tok.lemma_.lower())
        if (
            cue is not None
            and "addressee" not in cue.frames
            and any(c.dep_ == "dobj" for c in tok.children)
        ):
            return None  # "…; he said nothing"
        first = max(head.left_edge.i, self.sent.start)
        last = min(head.right_edge.i, self.sent.end - 1)
        return first, last

    def _without_cue(self, tok: Token, first: int, last: int) -> tuple[int, int] | None:
        """The token range less the cue's own clause where that sits at one of its edges."""
        cue_first, cue_last = tok.left_edge.i, tok.right_edge.i
        subjects = [c for c in tok.children if c.dep_ in _SUBJECT_DEPS]
        if tok.dep_ == "parataxis" and any(s.left_edge.i == tok.i + 1 for s in subjects):
            cue_first = tok.i  # "Institutional recipients, said Mauer, are …": a stray subject
        for c in tok.children:  # the cue's complements stay in the content
            if c.dep_ == "ccomp" or self._if_clause(c):
                if c.i < tok.i:
                    cue_first = max(cue_first, c.right_edge.i + 1)
                else:
                    cue_last = min(cue_last, c.left_edge.i - 1)
        doc = tok.doc
        words_after = any(not t.is_punct for t in doc[cue_last + 1 : last + 1])
        words_before = any(not t.is_punct for t in doc[first:cue_first])
        if cue_first <= first and words_after:
            first = cue_last + 1
        elif cue_last >= last and words_before:
            last = cue_first - 1
        elif not words_before and not words_after:
            return None
        return self.clean_span(first, last)

    def _split_quote(
        self,
        content: tuple[int, int],
        cue_span: tuple[int, int],
        source_span: tuple[int, int] | None,
    ) -> tuple[int, int]:
        """'“…,” he said, “…”': a quotation on each side of the cue is one content."""
        quotes = self.parsed.quotes
        lo = min(cue_span[0], source_span[0]) if source_span else cue_span[0]
        hi = max(cue_span[1], source_span[1]) if source_span else cue_span[1]
        sent_start, sent_end = self.s(self.sent[0]), self.e(self.sent[-1])
        if content[1] <= lo and any(q.end == content[1] for q in quotes):
            for q in quotes:
                if q.start >= hi and q.start < sent_end and only_punct(self.text[hi : q.start]):
                    return content[0], q.end
        elif content[0] >= hi and any(q.start == content[0] for q in quotes):
            for q in quotes:
                if q.end <= lo and q.end > sent_start and only_punct(self.text[q.end : lo]):
                    if q.start >= sent_start:
                        return q.start, content[1]
        return content

    def _adjacent_quote(
        self, cue_span: tuple[int, int], source_span: tuple[int, int] | None
    ) -> Quote | None:
        """A quotation of a few words right before the source and cue ('“…,” he said') or right
        after them ('he said: “…”'), in the same paragraph, with only punctuation between."""
        lo = min(cue_span[0], source_span[0]) if source_span else cue_span[0]
        hi = max(cue_span[1], source_span[1]) if source_span else cue_span[1]
        pstart, pend = self.para_span
        best: Quote | None = None
        for q in self.parsed.quotes:
            if pstart < q.end <= lo and only_punct(self.text[q.end : lo]):
                best = q
            elif q.start >= hi:
                if best is None and q.start < pend and only_punct(self.text[hi : q.start]):
                    best = q
                break
        if best is None or best.start <= cue_span[0] < best.end:
            return None
        words = self.text[best.inner_start : best.inner_end]
        if len(words.split()) < 3 and words.rstrip()[-1:] not in {",", ".", "!", "?"}:
            return None  # a scare-quoted word is not what the cue reports ("“Yes,” he said" is)
        return best


def _object_end(verb: Token, obj: Token) -> int:
    """The last token of the content `obj` starts, the direct object of `verb`: a preposition
    or a complement of the verb right after it joins it ("accused X of Y", "called X
    “abhorrent”")."""
    last = obj.right_edge.i
    for p in verb.children:
        if p.i != last + 1:
            continue
        if (p.dep_ == "prep" and p.lower_ in _OBJECT_PREPS) or p.dep_ in _OBJECT_COMPLEMENTS:
            last = p.right_edge.i
    return last


def _after_but(subject: Token) -> Token:
    """The subject after ", but" when the parser coordinated a whole clause with it: in "the
    company invested …, but Gazeta Prawna reports …" the reporter is Gazeta Prawna, not the
    company ("but" never joins two subjects of one verb)."""
    if any(c.dep_ == "cc" and c.lower_ == "but" for c in subject.children):
        for c in subject.rights:
            if c.dep_ == "conj" and c.pos_ in {"PROPN", "NOUN", "PRON"}:
                return c
    return subject


def _adjacent(subjects: list[Token]) -> bool:
    """Whether each subject's phrase starts right where the one before it ends (a verb has one
    subject, so these are pieces of one phrase the tokenizer or parser split: "co", "-",
    "author")."""
    pairs = itertools.pairwise(subjects)
    return all(b.left_edge.i == a.right_edge.i + 1 for a, b in pairs)
