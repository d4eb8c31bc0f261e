"""The Celery tasks: each loads by id, calls its stage's pure core, stores, commits, and only
then enqueues the next stage. Transient errors (database or broker) retry with exponential
backoff and jitter; bad input fails for good: the error is recorded and the file quarantined."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import structlog
from celery import Task
from celery.exceptions import SoftTimeLimitExceeded, TimeLimitExceeded
from celery.signals import worker_process_init
from sqlalchemy.orm import Session

from worker import broker_state
from worker.celery_app import RETRY_BACKOFF_MAX, TRANSIENT, app
from worker.logs import configure_logging, get_logger
from worker.pipeline.extract import extract_doc, load_nlp
from worker.pipeline.parse import BadInput, ParsedArticle, parse_document
from worker.quarantine import db_path, fs_path, quarantine
from worker.settings import get_settings
from worker.storage import articles, files, linking
from worker.storage.db import session_scope
from worker.storage.models import Article, FileStatus, IngestedFile

log = get_logger(__name__)
STAGE_INPUT = {"parse": FileStatus.QUEUED, "extract": FileStatus.PARSED, "link": FileStatus.EXTRACTED}


@worker_process_init.connect
def _init_process(**_: Any) -> None:
    settings = get_settings()
    configure_logging(settings.log_format, settings.log_level)
    load_nlp(settings.spacy_model)  # once per worker process, before the first task


class StageTask(Task):
    autoretry_for = TRANSIENT
    dont_autoretry_for = (BadInput,)
    retry_backoff = 2
    retry_backoff_max = RETRY_BACKOFF_MAX
    retry_jitter = True
    acks_late = True
    reject_on_worker_lost = True

    @property
    def max_retries(self) -> int:
        return get_settings().max_retries

    def before_start(self, task_id: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
        structlog.contextvars.clear_contextvars()
        structlog.contextvars.bind_contextvars(task_id=task_id, stage=self.name.rsplit(".", 1)[-1])

    def on_failure(
        self, exc: Exception, task_id: str, args: tuple[Any, ...], kwargs: dict[str, Any], einfo: Any
    ) -> None:
        """An unexpected error (a bug met by one article) fails that file for good, with the error
        recorded and the file quarantined, instead of being re-queued forever. Transient errors
        that outlived their retries are left to the watcher, which re-queues files whose work
        was lost (see Watcher.requeue_lost)."""
        if isinstance(exc, TRANSIENT) or not args:
            return
        stage = self.name.rsplit(".", 1)[-1]
        if isinstance(exc, TimeLimitExceeded):
            # in the worker's main process, before it kills the task's process (which still holds
            # the file's row): no database here, the new run counts the kill
            extra = {"alone": True} if stage == "extract" else {}
            self.apply_async(args=args, kwargs={**kwargs, **extra, "killed": True})
            return
        if isinstance(exc, SoftTimeLimitExceeded):
            error = f"time limit: {stage} took longer than {get_settings().time_limit(stage):g} s"
        else:
            log.error("stage failed unexpectedly", exc_info=exc)
            error = f"internal error: {exc.__class__.__name__}: {exc}"
        fail_for_good(int(args[0]), stage, error)


def _bind_file(file: IngestedFile) -> None:
    structlog.contextvars.bind_contextvars(file_id=file.id, sha256=file.sha256)


@app.task(base=StageTask, name="wirewatch.parse")
def parse(file_id: int, killed: bool = False) -> None:
    if killed and not count_time_limit_kill(file_id, "parse"):
        return
    with session_scope() as session:
        file = files.lock_file(session, file_id)
        if file is None or file.status != FileStatus.QUEUED:
            return  # failed, or parsed already (a redelivered or re-queued message)
        _bind_file(file)
        raw = file.content.content if file.content else b""
        try:
            parsed = check_length(parse_document(raw, Path(file.path).name), get_settings().max_text_chars)
        except BadInput as exc:
            session.rollback()
            fail_for_good(file_id, "parse", str(exc))
            return
        article_id = articles.upsert_article(session, file.id, parsed)
        files.advance_status(session, file, FileStatus.PARSED)
        session.commit()
    log.info("parsed", article_id=article_id, title=parsed.title, chars=len(parsed.text))
    extract.delay(file_id)


def check_length(parsed: ParsedArticle, limit: int) -> ParsedArticle:
    if len(parsed.text) > limit:
        raise BadInput(
            f"article too long: {len(parsed.text)} characters of clean text (limit {limit}, WIREWATCH_MAX_TEXT_CHARS)"
        )
    return parsed


@app.task(base=StageTask, name="wirewatch.extract", bind=True)
def extract(self: Task, file_id: int, alone: bool = False, killed: bool = False) -> None:
    """Extract this file's article and, in the same nlp.pipe batch, up to extract_batch_size - 1
    other parsed articles that are waiting (claimed with SKIP LOCKED; their own tasks then find
    them extracted and stop). A batch that runs out of time is rolled back and this file is
    tried again alone, so only the article that is too slow by itself fails."""
    if killed and not count_time_limit_kill(file_id, "extract"):
        return
    settings = get_settings()
    batch: list[IngestedFile] = []
    try:
        with session_scope() as session:
            file = files.lock_file(session, file_id)
            if file is None or file.status != FileStatus.PARSED:
                return  # failed, or already extracted in another task's batch
            others = (
                []
                if alone
                else files.lock_waiting(session, FileStatus.PARSED, settings.extract_batch_size - 1, file_id)
            )
            batch = [file, *others]
            extract_articles(session, batch, settings.spacy_model, settings.extract_batch_size)
            session.commit()
    except SoftTimeLimitExceeded:
        if len(batch) > 1:
            raise self.retry(kwargs={"alone": True}, countdown=0) from None
        raise
    for done in batch:
        link.delay(done.id)


def extract_articles(session: Session, batch: list[IngestedFile], model: str, batch_size: int) -> None:
    by_file = {a.file_id: a for a in session.query(Article).filter(Article.file_id.in_([f.id for f in batch]))}
    english = [f for f in batch if by_file[f.id].language in (None, "en")]
    nlp = load_nlp(model)
    docs = nlp.pipe((by_file[f.id].clean_text for f in english), batch_size=batch_size)
    titles = nlp.pipe((by_file[f.id].title or "" for f in english), batch_size=batch_size)
    for file, doc, title in zip(english, docs, titles, strict=True):
        extraction = extract_doc(doc, title, authors=by_file[file.id].authors or ())
        articles.replace_extraction(session, by_file[file.id].id, extraction)
        log.info(
            "extracted",
            file_id=file.id,
            sha256=file.sha256,
            quotes=len(extraction.quotes),
            entities=len(extraction.entities),
            batch=len(batch),
        )
    for file in batch:
        if file not in english:
            log.info(
                "extract skipped: not English", file_id=file.id, sha256=file.sha256, language=by_file[file.id].language
            )
        files.advance_status(session, file, FileStatus.EXTRACTED)


@app.task(base=StageTask, name="wirewatch.link")
def link(file_id: int, killed: bool = False) -> None:
    if killed and not count_time_limit_kill(file_id, "link"):
        return
    with session_scope() as session:  # short, so the hot term_stats rows are not held during the link
        file = files.lock_file(session, file_id)
        if file is not None and file.status == FileStatus.EXTRACTED:
            linking.count_terms(session, articles.article_id_for_file(session, file_id) or 0)
            session.commit()
    with session_scope() as session:
        file = files.lock_file(session, file_id)
        if file is None or file.status == FileStatus.FAILED:
            return
        _bind_file(file)
        article_id = articles.article_id_for_file(session, file_id)
        assert article_id is not None
        result = linking.link_article(session, article_id)
        files.advance_status(session, file, FileStatus.DONE)
        session.commit()
    log.info(
        "linked",
        entities=result.entities,
        quotes_clustered=result.quotes_clustered,
        near_duplicates=result.near_duplicates,
        story_id=result.story_id,
    )


@app.task(
    name="wirewatch.consolidate",
    autoretry_for=TRANSIENT,
    retry_backoff=2,
    retry_backoff_max=RETRY_BACKOFF_MAX,
    retry_jitter=True,
    max_retries=None,
    acks_late=True,
    reject_on_worker_lost=True,
)
def consolidate(force: bool = False) -> None:
    """Rebuild every story in the canonical order (see worker.storage.linking.story_consolidation),
    unless it is no longer due: the watcher asks when it is, and may have asked twice."""
    settings = get_settings()
    try:
        with session_scope() as session:
            linking.lock_stories(session)  # a second run queued meanwhile waits, then finds nothing due
            growth, interval = settings.story_consolidation_growth, settings.story_consolidation_interval
            if not force and not linking.consolidation_due(session, growth, interval):
                return
            run = linking.consolidate_stories(session, settings.story_consolidation_window)
            session.commit()
    finally:
        broker_state.release_consolidation(settings)
    seconds = (run.finished_at - run.started_at).total_seconds() if run.finished_at else None
    log.info(
        "stories consolidated",
        articles=run.article_count,
        stories_before=run.stories_before,
        stories_after=run.stories_after,
        articles_moved=run.articles_moved,
        seconds=seconds,
    )


def count_time_limit_kill(file_id: int, stage: str) -> bool:
    """Run first by a stage queued again after a hard time-limit kill: count the kill (committed
    before the work starts, so the next kill cannot roll it back; a hard limit shorter than this
    short transaction would never let it count). At max_time_limit_kills the file fails as `time
    limit` and is quarantined, and False says to stop."""
    settings = get_settings()
    with session_scope() as session:
        counted = files.count_time_limit_kill(session, file_id, STAGE_INPUT[stage])
        session.commit()
    if counted is None:
        return True  # the stage finished before the kill, or the file failed: its own checks stop it
    if counted >= settings.max_time_limit_kills:
        hard = settings.time_limit(stage) + settings.hard_time_limit_grace
        error = f"time limit: {stage} was killed by its hard time limit ({hard:g} s) {counted} times; given up"
        fail_for_good(file_id, stage, error + " (WIREWATCH_MAX_TIME_LIMIT_KILLS)")
        return False
    log.warning("killed by the hard time limit; running again", file_id=file_id, stage=stage, kills=counted)
    return True


def fail_for_good(file_id: int, stage: str, error: str) -> None:
    """Record the error where users can query it and move the file out of the watch folder, with
    every other copy of the same content that arrived while it was in progress."""
    with session_scope() as session:
        file = files.lock_file(session, file_id)
        if file is None:
            return
        quarantined = quarantine_copies(session, file)
        files.record_failure(session, file_id, stage, error, db_path(quarantined) if quarantined else None)
        session.commit()
    log.warning("file failed for good", error=error, quarantine_path=str(quarantined) if quarantined else None)


def quarantine_copies(session: Session, file: IngestedFile) -> Path | None:
    """Quarantine the file under each name it was seen; the first move's target is returned."""
    first = None
    for path in [file.path, *files.sighting_paths(session, file.id)]:
        moved = quarantine(fs_path(path), file.id, get_settings().quarantine_path, file.sha256)
        first = first or moved
    return first
