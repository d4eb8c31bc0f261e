"""The README's main command: `wirewatch up` on the embedded servers (no URLs), the seeds land,
SIGINT (Ctrl-C) stops everything cleanly, and a second run reuses the data and ingests nothing
twice."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import httpx

from tests.conftest import SEED_FILES
from tests.services import executable, free_port, wait_for


def _up(workdir: Path, port: int, log: Path) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "XDG_RUNTIME_DIR")}
    env = {k: v for k, v in env.items() if not k.startswith("WIREWATCH_")}
    env.update(WIREWATCH_API_PORT=str(port), WIREWATCH_LOG_FORMAT="json", WIREWATCH_QUIET_SECONDS="0.3")
    return subprocess.Popen(
        executable(["wirewatch", "up"]), cwd=workdir, env=env, stdout=log.open("ab"), stderr=subprocess.STDOUT
    )


def _files(api: str) -> dict[str, str] | None:
    try:
        page = httpx.get(f"{api}/files", params={"limit": 100}, timeout=2).json()
    except (httpx.HTTPError, ValueError):
        return None
    return {Path(f["path"]).name: f["status"] for f in page["items"]}


def _stop(proc: subprocess.Popen[bytes]) -> int:
    proc.send_signal(signal.SIGINT)
    return proc.wait(timeout=60)


def test_up_ingests_seeds_stops_on_ctrl_c_and_resumes_without_duplicates(tmp_path: Path) -> None:
    (tmp_path / "seeds").mkdir()
    for seed in SEED_FILES:
        shutil.copy(seed, tmp_path / "seeds" / seed.name)
    port, log = free_port(), tmp_path / "up.log"
    api = f"http://127.0.0.1:{port}"
    started = time.monotonic()
    proc = _up(tmp_path, port, log)
    try:
        done = wait_for(
            lambda: (f := _files(api)) and len(f) == 5 and set(f.values()) == {"done"} and f, 180, "seeds via up"
        )
        print(f"\nwirewatch up, start to five seeds done (embedded): {time.monotonic() - started:.1f}s")
        assert sorted(done) == sorted(p.name for p in SEED_FILES)
    finally:
        code = _stop(proc)
    assert code == 0, log.read_text()[-3000:]
    assert (tmp_path / ".wirewatch" / "pg").is_dir(), "data is kept under ./.wirewatch"
    assert "Traceback" not in log.read_text()

    proc = _up(tmp_path, port, log)
    try:
        wait_for(lambda: _files(api), 120, "the second run's API")
        time.sleep(4)  # the startup scan has seen every file
        again = _files(api)
        articles = httpx.get(f"{api}/articles").json()["total"]
    finally:
        assert _stop(proc) == 0
    assert again == done and articles == 5
