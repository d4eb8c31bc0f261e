"""1,000 hostile files mixed with good articles through the real services.

Starts its own redis-server and Postgres (tests/faults.py; never the machine's servers), the
worker, watcher and API as processes, drops the hostile files (every class of
tests/generated.py in turn) between two halves of the good articles, and waits until every file
is recorded. Prints the per-class table and writes JSON:

    .venv/bin/python bench/hostile.py --hostile 1000 --good 200 --out bench/results/hostile_1000.json

tests/test_reliability.py runs the same check on a CI-sized drop (each class four times)."""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from dataclasses import asdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.faults import started_rig
from tests.hostile import run_hostile


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--hostile", type=int, default=1000)
    parser.add_argument("--good", type=int, default=200)
    parser.add_argument("--timeout", type=float, default=1200)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="wirewatch-hostile-") as tmp, started_rig(Path(tmp)) as rig:
        outcome = run_hostile(rig, args.hostile, args.good, args.timeout)
    print(f"{'class':<34} {'dropped':>7} {'recorded':>8} {'as expected':>11} {'quarantined':>11}")
    for name, t in sorted(outcome.by_class.items()):
        print(f"{name:<34} {t['dropped']:>7} {t['recorded']:>8} {t['as_expected']:>11} {t['quarantined']:>11}")
    summary = {k: v for k, v in asdict(outcome).items() if k not in ("by_class", "wrong")}
    print(json.dumps(summary))
    for line in outcome.wrong[:30]:
        print("WRONG", line)
    if args.out:
        args.out.write_text(json.dumps(asdict(outcome), indent=2) + "\n")
    ok = not outcome.wrong and not outcome.internal_errors and not outcome.good_lost and not outcome.tracebacks
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
