"""Descriptions to entities: "the Florida senator", "the Utah Republican", "the former secretary of state" is
the person named earlier with that role, state or party ("Sen. Marco Rubio, R-Fla."); "the ministry" is the
organization whose name carries the word. Among matches, one that also carries the description's modifiers
wins, then one that agrees on "former", then the most recently mentioned. Also who "I" is: the byline's
single author in a first-person piece."""

from __future__ import annotations

import bisect
import re
from collections.abc import Collection, Iterable, Sequence

from spacy.tokens import Doc, Token

from worker.pipeline.extract.model import Entity, Mention
from worker.pipeline.extract.quotes.cues import Cue
from worker.pipeline.extract.quotes.rules import (
    BODY_NOUNS,
    DEMONYMS,
    DOCUMENT_NOUNS,
    FIRST_PERSON_MIN,
    GENERIC_ROLES,
    ORG_WORDS,
    PARTY_LETTERS,
    PARTY_WORDS,
    STATE_ABBREVIATIONS,
    TITLE_EXPANSIONS,
)
from worker.pipeline.extract.quotes.subjects import subject_after

# ", R-Fla.," / " (D-N.Y.)" / " (Fla.)" / ", R-Iowa." (ending the sentence) right after a name
NOUN_REACH = 4  # paragraphs
# a state's distinctive words ("york", "carolina"), not "new" or "north"
_STATES = frozenset(w for name in STATE_ABBREVIATIONS.values() for w in name.split()) - {
    "new",
    "north",
    "south",
    "west",
}
# offices "the senator" may name the person a passage is about, when no mention stated one
OFFICES = frozenset({"senator", "governor", "congressman", "congresswoman", "representative", "mayor"})
# a role stated of a person that "the senator" cannot also be
OTHER_ROLES = OFFICES | frozenset(
    "president secretary speaker chairman spokesman spokeswoman judge justice host anchor correspondent reporter"
    " columnist analyst commentator editor".split()
)
_TAG = re.compile(r"\s*([,(])\s*(?:([RDI])\s*[-–.,]\s*)?([A-Z][A-Za-z]*\.?(?:\s?[A-Z][a-z]?\.)*)(?:\s*[),]|(?=\s|$))")


def lawmaker_tag(text: str, end: int) -> set[str]:
    """The party and state words of a tag right after a name: ", R-Fla.," -> {"republican", "florida"}."""
    m = _TAG.match(text, end, end + 24)
    if m is None:
        return set()
    opener, party, state = m.groups()
    key = state.replace(".", "").replace(" ", "").casefold()
    if key not in STATE_ABBREVIATIONS or (party is None and opener != "("):
        return set()
    words = set(STATE_ABBREVIATIONS[key].split())
    if party:
        words |= set(PARTY_LETTERS[party.casefold()].split())
    return words


def nouns_stated(doc: Doc, starts: list[int], mention: Mention) -> set[str]:
    """The common nouns a mention says its person is, which "the actress", "the director" take up later:
    before the name ("Oscar-winning actress Susan Sarandon", "band member Flea") or in apposition
    ("Dan Fishman, the campaign's New England director"; "the treasurer, Dan Backer"); one person's
    nouns only, not a body's ("campaign") or a document's."""
    if mention.in_title:
        return set()
    lo, hi = bisect.bisect_left(starts, mention.start), bisect.bisect_left(starts, mention.end)
    if hi <= lo or hi > len(doc):
        return set()
    words = set()
    k = lo - 1
    while k >= 0 and doc[k].tag_ == "NN" and doc[k].is_lower:
        words.add(doc[k].lower_)
        k -= 1
    head = doc[hi - 1]
    for child in head.children:
        if child.dep_ == "appos" and child.tag_ == "NN" and child.i >= hi and not subject_after(child):
            words.add(child.lower_)
    if head.dep_ == "appos" and head.head.tag_ == "NN" and head.head.i < lo:
        words.add(head.head.lower_)
    return {w for w in words if w not in ORG_WORDS and w not in DOCUMENT_NOUNS}


def described(head: Token) -> bool:
    """ "the Utah Republican", "the Texan": a party or a state's people with "the" describes a person named before."""
    low = head.lower_
    return (low in PARTY_WORDS or low in DEMONYMS) and any(c.lower_ == "the" for c in head.lefts)


def role_words(attributes: dict[str, str]) -> set[str]:
    words = set(" ".join(attributes.values()).casefold().replace(",", " ").split())
    words |= {w.strip(".") for w in words}
    for w in list(words):
        words.update(TITLE_EXPANSIONS.get(w, "").split())
        if w in DEMONYMS:
            words.add(DEMONYMS[w])
    return words


class Describer:
    """What each person is called up to a point of the text, and descriptions matched against it."""

    def __init__(self, doc: Doc, text: str, starts: list[int], entities: list[Entity]) -> None:
        """``text`` and ``starts`` (each token's offset) are the Doc's, read once by the caller."""
        self.entities = entities
        # per person: (mention start, the words stated at or after that mention)
        self.said: dict[int, list[tuple[int, set[str]]]] = {}
        # per person: (mention start, the common nouns stated with that mention), taken up only nearby; read
        # from the parse on first use (few articles have a description to resolve)
        self.nouns: dict[int, list[tuple[int, set[str]]]] = {}
        self.doc, self.text, self.starts = doc, text, starts
        for n, ent in enumerate(entities):
            if ent.type == "person":
                self.said[n] = [(m.start, role_words(m.attributes) | lawmaker_tag(text, m.end)) for m in ent.mentions]

    def resolve(
        self, head: Token, mods: set[str], topic: int | None = None, bodies: Collection[tuple[int, int]] = ()
    ) -> int | None:
        """``bodies``: the organizations that spoke in earlier attributions, which "the company" may take up."""
        word = DEMONYMS.get(head.lower_, head.lower_)
        partisan = word in PARTY_WORDS or head.lower_ in DEMONYMS  # people, never a party or a state body
        loose = partisan or word in GENERIC_ROLES
        best: tuple[bool, bool, int, int] | None = None
        for n, ent in enumerate(self.entities):
            if ent.type == "organization":
                if partisan or word not in ent.name.casefold().split():
                    continue
                last = max((m.start for m in ent.mentions if m.start < head.idx), default=None)
                words = set(ent.name.casefold().split())
            elif ent.type == "person":
                seen = [(start, w) for start, w in self.said[n] if start < head.idx]
                words = set().union(*(w for _, w in seen)) if seen else set()
                words |= self._nouns_nearby(n, head.idx)
                if not seen or not (word in words or (loose and mods & words)):
                    continue
                affiliated = any(m.attributes.get("affiliation") for m in ent.mentions if m.start < head.idx)
                if mods and affiliated and not mods & words:
                    continue  # "the U.S. president" is not the Chinese one
                if _STATES & mods and _STATES & words and not _STATES & mods & words:
                    continue  # "the Florida senator" is not "Sen. Joni Ernst, R-Iowa"
                last = seen[-1][0]
            else:
                continue
            if last is None:
                continue
            key = (bool(mods & words), ("former" in mods) == ("former" in words), last, n)
            if best is None or key > best:
                best = key
        if topic is not None and best is not None and not best[0] and best[3] != topic:
            # someone stated to be a senator long ago is not "the senator" of a passage about another person
            # (or the match disagrees on "former": "the former president" is not the sitting one)
            last_topic = self._fits(topic, head, mods)
            if last_topic is not None and (last_topic > best[2] or not best[1]):
                return topic
        if best is None and word in BODY_NOUNS and any(c.lower_ in ("the", "this") for c in head.lefts):
            return self._last_body(head.idx, bodies)
        return best[3] if best else None

    def _last_body(self, at: int, bodies: Collection[tuple[int, int]]) -> int | None:
        """ "France Telecom said ... The company said": with no name carrying the word, the organization that spoke
        last, within the paragraph and the two before; not one only named ("the group told Fox 35")."""
        floor = at
        for _ in range(3):
            floor = max(0, self.text.rfind("\n\n", 0, floor))
        spoke = [(pos, n) for pos, n in bodies if floor <= pos < at]
        return max(spoke)[1] if spoke else None

    def _fits(self, n: int, head: Token, mods: set[str]) -> int | None:
        """Where person ``n`` (whom the passage is about) was last mentioned, if "the senator", "the Wisconsin
        Republican" may be them though no mention said so: no mention states another office, party or state."""
        low = head.lower_
        # "the former president": one who held the office, which the sitting president matched did not
        office = low in OFFICES or (low == "president" and "former" in mods)
        seen = [(start, w) for start, w in self.said.get(n, []) if start < head.idx]
        if not seen or not (office or low in PARTY_WORDS or low in DEMONYMS):
            return None
        words = set().union(*(w for _, w in seen)) | self._nouns_nearby(n, head.idx)
        if office and OTHER_ROLES & words and low not in words:
            return None
        if (low == "republican" and words & {"democrat", "democratic"}) or (
            low in ("democrat", "democratic") and "republican" in words
        ):
            return None
        states = (mods | set(DEMONYMS.get(low, "").split())) & _STATES
        if states and words & _STATES and not states & words:
            return None
        return seen[-1][0]

    def _nouns_nearby(self, n: int, at: int) -> set[str]:
        """Nouns stated of person ``n`` at any mention, when the person was last mentioned within NOUN_REACH
        paragraphs of ``at``: "actress Susan Sarandon ... Sarandon, 69, told MSNBC ... The actress said"; a
        list of profiles has many an actress further back."""
        if n not in self.nouns:
            self.nouns[n] = [(m.start, nouns_stated(self.doc, self.starts, m)) for m in self.entities[n].mentions]
        before = [(start, nouns) for start, nouns in self.nouns[n] if start < at]
        if not before or len([p for p in self.text[before[-1][0] : at].split("\n") if p.strip()]) > NOUN_REACH + 1:
            return set()
        return set().union(*(nouns for _, nouns in before))


def bodies_spoken(phrase: Iterable[Token], earlier: Sequence[Cue], entities: Sequence[Entity]) -> list[tuple[int, int]]:
    """Where an organization spoke, and which, in the attributions before a description ``phrase`` that names none
    itself ("the company", not "the Times newspaper" or "campaign group America's Renewable Future")."""
    if any(t.pos_ == "PROPN" for t in phrase):
        return []
    return [
        (c.token.idx, c.speaker_entity)
        for c in earlier
        if c.speaker_entity is not None and entities[c.speaker_entity].type == "organization"
    ]


def first_person_author(doc: Doc, in_quote: list[bool], authors: Sequence[str]) -> str | None:
    """The byline's single author when the article is written in the first person ("I" at least
    FIRST_PERSON_MIN times outside quotation marks), else None: "I" outside a quote is then the writer."""
    if len(authors) != 1:
        return None
    mine = sum(1 for t in doc if t.text == "I" and not in_quote[t.i])
    return authors[0] if mine >= FIRST_PERSON_MIN else None
