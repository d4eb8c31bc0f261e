"""Step 3: one type per surface string, voted over the article: "Trump" in "the Trump administration" (tagged ORG)
is the person Trump is everywhere else, "Busan" in "the Busan summit" (tagged PERSON) is the city it is in
"in Busan"."""

from __future__ import annotations

from collections import defaultdict

from spacy.tokens import Doc, Token

from worker.pipeline.extract.entities.roles import named_person_noun
from worker.pipeline.extract.entities.rules import (
    GIVEN_NAME_EVIDENCE,
    INSTITUTION_WORDS,
    MODIFIER_WEIGHT,
    NAME_PART_EVIDENCE,
    NAME_TYPES,
    NOUN_TAGS,
    SAYING,
    SPEAKER_EVIDENCE,
    STRONG_EVIDENCE,
)
from worker.pipeline.extract.entities.spans import Span, is_name_word
from worker.pipeline.extract.names import (
    FEMALE_FIRST_NAMES,
    MALE_FIRST_NAMES,
    NAME_SUFFIXES,
    TITLE_HEADS,
    fold,
    name_key,
)


def vote_types(doc: Doc, spans: list[Span]) -> None:
    votes: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for span in spans:
        if span.etype not in NAME_TYPES:
            continue
        span.key = name_key(doc[span.start : span.end].text)
        root = doc[span.start : span.end].root
        modifier = root.dep_ == "compound" and not span.start <= root.head.i < span.end
        span.weight = MODIFIER_WEIGHT if modifier and root.head.tag_ in NOUN_TAGS else 1.0
        votes[span.key][span.etype] += span.weight
        votes[span.key]["person"] += span.evidence + _given_name_evidence(doc, span) + _described_as_person(doc, span)
        if span.end - span.start == 1 and span.etype in ("organization", "place") and _speaks(doc[span.start]):
            votes[span.key]["person"] += SPEAKER_EVIDENCE
    # a full name that agrees with a name the article gives an honorific or role ("Mr. Xi", "President Xi")
    # is that person, whatever the model tagged the full form ("Xi Jinping" as a place)
    titled = {span.key for span in spans if span.evidence > 0 and " " not in span.key}
    for key, vote in votes.items():
        words = key.split()
        if 1 < len(words) <= 3 and (words[0] in titled or words[-1] in titled):
            vote["person"] += NAME_PART_EVIDENCE + sum(w for t, w in vote.items() if t != "person")
    name_words: set[str] = set()
    last_names: set[str] = set()
    for key, vote in votes.items():
        words = [w for w in key.split() if w not in NAME_SUFFIXES] or key.split()  # "Comeaux Jr": "comeaux"
        if len(words) > 1 and max(vote, key=vote.__getitem__) == "person":
            name_words.update((words[0], words[-1]))  # "Takaichi’s remarks", "Xi Presses" tagged ORG
            last_names.add(words[-1])
    chosen: dict[str, str] = {}
    for key, vote in votes.items():
        if " " not in key and key in last_names:
            # the surname of a person the article names in full: the small model's ORG/GPE tags on the
            # bare surname ("Palin" as a place five times) are its usual mistake, not another thing
            vote["person"] += NAME_PART_EVIDENCE + sum(w for t, w in vote.items() if t != "person")
        elif " " not in key and key in name_words:
            vote["person"] += NAME_PART_EVIDENCE
        chosen[key] = max(vote, key=vote.__getitem__)
    for span in spans:
        if span.etype not in NAME_TYPES and span.end - span.start == 1:
            if name_key(doc[span.start].text) in name_words and is_name_word(doc[span.start]):
                span.etype = "person"  # "Chatwal" (tagged EVENT) after "Sant Singh Chatwal"
        elif span.etype in NAME_TYPES:
            best = chosen[span.key]
            if votes[span.key][best] > votes[span.key][span.etype]:
                span.etype = best


def _given_name_evidence(doc: Doc, span: Span) -> float:
    """ "Carly Fiorina" tagged ORG: two or three capitalized name words opening with a known given name and
    ending in no institution word are a person's full name, whatever the model tagged."""
    words = doc[span.start : span.end]
    if span.etype == "person" or not 2 <= len(words) <= 3 or not all(is_name_word(t) and t.is_alpha for t in words):
        return 0.0
    first, last = fold(words[0].text), fold(words[-1].text)
    if first not in FEMALE_FIRST_NAMES | MALE_FIRST_NAMES or last in INSTITUTION_WORDS:
        return 0.0
    return GIVEN_NAME_EVIDENCE


def _described_as_person(doc: Doc, span: Span) -> float:
    """ "Bradley Podliska, an Air Force reserve major," tagged ORG: a name whose appositive is a title is a
    person's. (Nouns for a person in general, "staffer", "mother", also took "Japan" and "New York".)"""
    if span.etype == "person":
        return 0.0
    root = doc[span.start : span.end].root
    nouns = [c for c in root.children if c.dep_ == "appos" and c.i >= span.end and c.tag_ in NOUN_TAGS]
    if any(fold(c.text) in TITLE_HEADS for c in nouns) or named_person_noun(doc, span.start, span.end):
        return STRONG_EVIDENCE
    return 0.0


def _speaks(token: Token) -> bool:
    """ "Mosman said", "Woods continued": a lone capitalized word as the subject of a verb of saying."""
    return (
        token.dep_ == "nsubj"
        and token.head.lower_ in SAYING
        and token.text.istitle()
        and fold(token.text) not in INSTITUTION_WORDS
    )
