"""What the broker holds for each file: a message waiting in a stage queue, or one delivered to a
worker and not yet acknowledged. The watcher re-queues a file only when neither exists (and no
task holds its row), so files waiting in a long backlog are never queued twice.

This reads kombu's Redis layout: each queue is a list (plus one list per priority step), and a
delivered, unacknowledged message sits in the ``unacked`` hash with its delivery time in the
``unacked_index`` sorted set until the worker acknowledges it."""

from __future__ import annotations

import base64
import json
import time
from dataclasses import dataclass, field
from typing import Any

import redis

from worker.celery_app import STAGES, app
from worker.settings import Settings, client_url

UNACKED = "unacked"
UNACKED_INDEX = "unacked_index"


@dataclass
class InFlight:
    waiting: set[tuple[str, int]] = field(default_factory=set)  # (task name, file id) in a queue
    # delivered to a worker: (task name, file id) -> [(delivery tag, seconds since delivery)]
    delivered: dict[tuple[str, int], list[tuple[str, float]]] = field(default_factory=dict)

    def newest_delivery_age(self, key: tuple[str, int]) -> float | None:
        ages = [age for _, age in self.delivered.get(key, [])]
        return min(ages) if ages else None


def client(settings: Settings) -> redis.Redis:
    assert settings.redis_url
    return redis.Redis.from_url(client_url(settings.redis_url), socket_timeout=10, socket_connect_timeout=5)


def queue_keys(settings: Settings) -> list[str]:
    sep = "\x06\x16"
    steps = app.conf.broker_transport_options.get("priority_steps", [0, 3, 6, 9])
    keys = []
    for stage in STAGES:
        queue = settings.queue(stage)
        keys += [queue] + [f"{queue}{sep}{step}" for step in steps if step]
    return keys


def read_in_flight(r: redis.Redis, settings: Settings) -> InFlight:
    """Queues first, then unacknowledged deliveries: a message moves from the first to the second."""
    state = InFlight()
    for key in queue_keys(settings):
        for payload in r.lrange(key, 0, -1):
            task = _task_of(payload)
            if task:
                state.waiting.add(task)
    ours = {settings.queue(stage) for stage in STAGES}
    now = time.time()
    index: list[tuple[bytes, float]] = r.zrange(UNACKED_INDEX, 0, -1, withscores=True)  # type: ignore[assignment]
    delivered_at = {_text(tag): float(score) for tag, score in index}
    for tag, entry in r.hscan_iter(UNACKED):
        try:
            payload, _exchange, routing_key = json.loads(entry)
        except (ValueError, TypeError):
            continue
        if routing_key not in ours:
            continue  # another deployment's (or test run's) queue on the same Redis
        task = _task_of(payload)
        if task:
            tag_text = _text(tag)
            state.delivered.setdefault(task, []).append((tag_text, now - delivered_at.get(tag_text, now)))
    return state


def forget_deliveries(r: redis.Redis, tags: list[str]) -> None:
    """Drop unacknowledged deliveries whose worker is gone (the file was queued again), so that
    kombu does not redeliver them once the visibility timeout passes."""
    if tags:
        pipe = r.pipeline()
        pipe.hdel(UNACKED, *tags)
        pipe.zrem(UNACKED_INDEX, *tags)
        pipe.execute()


def _task_of(payload: Any) -> tuple[str, int] | None:
    """(task name, file id) of a Celery protocol-2 message, None for anything else."""
    try:
        message = json.loads(payload) if isinstance(payload, bytes | str) else payload
        name = message["headers"]["task"]
        body = message["body"]
        if message.get("properties", {}).get("body_encoding") == "base64":
            body = base64.b64decode(body)
        args = json.loads(body)[0]
        return str(name), int(args[0])
    except (KeyError, ValueError, TypeError, IndexError):
        return None


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value


def consolidation_key(settings: Settings) -> str:
    return f"{settings.queue_prefix}.consolidation-queued"


def claim_consolidation(r: redis.Redis, settings: Settings) -> bool:
    """True for the one scheduler that may queue a consolidation now: the key lives until the run
    ends, or, for a run that was lost, until its hard time limit has passed."""
    ttl = int(settings.time_limit("consolidate") + settings.hard_time_limit_grace) + 60
    return bool(r.set(consolidation_key(settings), "1", nx=True, ex=ttl))


def release_consolidation(settings: Settings) -> None:
    """Let the next consolidation be queued. Best effort: during a broker outage the key expires."""
    if not settings.redis_url:
        return  # run in-process (``wirewatch consolidate``, the evaluation): nobody queued it
    try:
        r = client(settings)
        try:
            r.delete(consolidation_key(settings))
        finally:
            r.close()
    except redis.RedisError:
        pass
