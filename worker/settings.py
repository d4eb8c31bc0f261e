"""One place for configuration: environment variables (WIREWATCH_*, plus the conventional
DATABASE_URL and REDIS_URL) or a .env file. Without DATABASE_URL/REDIS_URL the service starts
embedded Postgres and Redis servers under ``data_dir`` (see ``worker.embedded``)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="WIREWATCH_", env_file=".env", extra="ignore")

    database_url: str | None = Field(
        default=None, validation_alias=AliasChoices("DATABASE_URL", "WIREWATCH_DATABASE_URL")
    )
    redis_url: str | None = Field(default=None, validation_alias=AliasChoices("REDIS_URL", "WIREWATCH_REDIS_URL"))

    data_dir: Path = Path(".wirewatch")  # embedded servers' data, quarantine
    watch_dir: Path = Path("seeds")
    quarantine_dir: Path | None = None  # default: data_dir / "quarantine"

    # watcher
    quiet_seconds: float = 1.0  # a file is complete once size and mtime stay unchanged this long
    scan_interval: float = 30.0  # full folder scan and database reconciliation
    # a file idle this long with no task holding it and no message for it in the broker is queued again
    stale_after: float = 15.0
    polling: bool = False
    max_file_bytes: int = 10 * 1024 * 1024

    # Celery
    queue_prefix: str = "wirewatch"
    worker_concurrency: int = 2
    visibility_timeout: int = 3600  # seconds before Redis redelivers an unacknowledged task
    # task events (received/started/succeeded, and task-sent from producers) for `celery events`;
    # off by default: they cost the worker CPU on every task, and Flower switches workers' on itself
    task_events: bool = False
    max_retries: int = 5
    # per stage, seconds: past the soft limit the file fails with a recorded error; the hard
    # limit (soft + HARD_TIME_LIMIT_GRACE) kills a task that ignores it
    parse_time_limit: float = 60.0
    extract_time_limit: float = 300.0
    link_time_limit: float = 120.0
    hard_time_limit_grace: float = 30.0
    # a file whose stage the hard limit killed this many times fails as `time limit` (each kill
    # before that re-queues it at once, alone)
    max_time_limit_kills: int = 2
    # a worker process is replaced after this many tasks, or after a task that left it above
    # this RSS: caches that grow with every new word (spaCy's string store) stay bounded
    worker_max_tasks_per_child: int = 2000
    worker_max_memory_mb: int = 1500

    # story consolidation: the story step run again over the newest articles (and their stories'
    # others) in an order no arrival decides, when the corpus has grown by this share since the
    # last run, or when the pipeline is quiet and the last run is at least this many seconds (and
    # ten times its own duration) old (see worker.storage.linking.story_consolidation)
    story_consolidation: bool = True
    story_consolidation_growth: float = 1.0
    story_consolidation_interval: float = 30.0
    story_consolidation_window: int = 20_000
    consolidate_time_limit: float = 1800.0

    # NLP
    spacy_model: str = "en_core_web_sm"
    extract_batch_size: int = 8
    # longer clean texts fail as bad input: spaCy needs about 3.5 kB per character (E088 at 1M)
    max_text_chars: int = 100_000

    # API
    api_host: str = "127.0.0.1"
    api_port: int = 8000

    log_format: Literal["auto", "json", "console"] = "auto"
    log_level: str = "INFO"

    @model_validator(mode="after")
    def _running_up(self) -> Settings:
        """Without URLs, reach the servers of a `wirewatch up` running on this data dir."""
        if not self.database_url or not self.redis_url:
            from worker.runtime import read_runtime

            running = read_runtime(self.data_dir)
            if running:
                self.database_url = self.database_url or running.get("database_url")
                self.redis_url = self.redis_url or running.get("redis_url")
        return self

    @property
    def quarantine_path(self) -> Path:
        return self.quarantine_dir or self.data_dir / "quarantine"

    def queue(self, stage: str) -> str:
        return f"{self.queue_prefix}.{stage}"

    def time_limit(self, stage: str) -> float:
        limit: float = getattr(self, f"{stage}_time_limit")
        return limit


@lru_cache
def get_settings() -> Settings:
    return Settings()


def sqlalchemy_url(url: str) -> str:
    """Accept the usual postgres:// spellings; always talk through psycopg 3."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def broker_url(redis_url: str) -> str:
    """Celery (kombu) spells a Redis unix socket ``redis+socket://``; redis-py spells it ``unix://``."""
    if redis_url.startswith("unix://"):
        return "redis+socket://" + redis_url[len("unix://") :]
    return redis_url


def client_url(redis_url: str) -> str:
    if redis_url.startswith("redis+socket://"):
        return "unix://" + redis_url[len("redis+socket://") :]
    return redis_url
