"""Registering files and recording their fate. Helpers flush; the caller commits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from worker.storage.models import FileContent, FileSighting, FileStatus, IngestedFile


@dataclass(frozen=True)
class Registration:
    file_id: int
    created: bool  # False: this content was already known under some name
    status: str
    error: str | None = None  # the stored error of a failed file


def is_known_sighting(session: Session, path: str, size: int, mtime_ns: int) -> bool:
    stmt = select(FileSighting.id).where(
        FileSighting.path == path, FileSighting.size == size, FileSighting.mtime_ns == mtime_ns
    )
    return session.execute(stmt).first() is not None


def register_file(
    session: Session,
    *,
    path: str,
    sha256: str,
    content: bytes | None,
    size: int,
    mtime_ns: int,
    error: str | None = None,
) -> Registration:
    """Insert the file once per content; a concurrent or repeated registration finds the row.

    ``error`` marks a file rejected before any stage ran (empty, too large, symlink outside).
    """
    values = {
        "sha256": sha256,
        "path": path,
        "size": size,
        "mtime": datetime.fromtimestamp(mtime_ns / 1e9, tz=UTC),
        "status": FileStatus.FAILED if error else FileStatus.QUEUED,
        "error": error,
        "error_stage": "register" if error else None,
    }
    new_id = session.execute(
        insert(IngestedFile)
        .values(**values)
        .on_conflict_do_nothing(index_elements=["sha256"])
        .returning(IngestedFile.id)
    ).scalar_one_or_none()
    if new_id is not None and content is not None:
        session.add(FileContent(file_id=new_id, content=content))
    file_id = new_id or session.execute(select(IngestedFile.id).where(IngestedFile.sha256 == sha256)).scalar_one()
    session.execute(
        insert(FileSighting)
        .values(file_id=file_id, path=path, size=size, mtime_ns=mtime_ns)
        .on_conflict_do_nothing(index_elements=["path", "size", "mtime_ns"])
    )
    session.flush()
    row = session.execute(select(IngestedFile.status, IngestedFile.error).where(IngestedFile.id == file_id)).one()
    return Registration(file_id=file_id, created=new_id is not None, status=row.status, error=row.error)


def lock_file(session: Session, file_id: int) -> IngestedFile | None:
    """Row-lock the file for the rest of the transaction: one stage run per file at a time."""
    return session.execute(
        select(IngestedFile).where(IngestedFile.id == file_id).with_for_update()
    ).scalar_one_or_none()


def lock_waiting(session: Session, status: str, limit: int, exclude: int) -> list[IngestedFile]:
    """Other files waiting in ``status`` that no other transaction holds, locked for this one."""
    if limit <= 0:
        return []
    stmt = (
        select(IngestedFile)
        .where(IngestedFile.status == status, IngestedFile.id != exclude)
        .order_by(IngestedFile.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    return list(session.execute(stmt).scalars())


STAGE_TIME = {FileStatus.PARSED: "parsed_at", FileStatus.EXTRACTED: "extracted_at", FileStatus.DONE: "finished_at"}


def advance_status(session: Session, file: IngestedFile, status: str) -> None:
    """Statuses only move forward, so a late redelivered task cannot move a file back."""
    order = [FileStatus.QUEUED, FileStatus.PARSED, FileStatus.EXTRACTED, FileStatus.DONE]
    if file.status in order and order.index(status) > order.index(file.status):
        file.status = status
        setattr(file, STAGE_TIME[status], datetime.now(UTC))
    session.flush()


def record_failure(session: Session, file_id: int, stage: str, error: str, quarantine_path: str | None) -> None:
    session.execute(
        update(IngestedFile)
        .where(IngestedFile.id == file_id)
        .values(
            status=FileStatus.FAILED,
            error=error,
            error_stage=stage,
            quarantine_path=quarantine_path,
            finished_at=datetime.now(UTC),
        )
    )
    session.flush()


def count_time_limit_kill(session: Session, file_id: int, status: str) -> int | None:
    """One more hard time-limit kill for a file still in ``status`` (the killed stage's input):
    the kills so far; None if the stage finished after all."""
    kills: int | None = session.execute(
        update(IngestedFile)
        .where(IngestedFile.id == file_id, IngestedFile.status == status)
        .values(time_limit_kills=IngestedFile.time_limit_kills + 1)
        .returning(IngestedFile.time_limit_kills)
    ).scalar_one_or_none()
    return kills


def touch(session: Session, file_ids: list[int]) -> None:
    if file_ids:
        session.execute(
            update(IngestedFile).where(IngestedFile.id.in_(file_ids)).values(attempts=IngestedFile.attempts + 1)
        )
        session.flush()


def idle_unclaimed(session: Session, idle_for: timedelta, limit: int = 1000) -> list[tuple[int, str]]:
    """In-progress files unchanged for ``idle_for`` that no transaction holds: a running stage
    keeps its file's row locked, so a locked row is being worked on right now. The rows returned
    stay locked by this session until it ends."""
    cutoff = datetime.now(UTC) - idle_for
    stmt = (
        select(IngestedFile.id, IngestedFile.status)
        .where(IngestedFile.status.in_(FileStatus.IN_PROGRESS), IngestedFile.updated_at < cutoff)
        .order_by(IngestedFile.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    return [(row.id, row.status) for row in session.execute(stmt)]


def sighting_paths(session: Session, file_id: int) -> list[str]:
    """Every path this content arrived under, the first first."""
    stmt = select(FileSighting.path).where(FileSighting.file_id == file_id).order_by(FileSighting.id)
    return list(dict.fromkeys(session.execute(stmt).scalars()))
