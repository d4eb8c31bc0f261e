"""The runtime file through which tools reach the servers of a running ``wirewatch up``.

``wirewatch up`` writes ``<data_dir>/runtime.json`` (its pid and the database and broker URLs)
once its servers are up and removes it when it stops. Settings read it when DATABASE_URL or
REDIS_URL is unset, so ``wirewatch status``, ``kb``, ``flower``... and ``psql "$(wirewatch dsn)"``
work in another terminal while ``make up`` runs. A file left by a killed ``up`` is ignored."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

FILE_NAME = "runtime.json"


def runtime_path(data_dir: Path) -> Path:
    return data_dir / FILE_NAME


def write_runtime(data_dir: Path, database_url: str, redis_url: str) -> Path:
    path = runtime_path(data_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps({"pid": os.getpid(), "database_url": database_url, "redis_url": redis_url}))
    tmp.chmod(0o600)
    tmp.replace(path)  # readers never see half a file
    return path


def remove_runtime(data_dir: Path) -> None:
    path = runtime_path(data_dir)
    try:
        if json.loads(path.read_text()).get("pid") == os.getpid():
            path.unlink()
    except (OSError, ValueError):
        pass


def read_runtime(data_dir: Path) -> dict[str, Any] | None:
    """The URLs of a live ``wirewatch up`` using this data dir, or None."""
    try:
        data = json.loads(runtime_path(data_dir).read_text())
        pid = int(data["pid"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return data if pid_alive(pid) and _is_wirewatch(pid) else None


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # alive, owned by another user
    return True


def _is_wirewatch(pid: int) -> bool:
    """Guards against a stale file whose pid now belongs to another program (where /proc exists)."""
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return True
    return b"wirewatch" in cmdline or b"worker" in cmdline
