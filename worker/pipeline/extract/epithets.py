"""A nationality or a title used for a person: "the 40-year-old American never recovered", "the
National Player of the Year".

Sports and crime copy names a person once and then calls them by a demonym ("the American",
"the Ukrainian's jab"). Such a word is a mention of a person of the article, not of the group:
the one the article introduced with that word ("American challenger Tony Thompson"), else the
person named last before it in its sentence or the one before, unless that person is named in the
epithet's own clause ("Klitschko landed jabs on the American's chin": not Klitschko) or was
introduced with another demonym."""

from __future__ import annotations

from spacy.tokens import Doc, Token

from worker.pipeline.extract.names import FEMALE_FIRST_NAMES, MALE_FIRST_NAMES, fold

DEMONYM_ENDINGS = ("ican", "ian", "ese", "ish", "ean")
INTRO_GAP = 3  # "American (heavyweight) challenger Tony Thompson": words between demonym and name
PERSON_HEADS = frozenset(
    "champion challenger contender southpaw boxer fighter heavyweight veteran player striker star "
    "rider driver runner golfer skater swimmer gunman suspect victim man woman teenager".split()
)

Span = tuple[int, int]  # token offsets into the Doc


def is_demonym(token: Token) -> bool:
    word = fold(token.text)
    return (
        token.text[:1].isupper()
        and token.is_alpha
        and word.endswith(DEMONYM_ENDINGS)
        and word not in FEMALE_FIRST_NAMES | MALE_FIRST_NAMES
    )


def is_epithet(doc: Doc, span: Span) -> bool:
    """One demonym word standing for a person: the head of a noun phrase with "the" ("the
    40-year-old American", "the American's"), or an adjective on a person noun that no name
    follows ("the American southpaw", not "American challenger Tony Thompson")."""
    start, end = span
    if end - start != 1 or not is_demonym(doc[start]):
        return _is_title_epithet(doc, span)
    token = doc[start]
    if token.dep_ in ("amod", "compound") and token.head.i > token.i:
        head = token.head
        if head.lower_ not in PERSON_HEADS or head.tag_ != "NN":
            return False
        after = doc[head.i + 1] if head.i + 1 < len(doc) else None
        if after is not None and after.tag_ in ("NNP", "NNPS"):
            return False
        token = head
    return token.tag_ in ("NN", "NNP", "JJ") and any(c.lower_ == "the" and c.dep_ == "det" for c in token.children)


def _is_title_epithet(doc: Doc, span: Span) -> bool:
    """A capitalized title for one person with "the": "(being crowned) the National Player of the
    Year", "the reigning National Player of the Year"."""
    start, end = span
    words = doc[start:end]
    if not all(t.text[:1].isupper() or t.lower_ in ("of", "the") for t in words) or not words[-1].text[:1].isupper():
        return False  # "National Player of": a span the tagger cut short
    of = next((t.i for t in words if t.lower_ == "of"), end)
    if of == start or fold(doc[of - 1].text) not in PERSON_HEADS:
        return False
    k = start - 1
    if k >= 1 and doc[k].is_lower and doc[k].tag_ in ("JJ", "VBG"):
        k -= 1  # "the reigning"
    return k >= 0 and doc[k].lower_ == "the"


def resolve(doc: Doc, epithet: Span, people: list[list[Span]]) -> int | None:
    """The index of the person (their mention spans) the epithet stands for, or None."""
    demonym = epithet[1] - epithet[0] == 1 and is_demonym(doc[epithet[0]])
    introduced = [_introduced_as(doc, members) if demonym else set() for members in people]
    same = [i for i, words in enumerate(introduced) if fold(doc[epithet[0]].text) in words]
    if len(same) == 1:
        return same[0]
    if same:
        return None
    excluded = _clause_words(doc[epithet[0]])
    sent = doc[epithet[0]].sent
    window_start = doc[sent.start - 1].sent.start if sent.start > 0 else sent.start
    best: tuple[int, int] | None = None  # (end of the nearest mention, person)
    for i, members in enumerate(people):
        if introduced[i] or any(k in excluded for start, end in members for k in range(start, end)):
            continue  # introduced with another demonym, or an argument beside it
        for start, end in members:
            if window_start <= start and end <= epithet[0]:
                best = max(best or (end, i), (end, i))
    return best[1] if best else None


def _introduced_as(doc: Doc, members: list[Span]) -> set[str]:
    """Demonyms written just before one of the person's mentions: "American Hasim Rahman",
    "the American challenger Tony Thompson"."""
    found = set()
    for start, _ in members:
        for k in range(max(0, start - INTRO_GAP), start):
            between = doc[k + 1 : start]
            if is_demonym(doc[k]) and all(t.is_lower and t.tag_ in ("NN", "JJ") for t in between):
                found.add(fold(doc[k].text))
    return found


ARGUMENTS = frozenset({"nsubj", "nsubjpass", "dobj"})
EMBEDDED = frozenset({"advcl", "ccomp", "xcomp"})  # a clause whose higher subject commands it


def _clause_words(token: Token) -> set[int]:
    """Tokens naming someone the epithet cannot stand for: the subject and object of its own verb
    ("Klitschko landed jabs on the American's chin", "the Ukrainian champion dropped Thompson")
    and the subject of a clause it is embedded in ("Rahman barely landed a punch as the Ukrainian
    dominated"); not a coordinated clause ("Klitschko floored Thompson, and the American never
    recovered"). Only the argument's head and its apposition: parses of long sentences are rough."""
    node = token
    while node.head.i != node.i and node.pos_ not in ("VERB", "AUX"):
        node = node.head
    if node.pos_ not in ("VERB", "AUX"):
        return set()
    words = _heads(node, ARGUMENTS)
    while node.dep_ in EMBEDDED and node.head.i != node.i:
        node = node.head
        words |= _heads(node, ARGUMENTS - {"dobj"})
    words.discard(token.i)
    return words


def _heads(verb: Token, deps: frozenset[str]) -> set[int]:
    found = set()
    for arg in (c for c in verb.children if c.dep_ in deps):
        found |= {arg.i} | {c.i for c in arg.children if c.dep_ in ("appos", "compound")}
    return found
