"""Faults on real servers: this module starts its own redis-server and Postgres (free ports, temp
dirs) and the compose services' commands as processes, then kills and restarts them while a
drop of generated articles flows through. Each fault must end with every file done within 60 s
of the fault clearing, nothing lost, nothing twice, no mass re-queueing, and every service
process still running.

Sized for CI on 2 shared cores: WIREWATCH_RELIABILITY_FILES (default 60; with 100 or the issue's
200 the 60 s are bound by throughput on a loaded 2-core machine, see bench/README.md) short
generated articles per fault, half dropped before the fault (which strikes once a quarter of all
files are done) and half while it lasts; hostile input: each class of
tests/generated.py four times among good articles (bench/hostile.py runs 1,000)."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import psycopg
import pytest
from psycopg.rows import dict_row

from tests.faults import SERVICES, Rig, started_rig
from tests.generated import HOSTILE, drop_articles
from tests.hostile import run_hostile
from tests.services import Stack, compose_command, wait_for

FILES = int(os.environ.get("WIREWATCH_RELIABILITY_FILES", "60"))
OUTAGE_SECONDS = 10
RECOVERY_LIMIT = 60
HOSTILE_FILES = 4 * len(HOSTILE)  # each class four times; bench/hostile.py drops 1,000
WORKER_RSS_LIMIT_MB = 1500  # a worker and its two pool processes, each with the spaCy model


@dataclass
class Outcome:
    fault: str
    dropped: int
    landed: int
    lost: int
    duplicated: int
    recovery_seconds: float  # fault cleared -> every file done
    resume_seconds: float  # fault cleared -> the first file done
    parse_runs: int
    requeued: int


@pytest.fixture(scope="module")
def rig(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Rig]:
    with started_rig(tmp_path_factory.mktemp("reliability")) as running:
        yield running


def test_hostile_files_are_recorded_and_quarantined(rig: Rig) -> None:
    """First in the module, so the services' logs hold no fault yet: a traceback is a finding."""
    outcome = run_hostile(rig, hostile=HOSTILE_FILES, good=HOSTILE_FILES // 3, timeout=240)
    print(f"\n{json.dumps(asdict(outcome))}")
    assert outcome.wrong == [], outcome.wrong[:20]
    assert outcome.recorded == outcome.hostile + outcome.good
    assert outcome.failed_as_expected == outcome.quarantined == outcome.hostile
    assert (outcome.internal_errors, outcome.good_lost, outcome.tracebacks) == (0, 0, 0), outcome
    assert outcome.worker_rss_mb_peak < WORKER_RSS_LIMIT_MB, outcome


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
    wait_for(lambda: done_count(rig, folder) >= FILES // 4, 180, "a quarter of the drop to be done", interval=0.1)
    assert done_count(rig, folder) < len(first), "the first half was done before the fault: nothing tested"
    inject()
    drop_articles(folder, FILES - len(first), tag, start=len(first))  # more files while it lasts
    time.sleep(OUTAGE_SECONDS)
    clear()
    cleared = time.monotonic()
    before = done_count(rig, folder)
    wait_for(lambda: done_count(rig, folder) > before, RECOVERY_LIMIT, "the first file done after the fault")
    resumed = time.monotonic() - cleared
    try:  # past the limit, keep waiting a while to tell files done late from files lost
        wait_for(lambda: done_count(rig, folder) == FILES, RECOVERY_LIMIT + 240, "every file done", interval=0.25)
    finally:
        outcome = measure(rig, tag, folder, time.monotonic() - cleared, resumed)
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


def measure(rig: Rig, tag: str, folder: Path, recovery: float, resumed: float) -> Outcome:
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
    return Outcome(
        tag, FILES, landed, FILES - landed, int(duplicated), round(recovery, 1), round(resumed, 1), parse_runs, requeued
    )


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
