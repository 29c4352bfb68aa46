"""Cues that are not verbs: "according to X" and a cue noun with a that-clause ("Trump's claim
that …"). The source of "according to" is its object; a cue noun's is its possessor or its
"by"/"from" phrase.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .spans import RULE_CONFIDENCE, Found, Rule, SentenceView, overlaps

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token


# what may stand before a sentence-initial "according to": "But, according to …"
_LEADERS = {"CCONJ", "ADV", "INTJ", "SCONJ"}


class PhraseRule(SentenceView):
    """ "according to" and cue nouns in one sentence."""

    def adverb(self, tok: Token) -> Found | None:
        """ "The plane reportedly belonged to the air force": the clause the adverb modifies,
        around it, is the content; nobody is named."""
        cue = self.lex.adverbs.get(tok.lower_)
        if cue is None or tok.dep_ != "advmod" or self._inside_quote(self.s(tok)):
            return None
        head = tok.head
        if head.pos_ not in {"VERB", "AUX"}:
            return None
        first = max(head.left_edge.i, self.sent.start)
        last = min(head.right_edge.i, self.sent.end - 1)
        while last > first and tok.doc[last].is_punct:
            last -= 1
        if first == tok.i:  # "Reportedly, two people were killed": the rest is the content
            first += 1
        cue_span = (self.s(tok), self.e(tok))
        content = self.clean_span(first, last)
        if content is None:
            return None
        return self.found(
            Rule.ADVERB, None, None, cue_span, cue, content, RULE_CONFIDENCE[Rule.ADVERB], False
        )

    def according_to(self, tok: Token) -> Found | None:
        doc = tok.doc
        if tok.i + 1 >= len(doc) or doc[tok.i + 1].lower_ != "to":
            return None
        to = doc[tok.i + 1]
        cue = self.lex.preps.get("according to")
        if cue is None or self._inside_quote(self.s(tok)):
            return None
        objs = [c for c in to.children if c.dep_ == "pobj"] or [
            c for c in tok.children if c.dep_ == "pobj"
        ]
        # "According to Rathbun the property was returned …" (no comma): the parser made the
        # name a clause's head; the name alone is the source, what follows it the content
        names = [c for c in to.children if c.dep_ == "pcomp" and c.text[:1].isupper()]
        if not objs and not names:
            return None
        obj = objs[0] if objs else names[0]
        name_first = min([obj.i] + [c.i for c in obj.lefts if c.dep_ == "compound"])
        first_of = obj.left_edge.i if objs else name_first
        last_of = obj.right_edge.i if objs else obj.i
        run = _name_run(doc, last_of, self.sent.end) if objs else last_of
        if run > last_of:
            last_of, obj = run, doc[run]  # a name's last word heads it
        source = self.clean_span(first_of, last_of)
        phrase_first = tok.i
        phrase_last = max(last_of, to.i)
        sent_first, sent_last = self.sent.start, self.sent.end - 1
        while sent_last > sent_first and doc[sent_last].is_punct:
            sent_last -= 1
        lead = doc[sent_first:phrase_first]
        if phrase_last < sent_last and all(t.is_punct or t.pos_ in _LEADERS for t in lead):
            first, last = phrase_last + 1, sent_last  # "(But,) according to X, …"
        elif phrase_last >= sent_last and phrase_first > sent_first + 1:
            first, last = sent_first, phrase_first - 1  # "…, according to X."
        else:
            first, last = self._clause_around(tok, phrase_first)
        if last < first:
            return None
        cue_span = (self.s(tok), self.e(to))
        content = self.snap(self.clean_span(first, last), cue_span)
        if content is None or source is None:
            return None
        if overlaps(content, source) and not content[0] < cue_span[0] < content[1]:
            return None  # around the phrase ("X, according to Y, is Z") the content holds it
        return self.found(
            Rule.ACCORDING_TO, obj, source, cue_span, cue, content,
            RULE_CONFIDENCE[Rule.ACCORDING_TO], False,
        )  # fmt: skip

    def _clause_around(self, tok: Token, phrase_first: int) -> tuple[int, int]:
        """The clause an 'according to' phrase inside a sentence modifies: what precedes the
        phrase when it follows the clause's verb, else the whole clause around it."""
        head = tok.head
        while head.pos_ not in {"VERB", "AUX"} and head.dep_ != "ROOT" and head.head.i != head.i:
            head = head.head
        first = max(head.left_edge.i, self.sent.start)
        last = min(head.right_edge.i, self.sent.end - 1)
        if tok.i > head.i and phrase_first - 1 >= first:
            last = phrase_first - 1  # "…, according to a poll last week - virtually …"
        return first, last

    # --- nouns: "Trump's claim that …"
    def noun(self, tok: Token) -> Found | None:
        cue = self.lex.nouns.get(tok.lemma_.lower())
        if cue is None or self._inside_quote(self.s(tok)):
            return None
        clause = None
        for c in tok.children:
            if c.dep_ in {"acl", "ccomp", "relcl"} and any(
                m.dep_ == "mark" and m.lower_ == "that" for m in c.children
            ):
                clause = c
                break
        if clause is None:
            return None
        source_tok = None
        source = None
        for c in tok.children:
            if c.dep_ == "poss":
                source_tok, source = c, self.clean_span(c.left_edge.i, c.right_edge.i)
            elif c.dep_ == "prep" and c.lower_ in {"by", "from"} and c.i < clause.i:
                for obj in c.children:
                    if obj.dep_ == "pobj":
                        source_tok, source = obj, self.clean_span(obj.left_edge.i, obj.right_edge.i)
        if source_tok is None or source is None:
            return None
        cue_span = (self.s(tok), self.e(tok))
        content = self.snap(self.clean_span(clause.left_edge.i, clause.right_edge.i), cue_span)
        if content is None:
            return None
        return self.found(
            Rule.NOUN_CLAUSE, source_tok, source, cue_span, cue, content,
            RULE_CONFIDENCE[Rule.NOUN_CLAUSE], False,
        )  # fmt: skip


def _name_run(doc: Doc, last: int, end: int) -> int:
    """The last token of an "according to" object that ends at `last`, taken on over the
    proper nouns that follow it up to a comma or the sentence's end: a name is not cut in two
    where the parser made its first word the object ("According to Connecticut Senator Richard
    Blumenthal, …": object "Connecticut"). Without the comma the words may start the content
    ("According to Reuters Ukraine has …"), so they are left."""
    run = last
    while run + 1 < end and doc[run + 1].pos_ == "PROPN" and doc[run + 1].text[:1].isupper():
        run += 1
    rest = doc[run + 1 : end]
    ends = not rest or rest[0].text == "," or all(t.is_punct for t in rest)
    return run if ends else last
