"""Hostile files mixed with good ones, dropped into a running rig (tests/faults.py): every file
must end recorded (done, or failed with the expected reason and moved to quarantine), with no
internal error, no good file lost, and the worker's memory bounded. Used by
tests/test_reliability.py (a CI-sized drop) and bench/hostile.py (1,000 hostile files)."""

from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psutil
import psycopg
from psycopg.rows import dict_row

from tests.faults import Rig
from tests.generated import drop_articles, drop_hostile
from tests.services import wait_for


@dataclass
class HostileOutcome:
    hostile: int
    good: int
    recorded: int  # files with a row (through their sighting)
    done: int
    failed_as_expected: int
    quarantined: int
    internal_errors: int
    good_lost: int
    wrong: list[str] = field(default_factory=list)  # files whose fate is not the expected one
    seconds: float = 0.0
    worker_rss_mb_peak: float = 0.0
    tracebacks: int = 0
    by_class: dict[str, dict[str, int]] = field(default_factory=dict)


def db_name(name: str) -> str:
    """A file name as the database stores it (bytes that are not UTF-8 as \\xNN)."""
    return os.fsencode(name).decode("utf-8", errors="backslashreplace")


def run_hostile(rig: Rig, hostile: int, good: int, timeout: float) -> HostileOutcome:
    folder = rig.inbox / f"hostile-{hostile}"
    sampler = RssSampler(rig.services.procs["worker"].pid)
    sampler.start()
    started = time.monotonic()
    good_paths = drop_articles(folder, good // 2, "good")
    expected = drop_hostile(folder, hostile)
    good_paths += drop_articles(folder, good - good // 2, "good", start=good // 2)
    expected.update({p.name: "" for p in good_paths})

    def settled() -> dict[str, dict[str, Any]] | None:
        found = _fates(rig, folder)
        pending = [
            n for n in expected if db_name(n) not in found or found[db_name(n)]["status"] not in ("done", "failed")
        ]
        return found if not pending else None

    found = wait_for(settled, timeout, "every hostile and good file recorded", interval=1)
    seconds = time.monotonic() - started
    sampler.stop()
    return _outcome(rig, folder, expected, found, seconds, sampler.peak_mb)


def _fates(rig: Rig, folder: Path) -> dict[str, dict[str, Any]]:
    with psycopg.connect(rig.postgres.url, row_factory=dict_row) as conn:
        rows = conn.execute(
            "SELECT s.path, f.id, f.status, f.error FROM file_sightings s JOIN ingested_files f ON f.id = s.file_id"
            " WHERE s.path LIKE %s",
            (f"{folder}/%",),
        )
        return {Path(r["path"]).name: r for r in rows}


def _outcome(
    rig: Rig, folder: Path, expected: dict[str, str], found: dict[str, dict[str, Any]], seconds: float, peak: float
) -> HostileOutcome:
    out = HostileOutcome(
        hostile=sum(1 for r in expected.values() if r),
        good=sum(1 for r in expected.values() if not r),
        recorded=0,
        done=0,
        failed_as_expected=0,
        quarantined=0,
        internal_errors=0,
        good_lost=0,
        seconds=round(seconds, 1),
        worker_rss_mb_peak=round(peak, 1),
    )
    for name, reason in expected.items():
        row = found.get(db_name(name))
        cls = _class_of(name)
        tally = out.by_class.setdefault(cls, {"dropped": 0, "recorded": 0, "as_expected": 0, "quarantined": 0})
        tally["dropped"] += 1
        if row is None:
            out.wrong.append(f"{db_name(name)}: no row")
            out.good_lost += not reason
            continue
        out.recorded += 1
        tally["recorded"] += 1
        out.internal_errors += "internal error" in (row["error"] or "")
        if not reason:
            ok = row["status"] == "done"
            out.done += ok
            out.good_lost += not ok
        else:
            ok = row["status"] == "failed" and reason.lower() in (row["error"] or "").lower()
            out.failed_as_expected += ok
            moved = not (folder / name).exists() and not (folder / name).is_symlink()
            out.quarantined += moved
            tally["quarantined"] += moved
            ok = ok and moved
        tally["as_expected"] += ok
        if not ok:
            out.wrong.append(f"{db_name(name)}: {row['status']} {row['error']}")
    out.tracebacks = rig.services.log_tail("watcher", 100_000_000).count("Traceback")
    out.tracebacks += rig.services.log_tail("worker", 100_000_000).count("Traceback")
    return out


def _class_of(name: str) -> str:
    stem = name.rsplit("-", 1)[0]
    return {"bad name \udcff": "non-UTF-8 name + binary"}.get(stem, stem) + (
        "" if "." not in name else f" (.{name.rsplit('.', 1)[1]})"
    )


class RssSampler(threading.Thread):
    """Peak resident memory of a process and its children (the worker's pool), sampled each 0.5 s."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.peak_mb = 0.0
        self._stop_event = threading.Event()

    def run(self) -> None:
        while not self._stop_event.wait(0.5):
            try:
                root = psutil.Process(self.pid)
                procs = [root, *root.children(recursive=True)]
                rss = sum(p.memory_info().rss for p in procs if p.is_running())
            except psutil.Error:
                continue
            self.peak_mb = max(self.peak_mb, rss / 2**20)

    def stop(self) -> None:
        self._stop_event.set()
        self.join(timeout=5)
