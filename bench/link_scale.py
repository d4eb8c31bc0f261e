"""Does the link stage stay flat as the corpus grows? Time per article at several corpus sizes.

    .venv/bin/python bench/link_scale.py --database-url postgresql://postgres@127.0.0.1:5432/test \\
        --sizes 1000 20000 --measure 200 --out bench/results/link_scale.json

A fresh database ``wirewatch_bench_<random>`` is created on the given server (dropped at the end
unless --keep-db), migrated to head, and filled with a synthetic corpus (bench/corpus.py: no
spaCy) in publication order, storing each article as the pipeline does (register_file,
upsert_article, replace_extraction, link_article; commits in batches). At each size N, the next
--measure articles of the stream are stored first and then linked one by one: only
``link_article`` + commit is timed. Those articles stay in the corpus, which then fills up to the
next size. Each link step (and each SQL statement, by normalized text) is timed as well, so a
step whose cost grows with the corpus shows up by name. Requirement: mean and median per article
at the largest size below 1.5x the smallest."""

from __future__ import annotations

import argparse
import functools
import hashlib
import importlib
import json
import pkgutil
import platform
import re
import statistics
import sys
import time
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import psycopg
from sqlalchemy import create_engine, event, func, select
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import Session, sessionmaker

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import CorpusGenerator, SynthArticle

from worker.settings import sqlalchemy_url
from worker.storage import articles, files, linking
from worker.storage.migrate import upgrade_to_head
from worker.storage.models import (
    Article,
    ArticleBucket,
    Entity,
    EntityAlias,
    NearDuplicate,
    Quote,
    QuoteCluster,
    QuoteTerm,
    Story,
)

# the link steps timed separately (module-level functions of worker.storage.linking's modules)
STEPS = ("unlink_entities", "link_entities", "cluster_quotes", "find_near_duplicates", "assign_story")
SUBSTEPS = (
    "find_candidates",
    "create_entities",
    "add_aliases",
    "absorb_one_word_names",
    "point_at_entities",
    "candidate_quotes",
    "choose_clusters",
    "article_weighted_entities",
    "candidate_stories",
    "join_story",
)

# ---------------------------------------------------------------------------------------------
# instrumentation: per step and per SQL statement


class Profiler:
    def __init__(self) -> None:
        self.enabled = False
        self.steps: dict[str, float] = defaultdict(float)
        self.step_calls: dict[str, int] = defaultdict(int)
        self.sql_time: dict[str, float] = defaultdict(float)
        self.sql_calls: dict[str, int] = defaultdict(int)
        self.sql_rows: dict[str, int] = defaultdict(int)
        self._started: list[float] = []

    def reset(self) -> None:
        for d in (self.steps, self.step_calls, self.sql_time, self.sql_calls, self.sql_rows):
            d.clear()

    def wrap(self, name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(fn)
        def timed(*args: Any, **kwargs: Any) -> Any:
            if not self.enabled:
                return fn(*args, **kwargs)
            t0 = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                self.steps[name] += time.perf_counter() - t0
                self.step_calls[name] += 1

        return timed

    def install(self, engine: Engine) -> None:
        # a step is called from the module of the step that runs it: wrap it wherever it is bound
        modules = [
            linking,
            *(importlib.import_module(f"{linking.__name__}.{m.name}") for m in pkgutil.iter_modules(linking.__path__)),
        ]
        for name in (*STEPS, *SUBSTEPS):
            step = getattr(linking, name)
            timed = self.wrap(name, step)
            for module in modules:
                if getattr(module, name, None) is step:
                    setattr(module, name, timed)

        @event.listens_for(engine, "before_cursor_execute")
        def before(conn: Any, cursor: Any, statement: str, params: Any, context: Any, executemany: bool) -> None:
            if self.enabled:
                conn.info.setdefault("bench_t0", []).append(time.perf_counter())

        @event.listens_for(engine, "after_cursor_execute")
        def after(conn: Any, cursor: Any, statement: str, params: Any, context: Any, executemany: bool) -> None:
            if not self.enabled or not conn.info.get("bench_t0"):
                return
            elapsed = time.perf_counter() - conn.info["bench_t0"].pop()
            key = normalize_sql(statement)
            self.sql_time[key] += elapsed
            self.sql_calls[key] += 1
            self.sql_rows[key] += max(cursor.rowcount, 0)


_PARAM = re.compile(r"%\(\w+\)s(?:::\w+(?:\[\])?)?")
_LISTS = re.compile(r"\((?:\?, )*\?\)(?:, \((?:\?, )*\?\))+")
_INLIST = re.compile(r"\?(?:, \?)+")


def normalize_sql(statement: str) -> str:
    s = " ".join(statement.split())
    s = _PARAM.sub("?", s)
    s = _LISTS.sub("(...)", s)
    return _INLIST.sub("...", s)


# ---------------------------------------------------------------------------------------------
# loading


def store(session: Session, article: SynthArticle, run_tag: str) -> int:
    parsed, extraction = article.render()
    raw = article.raw_bytes(parsed)
    digest = hashlib.sha256(raw + run_tag.encode() + str(article.index).encode()).hexdigest()
    reg = files.register_file(
        session,
        path=f"/bench/{run_tag}/{article.index:06d}.txt",
        sha256=digest,
        content=raw,
        size=len(raw),
        mtime_ns=article.index,
    )
    article_id = articles.upsert_article(session, reg.file_id, parsed)
    articles.replace_extraction(session, article_id, extraction)
    return article_id


def load(
    maker: sessionmaker[Session],
    stream: Iterator[SynthArticle],
    count: int,
    run_tag: str,
    batch: int,
    progress: list[dict[str, Any]],
    done_before: int,
    analyze_every: int,
) -> None:
    """Store and link ``count`` articles, committing every ``batch``; a line per 1,000 articles."""
    window_store = window_link = 0.0
    window_n = 0
    done = 0
    t_start = time.perf_counter()
    while done < count:
        with maker() as session:
            for _ in range(min(batch, count - done)):
                article = next(stream)
                t0 = time.perf_counter()
                article_id = store(session, article, run_tag)
                t1 = time.perf_counter()
                linking.link_article(session, article_id)
                t2 = time.perf_counter()
                window_store += t1 - t0
                window_link += t2 - t1
                window_n += 1
                done += 1
            t3 = time.perf_counter()
            session.commit()
            window_link += time.perf_counter() - t3  # the commit writes the link stage's rows too
        total = done_before + done
        if analyze_every and total // analyze_every != (total - batch) // analyze_every:
            # this server may run without autovacuum: refresh planner statistics as autovacuum would
            with maker() as session:
                session.connection().exec_driver_sql("ANALYZE")
                session.commit()
        if window_n >= 1000 or done == count:
            row = {
                "corpus_size": total,
                "articles": window_n,
                "store_ms": 1000 * window_store / window_n,
                "link_ms": 1000 * window_link / window_n,
            }
            progress.append(row)
            rate = done / (time.perf_counter() - t_start)
            print(
                f"  loaded {total:>6}  store {row['store_ms']:6.1f} ms/article  "
                f"link {row['link_ms']:6.1f} ms/article (incl. batch commit)  {rate:5.1f} articles/s",
                flush=True,
            )
            window_store = window_link = 0.0
            window_n = 0


def measure(
    maker: sessionmaker[Session], stream: Iterator[SynthArticle], n: int, run_tag: str, profiler: Profiler
) -> dict[str, Any]:
    with maker() as session:
        ids = [store(session, next(stream), run_tag) for _ in range(n)]
        session.commit()
    profiler.reset()
    timings = []
    with maker() as session:
        for article_id in ids:
            session.expunge_all()
            profiler.enabled = True
            t0 = time.perf_counter()
            linking.link_article(session, article_id)
            session.commit()
            timings.append(time.perf_counter() - t0)
            profiler.enabled = False
    ms = sorted(1000 * t for t in timings)
    steps = {name: 1000 * profiler.steps[name] / n for name in (*STEPS, *SUBSTEPS) if name in profiler.steps}
    step_calls = {name: profiler.step_calls[name] / n for name in steps}
    sql = [
        {
            "statement": key,
            "ms_per_article": 1000 * profiler.sql_time[key] / n,
            "calls_per_article": profiler.sql_calls[key] / n,
            "ms_per_call": 1000 * profiler.sql_time[key] / profiler.sql_calls[key],
            "rows_per_call": profiler.sql_rows[key] / profiler.sql_calls[key],
        }
        for key in sorted(profiler.sql_time, key=lambda k: -profiler.sql_time[k])
    ]
    return {
        "articles": n,
        "mean_ms": statistics.fmean(ms),
        "median_ms": statistics.median(ms),
        "p95_ms": ms[min(len(ms) - 1, round(0.95 * (len(ms) - 1)))],
        "min_ms": ms[0],
        "max_ms": ms[-1],
        "sql_ms_per_article": 1000 * sum(profiler.sql_time.values()) / n,
        "sql_calls_per_article": sum(profiler.sql_calls.values()) / n,
        "steps_ms_per_article": steps,
        "step_calls_per_article": step_calls,
        "sql": sql,
    }


def corpus_stats(session: Session) -> dict[str, int]:
    def count(model: Any) -> int:
        return int(session.execute(select(func.count()).select_from(model)).scalar_one())

    return {
        "entities": count(Entity),
        "entity_aliases": count(EntityAlias),
        "quotes": count(Quote),
        "quote_clusters": count(QuoteCluster),
        "quote_terms": count(QuoteTerm),
        "stories": count(Story),
        "lsh_buckets": count(ArticleBucket),
        "near_duplicates": count(NearDuplicate),
    }


# ---------------------------------------------------------------------------------------------
# reporting


def print_size(size: int, result: dict[str, Any]) -> None:
    print(
        f"\n== corpus {size:,}: link_article + commit over {result['articles']} new articles: "
        f"mean {result['mean_ms']:.1f} ms, median {result['median_ms']:.1f} ms, p95 {result['p95_ms']:.1f} ms "
        f"({result['sql_calls_per_article']:.0f} SQL statements, {result['sql_ms_per_article']:.1f} ms in SQL)"
    )
    print("   steps (ms/article, calls/article):")
    for name, ms in result["steps_ms_per_article"].items():
        indent = "     " if name in STEPS else "       . "
        print(f"{indent}{name:<28} {ms:7.2f}  x{result['step_calls_per_article'][name]:.1f}")


def print_comparison(results: dict[int, dict[str, Any]], sizes: list[int]) -> dict[str, Any]:
    small, large = sizes[0], sizes[-1]
    a, b = results[small], results[large]
    header = f"{'':<30}" + "".join(f"{s:>12,}" for s in sizes) + f"{'ratio':>9}"
    print("\n" + header)
    print("-" * len(header))

    def row(label: str, values: list[float], fmt: str = "{:12.2f}") -> float:
        ratio = values[-1] / values[0] if values[0] else float("inf")
        print(f"{label:<30}" + "".join(fmt.format(v) for v in values) + f"{ratio:8.2f}x")
        return ratio

    ratios = {
        "mean": row("link ms/article, mean", [results[s]["mean_ms"] for s in sizes]),
        "median": row("link ms/article, median", [results[s]["median_ms"] for s in sizes]),
        "p95": row("link ms/article, p95", [results[s]["p95_ms"] for s in sizes]),
        "sql": row("  of which SQL", [results[s]["sql_ms_per_article"] for s in sizes]),
    }
    for name in a["steps_ms_per_article"]:
        row(f"  {name}", [results[s]["steps_ms_per_article"].get(name, 0.0) for s in sizes])
    print("\nSQL statements whose time per article grew the most (ms/article; rows per call):")
    by_key_a = {q["statement"]: q for q in a["sql"]}
    growth = []
    for q in b["sql"]:
        before = by_key_a.get(q["statement"])
        base = before["ms_per_article"] if before else 0.0
        growth.append((q["ms_per_article"] - base, q, before))
    growth.sort(key=lambda g: -g[0])
    grown = []
    for delta, q, before in growth[:8]:
        base_ms = before["ms_per_article"] if before else 0.0
        base_rows = before["rows_per_call"] if before else 0.0
        print(
            f"  +{delta:6.2f}  {base_ms:6.2f} -> {q['ms_per_article']:6.2f} ms  "
            f"rows/call {base_rows:7.1f} -> {q['rows_per_call']:7.1f}  calls {q['calls_per_article']:.1f}\n"
            f"           {q['statement'][:220]}"
        )
        grown.append(
            {
                "statement": q["statement"],
                "ms_per_article": [base_ms, q["ms_per_article"]],
                "rows_per_call": [base_rows, q["rows_per_call"]],
                "calls_per_article": q["calls_per_article"],
            }
        )
    verdict = "PASS" if ratios["mean"] < 1.5 and ratios["median"] < 1.5 else "FAIL"
    print(
        f"\n{large:,} vs {small:,}: mean {ratios['mean']:.2f}x, median {ratios['median']:.2f}x "
        f"(requirement < 1.5x): {verdict}"
    )
    return {"sizes": [small, large], "ratios": ratios, "verdict": verdict, "sql_growth": grown}


# ---------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", required=True, help="a Postgres server; a fresh database is created on it")
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 20000])
    parser.add_argument("--measure", type=int, default=200, help="new articles timed at each size")
    parser.add_argument("--batch", type=int, default=50, help="articles per commit while loading")
    parser.add_argument("--per-day", type=int, default=150, help="articles published per day")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--analyze-every", type=int, default=500, help="ANALYZE every N loaded articles (0: never), as autovacuum would"
    )
    parser.add_argument("--out", type=Path, default=Path("bench/results/link_scale.json"))
    parser.add_argument("--keep-db", action="store_true", help="keep the benchmark database")
    parser.add_argument(
        "--reuse-db", metavar="NAME", help="continue a database kept by an earlier run (same --seed); implies --keep-db"
    )
    args = parser.parse_args(argv)
    sizes = sorted(set(args.sizes))

    admin = make_url(sqlalchemy_url(args.database_url))
    admin_dsn = admin.set(drivername="postgresql").render_as_string(hide_password=False)
    db_name = args.reuse_db or f"wirewatch_bench_{uuid.uuid4().hex[:8]}"
    if not args.reuse_db:
        with psycopg.connect(admin_dsn, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{db_name}"')
    bench_url = admin.set(database=db_name).render_as_string(hide_password=False)
    print(f"database {db_name}; sizes {sizes}; {args.measure} measured articles per size", flush=True)
    engine = create_engine(bench_url)
    try:
        upgrade_to_head(bench_url)
        maker = sessionmaker(engine, expire_on_commit=False)
        profiler = Profiler()
        profiler.install(engine)
        stream = CorpusGenerator(seed=args.seed, articles_per_day=args.per_day).articles()
        run_tag = uuid.uuid4().hex[:8]
        progress: list[dict[str, Any]] = []
        results: dict[int, dict[str, Any]] = {}
        stats: dict[int, dict[str, int]] = {}
        loaded = 0
        if args.reuse_db:  # continue the same stream where the kept database stopped
            with maker() as session:
                loaded = int(session.execute(select(func.count()).select_from(Article)).scalar_one())
            for _ in range(loaded):
                next(stream)
            sizes = [s for s in sizes if s >= loaded] or [loaded]
            print(f"reusing {db_name}: {loaded} articles already linked", flush=True)
        bulk_seconds = 0.0
        for size in sizes:
            t0 = time.perf_counter()
            load(maker, stream, size - loaded, run_tag, args.batch, progress, loaded, args.analyze_every)
            bulk_seconds += time.perf_counter() - t0
            loaded = size
            with maker() as session:
                session.execute(select(1))
                stats[size] = corpus_stats(session)
            with engine.begin() as conn:  # committed: a rolled-back ANALYZE leaves no statistics
                conn.exec_driver_sql("ANALYZE")
            results[size] = measure(maker, stream, args.measure, run_tag, profiler)
            loaded += args.measure
            print_size(size, results[size])
            print(f"   corpus: {stats[size]}")
        comparison = print_comparison(results, sizes) if len(sizes) > 1 else {}
        report = {
            "benchmark": "link_scale",
            "machine": {"python": platform.python_version(), "platform": platform.platform()},
            "config": {
                "sizes": sizes,
                "measure": args.measure,
                "batch": args.batch,
                "per_day": args.per_day,
                "seed": args.seed,
            },
            "timed": "link_article(session, id) + session.commit(), one new article at a time",
            "bulk_load": {"seconds": bulk_seconds, "progress": progress},
            "results": {str(s): {**results[s], "corpus": stats[s]} for s in sizes},
            "comparison": comparison,
        }
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(report, indent=2) + "\n")
        print(f"\nwrote {args.out}")
        return 0 if not comparison or comparison["verdict"] == "PASS" else 1
    finally:
        engine.dispose()
        if not (args.keep_db or args.reuse_db):
            with psycopg.connect(admin_dsn, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{db_name}" WITH (FORCE)')
        else:
            print(f"kept database {db_name}")


if __name__ == "__main__":
    raise SystemExit(main())
