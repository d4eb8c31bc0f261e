"""Person spans cut to the name, and those that describe rather than name ("Brooklyn mother of 12")."""

from __future__ import annotations

from spacy.tokens import Doc

from worker.pipeline.extract.entities.rules import PERSON_NOUNS
from worker.pipeline.extract.entities.spans import Span, bare_word, droppable_end, loose_lowercase_word
from worker.pipeline.extract.names import FEMALE_FIRST_NAMES, MALE_FIRST_NAMES, fold


def name_part(doc: Doc, span: Span) -> None:
    """Leave out lowercase words before a name ("rookie Chris Ivory", "stepmom Esther Williams")
    and whatever follows a preposition or conjunction after it ("Chris Ivory on Injured Reserve",
    "Anthony Salerno and Giuseppe Sabato"); a lowercase noun inside stays, for is_description."""
    while span.end - span.start > 1 and loose_lowercase_word(doc, doc[span.start]):
        span.start += 1
    quotes = 0
    for k in range(span.start + 1, span.end):
        quotes += doc[k].is_quote or doc[k].text in "()"
        if quotes % 2 == 0 and loose_lowercase_word(doc, doc[k]) and doc[k].pos_ in ("ADP", "CCONJ", "SCONJ"):
            span.end = k
            while span.end - span.start > 1 and droppable_end(doc[span.end - 1]):
                span.end -= 1
            return


def is_description(doc: Doc, span: Span, surnames: set[str]) -> bool:
    """A person span that describes rather than names: a common word in lowercase inside it
    ("Brooklyn mother of 12", "Millom man"; not a name particle, not "aga" in "Osman-aga"), a
    person noun at its end with no given name before it ("Mafia Boss", "MAN", not "Gary Player"),
    or a lone demonym ("the American", tagged a nationality or an adjective) that ends no full
    name of the article (not "Palvetzian" beside "Dana Palvetzian"). A person entity is never a
    description; lowercase words before a name were left out before ("rookie Chris Ivory")."""
    tokens = doc[span.start : span.end]
    quotes = [t.i for t in tokens if t.is_quote or t.text in "()"]
    if any(loose_lowercase_word(doc, t) and sum(q < t.i for q in quotes) % 2 == 0 for t in tokens):
        return True  # a lowercase word outside a quoted nickname ('Vincent "the Chin" Gigante')
    given = any(fold(t.text) in FEMALE_FIRST_NAMES | MALE_FIRST_NAMES for t in tokens)
    if bare_word(tokens[-1]) in PERSON_NOUNS and not given:
        return True
    word = fold(tokens[0].text)
    return (
        len(tokens) == 1
        and (tokens[0].ent_type_ == "NORP" or tokens[0].tag_ == "JJ")
        and tokens[0].text not in surnames
        and word.endswith(("ican", "ian", "ese", "ish", "ean"))
        and word not in FEMALE_FIRST_NAMES | MALE_FIRST_NAMES
    )
