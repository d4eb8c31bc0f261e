"""Operating the pipeline: retrying failed files, and what ``wirewatch status`` and ``/metrics``
report (counts by status, queue depths, stage latencies, recent failures, backlog progress).

Retry re-reads the raw bytes stored in ``file_contents`` (the database, not the folder, is the
record of what arrived) and restarts the file at the stage that failed. The quarantined copy is
moved back to where it was first seen, so the quarantine folder holds only files that are failed
now; the watcher then finds a known (path, size, mtime) sighting and does not register it again.
Helpers flush; the caller commits."""

from __future__ import annotations

import contextlib
import hashlib
import json
import shutil
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import redis
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from worker.celery_app import STAGES, TASK_FOR_STATUS, app
from worker.settings import Settings, client_url
from worker.storage.models import Article, FileContent, FileStatus, IngestedFile, Story, StoryConsolidation

# the status a file restarts from, by the stage that failed it (register and parse: from the start)
RESTART_STATUS = {"extract": FileStatus.PARSED, "link": FileStatus.EXTRACTED}
# the timestamp a file re-enters its stage queue with, and the later ones a retry clears
ENTERED_AT = {FileStatus.QUEUED: "queued_at", FileStatus.PARSED: "parsed_at", FileStatus.EXTRACTED: "extracted_at"}
LATER = {
    FileStatus.QUEUED: ("parsed_at", "extracted_at", "finished_at"),
    FileStatus.PARSED: ("extracted_at", "finished_at"),
    FileStatus.EXTRACTED: ("finished_at",),
}


@dataclass(frozen=True)
class Retry:
    file_id: int
    path: str
    status: str | None  # the status it restarts from; None when it was not reset
    restored_to: str | None = None  # where its quarantined copy was moved back to
    skipped: str | None = None  # why it was not reset


def failed_file_ids(
    session: Session, *, ids: list[int] | None = None, error: str | None = None, stage: str | None = None
) -> list[int]:
    stmt = select(IngestedFile.id).where(IngestedFile.status == FileStatus.FAILED).order_by(IngestedFile.id)
    if ids:
        stmt = stmt.where(IngestedFile.id.in_(ids))
    if error:
        stmt = stmt.where(IngestedFile.error.icontains(error, autoescape=True))
    if stage:
        stmt = stmt.where(IngestedFile.error_stage == stage)
    return list(session.execute(stmt).scalars())


def reset_for_retry(session: Session, file_id: int, max_file_bytes: int) -> Retry:
    """Put one failed file back in the queue of the stage that failed it. A file that is not
    failed (already retried, done, missing) is left alone, so retrying twice is harmless."""
    stmt = select(IngestedFile).where(IngestedFile.id == file_id).with_for_update()
    file = session.execute(stmt).scalar_one_or_none()
    if file is None:
        return Retry(file_id, "", None, skipped="no such file")
    if file.status != FileStatus.FAILED:
        return Retry(file_id, file.path, None, skipped=f"not failed (status {file.status})")
    if file.content is None:
        missing = _recover_content(session, file, max_file_bytes)
        if missing:
            return Retry(file_id, file.path, None, skipped=missing)
    status = _restart_status(session, file)
    restored = _restore_from_quarantine(file)
    now = datetime.now(UTC)
    file.status = status
    file.error = file.error_stage = None
    file.retries += 1
    setattr(file, ENTERED_AT[status], now)
    for column in LATER[status]:
        setattr(file, column, None)
    if restored:
        file.quarantine_path = None
    session.flush()
    return Retry(file_id, file.path, status, restored_to=str(restored) if restored else None)


def _restart_status(session: Session, file: IngestedFile) -> str:
    status = RESTART_STATUS.get(file.error_stage or "", FileStatus.QUEUED)
    has_article = session.execute(select(Article.id).where(Article.file_id == file.id)).first() is not None
    return status if has_article else FileStatus.QUEUED


def _recover_content(session: Session, file: IngestedFile, max_file_bytes: int) -> str | None:
    """A file rejected before its bytes were stored (too large, unreadable, a symlink) can run
    again only from its quarantined copy, and only if that copy is now acceptable."""
    copy = Path(file.quarantine_path) if file.quarantine_path else None
    if copy is None or copy.is_symlink() or not copy.is_file():
        return f"no stored bytes and no quarantined copy ({file.error})"
    if copy.stat().st_size > max_file_bytes:
        return f"quarantined copy is still over WIREWATCH_MAX_FILE_BYTES ({max_file_bytes})"
    content = copy.read_bytes()
    if hashlib.sha256(content).hexdigest() != file.sha256:
        return "the quarantined copy no longer has this file's content"
    session.add(FileContent(file_id=file.id, content=content))
    return None


def _restore_from_quarantine(file: IngestedFile) -> Path | None:
    copy = Path(file.quarantine_path) if file.quarantine_path else None
    home = Path(file.path)
    if copy is None or not (copy.is_file() or copy.is_symlink()) or home.exists() or home.is_symlink():
        return None
    if not home.parent.is_dir():
        return None
    shutil.move(str(copy), str(home))  # keeps mtime: the watcher sees a known sighting
    return home


def retry_files(session: Session, file_ids: list[int], max_file_bytes: int) -> list[Retry]:
    """Reset each file in its own transaction, then queue its stage: a crash half-way leaves
    every file either untouched or reset (a reset file whose message is lost is re-queued by
    the watcher's scan of stale files)."""
    results = []
    for file_id in file_ids:
        result = reset_for_retry(session, file_id, max_file_bytes)
        session.commit()
        if result.status is not None:
            app.send_task(TASK_FOR_STATUS[result.status], args=[file_id])
        results.append(result)
    return results


# --- status and metrics ----------------------------------------------------------------------


@dataclass
class Status:
    files: dict[str, int]
    queues: dict[str, int]  # messages waiting per stage queue
    in_flight: dict[str, int]  # delivered to a worker, not yet acknowledged
    backlog: dict[str, Any]
    failures: list[dict[str, Any]] = field(default_factory=list)
    broker_error: str | None = None
    stories: dict[str, Any] = field(default_factory=dict)  # live stories and the last consolidation

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def file_counts(session: Session) -> dict[str, int]:
    counts = {s: 0 for s in (*FileStatus.IN_PROGRESS, FileStatus.DONE, FileStatus.FAILED)}
    for status, n in session.execute(select(IngestedFile.status, func.count()).group_by(IngestedFile.status)):
        counts[status] = n
    return counts


def recent_failures(session: Session, limit: int) -> list[dict[str, Any]]:
    stmt = (
        select(IngestedFile)
        .where(IngestedFile.status == FileStatus.FAILED)
        .order_by(IngestedFile.finished_at.desc().nulls_last(), IngestedFile.id.desc())
        .limit(limit)
    )
    return [
        {
            "file_id": f.id,
            "path": f.path,
            "stage": f.error_stage,
            "error": f.error,
            "quarantine_path": f.quarantine_path,
            "failed_at": f.finished_at.isoformat() if f.finished_at else None,
        }
        for f in session.execute(stmt).scalars()
    ]


def queue_depths(settings: Settings) -> tuple[dict[str, int], dict[str, int]]:
    """Messages waiting in each stage queue (kombu keeps one Redis list per queue and priority
    step) and messages delivered but not acknowledged (kombu's ``unacked`` hash)."""
    client = redis.Redis.from_url(client_url(settings.redis_url or ""), socket_timeout=5)
    try:
        waiting = {}
        for stage in STAGES:
            name = settings.queue(stage)
            keys = [name, *(f"{name}\x06\x16{p}" for p in (3, 6, 9))]
            waiting[stage] = sum(int(client.llen(k)) for k in keys)
        by_queue = {settings.queue(stage): stage for stage in STAGES}
        in_flight = dict.fromkeys(STAGES, 0)
        for raw in client.hvals("unacked"):
            queue_stage = by_queue.get(_routing_key(raw) or "")
            if queue_stage:
                in_flight[queue_stage] += 1
        return waiting, in_flight
    finally:
        client.close()


def _routing_key(raw: bytes | str) -> str | None:
    try:
        message = json.loads(raw)
        return str(message[-1])
    except (ValueError, IndexError, TypeError):
        return None


def backlog(counts: dict[str, int], progress_file: Path) -> dict[str, Any]:
    total = sum(counts.values())
    finished = counts[FileStatus.DONE] + counts[FileStatus.FAILED]
    out: dict[str, Any] = {"registered": total, "finished": finished, "in_progress": total - finished}
    with contextlib.suppress(OSError, ValueError):  # the watcher's scan, if it runs with this data dir
        out["scan"] = json.loads(progress_file.read_text())
    return out


def story_state(session: Session) -> dict[str, Any]:
    live = session.execute(select(func.count()).where(Story.merged_into_id.is_(None), Story.article_count > 0))
    last = session.execute(
        select(StoryConsolidation).order_by(StoryConsolidation.id.desc()).limit(1)
    ).scalar_one_or_none()
    consolidation = None
    if last is not None:
        consolidation = {
            "finished_at": last.finished_at.isoformat() if last.finished_at else None,
            "articles": last.article_count,
            "articles_moved": last.articles_moved,
            "stories_before": last.stories_before,
            "stories_after": last.stories_after,
        }
    return {"live": live.scalar_one(), "last_consolidation": consolidation}


def status_report(session: Session, settings: Settings, failures: int = 10) -> Status:
    counts = file_counts(session)
    broker_error = None
    try:
        waiting, in_flight = queue_depths(settings)
    except redis.RedisError as exc:
        waiting, in_flight = {}, {}
        broker_error = f"{exc.__class__.__name__}: {exc}"
    return Status(
        files=counts,
        queues=waiting,
        in_flight=in_flight,
        backlog=backlog(counts, settings.data_dir / "watcher.progress.json"),
        failures=recent_failures(session, failures),
        broker_error=broker_error,
        stories=story_state(session),
    )


# stage latency: from entering a stage's queue (the previous stage's finish) to finishing it
STAGE_SPANS = {
    "parse": ("queued_at", "parsed_at"),
    "extract": ("parsed_at", "extracted_at"),
    "link": ("extracted_at", "finished_at"),
    "total": ("queued_at", "finished_at"),
}
LATENCY_BUCKETS = (0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600)


def stage_latency_histograms(session: Session) -> dict[str, tuple[list[int], int, float]]:
    """Per stage: cumulative counts per bucket (``le``), count and sum, over every file that has
    passed the stage. One pass over ingested_files: each file gives one duration per stage and
    Postgres counts them by bucket (``width_bucket`` over the negated bounds counts the bounds a
    duration is <= to)."""
    spans = ", ".join(f"('{stage}', f.{end} - f.{start})" for stage, (start, end) in STAGE_SPANS.items())
    sql = text(
        f"""
        SELECT s.stage, width_bucket(-extract(epoch FROM s.span)::float8, CAST(:bounds AS float8[])) AS k,
               count(*), sum(extract(epoch FROM s.span))::float8
        FROM ingested_files f, LATERAL (VALUES {spans}) AS s(stage, span)
        WHERE f.status <> 'failed' AND s.span IS NOT NULL
        GROUP BY 1, 2
        """
    )  # finished_at of a failed file is its failure, not a stage's end
    n = len(LATENCY_BUCKETS)
    by_k: dict[str, list[int]] = {stage: [0] * (n + 1) for stage in STAGE_SPANS}
    sums = dict.fromkeys(STAGE_SPANS, 0.0)
    for stage, k, count, total in session.execute(sql, {"bounds": sorted(-float(b) for b in LATENCY_BUCKETS)}):
        by_k[stage][k] += count  # k: how many bucket bounds this duration is <= to
        sums[stage] += total
    out = {}
    for stage, counts in by_k.items():
        cumulative = [sum(counts[n - j :]) for j in range(n)]
        out[stage] = (cumulative, sum(counts), sums[stage])
    return out
