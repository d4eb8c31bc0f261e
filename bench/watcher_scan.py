"""What the watcher's periodic folder scan costs once the folder holds files already ingested
(they stay in the folder): the real `wirewatch watch` on a folder of N files, a fresh database,
no worker. Once all N are registered, the watcher's CPU and its Postgres backends' CPU are
measured over --seconds of scans (WIREWATCH_SCAN_INTERVAL=--interval) with nothing new arriving.

    .venv/bin/python bench/watcher_scan.py --files 500 --interval 2 --seconds 30
    PYTHONPATH=/tmp/main-export .venv/bin/python bench/watcher_scan.py   # another revision (other cwd)"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path

from e2e import Services, add_server_args, article_texts, fresh_database, wait_until, write


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--texts", type=Path, default=Path("/work/shared/data/polnear-train/text"))
    parser.add_argument("--files", type=int, default=500)
    parser.add_argument("--interval", type=float, default=2.0, help="WIREWATCH_SCAN_INTERVAL, seconds")
    parser.add_argument("--seconds", type=float, default=30.0)
    add_server_args(parser)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args(argv)
    db = fresh_database(args.database_url)
    base = Path(tempfile.mkdtemp(prefix="wirewatch-scan-"))
    inbox = base / "inbox"
    inbox.mkdir()
    env = {
        **os.environ,
        "DATABASE_URL": db.url,
        "REDIS_URL": args.redis_url,
        "WIREWATCH_QUEUE_PREFIX": f"wwbench-{uuid.uuid4().hex[:8]}",  # nobody consumes it
        "WIREWATCH_WATCH_DIR": str(inbox),
        "WIREWATCH_DATA_DIR": str(base / "state"),
        "WIREWATCH_SCAN_INTERVAL": str(args.interval),
        "WIREWATCH_STALE_AFTER": "3600",  # no re-queueing of the unconsumed parse tasks meanwhile
        "WIREWATCH_LOG_FORMAT": "json",
    }
    services = Services(env, base)
    db.create()
    try:
        services.run("migrate")
        services.start("watcher", "watch")
        for name, raw in article_texts(args.texts, args.files):
            write(inbox / name, raw)
        registered = "SELECT count(*) FROM ingested_files"
        wait_until(lambda: db.query(registered)[0][0] >= args.files, 600, "registration", interval=0.5)
        time.sleep(args.interval + 2)  # the scan that follows the burst
        cpu0, pg0 = services.cpu(), db.backend_cpu()
        time.sleep(args.seconds)
        cpu1, pg1 = services.cpu(), db.backend_cpu()
    finally:
        services.stop_all()
        db.drop()
    scans = args.seconds / args.interval
    pg = sum(v - pg0.get(pid, 0.0) for pid, v in pg1.items())
    result = {
        "files": args.files,
        "scan_interval_s": args.interval,
        "seconds": args.seconds,
        "watcher_cpu_ms_per_scan": round(1000 * (cpu1 - cpu0) / scans, 1),
        "postgres_cpu_ms_per_scan": round(1000 * pg / scans, 1),
        "watcher_cpu_share_of_a_core": round((cpu1 - cpu0) / args.seconds, 4),
        "load": os.getloadavg(),
    }
    print(json.dumps(result))
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(result, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
