"""The pure cores of story building and person linking: content, time and company as evidence.
Hand-made fixtures; no database."""

from __future__ import annotations

from collections import Counter
from datetime import date

from worker.pipeline.link import stories, story_dates, story_figures
from worker.pipeline.link.entities import ArticleEntity, Candidate, decide
from worker.pipeline.parse.dates import infer_year

QUAKE_A = (
    "A magnitude 6.1 earthquake struck the Marlow valley on Tuesday, collapsing the old granary and "
    "cutting power to the valley towns. Rescuers searched the granary rubble through the night."
)
QUAKE_A_FOLLOWUP = (
    "Aftershocks rattled the Marlow valley as rescuers cleared the rubble of the collapsed granary; "
    "power returned to most valley towns after the 6.1 earthquake."
)
LAUNCH = (
    "The company unveiled a thinner tablet with a brighter screen and a faster chip at its spring event, "
    "and said preorders open on Friday."
)


def _profile(text: str, day: date | None, corpus: list[str], entities: dict[int, float] | None = None):  # type: ignore[no-untyped-def]
    frequency: Counter[int] = Counter()
    for doc in corpus:
        frequency.update(set(stories.content_terms(doc)))
    vector = stories.term_vector(stories.content_terms(text), dict(frequency), len(corpus))
    return stories.ArticleProfile(entities or {}, vector, day)


def _story(story_id: int, profile: stories.ArticleProfile) -> stories.StoryProfile:
    return stories.StoryProfile(story_id, dict(profile.entities), dict(profile.terms), profile.day, profile.day)


def test_same_event_joins_on_content_without_shared_entities() -> None:
    corpus = [QUAKE_A, QUAKE_A_FOLLOWUP, LAUNCH]
    first = _profile(QUAKE_A, date(2021, 3, 2), corpus)
    later = _profile(QUAKE_A_FOLLOWUP, date(2021, 3, 4), corpus)
    launch = _profile(LAUNCH, date(2021, 3, 3), corpus)
    choice = stories.choose_story(later, [_story(1, first), _story(2, launch)])
    assert choice.story_id == 1 and choice.score >= stories.JOIN_THRESHOLD


def test_time_is_evidence_not_a_window() -> None:
    corpus = [QUAKE_A, QUAKE_A_FOLLOWUP, LAUNCH]
    first = _story(1, _profile(QUAKE_A, date(2021, 3, 2), corpus))
    week_later = _profile(QUAKE_A_FOLLOWUP, date(2021, 3, 9), corpus)
    years_later = _profile(QUAKE_A_FOLLOWUP, date(2025, 3, 9), corpus)
    undated = _profile(QUAKE_A_FOLLOWUP, None, corpus)
    assert stories.choose_story(week_later, [first]).story_id == 1  # a hard 3-day window split these
    assert stories.choose_story(years_later, [first]).story_id is None  # the same kind of event, years apart
    assert stories.choose_story(undated, [first]).story_id == 1  # no date: no evidence either way


def test_a_bridging_article_names_the_other_story_to_merge() -> None:
    corpus = [QUAKE_A, QUAKE_A_FOLLOWUP, LAUNCH]
    a = _profile(QUAKE_A, None, corpus)
    b = _profile(QUAKE_A_FOLLOWUP, None, corpus)
    both = _profile(QUAKE_A + " " + QUAKE_A_FOLLOWUP, None, corpus)
    choice = stories.choose_story(both, [_story(1, a), _story(2, b), _story(3, _profile(LAUNCH, None, corpus))])
    assert choice.story_id in (1, 2) and choice.bridged == [3 - choice.story_id]


def test_two_settled_stories_are_not_merged_by_one_article() -> None:
    corpus = [QUAKE_A, QUAKE_A_FOLLOWUP, LAUNCH]
    a = _profile(QUAKE_A, None, corpus)
    b = _profile(QUAKE_A_FOLLOWUP, None, corpus)
    both = _profile(QUAKE_A + " " + QUAKE_A_FOLLOWUP, None, corpus)
    young, settled = _story(1, a), _story(2, b)
    young.articles, settled.articles = 2, stories.SETTLED_STORY
    assert stories.choose_story(both, [young, settled]).bridged != []  # a young story still merges
    young.articles = stories.SETTLED_STORY
    assert stories.choose_story(both, [young, settled]).bridged == []


def test_an_undated_article_is_weighed_by_the_year_its_text_is_about() -> None:
    assert story_dates.event_year("The 2008 quake, like those of 1999 and 2008, hit at night.", None) == 2008
    assert story_dates.event_year("Named 2008 in 2008 and 2009 in 2009.", None) == 2009  # a tie: the latest
    assert story_dates.event_year("The 2008 quake.", date(2013, 5, 1)) == 2013  # publication comes first
    assert story_dates.event_year("No year at all.", None) is None
    corpus = [QUAKE_A, QUAKE_A_FOLLOWUP, LAUNCH]
    story = _story(1, _profile(QUAKE_A, None, corpus))
    story.years = Counter({2008: 3})
    same_year = stories.ArticleProfile({}, _profile(QUAKE_A_FOLLOWUP, None, corpus).terms, None, 2008)
    other_year = stories.ArticleProfile({}, same_year.terms, None, 2013)
    no_year = stories.ArticleProfile({}, same_year.terms, None, None)
    assert (
        stories.similarity(same_year, story)
        > stories.similarity(no_year, story)
        > stories.similarity(other_year, story)
    )
    markers = {stories.year_marker(2008): 3.0, stories.term_id("quake"): 0.5}
    assert stories.split_years(markers) == ({stories.term_id("quake"): 0.5}, Counter({2008: 3}))


def test_days_of_the_year_a_text_names_are_found_in_both_orders_and_with_the_publication_day() -> None:
    dec9 = story_dates.day_of_year(12, 9)
    text = "On Tuesday, Dec. 9, the patch came; by 9 December 2008 and December 9th it was out. May we?"
    assert story_dates.named_days(text, None) == frozenset({dec9})
    assert story_dates.named_days("Sept. 18, then 31 February.", date(2013, 9, 17)) == frozenset(
        {story_dates.day_of_year(9, 18), story_dates.day_of_year(9, 17)}  # no February 31
    )
    assert story_dates.named_days("Nothing dated here; may 9 people come?", None) == frozenset()


def test_named_days_are_evidence_for_near_days_and_against_other_days() -> None:
    corpus = [QUAKE_A, QUAKE_A_FOLLOWUP, LAUNCH]
    terms = _profile(QUAKE_A_FOLLOWUP, None, corpus).terms
    story = _story(1, _profile(QUAKE_A, None, corpus))
    story.days, story.day_articles = Counter({story_dates.day_of_year(12, 9): 2, story_dates.day_of_year(3, 1): 1}), 2
    near = stories.ArticleProfile({}, terms, None, None, frozenset({story_dates.day_of_year(12, 11)}))
    unnamed = stories.ArticleProfile({}, terms, None, None)
    other = stories.ArticleProfile({}, terms, None, None, frozenset({story_dates.day_of_year(9, 18)}))
    assert stories.similarity(near, story) > stories.similarity(unnamed, story) > stories.similarity(other, story)
    new_year = stories.ArticleProfile({}, terms, None, None, frozenset({story_dates.day_of_year(1, 2)}))
    story.days = Counter({story_dates.day_of_year(12, 31): 2})
    assert stories.day_evidence(new_year, story) == stories.DAY_FOR  # across the turn of the year
    assert stories.day_evidence(new_year, stories.StoryProfile(2)) == 1.0  # a story naming no day: no evidence


def test_named_weekdays_are_evidence_when_a_side_is_undated() -> None:
    assert story_dates.named_weekdays("On Monday, and by Tuesday's vote; not monday.") == frozenset({1, 2})
    corpus = [QUAKE_A, QUAKE_A_FOLLOWUP, LAUNCH]
    terms = _profile(QUAKE_A_FOLLOWUP, None, corpus).terms
    story = _story(1, _profile(QUAKE_A, None, corpus))
    story.weekdays, story.weekday_articles = Counter({4: 3, 5: 1}), 3
    same = stories.ArticleProfile({}, terms, None, None, weekdays=frozenset({4}))
    unnamed = stories.ArticleProfile({}, terms, None, None)
    other = stories.ArticleProfile({}, terms, None, None, weekdays=frozenset({1}))
    assert stories.similarity(same, story) > stories.similarity(unnamed, story) > stories.similarity(other, story)
    dated = stories.ArticleProfile({}, terms, date(2008, 12, 11), 2008, weekdays=frozenset({1}))
    story.first_date = story.last_date = date(2008, 12, 11)
    assert stories.weekday_evidence(dated, story) == 1.0  # both dated: the dates say more


def test_an_article_about_another_person_than_the_story_s_counts_against_it() -> None:
    # entities: 1 and 2 are running backs (people), 3 the team
    story = stories.StoryProfile(1, entities={1: 6.0, 2: 1.0, 3: 4.0}, people=frozenset({1, 2}))
    assert stories.lead_person(story.entities, story.people) == 1
    assert stories.lead_person({1: 3.0, 2: 2.0}, frozenset({1, 2})) is None  # no clear lead
    other = stories.ArticleProfile({4: 5.0, 3: 3.0}, {}, None, None, people=frozenset({4}))
    names_theirs = stories.ArticleProfile({4: 5.0, 1: 1.0, 3: 3.0}, {}, None, None, people=frozenset({1, 4}))
    same = stories.ArticleProfile({1: 5.0, 3: 3.0}, {}, None, None, people=frozenset({1}))
    assert stories.lead_evidence(other, story) == stories.OTHER_LEAD
    assert stories.lead_evidence(names_theirs, story) == 1.0  # it names the story's lead: no verdict
    assert stories.lead_evidence(same, story) == 1.0


def test_a_story_keeps_its_years_days_and_weekdays_as_marker_terms() -> None:
    quake = {stories.term_id("quake"): 0.5}
    article = stories.ArticleProfile({}, quake, None, 2008, frozenset({5, 40}), frozenset({3}))
    stored = article.terms | stories.marker_rows(article)
    stored[stories.day_marker(5)] += 1.0  # a second article naming day 5
    words, years, days, weekdays = stories.split_markers(stored)
    assert words == article.terms and years == Counter({2008: 1}) and days == Counter({0: 1, 5: 2, 40: 1})
    assert weekdays == Counter({0: 1, 3: 1})


def test_an_article_naming_only_a_story_s_minor_entity_covers_little_of_it() -> None:
    story = {1: 5.0, 2: 4.0, 3: 1.0}
    assert stories.entity_overlap({3: 2.0}, story) == 1.0  # all of the article's own entities...
    assert stories.story_coverage({3: 2.0}, story) == 0.1  # ...but a tenth of the story's
    assert stories.story_coverage({1: 1.0, 2: 1.0}, story) == 0.9


def test_numbers_and_words_are_terms_but_stop_words_are_not() -> None:
    terms = stories.content_terms("The 6.1 quake and the quakes were said to be strong.")
    assert stories.term_id("#6.1") in terms and terms[stories.term_id("quake")] == 2
    assert stories.term_id("the") not in terms and stories.term_id("said") not in terms


def _person(entity_id: int, name: str, context: set[str], count: int = 3, etype: str = "person") -> Candidate:
    from worker.pipeline.link.names import name_key

    key = name_key(name)
    return Candidate(entity_id, name, key, etype, count, alias_keys=frozenset({key}), context=frozenset(context))


def test_a_surname_goes_to_the_person_whose_company_the_article_keeps() -> None:
    politician = _person(1, "Gareth Holm", {"senate", "white house", "iraq"}, count=2)
    athlete = _person(2, "Dex Holm", {"saints", "superdome", "new orleans"}, count=9)
    article = ArticleEntity("Holm", "person", {"Holm": 3}, frozenset({"white house", "iraq", "texas"}))
    assert decide(article, [politician, athlete]).entity_id == 1  # not the most frequent Holm


def test_a_surname_without_evidence_stays_apart() -> None:
    athlete = _person(2, "Dex Holm", {"saints", "superdome"}, count=9)
    article = ArticleEntity("Holm", "person", {"Holm": 2}, frozenset({"ranch", "crawford"}))
    assert decide(article, [athlete]).entity_id is None


def test_a_longer_spelling_of_a_full_name_is_the_same_person() -> None:
    known = _person(5, "W. Orrin Pell", {"bureau"})
    assert decide(ArticleEntity("Orrin Pell", "person", {"Orrin Pell": 1}), [known]).entity_id == 5


def test_a_person_typed_organization_is_still_the_person() -> None:
    known = _person(7, "Tessa Marrow", {"rehab clinic"})
    article = ArticleEntity("Tessa Marrow", "organization", {"Tessa Marrow": 1})
    decision = decide(article, [known])
    assert decision.entity_id == 7 and "typed organization" in decision.evidence


def test_weekday_year_comes_only_from_a_bound_on_publication() -> None:
    # Thursday, December 11: 2008 when the copy was forwarded in 2008 or early 2009
    assert infer_year(12, 11, 3, [2008]) == 2008
    assert infer_year(12, 11, 3, [2009]) == 2008
    assert infer_year(12, 11, 3, [2010]) is None  # 2010 and 2009 do not fit: unknown, not a guess
    assert infer_year(3, 5, 1, []) is None  # never the year the file happens to arrive


def test_a_nickname_and_a_shortened_given_name_find_the_person() -> None:
    nick = _person(3, "Rolo Vantreese", {"county jail", "gang unit"})
    article = ArticleEntity('Rolando "Rolo" Vantreese', "person", {}, frozenset({"county jail", "gang unit"}))
    assert decide(article, [nick]).entity_id == 3
    fred = _person(4, "Fredrik C. Lamarr", {"watergate", "nixon"})
    with_company = ArticleEntity("Fred Lamarr", "person", {}, frozenset({"watergate", "nixon", "mitchell"}))
    assert decide(with_company, [fred]).entity_id == 4
    assert decide(ArticleEntity("Fred Lamarr", "person", {}), [fred]).entity_id is None  # no shared company


def test_a_son_is_not_his_father() -> None:
    father = _person(6, "W. Orrin Pell Sr.", {"bureau"})
    assert decide(ArticleEntity("Orrin Pell", "person", {}), [father]).entity_id == 6  # "Sr." is often dropped
    assert decide(ArticleEntity("Orrin Pell Jr.", "person", {}), [father]).entity_id is None


def test_two_spellings_in_one_article_are_one_new_person() -> None:
    from worker.pipeline.link.entities import Decision, same_person_in_article

    entities = [ArticleEntity("W. Orrin Pell", "person"), ArticleEntity("W. Orrin Pell Sr.", "person")]
    decisions = same_person_in_article(entities, [Decision(None, "new"), Decision(None, "new")])
    assert decisions[0].same_as == 1 and decisions[1].same_as is None


def test_a_span_running_past_a_known_name_links_on_shared_company() -> None:
    runner = _person(8, "Kip Dorrance", {"saints", "superdome"})
    heading = ArticleEntity("Kip Dorrance on Injured Reserve", "person", {}, frozenset({"saints", "superdome"}))
    assert decide(heading, [runner]).entity_id == 8
    assert decide(ArticleEntity("Kip Dorrance on Injured Reserve", "person"), [runner]).entity_id is None


def test_a_family_name_with_a_particle_is_one_name() -> None:
    from worker.pipeline.link.names import person_names_compatible, person_tokens

    assert person_tokens("gaetano lo presti") == ["gaetano", "lo presti"]
    assert person_tokens("oscar de la hoya") == ["oscar", "de la hoya"]
    assert person_tokens("al gore") == ["al", "gore"] and person_tokens("van morrison") == ["van", "morrison"]
    assert person_names_compatible("gaetano lo presti", "lo presti")
    assert not person_names_compatible("gaetano lo presti", "lo bianco")  # not a given name "lo"
    boss = _person(9, "Gaetano Lo Vecchio", {"palermo", "cosa nostra"})
    short = ArticleEntity("Lo Vecchio", "person", {}, frozenset({"palermo", "cosa nostra"}))
    assert decide(short, [boss]).entity_id == 9
    assert decide(ArticleEntity("Lo Vecchio", "person", {}), [boss]).entity_id is None  # no shared company


def test_a_pet_form_or_a_one_letter_spelling_of_the_given_name_needs_company() -> None:
    from worker.pipeline.link.names import given_name_shortened

    assert given_name_shortened("katie jenkins", "kathryn jenkins")
    assert given_name_shortened("jon owen", "john owen") and given_name_shortened("heidar alvandi", "heydar alvandi")
    assert not given_name_shortened("dan owen", "don owen")  # a changed letter in a short name: two people
    assert not given_name_shortened("mark felt", "mary felt")  # his and hers
    sister = _person(10, "Kathryn Jenks", {"millom", "cumbria police"})
    pet = ArticleEntity("Katie Jenks", "person", {}, frozenset({"millom", "cumbria police"}))
    assert decide(pet, [sister]).entity_id == 10
    assert decide(ArticleEntity("Katie Jenks", "person", {}), [sister]).entity_id is None  # no shared company


def test_a_nickname_and_the_full_name_in_one_article_are_one_new_person() -> None:
    from worker.pipeline.link.entities import Decision, same_person_in_article

    entities = [ArticleEntity("Jerry Ortez", "person"), ArticleEntity('Luis Gerardo "Jerry" Ortez', "person")]
    decisions = same_person_in_article(entities, [Decision(None, "new"), Decision(None, "new")])
    assert decisions[0].same_as == 1 and decisions[1].same_as is None
    other = [ArticleEntity("Ana Ortez", "person"), ArticleEntity('Luis Gerardo "Jerry" Ortez', "person")]
    assert same_person_in_article(other, [Decision(None, "new"), Decision(None, "new")])[0].same_as is None


def test_figures_are_numbers_that_are_not_years() -> None:
    found = story_figures.named_figures("A 5.6 quake in 2005 hurt 12 people; 2,000 tents, 5 teams, $137 million.")
    assert found == {story_figures.figure_marker(f) for f in ("5.6", "12", "137")}  # 2,000 reads as a year
    assert all(m < 0 for m in found)  # never a word's id


def test_an_article_naming_none_of_a_story_s_figures_counts_against_it() -> None:
    # two quakes of one region told in the same words: only the magnitude and the toll differ
    corpus = [QUAKE_A, QUAKE_A_FOLLOWUP, LAUNCH]
    terms = _profile(QUAKE_A_FOLLOWUP, None, corpus).terms
    story = _story(1, _profile(QUAKE_A, None, corpus))
    for text in ("magnitude 6.1, 14 hurt", "a 6.1 quake", "magnitude 6.1, 30 dead"):
        stories.add_to_story(story, stories.ArticleProfile({}, {}, None, figures=story_figures.named_figures(text)))
    same = stories.ArticleProfile({}, terms, None, figures=story_figures.named_figures("the 6.1 quake, 14 hurt"))
    unnamed = stories.ArticleProfile({}, terms, None)
    other = stories.ArticleProfile({}, terms, None, figures=story_figures.named_figures("a 5.4 quake, 40 dead"))
    assert stories.similarity(same, story) == stories.similarity(unnamed, story) > stories.similarity(other, story)
    assert story_figures.figure_evidence(other.figures, story.figures, story.figure_articles) == 0.7


def test_a_story_keeps_its_figures_as_negative_marker_terms() -> None:
    quake = {stories.term_id("quake"): 0.5}
    article = stories.ArticleProfile({}, quake, None, figures=story_figures.named_figures("5.6 and 12"))
    stored = article.terms | stories.marker_rows(article)
    stored[story_figures.figure_marker("12")] += 1.0  # a second article naming 12
    rest, figures, naming = story_figures.split_figures(stored)
    assert rest == quake and naming == 1
    assert figures == Counter({story_figures.figure_marker("5.6"): 1, story_figures.figure_marker("12"): 2})
    assert stories.split_markers(stored)[0] == quake  # figures never enter the word cosine


def test_measures_are_the_first_decimals_or_sums_a_text_states() -> None:
    quake = "Quake hurts five\nA 5.6 magnitude quake hit the coast. A 5.9 quake hit it in 2005, 2,000,000 fled."
    assert story_figures.named_measures(quake) == {"5.6"}
    heist = (
        "Heist in the capital\nThieves struck on Monday. They took $1.5 billion of gems. In 2010 it was $2.6 million."
    )
    assert story_figures.named_measures(heist) == story_figures.named_measures("Heist\nA 1,500 million theft.")
    assert story_figures.named_measures("Heist\nThieves took 2,000,000 gems, 12 rings.") == frozenset()
    # a share is not the event's size: a follow-up's poll does not stand for the riot it asks about
    poll = "Riots\nA poll said 83.3 percent (65.6% of voters) were unhappy. A 5.6 quake hit."
    assert story_figures.named_measures(poll) == {"5.6"}


def test_an_article_stating_none_of_a_story_s_measures_counts_against_it() -> None:
    # two quakes of one island: the reports of the second name the first's magnitude further down,
    # so their figures are shared; the magnitudes they state first are not
    corpus = [QUAKE_A, QUAKE_A_FOLLOWUP, LAUNCH]
    terms = _profile(QUAKE_A_FOLLOWUP, None, corpus).terms
    story = _story(1, _profile(QUAKE_A, None, corpus))
    for text in ("Quake\nA 6.1 quake hit, 14 hurt.", "Quake\nThe 6.1 quake hit the valley. A 5.4 one hit it in 2001."):
        stories.add_to_story(story, stories.article_profile_of(text, None, {}, {}, frozenset()))
    read = (
        stories.article_profile_of(
            f"Quake\nA {first} quake hit, 3 hurt. A {then} one hit in 2001.", None, {}, {}, frozenset()
        )
        for first, then in (("5.4", "6.1"), ("6.1", "5.4"))
    )
    other, same = (stories.ArticleProfile({}, terms, None, figures=p.figures, measures=p.measures) for p in read)
    assert other.figures == same.figures  # the figures alone do not tell them apart
    assert stories.similarity(other, story) < stories.similarity(same, story)
    assert story_figures.measure_evidence(other.measures, story.figures) == story_figures.MEASURE_AGAINST


def test_sums_agree_within_a_power_of_two() -> None:
    story: Counter[int] = Counter()
    story_figures.add_figures(story, frozenset(), story_figures.named_measures("Heist\nThieves took 85 million euros."))
    for sum_, evidence in (("$108 million", 1.0), ("$74m", 1.0), ("$2.6 million", story_figures.MEASURE_AGAINST)):
        measures = story_figures.named_measures(f"Heist\nGems worth {sum_} were taken.")
        assert story_figures.measure_evidence(measures, story) == evidence
