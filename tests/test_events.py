"""Celery task events are on: a producer's send and a worker's receive/start/success reach an
event receiver (what Flower and `celery events` listen to), on the real broker."""

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


def test_task_events_reach_a_receiver(tmp_path: Path) -> None:
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
    try:
        services.start("worker", [*compose_command("worker"), "--concurrency", "1"])
        raw = (SEEDS / "002_84a3c78e0fe45525.txt").read_bytes() + f"\n\n{uuid.uuid4()}\n".encode()
        with get_sessionmaker()() as session:
            reg = register(session, raw, f"/events/{uuid.uuid4()}.txt")
            session.commit()
        task_id = app.send_task("wirewatch.parse", args=[reg.file_id]).id

        def seen() -> set[str]:
            return {e["type"] for e in list(events) if e.get("uuid") == task_id}

        wanted = {"task-sent", "task-received", "task-started", "task-succeeded"}
        wait_for(lambda: wanted <= seen(), 120, f"task events, saw {seen()}")
    finally:
        services.stop_all()
        receiver.should_stop = True
        listener.join(timeout=10)
        connection.release()
