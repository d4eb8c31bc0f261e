"""The pipeline stages, each a pure core (text in, dataclasses out, no database):
parse -> extract -> link. The Celery tasks in ``worker.tasks`` load, call and store."""

from worker.pipeline.local import run_local

__all__ = ["run_local"]
