"""Figures as story evidence: two events of one kind are told apart by their numbers.

Two earthquakes in one region differ in magnitude and tolls ("5.6" and five hurt against "5.9" and
ten killed), two patches of one browser in version numbers, two contract offers in amounts, and
days of the month differ between two events' reports too. Reports of one event repeat its figures.
A figure is any number of two or more characters the text writes ("5.6", "137"), but not a year
(years have their own, softer evidence; "2,000" reads as 2000 and is taken for one). Figures are
kept as marker terms of the story's term rows (negative ids, so they never mix with word ids) and
counted per article, like the days and weekdays a story's articles name.

Measures are the figures that state an event's size: decimals ("a 5.6 magnitude quake") and sums in
millions or more ("$160 million", "€2m"), compared by value; not shares ("83.3 percent": a poll's).
A report states its own event's first; further down it may name other events' (an earlier quake's
magnitude, the last heist's haul), so the measures of its first sentence naming any stand for the
article. So do tolls, the counts of people killed or hurt its first sentence stating any states
("five wounded", "killing at least 10 people"): two quakes on one island, five hurt against ten dead."""

from __future__ import annotations

import math
import re
import zlib
from collections import Counter
from collections.abc import Callable, Iterable

FIGURE_AGAINST = 0.7  # both name figures, the story's articles none of the article's
FIGURE_FOR = 1.0  # shared figures are common (counts, times): no boost, only the absence counts
SUM_SPREAD = 1  # sums this many powers of two apart agree (one sum in two currencies, or estimated twice)
MEASURE_AGAINST = 0.7  # both name measures, the story's articles none of the article's
TOLL_AGAINST = 0.8  # both state tolls, none agree (milder than measures: estimates of the hurt vary, 70 or 100)
_FIGURE = re.compile(r"(?<![\w.,])\d+(?:[.,]\d+)*(?!\w)")
_YEAR = re.compile(r"(?:19[5-9]\d|20\d\d)")
_SCALE = {"million": 1e6, "m": 1e6, "mn": 1e6, "billion": 1e9, "bn": 1e9, "trillion": 1e12}
_MEASURE = re.compile(
    r"(?<![\w.,])(\d+(?:,\d{3})*(?:\.\d+)?)(?:[\s-]*(" + "|".join(_SCALE) + r")\b)?(?!\s*(?:%|per\s?cent))", re.I
)
_NUMBERS = "two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen"
_COUNT_WORDS = {w: n for n, w in enumerate((_NUMBERS + " eighteen nineteen twenty").split(), 2)}
_COUNT = r"(\d+|" + "|".join(_COUNT_WORDS) + ")"  # not "one": "no one was hurt" states no toll
_WHO = r"(?:(?:people|persons|others|civilians|students|children|soldiers|police(?:men)?|workers|passengers"
_WHO += r"|of\s+them|were|are|have\s+been|had\s+been|was)\s+){0,2}"
_ABOUT = r"(?:(?:at\s+least|about|some|nearly|more\s+than)\s+)?"
_HARMING = r"(?:kill(?:s|ed|ing)|injur(?:es|ed|ing)|wound(?:s|ed|ing)|hurt(?:s|ing)?)"
_TOLL = re.compile(
    rf"\b{_COUNT}\s+{_WHO}(?:killed|dead|died|injured|hurt|wounded)\b"  # "five wounded", "10 people were killed"
    rf"|\b{_HARMING}\s+{_ABOUT}{_COUNT}\b"  # "killing at least 10"
    rf"|\btoll\s+(?:\w+\s+){{0,2}}?(?:to|at|of)\s+{_ABOUT}{_COUNT}\b",  # "the death toll rose to 10"
    re.I,
)
_SENTENCE_END = re.compile(r"[.!?][\"”’']?\s+(?=[\"“‘']?[A-Z])")


def figure_marker(figure: str) -> int:
    """A negative 63-bit id for a figure's marker term ("": the story's articles naming any figure)."""
    key = f"@figure {figure}"
    return -1 - (zlib.crc32(key.encode()) << 31 ^ zlib.crc32(key[::-1].encode()))


ANY_FIGURE = figure_marker("")
ANY_MEASURE = figure_marker("@measure")  # the story's articles naming any measure


def named_figures(text: str) -> frozenset[int]:
    """The markers of the figures the text writes: numbers of 2+ characters that are not years."""
    found = set()
    for match in _FIGURE.finditer(text):
        figure = match.group().replace(",", "")
        if len(figure) >= 2 and not _YEAR.fullmatch(figure):
            found.add(figure_marker(figure))
    return frozenset(found)


def _measures(text: str) -> frozenset[str]:
    found = set()
    for match in _MEASURE.finditer(text):
        number, scale = match.group(1).replace(",", ""), match.group(2)
        if scale:
            found.add(f"sum {math.floor(math.log2(float(number) * _SCALE[scale.lower()] or 1))}")
        elif "." in number:
            found.add(number)
    return frozenset(found)


def _tolls(text: str) -> frozenset[str]:
    counts = (next(c for c in m.groups() if c) for m in _TOLL.finditer(text))
    return frozenset(c if c.isdigit() else str(_COUNT_WORDS[c.casefold()]) for c in counts if c != "0")


def _first_stating(text: str, read: Callable[[str], frozenset[str]]) -> frozenset[str]:
    """What ``read`` finds in the first sentence (the headline is one) where it finds anything."""
    for line in text.splitlines():
        for sentence in _SENTENCE_END.split(line):
            if found := read(sentence):
                return found
    return frozenset()


def named_measures(text: str) -> frozenset[str]:
    """The measures of the first sentence (the headline is one) that names any: decimals ("5.6"),
    and numbers of millions or more ("$160 million", "€2m") as their power of two ("$1.5 billion"
    = "1,500 million"; "2,000,000" is written as a count, not a sum); percentages are left out."""
    return _first_stating(text, _measures)


def named_tolls(text: str) -> frozenset[str]:
    """The tolls (people killed or hurt, as digits) of the first sentence that states any."""
    return _first_stating(text, _tolls)


def measure_marker(measure: str) -> int:
    return figure_marker("@measure " + measure)


def _matching(measure: str) -> list[int]:
    """The markers a story's measure may carry to agree with ``measure``: a decimal exactly, a sum
    within a power of two either way (one sum in two currencies, or estimated twice)."""
    if not measure.startswith("sum "):
        return [measure_marker(measure)]
    power = int(measure.split()[1])
    return [measure_marker(f"sum {p}") for p in range(power - SUM_SPREAD, power + SUM_SPREAD + 1)]


def toll_marker(toll: str) -> int:
    return figure_marker("@toll " + toll)


ANY_TOLL = toll_marker("")  # the story's articles stating any toll


def figure_rows(
    figures: frozenset[int], measures: frozenset[str] = frozenset(), tolls: frozenset[str] = frozenset()
) -> dict[int, float]:
    """The marker terms an article's figures, measures and tolls add to its story."""
    rows = {ANY_FIGURE: 1.0, **dict.fromkeys(figures, 1.0)} if figures else {}
    rows |= {ANY_MEASURE: 1.0, **{measure_marker(m): 1.0 for m in measures}} if measures else {}
    return rows | ({ANY_TOLL: 1.0, **{toll_marker(t): 1.0 for t in tolls}} if tolls else {})


def add_figures(
    story_figures: Counter[int], figures: frozenset[int], measures: frozenset[str], tolls: frozenset[str] = frozenset()
) -> None:
    """What an article's figures, measures and tolls add to a story's counts, in memory (figures'
    "any" count is kept apart by the caller, measures' and tolls' are markers among them as in storage)."""
    story_figures.update(figures | {measure_marker(m) for m in measures} | {toll_marker(t) for t in tolls})
    story_figures[ANY_MEASURE] += bool(measures)
    story_figures[ANY_TOLL] += bool(tolls)


def split_figures(terms: dict[int, float]) -> tuple[dict[int, float], Counter[int], int]:
    """A story's stored terms: the rest, its figure counts, and its articles naming any figure."""
    rest = {t: w for t, w in terms.items() if t >= 0}
    figures = Counter({t: round(w) for t, w in terms.items() if t < 0 and round(w) > 0})
    return rest, figures, figures.pop(ANY_FIGURE, 0)


def figure_evidence(figures: Iterable[int], story_figures: Counter[int], story_figure_articles: int) -> float:
    """Both name figures: FIGURE_AGAINST when none of the story's articles names one of the
    article's, rising (square root of the share of its articles naming the best-shared one) to
    FIGURE_FOR; else no evidence (1). The square root: in a grown story few articles repeat any
    one figure, and one that does is already telling."""
    figures = list(figures)
    if not figures or not story_figure_articles:
        return 1.0
    support = max(story_figures[f] for f in figures) / story_figure_articles
    return FIGURE_AGAINST + (FIGURE_FOR - FIGURE_AGAINST) * min(1.0, support) ** 0.5


def measure_evidence(measures: Iterable[str], story_figures: Counter[int]) -> float:
    """Both name measures: MEASURE_AGAINST when none of the story's articles names one of the
    article's (a 5.6 quake against 5.9 and 6.1 ones, $160 million against $2.6 million), else 1."""
    measures = list(measures)
    if not measures or not story_figures[ANY_MEASURE]:
        return 1.0
    return 1.0 if any(story_figures[m] for measure in measures for m in _matching(measure)) else MEASURE_AGAINST


def toll_evidence(tolls: Iterable[str], story_figures: Counter[int]) -> float:
    """Both state tolls: TOLL_AGAINST when none of the story's articles states one of the article's
    (five wounded against ten dead), else 1."""
    tolls = list(tolls)
    if not tolls or not story_figures[ANY_TOLL]:
        return 1.0
    return 1.0 if any(story_figures[toll_marker(t)] for t in tolls) else TOLL_AGAINST


def number_evidence(
    figures: Iterable[int], measures: Iterable[str], tolls: Iterable[str], story_figures: Counter[int], articles: int
) -> float:
    """The figure, measure and toll evidence together (``articles``: the story's articles naming figures)."""
    figure = figure_evidence(figures, story_figures, articles)
    return figure * measure_evidence(measures, story_figures) * toll_evidence(tolls, story_figures)
