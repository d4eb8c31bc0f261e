"""People as story evidence: two events of one kind happen to different people.

The lead person: an article clearly about one person (its heaviest person weighs LEAD_MARGIN times
the next), against a story clearly about another, where neither names the other's lead, is evidence
against (two running backs of one team put on injured reserve)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from worker.pipeline.link.stories import ArticleProfile, StoryProfile

LEAD_MARGIN = 2.0  # a lead person weighs at least this many times the next person
OTHER_LEAD = 0.7  # the article's and the story's lead people differ and neither names the other's


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
