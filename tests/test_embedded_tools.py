"""Embedded mode reachable by tools: while `wirewatch up` runs on its embedded servers (no URLs
in anyone's environment), `wirewatch status`, `dsn`, `retry`, `kb` and the real `psql` reach
them, as do `migrate` and `flower`; a second `up` on the same data refuses; after Ctrl-C nothing is left in TMPDIR."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
from pathlib import Path

import httpx

from tests.conftest import SEED_FILES
from tests.services import executable, free_port, wait_for


def _env(tmpdir: Path, port: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "XDG_RUNTIME_DIR")}
    env = {k: v for k, v in env.items() if not k.startswith("WIREWATCH_")}
    env.update(
        TMPDIR=str(tmpdir), WIREWATCH_API_PORT=str(port), WIREWATCH_LOG_FORMAT="json", WIREWATCH_QUIET_SECONDS="0.3"
    )
    return env


def _run(command: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=120, check=False)


def _status(cwd: Path, env: dict[str, str]) -> dict[str, object] | None:
    result = _run(executable(["wirewatch", "status", "--json"]), cwd, env)
    return json.loads(result.stdout) if result.returncode == 0 else None


def _files(cwd: Path, env: dict[str, str]) -> dict[str, int]:
    status = _status(cwd, env)
    return status["files"] if status else {}  # type: ignore[return-value]


def _get(url: str) -> bool:
    try:
        return httpx.get(url, timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def test_cli_and_psql_reach_a_running_up_and_nothing_is_left_in_tmp(tmp_path: Path) -> None:
    (tmp_path / "seeds").mkdir()
    for seed in SEED_FILES:  # the known seeds, not whatever a user dropped into seeds/
        shutil.copy2(seed, tmp_path / "seeds" / seed.name)
    tmpdir = tmp_path / "tmp"
    tmpdir.mkdir()
    port = free_port()
    env = _env(tmpdir, port)
    log = (tmp_path / "up.log").open("ab")
    up = subprocess.Popen(executable(["wirewatch", "up"]), cwd=tmp_path, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_for(lambda: _files(tmp_path, env).get("done") == 5, 240, "the seeds, seen by `wirewatch status`")

        dsn = _run(executable(["wirewatch", "dsn"]), tmp_path, env).stdout.strip()
        assert dsn.startswith("postgresql://") and "?host=/" in dsn, dsn
        psql = _run(["psql", dsn, "-tAc", "SELECT count(*) FROM articles"], tmp_path, env)
        assert psql.returncode == 0 and psql.stdout.strip() == "5", psql.stderr

        (tmp_path / "seeds" / "empty.txt").write_bytes(b"   \n")
        wait_for(lambda: _files(tmp_path, env).get("failed") == 1, 60, "the empty file to fail")
        retry = _run(executable(["wirewatch", "retry", "--all-failed"]), tmp_path, env)
        assert retry.returncode == 0 and "1 file(s) queued again" in retry.stdout, retry.stdout + retry.stderr
        sql = "SELECT status || ' ' || retries FROM ingested_files WHERE path LIKE '%empty.txt'"
        wait_for(lambda: _run(["psql", dsn, "-tAc", sql], tmp_path, env).stdout.strip() == "failed 1", 60, "a rerun")

        kb = tmp_path / "kb.jsonl"
        kb.write_text(json.dumps({"name": "Zelda Quackenbush", "type": "person", "external_id": "Q-embedded"}) + "\n")
        assert _run(executable(["wirewatch", "kb", str(kb)]), tmp_path, env).returncode == 0
        sql = "SELECT count(*) FROM entities WHERE external_id = 'Q-embedded'"
        assert _run(["psql", dsn, "-tAc", sql], tmp_path, env).stdout.strip() == "1"

        follow = _run(executable(["wirewatch", "status", "--follow"]), tmp_path, env)
        assert follow.returncode == 0 and "6/6" in follow.stderr, follow.stderr
        scan = _status(tmp_path, env)["backlog"]["scan"]  # type: ignore[index]
        assert scan["registered"] == scan["total"] >= 5, scan

        assert _run(executable(["wirewatch", "migrate", "--timeout", "10"]), tmp_path, env).returncode == 0
        flower_port = free_port()
        flower = subprocess.Popen(
            executable(["wirewatch", "flower", "--port", str(flower_port)]),
            cwd=tmp_path,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            wait_for(lambda: _get(f"http://127.0.0.1:{flower_port}/tasks"), 60, "flower on the embedded broker")
        finally:
            os.killpg(flower.pid, signal.SIGTERM)
            flower.wait(timeout=30)

        metrics = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=10).text
        assert 'wirewatch_files{status="done"} 5.0' in metrics

        second = _run(executable(["wirewatch", "up"]), tmp_path, env)
        assert second.returncode != 0 and "already running" in second.stderr
    finally:
        up.send_signal(signal.SIGINT)
        code = up.wait(timeout=60)
    assert code == 0, (tmp_path / "up.log").read_text()[-3000:]
    assert not (tmp_path / ".wirewatch" / "runtime.json").exists()
    assert sorted(p.name for p in tmpdir.iterdir()) == [], "nothing left in TMPDIR"
    after = _run(executable(["wirewatch", "status"]), tmp_path, env)
    assert after.returncode != 0 and "no `wirewatch up` running" in after.stderr
