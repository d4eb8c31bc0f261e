"""Stories step, writing: the article joins its story (or a new one), stories merge and unmerge."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import delete, func, literal, select, text, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from worker.pipeline.link import stories
from worker.storage.linking.story_candidates import article_profile, candidate_stories, canonical_story
from worker.storage.locks import lock_keys
from worker.storage.models import Article, Story, StoryConsolidation, StoryEntity, StoryMerge, StoryTerm

CONSOLIDATION_LOCK = "consolidation"  # taken exclusively by story_consolidation


def story_lock_keys(profile: stories.ArticleProfile) -> list[str]:
    """Every word and entity the article's story is looked up by and indexed under. An article
    finds a story through one of its probes that the story is indexed under, and both are among
    these keys of the two articles: two articles that could join each other's new story take
    turns, the others do not. A second namespace, taken after the link keys and the hot entity
    rows, so a transaction never waits for an earlier step's lock while holding a later one.
    A story's year, day, weekday and figure markers (``stories.marker_rows``) are stored under
    story_terms but no article looks stories up by them, so they take no lock (it would make all
    articles of a year or day take turns)."""
    return [f"term {t}" for t in profile.terms] + [f"entity {e}" for e in profile.entities]


def assign_story(session: Session, article: Article, copies: list[tuple[int, float]]) -> int | None:
    if article.story_id is not None:
        return canonical_story(session, article.story_id)
    profile = article_profile(session, article)
    # shared: links run their story steps side by side, but never while a consolidation rewrites them
    lock_keys(session, "story", story_lock_keys(profile), shared=[CONSOLIDATION_LOCK])
    copied = [s.story_id for (other, _) in copies if (s := session.get(Article, other)) and s.story_id]
    if copied:
        choice = stories.Choice(canonical_story(session, copied[0]), 1.0, [])
    else:
        choice = stories.choose_story(profile, candidate_stories(session, profile))
    story_id = choice.story_id
    if story_id is None:
        story = Story(title=article.title, first_date=profile.day, last_date=profile.day, article_count=0)
        session.add(story)
        session.flush()
        story_id = story.id
    join_story(session, article, story_id, choice.score, profile)
    for other in choice.bridged:
        merge_stories(session, other, story_id, f"article {article.id} matches both ({choice.score:.2f})")
    return story_id


def join_story(
    session: Session, article: Article, story_id: int, score: float, profile: stories.ArticleProfile
) -> None:
    article.story_id, article.story_score = story_id, round(score, 4)
    story = session.get(Story, story_id)
    assert story is not None
    story.article_count += 1
    day = profile.day
    if day is not None:  # an undated article does not move the story in time
        story.first_date = min(story.first_date or day, day)
        story.last_date = max(story.last_date or day, day)
    if profile.entities:
        session.execute(
            text(
                "INSERT INTO story_entities (story_id, entity_id, weight, last_date) "
                "SELECT :story_id, e, w, CAST(:day AS date) FROM unnest(CAST(:ids AS bigint[]), "
                "CAST(:weights AS float8[])) AS t(e, w) ON CONFLICT (story_id, entity_id) DO UPDATE SET "
                "weight = story_entities.weight + excluded.weight, "
                "last_date = greatest(story_entities.last_date, excluded.last_date)"
            ),
            {
                "story_id": story_id,
                "day": day,
                "ids": list(profile.entities),
                "weights": list(profile.entities.values()),
            },
        )
    # the year and days it names are counted like words, so merges and splits carry them
    weights = profile.terms | stories.marker_rows(profile)
    if weights:
        session.execute(
            text(
                "INSERT INTO story_terms (story_id, term, weight) SELECT :story_id, t, w FROM "
                "unnest(CAST(:terms AS bigint[]), CAST(:weights AS float8[])) AS t(t, w) "
                "ON CONFLICT (term, story_id) DO UPDATE SET weight = story_terms.weight + excluded.weight"
            ),
            {"story_id": story_id, "terms": list(weights), "weights": list(weights.values())},
        )
    session.flush()


def merge_stories(session: Session, from_id: int, into_id: int, reason: str) -> int | None:
    """Merge story ``from_id`` into ``into_id``: its articles, entities and words follow. Reversible."""
    from_id = canonical_story(session, from_id)
    if from_id == into_id:
        return None
    source, target = session.get(Story, from_id), session.get(Story, into_id)
    assert source is not None and target is not None
    moved = list(session.execute(select(Article.id).where(Article.story_id == from_id)).scalars())
    session.execute(update(Article).where(Article.story_id == from_id).values(story_id=into_id))
    _add_story_rows(session, from_id, into_id, 1.0)
    target.article_count += len(moved)
    dates = [d for d in (source.first_date, source.last_date, target.first_date, target.last_date) if d]
    target.first_date, target.last_date = (min(dates), max(dates)) if dates else (None, None)
    source.merged_into_id = into_id
    merge = StoryMerge(from_story_id=from_id, into_story_id=into_id, article_ids=moved, reason=reason)
    session.add(merge)
    session.flush()
    return merge.id


def unmerge_story(session: Session, merge_id: int) -> None:
    """Split a story merge: the articles it moved go back, with their entities and words."""
    merge = session.get(StoryMerge, merge_id)
    if merge is None or merge.undone_at is not None:
        raise ValueError(f"no active story merge {merge_id}")
    if merge.reason == "consolidation" or _consolidated_since(session, merge):
        raise ValueError(f"story merge {merge_id} was rebuilt by a consolidation since: the next one decides again")
    source, target = session.get(Story, merge.from_story_id), session.get(Story, merge.into_story_id)
    assert source is not None and target is not None
    session.execute(
        update(Article)
        .where(Article.id.in_(merge.article_ids), Article.story_id == target.id)
        .values(story_id=source.id)
    )
    _add_story_rows(session, source.id, target.id, -1.0)
    source.merged_into_id = None
    for story in (source, target):
        first, last, count = session.execute(
            select(func.min(Article.published_date), func.max(Article.published_date), func.count()).where(
                Article.story_id == story.id
            )
        ).one()
        story.first_date, story.last_date, story.article_count = first, last, count
    merge.undone_at = datetime.now(UTC)
    session.flush()


def _consolidated_since(session: Session, merge: StoryMerge) -> bool:
    since = select(StoryConsolidation.id).where(StoryConsolidation.started_at >= merge.created_at)
    return session.execute(since.limit(1)).first() is not None


def _add_story_rows(session: Session, from_id: int, into_id: int, sign: float) -> None:
    """Add (sign 1) or take back (sign -1) one story's entity and word weights into another."""
    for model, key in ((StoryEntity, StoryEntity.entity_id), (StoryTerm, StoryTerm.term)):
        source = select(literal(into_id).label("story_id"), key, (model.weight * sign).label("weight")).where(
            model.story_id == from_id
        )
        columns = ["story_id", key.key, "weight"]
        if model is StoryEntity:
            source = source.add_columns(StoryEntity.last_date)
            columns.append("last_date")
        stmt = insert(model).from_select(columns, source)
        set_ = {"weight": model.weight + stmt.excluded.weight}
        if model is StoryEntity:
            set_["last_date"] = func.greatest(StoryEntity.last_date, stmt.excluded.last_date)
        session.execute(stmt.on_conflict_do_update(index_elements=["story_id", key.key], set_=set_))
        if sign < 0:
            session.execute(delete(model).where(model.story_id == into_id, model.weight <= 1e-9))
