"""Faults on real servers: this module starts its own redis-server and Postgres (free ports, temp
dirs) and the compose services' commands as processes, then kills and restarts them while a
drop of generated articles flows through. Each fault must end with every file done within 60 s
of the fault clearing, nothing lost, nothing twice, no mass re-queueing, and every service
process still running.

Sized for CI on 2 cores: WIREWATCH_RELIABILITY_FILES (default 200) short generated articles per
fault, half dropped before the fault and half while it lasts."""

from __future__ import annotations

import json
import os
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import psycopg
import pytest
from psycopg.rows import dict_row

from tests.faults import PostgresProcess, RedisProcess
from tests.generated import drop_articles
from tests.services import Stack, compose_command, free_port, wait_for, with_option

FILES = int(os.environ.get("WIREWATCH_RELIABILITY_FILES", "200"))
OUTAGE_SECONDS = 10
RECOVERY_LIMIT = 60
SERVICES = ("worker", "watcher", "api")


@dataclass
class Rig:
    redis: RedisProcess
    postgres: PostgresProcess
    services: Stack
    inbox: Path


@dataclass
class Outcome:
    fault: str
    dropped: int
    landed: int
    lost: int
    duplicated: int
    recovery_seconds: float
    parse_runs: int
    requeued: int


@pytest.fixture(scope="module")
def rig(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Rig]:
    base = tmp_path_factory.mktemp("reliability")
    inbox, logs = base / "inbox", base / "logs"
    inbox.mkdir()
    logs.mkdir()
    redis_server = RedisProcess(base / "redis")
    postgres = PostgresProcess()
    try:
        redis_server.start()
        postgres.init()
        env = {
            **os.environ,
            "DATABASE_URL": postgres.url,
            "REDIS_URL": redis_server.url,
            "WIREWATCH_QUEUE_PREFIX": f"wwrel-{uuid.uuid4().hex[:8]}",
            "WIREWATCH_WATCH_DIR": str(inbox),
            "WIREWATCH_QUARANTINE_DIR": str(base / "quarantine"),
            "WIREWATCH_DATA_DIR": str(base / "state"),
            "WIREWATCH_QUIET_SECONDS": "0.5",
            "WIREWATCH_SCAN_INTERVAL": "5",
            "WIREWATCH_STALE_AFTER": "5",
            "WIREWATCH_LOG_FORMAT": "json",
        }
        services = Stack(env, logs)
        services.run("migrate", compose_command("migrate"))
        services.start("worker", compose_command("worker"))
        services.start("watcher", compose_command("watcher"))
        services.start("api", with_option(compose_command("api"), "--port", str(free_port())))
        wait_for(lambda: " ready." in services.log_tail("worker", 100_000), 120, "the worker to be ready")
        yield Rig(redis_server, postgres, services, inbox)
    finally:
        if "services" in locals():
            services.stop_all()
        redis_server.stop()
        postgres.remove()


def test_worker_sigkilled_during_a_drop(rig: Rig) -> None:
    def kill() -> None:
        rig.services.kill("worker")

    def restart() -> None:
        rig.services.start("worker", compose_command("worker"))

    check(run_fault(rig, "sigkill", kill, restart))


def test_redis_killed_and_restarted(rig: Rig) -> None:
    check(run_fault(rig, "redis", rig.redis.kill, rig.redis.start))


def test_postgres_restarted(rig: Rig) -> None:
    check(run_fault(rig, "postgres", rig.postgres.stop, rig.postgres.start))


def test_postgres_crashed(rig: Rig) -> None:
    check(run_fault(rig, "pgcrash", lambda: rig.postgres.stop("immediate"), rig.postgres.start))


def run_fault(rig: Rig, tag: str, inject: Callable[[], None], clear: Callable[[], None]) -> Outcome:
    folder = rig.inbox / tag
    first = drop_articles(folder, FILES // 2, tag)
    wait_for(lambda: 0 < done_count(rig, folder) < len(first), 120, "part of the drop to be done", interval=0.1)
    inject()
    drop_articles(folder, FILES - len(first), tag, start=len(first))  # more files while it lasts
    time.sleep(OUTAGE_SECONDS)
    clear()
    cleared = time.monotonic()
    try:
        wait_for(lambda: done_count(rig, folder) == FILES, RECOVERY_LIMIT, "every file done", interval=0.25)
    finally:
        recovery = time.monotonic() - cleared
    outcome = measure(rig, tag, folder, recovery)
    print(f"\n{json.dumps(asdict(outcome))}")
    _report(outcome)
    return outcome


def check(outcome: Outcome) -> None:
    assert (outcome.lost, outcome.duplicated) == (0, 0), outcome
    assert outcome.landed == outcome.dropped == FILES, outcome
    assert outcome.recovery_seconds <= RECOVERY_LIMIT, outcome
    # re-queueing is for lost work only: never a backlog re-queued en masse
    assert outcome.parse_runs <= FILES * 1.1, outcome


def done_count(rig: Rig, folder: Path) -> int:
    try:
        return int(
            _rows(
                rig, "SELECT count(*) AS n FROM ingested_files WHERE status = 'done' AND path LIKE %s", f"{folder}/%"
            )[0]["n"]
        )
    except psycopg.OperationalError:
        return -1


def measure(rig: Rig, tag: str, folder: Path, recovery: float) -> Outcome:
    prefix = f"{folder}/%"
    files = _rows(rig, "SELECT id, status FROM ingested_files WHERE path LIKE %s", prefix)
    ids = {f["id"] for f in files}
    duplicated = _rows(
        rig,
        "SELECT (SELECT count(*) - count(DISTINCT a.file_id) FROM articles a JOIN ingested_files f ON f.id = a.file_id"
        "        WHERE f.path LIKE %s)"
        " + (SELECT count(*) FROM (SELECT q.article_id FROM quotes q JOIN articles a ON a.id = q.article_id"
        "    JOIN ingested_files f ON f.id = a.file_id WHERE f.path LIKE %s"
        '    GROUP BY q.article_id, q.start, q."end" HAVING count(*) > 1) d) AS n',
        prefix,
        prefix,
    )[0]["n"]
    events = _log_events(rig.services, "worker", "parsed") + _log_events(rig.services, "watcher", "re-queued lost work")
    parse_runs = sum(1 for e in events if e["event"] == "parsed" and e.get("file_id") in ids)
    requeued = sum(1 for e in events if e["event"] == "re-queued lost work" and e.get("file_id") in ids)
    for name in SERVICES:
        proc = rig.services.procs[name]
        assert proc.poll() is None, f"{name} exited ({proc.returncode}): {rig.services.log_tail(name)}"
    landed = sum(1 for f in files if f["status"] == "done")
    return Outcome(tag, FILES, landed, FILES - landed, int(duplicated), round(recovery, 1), parse_runs, requeued)


def _rows(rig: Rig, sql: str, *params: Any) -> list[dict[str, Any]]:
    with psycopg.connect(rig.postgres.url, connect_timeout=3, row_factory=dict_row) as conn:
        return list(conn.execute(sql, params))


def _log_events(services: Stack, name: str, event: str) -> list[dict[str, Any]]:
    out = []
    for line in services.log_tail(name, 100_000_000).splitlines():
        if event in line:
            try:
                record = json.loads(line)
            except ValueError:
                continue
            if record.get("event") == event:
                out.append(record)
    return out


def _report(outcome: Outcome) -> None:
    """Append the figures to WIREWATCH_RELIABILITY_REPORT (JSON lines) when set: the closing-note table."""
    target = os.environ.get("WIREWATCH_RELIABILITY_REPORT")
    if target:
        with open(target, "a", encoding="utf-8") as fh:
            fh.write(json.dumps(asdict(outcome)) + "\n")
