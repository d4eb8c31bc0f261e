"""Who speaks by the voice of a verb: a noun a shouting participle modifies, or none for a passive speech verb's
subject (its target)."""

from __future__ import annotations

from collections.abc import Callable

from spacy.tokens import Token

from worker.pipeline.extract.quotes.rules import (
    NON_SPEAKERS,
    PASSIVE_SPEAKERS,
    READERS,
    SPEECH_VERBS,
    VOCAL_PARTICIPLES,
)


def speaking_noun(verb: Token) -> bool:
    """A participle of a raised voice right after the noun it modifies ("protesters shouting", "crowds chanting",
    "a man yelling"): only what can make a sound speaks."""
    noun = verb.head
    if verb.dep_ != "acl" or verb.lower_ not in VOCAL_PARTICIPLES or noun.i != verb.i - 1:
        return False
    return noun.pos_ in ("NOUN", "PROPN") and noun.lower_ not in NON_SPEAKERS | READERS


def passive_target(node: Token, verb: Token) -> bool:
    """The speech verb's own passive, but "X was quoted as saying", whose subject is the one quoted, and "he's
    said" (has said) the parse read as one."""
    if node is not verb or verb.lower_ not in SPEECH_VERBS or verb.lower_ in PASSIVE_SPEAKERS:
        return False
    return not any(c.dep_ == "auxpass" and c.lower_ in ("'s", "’s") for c in verb.children)


def after_a_report(participle: Token, may_speak: Callable[[Token], bool]) -> bool:
    """A participle after the comma of a reported clause about a thing ("LaRue believed no such conversation
    occurred, saying ..."): the reporting clause's subject says it, not the thing."""
    verb = participle.head
    subj = next((c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    return (
        participle.dep_ == "advcl"
        and participle.tag_ == "VBG"
        and participle.doc[participle.i - 1].text == ","
        and verb.dep_ == "ccomp"
        and verb.head.pos_ in ("VERB", "AUX")
        and subj is not None
        and not may_speak(subj)
    )
