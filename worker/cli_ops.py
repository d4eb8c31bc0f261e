"""The operator's commands: ``wirewatch retry``, ``wirewatch status``, ``wirewatch dsn``,
``wirewatch consolidate``."""

from __future__ import annotations

import argparse
import json
import sys
import time
from typing import Any
from urllib.parse import quote

from sqlalchemy.engine import make_url

from worker.settings import Settings


def add_commands(sub: Any) -> None:
    retry = sub.add_parser("retry", help="run failed files again from the stage that failed")
    retry.add_argument("file_ids", type=int, nargs="*", help="ids of failed files (see `wirewatch status`)")
    retry.add_argument("--all-failed", action="store_true", help="every failed file")
    retry.add_argument("--error", help="failed files whose error contains this text (case-insensitive)")
    retry.add_argument("--stage", help="failed files that failed in this stage (register, parse, extract, link)")
    retry.add_argument("--dry-run", action="store_true", help="list the files, change nothing")
    retry.set_defaults(func=cmd_retry)

    status = sub.add_parser("status", help="files by status, queue depths, recent failures, backlog")
    status.add_argument("--json", action="store_true", help="one JSON object")
    status.add_argument("--failures", type=int, default=10, help="how many recent failures to list")
    status.add_argument("--follow", action="store_true", help="a progress bar until the backlog is finished")
    status.set_defaults(func=cmd_status)

    dsn = sub.add_parser("dsn", help="the database URL for psql (or --redis: the broker URL)")
    dsn.add_argument("--redis", action="store_true")
    dsn.set_defaults(func=cmd_dsn)

    consolidate = sub.add_parser(
        "consolidate", help="rebuild every story now, in an order no arrival decides (the watcher also schedules it)"
    )
    consolidate.set_defaults(func=cmd_consolidate)


def _need(settings: Settings, *names: str) -> None:
    missing = [n.upper() for n in names if not getattr(settings, n)]
    if missing:
        sys.exit(f"{' and '.join(missing)} not set and no `wirewatch up` running with data dir {settings.data_dir}")


def cmd_retry(args: argparse.Namespace, settings: Settings) -> int:
    _need(settings, "database_url", "redis_url")
    if not (args.file_ids or args.all_failed or args.error or args.stage):
        sys.exit("say which files: IDs, --all-failed, --error TEXT or --stage STAGE")
    from worker import ops
    from worker.storage.db import session_scope

    with session_scope() as session:
        ids = ops.failed_file_ids(session, ids=args.file_ids or None, error=args.error, stage=args.stage)
        for file_id in sorted(set(args.file_ids) - set(ids)):
            print(f"{file_id}: skipped, not a failed file")
        if args.dry_run:
            for file_id in ids:
                print(f"{file_id}: would retry")
            return 0
        results = ops.retry_files(session, ids, settings.max_file_bytes)
    for r in results:
        if r.skipped:
            print(f"{r.file_id}: skipped, {r.skipped}")
        else:
            back = f"; moved back to {r.restored_to}" if r.restored_to else ""
            print(f"{r.file_id}: queued again as {r.status}{back}")
    print(f"{sum(r.status is not None for r in results)} file(s) queued again")
    return 0


def cmd_consolidate(args: argparse.Namespace, settings: Settings) -> int:
    _need(settings, "database_url")
    from worker.storage.db import session_scope
    from worker.storage.linking import consolidate_stories

    with session_scope() as session:
        run = consolidate_stories(session, settings.story_consolidation_window)
        session.commit()
        print(
            f"{run.article_count} articles: {run.stories_before} stories before, {run.stories_after} after, "
            f"{run.articles_moved} articles moved"
        )
    return 0


def cmd_status(args: argparse.Namespace, settings: Settings) -> int:
    _need(settings, "database_url")
    from worker import ops
    from worker.storage.db import session_scope

    if args.follow:
        return follow(settings)
    with session_scope() as session:
        report = ops.status_report(session, settings, args.failures)
    if args.json:
        print(json.dumps(report.as_dict(), indent=2))
    else:
        print(format_status(report))
    return 0


def format_status(report: Any) -> str:
    lines = ["files:   " + "  ".join(f"{k} {v}" for k, v in report.files.items())]
    b = report.backlog
    pct = 100 * b["finished"] / b["registered"] if b["registered"] else 100.0
    lines.append(f"backlog: {b['finished']}/{b['registered']} finished ({pct:.1f}%), {b['in_progress']} in progress")
    if "scan" in b:
        s = b["scan"]
        lines.append(f"scan:    {s['registered']}/{s['total']} registered (folder scan started {s['started']})")
    if report.broker_error:
        lines.append(f"queues:  broker unreachable: {report.broker_error}")
    else:
        queues = (f"{k} {v} waiting/{report.in_flight[k]} running" for k, v in report.queues.items())
        lines.append("queues:  " + "  ".join(queues))
    stories, last = report.stories, report.stories.get("last_consolidation")
    if stories:
        done = (
            f"last consolidated {last['finished_at']} ({last['articles']} articles, {last['articles_moved']} moved)"
            if last
            else "not consolidated yet"
        )
        lines.append(f"stories: {stories['live']}, {done}")
    lines.append(f"recent failures ({len(report.failures)}):" if report.failures else "recent failures: none")
    for f in report.failures:
        lines.append(f"  {f['file_id']:>6}  {f['stage'] or '?':<8} {f['path']}")
        lines.append(f"          {f['error']}")
    if report.failures:
        lines.append("retry with: wirewatch retry ID | --all-failed | --error TEXT")
    return "\n".join(lines)


def follow(settings: Settings) -> int:
    """A tqdm bar of finished / registered files, until nothing is in progress (or Ctrl-C)."""
    from tqdm import tqdm

    from worker import ops
    from worker.storage.db import session_scope

    with tqdm(unit="file", desc="finished", dynamic_ncols=True) as bar:
        try:
            while True:
                with session_scope() as session:
                    counts = ops.file_counts(session)
                b = ops.backlog(counts, settings.data_dir / "watcher.progress.json")
                bar.total = b["registered"]
                bar.n = b["finished"]
                bar.set_postfix(failed=counts["failed"], in_progress=b["in_progress"])
                bar.refresh()
                if b["in_progress"] == 0 and b["registered"]:
                    return 0
                time.sleep(1)
        except KeyboardInterrupt:
            return 130


def cmd_dsn(args: argparse.Namespace, settings: Settings) -> int:
    if args.redis:
        _need(settings, "redis_url")
        assert settings.redis_url
        print(settings.redis_url)
    else:
        _need(settings, "database_url")
        assert settings.database_url
        print(libpq_url(settings.database_url))
    return 0


def libpq_url(url: str) -> str:
    """The URL psql and other libpq tools accept: no SQLAlchemy driver suffix, and a unix socket
    directory as ``?host=/dir`` (``postgresql://user@/db?host=/socket/dir``)."""
    u = make_url(url)
    auth = quote(u.username or "", safe="")
    if u.password:
        auth += ":" + quote(str(u.password), safe="")
    host = u.host or ""
    if u.port:
        host += f":{u.port}"
    query = "&".join(f"{k}={quote(str(v), safe='/')}" for k, v in u.query.items())
    return f"postgresql://{auth + '@' if auth else ''}{host}/{u.database or ''}" + (f"?{query}" if query else "")
