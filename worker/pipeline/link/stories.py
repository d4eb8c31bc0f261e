"""Stories: articles that report the same event, built incrementally.

An article is described by two weighted vectors: its most telling entities (idf-weighted mentions)
and its most telling content words (tf-idf of words, numbers and names of its title and text, a unit
vector). A story is the sum of its articles' vectors. The article's similarity to a story mixes
entity overlap (both ways: the article's entities the story has, and the story's main entities the
article has) and content cosine; dates are soft evidence: the further the article lies outside the
story's date range, the lower the score, so one event's reports days or weeks apart still meet while
the same kind of event years later does not. When a side is undated, the year the article is about
(its publication year, else the year its text names most often) is weaker evidence against the years
of the story's articles: two reports of one event seldom name different years most, two events of
one kind usually do. Days of the year the article names ("Dec. 9", "9 September 2013", and its
publication day) are event-specific evidence both ways: the story's articles naming a day near one
of them is evidence for, naming only other days evidence against. So are the weekdays it names ("on
Monday"), when either side is undated: reports of one event name its weekday. An article clearly
about one person, against a story clearly about another where neither names the other's, is evidence
against (two running backs of one team put on injured reserve). So are figures (see story_figures): an
article naming numbers none of the story's articles names is evidence against, and so, on top, is an
article stating measures (a magnitude, a sum) or tolls (five hurt) none of the story's articles states.
The article joins the best story scoring at least JOIN_THRESHOLD, else it starts one; another story it also matches at
BRIDGE_THRESHOLD or more was the same event seen before the bridge arrived, and is merged into it
(reversibly), unless both stories already hold SETTLED_STORY articles: two stories that grew that
far apart are two events. Candidates come from indexes (story entities, story words), never a scan.
Thresholds were set on ECB+ training topics (two different events of the same kind per topic) and
checked on topics held out of the tuning."""

from __future__ import annotations

import math
import re
import zlib
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

from spacy.lang.en.stop_words import STOP_WORDS

from worker.pipeline.link.story_dates import event_year, named_days, named_weekdays
from worker.pipeline.link.story_figures import (
    add_figures,
    figure_rows,
    named_figures,
    named_measures,
    named_tolls,
    number_evidence,
    split_figures,
)

TOP_ENTITIES = 12
TOP_TERMS = 40
PROBE_TERMS = 8  # an article looks stories up by its most telling words...
PROBE_ENTITIES = 6  # ...and entities
ENTITY_WEIGHT = 0.4  # the rest is content cosine
JOIN_THRESHOLD = 0.2
BRIDGE_THRESHOLD = 0.3  # 1.5 x the join threshold: one article must match both stories clearly
SETTLED_STORY = 5  # two stories this large grew apart: one article matching both does not merge them
TIME_SCALE_DAYS = 10.0  # the score halves about this far outside the story's dates
UNDATED_FACTOR = 0.7  # unknown time: weaker evidence than reports known to be days apart
OTHER_YEAR_FACTOR = 0.5  # undated, and about a year none of the story's articles is about
YEAR_GAP = 2  # years this far apart are different years of news
DAY_NEAR = 3  # days of the year this close are the same event's days
DAY_AGAINST = 0.7  # both name days, none near each other
DAY_FOR = 1.6  # every story article naming days names one near the article's
WEEKDAY_AGAINST = 0.7  # both name weekdays, the story's articles none of the article's
WEEKDAY_FOR = 1.5  # every story article naming weekdays names one of the article's
WEEKDAY_SPREAD = 4  # an article naming more weekdays tells of a week (a roundup), not of its event's day
LEAD_MARGIN = 2.0  # a lead person weighs at least this many times the next person
OTHER_LEAD = 0.7  # the article's and the story's lead people differ and neither names the other's
STORY_TYPES = frozenset({"person", "organization", "place", "event", "group"})
_WORD = re.compile(r"[^\W\d_][\w'’-]*[^\W_]|\d+(?:[.,]\d+)*")
_GENERIC = frozenset({"said", "says", "told", "according", "reported", "report", "news", "year", "years", "time"})


@dataclass(frozen=True)
class WeightedEntity:
    entity_id: int
    mentions: int
    document_frequency: int  # articles in the corpus that mention it
    person: bool = False


@dataclass(frozen=True)
class ArticleProfile:
    entities: dict[int, float]  # entity id -> weight
    terms: dict[int, float]  # term id -> weight (unit vector)
    day: date | None
    year: int | None = None  # the year it is about (see event_year)
    days: frozenset[int] = frozenset()  # days of the year (1-366) it names (see named_days)
    weekdays: frozenset[int] = frozenset()  # weekdays it names, 1 (Monday) to 7
    people: frozenset[int] = frozenset()  # which of its entities are people
    figures: frozenset[int] = frozenset()  # markers of the figures it names (see story_figures)
    measures: frozenset[str] = frozenset()  # the measures it states first (see story_figures)
    tolls: frozenset[str] = frozenset()  # the counts of people killed or hurt it states first


@dataclass
class StoryProfile:
    story_id: int
    entities: dict[int, float] = field(default_factory=dict)
    terms: dict[int, float] = field(default_factory=dict)
    first_date: date | None = None
    last_date: date | None = None
    years: Counter[int] = field(default_factory=Counter)  # year -> its articles about that year
    days: Counter[int] = field(default_factory=Counter)  # day of the year -> its articles naming it
    day_articles: int = 0  # its articles naming any day
    weekdays: Counter[int] = field(default_factory=Counter)  # weekday -> its articles naming it
    weekday_articles: int = 0  # its articles naming any weekday
    people: frozenset[int] = frozenset()  # which of its entities are people
    figures: Counter[int] = field(default_factory=Counter)  # figure marker -> its articles naming it
    figure_articles: int = 0  # its articles naming any figure
    articles: int = 0


@dataclass(frozen=True)
class Choice:
    story_id: int | None  # None: start a story
    score: float
    bridged: list[int]  # other stories the article shows to be the same event


def idf(document_frequency: int, corpus_size: int) -> float:
    return math.log((corpus_size + 1) / (document_frequency + 1)) + 1.0


def top_entities(entities: list[WeightedEntity], corpus_size: int) -> dict[int, float]:
    """The article's most telling entities, weighted by mentions (dampened) times rarity."""
    scored = {e.entity_id: (1 + math.log(e.mentions)) * idf(e.document_frequency, corpus_size) for e in entities}
    best = sorted(scored.items(), key=lambda kv: -kv[1])[:TOP_ENTITIES]
    return dict(best)


@lru_cache(maxsize=1 << 16)  # pure; an article repeats its words, the feed its vocabulary
def _stem(word: str) -> str:
    word = word.casefold().replace("’", "'")
    word = re.sub(r"'s?$", "", word)
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith("s") and not word.endswith("ss") and len(word) > 4:
        return word[:-1]
    return word


def term_id(term: str) -> int:
    """A stable 63-bit id for a term (the index key)."""
    return zlib.crc32(term.encode()) << 31 ^ zlib.crc32(term[::-1].encode())


def year_marker(year: int) -> int:
    """The term id under which a story stores how many of its articles are about ``year``."""
    return term_id(f"@year {year}")


def day_marker(day: int) -> int:
    """The term id under which a story counts its articles naming day ``day`` of the year (0: any)."""
    return term_id(f"@day {day}")


YEAR_MARKERS = {year_marker(y): y for y in range(1950, 2100)}


def weekday_marker(weekday: int) -> int:
    """The term id under which a story counts its articles naming ``weekday`` (1-7; 0: any)."""
    return term_id(f"@weekday {weekday}")


DAY_MARKERS = {day_marker(d): d for d in range(0, 367)}
WEEKDAY_MARKERS = {weekday_marker(d): d for d in range(0, 8)}
MARKERS = YEAR_MARKERS.keys() | DAY_MARKERS.keys() | WEEKDAY_MARKERS.keys()


def split_years(terms: dict[int, float]) -> tuple[dict[int, float], Counter[int]]:
    """A story's stored terms: its content words, and its year markers as year counts."""
    words = {t: w for t, w in terms.items() if t not in MARKERS}
    years = Counter({YEAR_MARKERS[t]: round(w) for t, w in terms.items() if t in YEAR_MARKERS and round(w) > 0})
    return words, years


def split_markers(
    terms: dict[int, float],
) -> tuple[dict[int, float], Counter[int], Counter[int], Counter[int]]:
    """A story's stored terms: content words, and counts of years, days and weekdays (day and
    weekday 0: its articles naming any). Figure markers are left out (see ``split_figures``)."""
    words, years = split_years(split_figures(terms)[0])
    days, weekdays = (
        Counter({markers[t]: round(w) for t, w in terms.items() if t in markers and round(w) > 0})
        for markers in (DAY_MARKERS, WEEKDAY_MARKERS)
    )
    return words, years, days, weekdays


def marker_rows(article: ArticleProfile) -> dict[int, float]:
    """The marker terms joining adds to a story: the article's year, and the days, weekdays and figures it names."""
    rows = {year_marker(article.year): 1.0} if article.year is not None else {}
    rows.update(figure_rows(article.figures, article.measures, article.tolls))
    for marker, named in ((day_marker, article.days), (weekday_marker, article.weekdays)):
        if named:
            rows[marker(0)] = 1.0
            rows.update({marker(d): 1.0 for d in named})
    return rows


def content_terms(text: str) -> Counter[int]:
    """Counts of content words (stemmed), numbers and names: no stop words, no reporting verbs."""
    return Counter(_content_terms(text))


@lru_cache(maxsize=4)  # the link task counts an article's words, then links it: one pass, not two
def _content_terms(text: str) -> dict[int, int]:
    counts: Counter[int] = Counter()
    for match in _WORD.finditer(text):
        word = _stem(match.group())
        if word[0].isdigit():
            if len(word) >= 2 or "." in word:
                counts[term_id("#" + word)] += 1
            continue
        if len(word) < 3 or word in STOP_WORDS or word in _GENERIC:
            continue
        counts[term_id(word)] += 1
    return counts


def term_vector(counts: Counter[int], document_frequency: dict[int, int], corpus_size: int) -> dict[int, float]:
    """The article's TOP_TERMS terms by tf-idf, as a unit vector."""
    scored = {t: (1 + math.log(n)) * idf(document_frequency.get(t, 0), corpus_size) for t, n in counts.items()}
    best = sorted(scored.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP_TERMS]
    norm = math.sqrt(sum(w * w for _, w in best)) or 1.0
    return {t: w / norm for t, w in best}


def cosine(a: dict[int, float], b: dict[int, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    dot = sum(w * b.get(t, 0.0) for t, w in a.items())
    na = math.sqrt(sum(w * w for w in a.values()))
    nb = math.sqrt(sum(w * w for w in b.values()))
    return dot / (na * nb) if na and nb else 0.0


def entity_overlap(article: dict[int, float], story: dict[int, float]) -> float:
    """The idf-weighted share of the article's top entities that the story also has."""
    total = sum(article.values())
    return sum(w for e, w in article.items() if e in story) / total if total else 0.0


def story_coverage(article: dict[int, float], story: dict[int, float]) -> float:
    """The weighted share of the story's TOP_ENTITIES main entities that the article also has: an
    article naming only "Paris" covers all of its own entities, but little of a Paris heist story."""
    main = sorted(story.items(), key=lambda kv: -kv[1])[:TOP_ENTITIES]
    total = sum(w for _, w in main)
    return sum(w for e, w in main if e in article) / total if total else 0.0


def time_factor(day: date | None, first: date | None, last: date | None) -> float:
    """1 inside the story's date range, falling off outside it; an undated side is neither
    near nor far, so it keeps part of the score (the rest must come from the content)."""
    if day is None or first is None or last is None:
        return UNDATED_FACTOR
    gap = max((first - day).days, (day - last).days, 0)
    return 1.0 / (1.0 + gap / TIME_SCALE_DAYS)


def time_evidence(article: ArticleProfile, story: StoryProfile) -> float:
    """Dates when both sides have them; else the share of the story's articles about the
    article's year (within YEAR_GAP), between OTHER_YEAR_FACTOR (none) and 1 (all); else nothing."""
    if article.day is not None and story.first_date is not None:
        return time_factor(article.day, story.first_date, story.last_date)
    total = sum(story.years.values())
    if article.year is None or not total:
        return UNDATED_FACTOR
    near = sum(n for y, n in story.years.items() if abs(y - article.year) < YEAR_GAP) / total
    return OTHER_YEAR_FACTOR + (1 - OTHER_YEAR_FACTOR) * near


def day_evidence(article: ArticleProfile, story: StoryProfile) -> float:
    """Both name days of the year: DAY_AGAINST when none of the story's is near the article's, up
    to DAY_FOR as more of the story's articles name one near them; else no evidence (1)."""
    if not article.days or not story.day_articles:
        return 1.0
    support = max(sum(n for d, n in story.days.items() if _near(a, d)) for a in article.days)
    return DAY_AGAINST + (DAY_FOR - DAY_AGAINST) * min(1.0, support / story.day_articles)


def weekday_evidence(article: ArticleProfile, story: StoryProfile) -> float:
    """Both name weekdays and a side is undated: WEEKDAY_AGAINST when the story's articles name
    none of the article's, up to WEEKDAY_FOR as more of them name one; else no evidence (1). With
    dates on both sides the dates say more (follow-ups name later weekdays). An article naming
    most of the week (over WEEKDAY_SPREAD days) shares one with any story: no evidence for."""
    if not article.weekdays or not story.weekday_articles:
        return 1.0
    if article.day is not None and story.first_date is not None:
        return 1.0
    support = max(story.weekdays[w] for w in article.weekdays) / story.weekday_articles
    evidence = WEEKDAY_AGAINST + (WEEKDAY_FOR - WEEKDAY_AGAINST) * min(1.0, support)
    return min(evidence, 1.0) if len(article.weekdays) > WEEKDAY_SPREAD else evidence


def lead_person(entities: dict[int, float], people: frozenset[int]) -> int | None:
    """The person a text or story is about: the heaviest, by LEAD_MARGIN over the next one."""
    weights = sorted(((w, e) for e, w in entities.items() if e in people), reverse=True)
    if not weights or (len(weights) > 1 and weights[0][0] < LEAD_MARGIN * weights[1][0]):
        return None
    return weights[0][1]


def lead_evidence(article: ArticleProfile, story: StoryProfile) -> float:
    """Evidence against when the article is clearly about one person and the story clearly about
    another, and neither names the other's (two running backs put on injured reserve)."""
    mine, theirs = lead_person(article.entities, article.people), lead_person(story.entities, story.people)
    if mine is None or theirs is None or mine == theirs:
        return 1.0
    return OTHER_LEAD if mine not in story.entities and theirs not in article.entities else 1.0


def _near(a: int, b: int) -> bool:
    gap = abs(a - b)
    return min(gap, 366 - gap) <= DAY_NEAR


def similarity(article: ArticleProfile, story: StoryProfile) -> float:
    words = cosine(article.terms, story.terms)
    both_ways = entity_overlap(article.entities, story.entities) * story_coverage(article.entities, story.entities)
    shared = math.sqrt(both_ways)
    content = ENTITY_WEIGHT * shared + (1 - ENTITY_WEIGHT) * words
    if not article.entities:  # nothing named: the words alone
        content = words
    dates = time_evidence(article, story) * day_evidence(article, story) * weekday_evidence(article, story)
    figures = number_evidence(article.figures, article.measures, article.tolls, story.figures, story.figure_articles)
    return content * dates * lead_evidence(article, story) * figures


def choose_story(article: ArticleProfile, candidates: list[StoryProfile]) -> Choice:
    scored = sorted(((similarity(article, s), s.story_id) for s in candidates), reverse=True)
    if not scored or scored[0][0] < JOIN_THRESHOLD:
        return Choice(None, scored[0][0] if scored else 0.0, [])
    best, story_id = scored[0]
    size = {s.story_id: s.articles for s in candidates}
    joined = size[story_id] + 1
    bridged = [sid for score, sid in scored[1:] if score >= BRIDGE_THRESHOLD and min(size[sid], joined) < SETTLED_STORY]
    return Choice(story_id, best, bridged)


def probes(article: ArticleProfile) -> tuple[list[int], list[int]]:
    """The terms and entities to look candidate stories up by: the article's heaviest."""
    terms = sorted(article.terms, key=lambda t: -article.terms[t])[:PROBE_TERMS]
    entities = sorted(article.entities, key=lambda e: -article.entities[e])[:PROBE_ENTITIES]
    return terms, entities


def article_profile_of(
    text: str, day: date | None, entities: dict[int, float], terms: dict[int, float], people: frozenset[int]
) -> ArticleProfile:
    """The article's profile from its text (title and body), publication day and vectors."""
    people = people & entities.keys()
    days, weekdays, figures = named_days(text, day), named_weekdays(text), named_figures(text)
    year, measures, tolls = event_year(text, day), named_measures(text), named_tolls(text)
    return ArticleProfile(entities, terms, day, year, days, weekdays, people, figures, measures, tolls)


def add_to_story(story: StoryProfile, article: ArticleProfile) -> None:
    """What joining does to a story, in memory (storage keeps the same sums in rows)."""
    for e, w in article.entities.items():
        story.entities[e] = story.entities.get(e, 0.0) + w
    for t, w in article.terms.items():
        story.terms[t] = story.terms.get(t, 0.0) + w
    if article.day is not None:
        story.first_date = min(story.first_date or article.day, article.day)
        story.last_date = max(story.last_date or article.day, article.day)
    if article.year is not None:
        story.years[article.year] += 1
    story.days.update(article.days)
    story.day_articles += bool(article.days)
    story.weekdays.update(article.weekdays)
    story.weekday_articles += bool(article.weekdays)
    story.people |= article.people
    add_figures(story.figures, article.figures, article.measures, article.tolls)
    story.figure_articles += bool(article.figures)
    story.articles += 1


def merge_into(story: StoryProfile, other: StoryProfile) -> None:
    """What a bridging merge does to the surviving story, in memory."""
    for e, w in other.entities.items():
        story.entities[e] = story.entities.get(e, 0.0) + w
    for t, w in other.terms.items():
        story.terms[t] = story.terms.get(t, 0.0) + w
    for d in (other.first_date, other.last_date):
        if d is not None:
            story.first_date = min(story.first_date or d, d)
            story.last_date = max(story.last_date or d, d)
    story.years.update(other.years)
    story.days.update(other.days)
    story.day_articles += other.day_articles
    story.weekdays.update(other.weekdays)
    story.weekday_articles += other.weekday_articles
    story.people |= other.people
    story.figures.update(other.figures)
    story.figure_articles += other.figure_articles
    story.articles += other.articles
