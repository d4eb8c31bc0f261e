"""Pooled connections: pinged only after sitting idle in the pool, so a busy worker pays no
round trip per session, and one that idled through a server restart still gets a live one."""

from __future__ import annotations

import time

import psycopg
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from worker.settings import sqlalchemy_url
from worker.storage.db import ping_when_idle


def _engine(database_url: str, idle_s: float):  # type: ignore[no-untyped-def]
    engine = create_engine(sqlalchemy_url(database_url), pool_size=1, max_overflow=0)
    ping_when_idle(engine, idle_s)
    pings = [0]
    real = engine.dialect.do_ping

    def counted(dbapi_connection):  # type: ignore[no-untyped-def]
        pings[0] += 1
        return real(dbapi_connection)

    engine.dialect.do_ping = counted  # type: ignore[method-assign]
    return engine, pings


def test_a_connection_in_steady_use_is_not_pinged(database_url: str) -> None:
    engine, pings = _engine(database_url, idle_s=60)
    try:
        for _ in range(5):
            with engine.connect() as conn:
                assert conn.execute(text("SELECT 1")).scalar() == 1
        assert pings[0] == 0
    finally:
        engine.dispose()


def test_an_idle_connection_whose_server_side_died_is_replaced(database_url: str) -> None:
    engine, pings = _engine(database_url, idle_s=0.05)
    try:
        with engine.connect() as conn:
            pid = conn.execute(text("SELECT pg_backend_pid()")).scalar()
        dsn = make_url(database_url).set(drivername="postgresql").render_as_string(hide_password=False)
        with psycopg.connect(dsn, autocommit=True) as admin:
            admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
        time.sleep(0.2)
        with engine.connect() as conn:  # without the ping: OperationalError, server closed the connection
            assert conn.execute(text("SELECT pg_backend_pid()")).scalar() != pid
        assert pings[0] == 1
    finally:
        engine.dispose()
