"""The Celery app: one queue per stage so each stage scales on its own."""

from __future__ import annotations

from celery import Celery
from kombu import Queue

from worker.settings import broker_url, get_settings

STAGES = ("parse", "extract", "link")
# the task that moves a file on from each in-progress status (used to re-queue lost work)
TASK_FOR_STATUS = {"queued": "wirewatch.parse", "parsed": "wirewatch.extract", "extracted": "wirewatch.link"}

settings = get_settings()
app = Celery("wirewatch", broker=broker_url(settings.redis_url or "redis://127.0.0.1:6379/0"), include=["worker.tasks"])
app.conf.update(
    task_queues=[Queue(settings.queue(stage)) for stage in STAGES],
    task_routes={f"wirewatch.{stage}": {"queue": settings.queue(stage)} for stage in STAGES},
    task_acks_late=True,  # a task killed mid-way is delivered again
    task_reject_on_worker_lost=True,
    worker_prefetch_multiplier=1,
    task_ignore_result=True,
    task_serializer="json",
    accept_content=["json"],
    broker_transport_options={"visibility_timeout": settings.visibility_timeout},
    broker_connection_retry_on_startup=True,
    worker_hijack_root_logger=False,
    # task events for Flower and `celery events`: received/started/succeeded from workers, sent from producers
    worker_send_task_events=True,
    task_send_sent_event=True,
)
