"""Step 2: the words left of a span. An honorific ("Mr.", "Ms.", "Dr.") or a role ("Commerce Secretary", "Chinese
President", "Secretary of State") is person evidence and a mention attribute; the words of a role are no entity."""

from __future__ import annotations

from spacy.tokens import Doc, Token

from worker.pipeline.extract.entities.rules import (
    AGENT_SUFFIXES,
    MAX_ROLE_TOKENS,
    NAME_TYPES,
    NORP_MODIFIERS,
    NORP_SUFFIXES,
    ROLE_MODIFIERS,
    ROLE_TAGS,
    STRONG_EVIDENCE,
    WEAK_EVIDENCE,
)
from worker.pipeline.extract.entities.spans import Span, bare_word, is_title
from worker.pipeline.extract.names import HONORIFICS, TITLE_HEADS, TITLE_WORDS


def left_context(doc: Doc, span: Span, covered: list[int], spans: list[Span]) -> None:
    if span.etype not in NAME_TYPES:
        return
    i = span.start - 1
    if i < 0:
        return
    if bare_word(doc[i]) in HONORIFICS and doc[i].text[:1].isupper() and len(doc[i]) > 1:
        span.attrs["honorific"] = doc[i].text
        span.evidence = STRONG_EVIDENCE
        return
    j = i
    capitalized = False
    while j >= 0 and i - j < MAX_ROLE_TOKENS:
        token = doc[j]
        bare = bare_word(token)
        if covered[j] != -1 and spans[covered[j]].etype == "person" and covered[j] != covered[span.start]:
            break  # another person's name: "President Trump adviser Stephen Miller"
        if token.text[:1].isupper() and (bare in TITLE_WORDS or token.tag_ in ROLE_TAGS):
            capitalized = True
        elif bare in TITLE_WORDS and not capitalized:
            pass  # lowercase titles only next to the name: not "candidate" in "candidate Texas Senator Ted Cruz"
        elif bare in ("of", "for", "-") and 0 < j < i and (doc[j - 1].text[:1].isupper() or is_title(doc[j - 1])):
            pass  # "Secretary of State", "Minister for Foreign Affairs", "Secretary-General"
        elif j == i and span.etype == "person" and _person_noun(token) and token.head.i in range(span.start, span.end):
            pass  # "economist Paul Krugman"
        else:
            break
        j -= 1
    block = list(range(j + 1, i + 1))
    heads = [k for k in block if bare_word(doc[k]) in TITLE_HEADS or (k == i and _person_noun(doc[k]))]
    if not heads or doc[i].lower_ in ("of", "for"):
        return
    last = heads[-1]
    if last < i and doc[last + 1].lower_ not in ("of", "for", "-"):
        return
    first = heads[0]
    role_start = block[0]
    affiliation: list[int] = []
    for k in range(block[0], first):
        if _is_affiliation(doc[k]):
            affiliation.append(k)
            role_start = k + 1
    if role_start > i:
        return
    modifiers = [doc[k].text for k in range(block[0], role_start) if doc[k].lower_ in ROLE_MODIFIERS]
    span.attrs["role"] = " ".join([*modifiers, doc[role_start : i + 1].text])
    if affiliation:
        span.attrs["affiliation"] = doc[affiliation[0] : affiliation[-1] + 1].text
    elif j >= 1 and doc[j].tag_ == "POS" and doc[j - 1].ent_type_ in ("GPE", "ORG", "NORP"):
        k = j - 1
        while k > 0 and doc[k - 1].ent_type_ == doc[j - 1].ent_type_ and doc[k - 1].ent_iob_ == "I":
            k -= 1
        span.attrs["affiliation"] = doc[k:j].text  # "Japan’s Prime Minister"
    span.role_tokens = (role_start, i + 1)
    span.evidence = STRONG_EVIDENCE if doc[last].text[:1].isupper() else WEAK_EVIDENCE


def _is_affiliation(token: Token) -> bool:
    """ "Chinese", "U.S.", "Japan" before a title: whom the role is for."""
    if token.lower_ in NORP_MODIFIERS:
        return False
    if token.ent_type_ in ("NORP", "GPE"):
        return True
    return token.tag_ == "JJ" and token.text.istitle() and token.text.endswith((*NORP_SUFFIXES, "an"))


def named_person_noun(doc: Doc, start: int, end: int) -> bool:
    """ "author and liberal firebrand Cornel West": the name is the appositive of a noun for a person before it."""
    root = doc[start:end].root
    return root.dep_ == "appos" and root.head.i < start and _person_noun(root.head)


def _person_noun(token: Token) -> bool:
    """A common noun for a person's role: "spokesperson", "economist", "lawyer" (not "agency")."""
    return token.tag_ == "NN" and (bare_word(token) in TITLE_HEADS or token.lower_.endswith(AGENT_SUFFIXES))


def drop_inside_roles(spans: list[Span]) -> list[Span]:
    """ "State" in "Secretary of State Marco Rubio" and "Commerce" in "Commerce Secretary" are part
    of a role, not organizations of their own."""
    inside: set[int] = set()
    for span in spans:
        if span.role_tokens:
            inside.update(range(*span.role_tokens))
    return [s for s in spans if s.etype in ("group", "place") or not inside.issuperset(range(s.start, s.end))]
