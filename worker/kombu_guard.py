"""A guard for a kombu 5.7 / Celery 5.7 path that ends a worker on a Redis outage.

When the broker connection drops, Celery's consumer collects the connection (which releases its
transport) and then closes it. If closing the channel failed the first time (Redis was gone), the
second close restores the channel's unacknowledged messages through a client built from the
released transport: ``AttributeError: 'NoneType' object has no attribute 'hostname'``, which
Celery reports as an unrecoverable error, and the worker process exits.

With the transport released there is no client to restore through, so the restore is skipped:
the messages stay in Redis's unacked index, and kombu restores them once the visibility timeout
passes (after a Redis restart without persistence they are gone, and the watcher re-queues lost
work)."""

from __future__ import annotations

from typing import Any

import structlog
from kombu.transport import redis as kombu_redis

log = structlog.get_logger()
_restore_unacked = kombu_redis.QoS.restore_unacked


def _restore_unacked_unless_released(qos: Any, client: Any = None) -> Any:
    if client is None and qos.channel.connection.client is None:
        log.warning(
            "broker connection released; unacked messages left to the visibility timeout", messages=len(qos._delivered)
        )
        qos._delivered.clear()
        return None
    return _restore_unacked(qos, client)


def install() -> None:
    setattr(kombu_redis.QoS, "restore_unacked", _restore_unacked_unless_released)  # noqa: B010
