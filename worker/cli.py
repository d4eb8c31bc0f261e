"""``wirewatch``: one entry point for every service and the all-in-one ``up``."""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from worker import cli_ops
from worker.logs import configure_logging, get_logger
from worker.settings import Settings, get_settings

log = get_logger("wirewatch")


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    settings = get_settings()
    configure_logging(settings.log_format, settings.log_level)
    return int(args.func(args, settings) or 0)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="wirewatch", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    up = sub.add_parser("up", help="all in one: embedded servers (unless URLs are set), migrate, worker, watcher, API")
    up.add_argument("--folder", type=Path, help="watch folder (default: settings.watch_dir, ./seeds)")
    up.set_defaults(func=cmd_up)

    watch = sub.add_parser("watch", help="watch a folder and queue new files")
    watch.add_argument("--folder", type=Path)
    watch.add_argument("--polling", action="store_true", help="poll instead of OS events (network mounts)")
    watch.set_defaults(func=cmd_watch)

    worker = sub.add_parser("worker", help="a Celery worker for some or all stages")
    worker.add_argument("--stages", default="parse,extract,link", help="comma-separated stages to consume")
    worker.add_argument("--concurrency", type=int)
    worker.set_defaults(func=cmd_worker)

    api = sub.add_parser("api", help="serve the read API")
    api.add_argument("--host")
    api.add_argument("--port", type=int)
    api.set_defaults(func=cmd_api)

    migrate = sub.add_parser("migrate", help="wait for the database, then apply migrations")
    migrate.add_argument("--timeout", type=float, default=60.0)
    migrate.set_defaults(func=cmd_migrate)

    flower = sub.add_parser("flower", help="Flower, the Celery monitoring UI")
    flower.add_argument("--port", type=int, default=5555)
    flower.set_defaults(func=cmd_flower)

    kb = sub.add_parser("kb", help="load a knowledge base of known entities (JSON Lines)")
    kb.add_argument(
        "path", type=Path, help='lines like {"name": ..., "type": "person", "aliases": [...], "external_id": "Q..."}'
    )
    kb.set_defaults(func=cmd_kb)

    unmerge = sub.add_parser("unmerge", help="undo an entity merge (see entity_merges)")
    unmerge.add_argument("merge_id", type=int)
    unmerge.set_defaults(func=cmd_unmerge)

    extract = sub.add_parser("extract", help="parse and extract one file, no database; print the result")
    extract.add_argument("path", type=Path)
    extract.add_argument("--json", action="store_true", help="print one JSON object (the default)")
    extract.set_defaults(func=cmd_extract)
    cli_ops.add_commands(sub)  # retry, status, dsn
    return parser


def _require_urls(settings: Settings) -> None:
    if not settings.database_url or not settings.redis_url:
        sys.exit("DATABASE_URL and REDIS_URL must be set (or run `wirewatch up`, which starts embedded servers)")


def cmd_watch(args: argparse.Namespace, settings: Settings) -> None:
    _require_urls(settings)
    from worker.watcher import Watcher

    if args.folder:
        settings.watch_dir = args.folder
    settings.polling = settings.polling or args.polling
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    Watcher(settings).run(stop)


def cmd_worker(args: argparse.Namespace, settings: Settings) -> None:
    _require_urls(settings)
    from worker.celery_app import app

    queues = ",".join(settings.queue(stage.strip()) for stage in args.stages.split(","))
    concurrency = args.concurrency or settings.worker_concurrency
    code = app.start(
        [
            "worker",
            "-Q",
            queues,
            "-c",
            str(concurrency),
            "-n",
            f"wirewatch-{os.getpid()}@%h",
            "--loglevel",
            settings.log_level,
            "--without-gossip",
            "--without-mingle",
        ]
    )
    if code:  # Ctrl-C and SIGTERM end with 0
        restart_worker(code)


def restart_worker(code: int) -> None:
    """Celery ends a worker on an "unrecoverable" error (kombu has raised some while a broker
    connection was being lost): start afresh in the same process, so the worker outlives any
    outage and whoever watches the pid sees it running."""
    log.error("the Celery worker stopped on an error; starting it again", code=code)
    time.sleep(2)
    os.execv(sys.executable, [sys.executable, "-m", "worker", *sys.argv[1:]])


def cmd_api(args: argparse.Namespace, settings: Settings) -> None:
    _require_urls(settings)
    import uvicorn

    uvicorn.run(
        "api.main:app",
        host=args.host or settings.api_host,
        port=args.port or settings.api_port,
        log_config=None,
    )


def cmd_migrate(args: argparse.Namespace, settings: Settings) -> None:
    if not settings.database_url:
        sys.exit("DATABASE_URL must be set (wirewatch up migrates its embedded database itself)")
    wait_for_database(settings.database_url, args.timeout)
    from worker.storage.migrate import upgrade_to_head

    upgrade_to_head(settings.database_url)
    log.info("migrations applied")


def wait_for_database(url: str, timeout: float) -> None:
    from sqlalchemy import create_engine, text

    from worker.settings import sqlalchemy_url

    engine = create_engine(sqlalchemy_url(url))
    deadline = time.monotonic() + timeout
    while True:
        try:
            with engine.connect() as conn:
                conn.execute(text("SELECT 1"))
            break
        except Exception as exc:
            if time.monotonic() > deadline:
                raise SystemExit(f"database not reachable after {timeout:.0f}s: {exc}") from exc
            log.info("waiting for the database", error=str(exc).splitlines()[0])
            time.sleep(1)
    engine.dispose()


def cmd_flower(args: argparse.Namespace, settings: Settings) -> None:
    _require_urls(settings)
    from worker.celery_app import app

    app.start(["flower", f"--port={args.port}"])


def cmd_kb(args: argparse.Namespace, settings: Settings) -> None:
    if not settings.database_url:
        sys.exit("DATABASE_URL must be set")
    from worker.storage.db import session_scope
    from worker.storage.linking import KnownEntity, load_knowledge_base

    records = []
    for n, line in enumerate(args.path.read_text(encoding="utf-8").splitlines(), 1):
        if line.strip():
            data = json.loads(line)
            try:
                records.append(
                    KnownEntity(
                        name=data["name"],
                        type=data.get("type", "person"),
                        aliases=tuple(data.get("aliases", ())),
                        external_id=data.get("external_id"),
                    )
                )
            except KeyError as exc:
                sys.exit(f"{args.path}:{n}: missing {exc}")
    with session_scope() as session:
        load_knowledge_base(session, records)
        session.commit()
    log.info("knowledge base loaded", entities=len(records))


def cmd_unmerge(args: argparse.Namespace, settings: Settings) -> None:
    if not settings.database_url:
        sys.exit("DATABASE_URL must be set")
    from worker.storage.db import session_scope
    from worker.storage.linking import unmerge

    with session_scope() as session:
        unmerge(session, args.merge_id)
        session.commit()
    log.info("merge undone", merge_id=args.merge_id)


def cmd_extract(args: argparse.Namespace, settings: Settings) -> int:
    from worker.pipeline import run_local

    try:
        result = run_local(args.path.read_bytes(), args.path.name, settings.spacy_model)
    except (OSError, ValueError) as exc:
        print(json.dumps({"error": str(exc), "path": str(args.path)}), file=sys.stdout)
        return 1
    print(json.dumps(result, ensure_ascii=False, indent=2))
    return 0


def cmd_up(args: argparse.Namespace, settings: Settings) -> int:
    """Everything in one terminal; Ctrl-C stops it all. Data stays under settings.data_dir."""
    from worker.embedded import ensure_servers
    from worker.runtime import read_runtime, remove_runtime, write_runtime
    from worker.storage.migrate import upgrade_to_head

    if running := read_runtime(settings.data_dir):
        sys.exit(f"wirewatch up is already running with data dir {settings.data_dir} (pid {running['pid']})")
    servers = ensure_servers(settings.data_dir, settings.database_url, settings.redis_url)
    children: list[subprocess.Popen[bytes]] = []
    try:
        assert servers.database_url and servers.redis_url
        upgrade_to_head(servers.database_url)
        write_runtime(settings.data_dir, servers.database_url, servers.redis_url)  # for other tools, psql
        folder = str(args.folder or settings.watch_dir)
        exe = [sys.executable, "-m", "worker"]
        for command in (["worker"], ["watch", "--folder", folder], ["api"]):
            children.append(subprocess.Popen([*exe, *command]))
        log.info(
            "wirewatch is up",
            folder=folder,
            api=f"http://{settings.api_host}:{settings.api_port}",
            database=cli_ops.libpq_url(servers.database_url),
        )
        return supervise(children)
    finally:
        stop_children(children)
        remove_runtime(settings.data_dir)
        servers.stop()


def supervise(children: list[subprocess.Popen[bytes]]) -> int:
    """Keep the services running until Ctrl-C: one that exits (a crash, an OOM kill) is started
    again after a backoff instead of taking the others down with it."""
    stopping = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stopping.set())
    restarts = [0] * len(children)
    while not stopping.is_set():
        for i, child in enumerate(children):
            if child.poll() is not None and not stopping.is_set():
                delay = min(30, 2 ** restarts[i])
                log.error("a service stopped; restarting it", args=child.args, code=child.returncode, after=delay)
                if stopping.wait(delay):
                    break
                restarts[i] += 1
                children[i] = subprocess.Popen(child.args)
        stopping.wait(0.5)
    return 0


def stop_children(children: list[subprocess.Popen[bytes]], timeout: float = 20.0) -> None:
    for child in children:
        if child.poll() is None:
            child.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + timeout
    for child in children:
        try:
            child.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()


if __name__ == "__main__":
    sys.exit(main())
