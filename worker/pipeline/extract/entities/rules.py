"""Word lists, tag sets and evidence weights the entity steps read: rules as data."""

from __future__ import annotations

from worker.pipeline.extract.names import HONORIFICS, NAME_SUFFIXES, TITLE_HEADS

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
# types the small model gives people's given names ("Ivanka" as a product): a given name is a person there
OFTEN_MISTYPED_PEOPLE = frozenset({"product", "work", "event"})
# nouns right before a name that make it a newspaper's: "daily Eleftherotypia", "the tabloid Bild"
PRESS_NOUNS = frozenset("daily newspaper paper tabloid broadsheet weekly".split())
# labels whose type the article-wide vote may change
NAME_TYPES = frozenset({"person", "organization", "place", "group"})
# "’s Clinton": the clitic of "Here’s" the model swallowed into a name
LEADING_DROP = frozenset({"the", "a", "an", "'s", "’s"})
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
# a full name opening with a known given name ("Carly Fiorina" tagged ORG): more than the model's tag weighs
GIVEN_NAME_EVIDENCE = 1.5
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
NICKNAME_MARKS = {"(": ")", '"': '"', "“": "”", "'": "'", "‘": "’"}
# titles of one person before a surname ("Professor Varoufakis", "Det. Ruiz"); not "General", "Chief" (General Motors)
PERSON_TITLES = TITLE_HEADS | HONORIFICS | frozenset({"detective", "det", "inspector", "constable", "insp"})
