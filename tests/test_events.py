"""Celery task events are off by default (they cost the worker CPU on every task), and a worker
sends them once asked at run time, as Flower asks (`enable_events`): received, started and
succeeded reach an event receiver, on the real broker."""

from __future__ import annotations

import os
import threading
import uuid
from pathlib import Path
from typing import Any

from tests.conftest import SEEDS, register
from tests.services import Stack, compose_command, wait_for
from worker.celery_app import app
from worker.storage.db import get_sessionmaker
from worker.storage.models import IngestedFile


def _queue_parse() -> tuple[int, str]:
    raw = (SEEDS / "002_84a3c78e0fe45525.txt").read_bytes() + f"\n\n{uuid.uuid4()}\n".encode()
    with get_sessionmaker()() as session:
        reg = register(session, raw, f"/events/{uuid.uuid4()}.txt")
        session.commit()
    return reg.file_id, app.send_task("wirewatch.parse", args=[reg.file_id]).id


def _status(file_id: int) -> str:
    with get_sessionmaker()() as session:
        file = session.get(IngestedFile, file_id)
        assert file is not None
        return file.status


def test_task_events_off_until_enabled_as_flower_does(tmp_path: Path) -> None:
    assert not app.conf.worker_send_task_events and not app.conf.task_send_sent_event
    events: list[dict[str, Any]] = []
    connection = app.connection()
    receiver = app.events.Receiver(connection, handlers={"*": events.append})
    subscribed = threading.Event()
    receiver.on_consume_ready = lambda *args, **kwargs: subscribed.set()
    listener = threading.Thread(target=receiver.capture, kwargs={"limit": None, "wakeup": False}, daemon=True)
    listener.start()
    assert subscribed.wait(20), "the event receiver did not subscribe"
    env = {**os.environ, "WIREWATCH_LOG_FORMAT": "json", "WIREWATCH_DATA_DIR": str(tmp_path)}
    services = Stack(env, tmp_path)

    def seen(task_id: str) -> set[str]:
        return {e["type"] for e in list(events) if e.get("uuid") == task_id}

    try:
        services.start("worker", [*compose_command("worker"), "--concurrency", "1"])
        quiet_file, quiet_task = _queue_parse()
        wait_for(lambda: _status(quiet_file) != "queued", 120, "the first file parsed")
        assert seen(quiet_task) == set()

        wanted = {"task-received", "task-started", "task-succeeded"}

        def enabled_and_seen() -> bool:
            app.control.enable_events()  # what Flower sends every few seconds
            file_id, task_id = _queue_parse()
            return wait_for(lambda: _status(file_id) != "queued", 60, "a file parsed") and wanted <= seen(task_id)

        wait_for(enabled_and_seen, 120, "task events once enabled", interval=1)
    finally:
        services.stop_all()
        receiver.should_stop = True
        listener.join(timeout=10)
        connection.release()
