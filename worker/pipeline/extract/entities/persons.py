"""Step 4: persons. Short forms join the full name they can stand for ("Mr. Xi" -> "Xi Jinping"); when two people
share a surname, the honorific's gender or the closest preceding mention decides, and without evidence the short
form stays apart. Epithets ("the American") join the person they stand for."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from spacy.tokens import Doc

from worker.pipeline.extract.entities.rules import RECENT_TOKENS
from worker.pipeline.extract.entities.spans import Span
from worker.pipeline.extract.epithets import is_demonym
from worker.pipeline.extract.epithets import resolve as resolve_epithet
from worker.pipeline.extract.names import (
    first_name_gender,
    honorific_gender,
    is_blend,
    is_name_variant,
    name_key,
    name_parts,
    one_edit,
)


@dataclass
class Person:
    name: str
    gender: str | None
    members: list[Span] = field(default_factory=list)
    last_seen: int = -1


def cluster_persons(doc: Doc, spans: list[Span]) -> list[tuple[str, list[Span]]]:
    texts = {id(s): doc[s.start : s.end].text for s in spans}
    parts = {id(s): name_parts(texts[id(s)])[0] for s in spans}
    full: dict[str, Person] = {}
    clusters: list[Person] = []
    fulls = sorted((s for s in spans if len(parts[id(s)]) > 1), key=lambda s: (-len(texts[id(s)].split()), s.start))
    for span in fulls:
        key = name_key(texts[id(span)])
        if key in full:
            continue
        matches = [c for c in clusters if is_name_variant(texts[id(span)], c.name)]
        if matches:
            full[key] = matches[0]
        else:
            full[key] = Person(texts[id(span)], first_name_gender(texts[id(span)]))
            clusters.append(full[key])
    by_last: dict[str, list[Person]] = defaultdict(list)
    by_first: dict[str, list[Person]] = defaultdict(list)
    for person in clusters:
        words = name_parts(person.name)[0]
        by_last[words[-1]].append(person)
        by_first[words[0]].append(person)
    alone: dict[str, Person] = {}
    stated = _stated_genders(doc, spans, parts)
    for span in spans:
        words = parts[id(span)]
        gender = honorific_gender(span.attrs.get("honorific", ""))
        pronoun = _pronoun_gender(doc, span.end) if len(words) == 1 and gender is None else None
        if len(words) > 1:
            person = full[name_key(texts[id(span)])]
        elif not words:
            continue
        else:
            candidates = (
                by_last.get(words[0])
                or by_first.get(words[0])
                or _misspelt(words[0], by_last)
                or [c for c in clusters if is_blend(texts[id(span)], c.name)]  # "LiLo" of "Lindsay Lohan"
            )
            # "Fiorina ... she said" in an article that names only her husband Frank Fiorina: a bare name whose
            # gender the text states against every candidate's stays apart
            other = gender or stated.get(words[0])
            if other and candidates and all(c.gender not in (other, None) for c in candidates):
                candidates = []
            if pronoun and any(c.gender == pronoun for c in candidates):
                # a pronoun rules out the other gender only: "Thomas ... he" may be a Pierre whose gender is unknown
                candidates = [c for c in candidates if c.gender in (pronoun, None)]
            picked = _pick(candidates, gender, span.start)
            person = picked or alone.setdefault(words[0], Person(texts[id(span)], gender))
        if gender and person.gender is None:
            person.gender = gender
        person.members.append(span)
        person.last_seen = span.start
    return [("person", p.members) for p in [*clusters, *alone.values()]]


def _stated_genders(doc: Doc, spans: list[Span], parts: dict[int, list[str]]) -> dict[str, str]:
    """The gender the text gives a bare name: the subject pronoun that opens the sentence after one where the
    name is the subject and the only person named ("Fiorina opened by ... / She said"), in at least two of its
    mentions and in more than twice as many as the other gender."""
    votes: dict[str, dict[str, int]] = defaultdict(lambda: {"m": 0, "f": 0})
    for span in spans:
        words = parts[id(span)]
        head = doc[span.end - 1]
        if len(words) != 1 or span.attrs.get("honorific") or head.dep_ != "nsubj" or head.head.dep_ != "ROOT":
            continue
        sent = head.sent
        if any(t.ent_type_ == "PERSON" and not span.start <= t.i < span.end for t in sent):
            continue  # "Axelrod emailed Clinton ... / She replied": the pronoun may be the other person's
        nxt = sent.end
        while nxt < len(doc) and doc[nxt].is_space:
            nxt += 1
        if nxt < len(doc) and doc[nxt].lower_ in ("he", "she") and doc[nxt].dep_ == "nsubj":
            votes[words[0]]["m" if doc[nxt].lower_ == "he" else "f"] += 1
    out = {}
    for word, v in votes.items():
        for g, o in (("m", "f"), ("f", "m")):
            if v[g] >= 2 and v[g] > 2 * v[o]:
                out[word] = g
    return out


def _misspelt(word: str, by_last: dict[str, list[Person]]) -> list[Person]:
    """ "Klistchko" in an article about "Wladimir Klitschko": a long surname one letter or one swap away."""
    if len(word) < 6:
        return []
    return [p for last, people in by_last.items() if last[0] == word[0] and one_edit(word, last) for p in people]


def _pronoun_gender(doc: Doc, end: int) -> str | None:
    """ "Jenkin was due to appear, but he ...": the first subject pronoun after a bare surname in
    its sentence, else one starting the next sentence. Read only to choose between two people of
    one surname and different genders."""
    sent = doc[end - 1].sent
    following = list(doc[end : sent.end])
    if sent.end < len(doc):
        following.append(doc[sent.end])
    for token in following:
        if token.lower_ in ("he", "she") and token.dep_ in ("nsubj", "nsubjpass"):
            return "m" if token.lower_ == "he" else "f"
    return None


def _pick(candidates: list[Person], gender: str | None, position: int) -> Person | None:
    if len(candidates) <= 1:
        return candidates[0] if candidates else None
    if gender:
        same = [c for c in candidates if c.gender == gender]
        if len(same) == 1:
            return same[0]
        candidates = [c for c in candidates if c.gender in (gender, None)]
        if len(candidates) == 1:
            return candidates[0]
    seen = [c for c in candidates if 0 <= c.last_seen < position]
    if not seen:
        return None
    recent = max(seen, key=lambda c: c.last_seen)
    if position - recent.last_seen <= RECENT_TOKENS:
        return recent  # "Eric Trump said ... Trump added"
    # further on, a bare surname is the person the article is mostly about ("Trump" is Donald, not Eric)
    return max(seen, key=lambda c: (len(c.members), -c.members[0].start if c.members else 0))


def epithets_of_people(doc: Doc, epithets: list[Span], groups: list[tuple[str, list[Span]]]) -> list[Span]:
    """Each epithet ("the American", "the National Player of the Year") joins the person it
    stands for. The others keep their type; one the tagger called a person is a group ("the
    American") or, a title with no name, nothing."""
    people = [[(m.start, m.end) for m in members] for _, members in groups]
    left = []
    for span in epithets:
        person = resolve_epithet(doc, (span.start, span.end), people)
        if person is not None:
            kind = "demonym" if span.end - span.start == 1 and is_demonym(doc[span.start]) else "title"
            span.attrs["epithet"] = kind  # a mention of the person, never its name or an alias
            groups[person][1].append(span)
        elif span.etype != "person" or span.end - span.start == 1:
            span.etype = "group" if span.etype == "person" else span.etype
            left.append(span)
    return left
