"""Stories: articles that report the same event, built incrementally.

A new article is compared only with stories active within ``WINDOW_DAYS`` of its date that share
one of its most specific entities (found through a story-entity index). Its score against a
story is the idf-weighted share of its top entities that the story also has; it joins the best
story scoring at least JOIN_THRESHOLD, else it starts a new one. A near-duplicate always joins
its original's story. An undated article is compared with the most recently active stories
that share its entities, and does not move a story in time. No step re-clusters the corpus."""

from __future__ import annotations

import math
from dataclasses import dataclass

WINDOW_DAYS = 3
TOP_ENTITIES = 12
JOIN_THRESHOLD = 0.35
STORY_TYPES = frozenset({"person", "organization", "place", "event", "group"})


@dataclass(frozen=True)
class WeightedEntity:
    entity_id: int
    mentions: int
    document_frequency: int  # articles in the corpus that mention it


def idf(document_frequency: int, corpus_size: int) -> float:
    return math.log((corpus_size + 1) / (document_frequency + 1)) + 1.0


def top_entities(entities: list[WeightedEntity], corpus_size: int) -> dict[int, float]:
    """The article's most telling entities, weighted by mentions (dampened) times rarity."""
    scored = {e.entity_id: (1 + math.log(e.mentions)) * idf(e.document_frequency, corpus_size) for e in entities}
    best = sorted(scored.items(), key=lambda kv: -kv[1])[:TOP_ENTITIES]
    return dict(best)


def story_score(article_top: dict[int, float], story_entities: set[int]) -> float:
    total = sum(article_top.values())
    if not total:
        return 0.0
    return sum(w for eid, w in article_top.items() if eid in story_entities) / total


def choose_story(article_top: dict[int, float], candidates: dict[int, set[int]]) -> tuple[int, float] | None:
    best: tuple[int, float] | None = None
    for story_id, entities in candidates.items():
        score = story_score(article_top, entities)
        if score >= JOIN_THRESHOLD and (best is None or score > best[1]):
            best = (story_id, score)
    return best
