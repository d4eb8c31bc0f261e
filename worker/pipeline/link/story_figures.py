"""Figures as story evidence: two events of one kind are told apart by their numbers.

Two earthquakes in one region differ in magnitude and tolls ("5.6" and five hurt against "5.9" and
ten killed), two patches of one browser in version numbers, two contract offers in amounts, and
days of the month differ between two events' reports too. Reports of one event repeat its figures.
A figure is any number of two or more characters the text writes ("5.6", "137"), but not a year
(years have their own, softer evidence; "2,000" reads as 2000 and is taken for one). Figures are
kept as marker terms of the story's term rows (negative ids, so they never mix with word ids) and
counted per article, like the days and weekdays a story's articles name."""

from __future__ import annotations

import re
import zlib
from collections import Counter
from collections.abc import Iterable

FIGURE_AGAINST = 0.7  # both name figures, the story's articles none of the article's
FIGURE_FOR = 1.0  # shared figures are common (counts, times): no boost, only the absence counts
_FIGURE = re.compile(r"(?<![\w.,])\d+(?:[.,]\d+)*(?!\w)")
_YEAR = re.compile(r"(?:19[5-9]\d|20\d\d)")


def figure_marker(figure: str) -> int:
    """A negative 63-bit id for a figure's marker term ("": the story's articles naming any figure)."""
    key = f"@figure {figure}"
    return -1 - (zlib.crc32(key.encode()) << 31 ^ zlib.crc32(key[::-1].encode()))


ANY_FIGURE = figure_marker("")


def named_figures(text: str) -> frozenset[int]:
    """The markers of the figures the text writes: numbers of 2+ characters that are not years."""
    found = set()
    for match in _FIGURE.finditer(text):
        figure = match.group().replace(",", "")
        if len(figure) >= 2 and not _YEAR.fullmatch(figure):
            found.add(figure_marker(figure))
    return frozenset(found)


def figure_rows(figures: frozenset[int]) -> dict[int, float]:
    """The marker terms an article's figures add to its story."""
    return {ANY_FIGURE: 1.0, **dict.fromkeys(figures, 1.0)} if figures else {}


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
