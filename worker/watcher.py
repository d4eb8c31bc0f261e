"""The watcher: notices files in the watch folder, waits until each is complete, registers it
in Postgres and only then queues its parse task. A periodic scan catches files whose events
were lost or that arrived while it was down, and re-queues work whose messages were lost."""

from __future__ import annotations

import hashlib
import os
import threading
import time
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from watchdog.events import EVENT_TYPE_CLOSED, FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer
from watchdog.observers.polling import PollingObserver

from worker.celery_app import TASK_FOR_STATUS, app
from worker.logs import get_logger
from worker.quarantine import quarantine, sha256_of
from worker.settings import Settings
from worker.storage import files
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

    def run(self, stop: threading.Event) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        observer = PollingObserver(timeout=1) if self.settings.polling else Observer()
        observer.schedule(_Events(self), str(self.folder), recursive=True)
        observer.start()
        log.info("watching", folder=str(self.folder), polling=self.settings.polling)
        next_scan = 0.0
        try:
            while not stop.is_set():
                if time.monotonic() >= next_scan:
                    self.scan_and_reconcile()
                    next_scan = time.monotonic() + self.settings.scan_interval
                self.settle()
                self._heartbeat()
                self._wake.wait(min(0.2, self.settings.quiet_seconds / 2))
                self._wake.clear()
        finally:
            observer.stop()
            observer.join(timeout=5)
            log.info("watcher stopped")

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

    def settle(self) -> None:
        now = time.monotonic()
        with self._lock:
            paths = list(self._pending)
        for path in paths:
            try:
                st = path.lstat()
            except FileNotFoundError:
                self._forget(path)
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
            except Exception:  # one bad file must not stop the others; the next scan retries it
                log.exception("ingest failed", path=str(path))

    def _forget(self, path: Path) -> None:
        with self._lock:
            self._pending.pop(path, None)

    def _ignored(self, path: Path) -> bool:
        name = path.name
        if name.startswith(".") or name.endswith(TEMPORARY_SUFFIXES):
            return True
        return path.is_relative_to(self.quarantine_dir)

    def scan_and_reconcile(self) -> None:
        for root, dirs, names in os.walk(self.folder):
            dirs[:] = [d for d in dirs if not d.startswith(".")]
            for name in names:
                self.notice(Path(root) / name)
        self.requeue_stale()

    def requeue_stale(self) -> None:
        with session_scope() as session:
            stale = files.stale_files(session, timedelta(seconds=self.settings.stale_after))
            files.touch(session, [file_id for file_id, _ in stale])
            session.commit()
        for file_id, status in stale:
            app.send_task(TASK_FOR_STATUS[status], args=[file_id])
            log.info("re-queued stale file", file_id=file_id, status=status)

    def ingest(self, path: Path) -> None:
        st = path.lstat()
        with session_scope() as session:
            if files.is_known_sighting(session, db_path(path), st.st_size, st.st_mtime_ns):
                return
        candidate = self.read_candidate(path)
        if candidate is None:
            return
        with session_scope() as session:
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
                    files.record_failure(session, reg.file_id, "register", candidate.error or "", str(moved))
            session.commit()
        bound = log.bind(file_id=reg.file_id, sha256=candidate.sha256, path=db_path(path))
        if reg.status == FileStatus.FAILED:
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
            target = path.resolve()
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


def db_path(path: Path) -> str:
    """The path as text Postgres accepts: bytes that are not UTF-8 in a file name (kept by Python
    as surrogates) are shown as \\xNN escapes."""
    return os.fsencode(path).decode("utf-8", errors="backslashreplace")
