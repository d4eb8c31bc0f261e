"""Places and people as story evidence: two events of one kind happen somewhere else, to others.

The place an article is most about is its heaviest place entity (mentions times rarity, so a town
named throughout outweighs the country it is in). When the article's lead place is not one the story
names and the story's lead place is not one the article names, AND both name people and the story
names none of the article's, the two are told of different events: the article scores OTHER_SCENE
times less. Either half alone also holds for reports of one event (one names the town, another the
province; one quotes a minister, another a rescuer): alone, each cost more recall than it gave
precision on the tuning topics; together they seldom hold for one event's reports."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from worker.pipeline.link.stories import ArticleProfile, StoryProfile

OTHER_SCENE = 0.7  # another lead place and none of the article's people


def lead_place(entities: dict[int, float], places: frozenset[int]) -> int | None:
    """The place a text or story is most about: its heaviest place entity."""
    weights = [(w, e) for e, w in entities.items() if e in places]
    return max(weights)[1] if weights else None


def other_lead_place(article: ArticleProfile, story: StoryProfile) -> bool:
    """The article's and the story's lead places differ, and neither names the other's."""
    mine, theirs = lead_place(article.entities, article.places), lead_place(story.entities, story.places)
    if mine is None or theirs is None or mine == theirs:
        return False
    return mine not in story.entities and theirs not in article.entities


def other_people(article: ArticleProfile, story: StoryProfile) -> bool:
    """Both name people, and the story none of the article's."""
    return bool(article.people and story.people) and not article.people & story.entities.keys()


def place_evidence(article: ArticleProfile, story: StoryProfile) -> float:
    """OTHER_SCENE when the article happens elsewhere (another lead place) to others (other
    people) than the story; else no evidence (1)."""
    return OTHER_SCENE if other_lead_place(article, story) and other_people(article, story) else 1.0
