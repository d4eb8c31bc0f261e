"""Step 6: person attributes after the name, from the dependency parse: appositives ("Karoline Leavitt, the White
House press secretary,") and "of Japan" after a name."""

from __future__ import annotations

from spacy.tokens import Doc, Token

from worker.pipeline.extract.entities.rules import APPOS_STOP, NOUN_TAGS
from worker.pipeline.extract.entities.spans import Span, bare_word
from worker.pipeline.extract.names import TITLE_HEADS
from worker.pipeline.extract.quotes.subjects import subject_after


def right_context(doc: Doc, span: Span) -> None:
    e = span.end
    if e + 1 < len(doc) and doc[e].lower_ == "of" and doc[e + 1].ent_type_ in ("GPE", "ORG", "NORP"):
        k = e + 1
        while k + 1 < len(doc) and doc[k + 1].ent_iob_ == "I":
            k += 1
        start = e + 2 if doc[e + 1].lower_ == "the" else e + 1
        if start <= k:
            span.attrs.setdefault("affiliation", doc[start : k + 1].text)  # "Sanae Takaichi of Japan"
    root = doc[span.start : span.end].root
    text = None
    for child in root.children:
        if child.dep_ == "appos" and child.i >= e and doc[e].text == "," and _role_noun(child):
            if child.left_edge.i == e + 1 and not subject_after(child):
                text = _cut(doc, child.left_edge.i, child.right_edge.i + 1)
            break
    head = root.head
    if (
        text is None
        and root.dep_ == "appos"
        and head.i < span.start
        and _role_noun(head)
        and span.start >= 1
        and doc[span.start - 1].text == ","
    ):
        text = _cut(doc, head.left_edge.i, span.start - 1)  # "Japan’s new prime minister, Sanae Takaichi"
    if text:
        span.attrs["description" if "role" in span.attrs else "role"] = text


def _role_noun(token: Token) -> bool:
    return token.ent_type_ not in ("PERSON", "GPE", "ORG") and (
        token.tag_ in NOUN_TAGS or bare_word(token) in TITLE_HEADS
    )


def _cut(doc: Doc, start: int, end: int) -> str | None:
    for k in range(start, end):
        if doc[k].text in APPOS_STOP:
            end = k
            break
        if doc[k].ent_type_ == "PERSON":
            return None  # another person, not a role: "Clinton, Clinton's e-mails"
    if end <= start or end - start > 25:
        return None
    return doc[start:end].text
