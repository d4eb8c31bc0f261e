"""The watcher: notices files in the watch folder, waits until each is complete, registers it
in Postgres and only then queues its parse task. A periodic scan catches files whose events
were lost or that arrived while it was down, and re-queues work whose messages were lost."""

from __future__ import annotations

import hashlib
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from watchdog.events import EVENT_TYPE_CLOSED, FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer
from watchdog.observers.polling import PollingObserver

from worker import broker_state
from worker.celery_app import RETRY_BACKOFF_MAX, TASK_FOR_STATUS, TRANSIENT, app
from worker.logs import get_logger
from worker.progress import ScanProgress
from worker.quarantine import db_path, quarantine, sha256_of
from worker.settings import Settings
from worker.storage import files
from worker.storage.consolidations import consolidation_due
from worker.storage.db import session_scope
from worker.storage.models import FileStatus

log = get_logger(__name__)

# editors' and downloaders' temporary files: the finished file arrives under its real name
TEMPORARY_SUFFIXES = (".part", ".partial", ".tmp", ".crdownload", ".download", ".swp", "~")


@dataclass
class Pending:
    size: int
    mtime_ns: int
    stable_since: float
    closed: bool = False  # its writer closed it (inotify IN_CLOSE_WRITE): complete, no quiet period


@dataclass(frozen=True)
class Candidate:
    """A complete file as the watcher found it, before it is registered."""

    path: Path
    size: int
    mtime_ns: int
    content: bytes | None
    sha256: str
    error: str | None = None


class _Events(FileSystemEventHandler):
    def __init__(self, watcher: Watcher) -> None:
        self.watcher = watcher

    def dispatch(self, event: FileSystemEvent) -> None:
        # an exception escaping here would kill the observer thread: log it and go on
        try:
            if not event.is_directory:
                path = getattr(event, "dest_path", "") or event.src_path
                self.watcher.notice(Path(os.fsdecode(path)), closed=event.event_type == EVENT_TYPE_CLOSED)
        except Exception:
            log.exception("event handler failed", fs_event=repr(event))


class Watcher:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.folder = settings.watch_dir.absolute()
        self.quarantine_dir = settings.quarantine_path.absolute()
        self._pending: dict[Path, Pending] = {}
        self._lock = threading.Lock()
        self._wake = threading.Event()  # a closed file: settle now rather than at the next tick
        self._last_beat = 0.0
        self._next_scan = 0.0
        self._next_requeue = 0.0
        self._next_consolidation = 0.0
        self._failures = 0  # consecutive failed steps (database or broker down), for the backoff
        # paths this process registered or found registered, with the (size, mtime_ns) it saw:
        # a folder scan skips them while unchanged instead of asking the database again for every
        # file in the folder (files stay there once ingested) every scan_interval
        self._known: dict[Path, tuple[int, int]] = {}
        self.progress = ScanProgress([], None)

    def run(self, stop: threading.Event) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        observer = PollingObserver(timeout=1) if self.settings.polling else Observer()
        observer.schedule(_Events(self), str(self.folder), recursive=True)
        observer.start()
        log.info("watching", folder=str(self.folder), polling=self.settings.polling)
        try:
            while not stop.is_set():
                self.tick()
                self._wake.wait(min(0.2, self.settings.quiet_seconds / 2))
                self._wake.clear()
        finally:
            observer.stop()
            observer.join(timeout=5)
            log.info("watcher stopped")

    def tick(self) -> None:
        """One turn of the loop. Nothing here may end the process: a database or broker outage is
        logged, and the failed step runs again after a backoff (1 s doubling, capped at the scan
        interval) until the servers are back."""
        now = time.monotonic()
        if now >= self._next_scan:
            self._next_scan = now + self._guarded("folder scan", self.scan_folder, self.settings.scan_interval)
        if now >= self._next_requeue:
            self._next_requeue = now + self._guarded("re-queueing lost work", self.requeue_lost, self.requeue_every)
        if now >= self._next_consolidation:
            self._next_consolidation = now + self._guarded(
                "scheduling story consolidation", self.schedule_consolidation, self.requeue_every
            )
        if self.settle():
            self._next_scan = min(self._next_scan, now + self._backoff())
        self._heartbeat()

    @property
    def requeue_every(self) -> float:
        return max(1.0, min(self.settings.scan_interval, self.settings.stale_after / 3))

    def _guarded(self, what: str, step: Callable[[], None], interval: float) -> float:
        """Run one periodic step; the seconds until it runs again."""
        try:
            step()
        except Exception as exc:
            delay = self._backoff()
            log.warning(f"{what} failed; retrying", error=_first_line(exc), retry_in=round(delay, 1))
            return delay
        self._failures = 0
        return interval

    def _backoff(self) -> float:
        self._failures += 1
        return float(min(self.settings.scan_interval, 2 ** min(self._failures - 1, 10)))

    def _heartbeat(self) -> None:
        # a liveness signal for container health checks: the loop is turning
        now = time.monotonic()
        if now - self._last_beat >= 5:
            self._last_beat = now
            beat = self.settings.data_dir / "watcher.heartbeat"
            beat.parent.mkdir(parents=True, exist_ok=True)
            beat.touch()

    def notice(self, path: Path, closed: bool = False) -> None:
        """Remember a path; it is ingested once it has been quiet for ``quiet_seconds``, or at
        once when its writer closed it (the close of a written file says it is complete; polling
        and files written without an event still wait for the quiet period)."""
        if self._ignored(path):
            return
        if closed:
            try:
                st = path.lstat()
            except FileNotFoundError:
                return
            with self._lock:
                self._pending[path] = Pending(st.st_size, st.st_mtime_ns, time.monotonic(), closed=True)
            self._wake.set()
            return
        with self._lock:
            pending = self._pending.get(path)
            if pending is None or pending.closed:  # written again after its close: wait again
                self._pending[path] = Pending(-1, -1, time.monotonic())

    def settle(self) -> bool:
        """Ingest the files that have been quiet long enough; True when one of them failed (it is
        found again by the next folder scan, which the caller brings forward)."""
        failed = False
        now = time.monotonic()
        with self._lock:
            paths = list(self._pending)
        for path in paths:
            try:
                st = path.lstat()
            except FileNotFoundError:
                self._forget(path)
                self.progress.settled(path)
                continue
            with self._lock:
                pending = self._pending.get(path)
                if pending is None:
                    continue
                if (st.st_size, st.st_mtime_ns) != (pending.size, pending.mtime_ns):
                    self._pending[path] = Pending(st.st_size, st.st_mtime_ns, now)
                    continue
                if not pending.closed and now - pending.stable_since < self.settings.quiet_seconds:
                    continue
                del self._pending[path]
            try:
                self.ingest(path)
            except TRANSIENT as exc:  # database or broker down: the next scan finds the file again
                failed = True
                log.warning("ingest failed; will retry", path=db_path(path), error=_first_line(exc))
            except Exception:  # one bad file must not stop the others; the next scan retries it
                failed = True
                log.exception("ingest failed", path=db_path(path))
            else:
                self.progress.settled(path)
        return failed

    def _forget(self, path: Path) -> None:
        with self._lock:
            self._pending.pop(path, None)

    def _ignored(self, path: Path) -> bool:
        name = path.name
        if name.startswith(".") or name.endswith(TEMPORARY_SUFFIXES):
            return True
        return path.is_relative_to(self.quarantine_dir)

    def scan_and_reconcile(self) -> None:
        self.scan_folder()
        self.requeue_lost()

    def scan_folder(self) -> None:
        found: list[Path] = []
        for root, dirs, names in os.walk(self.folder):
            dirs[:] = [d for d in dirs if not d.startswith(".")]
            found.extend(Path(root) / name for name in names)
        self.progress = ScanProgress(
            [p for p in found if not self._ignored(p)], self.settings.data_dir / "watcher.progress.json"
        )
        known, self._known = self._known, {}  # forget paths that are gone
        for path in found:
            seen = known.get(path)
            if seen is not None and seen == _size_mtime(path):
                self._known[path] = seen
                self.progress.settled(path)
                continue
            self.notice(path)

    def requeue_lost(self) -> None:
        """Queue again the files whose work was lost: in progress, idle for ``stale_after``, no task
        holding the row, no message for the next stage waiting in the broker, and no delivery to a
        worker recent enough to be alive (a killed worker's, or one whose retries ran out during an
        outage). Files waiting in the backlog have their message in the queue and are left alone."""
        grace = self.settings.stale_after
        r = broker_state.client(self.settings)
        try:
            with session_scope() as session:
                idle = files.idle_unclaimed(session, timedelta(seconds=grace))
                if not idle:
                    return
                in_flight = broker_state.read_in_flight(r, self.settings)
                lost = [(file_id, status) for file_id, status in idle if _lost(in_flight, file_id, status, grace)]
                files.touch(session, [file_id for file_id, _ in lost])
                session.commit()
            for file_id, status in lost:
                task = TASK_FOR_STATUS[status]
                app.send_task(task, args=[file_id])
                broker_state.forget_deliveries(r, [tag for tag, _ in in_flight.delivered.get((task, file_id), [])])
                log.info("re-queued lost work", file_id=file_id, status=status)
        finally:
            r.close()

    def schedule_consolidation(self) -> None:
        """Queue a story consolidation when one is due (see worker.storage.linking.story_consolidation);
        the broker key makes one queued run at a time, whatever the number of watchers."""
        settings = self.settings
        if not settings.story_consolidation:
            return
        with session_scope() as session:
            growth, interval = settings.story_consolidation_growth, settings.story_consolidation_interval
            if not consolidation_due(session, growth, interval):
                return
        r = broker_state.client(settings)
        try:
            if broker_state.claim_consolidation(r, settings):
                try:
                    app.send_task("wirewatch.consolidate")
                except Exception:
                    broker_state.release_consolidation(settings)
                    raise
                log.info("queued story consolidation")
        finally:
            r.close()

    def ingest(self, path: Path) -> None:
        st = path.lstat()
        with session_scope() as session:  # one transaction: the check and the registration
            if files.is_known_sighting(session, db_path(path), st.st_size, st.st_mtime_ns):
                self._known[path] = (st.st_size, st.st_mtime_ns)
                return
            candidate = self.read_candidate(path)
            if candidate is None:
                self._known[path] = (st.st_size, st.st_mtime_ns)
                return
            reg = files.register_file(
                session,
                path=db_path(path),
                sha256=candidate.sha256,
                content=candidate.content,
                size=candidate.size,
                mtime_ns=candidate.mtime_ns,
                error=candidate.error,
            )
            if reg.status == FileStatus.FAILED:
                # a rejected file, or a copy of content that already failed: quarantine this copy too
                moved = quarantine(path, reg.file_id, self.quarantine_dir)
                if reg.created:
                    moved_to = db_path(moved) if moved else None
                    files.record_failure(session, reg.file_id, "register", candidate.error or "", moved_to)
            session.commit()
        self._known[path] = (st.st_size, st.st_mtime_ns)  # the file as first seen: a later change differs
        bound = log.bind(file_id=reg.file_id, sha256=candidate.sha256, path=db_path(path))
        if reg.status == FileStatus.FAILED and not reg.created:
            # the same bytes failed before: say so, with that error, instead of `error: null`
            bound.warning(
                "content already failed; this copy quarantined too",
                error=reg.error,
                hint=f"wirewatch retry {reg.file_id}",
            )
        elif reg.status == FileStatus.FAILED:
            bound.warning("file rejected", error=candidate.error)
        elif reg.created:
            app.send_task("wirewatch.parse", args=[reg.file_id])
            bound.info("queued")
        else:
            bound.info("duplicate content, already ingested")

    def read_candidate(self, path: Path) -> Candidate | None:
        """Read a complete file, or describe why it is rejected before any stage runs."""
        st = path.lstat()
        if path.is_symlink():
            try:
                target = path.resolve()
            except (RuntimeError, OSError) as exc:  # a symlink loop: record it once, as a rejected file
                marker = f"symlink loop {path} {st.st_mtime_ns}".encode(errors="surrogateescape")
                error = f"symlink loop, not followed ({exc})"
                return Candidate(path, 0, st.st_mtime_ns, None, hashlib.sha256(marker).hexdigest(), error)
            if target.is_relative_to(self.folder.resolve()):
                return None  # the target is in the folder: it is ingested under its own name
            marker = f"symlink {path} -> {target}".encode(errors="surrogateescape")
            error = f"symlink points outside the watch folder ({target}); not followed"
            return Candidate(path, 0, st.st_mtime_ns, None, hashlib.sha256(marker).hexdigest(), error)
        if not path.is_file():
            return None
        if not os.access(path, os.R_OK):
            marker = f"unreadable {path} {st.st_mtime_ns}".encode(errors="surrogateescape")
            return Candidate(
                path,
                st.st_size,
                st.st_mtime_ns,
                None,
                hashlib.sha256(marker).hexdigest(),
                "unreadable file: permission denied",
            )
        if st.st_size > self.settings.max_file_bytes:
            error = f"file too large: {st.st_size} bytes (limit {self.settings.max_file_bytes})"
            return Candidate(path, st.st_size, st.st_mtime_ns, None, sha256_of(path), error)
        content = path.read_bytes()
        empty = "empty file" if not content.strip() else None
        return Candidate(path, len(content), st.st_mtime_ns, content, hashlib.sha256(content).hexdigest(), empty)


def _lost(in_flight: broker_state.InFlight, file_id: int, status: str, grace: float) -> bool:
    key = (TASK_FOR_STATUS[status], file_id)
    if key in in_flight.waiting:
        return False
    age = in_flight.newest_delivery_age(key)
    # a live worker holds a delivered message at most the retry backoff cap before running it
    return age is None or age > grace + RETRY_BACKOFF_MAX


def _size_mtime(path: Path) -> tuple[int, int] | None:
    try:
        st = path.lstat()
    except OSError:
        return None
    return st.st_size, st.st_mtime_ns


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0] if text else ''}"[:300]
