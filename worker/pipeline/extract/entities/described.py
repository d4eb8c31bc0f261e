"""A person described before (or instead of) being named: "a Brooklyn mother of 12 was killed ... Zurana Horton,
34", "Millom man charged with double murder" over a text about John Jenkin.

News introduces the person a story is about by a place or a group and a noun of one gender, and names them in the
next sentence or two; a headline often keeps only the description. Such a description is a mention of that person
(an epithet: never the person's name nor an alias), not of the place: the first person of a compatible gender named
after it, in its sentence or the next two (in a headline: in the headline, else the body's first such person)."""

from __future__ import annotations

from spacy.tokens import Doc, Token

from worker.pipeline.extract.entities.spans import Span
from worker.pipeline.extract.names import first_name_gender, fold, honorific_gender

GENDERED_NOUNS = {
    **dict.fromkeys("woman mother mom mum daughter wife girl sister grandmother grandma widow".split(), "f"),
    **dict.fromkeys("man father dad son husband boy brother grandfather grandpa widower".split(), "m"),
}
FOLLOWING_SENTENCES = 2  # the name comes in the description's sentence or the next two


def descriptions(doc: Doc, indefinite: bool = True) -> list[tuple[int, str]]:
    """(token index, gender) of each description: a singular noun of one gender with a capitalized modifier
    (a place or a name: "Brooklyn mother", "Hero Brooklyn Mom"), no name right after it ("Brooklyn mother Zurana
    Horton" introduces the name, which is the mention). In running text only with "a" ("the Brooklyn mother"
    points back, not forward, in a headline too; headlines drop articles). Capitals in an all-caps line say
    nothing."""
    found = []
    for token in doc:
        gender = GENDERED_NOUNS.get(fold(token.text))
        if gender is None or token.tag_ in ("NNS", "NNPS") or (token.is_upper and len(token) > 1):
            continue
        articles = {c.lower_ for c in token.children if c.dep_ == "det"}
        if "the" in articles or (indefinite and not articles & {"a", "an"}):
            continue  # "the Perennial Party Girl" points back to a name already given
        if not any(_names_a_place_or_group(m) for m in token.lefts):
            continue
        after = doc[token.i + 1] if token.i + 1 < len(doc) else None
        if after is not None and after.pos_ == "PROPN" and after.text[:1].isupper():
            continue
        found.append((token.i, gender))
    return found


def _names_a_place_or_group(modifier: Token) -> bool:
    return (
        modifier.dep_ in ("compound", "amod", "nmod")
        and modifier.pos_ == "PROPN"
        and len(modifier) > 1
        and modifier.whitespace_ != ""  # not "G-Man"
        and modifier.text[:1].isupper()
        and not (modifier.is_upper and len(modifier) > 1)
    )


def person_gender(doc: Doc, members: list[Span]) -> str | None:
    for span in members:
        gender = honorific_gender(span.attrs.get("honorific", "")) or first_name_gender(doc[span.start : span.end].text)
        if gender:
            return gender
    return None


def described_people(doc: Doc, groups: list[tuple[str, list[Span]]]) -> None:
    """Adds each description the body resolves to its person's spans, marked ``{"epithet": "description"}``."""
    people = [(i, members) for i, (etype, members) in enumerate(groups) if etype == "person" and members]
    genders = {i: person_gender(doc, members) for i, members in people}
    sentences = list(doc.sents)
    sentence_of = {t.i: n for n, s in enumerate(sentences) for t in s}
    covered = {k for _, members in groups for s in members for k in range(s.start, s.end)}
    for i, gender in descriptions(doc):
        if i in covered:
            continue
        last = sentences[min(sentence_of[i] + FOLLOWING_SENTENCES, len(sentences) - 1)].end
        after = [
            (min(s.start for s in members if s.start > i), n)
            for n, members in people
            if genders[n] in (gender, None) and any(i < s.start < last for s in members)
        ]
        if after:
            _, n = min(after)
            groups[n][1].append(Span(i, i + 1, "person", attrs={"epithet": "description"}))
