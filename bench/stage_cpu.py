"""CPU per article of each stage's task, in one process, without Celery's queues: the figure that
other people's load on a shared machine distorts least. Also counts SQL statements per article
and prints fingerprints of what the stage stored, to check that a change left results identical.

    .venv/bin/python bench/stage_cpu.py stage --n 250 --warm 100   # database wirewatch_stagecpu_tmpl
    .venv/bin/python bench/stage_cpu.py link [--profile link.prof]   # also: parse, extract

Databases are named ``$WIREWATCH_STAGECPU_PREFIX`` (default ``wirewatch_stagecpu``) + ``_tmpl`` or
``_<stage>``: give each person sharing a server a prefix of their own.

``stage`` registers the first N PolNeAR files (sorted by name) in a template database, runs
parse and extract on all of them and links the first --warm (so common names and stories exist,
as in a running service). Each measuring command copies the template (CREATE DATABASE ...
TEMPLATE) and runs the stage's task (`worker.tasks.parse/extract/link`, eager) on the other
N - warm files, one at a time: ``parse`` and ``extract`` first put their files back to the stage's
input status. CPU is this process's user+system time, and for Postgres the user+system time of
the backends serving the copy (read from /proc: run it on the database's host). Run it with
``PYTHONPATH`` pointing at an export of another revision's ``worker/`` and ``infra/`` to compare."""

from __future__ import annotations

import argparse
import cProfile
import hashlib
import os
import time
from pathlib import Path
from typing import Any

import psycopg

PREFIX = os.environ.get("WIREWATCH_STAGECPU_PREFIX", "wirewatch_stagecpu")  # one per person on a shared server
TEMPLATE = f"{PREFIX}_tmpl"
INPUT = {"parse": "queued", "extract": "parsed", "link": "extracted"}
FINGERPRINTS = {
    "parse": [
        "SELECT md5(string_agg(a.clean_text || coalesce(a.title, '') || p.position || p.kind || p.start || p.text, ','"
        " ORDER BY a.file_id, p.position)) FROM articles a JOIN paragraphs p ON p.article_id = a.id",
    ],
    "extract": [
        "SELECT md5(string_agg(article_id || article_entity || start || ':' || \"end\" || attributes::text, ','"
        " ORDER BY id)) FROM entity_mentions",
        "SELECT md5(string_agg(article_id || text || start || coalesce(speaker_name, '-') || kind, ',' ORDER BY id))"
        " FROM quotes",
    ],
    "link": [
        "SELECT md5(string_agg(id || ':' || coalesce(story_id::text, '-'), ',' ORDER BY id)) FROM articles",
        "SELECT md5(string_agg(article_id || article_entity || entity_type || entity_id || linked_entity_id || evidence"
        " || surfaces::text || mention_count, ',' ORDER BY article_id, article_entity, entity_type)) FROM entity_links",
        "SELECT md5(string_agg(id || ':' || key || article_count || coalesce(merged_into_id::text, '-'), ','"
        " ORDER BY id)) FROM entities",
        "SELECT md5(string_agg(entity_id || alias || count || source, ',' ORDER BY entity_id, alias))"
        " FROM entity_aliases",
        "SELECT md5(string_agg(article_id || ':' || entity_id, ',' ORDER BY id)) FROM entity_mentions",
        # quote clusters as a partition (cluster ids themselves depend on flush order)
        "SELECT md5(string_agg(id || ':' || rep || t || s, ',' ORDER BY id)) FROM (SELECT q.id, c.text AS t,"
        " min(q.id) OVER (PARTITION BY q.cluster_id) AS rep, coalesce(c.speaker_entity_id::text, '-') AS s"
        " FROM quotes q JOIN quote_clusters c ON c.id = q.cluster_id) x",
        "SELECT md5(string_agg(id || ':' || article_count || coalesce(first_date::text, '-')"
        " || coalesce(last_date::text, '-') || coalesce(merged_into_id::text, '-'), ',' ORDER BY id)) FROM stories",
        "SELECT md5(string_agg(story_id || ':' || term || ':' || round(weight::numeric, 9), ','"
        " ORDER BY story_id, term)) FROM story_terms",
        "SELECT md5(string_agg(story_id || ':' || entity_id || ':' || round(weight::numeric, 9), ','"
        " ORDER BY story_id, entity_id)) FROM story_entities",
        "SELECT md5(string_agg(article_id || ':' || duplicate_of_id, ',' ORDER BY 1)) FROM near_duplicates",
    ],
}


class Server:
    def __init__(self, url: str) -> None:
        self.url = url

    def admin(self, sql: str) -> None:
        with psycopg.connect(self.url, autocommit=True) as conn:
            conn.execute(sql)

    def database_url(self, name: str) -> str:
        return self.url.rsplit("/", 1)[0] + "/" + name

    def copy(self, name: str) -> str:
        self.admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        self.admin(f'CREATE DATABASE "{name}" TEMPLATE "{TEMPLATE}"')
        return self.database_url(name)

    def backend_cpu_s(self, name: str) -> float:
        with psycopg.connect(self.url, autocommit=True) as conn:
            pids = [r[0] for r in conn.execute("SELECT pid FROM pg_stat_activity WHERE datname = %s", (name,))]
        total = 0.0
        for pid in pids:
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        return total


def use(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("WIREWATCH_LOG_LEVEL", "WARNING")
    from worker.celery_app import app
    from worker.logs import configure_logging

    configure_logging("json", "WARNING")
    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True


def stage(server: Server, texts: Path, n: int, warm: int) -> None:
    server.admin(f'DROP DATABASE IF EXISTS "{TEMPLATE}" WITH (FORCE)')
    server.admin(f'CREATE DATABASE "{TEMPLATE}"')
    use(server.database_url(TEMPLATE))
    from worker import tasks
    from worker.storage import files
    from worker.storage.db import get_engine, session_scope
    from worker.storage.migrate import upgrade_to_head

    upgrade_to_head(os.environ["DATABASE_URL"])
    link = tasks.link.delay
    for i, path in enumerate(sorted(p for p in texts.iterdir() if p.is_file())[:n]):
        raw = path.read_bytes()
        with session_scope() as session:
            sha = hashlib.sha256(raw).hexdigest()
            reg = files.register_file(session, path=str(path), sha256=sha, content=raw, size=len(raw), mtime_ns=i)
            session.commit()
        tasks.link.delay = link if i < warm else (lambda *a, **k: None)  # type: ignore[method-assign]
        tasks.parse(reg.file_id)
    get_engine().dispose()
    print(f"staged {n} articles in {TEMPLATE}, the first {warm} linked")


def measure(server: Server, step: str, profile: str | None) -> dict[str, Any]:
    name = f"{PREFIX}_{step}"
    use(server.copy(name))
    from sqlalchemy import Engine, event, text

    from worker import tasks
    from worker.storage.db import get_engine, session_scope

    with session_scope() as session:
        todo = list(
            session.execute(text("SELECT id FROM ingested_files WHERE status = 'extracted' ORDER BY id")).scalars()
        )
        if step == "parse":
            session.execute(text("DELETE FROM articles WHERE file_id = ANY(:ids)"), {"ids": todo})
        session.execute(
            text("UPDATE ingested_files SET status = :s WHERE id = ANY(:ids)"), {"s": INPUT[step], "ids": todo}
        )
        session.commit()
    for later in ("extract", "link"):  # the next stage is not run
        getattr(tasks, later).delay = lambda *a, **k: None
    run = getattr(tasks, step)
    if step == "extract":  # the model loaded and warm, as in a worker process
        from worker.pipeline.extract import load_nlp
        from worker.settings import get_settings

        list(load_nlp(get_settings().spacy_model).pipe(["Jane Doe said in Paris on Monday that it was warm."]))
    statements = [0]
    event.listen(Engine, "before_cursor_execute", lambda *_: statements.__setitem__(0, statements[0] + 1))
    profiler = cProfile.Profile(time.process_time) if profile else None
    pg0, cpu0, wall0 = server.backend_cpu_s(name), time.process_time(), time.perf_counter()
    for file_id in todo:
        if profiler:
            profiler.enable()
        run(file_id)
        if profiler:
            profiler.disable()
    cpu, wall, pg = time.process_time() - cpu0, time.perf_counter() - wall0, server.backend_cpu_s(name) - pg0
    with session_scope() as session:
        fingerprints = [session.execute(text(q)).scalar() for q in FINGERPRINTS[step]]
    get_engine().dispose()
    server.admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    if profiler:
        profiler.dump_stats(profile)
    k = len(todo)
    return {
        "stage": step,
        "articles": k,
        "worker_cpu_ms": round(cpu / k * 1000, 1),
        "postgres_cpu_ms": round(pg / k * 1000, 1),
        "wall_ms": round(wall / k * 1000, 1),
        "statements": round(statements[0] / k, 1),
        "fingerprints": fingerprints,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("step", choices=["stage", "parse", "extract", "link"])
    parser.add_argument("--texts", type=Path, default=Path("/work/shared/data/polnear-train/text"))
    parser.add_argument("--n", type=int, default=250)
    parser.add_argument("--warm", type=int, default=100)
    parser.add_argument("--profile", help="write a cProfile (CPU time) of the measured tasks here")
    parser.add_argument(
        "--database-url", default=os.environ.get("DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
    )
    args = parser.parse_args()
    server = Server(args.database_url.replace("postgresql+psycopg://", "postgresql://"))
    if args.step == "stage":
        stage(server, args.texts, args.n, args.warm)
    else:
        print(measure(server, args.step, args.profile))


if __name__ == "__main__":
    main()
