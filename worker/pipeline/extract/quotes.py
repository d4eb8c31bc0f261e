"""Quotes of one article and who said them, from the one spaCy parse of the clean text.

``extract_quotes(doc, entities)`` returns direct, partial, indirect quotes and quoted terms. Steps,
each linear in the number of characters or tokens:

1. quotation marks are paired over the whole text, paragraph by paragraph (a quote never spans a
   paragraph break except by the news convention: the closing mark is omitted at the paragraph's end
   and the next paragraph reopens, which chains the two parts). Straight marks are told opening from
   closing by the characters around them; unmatched marks never make a whole text give up;
2. speech cues: verbs of saying ("said", "told", "added", "wrote", "posted", ...) with their subject from
   the dependency parse (inherited through "and"/"saying"), and "according to X";
3. every cue's speaker is resolved, in text order, to an entity of ``entities``: a name inside the
   subject; an appositive name; "he"/"she" to the previous attribution's speaker when compatible, else
   the nearest preceding person of that gender; a description ("the White House press secretary",
   "the ministry") to the nearest preceding entity whose role or name carries its head noun. A
   description nothing resolves stays as its own text; an unresolved pronoun gives no speaker;
4. each marked quote takes the cue that governs it in its sentence(s), else the cue between it and the
   previous part of a split quote ("“X,” Axelrod tweeted, “Y”"), else (when it stands alone) the
   speaker of the previous sentence's attribution: "“X,” he said. “Y.”", quote-only paragraphs; a
   quote still without a speaker takes the subject of the verb that governs it ("Clinton supports
   “...”", "Clinton apologized: “...”"), never carried on to later quotes;
5. kind: ``direct`` (a quote standing as a statement), ``partial`` (a quoted fragment inside
   reported speech), ``term`` (a short quoted noun phrase without a cue: scare quotes, titles) and
   ``indirect`` (the clausal complement of a speech verb, or the clause with "according to X").
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass

from spacy.tokens import Doc, Span, Token

from worker.pipeline.extract.model import Entity, Quote
from worker.pipeline.extract.names import first_name_gender, honorific_gender


def _forms(spec: str) -> frozenset[str]:
    """Inflected forms of regular verbs ("say" -> say, says, sayed, saying) plus irregular ones given as is."""
    out: set[str] = set()
    for word in spec.split():
        out.add(word)
        stem = word[:-1] if word.endswith("e") else word
        out.update({word + "s", word + "es", stem + "ed", stem + "ing", word + "d"})
        if word.endswith("y"):
            out.update({word[:-1] + "ies", word[:-1] + "ied"})
        if len(word) >= 3 and word[-1] in "bdgklmnprt" and word[-2] in "aeiou" and word[-3] not in "aeiou":
            out.update({word + word[-1] + "ed", word + word[-1] + "ing"})  # admitted, quipped
    return frozenset(out)


IRREGULAR = frozenset("said told wrote written writing saying tells telling says quipped quipping".split())
# verbs that attribute a quote or reported speech
SPEECH_VERBS = (
    _forms(
        """
        say tell add note write post argue explain state warn insist ask announce describe observe stress
        emphasize emphasise call claim declare remark reply respond comment acknowledge admit suggest predict
        conclude recall complain contend assert tweet testify urge report confirm deny
        reiterate caution lament quip joke boast vow pledge promise tout concede counter allege
        accuse praise criticize criticise underscore reveal disclose recount muse
        mention declare shout scream yell whisper propose inform assure explain retort demand
        wonder estimate repeat add acknowledge highlight exclaim quote opine interject
        chime thunder rail blast slam gush scoff plead beg advise instruct recite summarize summarise rant
        tweet retweet email message brag fume bark cheer concur interrupt murmur mutter
        continue characterize characterise coach chide scold mock taunt lecture snap sneer sigh laugh
        rave reason marvel gripe grumble huff lash recommend speculate theorize reflect elaborate
        clarify caution assert query vent echo surmise beam vouch chant affirm confess gasp
        implore inquire jest mumble ponder rebut reckon rejoin roar sob stammer
        tease wail exhort
        """
    )
    | IRREGULAR
)
# "X points out": a speech verb with its particle
POINT_FORMS = _forms("point")
# of those, verbs whose clausal complement is reported speech (an indirect quote)
REPORTING_VERBS = (
    _forms(
        """
        say tell add note write post argue explain state warn insist announce observe stress emphasize
        emphasise claim declare remark reply respond comment acknowledge admit suggest predict conclude
        recall complain contend assert maintain tweet testify report confirm deny reiterate caution
        lament boast vow pledge promise concede counter allege charge reveal disclose mention assure
        estimate repeat signal
        """
    )
    | IRREGULAR
) - {"call", "called", "calling", "calls"}
DOCUMENT_NOUNS = frozenset(
    "statement statements readout report reports release communique communiqué transcript filing letter post "
    "tweet interview memo notice piece story article editorial op-ed column study poll survey book paper "
    "email video ad".split()
)
# nouns of saying whose possessor speaks: "Trump's accusation that ...", "in Bolton's view", "Forbes' words"
NOMINAL_CUES = frozenset(
    "accusation accusations claim claims assertion remark remarks comment comments suggestion pledge promise "
    "warning insistence argument description words view quote charge vow admission complaint criticism "
    "response reply answer message tweet tweets post letter email memo statement testimony prediction "
    "declaration announcement boast".split()
)
ORG_WORDS = frozenset(
    "ministry department house party news times post press agency office council committee association "
    "institute university college bank company corp inc group network campaign administration government "
    "court senate congress commission board union foundation center centre service journal daily".split()
)
PERSON_NOUNS = frozenset(
    "reporter writer worker leader member voter supporter organizer owner manager teacher lawyer officer farmer "
    "player speaker founder partner researcher volunteer minister senator governor director editor author investor "
    "donor mayor advisor adviser counselor professor doctor sponsor protester protestor observer retiree resident "
    "parent student veteran nurse aide official source candidate nominee president secretary ambassador judge "
    "attorney prosecutor sheriff commissioner congressman congresswoman lawmaker legislator strategist pollster "
    "analyst economist diplomat executive chairman chairwoman chair spokesperson representative delegate "
    "activist scientist journalist columnist commentator host anchor correspondent mother father wife husband son "
    "daughter sister brother friend neighbor neighbour man woman girl boy immigrant refugee owner operator "
    "consultant adviser aide staffer insider".split()
)
# "Sen. Marco Rubio" is "the Florida senator"
TITLE_EXPANSIONS = {
    "sen": "senator",
    "rep": "congressman",
    "gov": "governor",
    "gen": "general",
    "lt": "lieutenant",
    "atty": "attorney",
    "sec": "secretary",
    "pres": "president",
    "supt": "superintendent",
    "amb": "ambassador",
    "cmdr": "commander",
    "col": "colonel",
    "capt": "captain",
}
GENERIC_ROLES = frozenset({"leader", "official", "president", "minister", "head", "chief", "politician", "lawmaker"})
MALE_PRONOUNS = frozenset({"he", "him", "his"})
FEMALE_PRONOUNS = frozenset({"she", "her"})
ORG_PRONOUNS = frozenset({"it", "they"})
PRONOUNS = MALE_PRONOUNS | FEMALE_PRONOUNS | ORG_PRONOUNS | {"i", "we", "you", "who", "which", "that", "one"}
SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass"})
# the part of a subject that names it: "the White House press secretary", "Commerce Secretary Howard Lutnick"
NAME_DEPS = frozenset({"compound", "amod", "det", "poss", "nmod", "nummod", "case", "flat", "punct"})
# "the statement read", "“America is great!” read one": "read" is a cue only for such subjects
READERS = DOCUMENT_NOUNS | frozenset(
    "sign signs message messages banner headline headlines ad ads email caption note it one another which that".split()
)
INHERIT_DEPS = frozenset({"conj", "xcomp", "advcl", "ccomp", "parataxis", "acl", "relcl"})
# words before a quoted phrase that make it a term: the so-called “X”, a book titled “X”
TERM_CUES = frozenset({"so-called", "dubbed", "called", "titled", "entitled", "named", "word", "term", "phrase"})
OPEN_MARKS = "“"
CLOSE_MARKS = "”"
STRAIGHT = '"'
OPENERS_BEFORE = " \t\n([{—–-/"
MAX_TERM_TOKENS = 5
MAX_ANCESTOR_STEPS = 40


@dataclass
class _Mark:
    pos: int
    opening: bool | None  # None: cannot tell (a straight mark between two spaces)


@dataclass
class _Segment:
    start: int  # char offsets of the quoted text, marks excluded
    end: int
    continues: bool = False  # reopens a quote left open at the previous paragraph's end


@dataclass
class _Cue:
    token: Token  # the speech verb, or "according"
    end: int  # char end of the cue ("according to")
    subject: Token | None
    speaker: str | None = None
    speaker_entity: int | None = None
    speaker_start: int | None = None
    speaker_end: int | None = None
    is_person: bool = False
    gender: str | None = None
    nominal: bool = False  # "Trump's claim": marks the words it governs, is no attribution of its own


# -- 1. quotation marks ---------------------------------------------------------------------------


def _classify(text: str, i: int) -> bool | None:
    ch = text[i]
    prev = text[i - 1] if i > 0 else "\n"
    nxt = text[i + 1] if i + 1 < len(text) else "\n"
    prev_open = prev.isspace() or prev in OPENERS_BEFORE
    next_space = nxt.isspace() or nxt in ".,;:!?)]}—–"
    if ch in OPEN_MARKS:
        return not (not prev_open and next_space)
    if ch in CLOSE_MARKS:
        return prev_open and not next_space
    if prev_open and not next_space:
        return True
    if next_space and not prev_open:
        return False
    return None


def _paragraphs(text: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    for line in text.split("\n"):
        end = start + len(line)
        if line.strip():
            spans.append((start, end))
        start = end + 1
    return spans


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def pair_marks(text: str) -> list[_Segment]:
    """The quoted segments of ``text``; never gives up on unbalanced marks."""
    segments: list[_Segment] = []
    left_open = False  # the previous paragraph ended inside a quote
    for pstart, pend in _paragraphs(text):
        marks = [_Mark(i, _classify(text, i)) for i in range(pstart, pend) if text[i] in '"“”']
        open_at: int | None = None
        first = True
        reopened = False
        for mark in marks:
            opening = mark.opening if mark.opening is not None else open_at is None
            if opening:
                if open_at is not None:
                    # two openings: keep the first part when it reads as a finished quote
                    s, e = _strip(text, open_at + 1, mark.pos)
                    if e > s and text[e - 1] in ".,?!":
                        segments.append(_Segment(s, e))
                if first and left_open and text[pstart : mark.pos].strip() == "":
                    reopened = True
                open_at = mark.pos
            elif open_at is not None:
                s, e = _strip(text, open_at + 1, mark.pos)
                if e - s >= 1:
                    segments.append(_Segment(s, e, reopened and open_at == _first_mark(text, pstart)))
                open_at = None
            first = False
        left_open = False
        if open_at is not None:
            before = text[pstart:open_at].rstrip()
            # open to the paragraph's end: the quote continues in the next paragraph, or the closing
            # mark is missing; accepted when the quote starts a clause
            if before == "" or before[-1] in ":,.?!—–":
                s, e = _strip(text, open_at + 1, pend)
                nxt = text[pend:].lstrip()[:1]
                if e > s and ((nxt != "" and nxt in '“"') or text[e - 1] in ".?!,…"):
                    segments.append(_Segment(s, e, reopened and open_at == _first_mark(text, pstart)))
                    left_open = True
    return segments


def _first_mark(text: str, pstart: int) -> int:
    i = pstart
    while i < len(text) and text[i].isspace():
        i += 1
    return i


# -- 2. cues and speakers ---------------------------------------------------------------------------


def _subject(verb: Token) -> Token | None:
    node = verb
    for _ in range(4):
        for child in node.children:
            if child.dep_ in SUBJECT_DEPS:
                if child.dep_ == "nsubjpass" and node.lower_ in ("asked", "told"):
                    # "Trump was asked" / "Reporters were told": the subject heard the words
                    agent = next((c for c in node.children if c.dep_ == "agent"), None)
                    return next((c for c in agent.children if c.dep_ == "pobj"), None) if agent else None
                if child.lower_ in ("who", "which", "that") and node.dep_ == "relcl":
                    return node.head  # "Sun Yun, who said ..."
                return child
        if node.dep_ == "acl" and node.head.pos_ == "NOUN" and node.head.lower_ in READERS:
            return node.head  # "she released a statement saying ...": the statement, then its issuer
        if node.dep_ == "pcomp" and node.head.dep_ == "prep" and node.head.head.pos_ in ("VERB", "AUX"):
            node = node.head.head  # "in explaining why ..., Clinton described", "after saying ..."
            continue
        if node.dep_ not in INHERIT_DEPS or node.head is node or node.head.pos_ not in ("VERB", "AUX"):
            return None
        node = node.head
    return None


def _find_cues(doc: Doc) -> list[_Cue]:
    cues: list[_Cue] = []
    for token in doc:
        low = token.lower_
        if low == "according":
            to = next((c for c in token.children if c.lower_ == "to"), None)
            if to is None and token.i + 1 < len(doc) and doc[token.i + 1].lower_ == "to":
                to = doc[token.i + 1]
            if to is None:
                continue
            obj = next((c for c in to.children if c.dep_ == "pobj"), None)
            cues.append(_Cue(token, to.idx + len(to), obj))
        elif (
            low in SPEECH_VERBS or (low in POINT_FORMS and token.i + 1 < len(doc) and doc[token.i + 1].lower_ == "out")
        ) and token.pos_ in ("VERB", "AUX"):
            if token.dep_ == "amod" or (token.tag_ == "VBN" and token.dep_ == "acl"):
                continue
            cues.append(_Cue(token, token.idx + len(token), _cue_subject(doc, token)))
        elif (
            low in ("put", "puts")
            and token.pos_ == "VERB"
            and any(c.lower_ == "it" and c.dep_ == "dobj" for c in token.children)
        ):
            cues.append(_Cue(token, token.idx + len(token), _subject(token)))  # "as prosecutor Marc Trévidic put it"
        elif low in ("agree", "agrees", "agreed", "disagrees", "disagreed") and _after_quote(doc, token):
            cues.append(_Cue(token, token.idx + len(token), _cue_subject(doc, token)))  # “...,” agrees Stevens
        elif low in NOMINAL_CUES and token.pos_ == "NOUN":
            poss = next((c for c in token.children if c.dep_ == "poss"), None)
            if poss is not None and poss.pos_ in ("PROPN", "PRON", "NOUN"):
                cues.append(_Cue(token, token.idx + len(token), poss, nominal=True))
        elif low in ("read", "reads") and token.pos_ == "VERB":
            subj = _cue_subject(doc, token)
            if subj is not None and (subj.lower_ in READERS or _after_quote(doc, token)):
                cues.append(_Cue(token, token.idx + len(token), subj))
        elif (
            low in ("went", "goes", "go", "going", "shot", "shoots", "fired", "fires")
            and token.i + 1 < len(doc)
            and doc[token.i + 1].lower_ in ("on", "back")
        ):
            on = doc[token.i + 1]  # "Trump went on", "Trump shot back"
            cues.append(_Cue(token, on.idx + len(on), _subject(token)))
    return cues


def _person_noun(token: Token) -> bool:
    """ "a reporter for AFP", "the Vermont senator": a description of a person, whom "he" may take up."""
    low = token.lower_
    return token.pos_ == "NOUN" and (
        low in PERSON_NOUNS or (low.endswith(("ist", "ian", "man", "woman", "person")) and low not in ("human",))
    )


def _indefinite(token: Token) -> bool:
    """ "a reporter", "one district leader": a new person, not a description of one already named."""
    return any(c.dep_ in ("det", "nummod") and c.lower_ in ("a", "an", "one", "another") for c in token.lefts)


def _after_quote(doc: Doc, verb: Token) -> bool:
    """The verb follows a closing quotation mark: "“...,” said Sara Walker", "“...!” beamed Hartley"."""
    i = verb.i - 1
    if verb.tag_ not in ("VBD", "VBZ", "VBP", "VB") or i < 1:
        return False
    return doc[i].text in ("”", '"', "''") and doc[i - 1].text in (",", "!", "?", "—", "–", "-", "…")


def _cue_subject(doc: Doc, verb: Token) -> Token | None:
    """The cue's subject; after a quote, the words right after the verb ("“...,” said a person close
    to the Clintons") win over a parse that took a subject from before the quote."""
    subj = _subject(verb)
    if subj is not None and subj.i > verb.i:
        return subj
    if _after_quote(doc, verb) or (subj is None and verb.i == verb.sent.start):
        after = _subject_after(doc, verb)
        if after is not None:
            return after
    return subj


def _subject_after(doc: Doc, verb: Token) -> Token | None:
    j = verb.i + 1
    if j < len(doc) and doc[j].lower_ in ("on", "back", "in", "out"):
        j += 1  # "chimed in", "shot back"
    if j >= len(doc) or doc[j].pos_ not in ("DET", "ADJ", "NUM", "PROPN", "NOUN") or doc[j].is_quote:
        return None
    for k in range(j, min(len(doc), j + 8)):
        if (doc[k].is_punct and doc[k].text not in (".", "-")) or doc[k].pos_ in ("VERB", "AUX", "PRON"):
            break
        if doc[k].ent_type_ == "PERSON":
            while k + 1 < len(doc) and doc[k + 1].ent_type_ == "PERSON" and doc[k + 1].ent_iob_ == "I":
                k += 1
            if not (doc[k].dep_ == "compound" and doc[k].head.pos_ == "NOUN"):
                return doc[k]  # "mused Blaze co-host Stu Burguiere", not "a Trump supporter"
    node = doc[j]
    while node.head is not node and node.head.i != verb.i and j <= node.head.i <= j + 10:
        node = node.head
    if node.pos_ not in ("PROPN", "NOUN") or node.ent_type_ in ("DATE", "TIME") or node.is_quote:
        return None
    return node


def _nearby_name(doc: Doc, verb: Token, in_quote: list[bool]) -> Token | None:
    """A name next to a cue the parse gave no subject: "“...,” Ramos, 58, told AFP", "said Ramos"."""
    if verb.lower_ == "according" or verb.tag_ not in ("VBD", "VBZ", "VBP"):
        return None
    sent = verb.sent
    found: Token | None = None
    i = verb.i - 1
    while i > sent.start and (doc[i].is_punct or doc[i].pos_ == "ADV") and not doc[i].is_quote:
        i -= 1
    node = doc[i]
    for _ in range(8):  # "a White House official who spoke anonymously to discuss strategy said"
        if node.dep_ == "relcl" and node.head.i < node.i and node.head.pos_ in ("NOUN", "PROPN"):
            if not in_quote[node.head.i]:
                return node.head
            break
        if node.head is node or node.head.i > verb.i:
            break
        node = node.head
    i = verb.i - 1
    while i >= max(sent.start, verb.i - 20):
        tok = doc[i]
        if in_quote[i] or tok.is_quote or tok.text in (";", ":") or (tok.pos_ in ("VERB", "AUX") and i < verb.i - 1):
            break
        if _name_like(tok):
            found = tok  # keep the leftmost: the subject comes before its appositive
        i -= 1
    if found is None:
        for j in range(verb.i + 1, min(sent.end, verb.i + 4)):
            tok = doc[j]
            if in_quote[j] or tok.is_quote:
                break
            if _name_like(tok):
                found = tok
                break
    if found is None:
        return None
    while found.dep_ in ("compound", "flat") and found.head.pos_ == "PROPN" and 0 < found.head.i - found.i <= 3:
        found = found.head
    return found


def _name_like(tok: Token) -> bool:
    return tok.pos_ == "PROPN" and tok.ent_type_ in ("PERSON", "ORG", "NORP", "") and not tok.is_quote


def _speaker_span(head: Token) -> tuple[int, int]:
    left, right = head.i, head.i
    for child in head.lefts:
        if child.dep_ in NAME_DEPS and child.dep_ != "punct":
            left = min(left, child.left_edge.i)
    for child in head.rights:
        if child.dep_ in ("compound", "flat") or (child.dep_ in ("prep", "amod", "acl") and head.pos_ != "PROPN"):
            right = max(right, child.right_edge.i)
    return left, right + 1


class _Resolver:
    """Speakers to entities, in text order."""

    def __init__(self, doc: Doc, entities: list[Entity], in_quote: list[bool]) -> None:
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
            for m in ent.mentions:
                lo, hi = self.tokens(m.start, m.end)
                for i in range(lo, hi):
                    self.ent_of[i] = n
                if ent.type == "person":
                    if lo < len(doc) and not in_quote[lo]:
                        self.person_at.append((lo, n))
                    g = g or honorific_gender(m.attributes.get("honorific", ""))
            if g:
                self.gender[n] = g
        self.person_at.sort()
        self.history: list[_Cue] = []

    def tokens(self, start: int, end: int) -> tuple[int, int]:
        return bisect.bisect_left(self.starts, start), bisect.bisect_left(self.starts, end)

    def resolve(self, cue: _Cue, record: bool = True) -> None:
        subj = cue.subject
        if subj is None:
            return
        low = subj.lower_
        if low in PRONOUNS:
            cue.speaker_start, cue.speaker_end = subj.idx, subj.idx + len(subj)
            self._pronoun(cue, low)
        else:
            lo, hi = _speaker_span(subj)
            if self.doc[lo].lower_ in ("the", "a", "an") and lo < hi - 1:
                cue.speaker_start = self.doc[lo + 1].idx
            else:
                cue.speaker_start = self.doc[lo].idx
            cue.speaker_end = self.doc[hi - 1].idx + len(self.doc[hi - 1])
            n = self._entity_in(subj, lo, hi)
            if n is None and subj.pos_ == "NOUN" and subj.lower_ in READERS:
                issued = self._issued_by(subj, cue.token)
                # "the statement said": the speaker is who issued it
                if issued is not None and self._speak_for(cue, issued):
                    if record:
                        self.history.append(cue)
                    return
            if n is None:
                n = self._description(cue, subj, lo, hi)
            if n is not None:
                self._set(cue, n)
            elif subj.pos_ in ("NOUN", "PROPN"):
                cue.speaker = self.text[cue.speaker_start : cue.speaker_end]
                # a name the entity pass dropped ("D’Souza replied"): a person unless it reads as a place or body
                cue.is_person = (
                    subj.pos_ == "PROPN"
                    and subj.ent_type_ not in ("GPE", "LOC", "FAC", "NORP")
                    and not ORG_WORDS & set(cue.speaker.casefold().split())
                ) or (_person_noun(subj) and _indefinite(subj))
        if record:
            self.history.append(cue)

    def _issued_by(self, noun: Token, cue: Token) -> Token | None:
        """Who issued a document: its possessor ("the campaign's statement"), or the subject of the verb
        it is the object of ("Fox News said in a statement", "Henry added the caption"), here or at an
        earlier mention of the same noun within two paragraphs."""
        floor = self._paragraph_floor(noun.i)
        forms = {noun.lower_, noun.lower_.rstrip("s"), noun.lower_ + "s"}
        for i in range(noun.i, floor - 1, -1):
            tok = self.doc[i]
            if tok.lower_ not in forms or self.in_quote[i]:
                continue
            poss = next((c for c in tok.children if c.dep_ == "poss"), None)
            if poss is not None and poss.pos_ in ("PROPN", "NOUN") and not self.in_quote[poss.i]:
                return poss
            by = next((c for c in tok.children if c.dep_ == "prep" and c.lower_ == "by"), None)
            author = next((c for c in by.children if c.dep_ == "pobj"), None) if by is not None else None
            if author is not None and not self.in_quote[author.i]:
                return author  # "a story by the website Politico says"
            node = tok.head if tok.dep_ in ("pobj", "compound") else tok  # "sent out an email appeal"
            node = node.head if node.dep_ == "pobj" else node
            if node.dep_ in ("dobj", "prep") and node.head.pos_ in ("VERB", "AUX") and node.head.i != cue.i:
                subj = _subject(node.head)
                if subj is not None and subj.i != tok.i and not self.in_quote[subj.i] and subj.lower_ not in READERS:
                    return subj
            if i != noun.i:
                break  # only the last mention before: an older "email" may be someone else's
        return None

    def _set(self, cue: _Cue, n: int) -> None:
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
            return self.ent_of[head.i]
        for child in head.children:
            if child.dep_ == "appos" and self.ent_of[child.i] >= 0:
                return self.ent_of[child.i]
        nxt = head.i + 2
        if (
            head.pos_ == "NOUN"
            and nxt < len(self.doc)
            and self.doc[head.i + 1].text == ","
            and self.ent_of[nxt] >= 0
            and self.entities[self.ent_of[nxt]].type == "person"
        ):
            return self.ent_of[nxt]  # "the presumptive GOP nominee, Donald Trump, tweeted"
        if head.pos_ != "PROPN" and head.lower_ not in DOCUMENT_NOUNS:
            return None  # "the U.S. president", "the Chinese leader": a description, not "U.S."
        hits = [self.ent_of[i] for i in range(lo, hi) if self.ent_of[i] >= 0]
        if hits:
            usable = [n for n in hits if self.entities[n].type in ("person", "organization", "group", "place")]
            return (usable or hits)[-1]
        return None

    def _pronoun(self, cue: _Cue, low: str) -> None:
        if low in MALE_PRONOUNS or low in FEMALE_PRONOUNS:
            want = "m" if low in MALE_PRONOUNS else "f"
            para_floor = self._paragraph_floor(cue.token.i)
            # the last attribution's speaker, when compatible
            last: _Cue | None = None
            for prev in reversed(self.history[-4:]):
                if prev.token.i < para_floor:
                    break
                if prev.speaker is not None and prev.is_person and prev.gender in (None, want):
                    last = prev
                    break
            # the nearest person named as a subject since then: a newly introduced speaker
            k = bisect.bisect_left(self.person_at, (cue.token.i, -1))
            recent = [(pos, n) for pos, n in self.person_at[max(0, k - 40) : k] if pos >= para_floor]
            recent = [(pos, n) for pos, n in recent if self.gender.get(n) in (None, want)]
            subjects = [(pos, n) for pos, n in recent if self._is_subject(pos)]
            # a newly introduced speaker: the main-clause subject of a sentence since the last attribution
            # ("Asked whether Clinton wins, she replied" keeps the last speaker)
            sent_start = self.doc[cue.token.i].sent.start
            newer = [
                (pos, n)
                for pos, n in recent
                if (last is None or pos > last.token.i)
                and pos < sent_start
                and ((self._is_subject(pos) and self._main_subject(pos)) or self._opens_sentence(pos))
            ]
            asked = self._asked(last, cue, want)
            if asked is not None:
                self._set(cue, asked)
            elif last is not None and not (
                newer and (last.speaker_entity is None or newer[-1][1] != last.speaker_entity)
            ):
                if last.speaker_entity is not None:
                    self._set(cue, last.speaker_entity)
                else:
                    cue.speaker, cue.is_person = last.speaker, True  # a name the entity pass missed
            elif subjects or recent:
                self._set(cue, (subjects or recent)[-1][1])
            else:
                # nothing in reach: the last compatible speaker, else the nearest compatible person
                for prev in reversed(self.history[-12:]):
                    if prev.speaker_entity is not None and prev.is_person and prev.gender in (None, want):
                        self._set(cue, prev.speaker_entity)
                        break
                else:
                    older = [n for _, n in self.person_at[max(0, k - 40) : k] if self.gender.get(n) in (None, want)]
                    if older:
                        self._set(cue, older[-1])
            if cue.speaker is not None and cue.gender is None:
                cue.gender = want
        elif low in ORG_PRONOUNS:
            for prev in reversed(self.history[-2:]):
                if prev.speaker_entity is not None and not prev.is_person:
                    self._set(cue, prev.speaker_entity)
                    return
                break
            if low == "it":
                self._document_pronoun(cue)

    def _document_pronoun(self, cue: _Cue) -> None:
        """ "The email includes a photo ... At the bottom it reads, “...”": the issuer of the document last named."""
        floor = self._paragraph_floor(cue.token.i)
        for i in range(cue.token.i - 1, floor - 1, -1):
            tok = self.doc[i]
            if tok.pos_ == "NOUN" and tok.lower_ in DOCUMENT_NOUNS and not self.in_quote[i]:
                issued = self._issued_by(tok, cue.token)
                if issued is not None and issued.lower_ not in PRONOUNS:
                    self._speak_for(cue, issued)
                return

    def _speak_for(self, cue: _Cue, issuer: Token) -> bool:
        """Give ``cue`` the speaker ``issuer`` resolves to (a document's issuer); False if none."""
        by = _Cue(cue.token, cue.end, issuer)
        self.resolve(by, record=False)
        if by.speaker is None:
            return False
        cue.speaker, cue.speaker_entity = by.speaker, by.speaker_entity
        cue.is_person, cue.gender = by.is_person, by.gender
        return True

    def _asked(self, last: _Cue | None, cue: _Cue, want: str) -> int | None:
        """ "A reporter asked Sanders ... He replied": the person asked answers."""
        if (
            last is None
            or last.token.lower_ not in ("asked", "asks", "asking")
            or not cue.token.lower_.startswith(("repl", "respond", "answer"))
        ):
            return None
        for child in last.token.children:
            n = self.ent_of[child.i] if child.dep_ == "dobj" else -1
            if n >= 0 and self.entities[n].type == "person" and self.gender.get(n) in (None, want):
                return n
        return None

    def _opens_sentence(self, i: int) -> bool:
        """The name opens its sentence ("And Obama, for all the progress ..., seems to agree"): a subject
        even where the parse says otherwise."""
        doc = self.doc
        for k in range(doc[i].sent.start, i):
            tok = doc[k]
            if self.ent_of[k] == self.ent_of[i] or tok.is_punct or tok.is_space:
                continue
            if tok.pos_ in ("CCONJ", "DET", "ADJ") or (tok.pos_ == "PROPN" and tok.dep_ == "compound"):
                continue
            return False
        return True

    def _main_subject(self, i: int) -> bool:
        node = self.doc[i]
        for _ in range(4):
            if node.dep_ in SUBJECT_DEPS:
                verb = node.head
                return verb.dep_ == "ROOT" or (verb.dep_ == "conj" and verb.head.dep_ == "ROOT")
            if node.dep_ not in ("compound", "flat", "appos") or node.head is node:
                return False
            node = node.head
        return False

    def _is_subject(self, i: int) -> bool:
        node = self.doc[i]
        for _ in range(4):
            if node.dep_ in SUBJECT_DEPS:
                return True
            if node.dep_ not in ("compound", "flat", "appos") or node.head is node:
                return False
            node = node.head
        return False

    def _paragraph_floor(self, i: int) -> int:
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

    def _description(self, cue: _Cue, head: Token, lo: int, hi: int) -> int | None:
        word = head.lower_
        if head.pos_ == "PROPN":
            return None
        if word in DOCUMENT_NOUNS:
            for prev in reversed(self.history[-6:]):
                if prev.subject is not None and prev.subject.lower_ == word and prev.speaker_entity is not None:
                    return prev.speaker_entity
            return None
        mods = {self.doc[i].lower_.strip(".") for i in range(lo, head.i) if self.doc[i].pos_ in ("PROPN", "ADJ")}
        best: tuple[int, int] | None = None
        for n, ent in enumerate(self.entities):
            if ent.type == "organization":
                if word not in ent.name.casefold().split():
                    continue
                last = max((m.start for m in ent.mentions if m.start < head.idx), default=None)
            elif ent.type == "person":
                last = None
                for m in ent.mentions:
                    if m.start >= head.idx:
                        break
                    words = set(" ".join(m.attributes.values()).casefold().replace(",", " ").split())
                    words |= {w.strip(".") for w in words}
                    words |= {TITLE_EXPANSIONS[w] for w in words if w in TITLE_EXPANSIONS}
                    if word not in words and not (word in GENERIC_ROLES and mods & words):
                        continue
                    if mods and m.attributes.get("affiliation") and not mods & words:
                        continue  # "the U.S. president" is not the Chinese one
                    last = m.start
            else:
                continue
            if last is not None and (best is None or last > best[0]):
                best = (last, n)
        return best[1] if best else None


# -- 3-5. quotes ----------------------------------------------------------------------------------


def extract_quotes(doc: Doc, entities: list[Entity]) -> list[Quote]:
    text = doc.text
    if not text.strip():
        return []
    segments = pair_marks(text)
    starts = [t.idx for t in doc]
    n_tok = len(doc)

    def tok_range(start: int, end: int) -> tuple[int, int]:
        return bisect.bisect_left(starts, start), bisect.bisect_left(starts, end)

    in_quote = [False] * n_tok
    seg_tokens: list[tuple[int, int]] = []
    for seg in segments:
        lo, hi = tok_range(seg.start, seg.end)
        seg_tokens.append((lo, hi))
        for i in range(lo, hi):
            in_quote[i] = True
    sent_of = [0] * n_tok
    sents: list[Span] = list(doc.sents)
    for k, sent in enumerate(sents):
        for i in range(sent.start, sent.end):
            sent_of[i] = k

    resolver = _Resolver(doc, entities, in_quote)
    cues = [c for c in _find_cues(doc) if not in_quote[c.token.i]]
    for c in cues:
        if c.subject is None or in_quote[c.subject.i]:
            c.subject = _nearby_name(doc, c.token, in_quote)
    for c in cues:
        resolver.resolve(c, record=not c.nominal)
    cues_by_sent: dict[int, list[_Cue]] = {}
    for c in cues:
        cues_by_sent.setdefault(sent_of[c.token.i], []).append(c)
    cue_at = {c.token.i: c for c in cues}

    quotes: list[Quote] = []
    sent_speaker: dict[int, _Cue] = {}
    for c in cues:
        if c.speaker is not None and not c.nominal:
            sent_speaker[sent_of[c.token.i]] = c
    prev_cue: _Cue | None = None
    last_seg: tuple[int, _Cue | None, str] | None = None  # the previous quote: token end, cue, kind
    last_attr: tuple[int, _Cue] | None = None  # the last quote with a speaker: token end, cue
    reported: dict[int, tuple[int, int]] = {}  # cue token -> the reported clause (char span)
    for c in cues:
        span = _indirect_span(doc, c, in_quote, text)
        if span is not None:
            reported[c.token.i] = span
    for seg, (lo, hi) in zip(segments, seg_tokens, strict=True):
        if hi <= lo:
            continue
        s_first, s_last = sent_of[lo], sent_of[min(hi, n_tok) - 1]
        if hi < n_tok and s_last + 1 < len(sents) and sent_of[hi] != s_last:
            nxt = doc[hi] if doc[hi].is_quote else None
            if nxt is not None and hi + 1 < n_tok and doc[hi + 1].is_lower:
                s_last += 1
        cue: _Cue | None = None
        if seg.continues and prev_cue is not None:
            cue = prev_cue
        else:
            standalone = _standalone(doc, text, seg, lo, hi, sents[s_first])
            cue = _adjacent_cue(doc, text, seg, hi, cue_at) or _governing_cue(
                doc, lo, hi, cue_at, cues_by_sent, range(s_first, s_last + 1), text, seg, standalone
            )
            if cue is None:
                # a quoted fragment inside the reported clause of a cue: "X said history shows a “stable” ..."
                for k in range(s_first, s_last + 1):
                    for c in cues_by_sent.get(k, []):
                        span = reported.get(c.token.i)
                        if span is not None and span[0] <= seg.start and seg.end <= span[1] + 1:
                            cue = c
            if cue is None and s_last + 1 < len(sents) and hi < n_tok and doc[hi].is_quote:
                # “... strong!” Trump posted on social media. After a full stop only a bare cue ("Trump
                # said.") attributes the quote; "Ohio Gov. John Kasich said he would ..." is a new sentence.
                for c in cues_by_sent.get(s_last + 1, []):
                    near = c.token.i - hi <= 4 or (c.subject is not None and 0 < c.subject.left_edge.i - hi <= 3)
                    bare = not any(ch.dep_ in ("ccomp", "xcomp", "dobj") for ch in c.token.children)
                    if text[seg.end - 1] == "." and not bare:
                        continue
                    if near and c.token.i > hi and "\n" not in text[seg.end : c.token.idx]:
                        cue = c
                        break
        split = False
        if (cue is None or cue.speaker is None) and last_seg is not None:
            # “X,” Axelrod tweeted, “Y”: the second part of a quote split by its cue
            p_hi, p_cue, p_kind = last_seg
            if (
                p_cue is not None
                and p_cue.speaker is not None
                and p_hi <= p_cue.token.i < lo <= p_hi + 14
                and "\n" not in text[doc[p_hi - 1].idx : seg.start]
            ):
                cue, split = p_cue, p_kind == "direct"
        standalone = split or _standalone(doc, text, seg, lo, hi, sents[s_first])
        kind = _kind(doc, lo, hi, cue, standalone, seg)
        if (cue is None or cue.speaker is None) and kind == "direct" and lo >= 2:
            prev = sent_speaker.get(sent_of[lo - 2]) if sent_of[lo - 2] < s_first else sent_speaker.get(s_first - 1)
            prev = prev if prev is not None and prev.token.i < lo else None
            intro = _introduced(doc, text, seg, lo, cues_by_sent, sent_of, resolver)
            if intro is not None:
                cue = intro
            elif prev is not None and _same_or_next_paragraph(text, prev.token.idx, seg.start):
                cue = prev
            else:
                cue = _signed(doc, text, seg, hi, resolver) or cue
        if kind == "term":
            said = _characterized_by(doc, lo, hi, in_quote, resolver, entities)
            if said is not None:
                # "Weaver dismissed that suggestion as a sign of a campaign in “disarray”": a person's word
                quotes.append(_quote(text, seg.start, seg.end, "partial", said))
            else:
                quotes.append(Quote(text[seg.start : seg.end], seg.start, seg.end, "term"))
            continue
        weak = None
        if cue is None or cue.speaker is None:
            # no speech verb: the quote's words are the subject's ("Clinton supports “fair pay”",
            # "Clinton has since apologized: “...”"); never carried on to later quotes
            weak = _subject_cue(doc, lo, hi, in_quote, resolver)
        if weak is not None:
            quotes.append(_quote(text, seg.start, seg.end, kind, weak))
            prev_cue, last_seg = None, None
            continue
        if (
            (cue is None or cue.speaker is None)
            and kind == "direct"
            and last_attr is not None
            and _continues(doc, text, last_attr[0], lo, in_quote, sent_of[last_attr[1].token.i], sent_of)
        ):
            cue = last_attr[1]
        if cue is not None and cue.speaker is not None:
            last_attr = (hi, cue)
        if cue is not None and cue.speaker is not None:
            for k in (*range(s_first, s_last + 1), sent_of[cue.token.i]):
                sent_speaker[k] = cue
        prev_cue = cue
        last_seg = (hi, cue, kind)
        quotes.append(_quote(text, seg.start, seg.end, kind, cue))

    # indirect quotes: clausal complements of reporting verbs, and "according to X, ..."
    for c in cues:
        span = reported.get(c.token.i)
        if span is None:
            continue
        s, e = _strip(text, *span)
        if e - s > 10:
            quotes.append(_quote(text, s, e, "indirect", c))
        sent_speaker.setdefault(sent_of[c.token.i], c)
    quotes.sort(key=lambda q: (q.start, q.end))
    return quotes


def _quote(text: str, start: int, end: int, kind: str, cue: _Cue | None) -> Quote:
    if cue is None:
        return Quote(text[start:end], start, end, kind)  # type: ignore[arg-type]
    return Quote(
        text[start:end],
        start,
        end,
        kind,  # type: ignore[arg-type]
        speaker=cue.speaker,
        speaker_start=cue.speaker_start if cue.speaker else None,
        speaker_end=cue.speaker_end if cue.speaker else None,
        cue=text[cue.token.idx : cue.end],
        cue_start=cue.token.idx,
        cue_end=cue.end,
        speaker_entity=cue.speaker_entity,
    )


def _subject_cue(doc: Doc, lo: int, hi: int, in_quote: list[bool], resolver: _Resolver) -> _Cue | None:
    """The subject of the verb that governs a quote, when that verb is no speech cue."""
    node = doc[(lo + hi - 1) // 2]
    for _ in range(MAX_ANCESTOR_STEPS):
        if node.head is node:
            break
        node = node.head
        if lo <= node.i < hi or in_quote[node.i]:
            continue
        if node.pos_ in ("VERB", "AUX"):
            break
    else:
        return None
    if node.pos_ not in ("VERB", "AUX") or lo <= node.i < hi or in_quote[node.i]:
        return None
    subj = _subject(node)
    if subj is None or in_quote[subj.i] or subj.pos_ not in ("PROPN", "NOUN", "PRON"):
        return None
    cue = _Cue(node, node.idx + len(node), subj)
    resolver.resolve(cue, record=False)
    return cue if cue.speaker is not None else None


def _characterized_by(
    doc: Doc, lo: int, hi: int, in_quote: list[bool], resolver: _Resolver, entities: list[Entity]
) -> _Cue | None:
    """A short quoted phrase that a named person uses of something ("X dismissed it as “disarray”"):
    the person's words, unless a term marker ("so-called", "titled") stands before it."""
    if lo >= 2 and doc[lo - 2].lower_ in TERM_CUES:
        return None
    cue = _subject_cue(doc, lo, hi, in_quote, resolver)
    if cue is None or cue.speaker_entity is None or entities[cue.speaker_entity].type != "person":
        return None
    return cue


def _introduced(
    doc: Doc,
    text: str,
    seg: _Segment,
    lo: int,
    cues_by_sent: dict[int, list[_Cue]],
    sent_of: list[int],
    resolver: _Resolver,
) -> _Cue | None:
    """The clause before a colon that opens the quote, in its paragraph or closing the one before:
    "Cruz continued:", "Republican pollster Daron Shaw: “...”", "Trump issued the following statement:"."""
    mark = seg.start - 1
    while mark > 0 and text[mark].isspace():
        mark -= 1
    if mark <= 0 or text[mark] not in '“"':
        return None
    before = text[:mark].rstrip()
    if not before.endswith(":"):
        return None
    colon = resolver.tokens(len(before) - 1, len(before))[0]
    if colon >= len(doc) or doc[colon].text != ":":
        return None
    k = sent_of[colon]
    for cands in (cues_by_sent.get(k, []), cues_by_sent.get(k - 1, [])):
        named = [
            c
            for c in cands
            if c.speaker is not None
            and c.token.i < colon
            and not any(doc[i].text in (".", "?", "!") for i in range(c.token.i, colon))
        ]
        if named:
            return named[-1]
        if cands:
            break
    # a name right before the colon: "Rep. Trey Gowdy (R-S.C.): “...”", "doesn't surprise pollster Daron Shaw:"
    t = colon - 1
    if t >= 0 and doc[t].text == ")":
        t = next((u - 1 for u in range(t - 1, max(-1, t - 10), -1) if doc[u].text == "("), t)
    if t >= 0 and resolver.ent_of[t] >= 0 and resolver.entities[resolver.ent_of[t]].type in ("person", "organization"):
        cue = _Cue(doc[colon], doc[colon].idx + 1, doc[t])
        resolver.resolve(cue)
        if cue.speaker is not None:
            return cue
    # "Trump issued the following statement:": the subject of the introducing sentence, when a name
    root = _clause_verb(doc, colon - 1, resolver.in_quote)
    subj = _subject(root) if root is not None else None
    if root is None or subj is None or subj.pos_ not in ("PROPN", "NOUN") or resolver.in_quote[subj.i]:
        return None
    cue = _Cue(root, root.idx + len(root), subj)
    resolver.resolve(cue, record=False)
    if cue.speaker is None or (subj.pos_ == "NOUN" and cue.speaker_entity is None):
        return None  # "The message was clear:" names nobody
    resolver.history.append(cue)
    return cue


def _clause_verb(doc: Doc, i: int, in_quote: list[bool]) -> Token | None:
    """The verb of the clause that token ``i`` ends (the parse may join it to the quote after it)."""
    node = doc[i]
    for _ in range(12):
        if node.pos_ in ("VERB", "AUX") and not in_quote[node.i]:
            return node
        if node.head is node or node.head.i > i:
            break
        node = node.head
    return None


def _continues(
    doc: Doc, text: str, p_hi: int, lo: int, in_quote: list[bool], cue_sent: int, sent_of: list[int]
) -> bool:
    """Only the last attribution lies between the last attributed quote and this one (quote-only
    paragraphs, "“X,” she said. “Y.”"), or both are in one paragraph: the same speaker goes on."""
    if "\n" not in text[doc[p_hi - 1].idx : doc[lo].idx]:
        return True
    for i in range(p_hi, lo):
        if in_quote[i] or doc[i].is_punct or doc[i].is_space or sent_of[i] == cue_sent:
            continue
        # a sentence about the speaker in between: "“We will build a wall,” Trump added. He then had a
        # question for the crowd. / “Who's going to pay for it?”"
        subj = next((c for c in doc[i].sent.root.children if c.dep_ in SUBJECT_DEPS), None)
        if subj is None or subj.lower_ not in ("he", "she") or doc[i].sent.end > lo:
            return False
    return True


def _signed(doc: Doc, text: str, seg: _Segment, hi: int, resolver: _Resolver) -> _Cue | None:
    """A quote-only paragraph signed by the next one: "- Bernie Sanders." (fact-check layout)."""
    end = text.find("\n", seg.end)
    if end < 0 or text[seg.end : end].strip() not in ("”", '"', ""):
        return None
    nxt_start = end
    while nxt_start < len(text) and text[nxt_start].isspace():
        nxt_start += 1
    nxt_end = text.find("\n", nxt_start)
    nxt_end = len(text) if nxt_end < 0 else nxt_end
    line = text[nxt_start:nxt_end].strip()
    signer = line.split(",")[0]  # "-President Obama, tweeting after Clinton's speech."
    if line[:1] not in ("-", "–", "—") or len(signer.split()) > 6:
        return None
    lo_t, hi_t = resolver.tokens(nxt_start, nxt_start + len(signer))
    names = [i for i in range(lo_t, hi_t) if doc[i].pos_ == "PROPN"]
    if not names:
        return None
    head = doc[names[-1]]
    cue = _Cue(doc[lo_t], doc[lo_t].idx + len(doc[lo_t]), head)
    resolver.resolve(cue)
    return cue if cue.speaker is not None else None


def _same_or_next_paragraph(text: str, a: int, b: int) -> bool:
    return text.count("\n\n", a, b) <= 1


def _adjacent_cue(doc: Doc, text: str, seg: _Segment, hi: int, cue_at: dict[int, _Cue]) -> _Cue | None:
    """ "“...,” Trump said" / "“...?” said Trump": the attribution right after the closing mark, which
    the parse may hang under a later verb ("..., Trump said, after Quick said ...")."""
    ending = text[seg.end - 1]
    if ending not in ",?!—–":
        return None
    n = len(doc)
    j = hi
    while j < n and j <= hi + 1 and (doc[j].is_quote or doc[j].text == ","):
        j += 1
    if j >= n or (ending in "?!" and doc[j].is_title and doc[j].pos_ != "PROPN"):
        return None  # “Why now?” She replied ...: a new sentence
    for k in range(j, min(n, j + 10)):
        tok = doc[k]
        if "\n" in tok.text or tok.is_quote or tok.text in (".", ";", ":", "(", ")"):
            return None
        cue = cue_at.get(k)
        if cue is not None and not cue.nominal:
            subj = cue.subject
            if cue.token.tag_ == "VBG" or not (k == j or (subj is not None and subj.i < k and subj.left_edge.i >= j)):
                return None
            if ending in "?!" and _introduces_quote(doc, k):
                return None  # “Why now?” Mills then writes back, “You look cute.”
            return cue
    # a long subject: "“...,” Texas delegate Bill Eastland, wearing a cowboy hat and “Ted Cruz” pins, said"
    for k in range(j + 10, min(n, j + 40)):
        if "\n" in doc[k].text:
            break
        cue = cue_at.get(k)
        if cue is not None and not cue.nominal:
            subj = cue.subject
            return cue if subj is not None and subj.i < k and subj.left_edge.i == j else None
    return None


def _introduces_quote(doc: Doc, k: int) -> bool:
    for i in range(k + 1, min(len(doc), k + 12)):
        if doc[i].text in (".", "\n") or "\n" in doc[i].text:
            return False
        if doc[i].is_quote:
            return True
    return False


def _governing_cue(
    doc: Doc,
    lo: int,
    hi: int,
    cue_at: dict[int, _Cue],
    cues_by_sent: dict[int, list[_Cue]],
    sent_range: range,
    text: str,
    seg: _Segment,
    standalone: bool,
) -> _Cue | None:
    # a cue among the ancestors of the quote's tokens; a fragment inside nested reported speech
    # belongs to the outermost report ("Israel said Clinton called on members to be “closely coordinated”")
    for i in (lo, (lo + hi) // 2, hi - 1):
        node = doc[i]
        found: _Cue | None = None
        for _ in range(MAX_ANCESTOR_STEPS):
            if node.i in cue_at and not (lo <= node.i < hi):
                cue = cue_at[node.i]
                if "\n" in text[min(cue.token.idx, seg.start) : max(cue.token.idx, seg.end)]:
                    break
                if standalone:
                    return cue
                if found is None or cue.speaker is not None:
                    found = cue
            if node.head is node or (
                found is not None and found.speaker is not None and node.dep_ not in ("ccomp", "xcomp")
            ):
                break  # out of the reported clause: "Xi called for ..., and Trump said the call was “very good”"
            node = node.head
        if found is not None:
            return found
    # else the nearest cue in the quote's sentences, within its paragraph; a quoted fragment only
    # takes a main-clause cue: "The two spoke about Ukraine, she said, but “the focus was ...”"
    best: tuple[int, _Cue] | None = None
    for k in sent_range:
        for cue in cues_by_sent.get(k, []):
            if cue.nominal:
                continue
            framing = cue.token.lower_ in ("put", "puts", "according")  # "as X put it, “...”"
            if not standalone and not framing and (cue.token.dep_ not in ("ROOT", "parataxis") or cue.speaker is None):
                continue
            ci = cue.token.i
            dist = lo - ci if ci < lo else ci - hi
            if cue.speaker is None:
                dist += 1000  # a cue that names its speaker first
            if "\n" in text[min(cue.token.idx, seg.start) : max(cue.token.idx, seg.end)]:
                continue
            if best is None or dist < best[0]:
                best = (dist, cue)
    return best[1] if best else None


def _standalone(doc: Doc, text: str, seg: _Segment, lo: int, hi: int, sent: Span) -> bool:
    """The quote stands as a statement: it opens its sentence or paragraph, or follows "said:"/"said,"."""
    if seg.continues:
        return True
    before = text[sent.start_char : seg.start].rstrip("“\"‘' \t")
    para = text.rfind("\n", 0, seg.start)
    if para >= sent.start_char or before.strip() == "":
        return True
    last = before.rstrip()[-1:]
    first = text[seg.start : seg.start + 1]
    if last == ":":
        return True
    if last == "," and first.isupper():
        return True
    words = before.split()
    return bool(words) and words[-1].lower() == "that" and first.isupper() and hi - lo >= 6


def _kind(doc: Doc, lo: int, hi: int, cue: _Cue | None, standalone: bool, seg: _Segment) -> str:
    n = sum(1 for i in range(lo, hi) if not doc[i].is_punct)
    has_verb = any(doc[i].pos_ in ("VERB", "AUX") for i in range(lo, hi))
    prev = doc[lo - 2] if lo >= 2 else None  # lo - 1 is the opening mark
    short_phrase = n <= MAX_TERM_TOKENS and not has_verb and prev is not None
    if (
        short_phrase
        and prev is not None
        # after "so-called"/"dubbed", or after a determiner when no speech cue governs the phrase
        and (prev.lower_ in TERM_CUES or (prev.dep_ == "det" and n <= 3 and not standalone and cue is None))
    ):
        return "term"
    if standalone and (has_verb or n >= 4 or cue is not None or seg.continues):
        return "direct"
    if cue is None and n <= MAX_TERM_TOKENS + 1:
        return "term"
    return "partial"


def _indirect_span(doc: Doc, cue: _Cue, in_quote: list[bool], text: str | None = None) -> tuple[int, int] | None:
    token = cue.token
    if token.pos_ == "NOUN":
        return None  # a nominal cue ("Trump's claim that ...") marks quoted words, not a reported clause
    text = doc.text if text is None else text
    para_lo = text.rfind("\n", 0, token.idx) + 1
    para_hi = text.find("\n", token.idx)
    para_hi = len(text) if para_hi < 0 else para_hi
    if token.lower_ == "according":
        sent = token.sent
        s_lo, s_hi = sent.start, sent.end
        while s_lo < token.i and doc[s_lo].idx < para_lo:
            s_lo += 1
        while s_hi > token.i + 1 and doc[s_hi - 1].idx >= para_hi:
            s_hi -= 1
        prep = token if token.dep_ == "prep" else token.head if token.head.dep_ == "prep" else token
        skip_lo, skip_hi = prep.left_edge.i, prep.right_edge.i
        if skip_lo <= s_lo:
            lo, hi = skip_hi + 1, s_hi
        elif skip_hi >= s_hi - 2:
            lo, hi = s_lo, skip_lo
        else:
            return None
    elif token.lower_ in REPORTING_VERBS:
        comp = next((c for c in token.children if c.dep_ == "ccomp"), None)
        if comp is None:
            return None
        lo, hi = comp.left_edge.i, comp.right_edge.i + 1
        if hi - lo < 3:
            return None
    else:
        return None
    while lo < hi and doc[lo].idx < para_lo:
        lo += 1
    while hi > lo and doc[hi - 1].idx >= para_hi:
        hi -= 1
    while lo < hi and (doc[lo].is_punct or doc[lo].lower_ == "that"):
        lo += 1
    while hi > lo and (doc[hi - 1].is_punct or doc[hi - 1].is_space):
        hi -= 1
    if hi - lo < 3:
        return None
    inside = sum(1 for i in range(lo, hi) if in_quote[i])
    if inside > (hi - lo) / 2:
        return None  # the complement is a direct quote
    if not any(doc[i].pos_ in ("VERB", "AUX") for i in range(lo, hi)):
        return None
    return doc[lo].idx, doc[hi - 1].idx + len(doc[hi - 1])
