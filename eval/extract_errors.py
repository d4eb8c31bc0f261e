"""Speaker errors of a dump of eval/extract_eval.py, in buckets, with examples to read.

    python eval/extract_errors.py /work/shared/data/polnear-train F [--kind partial] [--show wrong:pron] [--seed 0]

F is a ``--dump`` file. Every gold quote of the kind with a Source whose speaker the scorer counts wrong
falls in one bucket: ``missed`` (no direct/partial prediction covers it; ``missed-term`` when the dump
holds a quoted term there: ``extract_eval.py --terms --dump F``), ``none`` (found, no speaker) or ``wrong``
(found, another speaker); crossed with the kind of gold Source: ``name``, ``pron`` (a pronoun, scored
through the referent the scorer guesses, ``--scorer``) or ``desc``. ``--show BUCKET[:SOURCE]`` prints a
random sample of that bucket with the text around it.
"""

from __future__ import annotations

import argparse
import json
import random
from collections import Counter
from pathlib import Path
from typing import Any

from extract_score import _covered, speaker_correct
from polnear import KINDS, PRONOUNS, Gold, _is_named, _words, load_gold


def source_kind(source: str) -> str:
    words = _words(source)
    if len(words) == 1 and words[0].casefold() in PRONOUNS:
        return "pron"
    return "name" if _is_named(source) else "desc"


def bucket(g: Gold, preds: list[dict[str, Any]]) -> tuple[str, dict[str, Any] | None] | None:
    """None when the speaker is right; else the bucket and the prediction that gave the speaker."""
    quoted = [p for p in preds if p["kind"] in ("direct", "partial")]
    covered, total, best = _covered(g.measured, quoted)
    if total and covered >= 0.5 * total and best is not None:
        if speaker_correct(best.get("speaker"), g):
            return None
        return ("wrong" if best.get("speaker") else "none"), best
    terms = [p for p in preds if p["kind"] == "term"]
    t_cov, t_total, _ = _covered(g.measured, terms)
    return ("missed-term" if t_total and t_cov >= 0.5 * t_total else "missed"), None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("data_dir", type=Path)
    parser.add_argument("dump", type=Path)
    parser.add_argument("--kind", default="partial", choices=KINDS)
    parser.add_argument("--show", default=None, help="a bucket to print examples of: wrong, none:name, ...")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--n", type=int, default=12)
    parser.add_argument("--scorer", choices=("v4", "v5"), default="v5")
    args = parser.parse_args()
    with args.dump.open(encoding="utf-8") as fh:
        dumped = {row["stem"]: row["quotes"] for row in map(json.loads, fh)}
    counts: Counter[tuple[str, str]] = Counter()
    rows = []
    for art in load_gold(args.data_dir, scorer=args.scorer):
        for g in art.gold:
            if g.kind != args.kind or g.speaker is None or g.source is None:
                continue
            found = bucket(g, dumped.get(art.stem, []))
            if found is not None:
                counts[(found[0], source_kind(g.source))] += 1
                rows.append((found[0], source_kind(g.source), art.stem, g, found[1]))
    for key in sorted(counts):
        print(*key, counts[key])
    if args.show:
        want, _, src = args.show.partition(":")
        pool = [r for r in rows if r[0] == want and src in ("", r[1])]
        random.seed(args.seed)
        for _, _, stem, g, best in random.sample(pool, min(args.n, len(pool))):
            lo, hi = g.parts[0][0], g.parts[-1][1]
            said = best and (best["kind"], best.get("speaker"))
            print(f"== {stem} | gold {g.source!r} -> {g.speaker!r} | cue {g.cue!r} | predicted {said}")
            print("  ", g.text[max(0, lo - 250) : hi + 100].replace("\n", " / "))


if __name__ == "__main__":
    main()
