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
    ORG_WORDS,
    PARTY_WORDS,
    PERSON_NOUNS,
    SPEECH_VERBS,
    SUBJECT_DEPS,
    TERM_CUES,
)
from worker.pipeline.extract.quotes.speakers import Resolver
from worker.pipeline.extract.quotes.subjects import may_speak, person_noun, subject_of
from worker.pipeline.extract.quotes.works import names_a_work

VENUE_PREPS = frozenset({"on", "at", "from"})
# nouns of a demand whose possessor uses the words: "his call for “a total and complete ban”"
CALL_NOUNS = frozenset({"call", "calls"})
# entities that may use a word: not a place, a date or a work
SPEAKING_TYPES = frozenset({"person", "organization", "group"})
# how deep in the object of "as" the quoted words may lie, and through which links
AS_PHRASE_STEPS = 5
# how many words may stand between a loosely parsed "called" and the quoted words
LOOSE_CALL_GAP = 10
# how far above the quoted words a speech verb read as an adjective may stand
ADJECTIVE_VERB_STEPS = 4
# how far before its verb the name after a relative pronoun may stand
RELATIVE_NAME_GAP = 6
# speeches whose words are the speaker's, and how far above the quoted words the noun may stand
HARANGUE_NOUNS = frozenset("lament tirade rant diatribe screed harangue broadside".split())
HARANGUE_STEPS = 8
AS_PHRASE_DEPS = frozenset(
    {"pobj", "prep", "pcomp", "dobj", "attr", "acl", "relcl", "conj", "appos", "amod", "compound", "nmod"}
)


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
        elif node.dep_ == "pcomp" and node.head.dep_ == "prep" and node.head.head.dep_ in COMPLEMENT_DEPS:
            node = node.head.head  # "He implied that leaders should be put to death by having “...”": his words
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
    if _title(doc, lo, hi) and (_venue(doc, lo, hi) or names_a_work(doc, lo, hi)):
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
    if doc.text[max(0, doc[lo - 1].idx - 12) : doc[lo - 1].idx].rstrip().lower().endswith("so-called"):
        return None  # "calls it the so-called “winter crunch”" (also split "so - called"): nobody's word
    framed = _naming_verb(head)
    if framed is None and not _title(doc, lo, hi):
        loose = _loose_call(doc, lo) or _verb_read_as_adjective(head) or _harangue(head)
        if loose is not None:
            return _speaking(loose, in_quote, resolver, entities)
    if framed is None or in_quote[framed[0].i]:
        return None
    verb, phrase = framed
    if _title(doc, lo, hi) and (_passive(verb) or subject_of(verb) is None):
        return None  # "a show called “The View”"; but "partners referring to the US as the “Great Satan”"
    # the agent of a passive, also where the parse hung "by X" on the phrase ("called “...” by Joshua Hendrick")
    by = [c for c in verb.children if c.dep_ == "agent"] or [
        c for c in phrase.children if c.lower_ == "by" and c.i >= hi and _passive(verb)
    ]
    if by:
        speaker = next((c for c in by[0].children if c.dep_ == "pobj"), None)
    elif _passive(verb):
        return None  # "a film called “...”", "known as “...”": nobody is said to use the words
    else:
        speaker = _relative_name(verb) or subject_of(verb)
    return _speaking(Cue(verb, verb.idx + len(verb), speaker), in_quote, resolver, entities)


def _loose_call(doc: Doc, lo: int) -> Cue | None:
    """A "called X “...”" the parse read as a participle of a noun, so that the words hang elsewhere: "[Name]'s
    campaign called the report a “rush to judgment”", "[Name], a [role], called the rules “strong”". Only with an
    object between the verb and the words, so never "a film called “...”"; the one who calls is the noun the
    participle hangs on right before it, or after a comma the noun the sentence opens with."""
    verb = next(
        (doc[i] for i in range(lo - 2, max(lo - 2 - LOOSE_CALL_GAP, 0), -1) if doc[i].lower_ in NAMING_VERBS), None
    )
    if verb is None or verb.dep_ not in ("acl", "amod") or verb.i + 1 >= lo - 1:
        return None
    between = doc[verb.i + 1 : lo - 1]
    if between[0].pos_ == "ADP" or any(t.pos_ in ("VERB", "AUX") or t.is_quote or t.text in ".;:" for t in between):
        return None  # "called for “...”", a clause of its own
    if any(c.dep_ in SUBJECT_DEPS for c in verb.children):
        return None
    root = verb.sent.root
    if verb.head.i == verb.i - 1 and verb.head.pos_ in ("NOUN", "PROPN"):
        speaker = verb.head
    elif doc[verb.i - 1].text == "," and root.pos_ in ("NOUN", "PROPN") and root.i < verb.i:
        speaker = root
    else:
        return None
    return Cue(verb, verb.idx + len(verb), speaker)


def _harangue(head: Token) -> Cue | None:
    """The words inside a speech someone delivers: "Trump launched into a lament for the “countless Americans”
    who are “victims of violence”": the subject of the first verb above the words whose object, or the object
    of whose "into" ("went on a rant about"), is a speech noun."""
    node = head
    for _ in range(HARANGUE_STEPS):
        if node.head is node:
            return None
        node = node.head
        if node.pos_ == "VERB":
            break
    else:
        return None
    objects = [c for c in node.children if c.dep_ == "dobj"] + [
        g for c in node.children if c.dep_ == "prep" and c.lower_ in ("into", "in", "on") for g in c.children
    ]
    if not any(o.lower_ in HARANGUE_NOUNS and o.pos_ == "NOUN" for o in objects):
        return None
    return Cue(node, node.idx + len(node), subject_of(node))


def _relative_name(verb: Token) -> Token | None:
    """The name after a relative pronoun that the parse did not make the subject of the past tense verb after it:
    "Bannon, who Beck on Wednesday called “...”"."""
    if verb.tag_ != "VBD":
        return None
    doc = verb.doc
    for i in range(verb.i - 1, max(verb.i - 1 - RELATIVE_NAME_GAP, 0), -1):
        if doc[i].lower_ in ("who", "whom", "which", "that") and doc[i + 1].pos_ == "PROPN":
            name = doc[i + 1]
            while name.i + 1 < verb.i and doc[name.i + 1].pos_ == "PROPN" and doc[name.i + 1].dep_ != "pobj":
                name = doc[name.i + 1]
            rest = doc[name.i + 1 : verb.i]
            if all(t.pos_ in ("ADP", "PROPN", "NOUN", "DET", "ADV", "NUM") for t in rest):
                return name  # only a time or place between: "on Wednesday", "last week"
            return None
    return None


def _verb_read_as_adjective(head: Token) -> Cue | None:
    """A speech verb between two names that the parse read as an adjective of the second, the words hanging on
    that name: "Trump accused Cruz, the senator from Texas, of being “politically correct”"."""
    node = head
    for _ in range(ADJECTIVE_VERB_STEPS):
        if node.head is node:
            return None
        node = node.head
        verb = next((c for c in node.children if c.dep_ == "amod" and c.i == node.i - 1), None)
        if verb is not None and verb.lower_ in SPEECH_VERBS and verb.tag_ in ("VBD", "VBN") and verb.i > 0:
            before = verb.doc[verb.i - 1]
            if before.pos_ == "PROPN" and before.head.i in (node.i, verb.i) and node.pos_ == "PROPN":
                return Cue(verb, verb.idx + len(verb), before)
    return None


def while_saying(
    doc: Doc, lo: int, hi: int, in_quote: list[bool], resolver: Resolver, entities: list[Entity]
) -> Cue | None:
    """Words in the clause of a subject who is speaking in the same breath: "The foundation did not want to address
    “that person,” telling a TV station that ...": the subject of the verb that governs the words, when that verb
    has a speech participle of its own."""
    cue = subject_cue(doc, lo, hi, in_quote, resolver, before=False)
    if cue is None or _title(doc, lo, hi):
        return None
    node = cue.token
    if not any(
        c.dep_ in ("advcl", "xcomp", "conj") and c.tag_ == "VBG" and c.lower_ in SPEECH_VERBS and c.i >= hi
        for c in node.children
    ):
        return None
    return _speaking(cue, in_quote, resolver, entities)


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
    return cue if may_speak(speaker) or low in PARTY_WORDS or low in ORG_WORDS or plural_person else None


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
    head = _in_as_phrase(head)
    if head.dep_ in ("pobj", "pcomp", "amod") and head.head.lower_ == "as" and head.head.dep_ == "prep":
        verb = head.head.head
        if verb.dep_ == "dobj" or (verb.dep_ == "pobj" and verb.head.dep_ == "agent"):
            verb = verb.head.head if verb.dep_ == "pobj" else verb.head  # "seen by organizers as a “...”"
        return (verb, head) if verb.lower_ in AS_VERBS and verb.pos_ == "VERB" else None
    return None


def _in_as_phrase(head: Token) -> Token:
    """The object of "as" whose noun phrase holds ``head`` deeper down ("sees the piece as a return to the
    “...”", "portrayed him as an executive who would be “...”"); else ``head``."""
    node = head
    for _ in range(AS_PHRASE_STEPS):
        if node.dep_ in ("pobj", "pcomp") and node.head.lower_ == "as":
            return node
        if node.dep_ not in AS_PHRASE_DEPS or node.head is node:
            break
        node = node.head
    return head


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
