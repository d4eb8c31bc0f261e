"""Where a he/she looks for its antecedent: subjects, main-clause subjects, and the most salient name of a
sentence (subject > object of the main verb > other, the later one on a tie)."""

from __future__ import annotations

from spacy.tokens import Doc, Token

from worker.pipeline.extract.model import Entity
from worker.pipeline.extract.names import FEMALE_FIRST_NAMES, MALE_FIRST_NAMES, fold
from worker.pipeline.extract.quotes.rules import FEMALE_NOUNS, MALE_NOUNS, PERSON_NOUNS, SUBJECT_DEPS


def main_subject(doc: Doc, i: int) -> bool:
    node = doc[i]
    for _ in range(4):
        if node.dep_ in SUBJECT_DEPS:
            verb = node.head
            return verb.dep_ == "ROOT" or (verb.dep_ == "conj" and verb.head.dep_ == "ROOT")
        if node.dep_ not in ("compound", "flat", "appos") or node.head is node:
            return False
        node = node.head
    return False


def is_subject(doc: Doc, i: int) -> bool:
    node = doc[i]
    for _ in range(4):
        if node.dep_ in SUBJECT_DEPS:
            return True
        if node.dep_ not in ("compound", "flat", "appos") or node.head is node:
            return False
        node = node.head
    return False


def salient(doc: Doc, cands: list[tuple[int, int]]) -> tuple[int, int]:
    """Of the names in the last sentence naming any, the subject ("a worker named Antonio Arroyo"), else an
    object of the main verb, else the last: "The rise of Bannon gave Beck new impetus to oppose Trump. He
    said" is Beck."""
    sent = doc[cands[-1][0]].sent.start

    def rank(i: int) -> int:
        node = doc[i]
        for _ in range(5):
            if node.dep_ in SUBJECT_DEPS:
                return 0
            if node.dep_ in ("dobj", "dative") and node.head.dep_ == "ROOT":
                return 1
            if node.dep_ not in ("compound", "flat", "appos", "oprd", "acl") or node.head.i == node.i:
                break
            node = node.head
        return 2

    return min((c for c in cands if doc[c[0]].sent.start == sent), key=lambda c: (rank(c[0]), -c[0]))


def animate(tok: Token) -> bool:
    """People or bodies, not things: "Senate Democrats", "the groups", "protesters"; not "waivers"."""
    low = tok.lower_
    return (
        tok.pos_ == "PROPN"
        or tok.ent_type_ in ("NORP", "ORG", "PERSON")
        or low.rstrip("s") in PERSON_NOUNS
        or low.endswith(("ists", "ians", "groups", "people"))
    )


def noun_gender(tok: Token) -> str | None:
    low = tok.lower_
    if low in FEMALE_NOUNS or low.endswith("woman"):
        return "f"
    if low in MALE_NOUNS or (low.endswith("man") and low != "human"):
        return "m"
    return None


GIVEN_NAMES = FEMALE_FIRST_NAMES | MALE_FIRST_NAMES


def person_like(doc: Doc, spans: list[tuple[int, int]], words: int) -> bool:
    """A person entity "he"/"she" may refer to: some mention holds a proper noun (not "Nationally" opening a
    sentence), and a one-word name the tagger never calls a person is no body or product ("Twitter") unless it is a
    known given name ("Ivanka" tagged PRODUCT)."""
    toks = [doc[i] for lo, hi in spans for i in range(lo, min(hi, len(doc)))]
    if not any(t.pos_ == "PROPN" for t in toks):
        return False
    return words > 1 or any(t.ent_type_ in ("PERSON", "") or fold(t.text) in GIVEN_NAMES for t in toks)


def who_clause(doc: Doc, end: int) -> bool:
    """The name that ends before token ``end`` has a relative clause with "who" ("Rihanna, who was honored ...")."""
    if not 0 < end <= len(doc):
        return False
    return any(
        c.dep_ == "relcl" and any(w.lower_ == "who" and w.dep_ in SUBJECT_DEPS for w in c.children)
        for c in doc[end - 1].children
    )


def closing_name(doc: Doc, ent_of: list[int], entities: list[Entity], subj: Token, verb: Token) -> Token | None:
    """ "The editor I was talking to, Tim Grieve, interrupted": the person's name set off by commas at the end of
    the subject's relative clause is the subject (the parse hung it inside the clause)."""
    relcl = next((c for c in subj.children if c.dep_ == "relcl"), None)
    k = verb.i - 2
    if subj.pos_ != "NOUN" or relcl is None or k <= subj.i or doc[k + 1].text != ",":
        return None
    n = ent_of[k]
    if n < 0 or entities[n].type != "person" or not relcl.left_edge.i <= k <= relcl.right_edge.i:
        return None
    j = k
    while j > subj.i and ent_of[j - 1] == n:
        j -= 1
    return doc[k] if doc[j - 1].text == "," and doc[k].dep_ != "pobj" else None


def name_after_split_title(
    doc: Doc, ent_of: list[int], entities: list[Entity], subj: Token, verb: Token
) -> Token | None:
    """ "..., mused Blaze co-host Stu Burguiere.": a subject after the verb that the parse cut at a title's hyphen
    ("co" of "co-host") is the person named right after the title."""
    if subj.i <= verb.i or subj.pos_ != "NOUN" or subj.i + 1 >= len(doc) or doc[subj.i + 1].text != "-":
        return None
    for k in range(subj.i + 2, min(subj.i + 5, len(doc))):
        n = ent_of[k]
        if n >= 0 and entities[n].type == "person":
            name = doc[k]
            while name.dep_ == "compound" and name.head.pos_ == "PROPN" and 0 < name.head.i - name.i <= 2:
                name = name.head  # "Stu" + a no-break space + "Burguiere"
            return name
        if doc[k].is_punct and doc[k].text != "-":
            return None
    return None


def name_before_dash(doc: Doc, ent_of: list[int], entities: list[Entity], subj: Token, lo: int, cue: int) -> int | None:
    """ "Jonathan Wright - director of wholesale products at X - told": the parse made the description between the
    dashes the head of the subject; the person named before them speaks (not "than Mr. Trump - 60 percent of
    voters said", where no dash closes an aside). The first dash's token index, or None."""
    if not any(_dash(doc, k) for k in range(subj.i + 1, cue)):
        return None
    for k in range(lo + 1, subj.i):
        if _dash(doc, k) and ent_of[k - 1] >= 0 and entities[ent_of[k - 1]].type == "person":
            return k
    return None


def _dash(doc: Doc, k: int) -> bool:
    """A dash between words, not inside one ("Smith-Jones")."""
    spaced = doc[k].text == "-" and bool(doc[k - 1].whitespace_) and bool(doc[k].whitespace_)
    return spaced or doc[k].text in ("—", "–")


def before_aside(subj: Token, hi: int) -> int:
    """The end of the speaker's words before a clause or appositive set off by a comma or dash at their end
    ("Friends of Kathryn Jenkin, known as Katie, have described ...": the friends, not what she is known as); not
    a name in apposition ("his best friend, Bruce Turry,"), which says who speaks."""
    doc = subj.doc
    while True:
        while hi - 1 > subj.i and (doc[hi - 1].text in (",", ";", ":") or _dash(doc, hi - 1)):
            hi -= 1
        asides = [
            k
            for d in doc[subj.i + 1 : hi]
            if d.dep_ in ("acl", "relcl") or (d.dep_ == "appos" and d.pos_ != "PROPN")
            if subj.i < (k := d.left_edge.i - 1) and d.right_edge.i >= hi - 1
            if doc[k].text in (",", "(") or _dash(doc, k)
        ]
        if not asides:
            return hi
        hi = min(asides)


def who_refers_to(head: Token) -> Token:
    """What a "who" clause the parse hung on ``head`` describes: a person, so not a thing in a prepositional
    phrase after one ("a distraught woman outside the bank, who wept": the woman, not the bank)."""
    node = head
    while node.pos_ == "NOUN" and not animate(node) and node.dep_ == "pobj" and node.head.dep_ == "prep":
        node = node.head.head
        if node.pos_ in ("NOUN", "PROPN") and animate(node):
            return node
    return head


def one_of(subj: Token) -> bool:
    """ "One of Grayson's former supporters": one of a group, not a pronoun."""
    return subj.lower_ == "one" and any(c.dep_ == "prep" and c.lower_ == "of" for c in subj.children)


def own_words(subj: Token, lo: int, hi: int) -> tuple[int, int]:
    """The speaker's words within its own paragraph ("X.\\n\\nFact-checkers noted": the parse ran a stray line into
    the subject)."""
    doc = subj.doc
    lo = max([lo] + [i + 1 for i in range(lo, subj.i) if "\n" in doc[i].text])
    return lo, before_aside(subj, hi)
