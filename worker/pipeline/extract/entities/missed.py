"""Names the model left untagged: after an honorific ("Mr. Xi"), a known surname alone, an acronym in brackets
after its expansion."""

from __future__ import annotations

from spacy.tokens import Doc

from worker.pipeline.extract.entities.roles import left_context
from worker.pipeline.extract.entities.rules import NAME_SLOTS, NAME_TITLES
from worker.pipeline.extract.entities.spans import Span, bare_word, is_name_word, is_title
from worker.pipeline.extract.names import (
    FEMALE_FIRST_NAMES,
    HONORIFICS,
    MALE_FIRST_NAMES,
    acronym_letters,
    fold,
    name_key,
)


def honorific_spans(doc: Doc, covered: list[int]) -> list[Span]:
    """ "Mr. Xi", "Ms. Rollins" when the model tagged nothing after the honorific."""
    found: list[Span] = []
    for token in doc[:-1]:
        if not token.text[:1].isupper() or (bare_word(token) not in HONORIFICS and bare_word(token) not in NAME_TITLES):
            continue
        end = token.i + 1
        while end < len(doc) and end - token.i <= 4 and covered[end] == -1 and is_name_word(doc[end]):
            end += 1
        if end == token.i + 2 and len(doc[token.i + 1]) == 1:
            continue  # "Gen Z", not a name
        if end > token.i + 1:
            found.append(Span(token.i + 1, end, "person"))
    return found


def surname_spans(doc: Doc, spans: list[Span], covered: list[int]) -> list[Span]:
    """Known names the model missed: "Xi" untagged once when it is tagged everywhere else."""
    names: set[str] = set()
    for span in spans:
        if span.etype == "person":
            # last names, and names seen alone ("Xi" of "Xi Jinping"), never a first name by itself:
            # "Sun" of "Sun Yun" must not make "the Sun" a person
            words = [t.text for t in doc[span.start : span.end] if len(t) > 2 and "." not in t.text]
            if words:
                names.add(words[-1])
    found: list[Span] = []
    for token in doc:
        if (
            covered[token.i] == -1
            and token.text in names
            and (is_name_word(token) or (token.text.istitle() and token.dep_ in NAME_SLOTS and not is_title(token)))
            and not (token.i + 1 < len(doc) and is_name_word(doc[token.i + 1]))
        ):
            start = token.i
            if token.i > 0 and is_name_word(doc[token.i - 1]):
                # "Naureen Jahangir, a supporter, ..." untagged where a later "Jahangir" is: the given name with it
                if not _given_name_before(doc, token.i - 1, covered):
                    continue
                start = token.i - 1
            span = Span(start, token.i + 1, "person")
            left_context(doc, span, covered, spans)
            found.append(span)
    return found


def _given_name_before(doc: Doc, i: int, covered: list[int]) -> bool:
    """The untagged word at ``i`` is a lone capitalized word compounded to the surname after it, a known given name
    or one before a name set off by a comma ("Naureen Jahangir, a supporter"; not "Team Trump sees")."""
    token = doc[i]
    given = fold(token.text) in FEMALE_FIRST_NAMES | MALE_FIRST_NAMES
    return (
        covered[i] == -1
        and (given or (i + 2 < len(doc) and doc[i + 2].text == ","))
        and not (i > 0 and doc[i - 1].dep_ == "det")
        and token.is_alpha
        and token.dep_ == "compound"
        and token.head.i == i + 1
        and not (i > 0 and (is_name_word(doc[i - 1]) or (doc[i - 1].text[:1].isupper() and doc[i - 1].is_alpha)))
    )


def acronym_spans(doc: Doc, spans: list[Span], covered: list[int]) -> list[Span]:
    """ "(FDD)" after "the Foundation for Defense of Democracies" when the model left it untagged."""
    found: list[Span] = []
    for span in spans:
        e = span.end
        if (
            span.etype in ("organization", "place")
            and e + 2 < len(doc)
            and doc[e].text == "("
            and doc[e + 2].text == ")"
            and covered[e + 1] == -1
            and acronym_letters(doc[e + 1].text)
        ):
            found.append(Span(e + 1, e + 2, span.etype, key=name_key(doc[e + 1].text)))
    return found


def split_coordinated(doc: Doc, spans: list[Span]) -> list[Span]:
    """ "Lopez and Carrasquillo" tagged one organization, each the surname of a person the article names in
    full: two people. Not "Procter and Gamble" in an article that names nobody of either name."""
    surnames = {doc[s.end - 1].text for s in spans if s.etype == "person" and s.end - s.start > 1}
    out: list[Span] = []
    for span in spans:
        words = doc[span.start : span.end]
        coordinated = len(words) == 3 and words[1].lower_ in ("and", "&")
        if span.etype != "person" and coordinated and words[0].text in surnames and words[2].text in surnames:
            out += [Span(span.start, span.start + 1, "person"), Span(span.end - 1, span.end, "person")]
            continue
        out.append(span)
    return out
