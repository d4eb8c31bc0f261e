"""Operating the pipeline on the real database and broker: `wirewatch retry`, `wirewatch status`,
`/metrics`, and a re-dropped copy of failed content."""

from __future__ import annotations

import json
import os
import subprocess
import uuid
from pathlib import Path

import redis
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import func, select, text
from structlog.testing import capture_logs

from tests.conftest import SEEDS, register
from tests.services import executable
from worker import ops, tasks
from worker.settings import client_url, get_settings
from worker.storage import files
from worker.storage.db import get_sessionmaker
from worker.storage.models import FileContent, FileStatus, IngestedFile


def _queue_len(stage: str) -> int:
    client = redis.Redis.from_url(client_url(os.environ["REDIS_URL"]))
    return int(client.llen(get_settings().queue(stage)))


def _seed_copy(folder: Path, name: str) -> Path:
    """A seed with a unique line, so its content is new to this database."""
    path = folder / name
    path.write_bytes((SEEDS / "001_20e5c8e362e6a256.txt").read_bytes() + f"\n\n{uuid.uuid4()}\n".encode())
    return path


def _registered(path: Path) -> int:
    with get_sessionmaker()() as session:
        raw = path.read_bytes()
        reg = register(session, raw, str(path), mtime_ns=path.stat().st_mtime_ns)
        session.commit()
        return reg.file_id


def _file(file_id: int) -> IngestedFile:
    with get_sessionmaker()() as session:
        file = session.get(IngestedFile, file_id)
        assert file is not None
        return file


def _retry(ids: list[int], max_bytes: int = 10_000_000) -> list[ops.Retry]:
    with get_sessionmaker()() as session:
        return ops.retry_files(session, ids, max_bytes)


def test_retry_runs_a_parse_failure_again_from_the_stored_bytes_once(tmp_path: Path) -> None:
    path = _seed_copy(tmp_path, "story.txt")
    file_id = _registered(path)
    tasks.fail_for_good(file_id, "parse", "internal error: RuntimeError: a bug since fixed")
    failed = _file(file_id)
    assert failed.status == FileStatus.FAILED and failed.quarantine_path and not path.exists()

    before = _queue_len("parse")
    [result] = _retry([file_id])
    assert result.status == FileStatus.QUEUED and result.restored_to == str(path)
    assert path.exists() and not Path(failed.quarantine_path).exists(), "moved back from quarantine"
    file = _file(file_id)
    assert (file.status, file.error, file.error_stage, file.quarantine_path, file.retries) == (
        FileStatus.QUEUED,
        None,
        None,
        None,
        1,
    )
    assert file.queued_at > failed.queued_at and file.finished_at is None
    assert _queue_len("parse") == before + 1, "its parse task is queued"

    [again] = _retry([file_id])  # retrying twice is harmless
    assert again.status is None and "not failed" in (again.skipped or "")
    assert _queue_len("parse") == before + 1 and _file(file_id).retries == 1

    tasks.parse(file_id)  # as the worker would run the queued task
    assert _file(file_id).status == FileStatus.PARSED


def test_retry_restarts_a_link_failure_at_link_and_the_file_finishes(tmp_path: Path) -> None:
    path = _seed_copy(tmp_path, "linked.txt")
    file_id = _registered(path)
    tasks.parse.run(file_id)
    tasks.extract.run(file_id)
    parsed_at = _file(file_id).parsed_at
    tasks.fail_for_good(file_id, "link", "internal error: KeyError: 'x'")

    before = _queue_len("link")
    [result] = _retry([file_id])
    assert result.status == FileStatus.EXTRACTED
    assert _queue_len("link") == before + 1
    file = _file(file_id)
    assert file.parsed_at == parsed_at, "parse and extract are not run again"
    tasks.link(file_id)
    done = _file(file_id)
    assert done.status == FileStatus.DONE and done.queued_at <= done.parsed_at <= done.extracted_at <= done.finished_at


def test_retry_selects_failed_files_by_id_error_and_stage(tmp_path: Path) -> None:
    marker = uuid.uuid4().hex
    ids = [_registered(_seed_copy(tmp_path, f"f{i}.txt")) for i in range(3)]
    tasks.fail_for_good(ids[0], "parse", f"bad thing {marker} here")
    tasks.fail_for_good(ids[1], "link", f"BAD THING {marker}")
    tasks.fail_for_good(ids[2], "parse", "something else")
    with get_sessionmaker()() as session:
        assert ops.failed_file_ids(session, error=f"thing {marker}") == ids[:2]
        assert ops.failed_file_ids(session, error=marker, stage="link") == [ids[1]]
        assert ops.failed_file_ids(session, ids=[ids[2], 10**12]) == [ids[2]]
        assert set(ids) <= set(ops.failed_file_ids(session))
        assert ops.failed_file_ids(session, error="%") == [], "the error text is matched literally"


def test_retry_of_a_file_rejected_for_size_reads_its_quarantined_copy(tmp_path: Path) -> None:
    path = _seed_copy(tmp_path, "big.txt")
    raw = path.read_bytes()
    quarantined = tmp_path / "quarantine" / "big.txt"
    quarantined.parent.mkdir()
    path.rename(quarantined)
    with get_sessionmaker()() as session:
        reg = files.register_file(
            session,
            path=str(path),
            sha256=__import__("hashlib").sha256(raw).hexdigest(),
            content=None,
            size=len(raw),
            mtime_ns=1,
            error="file too large",
        )
        files.record_failure(session, reg.file_id, "register", "file too large", str(quarantined))
        session.commit()

    [still] = _retry([reg.file_id], max_bytes=10)
    assert still.status is None and "still over" in (still.skipped or "")
    assert _file(reg.file_id).status == FileStatus.FAILED

    [ok] = _retry([reg.file_id], max_bytes=len(raw))  # the limit was raised
    assert ok.status == FileStatus.QUEUED and path.read_bytes() == raw
    with get_sessionmaker()() as session:
        assert session.get(FileContent, reg.file_id).content == raw  # type: ignore[union-attr]


def test_a_copy_of_failed_content_is_explained_not_silently_dropped(tmp_path: Path) -> None:
    from worker.watcher import Watcher

    path = _seed_copy(tmp_path, "first.txt")
    raw = path.read_bytes()
    file_id = _registered(path)
    tasks.fail_for_good(file_id, "parse", "internal error: ValueError: boom")
    copy = tmp_path / "again.txt"
    copy.write_bytes(raw)

    settings = get_settings().model_copy(update={"watch_dir": tmp_path})
    with capture_logs() as logs:
        Watcher(settings).ingest(copy)
    [event] = [e for e in logs if e.get("file_id") == file_id]
    assert event["log_level"] == "warning" and event["error"] == "internal error: ValueError: boom"
    assert event["hint"] == f"wirewatch retry {file_id}"
    assert not copy.exists(), "the copy is quarantined with the first"


def test_status_json_reports_counts_queues_and_failures(tmp_path: Path) -> None:
    file_id = _registered(_seed_copy(tmp_path, "status.txt"))
    tasks.fail_for_good(file_id, "extract", "internal error: status test")
    result = subprocess.run(
        executable(["wirewatch", "status", "--json", "--failures", "500"]),
        capture_output=True,
        text=True,
        env=os.environ,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    with get_sessionmaker()() as session:
        counts = dict(session.execute(select(IngestedFile.status, func.count()).group_by(IngestedFile.status)).all())
    assert {k: v for k, v in report["files"].items() if v} == counts
    assert report["backlog"]["registered"] == sum(counts.values())
    assert report["queues"] == {s: _queue_len(s) for s in ("parse", "extract", "link")}
    assert set(report["in_flight"]) == {"parse", "extract", "link"}
    [failure] = [f for f in report["failures"] if f["file_id"] == file_id]
    assert failure["stage"] == "extract" and failure["error"] == "internal error: status test"
    assert set(report["stories"]) == {"live", "last_consolidation"} and report["stories"]["live"] >= 0

    human = subprocess.run(executable(["wirewatch", "status"]), capture_output=True, text=True, env=os.environ)
    assert human.returncode == 0 and "recent failures" in human.stdout and "internal error: status test" in human.stdout
    assert "stories: " in human.stdout


def test_metrics_are_read_from_postgres_and_redis(tmp_path: Path) -> None:
    from api.main import app

    file_id = _registered(_seed_copy(tmp_path, "metrics.txt"))
    tasks.parse.run(file_id)
    tasks.extract.run(file_id)
    tasks.link.run(file_id)
    response = TestClient(app).get("/metrics")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/plain")
    families = {f.name: f for f in text_string_to_metric_families(response.text)}

    files_by_status = {s.labels["status"]: s.value for s in families["wirewatch_files"].samples}
    with get_sessionmaker()() as session:
        done = session.execute(text("SELECT count(*) FROM ingested_files WHERE status = 'done'")).scalar_one()
        passed_parse = session.execute(
            text("SELECT count(*) FROM ingested_files WHERE parsed_at IS NOT NULL AND status <> 'failed'")
        ).scalar_one()
    assert files_by_status["done"] == done >= 1

    samples = families["wirewatch_stage_seconds"].samples
    count = {s.labels["stage"]: s.value for s in samples if s.name.endswith("_count")}
    assert count["parse"] == passed_parse and count["total"] == done
    durations: dict[str, list[float]] = {}
    with get_sessionmaker()() as session:
        for stage, (start, end) in ops.STAGE_SPANS.items():
            sql = f"SELECT extract(epoch FROM {end} - {start}) FROM ingested_files WHERE status <> 'failed'"
            durations[stage] = [float(d) for d in session.execute(text(sql)).scalars() if d is not None]
    for stage, values in durations.items():
        of_stage = [s for s in samples if s.labels["stage"] == stage]
        buckets = {float(s.labels["le"]): s.value for s in of_stage if s.name.endswith("_bucket")}
        assert buckets == {**{b: sum(v <= b for v in values) for b in ops.LATENCY_BUCKETS}, float("inf"): len(values)}
        total = next(s.value for s in of_stage if s.name.endswith("_sum"))
        assert abs(total - sum(values)) < 1e-3

    depth = {s.labels["stage"]: s.value for s in families["wirewatch_queue_depth"].samples}
    assert depth == {s: _queue_len(s) for s in ("parse", "extract", "link")}
    assert families["wirewatch_broker_up"].samples[0].value == 1
