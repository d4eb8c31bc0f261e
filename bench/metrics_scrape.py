"""How long does a /metrics scrape take as ingested_files grows? The metrics are computed from
Postgres at scrape time (worker/ops.py), so this is the cost a Prometheus scrape puts on the
database.

    .venv/bin/python bench/metrics_scrape.py --database-url postgresql://postgres@127.0.0.1:5432/test \\
        --sizes 10000 100000 --out bench/results/metrics_scrape.json

A fresh database ``wirewatch_bench_<random>`` is created on the given server, migrated to head,
filled with synthetic ingested_files rows (90% done with all stage timestamps, the rest spread
over the other statuses) and dropped at the end. At each size the two scrape queries
(``file_counts`` and ``stage_latency_histograms``) run --repeat times after one warm-up."""

from __future__ import annotations

import argparse
import json
import statistics
import time
import uuid
from pathlib import Path

import psycopg
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from worker import ops
from worker.settings import sqlalchemy_url
from worker.storage.migrate import upgrade_to_head

FILL = """
INSERT INTO ingested_files
    (sha256, path, size, mtime, status, attempts, queued_at, parsed_at, extracted_at, finished_at)
SELECT md5(:salt || i::text) || md5(i::text), '/bench/' || i, 1000, now(),
       CASE WHEN i % 10 = 0 THEN (ARRAY['queued','parsed','extracted','failed'])[1 + (i / 10) % 4] ELSE 'done' END,
       0, t, t + (random() * 5) * interval '1 second', t + (5 + random() * 5) * interval '1 second',
       CASE WHEN i % 10 = 0 THEN NULL ELSE t + (10 + random() * 60) * interval '1 second' END
FROM generate_series(:start, :stop - 1) AS i, LATERAL (SELECT now() - i * interval '1 second' AS t) AS s
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()

    admin = make_url(sqlalchemy_url(args.database_url)).set(drivername="postgresql")
    name = f"wirewatch_bench_{uuid.uuid4().hex[:8]}"
    admin_dsn = admin.render_as_string(hide_password=False)
    with psycopg.connect(admin_dsn, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = admin.set(database=name).render_as_string(hide_password=False)
    engine = create_engine(sqlalchemy_url(url))
    results = []
    try:
        upgrade_to_head(url)
        filled = 0
        for size in sorted(args.sizes):
            with engine.begin() as conn:
                conn.execute(text(FILL), {"salt": name, "start": filled, "stop": size})
                conn.execute(text("ANALYZE ingested_files"))
            filled = size
            with Session(engine) as session:
                ops.file_counts(session)
                ops.stage_latency_histograms(session)
                times = []
                for _ in range(args.repeat):
                    start = time.perf_counter()
                    ops.file_counts(session)
                    ops.stage_latency_histograms(session)
                    times.append(time.perf_counter() - start)
            median, worst = round(1000 * statistics.median(times), 1), round(1000 * max(times), 1)
            row = {"rows": size, "median_ms": median, "max_ms": worst}
            results.append(row)
            print(f"{size:>9} rows: scrape queries median {row['median_ms']} ms, max {row['max_ms']} ms")
    finally:
        engine.dispose()
        with psycopg.connect(admin_dsn, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    if args.out:
        args.out.write_text(json.dumps({"repeat": args.repeat, "results": results}, indent=2) + "\n")


if __name__ == "__main__":
    main()
