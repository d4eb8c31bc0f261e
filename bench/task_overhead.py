"""CPU per task of everything around a stage's work: Celery (consume, hand to a pool process,
trace, ack), events, logging, a database session. The real worker command runs against a fresh
database and gets N `wirewatch.parse` tasks for files that do not exist, so each task only opens
a session, finds no row and returns; the worker's CPU (main and pool processes) and its
Postgres backends' CPU per task is what a task costs before any article work. The CPU this
script spends sending them is what queueing a task costs a producer.

    .venv/bin/python bench/task_overhead.py --n 2000 --out bench/results/task_overhead.json
    PYTHONPATH=/tmp/main-export .venv/bin/python bench/task_overhead.py   # another revision (other cwd)

Run it on the database's host (Postgres backends' CPU is read from /proc)."""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path

from e2e import Services, add_server_args, fresh_database, wait_until


def succeeded(logs: Path) -> int:
    return (logs / "worker.log").read_text(errors="replace").count("succeeded in")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=2000, help="tasks timed")
    parser.add_argument("--concurrency", type=int, default=2)
    add_server_args(parser)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args(argv)
    db = fresh_database(args.database_url)
    base = Path(tempfile.mkdtemp(prefix="wirewatch-overhead-"))
    prefix = f"wwbench-{uuid.uuid4().hex[:8]}"
    env = {
        **os.environ,
        "DATABASE_URL": db.url,
        "REDIS_URL": args.redis_url,
        "WIREWATCH_QUEUE_PREFIX": prefix,
        "WIREWATCH_DATA_DIR": str(base / "state"),
        "WIREWATCH_LOG_FORMAT": "json",
    }
    os.environ.update({k: env[k] for k in ("DATABASE_URL", "REDIS_URL", "WIREWATCH_QUEUE_PREFIX")})
    from worker.celery_app import app  # after the environment: the app reads the prefix

    services = Services(env, base)
    db.create()
    try:
        services.run("migrate")
        services.start("worker", "worker", "--concurrency", str(args.concurrency))
        missing = 10**9  # no file has this id
        warm = 20
        for i in range(warm):
            app.send_task("wirewatch.parse", args=[missing + i])
        wait_until(lambda: succeeded(base) >= warm, 300, "warm-up", interval=0.2)
        time.sleep(1)
        cpu0, pg0 = services.cpu_by_process(), db.backend_cpu()
        start, send_cpu = time.perf_counter(), time.process_time()
        for i in range(args.n):
            app.send_task("wirewatch.parse", args=[missing + warm + i])
        sent, send_cpu = time.perf_counter() - start, time.process_time() - send_cpu
        wait_until(lambda: succeeded(base) >= warm + args.n, 600, "the tasks", interval=0.2)
        elapsed = time.perf_counter() - start
        cpu1, pg1 = services.cpu_by_process(), db.backend_cpu()
    finally:
        services.stop_all()
        db.drop()
    by_process = {k: round(1000 * (v - cpu0.get(k, 0.0)) / args.n, 2) for k, v in cpu1.items()}
    pg = sum(v - pg0.get(pid, 0.0) for pid, v in pg1.items())
    result = {
        "tasks": args.n,
        "send_s": round(sent, 2),
        # what queueing a task costs its producer (the watcher, a task queueing the next stage)
        "send_cpu_ms_per_task": round(1000 * send_cpu / args.n, 2),
        "elapsed_s": round(elapsed, 2),
        "worker_cpu_ms_per_task": by_process,
        "worker_total_ms_per_task": round(sum(by_process.values()), 2),
        "postgres_ms_per_task": round(1000 * pg / args.n, 2),
        "load": os.getloadavg(),
    }
    print(json.dumps(result))
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(result, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
