"""End to end: the real services as processes (the commands docker-compose.yml gives) against a
real Postgres and Redis, N articles dropped into the watch folder, compared with bare spaCy
``nlp.pipe`` on the same clean texts with as many processes, in the same run.

    .venv/bin/python bench/e2e.py --texts /work/shared/data/polnear-train/text --n 200 \\
        --out bench/results/e2e.json
    .venv/bin/python bench/e2e.py --texts ... --n 300 --link-scaling 1 2 4   # link stage alone
    .venv/bin/python bench/e2e.py --texts ... --n 10000 --latency 0 --rss-every 1000   # memory

A fresh database ``wirewatch_bench_<random>`` (on the server of --database-url, default the
DATABASE_URL environment variable or the machine's Postgres) and a fresh Celery queue prefix are
used per run and dropped at the end. Phases:
1. warm-up: one article per worker process;
2. latency (--latency K): on the idle service, K articles written one at a time (open, write,
   close); time from close to the row's ``finished_at``;
3. throughput: N articles written at once; articles/s from the first write to the last
   ``finished_at``; worker RSS sampled every --rss-every done articles; per-stage task time
   from the worker's "succeeded in" log lines;
4. bare spaCy: the services are stopped, then ``nlp.pipe(clean_texts, n_process=C)`` on the
   same articles' parsed text (the model loaded as the worker loads it). Ratio = 3 / 4.
5. --link-scaling P...: parse+extract the N articles with the link queue unconsumed, clone the
   database (CREATE DATABASE ... TEMPLATE) per P, and time a link-only worker with P processes,
   sampling pg_stat_activity meanwhile (backend states; lock waits by the waiting statement).
More articles than files: a file's text is reused with a numbered last line, so its content (and
sha256) differs and it is ingested as a new article."""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import random
import re
import resource
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter, defaultdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parents[1]
WIREWATCH = str(Path(sys.executable).parent / "wirewatch")
SUCCEEDED = re.compile(r"Task wirewatch\.(\w+)\[[^\]]+\] succeeded in ([0-9.]+)s")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def article_texts(folder: Path, n: int) -> list[tuple[str, bytes]]:
    files = sorted(p for p in folder.iterdir() if p.is_file())
    out, seen = [], set()
    for i in range(n):
        path = files[i % len(files)]
        raw = path.read_bytes()
        if i >= len(files) or raw in seen:  # a reused text: a new article by its content
            raw += f"\n\n(bench copy {i})\n".encode()
        seen.add(raw)
        out.append((f"{i:06d}_{path.name}", raw))
    return out


class Services:
    """migrate, worker, watch: the compose commands, as processes in their own sessions."""

    def __init__(self, env: dict[str, str], logs: Path) -> None:
        self.env, self.logs = env, logs
        self.procs: dict[str, subprocess.Popen[bytes]] = {}

    def run(self, *args: str) -> None:
        subprocess.run([WIREWATCH, *args], env=self.env, check=True, capture_output=True, timeout=300)

    def start(self, name: str, *args: str, env: dict[str, str] | None = None) -> None:
        out = (self.logs / f"{name}.log").open("ab")
        self.procs[name] = subprocess.Popen(
            [WIREWATCH, *args], env=env or self.env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )

    def stop(self, name: str) -> None:
        proc = self.procs.pop(name)
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()

    def stop_all(self) -> None:
        for name in list(self.procs):
            self.stop(name)

    def cpu(self) -> float:
        """CPU seconds of every service process so far: main processes, their reaped children,
        their live pool processes."""
        return sum(self.cpu_by_process().values())

    def cpu_by_process(self) -> dict[str, float]:
        """The same, per service: its main process (with reaped children) and its live pool."""
        out: dict[str, float] = {}
        for name, proc in self.procs.items():
            out[f"{name} main"] = cpu_s(proc.pid, children=True)
            out[f"{name} pool"] = sum(cpu_s(p) for p in self.pool_pids(name))
        return out

    def pool_pids(self, name: str) -> list[int]:
        """The worker's pool processes (children of the Celery main process)."""
        main = self.procs[name].pid
        out = subprocess.run(["pgrep", "-P", str(main)], capture_output=True, text=True, check=False).stdout
        return [int(p) for p in out.split()]

    def task_times(self, name: str) -> dict[str, dict[str, float]]:
        times: dict[str, list[float]] = defaultdict(list)
        for match in SUCCEEDED.finditer((self.logs / f"{name}.log").read_text(errors="replace")):
            times[match.group(1)].append(float(match.group(2)))
        return {
            stage: {
                "tasks": len(v),
                "mean_ms": round(1000 * statistics.fmean(v), 1),
                "median_ms": round(1000 * statistics.median(v), 1),
                "total_s": round(sum(v), 2),
            }
            for stage, v in times.items()
        }


def cpu_s(pid: int, children: bool = False) -> float:
    """User + system CPU seconds of a process (and of its reaped children)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError):
        return 0.0
    ticks = sum(int(f) for f in fields[11 : 15 if children else 13])
    return ticks / os.sysconf("SC_CLK_TCK")


def rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except FileNotFoundError:
        pass
    return 0.0


class Database:
    def __init__(self, admin_dsn: str, name: str) -> None:
        self.admin_dsn, self.name = admin_dsn, name

    @property
    def url(self) -> str:
        return make_url(self.admin_dsn).set(database=self.name).render_as_string(hide_password=False)

    def admin(self, sql: str) -> None:
        with psycopg.connect(self.admin_dsn, autocommit=True) as conn:
            conn.execute(sql)

    def create(self, template: str | None = None) -> None:
        self.admin(f'CREATE DATABASE "{self.name}"' + (f' TEMPLATE "{template}"' if template else ""))

    def drop(self) -> None:
        self.admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')

    def query(self, sql: str, params: dict[str, Any] | None = None) -> list[tuple[Any, ...]]:
        with psycopg.connect(self.url) as conn:
            return list(conn.execute(sql, params or {}))

    def backend_cpu(self) -> dict[int, float]:
        """CPU seconds of the Postgres backends serving this database (same machine only)."""
        pids = [r[0] for r in self.query("SELECT pid FROM pg_stat_activity WHERE datname = %(d)s", {"d": self.name})]
        return {pid: cpu_s(pid) for pid in pids}

    def counts(self) -> dict[str, int]:
        return dict(self.query("SELECT status, count(*) FROM ingested_files GROUP BY status"))

    def finished(self) -> dict[str, tuple[str, datetime | None]]:
        rows = self.query("SELECT path, status, finished_at FROM ingested_files")
        return {Path(r[0]).name: (r[1], r[2]) for r in rows}


def add_server_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--database-url",
        default=os.environ.get("DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres"),
        help="a server/admin URL; a fresh database is created on it",
    )
    parser.add_argument("--redis-url", default=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"))


def fresh_database(database_url: str) -> Database:
    """A database of a random name on the server of ``database_url`` (created by the caller)."""
    admin = make_url(database_url.replace("postgresql+psycopg://", "postgresql://"))
    return Database(admin.render_as_string(hide_password=False), f"wirewatch_bench_{uuid.uuid4().hex[:8]}")


class WaitSampler(threading.Thread):
    """Every 0.2 s, what each client backend of the database is doing: running (`active`),
    waiting for a lock (`Lock:advisory`, `Lock:transactionid`...), or waiting for its client
    (`idle in transaction`: the worker is computing; `idle`: between tasks)."""

    def __init__(self, db: Database) -> None:
        super().__init__(daemon=True)
        self.db, self.samples, self.stopped = db, Counter[str](), threading.Event()
        self.waiting = Counter[str]()  # lock waits by the statement that waits

    def run(self) -> None:
        with psycopg.connect(self.db.url, autocommit=True) as conn:
            while not self.stopped.is_set():
                rows = conn.execute(
                    "SELECT state, wait_event_type, wait_event, left(regexp_replace(query, '\\s+', ' ', 'g'), 70) "
                    "FROM pg_stat_activity WHERE datname = %(d)s "
                    "AND backend_type = 'client backend' AND pid <> pg_backend_pid()",
                    {"d": self.db.name},
                ).fetchall()
                for state, wtype, event, query in rows:
                    lock = wtype in ("Lock", "LWLock", "IO")
                    self.samples[f"{state} {wtype}:{event}" if lock else str(state)] += 1
                    if wtype == "Lock":
                        self.waiting[f"{event}: {query}"] += 1
                self.stopped.wait(0.2)

    def stop(self) -> dict[str, float]:
        self.stopped.set()
        self.join(10)
        total = sum(self.samples.values()) or 1
        out = {k: round(v / total, 3) for k, v in self.samples.most_common()}
        return {**out, "lock waits by statement (samples)": dict(self.waiting.most_common(12))}


def wait_until(predicate: Any, timeout: float, what: str, interval: float = 0.05) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(interval)
    raise SystemExit(f"timed out after {timeout:.0f}s waiting for {what}")


def settled(db: Database, expected: int) -> bool:
    counts = db.counts()
    return counts.get("done", 0) + counts.get("failed", 0) >= expected


def write(path: Path, raw: bytes) -> float:
    with path.open("wb") as f:
        f.write(raw)
    return time.time()  # the moment the writer closed it


def measure_latency(db: Database, inbox: Path, docs: list[tuple[str, bytes]], done_before: int) -> dict[str, Any]:
    delays = []
    for i, (name, raw) in enumerate(docs):
        closed = write(inbox / name, raw)
        wait_until(lambda i=i: settled(db, done_before + i + 1), 120, f"latency article {name}", interval=0.01)
        status, finished = db.finished()[name]
        assert finished is not None, status
        delays.append(finished.replace(tzinfo=UTC).timestamp() - closed)
        time.sleep(0.3)  # idle between drops
    return {
        "articles": len(delays),
        "median_s": round(statistics.median(delays), 3),
        "p95_s": round(percentile(delays, 0.95), 3),
        "max_s": round(max(delays), 3),
    }


def measure_throughput(
    db: Database, services: Services, inbox: Path, docs: list[tuple[str, bytes]], done_before: int, rss_every: int
) -> dict[str, Any]:
    cpu_before, pg_before = services.cpu_by_process(), db.backend_cpu()
    start = time.time()
    for name, raw in docs:
        write(inbox / name, raw)
    written = time.time() - start
    rss: list[dict[str, Any]] = []
    next_sample = rss_every
    while True:
        counts = db.counts()
        settled_now = counts.get("done", 0) + counts.get("failed", 0) - done_before
        if rss_every and settled_now >= next_sample:
            rss.append({"articles": settled_now, "rss_mb": [round(rss_mb(p), 1) for p in services.pool_pids("worker")]})
            print(f"  {settled_now} articles: worker RSS {rss[-1]['rss_mb']} MB", flush=True)
            next_sample += rss_every
        if settled_now >= len(docs):
            break
        time.sleep(0.2)
    cpu_after = services.cpu_by_process()
    by_process = {k: round(v - cpu_before.get(k, 0.0), 2) for k, v in cpu_after.items()}
    cpu = sum(by_process.values())
    pg = sum(v - pg_before.get(pid, 0.0) for pid, v in db.backend_cpu().items())
    names = {name for name, _ in docs}
    rows = {k: v for k, v in db.finished().items() if k in names}
    last = max(f.replace(tzinfo=UTC).timestamp() for _, f in rows.values() if f is not None)
    elapsed = last - start
    failed = sorted(k for k, (status, _) in rows.items() if status == "failed")
    return {
        "articles": len(docs),
        "failed": len(failed),
        "write_s": round(written, 2),
        "elapsed_s": round(elapsed, 2),
        "articles_per_s": round(len(docs) / elapsed, 3),
        "cpu_s": {"services": round(cpu, 2), "postgres": round(pg, 2), "by_process": by_process},
        "cpu_ms_per_article": round(1000 * (cpu + pg) / len(docs), 1),
        "rss_samples": rss,
        "end_rss_mb": [round(rss_mb(p), 1) for p in services.pool_pids("worker")],
    }


def bare_spacy(docs: list[tuple[str, bytes]], processes: int, batch_size: int) -> dict[str, Any]:
    from worker.pipeline.extract import load_nlp
    from worker.pipeline.parse import BadInput, parse_document
    from worker.settings import get_settings

    texts = []
    for name, raw in docs:
        with contextlib.suppress(BadInput):
            texts.append(parse_document(raw, name).text)
    nlp = load_nlp(get_settings().spacy_model)
    list(nlp.pipe(texts[:4]))
    usage = [resource.getrusage(w) for w in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)]
    start = time.perf_counter()
    for _ in nlp.pipe(texts, n_process=processes, batch_size=batch_size):
        pass
    elapsed = time.perf_counter() - start
    after = [resource.getrusage(w) for w in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)]
    cpu = sum(a.ru_utime + a.ru_stime - b.ru_utime - b.ru_stime for a, b in zip(after, usage, strict=True))
    return {
        "cpu_ms_per_article": round(1000 * cpu / len(texts), 1),
        "articles": len(texts),
        "processes": processes,
        "batch_size": batch_size,
        "components": nlp.pipe_names,
        "elapsed_s": round(elapsed, 2),
        "articles_per_s": round(len(texts) / elapsed, 3),
    }


def send_links(broker: str, queue: str, file_ids: list[int]) -> None:
    from celery import Celery

    with Celery(broker=broker) as app:
        for file_id in file_ids:
            app.send_task("wirewatch.link", args=[file_id], queue=queue)


def link_scaling(
    db: Database, services: Services, env: dict[str, str], docs: list[tuple[str, bytes]], procs: list[int], warm: int
) -> dict[str, Any]:
    """Parse and extract everything with nobody consuming the link queue; link the first ``warm``
    articles (a corpus that already knows the common names, as a running service does); then per
    P: a clone of that database, the other files' link tasks sent, a link-only worker with P
    processes timed."""
    inbox = Path(env["WIREWATCH_WATCH_DIR"])
    services.start("extract-worker", "worker", "--stages", "parse,extract")
    services.start("watcher", "watch")
    for name, raw in docs:
        write(inbox / name, raw)
    wait_until(lambda: db.counts().get("extracted", 0) + db.counts().get("failed", 0) >= len(docs), 3600, "extraction")
    services.stop_all()
    if warm:
        first = [r[0] for r in db.query("SELECT id FROM ingested_files WHERE status = 'extracted' ORDER BY id")][:warm]
        send_links(env["REDIS_URL"], env["WIREWATCH_QUEUE_PREFIX"] + ".link", first)
        services.start("warm-link-worker", "worker", "--stages", "link", "--concurrency", "2")
        wait_until(lambda: settled(db, len(first)), 3600, "linking the first articles")
        services.stop_all()
    out: dict[str, Any] = {}
    for p in procs:
        clone = Database(db.admin_dsn, f"{db.name}_p{p}")
        clone.create(template=db.name)
        prefix = f"{env['WIREWATCH_QUEUE_PREFIX']}-p{p}"
        penv = {**env, "DATABASE_URL": clone.url, "WIREWATCH_QUEUE_PREFIX": prefix}
        ids = [r[0] for r in clone.query("SELECT id FROM ingested_files WHERE status = 'extracted' ORDER BY id")]
        expected = len(ids) + sum(n for status, n in clone.counts().items() if status in ("done", "failed"))
        try:
            send_links(env["REDIS_URL"], f"{prefix}.link", ids)
            start, load_before = time.time(), os.getloadavg()[0]
            sampler = WaitSampler(clone)
            sampler.start()
            services.start(f"link-worker-p{p}", "worker", "--stages", "link", "--concurrency", str(p), env=penv)
            wait_until(lambda clone=clone, n=expected: settled(clone, n), 3600, f"linking with {p} processes")
            backend_states = sampler.stop()
            worker_cpu = sum(v for k, v in services.cpu_by_process().items() if k.startswith(f"link-worker-p{p} "))
            first, last = clone.query(
                "SELECT min(finished_at), max(finished_at) FROM ingested_files WHERE id = ANY(%(ids)s)", {"ids": ids}
            )[0]
            dupes = clone.query(
                "SELECT (SELECT count(*) - count(DISTINCT (type, key)) FROM entities), "
                "(SELECT count(*) FROM quote_clusters), (SELECT count(*) FROM stories), "
                "(SELECT count(*) FROM entities)"
            )[0]
            services.stop(f"link-worker-p{p}")
            # from the first article linked to the last: worker start-up is not link time
            span = (last - first).total_seconds()
            out[str(p)] = {
                "processes": p,
                "articles": len(ids),
                "elapsed_s": round(span, 2),
                "articles_per_s": round((len(ids) - 1) / span, 3),
                "wall_incl_startup_s": round(last.replace(tzinfo=UTC).timestamp() - start, 2),
                "duplicate_entity_keys": dupes[0],
                "quote_clusters": dupes[1],
                "stories": dupes[2],
                "entities": dupes[3],
                "link_task": services.task_times(f"link-worker-p{p}").get("link"),
                # share of (backend x 0.2 s) samples; includes the worker's start-up (idle)
                "backend_states": backend_states,
                "worker_cpu_ms_per_article": round(1000 * worker_cpu / len(ids), 1),
                "load_average_before_after": [round(load_before, 2), round(os.getloadavg()[0], 2)],
            }
            print(f"  link with {p} processes: {out[str(p)]}", flush=True)
        finally:
            clone.drop()
    base = out[str(procs[0])]["articles_per_s"]
    for r in out.values():
        r["speedup"] = round(r["articles_per_s"] / base, 2)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--texts", type=Path, required=True, help="a folder of article files")
    parser.add_argument("--n", type=int, default=150, help="articles dropped at once")
    parser.add_argument("--latency", type=int, default=20, help="articles dropped one at a time first")
    parser.add_argument("--concurrency", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--worker-concurrency", type=int, help="worker processes (default: --concurrency)")
    parser.add_argument("--batch-size", type=int, default=8, help="bare spaCy nlp.pipe batch size")
    parser.add_argument("--bare-limit", type=int, default=0, help="bare spaCy on the first N of them (0: all)")
    parser.add_argument("--rss-every", type=int, default=0, help="sample worker RSS every N done articles")
    parser.add_argument("--warm-link", type=int, default=0, help="link scaling: link this many first, untimed")
    parser.add_argument("--shuffle", action="store_true", help="articles in random order (seeded), not by file name")
    parser.add_argument("--link-scaling", type=int, nargs="*", help="only the link-stage scaling, these P")
    add_server_args(parser)
    parser.add_argument("--keep", action="store_true", help="keep the database and logs")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "e2e.json")
    args = parser.parse_args(argv)
    workers = args.worker_concurrency or args.concurrency

    db = fresh_database(args.database_url)
    base = Path(tempfile.mkdtemp(prefix="wirewatch-e2e-"))
    inbox, logs = base / "inbox", base / "logs"
    inbox.mkdir()
    logs.mkdir()
    env = {
        **os.environ,
        "DATABASE_URL": db.url,
        "REDIS_URL": args.redis_url,
        "WIREWATCH_QUEUE_PREFIX": f"wwbench-{uuid.uuid4().hex[:8]}",
        "WIREWATCH_WATCH_DIR": str(inbox),
        "WIREWATCH_DATA_DIR": str(base / "state"),
        "WIREWATCH_QUARANTINE_DIR": str(base / "quarantine"),
        "WIREWATCH_WORKER_CONCURRENCY": str(workers),
        "WIREWATCH_LOG_FORMAT": "json",
    }
    docs = article_texts(args.texts, args.concurrency + args.latency + args.n)
    if args.shuffle:  # file names sort by outlet and date: in order, neighbours share a story
        random.Random(7).shuffle(docs)
    warm, lat, bulk = docs[: args.concurrency], docs[args.concurrency : -args.n], docs[-args.n :]
    bare = bulk[: args.bare_limit] if args.bare_limit else bulk
    services = Services(env, logs)
    result: dict[str, Any] = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "load": os.getloadavg()},
        "args": {k: str(v) for k, v in vars(args).items() if k not in ("database_url",)},
        "logs": str(logs),
    }
    db.create()
    try:
        services.run("migrate")
        if args.link_scaling:
            result["link_scaling"] = link_scaling(db, services, env, bulk, args.link_scaling, args.warm_link)
        else:
            services.start("worker", "worker", "--concurrency", str(workers))
            services.start("watcher", "watch")
            for name, raw in warm:
                write(inbox / name, raw)
            wait_until(lambda: settled(db, len(warm)), 300, "warm-up")
            bare_before = bare_spacy(bare, args.concurrency, args.batch_size)  # services idle
            print(f"bare spaCy (before): {bare_before}", flush=True)
            if lat:
                result["latency"] = measure_latency(db, inbox, lat, len(warm))
                print(f"latency drop->done: {result['latency']}", flush=True)
            result["pipeline"] = measure_throughput(db, services, inbox, bulk, len(warm) + len(lat), args.rss_every)
            result["pipeline"]["task_times"] = services.task_times("worker")
            services.stop_all()
            print(f"pipeline: {result['pipeline']}", flush=True)
            bare_after = bare_spacy(bare, args.concurrency, args.batch_size)
            print(f"bare spaCy (after): {bare_after}", flush=True)
            result["bare_spacy"] = {"before": bare_before, "after": bare_after}
            bare_rate = statistics.fmean([bare_before["articles_per_s"], bare_after["articles_per_s"]])
            bare_cpu = statistics.fmean([bare_before["cpu_ms_per_article"], bare_after["cpu_ms_per_article"]])
            # wall clock (what a user sees, sensitive to other jobs on the machine) and CPU per
            # article (services + their Postgres backends vs spaCy alone)
            result["ratio"] = round(result["pipeline"]["articles_per_s"] / bare_rate, 3)
            result["cpu_ratio"] = round(bare_cpu / result["pipeline"]["cpu_ms_per_article"], 3)
            print(f"RATIO pipeline / bare spaCy: wall {result['ratio']}, CPU {result['cpu_ratio']}", flush=True)
        result["machine"]["load_after"] = os.getloadavg()
    finally:
        services.stop_all()
        if not args.keep:
            db.drop()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2, default=str) + "\n")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
