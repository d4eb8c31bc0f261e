"""Engine and sessions, created once per process from the settings."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.orm import Session, sessionmaker

from worker.settings import get_settings, sqlalchemy_url

# a pooled connection idle longer than this is pinged before use (a server restart while it sat
# in the pool is then invisible to the caller); one in steady use is not: a ping per checkout is
# a round trip per session, several per article
PING_AFTER_IDLE_S = 1.0


@lru_cache
def get_engine(url: str | None = None) -> Engine:
    url = url or get_settings().database_url
    if not url:
        raise RuntimeError("DATABASE_URL is not set (wirewatch up starts an embedded Postgres and sets it)")
    engine = create_engine(sqlalchemy_url(url), pool_size=5, max_overflow=5)
    ping_when_idle(engine, PING_AFTER_IDLE_S)
    return engine


def ping_when_idle(engine: Engine, idle_s: float) -> None:
    """pool_pre_ping, only for connections that sat in the pool over ``idle_s``: a dead one is
    discarded and the pool hands out another (the pessimistic disconnect handling SQLAlchemy
    documents for checkout listeners)."""

    @event.listens_for(engine, "checkin")
    def _returned(dbapi_connection: Any, record: Any) -> None:
        record.info["returned_at"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _checkout(dbapi_connection: Any, record: Any, proxy: Any) -> None:
        returned = record.info.get("returned_at")
        if returned is None or time.monotonic() - returned <= idle_s:
            return  # new (just connected), or back in use at once
        try:
            engine.dialect.do_ping(dbapi_connection)
        except Exception as exc:
            raise DisconnectionError(f"pooled connection is dead: {exc}") from exc


@lru_cache
def get_sessionmaker(url: str | None = None) -> sessionmaker[Session]:
    return sessionmaker(get_engine(url), expire_on_commit=False)


@contextmanager
def session_scope() -> Iterator[Session]:
    """A session for one unit of work; the caller commits, anything else rolls back."""
    session = get_sessionmaker()()
    try:
        yield session
    finally:
        session.close()
