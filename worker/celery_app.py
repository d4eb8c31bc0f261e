"""The Celery app: one queue per stage so each stage scales on its own."""

from __future__ import annotations

from celery import Celery
from kombu import Queue
from kombu.exceptions import OperationalError as BrokerError
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from sqlalchemy.exc import DBAPIError, OperationalError

from worker import kombu_guard
from worker.settings import broker_url, get_settings

STAGES = ("parse", "extract", "link")
# the task that moves a file on from each in-progress status (used to re-queue lost work)
# errors of an unavailable database or broker: retried, never recorded against the file
TRANSIENT = (OperationalError, DBAPIError, BrokerError, RedisConnectionError, RedisTimeoutError, ConnectionError)
# the longest a task waits between retries; the watcher counts a delivered message older than this
# (plus its grace period) whose file no task holds as lost
RETRY_BACKOFF_MAX = 10
TASK_FOR_STATUS = {"queued": "wirewatch.parse", "parsed": "wirewatch.extract", "extracted": "wirewatch.link"}

kombu_guard.install()
settings = get_settings()
app = Celery("wirewatch", broker=broker_url(settings.redis_url or "redis://127.0.0.1:6379/0"), include=["worker.tasks"])
app.conf.update(
    task_queues=[Queue(settings.queue(stage)) for stage in STAGES],
    task_routes={f"wirewatch.{stage}": {"queue": settings.queue(stage)} for stage in STAGES}
    | {"wirewatch.consolidate": {"queue": settings.queue("link")}},
    task_acks_late=True,  # a task killed mid-way is delivered again
    task_reject_on_worker_lost=True,
    worker_prefetch_multiplier=1,
    task_ignore_result=True,
    task_serializer="json",
    accept_content=["json"],
    broker_transport_options={"visibility_timeout": settings.visibility_timeout},
    broker_connection_retry_on_startup=True,
    broker_connection_max_retries=None,  # a worker outlives any broker outage: reconnect forever
    task_publish_retry_policy={"max_retries": 3, "interval_start": 0.2, "interval_step": 0.5, "interval_max": 1},
    worker_hijack_root_logger=False,
    # task events (received/started/succeeded from workers, sent from producers) only when asked
    # for: they cost the worker CPU per task; Flower enables workers' events at run time itself
    worker_send_task_events=settings.task_events,
    task_send_sent_event=settings.task_events,
    task_annotations={
        f"wirewatch.{stage}": {
            "soft_time_limit": settings.time_limit(stage),
            "time_limit": settings.time_limit(stage) + settings.hard_time_limit_grace,
        }
        for stage in (*STAGES, "consolidate")
    },
    worker_max_tasks_per_child=settings.worker_max_tasks_per_child,
    worker_max_memory_per_child=settings.worker_max_memory_mb * 1024,  # Celery counts kB
)
