"""Quoted names and nicknames: words in quotation marks that name someone or something rather than report what
anyone said: a nickname inside a person's name (Salvatore "Sammy the Bull" Gravano), or one after a naming
frame nobody speaks in ("known as the “bagman”", "Dubbed the “Oddfather”", "earned him the nickname “...”")."""

from __future__ import annotations

from spacy.tokens import Doc, Token

from worker.pipeline.extract.quotes.rules import (
    MAX_TERM_TOKENS,
    NAME_NOUNS,
    NAMING_AS,
    NAMING_PARTICIPLES,
    SPEAKING_PRONOUNS,
    SPEECH_VERBS,
    SUBJECT_PHRASE_DEPS,
)

# how many determiners and adjectives may stand between a naming frame and the quoted words ("the old “...”")
FRAME_GAP = 2
# how many quoted words a nickname inside a name may have ("Sammy the Bull")
MAX_NICKNAME_WORDS = 4


def quoted_name(doc: Doc, lo: int, hi: int) -> bool:
    """The quoted words ``doc[lo:hi]`` name someone or something: a nickname between a given name and a surname,
    or words after a naming frame with no one of its own who names ("Trump called her “...”" is Trump's)."""
    if lo < 2 or not doc[lo - 1].is_quote or sum(1 for t in doc[lo:hi] if not t.is_punct) > MAX_TERM_TOKENS:
        return False
    return _inside_name(doc, lo, hi) or _after_frame(doc, lo)


def _inside_name(doc: Doc, lo: int, hi: int) -> bool:
    """Between a given name and a surname: Adam “Pacman” Jones, Vincent "The Chin" Gigante."""
    if hi + 1 >= len(doc) or not doc[hi].is_quote:
        return False
    before, after = doc[lo - 2], doc[hi + 1]
    words = [t for t in doc[lo:hi] if not t.is_punct]
    if not words or len(words) > MAX_NICKNAME_WORDS or doc[hi - 1].is_punct:
        return False  # (“Oddfather,” Vincent ...: an apposition before the name, not a part of it)
    if not all(t.text[0].isupper() or (t.is_stop and len(t) <= 4) for t in words) or not words[-1].text[0].isupper():
        return False
    if any(t.pos_ in ("VERB", "AUX") for t in words):
        return False
    if after.pos_ != "PROPN" or before.pos_ not in ("PROPN", "ADJ", "NOUN", "X") or before.is_stop:
        return False  # (a given name the parse read as an adjective: Salvatore "Sammy the Bull" Gravano)
    return all(t.text[0].isupper() and t.is_alpha for t in (before, after))


def _after_frame(doc: Doc, lo: int) -> bool:
    """After a naming frame: a naming participle with no subject of its own ("known as", "Dubbed the", "was
    nicknamed the old"), or a nickname noun no person gives ("earned him the nickname")."""
    frame = _frame(doc, lo)
    if frame is None:
        return False
    if frame.lower_ in NAME_NOUNS and frame.pos_ in ("NOUN", "PROPN"):
        giver = frame.head if frame.dep_ in ("dobj", "dative", "attr", "oprd") else None
        return giver is None or not any(_person_subject(c) for c in giver.children)
    if frame.lower_ == "as" and frame.head.lower_ in NAMING_AS:
        return _unspoken(frame.head)
    return frame.lower_ in NAMING_PARTICIPLES and _unspoken(frame)


def uncalled(doc: Doc, lo: int, hi: int) -> bool:
    """Words a passive "called" gives a thing with nobody who calls it so: "what had been called the “...”", "a
    group called the “...”" (no "by" agent). A quoted fragment still (PolNeAR counts it as content with no
    source), but no nearby speaker's words."""
    if lo < 2 or not doc[lo - 1].is_quote or sum(1 for t in doc[lo:hi] if not t.is_punct) > MAX_TERM_TOKENS:
        return False
    frame = _frame(doc, lo)
    if frame is None or frame.lower_ != "called" or any(c.dep_ == "agent" for c in frame.children):
        return False
    return _unspoken(frame)


def _frame(doc: Doc, lo: int, depth: int = 0) -> Token | None:
    """The word before the quoted words that starts at ``lo``, past a determiner or adjective or two ("the old
    “...”"); for a second quoted name joined by "and"/"or" ("nicknamed “A” and “B”"), the first one's."""
    k = lo - 2
    while k > 0 and lo - 2 - k < FRAME_GAP and (doc[k].dep_ == "det" or (doc[k].pos_ == "ADJ" and doc[k].is_lower)):
        k -= 1
    if k < 0:
        return None
    frame = doc[k]
    if frame.lower_ in ("and", "or") and k >= 2 and doc[k - 1].is_quote and depth == 0:
        start = k - 2
        while start > 0 and not doc[start].is_quote:
            start -= 1
        return _frame(doc, start + 1, depth + 1) if start > 0 else None
    return frame


def _unspoken(verb: Token) -> bool:
    """A passive or bare participle with no subject of its own: "was known as", "Dubbed", "was nicknamed"; not
    "who he dubbed", "Trump, calling it" (an agent, "nicknamed “...” by his mother", speaks: see framed_by)."""
    if any(c.dep_ == "nsubj" for c in verb.children):
        return False
    if any(c.dep_ == "auxpass" for c in verb.children):
        return True
    if verb.tag_ == "VBN":  # (not a perfect: "having referred to him as a “...”" is the subject's word)
        return not any(c.dep_ == "aux" and c.lower_ in ("has", "have", "had", "having") for c in verb.children)
    # "founded by X and renamed the “...” Center": the second of two participles, read as a past tense
    return verb.dep_ == "conj" and verb.head.tag_ == "VBN" and not any(c.dep_ == "nsubj" for c in verb.head.children)


def _person_subject(token: Token) -> bool:
    return token.dep_ == "nsubj" and (token.pos_ == "PROPN" or token.lower_ in SPEAKING_PRONOUNS)


def labels_subject(doc: Doc, lo: int, hi: int) -> bool:
    """Short quoted words inside the phrase of a clause's subject, with no verb of their own: "Mark Felt, the
    mysterious “Deep Throat” source who ..., has died", "LaRue, the aide and “bagman” who delivered ...". A label
    the writer puts on the subject, not words the subject says."""
    if lo < 2 or not doc[lo - 1].is_quote or sum(1 for t in doc[lo:hi] if not t.is_punct) > MAX_TERM_TOKENS:
        return False
    if any(t.pos_ in ("VERB", "AUX") for t in doc[lo:hi]):
        return False
    heads = [t for t in doc[lo:hi] if not lo <= t.head.i < hi and not t.is_punct]
    if len(heads) != 1 or "self-" in doc.text[max(0, doc[lo].idx - 24) : doc[lo].idx].lower():
        return False  # (a "self-described “geeky kid”" is the subject's own words)
    node = heads[0]
    for _ in range(6):
        if node.dep_ in ("nsubj", "nsubjpass"):
            # of a main clause that reports nothing: in a reported clause ("grousing that the “official” schedule
            # was late") or on a speech verb's subject the words may be the speaker's
            verb = node.head
            main = verb.dep_ == "ROOT" or (verb.dep_ == "conj" and verb.head.dep_ == "ROOT")
            return main and verb.lower_ not in SPEECH_VERBS
        if node.dep_ not in SUBJECT_PHRASE_DEPS or node.head.i == node.i:
            return False
        node = node.head
        if any(c.dep_ == "poss" for c in node.children):
            return False  # "Mitt Romney's “47 percent” comment": the possessor's words
    return False
