"""Story evidence rules of the canonical-order round: pure functions, hand-made profiles."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest

from worker.pipeline.link import stories, story_figures


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


def test_tolls_are_the_counts_of_killed_or_hurt_the_first_sentence_stating_any_states() -> None:
    text = "Tremor shakes Varn island\nThe shock injured five people and cracked the ferry pier. Later 12 were killed."
    assert story_figures.named_tolls(text) == {"5"}
    assert story_figures.named_tolls("Storm over Varn\nTen people are dead and 40 hurt.") == {"10", "40"}
    assert story_figures.named_tolls("Fire at the depot\nNo one was hurt, the brigade said.") == frozenset()
    assert story_figures.named_tolls("Gas blast hurts 7 in Orrin\nThe toll later rose to 9.") == {"7"}
    assert story_figures.named_tolls("Orrin blast\nOfficials said the death toll stood at nine.") == {"9"}
    assert story_figures.named_tolls("Orrin\nHe vowed to kill three rivals.") == frozenset()  # a threat, no toll


def test_an_article_stating_none_of_a_story_s_tolls_counts_against_it() -> None:
    story = stories.StoryProfile(1, terms={7: 1.0})
    for text in ("Varn quake\nEleven killed as the quake hit Varn.", "Varn\nThe quake left 11 dead and 30 hurt."):
        stories.add_to_story(story, stories.ArticleProfile({}, {7: 1.0}, None, tolls=story_figures.named_tolls(text)))
    same, other, none = (
        stories.ArticleProfile({}, {7: 1.0}, None, tolls=story_figures.named_tolls(text))
        for text in ("Varn\nRescuers say 11 people died.", "Varn\nA quake wounded four on Varn.", "Varn\nA quake.")
    )
    unknown = stories.similarity(none, story)  # no toll stated: time and words only
    assert stories.similarity(same, story) == unknown
    assert stories.similarity(other, story) == pytest.approx(unknown * story_figures.TOLL_AGAINST)
