"""Step 3, speakers: pronouns. "he"/"she" take the last compatible speaker of the paragraph unless a person
of that gender was introduced since (a main-clause subject, a name opening its sentence), else the nearest
compatible person; "they" the last group speaker or the nearest plural subject naming people; "it" the issuer
of the document last named; "I" the author of a first-person piece."""

from __future__ import annotations

import bisect
from typing import TYPE_CHECKING

from spacy.tokens import Token

from worker.pipeline.extract.quotes.antecedents import animate, is_subject, main_subject, salient
from worker.pipeline.extract.quotes.cues import Cue, speaker_span
from worker.pipeline.extract.quotes.rules import (
    CONTINUING_VERBS,
    DOCUMENT_NOUNS,
    FEMALE_PRONOUNS,
    MALE_PRONOUNS,
    ORG_PRONOUNS,
    PRONOUNS,
    SPEECH_VERBS,
    SUBJECT_DEPS,
)
from worker.pipeline.extract.quotes.subjects import person_noun

if TYPE_CHECKING:
    from worker.pipeline.extract.quotes.speakers import Resolver


def resolve_pronoun(r: Resolver, cue: Cue, low: str) -> None:
    if low in MALE_PRONOUNS or low in FEMALE_PRONOUNS:
        want = "m" if low in MALE_PRONOUNS else "f"
        para_floor = r.paragraph_floor(cue.token.i)
        bound = _named_in_clause(r, cue)
        # the last attribution's speaker, when compatible
        last: Cue | None = None
        for prev in reversed(r.earlier(cue)[-4:]):
            if prev.token.i < para_floor:
                break
            if prev.speaker_entity in bound:
                continue
            continued = prev is r.earlier(cue)[-1] and cue.token.lower_ in CONTINUING_VERBS and _described_person(prev)
            if prev.speaker is not None and (prev.is_person or continued) and prev.gender in (None, want):
                last = r.outer(prev, want) or prev
                break
        # the nearest person named as a subject since then: a newly introduced speaker
        k = bisect.bisect_left(r.person_at, (cue.token.i, -1))
        recent = [(pos, n) for pos, n in r.person_at[max(0, k - 40) : k] if pos >= para_floor]
        recent = [(pos, n) for pos, n in recent if r.gender.get(n) in (None, want) and n not in bound]
        subjects = [(pos, n) for pos, n in recent if is_subject(r.doc, pos)]
        # a newly introduced speaker: the main-clause subject of a sentence since the last attribution
        # ("Asked whether Clinton wins, she replied" keeps the last speaker)
        sent_start = r.doc[cue.token.i].sent.start
        if cue.subject is not None and cue.subject.i < cue.token.i:
            # "Mr. Trump's temperament came under scrutiny: He was challenged ...": a colon ends a clause the
            # parse ran into the pronoun's sentence
            sent_start = max(
                [sent_start] + [k + 1 for k in range(sent_start, cue.subject.i) if r.doc[k].text in (":", ";")]
            )
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
        if last is not None and not newer and last.token.dep_ == "relcl":
            # "Rubio refrained from attacking Christie, who say ... He dismissed": the last speaker only spoke in a
            # relative clause; the subject of the sentence that holds it is the one talked about
            start = last.token.sent.start
            newer = [(pos, n) for pos, n in recent if start <= pos < last.token.i and main_subject(r.doc, pos)]
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
                if (
                    prev.speaker_entity is not None
                    and prev.speaker_entity not in bound
                    and prev.is_person
                    and prev.gender in (None, want)
                ):
                    r.set(cue, prev.speaker_entity)
                    break
            else:
                older = [
                    n for _, n in r.person_at[max(0, k - 40) : k] if r.gender.get(n) in (None, want) and n not in bound
                ]
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
            # (a one-word body the entity pass typed so, though "he" might take it up as a surname: "it" cannot)
            body = prev.speaker_entity is not None and r.entities[prev.speaker_entity].type == "organization"
            if prev.speaker_entity is not None and (not prev.is_person or (low == "it" and body)):
                r.set(cue, prev.speaker_entity)
                cue.is_person = False
                return
            break
        if low == "it":
            _document_pronoun(r, cue)
            if cue.speaker is None:
                _body_before(r, cue)
        else:
            _plural_antecedent(r, cue)


def _described_person(cue: Cue) -> bool:
    """ "The friend said ...": a person no name was found for, whom "she added" right after continues (a
    description such as "the Florida senator" is more often a named person's, whom a plain "he said" takes up)."""
    return cue.speaker_entity is None and cue.subject is not None and person_noun(cue.subject)


def _named_in_clause(r: Resolver, cue: Cue) -> set[int]:
    """The people named as the subject of a he/she's reported clause (or its possessor) or as its own verb's
    object, outside quotes: "He insisted Curiel had ..." is not Curiel, "She said Rubio “has failed ...”" not
    Rubio, "he told Hannity" not Hannity."""
    subj = cue.subject
    if subj is None or subj.dep_ not in SUBJECT_DEPS:
        return set()
    said = [c for c in subj.head.children if c.dep_ == "ccomp" and c.i > subj.i]
    args = [s for c in said for s in c.children if s.dep_ in SUBJECT_DEPS]
    args += [p for a in args for p in a.children if p.dep_ == "poss"]
    # binding: "he told Hannity" is not Hannity
    args += [o for o in subj.head.children if o.dep_ in ("dobj", "dative") and o.i > subj.i]
    out = set()
    for a in args:
        if r.in_quote[a.i] or a.pos_ == "PRON" or a.lower_ in PRONOUNS:
            continue
        if any("\n" in t.text or t.text in (".", "?", "!") for t in r.doc[subj.i : a.i]):
            continue  # the parse ran the sentence on into the next
        if r.ent_of[a.i] >= 0:
            out.add(r.ent_of[a.i])
    return out


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
        if r.in_quote[i] or tok.dep_ not in SUBJECT_DEPS:
            continue
        if tok.lower_ in PRONOUNS:
            if (
                tok.lower_ in ("he", "she")
                and any(c.dep_ == "conj" for c in tok.children)
                and main_subject(r.doc, i)
                and i >= r.doc[cue.subject.sent.start - 1].sent.start
            ):
                # "He and his partner came because they wanted to show ...": the person the pronoun names
                r.speak_for(cue, tok)
                return
            continue
        plural = tok.tag_ in ("NNS", "NNPS") or any(c.dep_ == "conj" for c in tok.children)
        if plural and animate(tok):
            r.speak_for(cue, tok)
            return
    # "criticism from Democrats and Republicans in Congress who agree ... They slammed ...": a group the sentence
    # before introduces with "who", when no plural subject names one
    sent = r.doc[cue.subject.i].sent
    for i in range(sent.start - 1, max(floor, sent.start - 60) - 1, -1):
        tok = r.doc[i]
        if i < r.doc[sent.start - 1].sent.start:
            break
        plural = tok.tag_ in ("NNS", "NNPS") or any(c.dep_ == "conj" for c in tok.children)
        if plural and animate(tok) and not r.in_quote[i] and tok.dep_ not in SUBJECT_DEPS and _with_who(tok):
            r.speak_for(cue, tok)
            return


def _with_who(tok: Token) -> bool:
    """A group with a "who" clause in its phrase: "Democrats and Republicans in Congress who agree ..."."""
    return any(
        c.dep_ == "relcl" and any(w.lower_ == "who" and w.dep_ in SUBJECT_DEPS for w in c.children)
        for t in tok.subtree
        for c in t.children
    )


def _document_pronoun(r: Resolver, cue: Cue) -> None:
    """ "The email includes a photo ... At the bottom it reads, “...”": the issuer of the document last named."""
    floor = r.paragraph_floor(cue.token.i)
    for i in range(cue.token.i - 1, floor - 1, -1):
        tok = r.doc[i]
        if tok.pos_ == "NOUN" and tok.lower_ in DOCUMENT_NOUNS and not r.in_quote[i]:
            issued = r.issued_by(tok, cue.token)
            if issued is not None and issued.lower_ not in PRONOUNS and r.speak_for(cue, issued):
                return
            # no issuer named: the document speaks, when it is a subject and "it" the cue's own (not "it was
            # revealed that", "it seems"): "The Japanese constitution makes no mention ..., although it does say ..."
            subj = cue.subject
            if (
                tok.dep_ not in SUBJECT_DEPS
                or subj is None
                or subj.dep_ != "nsubj"
                or subj.head != cue.token
                or cue.token.lower_ not in SPEECH_VERBS
            ):
                return
            lo, hi = speaker_span(tok)
            lo += r.doc[lo].lower_ in ("the", "a", "an", "this", "that")
            cue.speaker = r.text[r.doc[lo].idx : r.doc[hi - 1].idx + len(r.doc[hi - 1])]
            return


def _body_before(r: Resolver, cue: Cue) -> None:
    """ "The church was criticised for ... . It promised to “...”": with no speaker before it, "it" is the
    organization its own sentence (when "it" speaks in a clause of it) or the sentence before is about (the
    main subject, active or passive)."""
    subj = cue.subject
    if subj is None or subj.dep_ != "nsubj" or subj.head != cue.token:
        return
    start = cue.token.sent.start
    # "Microsoft issued a patch for a flaw which it said ...": a clause inside a sentence about the body
    topic = [t for t in _topics(cue.token.sent.root) if t.i < subj.i] if cue.token.sent.root != cue.token else []
    if not topic and start > 0 and start > r.paragraph_floor(cue.token.i):
        topic = _topics(r.doc[start - 1].sent.root)
    if not topic:
        return
    by = Cue(cue.token, cue.end, topic[0])
    r.resolve(by, record=False)
    if by.speaker_entity is not None and r.entities[by.speaker_entity].type == "organization":
        r.set(cue, by.speaker_entity)
        cue.is_person = False


def _topics(root: Token) -> list[Token]:
    return [c for c in root.children if c.dep_ in ("nsubj", "nsubjpass") and c.lower_ not in PRONOUNS]
