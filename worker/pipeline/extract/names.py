"""Name normalization shared by entity extraction (within an article) and linking (across articles).

Pure string functions, no spaCy: ``name_key`` says when two surface forms are the same name,
``is_name_variant`` when a short form ("Xi", "Mr. Biden", "Donald Trump") can stand for a fuller
one ("Xi Jinping", "Joseph R. Biden Jr.", "Donald J. Trump").
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# courtesy titles: kept as a mention attribute, never part of a name
HONORIFICS = frozenset({"mr", "mrs", "ms", "miss", "mx", "dr", "prof", "sir", "dame", "madam", "mme"})
FEMALE_HONORIFICS = frozenset({"mrs", "ms", "miss", "madam", "mme", "dame"})
MALE_HONORIFICS = frozenset({"mr", "sir"})
# words that make a role when they stand before a name ("Commerce Secretary Howard Lutnick")
TITLE_WORDS = frozenset(
    {
        "president", "vice", "prime", "minister", "premier", "chancellor", "secretary", "ambassador",
        "envoy", "senator", "sen", "representative", "rep", "congressman", "congresswoman",
        "governor", "gov", "lt", "mayor", "general", "gen", "colonel", "col", "major", "maj",
        "coun", "councillor", "councilor", "cllr", "sens", "reps", "govs", "lieutenant",
        "cpl", "cmdr", "pvt", "atty", "amb", "msgr",
        "captain", "capt", "admiral", "adm", "sergeant", "sgt", "commander", "chief", "chairman",
        "chairwoman", "chair", "director", "spokesman", "spokeswoman", "spokesperson", "judge",
        "justice", "attorney", "prosecutor", "king", "queen", "prince", "princess", "pope",
        "cardinal", "bishop", "archbishop", "rev", "reverend", "rabbi", "imam", "sheikh", "emir",
        "sultan", "leader", "speaker", "treasurer", "commissioner", "administrator", "ceo", "cfo",
        "founder", "cofounder", "co-founder", "executive", "adviser", "advisor", "deputy",
        "assistant", "acting", "former", "president-elect", "professor", "lawmaker", "legislator",
        "candidate", "nominee", "superintendent", "sheriff", "officer", "economist", "analyst",
        "diplomat", "official", "presidential", "state", "foreign", "defense", "trade",
    }
)
# of TITLE_WORDS, those that are a title on their own (the others only modify one)
TITLE_HEADS = TITLE_WORDS - {"vice", "prime", "acting", "former", "deputy", "assistant", "presidential",
                             "state", "foreign", "defense", "trade", "executive", "chief", "general"}
# titles name_key drops before a name: only those that never start an organization's name
KEY_TITLES = frozenset({"president", "sen", "rep", "gov", "gen", "senator", "ambassador"})
CORPORATE_SUFFIXES = frozenset({"inc", "corp", "co", "ltd", "llc", "plc", "ag", "gmbh", "nv", "sa"})
NAME_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv", "v"})
ACRONYM_STOPWORDS = frozenset({"of", "for", "and", "the", "on", "in", "de", "du", "des", "la", "le", "&"})

# a small lexicon, only to tell apart two people who share a surname ("Mr. Clinton", "Mrs. Clinton")
FEMALE_FIRST_NAMES = _words(
    """
    mary patricia jennifer linda elizabeth barbara susan jessica sarah karen nancy lisa betty margaret
    sandra ashley kimberly emily donna michelle carol amanda melissa deborah stephanie rebecca laura
    sharon cynthia kathleen amy angela shirley anna brenda pamela pam nicole emma samantha katherine
    christine debra rachel carolyn janet catherine maria heather diane julie joyce victoria kelly
    christina joan evelyn lauren judith olivia martha cheryl megan andrea hannah jacqueline ann jean
    alice kathryn gloria teresa doris sara janice julia marie madison grace judy theresa beverly denise
    marilyn amber danielle abigail brittany rose diana natalie sophia alexis lori kayla jane hillary
    nancy elaine kamala ivanka melania michelle karoline brooke kristi tulsi nikki
    condoleezza madeleine angela theresa ursula giorgia christine jacinda sanae yuriko wendy kristalina
    janet gina marsha susie elise liz lisa kirsten tammy amy maxine ilhan alexandria rashida ayanna
    anne jillian kate katie jenna jill molly erin tina kristen kristin allison alison holly leslie
    heidi carly carla claire clare dana debbie dianne ellen eva gretchen huma jeanne joanna
    joni kathy kellyanne kirstie leah lynn meghan meredith mia monica nina norma paula peggy
    ruth sally sheila stacey susana sylvia tara valerie vanessa veronica wanda yvonne zoe betsy
    cathy christy cindy colleen connie dolores eleanor ella gabrielle hayley irene jackie jenny
    joy katrina lucy mallory marcia marianne melinda mindy nora patty rosa roxanne shannon
    sonia stella tracy vicki whitney chelsea huma loretta debbie elena ruth sheryl madeline
    """
)
MALE_FIRST_NAMES = _words(
    """
    james john robert michael william david richard joseph thomas charles christopher daniel matthew
    anthony mark donald steven paul andrew joshua kenneth kevin brian george timothy ronald edward
    jason jeffrey ryan jacob gary nicholas eric jonathan stephen larry justin scott brandon benjamin
    samuel gregory frank alexander raymond patrick jack dennis jerry tyler aaron jose adam henry
    nathan douglas zachary peter kyle walter ethan jeremy harold keith christian roger noah gerald
    carl terry sean austin arthur lawrence jesse dylan bryan joe billy bruce albert willie
    gabriel logan alan juan wayne roy ralph randy eugene vincent russell elijah louis bobby philip
    johnny bill barack mitt mitch ted bernie marco chris rand lindsey mike jeb vladimir xi howard
    emmanuel boris rishi keir olaf narendra recep benjamin volodymyr shinzo fumio hunter jd
    pete hakeem chuck elon jeff warren tim satya sundar jensen
    harvey jake matt greg jim tom dan dave steve rick ron ken ben sam nick rob bob joel marc
    reince newt rudy jon josh luke max neil phil ray rex seth stu todd tony trey vince wes will
    allen andy barry brad brett cory craig curtis darrell dean derek devin don doug drew dustin
    earl ed eddie fred glenn grant hank herman ian jared jay jerome jimmy joey karl kent kurt lance
    leon lloyd lou mario martin marty mel miles mitchell nate neal norman oliver omar orrin
    otis paul perry preston ralph reggie rodney rush sherrod stanley stuart ted travis troy
    tucker wade wally ward wilbur bret corey khizr dinesh
    """
)

_POSSESSIVE = re.compile(r"(?:[’']s|(?<=s)[’'])$")
_LEADING_THE = re.compile(r"^the\s+", re.IGNORECASE)


@lru_cache(maxsize=1 << 16)  # pure, and called for the same names thousands of times per article
def fold(text: str) -> str:
    """Casefolded, accents removed, curly apostrophes straightened."""
    text = unicodedata.normalize("NFKD", text.replace("’", "'"))
    return "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()


def _bare(word: str) -> str:
    return fold(word).strip(".,;:")


def strip_possessive(text: str) -> str:
    return _POSSESSIVE.sub("", text)


@lru_cache(maxsize=1 << 16)
def name_key(name: str) -> str:
    """Case, accents, leading honorifics and titles, possessives, "the" and punctuation do not
    distinguish two names: "Mr. Xi" / "President Xi" / "Xi’s" -> "xi", "the White House" -> "white house"."""
    words = _LEADING_THE.sub("", strip_possessive(name.strip())).split()
    while len(words) > 1 and (_bare(words[0]) in HONORIFICS or _bare(words[0]) in KEY_TITLES):
        words = words[1:]
    text = fold(" ".join(words))
    text = re.sub(r"(?<=\w)\.(?=\w)", "", text)  # U.S. -> us, A.I. -> ai
    text = re.sub(r"[^\w\s-]", " ", text)
    words = text.split()
    while len(words) > 1 and words[-1] in CORPORATE_SUFFIXES:
        words.pop()  # "Apple Inc." is "Apple"
    return " ".join(words)


def name_parts(name: str) -> tuple[list[str], str | None]:
    """The folded name words without honorifics, titles and suffix, and the suffix if any:
    "Joseph R. Biden Jr." -> (["joseph", "r", "biden"], "jr")."""
    words = [_bare(w) for w in strip_possessive(name.strip()).replace(",", " ").split()]
    words = [w for w in words if w]
    while len(words) > 1 and (words[0] in HONORIFICS or words[0] in TITLE_WORDS):
        words = words[1:]
    suffix = None
    if len(words) > 1 and words[-1] in NAME_SUFFIXES:
        suffix = words.pop()
    return words, suffix


def _same_word(short: str, full: str) -> bool:
    return short == full or (len(short) == 1 and full.startswith(short))


def is_name_variant(short: str, full: str) -> bool:
    """Can ``short`` refer to the person named ``full``?

    A single word must be the last name or the first name ("Xi" of "Xi Jinping", "Biden" of
    "Joseph R. Biden Jr."); several words must keep the first and last names, in order, with
    middle names or initials optional ("Vladimir Putin" of "Vladimir V. Putin"). Suffixes must agree
    when both forms have several words ("Donald Trump" is not "Donald Trump Jr.")."""
    s, s_suffix = name_parts(short)
    f, f_suffix = name_parts(full)
    if not s or not f or len(s) > len(f):
        return False
    if len(s) == 1:
        return s[0] in (f[0], f[-1]) and (s_suffix is None or s_suffix == f_suffix)
    if s_suffix != f_suffix or s[0] != f[0] or s[-1] != f[-1]:
        return False
    j = 1
    for word in s[1:-1]:
        while j < len(f) - 1 and not _same_word(word, f[j]):
            j += 1
        if j >= len(f) - 1:
            return False
        j += 1
    return True


def first_name_gender(name: str) -> str | None:
    """ "f", "m" or None (unknown) from the first name of ``name``."""
    words, _ = name_parts(name)
    if len(words) < 2:
        return None
    if words[0] in FEMALE_FIRST_NAMES and words[0] not in MALE_FIRST_NAMES:
        return "f"
    if words[0] in MALE_FIRST_NAMES and words[0] not in FEMALE_FIRST_NAMES:
        return "m"
    return None


def honorific_gender(honorific: str) -> str | None:
    word = _bare(honorific)
    if word in FEMALE_HONORIFICS:
        return "f"
    if word in MALE_HONORIFICS:
        return "m"
    return None


def acronym(name: str) -> str:
    """Initials of the significant words: "Foundation for Defense of Democracies" -> "FDD"."""
    words = [w for w in re.split(r"[\s-]+", _LEADING_THE.sub("", name)) if w]
    return "".join(w[0].upper() for w in words if w.casefold() not in ACRONYM_STOPWORDS and w[0].isalpha())


def acronym_letters(text: str) -> str | None:
    """ "U.S." / "FDD" / "U.N." -> "US" / "FDD" / "UN"; None when ``text`` is not an acronym."""
    bare = text.replace(".", "").replace("&", "")
    if 2 <= len(bare) <= 8 and bare.isalpha() and bare.isupper():
        return bare
    return None


def one_edit(a: str, b: str) -> bool:
    """One substitution, insertion, deletion or swap of neighbours: 'heidar'/'heydar', 'jon'/'john'."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        if len(diff) == 1:
            return True
        i, j = diff[0], diff[-1]
        return len(diff) == 2 and j == i + 1 and a[i] == b[j] and a[j] == b[i]
    short, long_ = sorted((a, b), key=len)
    return any(long_[:i] + long_[i + 1 :] == short for i in range(len(long_)))


_PARTICLES = frozenset({"mc", "mac", "de", "le", "la", "di", "da", "du", "van", "von", "del", "o"})
_BLEND = re.compile(r"^([A-Z][a-z]{0,3})[-.]?([A-Z][a-z]{1,3})$")


def is_blend(short: str, full: str) -> bool:
    """A nickname blended from the start of the given name and of the family name: "LiLo" of "Lindsay
    Lohan", "J.Lo" of "Jennifer Lopez", "A-Rod" of "Alex Rodriguez". Written with a second capital, so a
    plain word ("Lilo") is never one; the full name has a given and a family name."""
    match = _BLEND.match(strip_possessive(short.strip()))
    words, _ = name_parts(full)
    if match is None or len(words) < 2 or len(words[0]) < 2:
        return False
    head, tail = (fold(g) for g in match.groups())
    if head in _PARTICLES:  # "McCain", "DeLay", "LeBron": one name written with a particle
        return False
    return words[0].startswith(head) and words[-1].startswith(tail) and len(head + tail) < len(words[0] + words[-1])
