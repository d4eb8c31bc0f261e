"""A stage killed by its hard time limit, in a real worker process: queued again at once, and
after WIREWATCH_MAX_TIME_LIMIT_KILLS kills the file fails as `time limit` and is quarantined."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.conftest import SEED_FILES, register
from tests.services import Stack, wait_for
from worker.celery_app import app
from worker.pipeline.parse import parse_document
from worker.quarantine import db_path
from worker.storage import articles, files
from worker.storage.db import get_sessionmaker
from worker.storage.models import FileStatus, IngestedFile


def _parsed_file(path: Path) -> int:
    raw = path.read_bytes()
    with get_sessionmaker()() as session:
        reg = register(session, raw, db_path(path))
        articles.upsert_article(session, reg.file_id, parse_document(raw, path.name))
        file = files.lock_file(session, reg.file_id)
        assert file is not None
        files.advance_status(session, file, FileStatus.PARSED)
        session.commit()
        return reg.file_id


def test_a_stage_killed_by_the_hard_time_limit_fails_after_the_capped_kills(tmp_path: Path) -> None:
    inbox, quarantine, logs = tmp_path / "inbox", tmp_path / "quarantine", tmp_path / "logs"
    for d in (inbox, quarantine, logs):
        d.mkdir()
    article = inbox / "slow.txt"
    # about 100 kB: seconds of spaCy, so the 1 s hard limit kills it even when the worker's main
    # process (which arms the timer once the pool process reports the task started) is slow,
    # and 1 s leaves a fresh pool process time to connect and count the kill first
    body = b"\n\n".join(p.read_bytes() for p in SEED_FILES * 4)
    article.write_bytes(body + f"\n\n{uuid.uuid4()}".encode())
    file_id = _parsed_file(article)
    prefix = f"wwkill-{uuid.uuid4().hex[:8]}"
    env = {
        **os.environ,
        "WIREWATCH_QUEUE_PREFIX": prefix,
        "WIREWATCH_QUARANTINE_DIR": str(quarantine),
        # no soft limit, a hard one far below what spaCy needs for this article: every run is killed
        "WIREWATCH_EXTRACT_TIME_LIMIT": "0",
        "WIREWATCH_HARD_TIME_LIMIT_GRACE": "1",
        "WIREWATCH_MAX_TIME_LIMIT_KILLS": "2",
    }
    services = Stack(env, logs)
    services.start("worker", ["wirewatch", "worker", "--stages", "extract", "--concurrency", "1"])
    try:
        # no limits in the message: Celery would put this process's (the defaults) in it once
        # the task is registered here, and the worker's own settings are what is tested
        app.send_task(
            "wirewatch.extract", args=[file_id], queue=f"{prefix}.extract", time_limit=None, soft_time_limit=None
        )

        def settled() -> IngestedFile | None:
            with get_sessionmaker()() as session:
                file = session.execute(select(IngestedFile).where(IngestedFile.id == file_id)).scalar_one()
                return file if file.status == FileStatus.FAILED else None

        try:
            file = wait_for(settled, 120, "the file to fail after its time-limit kills")
        except AssertionError:
            pytest.fail(services.log_tail("worker"))
    finally:
        services.stop_all()
    assert file.error_stage == "extract"
    assert file.time_limit_kills == 2
    assert file.error == (
        "time limit: extract was killed by its hard time limit (1 s) 2 times; given up "
        "(WIREWATCH_MAX_TIME_LIMIT_KILLS)"
    )
    assert file.quarantine_path is not None and not article.exists()
    assert (quarantine / f"{file_id}-slow.txt").exists()
    assert services.log_tail("worker", 200_000).count("killed by the hard time limit; running again") == 1
