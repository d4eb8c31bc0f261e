"""The candidate span every step passes on, and the token tests the steps share."""

from __future__ import annotations

from dataclasses import dataclass, field

from spacy.tokens import Doc, Token

from worker.pipeline.extract.entities.rules import NAME_PARTICLES, PROPER_TAGS, TRAILING_DROP
from worker.pipeline.extract.names import HONORIFICS, TITLE_WORDS, fold


@dataclass
class Span:
    start: int  # token offsets into the Doc
    end: int
    etype: str
    attrs: dict[str, str] = field(default_factory=dict)
    evidence: float = 0.0  # person evidence from the words before the span
    weight: float = 1.0
    role_tokens: tuple[int, int] | None = None  # the role before the name, if any
    key: str = ""


def coverage(doc: Doc, spans: list[Span]) -> list[int]:
    covered = [-1] * len(doc)
    for n, span in enumerate(spans):
        for i in range(span.start, span.end):
            covered[i] = n
    return covered


def bare_word(token: Token) -> str:
    return fold(token.text).strip(".")


def is_title(token: Token) -> bool:
    bare = bare_word(token)
    return bare in TITLE_WORDS or bare in HONORIFICS


def is_name_word(token: Token) -> bool:
    return token.tag_ in PROPER_TAGS and token.text[:1].isupper() and not is_title(token)


def droppable_end(token: Token) -> bool:
    return token.is_punct or token.is_space or token.tag_ == "POS" or token.text in TRAILING_DROP


def loose_lowercase_word(doc: Doc, token: Token) -> bool:
    """A lowercase word standing on its own (not glued to the word before, as "aga" in "Osman-aga")
    that is no name particle."""
    glued = token.i > 0 and doc[token.i - 1].text in ("-", "'", "’") and not doc[token.i - 1].whitespace_
    return token.is_lower and token.is_alpha and token.text not in NAME_PARTICLES and not glued


def set_off_dash(doc: Doc, i: int) -> bool:
    """A dash between words, not inside one: "Wright - director", "Wright — director" (not "Smith-Jones")."""
    tok = doc[i]
    if tok.text in ("—", "–", "--"):
        return True
    return tok.text == "-" and i > 0 and bool(doc[i - 1].whitespace_) and bool(tok.whitespace_)
