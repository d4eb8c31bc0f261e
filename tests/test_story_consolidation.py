"""Story consolidation: the story step over the whole corpus in the canonical order, pure and on
the database (hand-made articles)."""

from __future__ import annotations

import itertools
import os
import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select, text, update
from sqlalchemy.orm import Session

from tests.conftest import letter_tag, register, run_at_once
from tests.test_link import _link_many_in_process
from worker.pipeline.extract import Extraction
from worker.pipeline.link import stories
from worker.pipeline.link.story_consolidation import (
    CorpusArticle,
    Member,
    StoryIndex,
    canonical_order,
    consolidate,
    corpus_profiles,
)
from worker.pipeline.parse import parse_document
from worker.storage import articles, consolidations, linking
from worker.storage.models import (
    Article,
    FileStatus,
    IngestedFile,
    Story,
    StoryConsolidation,
    StoryMerge,
    StoryTerm,
)

FLOOD_2021 = (
    "The Brannock river broke its banks at Tilsby on Tuesday, flooding 300 homes in the lower town. "
    "Volunteers filled sandbags at the Tilsby market hall while the mayor, Ilse Varga, asked residents "
    "of the riverside streets to leave. The county opened a shelter in the Tilsby grammar school. "
) * 3
FLOOD_2023 = (
    "Two years later the Brannock flooded again: the new Harrowgate levee failed near Tilsby on Sunday "
    "and 4,200 residents of the Harrowgate estate were taken to higher ground by boat. Engineers blamed "
    "a cracked levee gate at Harrowgate that inspectors had flagged in the spring. "
) * 3
# undated, and as close in words to the first flood as to the second: arriving between them, the
# online step puts it in the first flood's story, the only one there is
FLOOD_2023_BRIEF = (
    "The Brannock broke its banks at Tilsby, flooding homes; residents were taken to higher ground by boat."
)
OTHER_NEWS = [
    "The Orvale chess club elected a treasurer after a long meeting about membership fees.",
    "A bakery in Dunmore won a regional prize for its rye bread and plans to hire two bakers.",
    "The Kestrel Rovers beat the Harbour Town side 3-1 in the county cup final on Saturday.",
    "A new tram line between Welmouth and the airport opened to passengers this week.",
    "Residents of Pellow complained about noise from a quarry; the council will review the permit.",
]


def _other_news() -> list[CorpusArticle]:
    return [
        CorpusArticle(10 + i, f"n{i}", text, (text + " ") * 6, date(2022, 1 + i, 3), ())
        for i, text in enumerate(OTHER_NEWS)
    ]


def _flood_reports() -> list[CorpusArticle]:
    return [
        CorpusArticle(1, "a", "Brannock floods Tilsby", FLOOD_2021, date(2021, 3, 2), ()),
        CorpusArticle(2, "b", "Harrowgate levee fails", FLOOD_2023, date(2023, 9, 10), ()),
        CorpusArticle(3, "c", "Levee breach", FLOOD_2023_BRIEF, None, ()),
    ]


def test_canonical_order_is_dated_first_then_longer_reports_whatever_the_input_order() -> None:
    reports = _flood_reports()
    for shuffled in itertools.permutations(reports):
        assert [a.article_id for a in canonical_order(shuffled)] == [1, 2, 3]


def test_a_short_undated_report_of_a_second_event_goes_to_that_event_in_every_arrival_order() -> None:
    for shuffled in itertools.permutations(_flood_reports()):
        groups = sorted(sorted(story.article_ids) for story in consolidate(_other_news() + list(shuffled)))
        assert groups[:2] == [[1], [2, 3]]


def test_an_article_weighs_its_words_by_their_rarity_in_the_whole_corpus_wherever_it_stands() -> None:
    reports = _other_news() + _flood_reports()
    first = corpus_profiles(reports)[0]
    last = corpus_profiles(reports[1:] + reports[:1])[-1]
    assert first.terms == last.terms


def test_a_near_copy_goes_where_its_original_went() -> None:
    original = CorpusArticle(1, "a", "Brannock floods Tilsby", FLOOD_2021, date(2021, 3, 2), (), copies=frozenset({2}))
    unrelated_text = "A chess club in Orvale elected a new treasurer after a long meeting. " * 4
    copy = CorpusArticle(2, "b", "Chess", unrelated_text, None, (), copies=frozenset({1}))
    (story,) = consolidate([copy, original])
    assert story.article_ids == [1, 2]


def test_a_story_left_with_one_article_joins_the_larger_story_it_scores_best_with_at_the_end() -> None:
    def profile(terms: dict[int, float]) -> stories.ArticleProfile:
        return stories.ArticleProfile({}, terms, None)

    index = StoryIndex()
    event = index.join(None, Member(1, 0.0, profile({1: 1.0})))
    for article_id in (2, 3):
        index.join(event, Member(article_id, 1.0, profile({1: 1.0})))
    index.join(None, Member(4, 0.0, profile({1: 0.25, 2: 0.968})))  # scores 0.175 with the event: under 0.2
    index.join(None, Member(5, 0.0, profile({1: 0.1, 3: 0.995})))  # 0.07: another event
    index.reattach_small_stories()
    assert sorted(sorted(story.article_ids) for story in index.stories()) == [[1, 2, 3, 4], [5]]


def _article(session: Session, title: str, words: list[str]) -> Article:
    raw = f"{title}\n\n" + " ".join(words * 3)
    reg = register(session, raw.encode(), f"/x/{uuid.uuid4()}")
    article_id = articles.upsert_article(session, reg.file_id, parse_document(raw.encode(), "x.txt"))
    articles.replace_extraction(session, article_id, Extraction([], []))
    linking.link_article(session, article_id)
    article = session.get(Article, article_id)
    assert article is not None
    return article


def _story_terms(session: Session, story_id: int | None) -> set[int]:
    return set(session.execute(select(StoryTerm.term).where(StoryTerm.story_id == story_id)).scalars())


def test_consolidation_splits_a_wrong_merge_keeps_ids_and_a_second_run_changes_nothing(db_session: Session) -> None:
    tag = letter_tag(8)
    longer = _article(db_session, f"Report {tag}", [f"p{tag}{i}" for i in range(8)])
    shorter = _article(db_session, f"Notice {tag}", [f"q{tag}{i}" for i in range(5)])
    kept = longer.story_id
    assert kept is not None and shorter.story_id not in (None, kept)
    wrong = shorter.story_id
    assert wrong is not None
    merge_id = linking.merge_stories(db_session, wrong, kept, "a wrong bridge")
    assert merge_id is not None
    db_session.refresh(shorter)
    assert shorter.story_id == kept

    run = linking.consolidate_stories(db_session)
    db_session.refresh(longer)
    db_session.refresh(shorter)
    assert longer.story_id == kept  # the story keeps its id with the article it holds first
    assert shorter.story_id not in (None, kept)
    assert run.articles_moved == 1 and run.finished_at is not None
    split = db_session.get(Story, shorter.story_id)
    assert split is not None and split.article_count == 1 and split.merged_into_id is None
    assert stories.term_id(f"q{tag}0") in _story_terms(db_session, shorter.story_id)
    assert stories.term_id(f"q{tag}0") not in _story_terms(db_session, kept)
    with pytest.raises(ValueError, match="consolidation"):
        linking.unmerge_story(db_session, merge_id)  # the consolidation decided since

    feed = text("SELECT count(*) FROM changes")
    changes = db_session.execute(feed).scalar_one()
    again = linking.consolidate_stories(db_session)
    assert again.articles_moved == 0
    assert db_session.execute(feed).scalar_one() == changes  # nothing rewritten that consumers would see
    assert db_session.execute(select(StoryConsolidation.id).where(StoryConsolidation.id == again.id)).scalar_one()


def test_a_story_that_loses_its_place_points_to_the_one_that_took_its_articles(db_session: Session) -> None:
    tag = letter_tag(8)
    words = [f"r{tag}{i}" for i in range(8)]
    first = _article(db_session, f"Report {tag}", words)
    twin = _article(db_session, f"Summary {tag}", words)  # the same words: one event
    assert twin.story_id == first.story_id
    apart = Story(title="kept apart", article_count=1)  # as if the online step had missed it
    db_session.add(apart)
    db_session.flush()
    twin.story_id = apart.id
    db_session.flush()

    linking.consolidate_stories(db_session)
    db_session.refresh(twin)
    db_session.refresh(apart)
    assert twin.story_id == first.story_id
    assert apart.merged_into_id == first.story_id and apart.article_count == 0
    merge = db_session.execute(select(StoryMerge).where(StoryMerge.from_story_id == apart.id)).scalar_one()
    assert merge.reason == "consolidation" and merge.article_ids == [twin.id]
    assert not _story_terms(db_session, apart.id)  # out of the index: lookups find the live story


def test_a_run_is_due_after_growth_or_when_the_pipeline_is_quiet(db_session: Session) -> None:
    last = linking.consolidate_stories(db_session)
    assert not linking.consolidation_due(db_session, growth=0.25, interval=0)  # nothing new
    tag = letter_tag(8)
    _article(db_session, f"Report {tag}", [f"t{tag}{i}" for i in range(8)])  # its file is still in progress
    assert not linking.consolidation_due(db_session, growth=0.25, interval=0)
    db_session.execute(update(IngestedFile).where(IngestedFile.status != FileStatus.FAILED).values(status="done"))
    now = datetime.now(UTC)
    last.started_at, last.finished_at = now - timedelta(minutes=10), now - timedelta(minutes=10, seconds=-1)
    db_session.flush()
    assert linking.consolidation_due(db_session, growth=0.25, interval=0)  # quiet, and the last run old enough
    assert not linking.consolidation_due(db_session, growth=0.25, interval=3600)  # quiet, but it ran 10 min ago
    last.finished_at = now - timedelta(minutes=8)  # it took 2 min: the next waits 20
    db_session.flush()
    assert not linking.consolidation_due(db_session, growth=0.25, interval=0)
    for i in range(consolidations.MIN_NEW_ARTICLES):
        _article(db_session, f"Notice {tag} {i}", [f"u{tag}{i}w{j}" for j in range(8)])
    assert linking.consolidation_due(db_session, growth=0.0, interval=3600)  # grown: due even while busy


def test_a_window_leaves_the_stories_of_older_articles_as_they_are(db_session: Session) -> None:
    tag = letter_tag(8)
    longer = _article(db_session, f"Report {tag}", [f"v{tag}{i}" for i in range(8)])
    shorter = _article(db_session, f"Notice {tag}", [f"x{tag}{i}" for i in range(5)])
    assert longer.story_id and shorter.story_id
    linking.merge_stories(db_session, shorter.story_id, longer.story_id, "a wrong bridge")
    newest = _article(db_session, f"Bulletin {tag}", [f"y{tag}{i}" for i in range(6)])
    run = linking.consolidate_stories(db_session, window=1)
    db_session.refresh(shorter)
    assert run.article_count == 1 and run.last_article_id == newest.id
    assert shorter.story_id == longer.story_id  # outside the window: untouched
    linking.consolidate_stories(db_session)
    db_session.refresh(shorter)
    assert shorter.story_id != longer.story_id


def _unlinked(session: Session, title: str, words: list[str]) -> int:
    raw = f"{title}\n\n" + " ".join(words * 3)
    reg = register(session, raw.encode(), f"/x/{uuid.uuid4()}")
    article_id = articles.upsert_article(session, reg.file_id, parse_document(raw.encode(), "x.txt"))
    articles.replace_extraction(session, article_id, Extraction([], []))
    return article_id


def _consolidate_often(database_url: str, runs: int, start: Any) -> None:
    os.environ["DATABASE_URL"] = database_url
    from worker.storage.db import get_sessionmaker

    start.wait()
    for _ in range(runs):
        with get_sessionmaker(database_url)() as session:
            linking.consolidate_stories(session)
            session.commit()


def test_links_and_consolidations_at_once_leave_every_article_in_one_counted_live_story(database_url: str) -> None:
    from worker.storage.db import get_sessionmaker

    tag = letter_tag(8)
    with get_sessionmaker()() as session:  # committed: two events, words no other test uses
        ids = [_unlinked(session, f"Event {tag} {i}", [f"e{i % 2}{tag}{j}" for j in range(8)]) for i in range(10)]
        session.commit()
    jobs = [(_link_many_in_process, (database_url, ids[i::2])) for i in range(2)]
    run_at_once([*jobs, (_consolidate_often, (database_url, 4))], timeout=120)
    with get_sessionmaker()() as session:
        linked = session.execute(select(Article.id, Article.story_id).where(Article.id.in_(ids))).all()
        assert all(story_id is not None for _, story_id in linked)
        by_story: dict[int, list[int]] = {}
        for article_id, story_id in linked:
            by_story.setdefault(story_id, []).append(article_id)
        for story_id, members in by_story.items():
            story = session.get(Story, story_id)
            assert story is not None and story.merged_into_id is None
            assert story.article_count == len(members)
        event = {article_id: n % 2 for n, article_id in enumerate(ids)}
        assert sorted(sorted({event[a] for a in members}) for members in by_story.values()) == [[0], [1]]


def test_a_link_s_story_step_waits_while_a_consolidation_holds_the_stories(database_url: str) -> None:
    from sqlalchemy import text
    from sqlalchemy.exc import OperationalError

    from worker.storage.db import get_sessionmaker

    tag = letter_tag(8)
    with get_sessionmaker()() as session:
        article_id = _unlinked(session, f"Event {tag}", [f"w{tag}{j}" for j in range(8)])
        session.commit()
    with get_sessionmaker()() as consolidating, get_sessionmaker()() as linking_session:
        linking.lock_stories(consolidating)
        linking_session.execute(text("SET LOCAL lock_timeout = '300ms'"))
        with pytest.raises(OperationalError, match="lock timeout"):
            linking.link_article(linking_session, article_id)
        linking_session.rollback()
        consolidating.rollback()
        linking.link_article(linking_session, article_id)  # the lock is gone: it links
        linking_session.rollback()
