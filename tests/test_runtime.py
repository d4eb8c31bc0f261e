"""How commands find a running `wirewatch up` (runtime.json) and the URL form psql accepts."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from worker.cli_ops import libpq_url
from worker.runtime import read_runtime, remove_runtime, runtime_path, write_runtime
from worker.settings import Settings

from .services import wait_for


def test_settings_take_the_urls_of_a_live_up_only(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("REDIS_URL", raising=False)
    up = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)", "wirewatch", "up"])
    try:
        # until the child has exec'd, /proc shows the parent's command line (pytest's)
        wait_for(lambda: b"wirewatch" in Path(f"/proc/{up.pid}/cmdline").read_bytes(), 30, "the child's exec")
        runtime_path(tmp_path).write_text(
            json.dumps({"pid": up.pid, "database_url": "postgresql://u@/db?host=/s", "redis_url": "unix:///r.sock"})
        )
        settings = Settings(data_dir=tmp_path)
        assert (settings.database_url, settings.redis_url) == ("postgresql://u@/db?host=/s", "unix:///r.sock")
        assert Settings(data_dir=tmp_path, redis_url="redis://other").redis_url == "redis://other", "given URLs win"
    finally:
        up.kill()
        up.wait()
    assert read_runtime(tmp_path) is None, "its process is gone"

    other = subprocess.Popen(["sleep", "60"])  # a live pid that is not wirewatch (a reused pid)
    try:
        runtime_path(tmp_path).write_text(json.dumps({"pid": other.pid, "database_url": "x", "redis_url": "y"}))
        assert read_runtime(tmp_path) is None
    finally:
        other.kill()
        other.wait()

    dead = subprocess.Popen(["true"])
    dead.wait()
    runtime_path(tmp_path).write_text(f'{{"pid": {dead.pid}, "database_url": "x", "redis_url": "y"}}')
    assert read_runtime(tmp_path) is None and Settings(data_dir=tmp_path).database_url is None

    write_runtime(tmp_path, "a", "b")
    remove_runtime(tmp_path)
    assert not runtime_path(tmp_path).exists()
    # remove_runtime only removes this process's own file
    runtime_path(tmp_path).write_text('{"pid": 1, "database_url": "x", "redis_url": "y"}')
    remove_runtime(tmp_path)
    assert runtime_path(tmp_path).exists()


def test_libpq_url_drops_the_driver_and_keeps_the_socket_dir() -> None:
    assert (
        libpq_url("postgresql+psycopg://postgres:@/wirewatch?host=/data/.wirewatch/pg")
        == "postgresql://postgres@/wirewatch?host=/data/.wirewatch/pg"
    )
    assert libpq_url("postgres://u:p%40ss@db.example:5433/news") == "postgresql://u:p%40ss@db.example:5433/news"


def test_psql_accepts_the_dsn_of_the_test_database(database_url: str) -> None:
    env = {**os.environ, "DATABASE_URL": database_url.replace("postgresql://", "postgresql+psycopg://", 1)}
    wirewatch = str(Path(sys.executable).parent / "wirewatch")
    dsn = subprocess.run([wirewatch, "dsn"], env=env, capture_output=True, text=True, check=True).stdout.strip()
    psql = subprocess.run(["psql", dsn, "-tAc", "SELECT 41 + 1"], capture_output=True, text=True, check=False)
    assert psql.returncode == 0 and psql.stdout.strip() == "42", psql.stderr
