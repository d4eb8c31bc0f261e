"""Step 4, a quote inside a sentence: the subject of the verb that governs it ("Trump touted “...”"), or a
person characterizing something with it ("X dismissed it as “disarray”"), not a title or a venue."""

from __future__ import annotations

from spacy.tokens import Doc, Token

from worker.pipeline.extract.model import Entity
from worker.pipeline.extract.quotes.cues import Cue
from worker.pipeline.extract.quotes.rules import (
    AS_VERBS,
    COMPLEMENT_DEPS,
    MAX_ANCESTOR_STEPS,
    NAMING_VERBS,
    PARTY_WORDS,
    PERSON_NOUNS,
    SUBJECT_DEPS,
    TERM_CUES,
)
from worker.pipeline.extract.quotes.speakers import Resolver
from worker.pipeline.extract.quotes.subjects import may_speak, person_noun, subject_of

VENUE_PREPS = frozenset({"on", "at", "from"})
# nouns of a demand whose possessor uses the words: "his call for “a total and complete ban”"
CALL_NOUNS = frozenset({"call", "calls"})
# entities that may use a word: not a place, a date or a work
SPEAKING_TYPES = frozenset({"person", "organization", "group"})


def subject_cue(
    doc: Doc, lo: int, hi: int, in_quote: list[bool], resolver: Resolver, before: bool = True
) -> Cue | None:
    """The subject of the verb that governs a quote, when that verb is no speech cue; with ``before``, else
    the subject of the clause the quote follows."""
    cue = _subject_cue_from(doc, (lo + hi - 1) // 2, lo, hi, in_quote, resolver)
    return cue if cue is not None or not before else _subject_cue_from(doc, lo - 2, lo, hi, in_quote, resolver, True)


def _subject_cue_from(
    doc: Doc, start: int, lo: int, hi: int, in_quote: list[bool], resolver: Resolver, before: bool = False
) -> Cue | None:
    """From token ``start`` up to the first verb outside the quote. ``before``: start at the word before the
    opening mark, for a quote the parse gave a root of its own ("McCrory blamed the court's “four liberal
    justices [who] blocked ...”")."""
    if before and (start < 0 or in_quote[start] or doc[start].is_punct or doc[start].is_space):
        return None
    node = doc[start]
    for _ in range(MAX_ANCESTOR_STEPS):
        if before and node.pos_ in ("VERB", "AUX"):
            break  # "Trump touted “...”": the word before the mark is the verb
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
    governing = node
    while not in_quote[node.head.i] and not (node.lower_ in TERM_CUES and _active_verb(node)):
        # (a naming verb with a subject of its own names the thing: "shedding what Gilbert called “...”")
        if node.dep_ in COMPLEMENT_DEPS and node.head.pos_ in ("VERB", "AUX"):
            # the quote is in a clause someone reports: "Ryan worried that the safety net was becoming “a hammock”"
            # is Ryan's, not the safety net's
            node = node.head
        elif node.dep_ == "acl" and node.head.dep_ == "dobj" and node.head.head.pos_ == "VERB":
            node = node.head.head  # "Clinton expressed confidence that the server would not be an issue “...”"
        else:
            break
    subj = subject_of(node)
    if subj is None and node is not governing:
        # a parse that made the clause the complement of a later verb with no subject ("Clinton supports “...,”
        # opposes “...”"): the verb that governs the quote speaks
        named = subject_of(governing)
        if named is not None and named.pos_ in ("PROPN", "PRON"):
            node, subj = governing, named
    if subj is None:
        # a verb with no subject after a clause the parse made its complement: "Clinton supports “...,” opposes “...”"
        prior = next((c for c in node.children if c.dep_ == "ccomp" and c.i < node.i), None)
        earlier = subject_of(prior) if prior is not None else None
        if prior is not None and earlier is not None and earlier.pos_ in ("PROPN", "PRON"):
            node, subj = prior, earlier
    if subj is None or in_quote[subj.i] or subj.pos_ not in ("PROPN", "NOUN", "PRON"):
        return None
    cue = Cue(node, node.idx + len(node), subj)
    resolver.resolve(cue, record=False)
    return cue if cue.speaker is not None else None


def characterized_by(
    doc: Doc, lo: int, hi: int, in_quote: list[bool], resolver: Resolver, entities: list[Entity]
) -> Cue | None:
    """A short quoted phrase that a named person uses of something ("X dismissed it as “disarray”"):
    the person's words, unless a term marker ("so-called", "titled") stands before it."""
    marker = doc[lo - 2] if lo >= 2 else None
    if marker is not None and marker.lower_ in TERM_CUES and not _active_verb(marker) and marker.pos_ != "NOUN":
        # "the so-called “X”", "a film called “X”"; but "who he dubbed “the little senator”", and a person who
        # uses or shuns "the term “X”" ("Clinton promised to stop using the phrase “illegal immigrant”")
        return None
    if _title(doc, lo, hi) and _venue(doc, lo, hi):
        return None  # a show or a place: "Sanders appeared on “The View”", "a party at the “Red Neck Country Club”"
    cue = subject_cue(doc, lo, hi, in_quote, resolver, before=False)
    if cue is None or cue.subject is None:
        return None
    if cue.speaker_entity is None and (
        not person_noun(cue.subject) or cue.subject.dep_ not in SUBJECT_DEPS or _title(doc, lo, hi)
    ):
        # a description of a person that is the verb's subject may use the word too: "the GOP nominee portrayed
        # them as “...”"; but not "the senator appeared on “The Late Show with ...”", nor "portrayed him as a
        # generous executive who would be “...”"
        return None
    if cue.speaker_entity is not None and entities[cue.speaker_entity].type != "person":
        return None
    if cue.subject is not None and cue.subject.i >= hi and not any(doc[i].head == cue.token for i in range(lo, hi)):
        # a title before the person, no word of theirs: "“Broad City” star Arturo Castro", "On “This Week,” Sanders
        # said"; but "“Denver,” he answered"
        return None
    return cue


def framed_by(
    doc: Doc, lo: int, hi: int, in_quote: list[bool], resolver: Resolver, entities: list[Entity]
) -> Cue | None:
    """Someone who names or casts a thing with the quoted words, person or body: "the bar association deemed
    him “well qualified”", "the committee dubbed them as “...”", "labeled as a “witch hunt” by Democrats".
    The words are the object complement of a naming verb, the object of its "as", or what a person's call is
    for ("his call for “a full audit”"); never a title."""
    head = _phrase_head(doc, lo, hi)
    call = head.head.head if head.dep_ == "pobj" and head.head.lower_ == "for" else None
    if call is not None and call.lower_ in CALL_NOUNS and call.pos_ == "NOUN" and not _title(doc, lo, hi):
        # "his call for “a total and complete ban”": who calls for it
        speaker = next((c for c in call.children if c.dep_ == "poss"), None)
        return _speaking(Cue(call, call.idx + len(call), speaker), in_quote, resolver, entities)
    framed = _naming_verb(head)
    if framed is None or in_quote[framed[0].i] or _title(doc, lo, hi) or doc[lo - 2].lower_ == "so-called":
        return None
    verb, phrase = framed
    # the agent of a passive, also where the parse hung "by X" on the phrase ("called “...” by Joshua Hendrick")
    by = [c for c in verb.children if c.dep_ == "agent"] or [
        c for c in phrase.children if c.lower_ == "by" and c.i >= hi and _passive(verb)
    ]
    if by:
        speaker = next((c for c in by[0].children if c.dep_ == "pobj"), None)
    elif _passive(verb):
        return None  # "a film called “...”", "known as “...”": nobody is said to use the words
    else:
        speaker = subject_of(verb)
    return _speaking(Cue(verb, verb.idx + len(verb), speaker), in_quote, resolver, entities)


def _speaking(cue: Cue, in_quote: list[bool], resolver: Resolver, entities: list[Entity]) -> Cue | None:
    """The cue when its subject resolves to a person, a body or a description of one."""
    speaker = cue.subject
    if speaker is None or in_quote[speaker.i]:
        return None
    resolver.resolve(cue, record=False)
    if cue.speaker is None:
        return None
    if cue.speaker_entity is not None:
        return cue if entities[cue.speaker_entity].type in SPEAKING_TYPES else None
    # "a strategy that banks on presenting herself as “...”": a strategy names nothing
    low = speaker.lower_
    plural_person = low.endswith("s") and low[:-1] in PERSON_NOUNS
    return cue if may_speak(speaker) or low in PARTY_WORDS or plural_person else None


def _phrase_head(doc: Doc, lo: int, hi: int) -> Token:
    """The head of the noun phrase the quoted words are or modify ("as a “law and order” candidate")."""
    head = next((doc[i] for i in range(lo, hi) if not lo <= doc[i].head.i < hi), doc[lo])
    while head.dep_ in ("amod", "compound", "nmod") and head.head.pos_ in ("NOUN", "PROPN"):
        head = head.head
    return head


def _naming_verb(head: Token) -> tuple[Token, Token] | None:
    """The verb whose object complement, or the object of whose "as", the phrase ``head`` is; and the phrase."""
    if head.dep_ == "oprd" and head.head.lower_ in NAMING_VERBS:
        return head.head, head
    if head.dep_ in ("pobj", "amod") and head.head.lower_ == "as" and head.head.dep_ == "prep":
        verb = head.head.head
        if verb.dep_ == "dobj" or (verb.dep_ == "pobj" and verb.head.dep_ == "agent"):
            verb = verb.head.head if verb.dep_ == "pobj" else verb.head  # "seen by organizers as a “...”"
        return (verb, head) if verb.lower_ in AS_VERBS and verb.pos_ == "VERB" else None
    return None


def _passive(verb: Token) -> bool:
    """A passive verb, or a bare participle ("a group known as ...") with no "has"."""
    if any(c.dep_ in ("auxpass", "nsubjpass") for c in verb.children):
        return True
    return verb.tag_ == "VBN" and not any(c.dep_ == "aux" and c.lower_ in ("has", "have", "had") for c in verb.children)


def _venue(doc: Doc, lo: int, hi: int) -> bool:
    """The quoted words name the object of "on", "at" or "from" before them, alone or as a modifier."""
    for i in range(lo, hi):
        node = doc[i]
        if lo <= node.head.i < hi:
            continue
        while node.dep_ in ("nmod", "compound", "amod") and node.head.pos_ in ("NOUN", "PROPN"):
            node = node.head
        if node.dep_ == "pobj" and node.head.lower_ in VENUE_PREPS and node.head.i < lo:
            return True
    return False


def _title(doc: Doc, lo: int, hi: int) -> bool:
    """Words capitalized but for short function words: a title or a name ("The View", "Sin Miedo", "The Late
    Show with Stephen Colbert"), not someone's words."""
    words = [t for t in doc[lo:hi] if t.is_alpha]
    if not words or not words[0].text[0].isupper():
        return False
    return all(t.text[0].isupper() or (t.is_stop and len(t) <= 4) for t in words)


def _active_verb(token: Token) -> bool:
    """A verb with a subject of its own: someone calls the thing so."""
    return token.pos_ == "VERB" and any(c.dep_ == "nsubj" for c in token.children)
