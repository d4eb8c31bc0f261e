"""The watcher on a real folder (inotify) and the real database: a file its writer closed is
queued at once; a file still open for writing waits for the quiet period."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.services import wait_for
from worker import watcher as watcher_module
from worker.settings import Settings
from worker.storage.db import session_scope
from worker.storage.models import IngestedFile
from worker.watcher import Watcher


@pytest.fixture
def watched(tmp_path: Path) -> Iterator[Path]:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    # a quiet period far longer than the test: only a close event can get a file in quickly
    settings = Settings(
        watch_dir=inbox, data_dir=tmp_path / "state", quiet_seconds=60, scan_interval=3600, polling=False
    )
    stop = threading.Event()
    thread = threading.Thread(target=Watcher(settings).run, args=(stop,), daemon=True)
    thread.start()
    time.sleep(0.5)  # the observer is scheduled
    try:
        yield inbox
    finally:
        stop.set()
        thread.join(10)


def registered(path: Path) -> bool:
    with session_scope() as session:
        return session.execute(select(IngestedFile.id).where(IngestedFile.path == str(path))).first() is not None


def test_a_closed_file_is_queued_at_once(watched: Path) -> None:
    path = watched / "closed.txt"
    path.write_text(f"Headline\n\nA complete article {uuid.uuid4()}.\n")
    start = time.monotonic()
    wait_for(lambda: registered(path), 5, "the closed file to be registered", interval=0.05)
    assert time.monotonic() - start < 2


def test_a_file_still_open_for_writing_waits(watched: Path) -> None:
    path = watched / "open.txt"
    with path.open("w") as f:
        f.write("Headline\n\nThe first half of an article ")
        f.flush()
        time.sleep(1.5)
        assert not registered(path), "a file still being written was taken"
        f.write(f"and its second half {uuid.uuid4()}.\n")
    wait_for(lambda: registered(path), 5, "the file to be registered once closed", interval=0.05)


def test_a_rescan_does_not_ask_the_database_about_files_already_registered(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Files stay in the folder once ingested: every periodic scan used to check each of them
    against the database again (a session and a query per file per scan_interval)."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    settings = Settings(watch_dir=inbox, data_dir=tmp_path / "state", quiet_seconds=0, scan_interval=3600)
    watcher = Watcher(settings)
    path = inbox / "kept.txt"
    path.write_text(f"Headline\n\nAn article that stays in the folder {uuid.uuid4()}.\n")

    def scan() -> None:
        watcher.scan_folder()
        watcher.settle()  # notes the size and mtime
        watcher.settle()  # quiet (quiet_seconds=0): ingested

    scan()
    assert registered(path)
    asked: list[Path] = []
    real = watcher_module.files.is_known_sighting

    def counted(session, path_text, size, mtime_ns):  # type: ignore[no-untyped-def]
        asked.append(Path(path_text))
        return real(session, path_text, size, mtime_ns)

    monkeypatch.setattr(watcher_module.files, "is_known_sighting", counted)
    scan()
    assert asked == []
    assert watcher.progress.waiting == set()  # the scan's progress still counts it
    with path.open("a") as f:  # changed: checked (and registered) again
        f.write("A correction.\n")
    scan()
    assert len(asked) == 1
