"""When the stories are due for a consolidation (``linking.story_consolidation``): a module of its
own, so the watcher, which schedules the runs, does not load the linking code."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from worker.storage.models import Article, FileStatus, IngestedFile, StoryConsolidation

MIN_NEW_ARTICLES = 20  # fewer new articles than this never make a run due by growth alone
DUTY = 10  # a quiet-time run waits at least this many times the last run's duration: runs take <= 10%


def consolidation_due(session: Session, growth: float, interval: float) -> bool:
    """Due when articles linked since the last run are a ``growth`` share of the corpus it saw
    (its cost is that of the whole corpus, so runs thin out as the corpus grows), or when the
    pipeline is quiet and the last run is ``interval`` seconds, and DUTY times its own duration,
    old: after a batch, its stories are settled soon, and a steady trickle does not rebuild them
    for every file."""
    last = session.execute(
        select(StoryConsolidation).order_by(StoryConsolidation.id.desc()).limit(1)
    ).scalar_one_or_none()
    since = last.last_article_id if last else 0
    new = session.execute(select(func.count()).where(Article.id > since, Article.story_id.is_not(None))).scalar_one()
    if new == 0:
        return False
    if new >= max(MIN_NEW_ARTICLES, growth * (last.article_count if last else 0)):
        return True
    busy = session.execute(select(func.count()).where(IngestedFile.status.in_(FileStatus.IN_PROGRESS))).scalar_one()
    if busy or last is None:
        return not busy
    age = (datetime.now(UTC) - last.started_at).total_seconds()
    took = (last.finished_at - last.started_at).total_seconds() if last.finished_at else 0.0
    return age >= max(interval, DUTY * took)
