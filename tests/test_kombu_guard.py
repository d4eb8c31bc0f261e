"""A worker's channel closed after its broker connection was released (what Celery's consumer does
when Redis goes away) must not end the worker, nor drop the unacknowledged message."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from kombu import Connection, Queue
from kombu.common import ignore_errors
from kombu.transport import redis as kombu_redis

from tests.faults import RedisProcess
from worker import kombu_guard


@pytest.fixture
def server(tmp_path: Path) -> Iterator[RedisProcess]:
    process = RedisProcess(tmp_path / "redis")
    process.start()
    yield process
    process.stop()


def delivered_unacked(url: str) -> Connection:
    """A connection whose default channel holds one delivered, unacknowledged message."""
    conn = Connection(url)
    channel = conn.default_channel
    queue = Queue("guard", channel=channel)
    queue.declare()
    channel.basic_publish(channel.prepare_message("body"), exchange="", routing_key="guard")
    assert queue.get(no_ack=False) is not None
    return conn


def test_without_the_guard_the_close_raises(server: RedisProcess, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(kombu_redis.QoS, "restore_unacked", kombu_guard._restore_unacked)
    conn = delivered_unacked(server.url)
    server.kill()
    conn._do_close_transport()  # collect() released the transport; closing the channel had failed
    with pytest.raises(AttributeError):
        ignore_errors(conn, conn.close)


def test_close_after_release_survives_an_outage(server: RedisProcess) -> None:
    kombu_guard.install()
    conn = delivered_unacked(server.url)
    server.kill()
    conn._do_close_transport()
    ignore_errors(conn, conn.close)  # raised AttributeError before the guard


def test_message_is_left_for_the_visibility_timeout(server: RedisProcess) -> None:
    kombu_guard.install()
    conn = delivered_unacked(server.url)
    conn._do_close_transport()
    ignore_errors(conn, conn.close)
    assert redis.Redis.from_url(server.url).hlen("unacked") == 1
