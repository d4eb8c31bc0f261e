"""Step 3, speakers: pronouns. "he"/"she" take the last compatible speaker of the paragraph unless a person
of that gender was introduced since (a main-clause subject, a name opening its sentence), else the nearest
compatible person; "they" the last group speaker or the nearest plural subject naming people; "it" the issuer
of the document last named; "I" the author of a first-person piece."""

from __future__ import annotations

import bisect
from typing import TYPE_CHECKING

from worker.pipeline.extract.quotes.antecedents import animate, is_subject, main_subject, salient
from worker.pipeline.extract.quotes.cues import Cue
from worker.pipeline.extract.quotes.rules import (
    DOCUMENT_NOUNS,
    FEMALE_PRONOUNS,
    MALE_PRONOUNS,
    ORG_PRONOUNS,
    PRONOUNS,
    SUBJECT_DEPS,
)

if TYPE_CHECKING:
    from worker.pipeline.extract.quotes.speakers import Resolver


def resolve_pronoun(r: Resolver, cue: Cue, low: str) -> None:
    if low in MALE_PRONOUNS or low in FEMALE_PRONOUNS:
        want = "m" if low in MALE_PRONOUNS else "f"
        para_floor = r.paragraph_floor(cue.token.i)
        # the last attribution's speaker, when compatible
        last: Cue | None = None
        for prev in reversed(r.earlier(cue)[-4:]):
            if prev.token.i < para_floor:
                break
            if prev.speaker is not None and prev.is_person and prev.gender in (None, want):
                last = r.outer(prev, want) or prev
                break
        # the nearest person named as a subject since then: a newly introduced speaker
        k = bisect.bisect_left(r.person_at, (cue.token.i, -1))
        recent = [(pos, n) for pos, n in r.person_at[max(0, k - 40) : k] if pos >= para_floor]
        recent = [(pos, n) for pos, n in recent if r.gender.get(n) in (None, want)]
        subjects = [(pos, n) for pos, n in recent if is_subject(r.doc, pos)]
        # a newly introduced speaker: the main-clause subject of a sentence since the last attribution
        # ("Asked whether Clinton wins, she replied" keeps the last speaker)
        sent_start = r.doc[cue.token.i].sent.start
        newer = [
            (pos, n)
            for pos, n in recent
            if (last is None or pos > last.token.i)
            and (
                pos < sent_start
                or main_subject(r.doc, pos)
                or r.introduces(pos, cue)
                # "Rep. Devin Nunes, ..., didn't second-guess ..., but he did call for ...": a clause joined to
                # the one the name opens
                or (cue.token.dep_ == "conj" and r.opens_sentence(pos))
            )
            and ((is_subject(r.doc, pos) and main_subject(r.doc, pos)) or r.opens_sentence(pos))
        ]
        asked = r.asked(last, cue, want)
        if asked is not None:
            r.set(cue, asked)
        elif last is not None and not (newer and (last.speaker_entity is None or newer[-1][1] != last.speaker_entity)):
            if last.speaker_entity is not None:
                r.set(cue, last.speaker_entity)
            else:
                cue.speaker, cue.is_person = last.speaker, True  # a name the entity pass missed
        elif newer and last is not None:
            r.set(cue, newer[-1][1])  # the person introduced since the last attribution
        elif subjects or recent:
            # a main-clause subject over one inside a subordinate clause ("He dismisses claims that Trump ...")
            # a name that opens its sentence counts even where the parse made it no subject ("Trump, when
            # asked about ..., often steam-rolls")
            mains = [(pos, n) for pos, n in recent if main_subject(r.doc, pos) or r.opens_sentence(pos)]
            r.set(cue, (mains or subjects or [salient(r.doc, recent)])[-1][1])
        else:
            # nothing in reach: the last compatible speaker, else the nearest compatible person
            for prev in reversed(r.earlier(cue)[-12:]):
                if prev.speaker_entity is not None and prev.is_person and prev.gender in (None, want):
                    r.set(cue, prev.speaker_entity)
                    break
            else:
                older = [n for _, n in r.person_at[max(0, k - 40) : k] if r.gender.get(n) in (None, want)]
                if older:
                    r.set(cue, older[-1])
        if cue.speaker is not None:
            cue.is_person = True  # "she" says so, whatever the entity pass typed ("Fiorina" as an organization)
            cue.gender = cue.gender or want
    elif low == "i" and r.author is not None:
        cue.speaker, cue.is_person = r.author, True  # the writer of a first-person piece
    elif low in ORG_PRONOUNS:
        for prev in reversed(r.earlier(cue)[-2:]):
            # the body that reported the last attribution ("The Post reported that Klein said ... It added")
            prev = _body_reporting(r, prev) or prev
            if prev.speaker_entity is not None and not prev.is_person:
                r.set(cue, prev.speaker_entity)
                return
            break
        if low == "it":
            _document_pronoun(r, cue)
        else:
            _plural_antecedent(r, cue)


def _body_reporting(r: Resolver, cue: Cue) -> Cue | None:
    """The attribution of a body (not a person) whose reported clause holds ``cue``."""
    return r.reporting(cue, lambda c: c.speaker_entity is not None and not c.is_person)


def _plural_antecedent(r: Resolver, cue: Cue) -> None:
    """ "Senate Democrats blocked the bill because they said ...": "they" is the nearest plural subject
    before it, in its paragraph or the one before."""
    assert cue.subject is not None
    floor = r.paragraph_floor(cue.subject.i)
    for i in range(cue.subject.i - 1, floor - 1, -1):
        tok = r.doc[i]
        if r.in_quote[i] or tok.dep_ not in SUBJECT_DEPS or tok.lower_ in PRONOUNS:
            continue
        plural = tok.tag_ in ("NNS", "NNPS") or any(c.dep_ == "conj" for c in tok.children)
        if plural and animate(tok):
            r.speak_for(cue, tok)
            return


def _document_pronoun(r: Resolver, cue: Cue) -> None:
    """ "The email includes a photo ... At the bottom it reads, “...”": the issuer of the document last named."""
    floor = r.paragraph_floor(cue.token.i)
    for i in range(cue.token.i - 1, floor - 1, -1):
        tok = r.doc[i]
        if tok.pos_ == "NOUN" and tok.lower_ in DOCUMENT_NOUNS and not r.in_quote[i]:
            issued = r.issued_by(tok, cue.token)
            if issued is not None and issued.lower_ not in PRONOUNS:
                r.speak_for(cue, issued)
            return
