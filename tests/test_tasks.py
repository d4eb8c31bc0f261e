"""The stage tasks called directly (as a worker would), on the real database and broker."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import func, select

from tests.conftest import SEED_FILES, register
from worker import tasks
from worker.pipeline.parse import parse_document
from worker.storage import articles, files
from worker.storage.db import get_sessionmaker
from worker.storage.models import Article, EntityMention, FileStatus, IngestedFile


def _parsed_file(raw: bytes, name: str) -> int:
    with get_sessionmaker()() as session:
        reg = register(session, raw, f"/tasks/{name}")
        articles.upsert_article(session, reg.file_id, parse_document(raw, name))
        file = files.lock_file(session, reg.file_id)
        assert file is not None
        files.advance_status(session, file, FileStatus.PARSED)
        session.commit()
        return reg.file_id


def test_one_extract_task_batches_the_articles_waiting_behind_it() -> None:
    seeds = SEED_FILES[:3]
    ids = [_parsed_file(p.read_bytes() + f"\n\n{uuid.uuid4()}".encode(), p.name) for p in seeds]
    tasks.extract(ids[0])
    with get_sessionmaker()() as session:
        statuses = session.execute(select(IngestedFile.status).where(IngestedFile.id.in_(ids))).scalars().all()
        assert statuses == [FileStatus.EXTRACTED] * 3
        counts = [
            session.execute(
                select(func.count())
                .select_from(EntityMention)
                .join(Article, Article.id == EntityMention.article_id)
                .where(Article.file_id == i)
            ).scalar_one()
            for i in ids
        ]
    assert all(c > 10 for c in counts), counts
    tasks.extract(ids[1])  # its own message arrives later: already extracted, nothing changes
    with get_sessionmaker()() as session:
        again = session.execute(
            select(func.count())
            .select_from(EntityMention)
            .join(Article, Article.id == EntityMention.article_id)
            .where(Article.file_id == ids[1])
        ).scalar_one()
    assert again == counts[1]


def test_an_unexpected_error_fails_the_file_for_good(monkeypatch: pytest.MonkeyPatch) -> None:
    raw = f"Headline\n\nThe mayor said on Monday the plan “will work.” {uuid.uuid4()}".encode()
    file_id = _parsed_file(raw, "bug.txt")

    def broken(doc: object, title: object = None, **_: object) -> None:
        raise RuntimeError("simulated bug")

    monkeypatch.setattr(tasks, "extract_doc", broken)
    result = tasks.extract.apply(args=[file_id])  # as a worker runs it, with the failure handlers
    assert result.failed()
    with get_sessionmaker()() as session:
        file = session.get(IngestedFile, file_id)
        assert file is not None
        assert file.status == FileStatus.FAILED and file.error_stage == "extract"
        assert file.error == "internal error: RuntimeError: simulated bug"


def test_a_text_over_the_length_limit_fails_as_bad_input(monkeypatch: pytest.MonkeyPatch) -> None:
    from worker.settings import get_settings

    monkeypatch.setattr(get_settings(), "max_text_chars", 200)
    raw = ("Headline\n\n" + "A sentence of a very long article. " * 20 + str(uuid.uuid4())).encode()
    with get_sessionmaker()() as session:
        file_id = register(session, raw, "/tasks/long.txt").file_id
        session.commit()
    tasks.parse.apply(args=[file_id])
    with get_sessionmaker()() as session:
        file = session.get(IngestedFile, file_id)
        assert file is not None and file.status == FileStatus.FAILED and file.error_stage == "parse"
        assert file.error is not None and file.error.startswith("article too long: ")
        assert "limit 200" in file.error
        assert session.execute(select(Article.id).where(Article.file_id == file_id)).first() is None


def test_a_stage_past_its_soft_time_limit_fails_with_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    from celery.exceptions import SoftTimeLimitExceeded

    file_id = _parsed_file(f"Headline\n\nThe mayor said “it will work.” {uuid.uuid4()}".encode(), "slow.txt")

    def too_slow(doc: object, title: object = None, **_: object) -> None:
        raise SoftTimeLimitExceeded()  # what Celery raises in the task when the soft limit passes

    monkeypatch.setattr(tasks, "extract_doc", too_slow)
    result = tasks.extract.apply(args=[file_id], kwargs={"alone": True})
    assert result.failed()
    with get_sessionmaker()() as session:
        file = session.get(IngestedFile, file_id)
        assert file is not None and file.status == FileStatus.FAILED and file.error_stage == "extract"
        assert file.error == "time limit: extract took longer than 300 s"
