"""Named entities of one article: spaCy NER plus the rules the small model needs on news.

``extract_entities(doc)`` reads one parsed Doc (no second spaCy pass) and returns one ``Entity`` per
real-world thing, named by the fullest name the article gives, with every mention's offsets into
``doc.text``. Steps, each linear in the number of tokens:

1. candidate spans from ``doc.ents``, cleaned: no leading "the", no trailing punctuation or "'s",
   no leading title inside a PERSON span, headline verbs split out ("Xi Presses Trump");
2. the words left of a span: an honorific ("Mr.", "Ms.", "Dr.") or a role ("Commerce Secretary",
   "Chinese President", "Secretary of State") is person evidence and a mention attribute; names
   after an honorific that the model missed become spans;
3. one type per surface string, voted over the article: "Trump" in "the Trump administration"
   (tagged ORG) is the person Trump is everywhere else, "Busan" in "the Busan summit" (tagged
   PERSON) is the city it is in "in Busan";
4. persons: short forms join the full name they can stand for ("Mr. Xi" -> "Xi Jinping"); when
   two people share a surname, the honorific's gender or the closest preceding mention decides,
   and without evidence the short form stays apart;
5. organizations and places: same name key, and acronyms ("FDD", "U.S.") join their expansion;
6. attributes from the dependency parse: appositives ("Karoline Leavitt, the White House press
   secretary,") and "of Japan" after a name.

Mentions exclude honorifics and roles: "Mr. Xi" is a mention "Xi" with {"honorific": "Mr."}.
Person mention attributes: "honorific" ("Mr."), "role" ("Commerce Secretary", "the White House press
secretary"), "affiliation" ("Chinese" before the title, "Japan" in "of Japan"), "description" (an
appositive when a title already gave the role). Other types carry no attributes.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from spacy.tokens import Doc, Token

from worker.pipeline.extract.epithets import is_demonym, is_epithet
from worker.pipeline.extract.epithets import resolve as resolve_epithet
from worker.pipeline.extract.model import Entity, Mention
from worker.pipeline.extract.names import (
    FEMALE_FIRST_NAMES,
    HONORIFICS,
    MALE_FIRST_NAMES,
    NAME_SUFFIXES,
    TITLE_HEADS,
    TITLE_WORDS,
    acronym,
    acronym_letters,
    first_name_gender,
    fold,
    honorific_gender,
    is_name_variant,
    name_key,
    name_parts,
    one_edit,
)

ENTITY_TYPES = {
    "PERSON": "person",
    "ORG": "organization",
    "GPE": "place",
    "LOC": "place",
    "FAC": "place",
    "NORP": "group",
    "DATE": "date",
    "MONEY": "money",
    "QUANTITY": "quantity",
    "PERCENT": "quantity",
    "EVENT": "event",
    "WORK_OF_ART": "work",
    "LAW": "law",
    "PRODUCT": "product",
}
# labels whose type the article-wide vote may change
NAME_TYPES = frozenset({"person", "organization", "place", "group"})
LEADING_DROP = frozenset({"the", "a", "an"})
TRAILING_DROP = frozenset({"'s", "’s", "'", "’", "s"})
NORP_MODIFIERS = frozenset({"new", "former", "then", "late", "incoming", "outgoing", "acting"})
ROLE_MODIFIERS = frozenset({"former", "then", "acting", "late", "incoming", "outgoing", "interim"})
# verbs of headline case that the model swallows into a name: "Xi Presses Trump", "Lutnick Says"
HEADLINE_VERBS = frozenset(
    {"says", "said", "tells", "told", "presses", "urges", "warns", "calls", "meets", "slams", "backs", "vows"}
)
NORP_SUFFIXES = ("ian", "ese", "ish")
GENERATIONS = NAME_SUFFIXES - {"v"}  # "Roe v. Wade"
AGENT_SUFFIXES = ("ist", "er", "or", "ian", "man", "woman", "person", "ant", "ent")
APPOS_STOP = frozenset({",", ";", ":", "—", "–", "(", ")", '"', "“", "”"})
# titles after which an untagged capitalized word is a person's name
NAME_TITLES = frozenset({"sen", "rep", "gov", "gen", "president", "senator", "ambassador"})
NOUN_TAGS = frozenset({"NN", "NNS"})
PROPER_TAGS = frozenset({"NNP", "NNPS"})
ROLE_TAGS = frozenset({"NNP", "NNPS", "NN", "NNS", "JJ"})
MAX_ROLE_TOKENS = 8  # "Senate Majority Leader", "U.N. Secretary-General", not a whole headline
STRONG_EVIDENCE = 3.0  # an honorific or capitalized title before the name
WEAK_EVIDENCE = 0.5  # a lowercase role before the name ("spokesperson Lin Jian")
NAME_PART_EVIDENCE = 1.5  # the string is the first or last name of a person in the article
# where a known surname the tagger took for a verb or noun still stands as a name ("Trump shot back")
NAME_SLOTS = frozenset({"nsubj", "nsubjpass", "dobj", "pobj", "poss", "appos"})
RECENT_TOKENS = 60  # a shared surname this close after a full name is that person
SPEAKER_EVIDENCE = 1.0  # the lone word is the subject of "said", "told", "added"
SAYING = frozenset(
    "said says told tells added adds wrote writes asked asks argued argues explained continued noted replied "
    "responded insisted warned stated declared recalled recalls".split()
)
INSTITUTION_WORDS = frozenset(
    "ministry department house party times post press agency office council committee campaign administration "
    "government court senate congress commission board police army navy pentagon kremlin".split()
)
# particles written in lowercase inside a person's name ("Ludwig van Beethoven", "Osama bin Laden")
NAME_PARTICLES = frozenset("de da di del della der den van von ter ten bin ibn al el la le du dos das y st".split())
# nouns for a person that a headline capitalizes: "Brooklyn Mother", "Mafia Boss", "MAN"
PERSON_NOUNS = frozenset(
    "man woman men women mother mom mum father dad son daughter wife husband boy girl teen teenager kid child "
    "baby brother sister uncle aunt grandmother grandfather boss leader player victim suspect gunman".split()
)
MODIFIER_WEIGHT = 0.5  # a name used as a noun modifier ("the Trump administration") says little


@dataclass
class _Span:
    start: int  # token offsets into the Doc
    end: int
    etype: str
    attrs: dict[str, str] = field(default_factory=dict)
    evidence: float = 0.0  # person evidence from the words before the span
    weight: float = 1.0
    role_tokens: tuple[int, int] | None = None  # the role before the name, if any
    key: str = ""


def extract_entities(doc: Doc) -> list[Entity]:
    """Entities of one article, in order of first mention; every mention's text is ``doc.text[start:end]``."""
    spans = _candidate_spans(doc)
    covered = _coverage(doc, spans)
    spans += _honorific_spans(doc, covered)
    covered = _coverage(doc, spans)
    for span in spans:
        _left_context(doc, span, covered, spans)
    spans = _drop_inside_roles(spans)
    _vote_types(doc, spans)
    covered = _coverage(doc, spans)
    spans += _surname_spans(doc, spans, covered)
    spans += _acronym_spans(doc, spans, _coverage(doc, spans))
    spans.sort(key=lambda s: s.start)
    for span in spans:
        if span.etype == "person":
            _right_context(doc, span)
    for span in spans:
        if span.etype == "person":
            _name_part(doc, span)
    surnames = {doc[s.end - 1].text for s in spans if s.etype == "person" and s.end - s.start > 1}
    epithets = [s for s in spans if s.etype in NAME_TYPES and is_epithet(doc, (s.start, s.end))]
    spans = [s for s in spans if s not in epithets]
    spans = [s for s in spans if s.etype != "person" or not _is_description(doc, s, surnames)]
    groups = _cluster_persons(doc, [s for s in spans if s.etype == "person"])
    spans += _epithets_of_people(doc, epithets, groups)
    groups += _cluster_others(doc, [s for s in spans if s.etype != "person"])
    entities = [_entity(doc, etype, members) for etype, members in groups if members]
    entities.sort(key=lambda e: e.mentions[0].start)
    return entities


# -- 1. candidate spans ---------------------------------------------------------------------------


def _candidate_spans(doc: Doc) -> list[_Span]:
    spans: list[_Span] = []
    surnames = {ent[-1].text for ent in doc.ents if ent.label_ == "PERSON"}
    for ent in doc.ents:
        etype = ENTITY_TYPES.get(ent.label_)
        if etype is None:
            continue
        if ent.label_ == "GPE" and len(ent) == 1 and ent.text.istitle() and ent.text.endswith(NORP_SUFFIXES):
            etype = "group"  # "Ukrainian", "British": nationalities the small model calls places
        for start, end in _split_headline(doc, ent.start, ent.end, etype):
            cleaned = _trim(doc, start, end, etype, surnames)
            if cleaned is None or (spans and cleaned[0] < spans[-1].end):  # a suffix the name took in
                continue
            if spans and etype == spans[-1].etype == "person" and spans[-1].end == cleaned[0]:
                spans[-1].end = cleaned[1]  # "Hillary Rodham" + "Clinton" tagged apart
            else:
                spans.append(_Span(cleaned[0], cleaned[1], etype))
    return spans


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
    while end > start and _droppable_end(doc[end - 1]):
        end -= 1
    if etype == "group":
        while end - start > 1 and doc[start].lower_ in NORP_MODIFIERS:
            start += 1
    if etype == "person":
        titles = [k for k in range(start, end - 1) if _is_title(doc[k])]
        if titles and all(_is_title(t) or t.tag_ == "JJ" for t in doc[start : titles[-1]]):
            start = titles[-1] + 1  # "President Xi", "Chinese President Xi Jinping" inside one PERSON span
    if start >= end:
        return None
    if etype in NAME_TYPES and _not_of_name(doc, start, end, etype, surnames):
        start += 1  # "RB Joique Bell", "American Hasim Rahman", "(Secretary of the) Interior Ken Salazar"
    if etype == "person":
        end = _with_suffix(doc, _with_nickname(doc, end))
    if etype in NAME_TYPES and all(_is_title(t) for t in doc[start:end]):
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
    if k >= 2 and doc[k - 1].lower_ == "of" and _is_title(doc[k - 2]):
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


def _is_description(doc: Doc, span: _Span, surnames: set[str]) -> bool:
    """A person span that describes rather than names: a common word in lowercase inside it
    ("Brooklyn mother of 12", "Millom man"; not a name particle, not "aga" in "Osman-aga"), a
    person noun at its end with no given name before it ("Mafia Boss", "MAN", not "Gary Player"),
    or a lone demonym ("the American", tagged a nationality or an adjective) that ends no full
    name of the article (not "Palvetzian" beside "Dana Palvetzian"). A person entity is never a
    description; lowercase words before a name were left out before ("rookie Chris Ivory")."""
    tokens = doc[span.start : span.end]
    quotes = [t.i for t in tokens if t.is_quote or t.text in "()"]
    if any(_loose_lowercase_word(doc, t) and sum(q < t.i for q in quotes) % 2 == 0 for t in tokens):
        return True  # a lowercase word outside a quoted nickname ('Vincent "the Chin" Gigante')
    given = any(fold(t.text) in FEMALE_FIRST_NAMES | MALE_FIRST_NAMES for t in tokens)
    if _bare(tokens[-1]) in PERSON_NOUNS and not given:
        return True
    word = fold(tokens[0].text)
    return (
        len(tokens) == 1
        and (tokens[0].ent_type_ == "NORP" or tokens[0].tag_ == "JJ")
        and tokens[0].text not in surnames
        and word.endswith(("ican", "ian", "ese", "ish", "ean"))
        and word not in FEMALE_FIRST_NAMES | MALE_FIRST_NAMES
    )


def _name_part(doc: Doc, span: _Span) -> None:
    """Leave out lowercase words before a name ("rookie Chris Ivory", "stepmom Esther Williams")
    and whatever follows a preposition or conjunction after it ("Chris Ivory on Injured Reserve",
    "Anthony Salerno and Giuseppe Sabato"); a lowercase noun inside stays, for _is_description."""
    while span.end - span.start > 1 and _loose_lowercase_word(doc, doc[span.start]):
        span.start += 1
    quotes = 0
    for k in range(span.start + 1, span.end):
        quotes += doc[k].is_quote or doc[k].text in "()"
        if quotes % 2 == 0 and _loose_lowercase_word(doc, doc[k]) and doc[k].pos_ in ("ADP", "CCONJ", "SCONJ"):
            span.end = k
            while span.end - span.start > 1 and _droppable_end(doc[span.end - 1]):
                span.end -= 1
            return


def _loose_lowercase_word(doc: Doc, token: Token) -> bool:
    """A lowercase word standing on its own (not glued to the word before, as "aga" in "Osman-aga")
    that is no name particle."""
    glued = token.i > 0 and doc[token.i - 1].text in ("-", "'", "’") and not doc[token.i - 1].whitespace_
    return token.is_lower and token.is_alpha and token.text not in NAME_PARTICLES and not glued


def _with_suffix(doc: Doc, end: int) -> int:
    """The end of a person's name past a generational suffix the model left out ("Comeaux, Jr")."""
    at = end + 1 if end < len(doc) and doc[end].text == "," else end
    if at < len(doc) and _bare(doc[at]) in GENERATIONS and doc[at].text[0].isupper():
        return at + 1
    return end


NICKNAME_MARKS = {"(": ")", '"': '"', "“": "”", "'": "'", "‘": "’"}


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


def _droppable_end(token: Token) -> bool:
    return token.is_punct or token.is_space or token.tag_ == "POS" or token.text in TRAILING_DROP


def _bare(token: Token) -> str:
    return fold(token.text).strip(".")


def _is_title(token: Token) -> bool:
    bare = _bare(token)
    return bare in TITLE_WORDS or bare in HONORIFICS


def _coverage(doc: Doc, spans: list[_Span]) -> list[int]:
    covered = [-1] * len(doc)
    for n, span in enumerate(spans):
        for i in range(span.start, span.end):
            covered[i] = n
    return covered


def _is_name_word(token: Token) -> bool:
    return token.tag_ in PROPER_TAGS and token.text[:1].isupper() and not _is_title(token)


def _honorific_spans(doc: Doc, covered: list[int]) -> list[_Span]:
    """ "Mr. Xi", "Ms. Rollins" when the model tagged nothing after the honorific."""
    found: list[_Span] = []
    for token in doc[:-1]:
        if not token.text[:1].isupper() or (_bare(token) not in HONORIFICS and _bare(token) not in NAME_TITLES):
            continue
        end = token.i + 1
        while end < len(doc) and end - token.i <= 4 and covered[end] == -1 and _is_name_word(doc[end]):
            end += 1
        if end == token.i + 2 and len(doc[token.i + 1]) == 1:
            continue  # "Gen Z", not a name
        if end > token.i + 1:
            found.append(_Span(token.i + 1, end, "person"))
    return found


# -- 2. honorifics and roles before the name ----------------------------------------------------------


def _left_context(doc: Doc, span: _Span, covered: list[int], spans: list[_Span]) -> None:
    if span.etype not in NAME_TYPES:
        return
    i = span.start - 1
    if i < 0:
        return
    if _bare(doc[i]) in HONORIFICS and doc[i].text[:1].isupper() and len(doc[i]) > 1:
        span.attrs["honorific"] = doc[i].text
        span.evidence = STRONG_EVIDENCE
        return
    j = i
    capitalized = False
    while j >= 0 and i - j < MAX_ROLE_TOKENS:
        token = doc[j]
        bare = _bare(token)
        if covered[j] != -1 and spans[covered[j]].etype == "person" and covered[j] != covered[span.start]:
            break  # another person's name: "President Trump adviser Stephen Miller"
        if token.text[:1].isupper() and (bare in TITLE_WORDS or token.tag_ in ROLE_TAGS):
            capitalized = True
        elif bare in TITLE_WORDS and not capitalized:
            pass  # lowercase titles only next to the name: not "candidate" in "candidate Texas Senator Ted Cruz"
        elif bare in ("of", "for", "-") and 0 < j < i and (doc[j - 1].text[:1].isupper() or _is_title(doc[j - 1])):
            pass  # "Secretary of State", "Minister for Foreign Affairs", "Secretary-General"
        elif j == i and span.etype == "person" and _person_noun(token) and token.head.i in range(span.start, span.end):
            pass  # "economist Paul Krugman"
        else:
            break
        j -= 1
    block = list(range(j + 1, i + 1))
    heads = [k for k in block if _bare(doc[k]) in TITLE_HEADS or (k == i and _person_noun(doc[k]))]
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


def _person_noun(token: Token) -> bool:
    """A common noun for a person's role: "spokesperson", "economist", "lawyer" (not "agency")."""
    return token.tag_ == "NN" and (_bare(token) in TITLE_HEADS or token.lower_.endswith(AGENT_SUFFIXES))


def _drop_inside_roles(spans: list[_Span]) -> list[_Span]:
    """ "State" in "Secretary of State Marco Rubio" and "Commerce" in "Commerce Secretary" are part
    of a role, not organizations of their own."""
    inside: set[int] = set()
    for span in spans:
        if span.role_tokens:
            inside.update(range(*span.role_tokens))
    return [s for s in spans if s.etype in ("group", "place") or not inside.issuperset(range(s.start, s.end))]


# -- 3. one type per string ---------------------------------------------------------------------------


def _vote_types(doc: Doc, spans: list[_Span]) -> None:
    votes: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for span in spans:
        if span.etype not in NAME_TYPES:
            continue
        span.key = name_key(doc[span.start : span.end].text)
        root = doc[span.start : span.end].root
        modifier = root.dep_ == "compound" and not span.start <= root.head.i < span.end
        span.weight = MODIFIER_WEIGHT if modifier and root.head.tag_ in NOUN_TAGS else 1.0
        votes[span.key][span.etype] += span.weight
        votes[span.key]["person"] += span.evidence
        if span.end - span.start == 1 and span.etype in ("organization", "place") and _speaks(doc[span.start]):
            votes[span.key]["person"] += SPEAKER_EVIDENCE
    # a full name that agrees with a name the article gives an honorific or role ("Mr. Xi", "President Xi")
    # is that person, whatever the model tagged the full form ("Xi Jinping" as a place)
    titled = {span.key for span in spans if span.evidence > 0 and " " not in span.key}
    for key, vote in votes.items():
        words = key.split()
        if 1 < len(words) <= 3 and (words[0] in titled or words[-1] in titled):
            vote["person"] += NAME_PART_EVIDENCE + sum(w for t, w in vote.items() if t != "person")
    name_words: set[str] = set()
    last_names: set[str] = set()
    for key, vote in votes.items():
        words = [w for w in key.split() if w not in NAME_SUFFIXES] or key.split()  # "Comeaux Jr": "comeaux"
        if len(words) > 1 and max(vote, key=vote.__getitem__) == "person":
            name_words.update((words[0], words[-1]))  # "Takaichi’s remarks", "Xi Presses" tagged ORG
            last_names.add(words[-1])
    chosen: dict[str, str] = {}
    for key, vote in votes.items():
        if " " not in key and key in last_names:
            # the surname of a person the article names in full: the small model's ORG/GPE tags on the
            # bare surname ("Palin" as a place five times) are its usual mistake, not another thing
            vote["person"] += NAME_PART_EVIDENCE + sum(w for t, w in vote.items() if t != "person")
        elif " " not in key and key in name_words:
            vote["person"] += NAME_PART_EVIDENCE
        chosen[key] = max(vote, key=vote.__getitem__)
    for span in spans:
        if span.etype not in NAME_TYPES and span.end - span.start == 1:
            if name_key(doc[span.start].text) in name_words and _is_name_word(doc[span.start]):
                span.etype = "person"  # "Chatwal" (tagged EVENT) after "Sant Singh Chatwal"
        elif span.etype in NAME_TYPES:
            best = chosen[span.key]
            if votes[span.key][best] > votes[span.key][span.etype]:
                span.etype = best


def _speaks(token: Token) -> bool:
    """ "Mosman said", "Woods continued": a lone capitalized word as the subject of a verb of saying."""
    return (
        token.dep_ == "nsubj"
        and token.head.lower_ in SAYING
        and token.text.istitle()
        and fold(token.text) not in INSTITUTION_WORDS
    )


def _surname_spans(doc: Doc, spans: list[_Span], covered: list[int]) -> list[_Span]:
    """Known names the model missed: "Xi" untagged once when it is tagged everywhere else."""
    names: set[str] = set()
    for span in spans:
        if span.etype == "person":
            # last names, and names seen alone ("Xi" of "Xi Jinping"), never a first name by itself:
            # "Sun" of "Sun Yun" must not make "the Sun" a person
            words = [t.text for t in doc[span.start : span.end] if len(t) > 2 and "." not in t.text]
            if words:
                names.add(words[-1])
    found: list[_Span] = []
    for token in doc:
        if (
            covered[token.i] == -1
            and token.text in names
            and (_is_name_word(token) or (token.text.istitle() and token.dep_ in NAME_SLOTS and not _is_title(token)))
            and not (token.i > 0 and _is_name_word(doc[token.i - 1]))
            and not (token.i + 1 < len(doc) and _is_name_word(doc[token.i + 1]))
        ):
            span = _Span(token.i, token.i + 1, "person")
            _left_context(doc, span, covered, spans)
            found.append(span)
    return found


def _acronym_spans(doc: Doc, spans: list[_Span], covered: list[int]) -> list[_Span]:
    """ "(FDD)" after "the Foundation for Defense of Democracies" when the model left it untagged."""
    found: list[_Span] = []
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
            found.append(_Span(e + 1, e + 2, span.etype, key=name_key(doc[e + 1].text)))
    return found


# -- 6. attributes after the name -----------------------------------------------------------------------


def _right_context(doc: Doc, span: _Span) -> None:
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
            if child.left_edge.i == e + 1:
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
    return token.ent_type_ not in ("PERSON", "GPE", "ORG") and (token.tag_ in NOUN_TAGS or _bare(token) in TITLE_HEADS)


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


# -- 4. persons -------------------------------------------------------------------------------------------


@dataclass
class _Person:
    name: str
    gender: str | None
    members: list[_Span] = field(default_factory=list)
    last_seen: int = -1


def _cluster_persons(doc: Doc, spans: list[_Span]) -> list[tuple[str, list[_Span]]]:
    texts = {id(s): doc[s.start : s.end].text for s in spans}
    parts = {id(s): name_parts(texts[id(s)])[0] for s in spans}
    full: dict[str, _Person] = {}
    clusters: list[_Person] = []
    fulls = sorted((s for s in spans if len(parts[id(s)]) > 1), key=lambda s: (-len(texts[id(s)].split()), s.start))
    for span in fulls:
        key = name_key(texts[id(span)])
        if key in full:
            continue
        matches = [c for c in clusters if is_name_variant(texts[id(span)], c.name)]
        if matches:
            full[key] = matches[0]
        else:
            full[key] = _Person(texts[id(span)], first_name_gender(texts[id(span)]))
            clusters.append(full[key])
    by_last: dict[str, list[_Person]] = defaultdict(list)
    by_first: dict[str, list[_Person]] = defaultdict(list)
    for person in clusters:
        words = name_parts(person.name)[0]
        by_last[words[-1]].append(person)
        by_first[words[0]].append(person)
    alone: dict[str, _Person] = {}
    for span in spans:
        words = parts[id(span)]
        gender = honorific_gender(span.attrs.get("honorific", ""))
        pronoun = _pronoun_gender(doc, span.end) if len(words) == 1 and gender is None else None
        if len(words) > 1:
            person = full[name_key(texts[id(span)])]
        elif not words:
            continue
        else:
            candidates = by_last.get(words[0]) or by_first.get(words[0]) or _misspelt(words[0], by_last)
            if pronoun and any(c.gender == pronoun for c in candidates):
                # a pronoun rules out the other gender only: "Thomas ... he" may be a Pierre whose gender is unknown
                candidates = [c for c in candidates if c.gender in (pronoun, None)]
            picked = _pick(candidates, gender, span.start)
            person = picked or alone.setdefault(words[0], _Person(texts[id(span)], gender))
        if gender and person.gender is None:
            person.gender = gender
        person.members.append(span)
        person.last_seen = span.start
    return [("person", p.members) for p in [*clusters, *alone.values()]]


def _misspelt(word: str, by_last: dict[str, list[_Person]]) -> list[_Person]:
    """ "Klistchko" in an article about "Wladimir Klitschko": a long surname one letter or one swap away."""
    if len(word) < 6:
        return []
    return [p for last, people in by_last.items() if last[0] == word[0] and one_edit(word, last) for p in people]


def _pronoun_gender(doc: Doc, end: int) -> str | None:
    """ "Jenkin was due to appear, but he ...": the first subject pronoun after a bare surname in
    its sentence, else one starting the next sentence. Read only to choose between two people of
    one surname and different genders."""
    sent = doc[end - 1].sent
    following = list(doc[end : sent.end])
    if sent.end < len(doc):
        following.append(doc[sent.end])
    for token in following:
        if token.lower_ in ("he", "she") and token.dep_ in ("nsubj", "nsubjpass"):
            return "m" if token.lower_ == "he" else "f"
    return None


def _pick(candidates: list[_Person], gender: str | None, position: int) -> _Person | None:
    if len(candidates) <= 1:
        return candidates[0] if candidates else None
    if gender:
        same = [c for c in candidates if c.gender == gender]
        if len(same) == 1:
            return same[0]
        candidates = [c for c in candidates if c.gender in (gender, None)]
        if len(candidates) == 1:
            return candidates[0]
    seen = [c for c in candidates if 0 <= c.last_seen < position]
    if not seen:
        return None
    recent = max(seen, key=lambda c: c.last_seen)
    if position - recent.last_seen <= RECENT_TOKENS:
        return recent  # "Eric Trump said ... Trump added"
    # further on, a bare surname is the person the article is mostly about ("Trump" is Donald, not Eric)
    return max(seen, key=lambda c: (len(c.members), -c.members[0].start if c.members else 0))


def _epithets_of_people(doc: Doc, epithets: list[_Span], groups: list[tuple[str, list[_Span]]]) -> list[_Span]:
    """Each epithet ("the American", "the National Player of the Year") joins the person it
    stands for. The others keep their type; one the tagger called a person is a group ("the
    American") or, a title with no name, nothing."""
    people = [[(m.start, m.end) for m in members] for _, members in groups]
    left = []
    for span in epithets:
        person = resolve_epithet(doc, (span.start, span.end), people)
        if person is not None:
            kind = "demonym" if span.end - span.start == 1 and is_demonym(doc[span.start]) else "title"
            span.attrs["epithet"] = kind  # a mention of the person, never its name or an alias
            groups[person][1].append(span)
        elif span.etype != "person" or span.end - span.start == 1:
            span.etype = "group" if span.etype == "person" else span.etype
            left.append(span)
    return left


# -- 5. everything else -------------------------------------------------------------------------------------


def _cluster_others(doc: Doc, spans: list[_Span]) -> list[tuple[str, list[_Span]]]:
    groups: dict[tuple[str, str], list[_Span]] = {}
    for span in spans:
        key = span.key or name_key(doc[span.start : span.end].text)
        groups.setdefault((span.etype, key), []).append(span)
    expansions: dict[tuple[str, str], tuple[str, str] | None] = {}
    for (etype, key), members in groups.items():
        if etype in ("organization", "place") and len(key.split()) > 1:
            acr = acronym(doc[members[0].start : members[0].end].text)
            if len(acr) >= 2:
                slot = (etype, acr)
                expansions[slot] = None if slot in expansions and expansions[slot] != (etype, key) else (etype, key)
    for (etype, key), members in list(groups.items()):
        letters = acronym_letters(doc[members[0].start : members[0].end].text)
        target = expansions.get((etype, letters)) if letters else None
        if target and target != (etype, key) and target in groups:
            groups[target].extend(groups.pop((etype, key)))
    return [(etype, members) for (etype, _), members in groups.items()]


def _entity(doc: Doc, etype: str, members: list[_Span]) -> Entity:
    members = sorted(members, key=lambda s: s.start)
    mentions = [
        Mention(
            doc[s.start].idx,
            doc[s.end - 1].idx + len(doc[s.end - 1]),
            doc[s.start : s.end].text,
            dict(s.attrs) if etype == "person" else {},
        )
        for s in members
    ]
    names = [m.text for m in mentions if "epithet" not in m.attributes] or [m.text for m in mentions]
    return Entity(name=_best_name(etype, names), type=etype, mentions=mentions)


def _best_name(etype: str, texts: list[str]) -> str:
    """The fullest form; a normally cased one over an all-caps one ("WASHINGTON" dateline), then the
    most frequent, then the first."""
    counts = Counter(texts)

    def score(item: tuple[int, str]) -> tuple[bool, int, int, int]:
        n, text = item
        size = len(text.split()) if etype == "person" else len(text)
        return (not text.isupper() or len(text) <= 3, size, counts[text], -n)

    return max(enumerate(texts), key=score)[1]
