"""Cues and speakers that the tagger or the parse hid: speech verbs read as nouns, a speaker's phrase hung on the
verb (used by cues.py)."""

from __future__ import annotations

from spacy.tokens import Doc, Token

from worker.pipeline.extract.quotes.rules import GROUPS_OF_PEOPLE, PERSON_NOUNS, RELATION_NOUNS, SPEECH_VERBS

# how far back from the verb the closing mark of the quote may be ("“...,” a voice-over in the ad states")
_PHRASE_MAX = 8


def verb_ending_phrase(doc: Doc, token: Token) -> Token | None:
    """ "“...,” a voice-over in the ad states." / "“...,” the editorial read.": a speech verb tagged as a noun that
    ends the clause right after a quote's closing mark; the head of the words between them speaks."""
    if token.pos_ != "NOUN" or (token.lower_ not in SPEECH_VERBS and token.lower_ not in ("read", "reads")):
        return None
    if token.i + 1 >= len(doc) or doc[token.i + 1].text not in (".", ","):
        return None
    j = token.i - 1
    while j > max(0, token.i - _PHRASE_MAX) and not doc[j].is_quote:
        if doc[j].is_punct and doc[j].text != "-":
            return None
        j -= 1
    if j < 1 or j >= token.i - 1 or not doc[j].is_quote or doc[j - 1].text not in (",", "!", "?"):
        return None
    if any(t.pos_ in ("VERB", "AUX") for t in doc[j + 1 : token.i]):
        return None  # "“fringe candidate,” making air quotes.": a clause, not a phrase naming who
    phrase = range(j + 1, token.i)
    heads = [t for t in doc[j + 1 : token.i] if t.head.i not in phrase or t.head.i == t.i]
    return next(
        (
            t
            for t in heads
            if t.pos_ in ("NOUN", "PROPN") or (t.pos_ == "ADJ" and t.dep_ == "amod" and t.head.i == token.i)
        ),
        None,
    )


def infinitive_read_as_noun(token: Token) -> bool:
    """A speech verb after "to" that the tagger took for a noun, the complement of a verb with an object."""
    return (
        token.pos_ == "NOUN"
        and token.lower_ in SPEECH_VERBS
        and token.dep_ == "xcomp"
        and token.head.pos_ == "VERB"
        and any(c.dep_ == "aux" and c.lower_ == "to" for c in token.children)
    )


def relation_on_verb(head: Token) -> int:
    """ "“...,” said one longtime adviser to Mark Reyes.": the parse hung "to Mark Reyes" on the verb; the last token
    of the relation's phrase after a subject that follows its verb, or the subject's own index."""
    verb, nxt = head.head, head.right_edge.i + 1
    if head.dep_ != "nsubj" or head.lower_ not in RELATION_NOUNS or verb.i > head.i or nxt >= len(head.doc):
        return head.i
    to = head.doc[nxt]
    obj = next((c for c in to.children if c.dep_ == "pobj"), None)
    if to.lower_ != "to" or to.dep_ != "prep" or to.head.i != verb.i or obj is None or obj.ent_type_ != "PERSON":
        return head.i
    return to.right_edge.i


def subject_listed_before(verb: Token) -> Token | None:
    """ "The town still has power, water and connections and officials say they are ...": a finite speech verb
    joined to the clause before with no subject of its own, right after people the parse listed among the
    objects; they are its subject."""
    if verb.dep_ != "conj" or verb.tag_ not in ("VBP", "VBZ", "VBD") or verb.lower_ not in SPEECH_VERBS:
        return None
    if any(c.dep_ in ("nsubj", "nsubjpass") for c in verb.children) or verb.i == 0:
        return None
    noun = verb.doc[verb.i - 1]
    people = noun.lower_ in PERSON_NOUNS or noun.lower_[:-1] in PERSON_NOUNS or noun.lower_ in GROUPS_OF_PEOPLE
    return noun if noun.pos_ == "NOUN" and noun.dep_ == "conj" and noun.head.i < noun.i and people else None
