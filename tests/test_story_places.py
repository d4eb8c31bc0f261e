"""Another lead place and other people as story evidence (worker/pipeline/link/story_places.py)."""

from __future__ import annotations

from worker.pipeline.link import stories, story_places

# entities: 1 the country (both events), 2 and 3 two towns, 10-12 people of the first event, 20 of
# the second; 4 the agency both events' reports quote
COUNTRY, TOWN_A, TOWN_B, AGENCY = 1, 2, 3, 4
PLACES = frozenset({COUNTRY, TOWN_A, TOWN_B})
QUAKE = {stories.term_id(w): 0.5 for w in ("quake", "rubble", "rescuer", "tremor")}


def _article(entities: dict[int, float], people: set[int]) -> stories.ArticleProfile:
    return stories.ArticleProfile(entities, QUAKE, None, people=frozenset(people), places=PLACES & entities.keys())


def _story() -> stories.StoryProfile:
    story = stories.StoryProfile(1)
    stories.add_to_story(story, _article({TOWN_A: 6.0, COUNTRY: 2.0, AGENCY: 3.0, 10: 4.0, 11: 3.0}, {10, 11}))
    return story


def test_an_article_set_elsewhere_with_other_people_counts_against_the_story() -> None:
    story = _story()
    other_event = _article({TOWN_B: 6.0, COUNTRY: 2.0, AGENCY: 3.0, 20: 4.0}, {20})
    assert story_places.lead_place(other_event.entities, other_event.places) == TOWN_B  # the town, not the country
    assert story_places.place_evidence(other_event, story) == story_places.OTHER_SCENE
    # the same words, entities and weights, 20 not known to be a person: without the evidence they score the same
    unknown_people = _article(dict(other_event.entities), set())
    assert stories.similarity(other_event, story) < stories.similarity(unknown_people, story)


def test_either_half_alone_is_no_evidence() -> None:
    story = _story()
    same_town_other_people = _article({TOWN_A: 6.0, COUNTRY: 2.0, 20: 4.0}, {20})
    other_town_same_person = _article({TOWN_B: 6.0, COUNTRY: 2.0, 11: 4.0}, {11})
    names_their_town = _article({TOWN_B: 6.0, TOWN_A: 1.0, 20: 4.0}, {20})  # one report names both towns
    no_people = _article({TOWN_B: 6.0, COUNTRY: 2.0}, set())
    for article in (same_town_other_people, other_town_same_person, names_their_town, no_people):
        assert story_places.place_evidence(article, story) == 1.0
