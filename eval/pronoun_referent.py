"""Scorer v5's guess at the referent of a pronoun Source (PolNeAR has no coreference).

v4 took the nearest earlier Source with a capitalized word. v5 keeps that walk back through the earlier
Sources but skips the ones a pronoun cannot refer to, and reads relative pronouns off the text:
  - "who"/"which"/"that" right after a comma refer to the capitalized name that ends just before the
    comma: "Contrast that with Trump, who ..."; "Sen. Marco Rubio of Florida, who" is Rubio, not Florida.
    A lowercase word before the comma ("her new Iowa ad, which", "his Mexican heritage, who") leaves the
    pronoun to the walk.
  - "he"/"she" skip a plural Source ("Sanders aides", "Edwards and others", "Most of ...") and one whose
    gender the article states otherwise. Gender evidence, from the text outside quotation marks only:
    "Mr."/"Mrs."/"Ms." before the name, "NAME said (that) he/she" (a verb of saying or thinking straight
    after the name), and a few unambiguous words in the Source ("wife", "spokeswoman", "husband"; not
    "spokesman", which is said of women too). A name without evidence is never skipped.
When nothing earlier agrees, the guess is v4's. Measured against hand labels: eval/labels/ and
eval/RESULTS.md ("How right is the scorer about pronoun speakers?").
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict

from polnear import DETERMINERS, PRONOUNS, SAYING, _capitalized, _head_phrase, _last_word, _words

GENDERED = {"he": "m", "him": "m", "his": "m", "she": "f", "her": "f"}
RELATIVE = ("who", "which", "that")
QUANTIFIERS = frozenset("most many some several all both each none few others other".split())
FEMALE_WORDS = frozenset(
    "spokeswoman chairwoman congresswoman businesswoman wife mother daughter sister grandmother niece aunt widow "
    "actress woman girl mrs. ms.".split()
)
MALE_WORDS = frozenset("husband father son brother grandfather nephew uncle widower boy mr.".split())
TITLES = frozenset(
    """president secretary senator sen governor gov rep representative former candidate nominee judge justice
    general attorney mayor chairman chairwoman speaker leader director vice first lady dr mr mrs ms sir
    republican democrat democratic gop rev reverend pope king queen prince""".split()
)
_VERBS = "|".join(
    sorted(SAYING | set("thinks thought believes believed hopes hoped wants wanted knows knew feels felt".split()))
)
_GENDER_CUE = re.compile(r"\s+(?:\w+ly\s+)?(?:" + _VERBS + r")\s+(?:that\s+)?(he|she)\b")
_TOKEN = re.compile(r"[\w’'.-]+")
_PARTICLES = frozenset("de van von der da del la le bin al".split())
_RUN_AT_END = re.compile(r"(?:^|\s)((?:[A-Z][\w’'.-]*\s+)*[A-Z][\w’'.-]*)(\s+[a-z]+)?$")


def _head(source: str) -> str:
    """The source's head phrase, also cut before a dash, a bracket or an "of"/"for"/... phrase."""
    head = re.split(r"\s[-–—]+\s|\s\(", _head_phrase(source))[0]
    return re.split(r"\s(?:of|for|from|at|in|on|with)\s", head, maxsplit=1)[0]


def name_run(source: str) -> str | None:
    """The capitalized words that end the head phrase: "Clinton campaign chairman John Podesta" -> "John
    Podesta"; None when the head ends in a lowercase word ("Sanders aides", "the senator")."""
    words = [w for w in _TOKEN.findall(_head(source)) if any(c.isalnum() for c in w)]
    if not words or not words[-1][:1].isupper():
        return None
    i = len(words)
    while i > 0 and (words[i - 1][:1].isupper() or (words[i - 1].casefold() in _PARTICLES and i < len(words))):
        i -= 1
    run = words[i:]
    while run and run[0].casefold() in DETERMINERS | QUANTIFIERS:
        run = run[1:]
    if not run or (len(run) == 1 and run[0].casefold() in PRONOUNS):
        return None
    return " ".join(run)


def is_plural(source: str) -> bool:
    """Several people: "Edwards and others", "Most of Delaware's top Democratic brass", "Sanders aides"."""
    head = _head(source)
    if re.search(r"\s(?:and|&)\s", head):
        return True
    words = _words(head)
    if words and words[0].casefold() in QUANTIFIERS:
        return True
    if not words or name_run(source):
        return False
    last = words[-1]
    return (
        len(last) > 3
        and last.isascii()
        and last.isalpha()
        and last.islower()
        and last.endswith("s")
        and not last.endswith("ss")
    )


def _quoted(text: str) -> bytearray:
    mask = bytearray(len(text))
    for m in re.finditer(r'“[^”]*”|"[^"\n]*"', text):
        mask[m.start() : m.end()] = b"\x01" * (m.end() - m.start())
    return mask


def _first_last(run: str) -> str | None:
    words = [w for w in run.split() if not w.endswith(".")]
    return " ".join(words[-2:]).casefold() if len(words) >= 2 else None


class Genders:
    """What an article says about the gender of the people its Sources name."""

    def __init__(self, text: str, sources: list[str]) -> None:
        self.votes: dict[str, Counter[str]] = defaultdict(Counter)
        self.first_names: dict[str, set[str]] = defaultdict(set)  # surname -> first names seen with it
        keys = {_last_word(run) for run in (name_run(s) for s in sources if not is_plural(s)) if run}
        quoted = _quoted(text)
        for key in (k for k in keys if len(k) > 1):
            for m in re.finditer(r"(?<![\w’'])" + re.escape(key) + r"(?!\w)", text, flags=re.IGNORECASE):
                if not text[m.start()].isupper():
                    continue
                first = re.search(r"([A-Z][\w’'-]+)\s+$", text[max(0, m.start() - 30) : m.start()])
                first_name = first.group(1).casefold() if first and first.group(1).casefold() not in TITLES else None
                if first_name:
                    self.first_names[key].add(first_name)
                vote = None if quoted[m.start()] else self._vote(text, m.start(), m.end(), quoted)
                if vote:
                    self.votes[key][vote] += 1
                    if first_name:  # "Bill Clinton" and "Hillary Clinton" also count apart
                        self.votes[f"{first_name} {key}"][vote] += 1

    @staticmethod
    def _vote(text: str, start: int, end: int, quoted: bytearray) -> str | None:
        before = text[max(0, start - 6) : start].casefold()
        if re.search(r"\b(?:mrs|ms)\.\s*$", before):
            return "f"
        if re.search(r"\bmr\.\s*$", before):
            return "m"
        cue = _GENDER_CUE.match(text, end)
        if cue and not quoted[cue.start(1)]:
            return "m" if cue.group(1) == "he" else "f"
        return None

    def of(self, source: str) -> str | None:
        words = {w.casefold() for w in _words(source)}
        if words & FEMALE_WORDS:
            return "f"
        if words & MALE_WORDS:
            return "m"
        run = name_run(source)
        if not run:
            return None
        surname = _last_word(run)
        keys = [_first_last(run), surname]
        if keys[0] and len(self.first_names.get(surname, ())) > 1:
            keys = keys[:1]  # two people share the surname: only what is said of this one
        for key in keys:
            votes = self.votes.get(key) if key else None
            if votes:
                top, n = votes.most_common(1)[0]
                return top if n > sum(votes.values()) - n else None
        return None


def relative_referent(text: str, at: int, pronoun: str) -> str | None:
    """The name a relative pronoun right after a comma refers to, or None."""
    if pronoun.casefold() not in RELATIVE:
        return None
    before = text[max(0, at - 150) : at].rstrip()
    return _name_before(before[:-1]) if before.endswith(",") else None


def _name_before(chunk: str) -> str | None:
    m = _RUN_AT_END.search(chunk)
    if not m or m.group(2):
        return None
    words = chunk[: m.start(1)].split()
    if words and words[-1] in ("of", "from", "in", "at"):
        person = _name_before(" ".join(words[:-1]))  # "Sen. Marco Rubio of Florida," but "from Mike Lee,"
        if person:
            return person
    return m.group(1)


def referent(
    text: str, sources: list[tuple[int, str]], at: int, pronoun: str, genders: Genders
) -> tuple[int, str] | None:
    """The guessed referent of the pronoun Source at ``at``, as (start, text): an earlier Source, or for a
    relative pronoun the name before it (start ``at``). ``sources`` are the article's Sources (start, text)."""
    relative = relative_referent(text, at, pronoun)
    if relative:
        return at, relative
    earlier = sorted(((s, src) for s, src in sources if s < at and _capitalized(src)), reverse=True)
    wanted = GENDERED.get(pronoun.casefold())
    for start, source in earlier:
        if wanted is None or not (is_plural(source) or genders.of(source) not in (None, wanted)):
            return start, source
    return earlier[0] if earlier else None
