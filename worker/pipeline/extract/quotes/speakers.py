"""Step 3, speakers: every cue's subject resolved, in text order, to an entity of the article.

A name inside the subject; an appositive name; a pronoun through pronouns.py ("he"/"she" to the previous
compatible speaker or a person introduced since, "they" to a group, "I" to a first-person piece's author);
a description ("the White House press secretary", "the ministry") through describe.py; a document ("the
statement said") to its issuer. A description nothing resolves stays as its own text; an unresolved pronoun
gives no speaker."""

from __future__ import annotations

import bisect
from collections.abc import Callable, Sequence

from spacy.tokens import Doc, Token

from worker.pipeline.extract.model import Entity
from worker.pipeline.extract.names import TITLE_HEADS, first_name_gender, honorific_gender
from worker.pipeline.extract.quotes.antecedents import (
    closing_name,
    main_subject,
    name_after_split_title,
    name_before_dash,
    noun_gender,
    one_of,
    own_words,
    person_like,
    who_clause,
)
from worker.pipeline.extract.quotes.cues import Cue, can_speak, indefinite, speaker_span
from worker.pipeline.extract.quotes.describe import Describer, bodies_spoken, described, first_person_author
from worker.pipeline.extract.quotes.nearby import name_right_before
from worker.pipeline.extract.quotes.pronouns import resolve_pronoun
from worker.pipeline.extract.quotes.rules import (
    ANSWERING_PREPS,
    BODY_NOUNS,
    DOCUMENT_NOUNS,
    GROUP_QUANTIFIERS,
    HANDLED_BY,
    ORG_WORDS,
    PERSON_NOUNS,
    PRONOUNS,
    READERS,
    UNNAMED,
    UNSPEAKING_TYPES,
)
from worker.pipeline.extract.quotes.subjects import nominal, person_noun, subject_of

# the parts of speech a group quantifier subject takes: "Some chanted", "most said", "One of his aides said"
QUANTIFIER_POS = frozenset({"PRON", "DET", "ADJ", "ADV", "NOUN", "NUM"})


class Resolver:
    """Speakers to entities, in text order."""

    def __init__(self, doc: Doc, entities: list[Entity], in_quote: list[bool], authors: Sequence[str] = ()) -> None:
        self.doc = doc
        self.text = doc.text  # Doc.text joins every token on each access: read it once
        self.entities = entities
        self.in_quote = in_quote
        self.starts = [t.idx for t in doc]
        self.ent_of = [-1] * len(doc)
        self.person_at: list[tuple[int, int]] = []  # (token index, entity) of person mentions outside quotes
        self.gender: dict[int, str] = {}
        for n, ent in enumerate(entities):
            g = first_name_gender(ent.name) if ent.type == "person" else None
            spans = [self.tokens(m.start, m.end) for m in ent.mentions]
            for lo, hi in spans:
                for i in range(lo, hi):
                    self.ent_of[i] = n
            # a name the small model typed a place or product that a "who" clause describes ("Rihanna, who was
            # honored ..."): a person for the pronoun step
            described = ent.type in ("place", "product") and any(who_clause(doc, hi) for _, hi in spans)
            person = ent.type == "person" or described
            antecedent = described or (person and person_like(doc, spans, len(ent.name.split())))
            for m, (lo, _) in zip(ent.mentions, spans, strict=True):
                if person:
                    if antecedent and lo < len(doc) and not in_quote[lo] and not self._modifier(m.end):
                        self.person_at.append((lo, n))
                    g = g or honorific_gender(m.attributes.get("honorific", ""))
            if g:
                self.gender[n] = g
        self.person_at.sort()
        self.history: list[Cue] = []
        self.describer = Describer(doc, self.text, self.starts, entities)
        self.author = first_person_author(doc, in_quote, authors)

    def _modifier(self, end: int) -> bool:
        """A name that only modifies a noun ("the Obama administration's record") is no antecedent."""
        last = self.doc[max(0, self.tokens(end, end)[0] - 1)]
        return last.dep_ == "compound" and last.head.pos_ == "NOUN"

    def tokens(self, start: int, end: int) -> tuple[int, int]:
        return bisect.bisect_left(self.starts, start), bisect.bisect_left(self.starts, end)

    def resolve(self, cue: Cue, record: bool = True) -> None:
        subj = cue.subject
        if subj is None:
            return
        subj = (
            closing_name(self.doc, self.ent_of, self.entities, subj, cue.token)
            or name_after_split_title(self.doc, self.ent_of, self.entities, subj, cue.token)
            or subj
        )
        low = subj.lower_
        if low in PRONOUNS and not one_of(subj):
            cue.speaker_start, cue.speaker_end = subj.idx, subj.idx + len(subj)
            resolve_pronoun(self, cue, low)
        else:
            lo, hi = own_words(subj, *speaker_span(subj))
            hi = cue.token.i if lo < cue.token.i < hi else hi  # never the cue itself ("a voice-over in the ad states")
            dash = name_before_dash(self.doc, self.ent_of, self.entities, subj, lo, cue.token.i)
            hi = dash if dash is not None else hi
            if self.doc[lo].lower_ in ("the", "a", "an") and lo < hi - 1:
                cue.speaker_start = self.doc[lo + 1].idx
            else:
                cue.speaker_start = self.doc[lo].idx
            cue.speaker_end = self.doc[hi - 1].idx + len(self.doc[hi - 1])
            n = self._description(cue, subj, lo, hi) if described(subj) else self._entity_in(subj, lo, hi)
            n = self.ent_of[dash - 1] if dash is not None else n
            if n is None and (subj.tag_ == "MD" or subj.pos_ in ("ADV", "ADJ")) and subj.is_title:
                # "Will wrote", "..., Early described": the person of that surname
                n = next(
                    (k for k, e in enumerate(self.entities) if e.type == "person" and e.name.split()[-1] == subj.text),
                    None,
                )
            if n is None and subj.pos_ == "NOUN" and subj.lower_ in READERS:
                issued = self.issued_by(subj, cue.token, own=True)
                # "the statement said": the speaker is who issued it
                if issued is not None and self.speak_for(cue, issued):
                    if record:
                        self.history.append(cue)
                    return
            if n is None and not indefinite(subj):  # "a reporter", "one Sanders supporter": someone new
                n = self._description(cue, subj, lo, hi)
                if n is None and person_noun(subj) and self.history:
                    # "a reporter asked Trump ... “...,” the businessman replied": the person asked
                    n = self.asked(self.history[-1], cue, noun_gender(subj))
            if n is not None:
                self.set(cue, n)
            elif (subj.lower_ in GROUP_QUANTIFIERS or one_of(subj)) and subj.pos_ in QUANTIFIER_POS:
                cue.speaker = self.text[cue.speaker_start : cue.speaker_end].strip()  # "Some chanted", "most said"
            elif subj.pos_ == "NUM" and any(c.dep_ == "quantmod" and c.lower_ in ("in", "of") for c in subj.children):
                # a share of those polled: "About four in 10 said"
                cue.speaker_start = subj.left_edge.idx
                cue.speaker = self.text[cue.speaker_start : cue.speaker_end].strip()
            elif subj.lower_ in UNNAMED and (subj.head == cue.token or cue.token.lower_ == "according"):
                # the cue's own subject, not one it inherits through a broken parse ("someone shouted, “X,” Beck
                # joked": "joked" hung on "shouted")
                cue.speaker = self.text[cue.speaker_start : cue.speaker_end].strip()  # no antecedent of "he"
            elif subj.pos_ == "PROPN" or (nominal(subj) and can_speak(subj)):
                cue.speaker = self.text[cue.speaker_start : cue.speaker_end]
                # a name the entity pass dropped ("D’Souza replied"): a person unless it reads as a place or body
                cue.is_person = (
                    _name_like(subj)
                    and subj.ent_type_ not in ("GPE", "LOC", "FAC", "NORP")
                    and not ORG_WORDS & set(cue.speaker.casefold().split())
                ) or (person_noun(subj) and indefinite(subj))
                cue.gender = noun_gender(subj) if subj.pos_ == "NOUN" else None  # "a young man asked": not "she"
        if record:
            self.history.append(cue)

    def outer(self, cue: Cue, want: str) -> Cue | None:
        """The compatible attribution that reports ``cue`` ("He said ... and noted that Sanders has acknowledged
        ...": the next "he said" is the reporter's, not Sanders'); of known gender: "A campaign aide clarified
        that Clinton misspoke ... she" is Clinton."""
        return self.reporting(cue, lambda c: c.speaker is not None and c.is_person and c.gender == want)

    def reporting(self, cue: Cue, fits: Callable[[Cue], bool]) -> Cue | None:
        """The nearest attribution up to six heads above ``cue`` (whose reported clause holds it) that ``fits``."""
        by_token = {c.token.i: c for c in self.history}
        node = cue.token
        for _ in range(6):
            if node.head is node:
                return None
            node = node.head
            outer = by_token.get(node.i)
            if outer is not None and fits(outer):
                return outer
        return None

    def earlier(self, cue: Cue) -> list[Cue]:
        """The attributions before ``cue``: a quote's weak cue is resolved after all the cues of the text."""
        return [prev for prev in self.history if prev.token.i < cue.token.i]

    def issued_by(self, noun: Token, cue: Token, own: bool = False) -> Token | None:
        """Who issued a document: its possessor ("the campaign's statement"), or the subject of the verb
        it is the object of ("Fox News said in a statement", "Henry added the caption"), here or at an
        earlier mention of the same noun within two paragraphs."""
        floor = self.paragraph_floor(noun.i)
        forms = {noun.lower_, noun.lower_.rstrip("s"), noun.lower_ + "s"}
        for i in range(noun.i, floor - 1, -1):
            tok = self.doc[i]
            if tok.lower_ not in forms or self.in_quote[i]:
                continue
            poss = next((c for c in tok.children if c.dep_ == "poss" and c.ent_type_ not in ("DATE", "TIME")), None)
            if poss is None or self.in_quote[poss.i]:
                pass
            elif poss.pos_ in ("PROPN", "NOUN") or (own and poss.lower_ in ("his", "her") and i == noun.i):
                return poss  # "his self-published book ... includes one on “...”": "his" as "he", of the cue's subject
            # "a story by the website Politico says", "Thursday's memo from the panel"
            by = next((c for c in tok.children if c.dep_ == "prep" and c.lower_ in ("by", "from")), None)
            author = next((c for c in by.children if c.dep_ == "pobj"), None) if by is not None else None
            if author is not None and not self.in_quote[author.i]:
                return author
            node = tok
            while node.dep_ == "compound" and node.head.i > node.i:
                node = node.head  # "sent out an email appeal", "an email fundraising appeal"
            node = node.head if node.dep_ == "pobj" else node
            issuing = node.dep_ == "dobj" or (node.dep_ == "prep" and node.lower_ not in ANSWERING_PREPS)
            if issuing and node.head.pos_ in ("VERB", "AUX") and node.head.i != cue.i:
                # (the name right before it, where the parse hung it on a fronted phrase: "At a rally in Concord,
                # N.H., 14-year-old Aubrey Pelletier hoisted a sign that read ...")
                subj = subject_of(node.head) or name_right_before(self.doc, node.head)
                if subj is not None and subj.i != tok.i and not self.in_quote[subj.i] and subj.lower_ not in READERS:
                    return subj
            if i != noun.i or any(c.dep_ == "det" and c.lower_ in ("a", "an") for c in noun.children):
                break  # only the last mention before: an older "email" may be someone else's; "a new ad" is new
        return None

    def set(self, cue: Cue, n: int) -> None:
        ent = self.entities[n]
        cue.speaker, cue.speaker_entity = ent.name, n
        cue.is_person = ent.type == "person" or (
            # a surname the small model calls an organization ("Bozell says"): "he" may take it up
            ent.type == "organization"
            and cue.subject is not None
            and cue.subject.pos_ == "PROPN"
            and len(ent.name.split()) <= 2
            and not ent.name.isupper()
            and not ORG_WORDS & set(ent.name.casefold().split())
        )
        cue.gender = self.gender.get(n)

    def _entity_in(self, head: Token, lo: int, hi: int) -> int | None:
        if self.ent_of[head.i] >= 0:
            return self._speaking(self.ent_of[head.i])
        titled = self._titled(head)
        if titled is not None:
            return titled
        for child in head.children:
            if child.dep_ == "appos" and self.ent_of[child.i] >= 0:
                return self._speaking(self.ent_of[child.i])  # (not "King, 39, said")
        nxt = head.i + 2
        if (
            head.pos_ == "NOUN"
            and head.lower_ not in READERS  # "According to the statement, Kelly met ..."
            and nxt < len(self.doc)
            and self.doc[head.i + 1].text == ","
            and self.ent_of[nxt] >= 0
            and self.entities[self.ent_of[nxt]].type == "person"
        ):
            return self.ent_of[nxt]  # "the presumptive GOP nominee, Donald Trump, tweeted"
        if head.pos_ != "PROPN" and head.lower_ not in DOCUMENT_NOUNS:
            return None  # "the U.S. president", "the Chinese leader": a description, not "U.S."
        # "a letter to Attorney General Loretta Lynch asking ...": the addressee is not the issuer, nor who
        # handled the document ("a letter from the Legion obtained by The Associated Press")
        to: list[Token] = []
        if head.pos_ != "PROPN":
            to = [c for c in head.children if c.dep_ == "prep" and c.lower_ == "to"]
            to += [t for t in self.doc[head.i : hi] if t.dep_ == "acl" and t.lower_ in HANDLED_BY]
            # "a lawsuit filed by Yulia Tymoshenko, a former prime minister of Ukraine": the name, not its appositive
            to += [t for t in self.doc[head.i + 1 : hi] if t.dep_ == "appos" and self.ent_of[t.head.i] >= 0]
        hits = [
            n
            for i in range(lo, hi)
            if (n := self.ent_of[i]) >= 0
            and not any(t.left_edge.i <= i <= t.right_edge.i for t in to)
            # "a campaign TV ad released Thursday accuses", "King, 39, said": a date or an age is not who
            and self.entities[n].type not in UNSPEAKING_TYPES
            and not (head.pos_ != "PROPN" and self.entities[n].type in ("money", "quantity"))
        ]
        if hits:
            usable = [n for n in hits if self.entities[n].type in ("person", "organization", "group", "place")]
            return (usable or hits)[-1]
        return None

    def _speaking(self, n: int) -> int | None:
        """An entity that may speak: "the 29-year-old said" is no date, whatever the tagger read."""
        return None if self.entities[n].type in UNSPEAKING_TYPES else n

    def _titled(self, head: Token) -> int | None:
        """A title the parse made the head of the subject: "Speaker of the House Rep. Paul Ryan (R-WI) said",
        "Secretary of State John Kerry said": the person the title's "of" phrase ends with."""
        if head.lower_ not in TITLE_HEADS:
            return None
        for prep in head.children:
            if prep.dep_ == "prep" and prep.lower_ == "of":
                # the object or its appositive, not a name that modifies it ("chairman of the Trump campaign")
                named = [self.ent_of[t.i] for t in prep.subtree if t.dep_ in ("pobj", "appos")]
                people = [n for n in named if n >= 0 and self.entities[n].type == "person"]
                return people[-1] if people else None
        for conj in head.children:
            # "Vice President for news and talk Dave Kerr called": the parse joined the name to the title's
            # "for" phrase with its "and"; the name right before the verb is the person the title names
            n = self.ent_of[conj.i] if conj.dep_ == "conj" and conj.i + 1 == head.head.i else -1
            if head.pos_ == "PROPN" and n >= 0 and self.entities[n].type == "person":
                return n
        return None

    def speak_for(self, cue: Cue, issuer: Token) -> bool:
        """Give ``cue`` the speaker ``issuer`` resolves to (a document's issuer); False if none."""
        by = Cue(cue.token, cue.end, issuer)
        self.resolve(by, record=False)
        if by.speaker is None:
            return False
        cue.speaker, cue.speaker_entity = by.speaker, by.speaker_entity
        cue.is_person, cue.gender = by.is_person, by.gender
        return True

    def asked(self, last: Cue | None, cue: Cue, want: str | None) -> int | None:
        """ "A reporter asked Sanders ... He replied": the person asked answers."""
        if (
            last is None
            or last.token.lower_ not in ("asked", "asks", "asking")
            or not cue.token.lower_.startswith(("repl", "respond", "answer"))
        ):
            return None
        for child in last.token.children:
            n = self.ent_of[child.i] if child.dep_ == "dobj" else -1
            if n >= 0 and self.entities[n].type == "person" and want in (None, self.gender.get(n, want)):
                return n
        return None

    def opens_sentence(self, i: int) -> bool:
        """The name opens its sentence ("And Obama, for all the progress ..., seems to agree"): a subject
        even where the parse says otherwise."""
        doc = self.doc
        for k in range(i - 1, doc[i].sent.start - 1, -1):
            tok = doc[k]
            if "\n" in tok.text or tok.text in (".", "?", "!"):
                break  # a paragraph or a full stop opens the sentence even where the parse ran sentences together
            if self.ent_of[k] == self.ent_of[i] or tok.is_punct or tok.is_space:
                continue
            if tok.pos_ in ("CCONJ", "DET", "ADJ") or (tok.pos_ == "PROPN" and tok.dep_ == "compound"):
                continue
            if tok.pos_ == "AUX" and (k == 0 or "\n" in doc[k - 1].text or doc[k - 1].text in (".", "?", "!")):
                continue  # a question: "Was Szlachta satisfied with the answer?"
            return False
        return True

    def introduces(self, i: int, cue: Cue) -> bool:
        """The name opens a sentence that introduces the quote the cue follows ("Mosman saw Santilli's words
        differently: “...,” he said"); not the reported clause itself ("Mr. Trump ... fits that bill, he added")."""
        return self.opens_sentence(i) and any(self.in_quote[k] for k in range(i, cue.token.i))

    def paragraph_floor(self, i: int) -> int:
        """Token index two paragraphs back: a pronoun reaches back no further for the last speaker."""
        breaks = 0
        text = self.text
        pos = self.doc[i].idx
        floor_char = 0
        while pos > 0:
            j = text.rfind("\n\n", 0, pos)
            if j < 0:
                break
            breaks += 1
            if breaks == 3:
                floor_char = j
                break
            pos = j
        return bisect.bisect_left(self.starts, floor_char)

    def _description(self, cue: Cue, head: Token, lo: int, hi: int) -> int | None:
        word = head.lower_
        if head.pos_ == "PROPN" and not described(head):
            return None
        if word in DOCUMENT_NOUNS:
            for prev in reversed(self.earlier(cue)[-6:]):
                if prev.subject is not None and prev.subject.lower_ == word and prev.speaker_entity is not None:
                    return prev.speaker_entity
            if word not in BODY_NOUNS:  # "the paper" may be a newspaper named before
                return None
        if word == "old" and head.i >= 2 and self.doc[head.i - 2].lower_ in ("year", "years"):
            return self._topic(head.i)  # "said the 29-year-old": the person the passage is about
        mods = {self.doc[i].lower_.strip(".") for i in range(lo, head.i) if self.doc[i].pos_ in ("PROPN", "ADJ")}
        bodies = bodies_spoken(head.subtree, self.earlier(cue), self.entities)
        return self.describer.resolve(head, mods, self._topic(head.i), bodies)

    def _topic(self, i: int) -> int | None:
        """The person the passage is about: the last person named as a main-clause subject (or opening a
        sentence) before token ``i``, within its paragraph and the two before."""
        floor = self.paragraph_floor(i)
        k = bisect.bisect_left(self.person_at, (i, -1))
        for pos, n in reversed(self.person_at[max(0, k - 40) : k]):
            if pos < floor:
                break
            if (main_subject(self.doc, pos) or self.opens_sentence(pos)) and not self.doc[pos].is_upper:
                return n  # not a dateline ("NASHUA, N.H. -")
        return None


def _name_like(tok: Token) -> bool:
    """A proper noun, or a capitalized word inside its sentence the tagger took for a common noun ("D’Souza")."""
    return tok.pos_ == "PROPN" or (tok.is_title and tok.i > tok.sent.start and tok.lower_ not in PERSON_NOUNS)
