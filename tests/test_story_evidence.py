"""Story evidence rules of the canonical-order round: pure functions, hand-made profiles."""

from __future__ import annotations

from collections import Counter
from datetime import date

from worker.pipeline.link import stories


def _dated_story(weekdays: Counter[int], weekday_articles: int) -> stories.StoryProfile:
    story = stories.StoryProfile(1, first_date=date(2011, 3, 8), last_date=date(2011, 3, 9), articles=4)
    story.weekdays, story.weekday_articles = weekdays, weekday_articles
    return story


def test_an_article_naming_most_of_the_week_gains_nothing_from_a_shared_weekday() -> None:
    story = _dated_story(Counter({2: 4, 3: 1}), 4)  # every report names the Tuesday of its event
    one_day = stories.ArticleProfile({}, {}, None, None, weekdays=frozenset({2}))
    a_week = stories.ArticleProfile({}, {}, None, None, weekdays=frozenset({1, 2, 4, 5, 6}))
    elsewhere = stories.ArticleProfile({}, {}, None, None, weekdays=frozenset({1, 4, 5, 6, 7}))
    assert stories.weekday_evidence(one_day, story) == stories.WEEKDAY_FOR
    assert stories.weekday_evidence(a_week, story) == 1.0  # a week's course meets any story's day
    assert stories.weekday_evidence(elsewhere, story) == stories.WEEKDAY_AGAINST  # still evidence against
