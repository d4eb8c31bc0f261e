"""The same statement across articles: normalization, index terms and the match rule.

Candidates come from an index of content words (never a scan of all quotes); the rule below
decides. A quote matches another when it is the same text, a fragment of it, or the same
statement worded a little differently (translations):
- fragment: every content word of the shorter quote (at least ``MIN_WORDS``) appears, in
  order, in the longer one (partial_ratio of the normalized texts >= FRAGMENT_RATIO);
- variant: both have comparable length and the normalized texts agree at >= VARIANT_RATIO.
Thresholds were set on the seeds' recurring quotes and on pairs of distinct statements by the
same speaker (tests/test_link_core.py holds both kinds)."""

from __future__ import annotations

import re
import unicodedata
import zlib
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz

MIN_WORDS = 3
FRAGMENT_RATIO = 92.0
VARIANT_RATIO = 78.0
STOPWORDS = frozenset(
    """a an the and or but if of to in on at by for with from as that this these those is are was were be been
    being it its it's we our us i me my you your he him his she her they them their there here not no do does did
    have has had will would can could should may might must shall so than then too very just also about into over
    what which who whom whose when where why how all any both each more most other some such only own same""".split()
)


@dataclass(frozen=True)
class QuoteText:
    quote_id: int
    text: str
    speaker_entity_id: int | None = None


@lru_cache(maxsize=1 << 14)  # pure; a candidate quote is compared with every quote of the article
def normalize(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold()
    text = text.replace("’", "'").replace("‘", "'")
    return " ".join(re.findall(r"[\w']+", text))


def content_words(text: str) -> list[str]:
    return [w for w in normalize(text).split() if w not in STOPWORDS and len(w) > 1]


def index_terms(text: str) -> set[int]:
    """Stable 63-bit hashes of a quote's content words: the postings candidates are found by."""
    return {zlib.crc32(w.encode()) for w in content_words(text)}


def is_indexable(text: str) -> bool:
    return len(content_words(text)) >= MIN_WORDS


def quoted_parts(text: str) -> list[str]:
    """The words inside quotation marks of a partial quote that is a whole report ("Japan “crossed a red
    line” and ..."): the speaker's own words, which another article may quote alone."""
    return [p for p in re.findall(r"[“\"]([^“”\"]+)(?:[”\"]|$)", text) if is_indexable(p)]


def same_statement(a: str, b: str) -> float:
    """A score in [0, 100] when a and b are the same statement, else 0; a report with quoted words
    inside is also compared by each of those parts."""
    return max(_same_statement(x, y) for x in [a, *quoted_parts(a)] for y in [b, *quoted_parts(b)])


def _same_statement(a: str, b: str) -> float:
    na, nb = normalize(a), normalize(b)
    if not na or not nb:
        return 0.0
    if na == nb:
        return 100.0
    short, long_ = sorted((na, nb), key=len)
    if len(content_words(short)) < MIN_WORDS:
        return 0.0
    if len(short) / len(long_) < 0.6:
        score = fuzz.partial_ratio(short, long_)
        return score if score >= FRAGMENT_RATIO else 0.0
    score = fuzz.ratio(short, long_)
    return score if score >= VARIANT_RATIO else 0.0


def best_match(quote: QuoteText, candidates: list[QuoteText]) -> tuple[QuoteText, float] | None:
    """The candidate that states the same thing, preferring the same speaker and the highest score.
    Quotes attributed to two different speakers are never one statement."""
    best: tuple[QuoteText, float] | None = None
    for cand in candidates:
        if (
            quote.speaker_entity_id is not None
            and cand.speaker_entity_id is not None
            and quote.speaker_entity_id != cand.speaker_entity_id
        ):
            continue
        score = same_statement(quote.text, cand.text)
        if score and (best is None or score > best[1]):
            best = (cand, score)
    return best
