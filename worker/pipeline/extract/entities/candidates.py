"""Step 1: candidate spans from ``doc.ents``, cleaned: no leading "the", no trailing punctuation or "'s", no
leading title inside a PERSON span, headline verbs split out ("Xi Presses Trump"), a nickname or a generational
suffix the model left out taken in."""

from __future__ import annotations

from spacy.tokens import Doc
from spacy.tokens import Span as SpacySpan

from worker.pipeline.extract.entities.roles import named_person_noun
from worker.pipeline.extract.entities.rules import (
    ENTITY_TYPES,
    GENERATIONS,
    HEADLINE_VERBS,
    LEADING_DROP,
    NAME_TYPES,
    NICKNAME_MARKS,
    NORP_MODIFIERS,
    NORP_SUFFIXES,
    OFTEN_MISTYPED_PEOPLE,
    PERSON_TITLES,
    PRESS_NOUNS,
    PROPER_TAGS,
    TRAILING_DROP,
)
from worker.pipeline.extract.entities.spans import Span, bare_word, droppable_end, is_title, set_off_dash
from worker.pipeline.extract.names import FEMALE_FIRST_NAMES, MALE_FIRST_NAMES, fold


def candidate_spans(doc: Doc) -> list[Span]:
    spans: list[Span] = []
    surnames = {ent[-1].text for ent in doc.ents if ent.label_ == "PERSON"}
    # the last word of a full name of any type ("Yanis Varoufakis" tagged ORG), for a title with a surname
    full_surnames = {ent[-1].text for ent in doc.ents if len(ent) >= 2 and not is_title(ent[0])}
    for ent in doc.ents:
        etype = ENTITY_TYPES.get(ent.label_)
        if etype is None or (etype == "work" and _runs_over_a_clause(ent)):
            continue
        if etype in OFTEN_MISTYPED_PEOPLE and (_given_name_first(ent) or named_person_noun(doc, ent.start, ent.end)):
            etype = "person"  # "Ivanka" tagged PRODUCT, "Carly Fiorina" WORK_OF_ART
        if etype != "person" and _titled_surname(doc, ent, surnames | full_surnames):
            etype = "person"  # "Professor Varoufakis" tagged ORG after "Yanis Varoufakis": a title and a surname
        if ent.start > 0 and doc[ent.start - 1].lower_ in PRESS_NOUNS and etype in NAME_TYPES:
            etype = "organization"  # "daily Eleftherotypia", "the newspaper Kathimerini": a paper, not a place
        if ent.label_ == "GPE" and len(ent) == 1 and ent.text.istitle() and ent.text.endswith(NORP_SUFFIXES):
            etype = "group"  # "Ukrainian", "British": nationalities the small model calls places
        for start, end, piece in _split_possessive(doc, ent.start, ent.end, etype):
            cleaned = _trim(doc, start, end, piece, surnames)
            if cleaned is None or (spans and cleaned[0] < spans[-1].end):  # a suffix the name took in
                continue
            if spans and piece == spans[-1].etype == "person" and spans[-1].end == cleaned[0]:
                spans[-1].end = cleaned[1]  # "Hillary Rodham" + "Clinton" tagged apart
            else:
                spans.append(Span(cleaned[0], cleaned[1], piece))
    return spans


def _runs_over_a_clause(ent: SpacySpan) -> bool:
    """A "work of art" the tagger ran over a clause up to a quotation mark ("Stirling called Orozco a “"): a title
    outside quotation marks has no lowercase verb."""
    return not ent[0].is_quote and any(t.is_lower and t.pos_ in ("VERB", "AUX") for t in ent)


def _titled_surname(doc: Doc, ent: SpacySpan, surnames: set[str]) -> bool:
    """A person's title ("Professor", "Dr", "Sen.", "Judge", "Rev.") then one or two capitalized words ending in a
    surname the article gives in full elsewhere."""
    words = [t for t in ent if not droppable_end(t)]
    return (
        2 <= len(words) <= 3
        and bare_word(words[0]) in PERSON_TITLES
        and all(t.text.istitle() and t.is_alpha for t in words[1:])
        and words[-1].text in surnames
    )


def _given_name_first(ent: SpacySpan) -> bool:
    """One to three capitalized words, the first a known given name."""
    words = [t for t in ent if not droppable_end(t)]
    return (
        1 <= len(words) <= 3
        and all(t.text.istitle() and t.is_alpha and t.tag_ in PROPER_TAGS for t in words)
        and fold(words[0].text) in FEMALE_FIRST_NAMES | MALE_FIRST_NAMES
    )


def _split_possessive(doc: Doc, start: int, end: int, etype: str) -> list[tuple[int, int, str]]:
    """ "Fox News’ Bret Baier", "Twitter's Adam Sharp" tagged one organization or work: a possessive followed by
    two or three name words that open with a known given name splits off that person."""
    if etype != "person":
        for k in range(start + 1, end - 2):
            rest = doc[k + 1 : end]
            possessive = doc[k].tag_ == "POS" or doc[k].text in TRAILING_DROP
            if (
                possessive
                and len(rest) <= 3
                and all(t.text.istitle() and t.is_alpha for t in rest)
                and fold(rest[0].text) in FEMALE_FIRST_NAMES | MALE_FIRST_NAMES
            ):
                return [(start, k, etype), (k + 1, end, "person")]
    return [(a, b, etype) for a, b in _split_headline(doc, start, end, etype)]


def _split_headline(doc: Doc, start: int, end: int, etype: str) -> list[tuple[int, int]]:
    if etype not in ("person", "organization"):
        return [(start, end)]
    pieces, s = [], start
    for i in range(start, end):
        if doc[i].lower_ in HEADLINE_VERBS and doc[i].text[:1].isupper():
            pieces.append((s, i))
            s = i + 1
    pieces.append((s, end))
    return [(a, b) for a, b in pieces if b > a]


def _trim(doc: Doc, start: int, end: int, etype: str, surnames: set[str]) -> tuple[int, int] | None:
    while start < end and (doc[start].is_punct or doc[start].is_space or doc[start].lower_ in LEADING_DROP):
        start += 1
    while end > start and droppable_end(doc[end - 1]):
        end -= 1
    if etype == "group":
        while end - start > 1 and doc[start].lower_ in NORP_MODIFIERS:
            start += 1
    if etype == "person":
        # "Jonathan Wright - director of ...": a dash set off by spaces ends the name; a description follows
        end = next((k for k in range(start + 1, end) if set_off_dash(doc, k)), end)
        titles = [k for k in range(start, end - 1) if is_title(doc[k])]
        if titles and all(is_title(t) or t.tag_ == "JJ" for t in doc[start : titles[-1]]):
            start = titles[-1] + 1  # "President Xi", "Chinese President Xi Jinping" inside one PERSON span
    if start >= end:
        return None
    if etype in NAME_TYPES and _not_of_name(doc, start, end, etype, surnames):
        start += 1  # "RB Joique Bell", "American Hasim Rahman", "(Secretary of the) Interior Ken Salazar"
    if etype == "person":
        end = _with_suffix(doc, _with_nickname(doc, end))
    if etype in NAME_TYPES and all(is_title(t) for t in doc[start:end]):
        return None  # a pure title: "President", "Prime Minister"
    return start, end


def _not_of_name(doc: Doc, start: int, end: int, etype: str, surnames: set[str]) -> bool:
    """The first word of a span of three or more is a position ("RB"), a demonym ("American") or
    the end of a role ("Secretary of the Interior") rather than a given name: the rest are two or
    more name words, ending in a surname the tagger calls a person elsewhere in the article when
    the span is not typed person ("American Civil Liberties Union" stays whole)."""
    if end - start < 3 or not all(t.text[:1].isupper() and t.is_alpha for t in doc[start + 1 : end]):
        return False
    k = start - 1 if start >= 1 and doc[start - 1].lower_ == "the" else start
    if k >= 2 and doc[k - 1].lower_ == "of" and is_title(doc[k - 2]):
        return end - start <= 4
    if etype != "person" and (end - start > 4 or doc[end - 1].text not in surnames):
        return False
    first = doc[start]
    word = fold(first.text)
    if first.is_upper and first.is_alpha and 2 <= len(first) <= 3 and first.tag_ in PROPER_TAGS:
        return True  # a position or an abbreviation: "RB", "QB", "GOP"
    demonym = (
        first.text.istitle()
        and word.endswith(("ican", "ian", "ese", "ish", "ean"))
        and word not in FEMALE_FIRST_NAMES | MALE_FIRST_NAMES
        and (etype != "person" or first.tag_ == "JJ")
    )
    return demonym


def _with_suffix(doc: Doc, end: int) -> int:
    """The end of a person's name past a generational suffix the model left out ("Comeaux, Jr")."""
    at = end + 1 if end < len(doc) and doc[end].text == "," else end
    if at < len(doc) and bare_word(doc[at]) in GENERATIONS and doc[at].text[0].isupper():
        return at + 1
    return end


def _with_nickname(doc: Doc, end: int) -> int:
    """The end of a person's name past a nickname of one or two words the model stopped at:
    "Luis Gerardo (Jerry) Ortiz", "Vincent 'The Chin' Gigante" tagged "Luis Gerardo", "Vincent"."""
    closer = NICKNAME_MARKS.get(doc[end].text) if end < len(doc) else None
    for size in (1, 2):
        family = end + size + 2
        if closer is None or family >= len(doc) or doc[family - 1].text != closer:
            continue
        words = doc[end + 1 : family - 1]
        plain = all(t.ent_type_ not in ("NORP", "ORG", "GPE") for t in words) and len(words.text) > 1
        named = all(t.text.istitle() and t.is_alpha for t in words)  # not "(D)", "(Reuters)"
        if plain and named and doc[family].text.istitle() and doc[family].tag_ == "NNP":
            return family + 1
    return end
