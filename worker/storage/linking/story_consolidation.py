"""Story consolidation, the database side: every article with a story is run through the story step
again in the canonical order (``worker.pipeline.link.story_consolidation``), and the stories are
rewritten to match: the articles' story ids, the story rows and their entity and word index.

It runs in one transaction under the consolidation lock, which the online story step takes shared
(``story_rows.assign_story``): links wait while the stories are rewritten, never see half of it,
and an article linked meanwhile is seen by the next run. A story keeps its id when it keeps most of
its articles; a story that loses its place is recorded as merged into the one that took most of its
articles (``story_merges``, reason "consolidation"), so an id a consumer holds still leads somewhere.
Helpers flush; the caller commits."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import UTC, date, datetime

from sqlalchemy import delete, func, select, text, update
from sqlalchemy.orm import Session

from worker.pipeline.link import stories
from worker.pipeline.link.story_consolidation import ConsolidatedStory, CorpusArticle, consolidate
from worker.storage.linking.queries import among
from worker.storage.linking.story_rows import CONSOLIDATION_LOCK
from worker.storage.locks import lock_keys
from worker.storage.models import (
    Article,
    Entity,
    EntityLink,
    IngestedFile,
    NearDuplicate,
    Story,
    StoryConsolidation,
    StoryEntity,
    StoryMerge,
    StoryTerm,
)


def lock_stories(session: Session) -> None:
    """Until commit: no other consolidation, and no link's story step (they take it shared)."""
    lock_keys(session, "story", [CONSOLIDATION_LOCK])


def consolidate_stories(session: Session, window: int | None = None) -> StoryConsolidation:
    started = datetime.now(UTC)
    lock_stories(session)
    corpus, current = load_corpus(session, window)
    result = consolidate(corpus)
    before = set(current.values())
    ids = create_stories(session, keep_story_ids(result, current))
    moved = move_articles(session, result, ids, current)
    retire_stories(session, result, ids, current, before - set(ids))
    rewrite_story_rows(session, result, ids, before)
    run = StoryConsolidation(
        article_count=len(corpus),
        last_article_id=max(current, default=0),
        stories_before=len(before),
        stories_after=len(result),
        articles_moved=moved,
        started_at=started,
        finished_at=datetime.now(UTC),
    )
    session.add(run)
    session.flush()
    return run


def load_corpus(session: Session, window: int | None = None) -> tuple[list[CorpusArticle], dict[int, int]]:
    """The articles to consolidate, with their canonical story-type entities and near-copies, and
    the story each is in now: the newest ``window`` articles with a story and every other article
    of their stories (older stories are left as they are); all of them when ``window`` is None."""
    newest = select(Article.id).where(Article.story_id.is_not(None)).order_by(Article.id.desc()).limit(window)
    oldest = session.execute(select(func.min(newest.subquery().c.id))).scalar_one() or 0
    touched = select(Article.story_id).where(Article.id >= oldest, Article.story_id.is_not(None)).distinct()
    rows = session.execute(
        select(
            Article.id, Article.title, Article.clean_text, Article.published_date, Article.story_id, IngestedFile.sha256
        )
        .join(IngestedFile, IngestedFile.id == Article.file_id)
        .where(Article.story_id.in_(touched))
        .order_by(Article.id)
    ).all()
    ids = [r.id for r in rows]
    merged = {
        r.id: r.merged_into_id
        for r in session.execute(select(Entity.id, Entity.merged_into_id).where(Entity.merged_into_id.is_not(None)))
    }
    people = set(session.execute(select(Entity.id).where(Entity.type == "person")).scalars())
    entities: defaultdict[int, Counter[int]] = defaultdict(Counter)
    for article_id, entity_id, mentions in session.execute(
        select(EntityLink.article_id, EntityLink.entity_id, EntityLink.mention_count).where(
            EntityLink.entity_type.in_(stories.STORY_TYPES), EntityLink.article_id == among(ids)
        )
    ):
        entities[article_id][_canonical(merged, entity_id)] += int(mentions or 1)
    copies: defaultdict[int, set[int]] = defaultdict(set)
    pairs = select(NearDuplicate.article_id, NearDuplicate.duplicate_of_id).where(
        NearDuplicate.article_id == among(ids)
    )
    for a, b in session.execute(pairs):
        copies[a].add(b)
        copies[b].add(a)
    corpus = [
        CorpusArticle(
            article_id=r.id,
            name=r.sha256,
            title=r.title or "",
            body=r.clean_text,
            day=r.published_date,
            entities=tuple(entities[r.id].items()),
            people=frozenset(people & entities[r.id].keys()),
            copies=frozenset(copies[r.id]),
        )
        for r in rows
    ]
    return corpus, {r.id: r.story_id for r in rows}


def _canonical(merged: dict[int, int], entity_id: int) -> int:
    seen = set()
    while entity_id in merged and entity_id not in seen:
        seen.add(entity_id)
        entity_id = merged[entity_id]
    return entity_id


def keep_story_ids(result: list[ConsolidatedStory], current: dict[int, int]) -> list[int | None]:
    """For each new story, the id of the present story it holds most articles of, each id used
    once (the largest overlaps first); None: a new story row."""
    overlaps = Counter((i, current[a]) for i, story in enumerate(result) for a in story.article_ids)
    ids: list[int | None] = [None] * len(result)
    taken: set[int] = set()
    for (i, story_id), _ in sorted(overlaps.items(), key=lambda kv: (-kv[1], kv[0])):
        if ids[i] is None and story_id not in taken:
            ids[i] = story_id
            taken.add(story_id)
    return ids


def create_stories(session: Session, ids: list[int | None]) -> list[int]:
    made = []
    for story_id in ids:
        if story_id is None:
            row = Story(title=None, article_count=0)
            session.add(row)
            session.flush()
            story_id = row.id
        made.append(story_id)
    return made


def move_articles(session: Session, result: list[ConsolidatedStory], ids: list[int], current: dict[int, int]) -> int:
    """Each article whose story changed to its new story, with the score it joined by; returns how
    many moved. The others are not written, so the change feed lists only what changed."""
    rows = [
        {"id": member.article_id, "story_id": story_id, "story_score": round(member.score, 4)}
        for story, story_id in zip(result, ids, strict=True)
        for member in story.members
        if current[member.article_id] != story_id
    ]
    if rows:
        session.execute(update(Article), rows)
    return len(rows)


def retire_stories(
    session: Session,
    result: list[ConsolidatedStory],
    ids: list[int],
    current: dict[int, int],
    retired: set[int],
) -> None:
    """A story no new story kept points to the one that took most of its articles."""
    new_story = {a: story_id for story, story_id in zip(result, ids, strict=True) for a in story.article_ids}
    for old in sorted(retired):
        articles = sorted(a for a, s in current.items() if s == old)
        into, _ = Counter(new_story[a] for a in articles).most_common(1)[0]
        session.execute(update(Story).where(Story.id == old).values(merged_into_id=into, article_count=0))
        session.add(StoryMerge(from_story_id=old, into_story_id=into, article_ids=articles, reason="consolidation"))
    session.flush()


def rewrite_story_rows(session: Session, result: list[ConsolidatedStory], ids: list[int], before: set[int]) -> None:
    """The stories' entity and word rows as the sums of their articles' vectors, as joining builds
    them; the rows of stories that are no longer live are dropped from the index."""
    merged = select(Story.id).where(Story.merged_into_id.is_not(None))
    for model in (StoryEntity, StoryTerm):
        session.execute(delete(model).where(model.story_id.in_(before | set(ids)) | model.story_id.in_(merged)))
    entity_rows: list[tuple[int, int, float, date | None]] = []
    term_rows: list[tuple[int, int, float]] = []
    for story, story_id in zip(result, ids, strict=True):
        weights: defaultdict[int, float] = defaultdict(float)
        last: dict[int, date] = {}
        terms: defaultdict[int, float] = defaultdict(float)
        for member in story.members:
            profile = member.profile
            for entity_id, weight in profile.entities.items():
                weights[entity_id] += weight
                if profile.day is not None:
                    last[entity_id] = max(last.get(entity_id, profile.day), profile.day)
            for term, weight in (profile.terms | stories.marker_rows(profile)).items():
                terms[term] += weight
        entity_rows += [(story_id, e, w, last.get(e)) for e, w in weights.items()]
        term_rows += [(story_id, t, w) for t, w in terms.items()]
        first = story.members[0]
        days = [m.profile.day for m in story.members if m.profile.day is not None]
        session.execute(  # an unchanged row stays out of the change feed (its trigger skips it)
            update(Story)
            .where(Story.id == story_id)
            .values(
                title=select(Article.title).where(Article.id == first.article_id).scalar_subquery(),
                first_date=min(days, default=None),
                last_date=max(days, default=None),
                article_count=len(story.members),
                merged_into_id=None,
            )
        )
    _insert_rows(session, entity_rows, term_rows)


def _insert_rows(
    session: Session, entity_rows: list[tuple[int, int, float, date | None]], term_rows: list[tuple[int, int, float]]
) -> None:
    if entity_rows:
        s, e, w, d = zip(*entity_rows, strict=True)
        session.execute(
            text(
                "INSERT INTO story_entities (story_id, entity_id, weight, last_date) SELECT * FROM "
                "unnest(CAST(:s AS bigint[]), CAST(:e AS bigint[]), CAST(:w AS float8[]), CAST(:d AS date[]))"
            ),
            {"s": list(s), "e": list(e), "w": list(w), "d": list(d)},
        )
    if term_rows:
        s, t, w = zip(*term_rows, strict=True)
        session.execute(
            text(
                "INSERT INTO story_terms (story_id, term, weight) SELECT * FROM "
                "unnest(CAST(:s AS bigint[]), CAST(:t AS bigint[]), CAST(:w AS float8[]))"
            ),
            {"s": list(s), "t": list(t), "w": list(w)},
        )
    session.flush()
