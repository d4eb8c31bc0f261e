"""Evaluate the parse stage on the PolNeAR training set (not part of the test suite).

    .venv/bin/python eval/parse_eval.py /work/shared/data/polnear-train [--show N]

Reads DATA_DIR/text/*.txt and DATA_DIR/metadata.tsv (filename, publisher, publication_date, author, title, credit,
wire) and reports: title exact match (after normalising the appended full stop, white space and quotes), wire
accuracy (rows with a wire annotation; "None" means no wire), dateline detection against a plain reference
pattern on the first body paragraph, and the share of body characters removed as boilerplate.
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from worker.pipeline.parse import BadInput, parse_document

_REF_DATELINE = re.compile(
    r"^(?:[A-Z][A-Z.'’]+(?: [A-Z][A-Z.'’]+)*|[A-Z][a-z]+(?: [A-Z][a-z]+)*(?= \())(?:, [A-Z][A-Za-z.]+)*"
    r"(?:, [A-Z][a-z]+\.? \d{1,2})?\s*(?:\([A-Za-z]+\))?\s*(?:—|–|--|-)\s*(?=[A-Z“\"])"
)


def norm_title(s: str) -> str:
    s = s.replace("“", '"').replace("”", '"').replace("‘", "'").replace("’", "'")
    s = re.sub(r"\s+", " ", s).strip()
    s = re.sub(r"\.(?=['\"]?$)", "", s)  # the full stop the corpus appended, also when it sits inside a quote
    return s.strip().lower()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("data_dir", type=Path)
    ap.add_argument("--show", type=int, default=0, help="print up to N misses per measure")
    args = ap.parse_args(argv)
    rows: dict[str, dict[str, str]] = {}
    with open(args.data_dir / "metadata.tsv", encoding="utf-8") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            rows[row["filename"]] = row
    n = title_ok = title_deck = wire_n = wire_ok = dl_ref = dl_hit = dl_false = bad = 0
    total_chars = removed_chars = moved_chars = 0
    reasons: dict[str, int] = {}
    misses: dict[str, list[str]] = {"title": [], "wire": [], "dateline": [], "removed": []}
    slowest = 0.0
    for path in sorted((args.data_dir / "text").glob("*.txt")):
        if path.stem not in rows:
            continue
        row = rows[path.stem]
        raw = path.read_bytes()
        t0 = time.perf_counter()
        try:
            art = parse_document(raw, path.name)
        except BadInput as exc:
            bad += 1
            misses["title"].append(f"{path.stem}: BadInput {exc}")
            continue
        slowest = max(slowest, time.perf_counter() - t0)
        n += 1
        joined = f"{art.title}; {art.subtitle}" if art.title and art.subtitle else ""
        if norm_title(art.title or "") == norm_title(row["title"]):
            title_ok += 1
        elif joined and norm_title(joined) == norm_title(row["title"]):
            title_ok += 1  # the corpus writes "headline; deck" as its title
            title_deck += 1
        else:
            misses["title"].append(f"{path.stem}: got {art.title!r} want {row['title']!r}")
        gold = row.get("wire", "NA")
        if gold not in ("NA", ""):
            wire_n += 1
            want = None if gold == "None" else gold.upper()
            got = (art.wire or "").upper() or None
            if got == want:
                wire_ok += 1
            else:
                misses["wire"].append(f"{path.stem}: got {art.wire} want {gold}")
        text = raw.decode("utf-8", errors="replace")
        paras = [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]
        body = paras[1:] if len(paras) > 1 else paras
        ref = bool(body) and bool(_REF_DATELINE.match(body[0]))
        if ref:
            dl_ref += 1
            if art.dateline:
                dl_hit += 1
            else:
                misses["dateline"].append(f"{path.stem}: {body[0][:60]!r}")
        elif art.dateline:
            dl_false += 1
            misses["dateline"].append(f"{path.stem}: FALSE {art.dateline!r} in {body[0][:60]!r}")
        body_chars = sum(len(p) for p in body)
        total_chars += body_chars
        for r in art.removed:
            if r.reason in ("title", "duplicate-title"):
                continue
            if r.reason in ("subtitle", "label"):
                moved_chars += len(r.text)  # kept as the subtitle field, or an export label ("ABSTRACT.")
            else:
                removed_chars += len(r.text)
            reasons[r.reason] = reasons.get(r.reason, 0) + 1
            misses["removed"].append(f"{path.stem}: [{r.reason}] {r.text[:100]!r}")
    print(f"articles parsed: {n} (BadInput: {bad}); slowest {slowest * 1000:.1f} ms")
    print(f"title exact match: {title_ok}/{n} = {title_ok / max(n, 1):.1%} ({title_deck} as 'headline; deck')")
    print(f"wire accuracy:     {wire_ok}/{wire_n} = {wire_ok / max(wire_n, 1):.1%}")
    print(f"dateline detected: {dl_hit}/{dl_ref} = {dl_hit / max(dl_ref, 1):.1%} (false positives: {dl_false})")
    print(
        f"body removed:      {removed_chars}/{total_chars} chars = {removed_chars / max(total_chars, 1):.2%} "
        f"(+ {moved_chars / max(total_chars, 1):.2%} moved to subtitle/labels) by reason {reasons}"
    )
    for key, items in misses.items():
        for line in items[: args.show]:
            print(f"  {key}: {line}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
