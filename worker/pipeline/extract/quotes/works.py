"""Quoted names of works: a film, show, book or song named in the text is a term, not someone's words."""

from __future__ import annotations

from spacy.tokens import Doc, Token

from worker.pipeline.extract.quotes.rules import SPEECH_VERBS, TELLING, TITLE_NOUNS, VOICING_VERBS


def names_a_work(doc: Doc, lo: int, hi: int) -> bool:
    """A quoted Title Case name that a title noun sits next to ("the show “X”", "the “X” star", "his memoir, “X”"),
    or that a preposition a verb or a title noun governs takes ("starred in “X”", "the author of “X”"), or that a
    verb other than a speech or voicing verb takes as its object ("has not left “X”"): the name of a work, not words.
    "called her “X”", "chanting “X”", "known as “X”" and a name modifying some other noun stay quotes."""
    if not _title_case(doc, lo, hi):
        return False
    after = next((t for t in doc[hi : hi + 3] if not t.is_punct), None)
    if follows_a_work_noun(doc, lo, hi) or (after is not None and _title_noun(after) and after.i <= hi + 1):
        return True
    if _listed_after_work(doc, lo):
        return True  # "starred in “X” and “Y”", which a parse may hang on the verb
    if any(t.pos_ in ("VERB", "AUX") for t in doc[lo:hi]):
        return False
    roots = [t for t in doc[lo:hi] if not lo <= t.head.i < hi and not t.is_punct]
    if len(roots) != 1:
        return False
    root, head = roots[0], roots[0].head
    if root.dep_ == "pobj" and head.lower_ not in ("as", "like"):
        gov = head.head
        if gov.lower_ in SPEECH_VERBS and head.lower_ in ("in", "on") and head.i < lo:
            return True  # where the words were said: "wrote in “X”", "said on “X”"
        if gov.lower_ in SPEECH_VERBS or gov.lower_ in VOICING_VERBS:
            return False
        return gov.pos_ in ("VERB", "AUX") or _title_noun(gov)
    if root.dep_ in ("dobj", "dative") and head.lower_ in TELLING and head.i < lo:
        return True  # the one told, a programme: "told CNN's “X”"
    if root.dep_ == "dobj" and head.pos_ == "VERB" and head.i < lo:
        return head.lower_ not in SPEECH_VERBS and head.lower_ not in VOICING_VERBS
    return root.dep_ in ("appos", "compound", "nmod") and _title_noun(head)


def follows_a_work_noun(doc: Doc, lo: int, hi: int) -> bool:
    """A Title Case name right after a title noun, or set off from it by a comma: "in his 2006 memoir, “X: The
    Story of Y”" names the book, even where it reads as a sentence of its own."""
    if lo < 2 or not _title_case(doc, lo, hi):
        return False
    before = doc[lo - 3] if doc[lo - 2].text == "," and lo >= 3 else doc[lo - 2]
    return _title_noun(before)


def _title_case(doc: Doc, lo: int, hi: int) -> bool:
    words = [t for t in doc[lo:hi] if t.is_alpha]
    if not words or len(words) > 8 or not words[0].text[0].isupper():
        return False
    return all(t.text[0].isupper() or (t.is_stop and len(t) <= 4) for t in words)


def _title_noun(token: Token) -> bool:
    return token.pos_ == "NOUN" and token.lower_ in TITLE_NOUNS


def _listed_after_work(doc: Doc, lo: int) -> bool:
    """The quote follows another quoted title after "and", "or" or a comma: "“X,” “Y” and “Z”"."""
    if lo < 4 or doc[lo - 2].lower_ not in ("and", "or", ",") or not doc[lo - 3].is_quote:
        return False
    close = lo - 3
    if doc[close - 1].is_punct and not doc[close - 1].is_quote:
        close -= 1  # “X,” and “Y”
    start = next((i for i in range(close - 1, max(close - 10, 0), -1) if doc[i].is_quote), None)
    return start is not None and start + 1 < close and names_a_work(doc, start + 1, close)
