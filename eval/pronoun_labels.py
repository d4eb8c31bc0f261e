"""How often the scorer's guessed referent of a pronoun Source is the true one, against hand labels.

    python eval/pronoun_labels.py /work/shared/data/polnear-train [--labels eval/labels/pronoun_referents.tsv]
    python eval/pronoun_labels.py /work/shared/data/polnear-train --changes   # where v4 and v5 differ

The labels (eval/labels/pronoun_referents.tsv) hold a seeded random sample of direct and partial gold
contents whose Source is a pronoun, one per article: the Source's offsets and the referent's name read by
hand ("A|B" gives two names of one referent). A guess agrees when the scorer, resolving the pronoun with
it, credits a prediction of the labelled name (``speaker_correct``). Unsure labels are left out.
``--changes`` lists every direct/partial pronoun Source whose guess differs between v4 and v5, to read.
``--sample`` prints the sample the labels were read for (seed 13, the first 90 articles drawn).
``--wrong DUMP`` lists a seeded sample of the found pronoun quotes whose speaker in DUMP (a --dump of
eval/extract_eval.py) scorer v5 counts wrong, leaving out those in the two label files above (the sample
read for eval/labels/pronoun_speaker_errors.tsv is the first 34 of seed 2027 on main fd23d3d's dump).
"""

from __future__ import annotations

import argparse
import csv
import json
import random
from pathlib import Path

from extract_score import _covered, speaker_correct
from polnear import PRONOUNS, Article, Gold, _words, load_gold

LABELS = Path(__file__).resolve().parent / "labels" / "pronoun_referents.tsv"


def _pronoun_golds(articles: list[Article]) -> dict[tuple[str, int], Gold]:
    out = {}
    for art in articles:
        for g in art.gold:
            words = _words(g.source or "")
            pronoun = len(words) == 1 and words[0].casefold() in PRONOUNS
            if pronoun and g.kind != "indirect" and g.source_start is not None:
                out.setdefault((art.stem, g.source_start), g)
    return out


def agreement(rows: list[dict[str, str]], golds: dict[tuple[str, int], Gold]) -> list[bool]:
    out = []
    for row in rows:
        g = golds[(row["stem"], int(row["source_start"]))]
        out.append(any(speaker_correct(name, g) for name in row["referent"].split("|")))
    return out


def label_sample(articles: list[Article], seed: int = 13, n: int = 90) -> list[str]:
    """Direct and partial contents with a pronoun Source, shuffled, at most one per article."""
    cases = []
    for art in articles:
        for g in art.gold:
            words = _words(g.source or "")
            pronoun = len(words) == 1 and words[0].casefold() in PRONOUNS
            if pronoun and g.kind != "indirect" and g.source and g.source_start is not None:
                cases.append((art.stem, g.source_start, g.source_start + len(g.source), g.source, g.kind))
    random.Random(seed).shuffle(cases)
    seen: set[str] = set()
    rows = []
    for stem, start, end, source, kind in cases:
        if stem not in seen and len(rows) < n:
            seen.add(stem)
            rows.append(f"{stem}\t{start}\t{end}\t{source}\t{kind}")
    return rows


def wrong_sample(golds: dict[tuple[str, int], Gold], dump: Path, seed: int, n: int) -> list[str]:
    with dump.open(encoding="utf-8") as fh:
        dumped = {row["stem"]: row["quotes"] for row in map(json.loads, fh)}
    labelled = set()
    for tsv in (LABELS, LABELS.parent / "pronoun_referent_changes.tsv"):
        with tsv.open(encoding="utf-8") as fh:
            labelled |= {(r["stem"], int(r["source_start"])) for r in csv.DictReader(fh, delimiter="\t")}
    rows = []
    for (stem, start), g in golds.items():  # in article order
        if g.speaker is None or (stem, start) in labelled:
            continue
        quoted = [p for p in dumped.get(stem, []) if p["kind"] in ("direct", "partial")]
        covered, total, best = _covered(g.measured, quoted)
        if total and covered >= 0.5 * total and best and not speaker_correct(best.get("speaker"), g):
            rows.append(
                f"{stem}\t{start}\t{g.source!r}\t{g.kind}\tq@{g.parts[0][0]}\t{best.get('speaker')!r}\t{g.speaker!r}"
            )
    random.Random(seed).shuffle(rows)
    return rows[:n]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("data_dir", type=Path)
    parser.add_argument("--labels", type=Path, default=LABELS)
    parser.add_argument("--changes", action="store_true", help="list the pronoun Sources whose guess v5 changes")
    parser.add_argument(
        "--wrong", type=Path, default=None, help="a --dump file: sample its pronoun speakers v5 counts wrong"
    )
    parser.add_argument("--seed", type=int, default=2027)
    parser.add_argument("--n", type=int, default=34)
    parser.add_argument("--sample", action="store_true", help="print the sample the labels were read for")
    args = parser.parse_args()
    if args.sample:
        print("\n".join(label_sample(load_gold(args.data_dir))))
        return
    by_scorer = {v: _pronoun_golds(load_gold(args.data_dir, scorer=v)) for v in ("v4", "v5")}
    if args.wrong:
        print("\n".join(wrong_sample(by_scorer["v5"], args.wrong, args.seed, args.n)))
        return
    if args.changes:
        for key, g in sorted(by_scorer["v5"].items()):
            before = by_scorer["v4"][key].speaker
            if before != g.speaker:
                print(f"{key[0]}\t{key[1]}\t{g.source}\t{g.kind}\tv4={before!r}\tv5={g.speaker!r}")
        return
    with args.labels.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    sure = [r for r in rows if r["unsure"] == "0"]
    print(f"{len(rows)} labels, {len(rows) - len(sure)} unsure (left out)")
    results = {v: agreement(sure, golds) for v, golds in by_scorer.items()}
    half = len(sure) // 2
    for v, ok in results.items():
        halves = f"first half {sum(ok[:half])}/{half}, second {sum(ok[half:])}/{len(ok) - half}"
        print(f"{v}: {sum(ok)}/{len(ok)} agree ({halves})")
    for row, a, b in zip(sure, results["v4"], results["v5"], strict=True):
        if a != b:
            where = f"{row['stem']} {row['source_start']} {row['pronoun']!r}"
            print(f"  {'v5' if b else 'v4'} right: {where} = {row['referent']}")


if __name__ == "__main__":
    main()
