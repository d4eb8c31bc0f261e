"""Quote extraction and speaker attribution against PolNeAR attributions (brat standoff).

    python eval/extract_eval.py /work/shared/data/polnear-train [--limit N] [--procs 2]

Each article's raw ``text/STEM.txt`` is fed to load_nlp + extract_doc, so offsets match the .ann
files directly (one annotator per article: the first file in name order).

Gold kinds, from each attribution's Content (all its parts):
  direct   every word of the content is inside quotation marks;
  partial  the content has a quoted part and words outside it;
  indirect no quotation marks.
The row "said" is the subset of indirect contents whose cue is a verb of saying (SAYING): "X said
(that) ...", "X told reporters ...", leaving out contents quoted with two apostrophes ('', a quotation
mark in NYT archive text that the kinds above do not count). It has no predictions of its own: only
recall and speaker.

Matching rule (character coverage, so one quote split in two parts by "he said" still matches):
  precision  a predicted quote (kind direct, partial or indirect; ``term`` is not a quote claim)
             is correct when >= 50% of its characters lie inside some gold Content;
  recall     a gold content is found when >= 50% of its measured characters are covered by predicted
             quotes: for direct and partial gold the measured characters are those inside quotation
             marks and only direct/partial predictions count; for indirect gold all its characters,
             and any non-term prediction counts.
Speaker accuracy, over gold contents whose attribution has a Source (a missed content is wrong):
  the prediction covering most of the content gives the speaker. Gold speaker: the Source text; when
  it is a pronoun (he, she, they, it...), its guessed referent (eval/pronoun_referent.py, scorer v5): the
  nearest preceding Source in the article with a capitalized word after any determiner, skipping for
  he/she a plural Source or one the article gives the other gender; "who"/"which" after a comma refer
  to the name before the comma. The referent is scored as a name or as a description as below. A Source is a
  name when it has such a capital, unless a determiner opens it and its head word (before any
  appositive, dash or "of"/"for"/... phrase) is lowercase: "the Vermont senator" and "The Republican
  presidential nominee for the Nov. 8 election" are descriptions, "his wife, Jane," is a name.
  Correct when the predicted name and the gold name share their last name word (case-folded, "'s"
  dropped), either way round: "Bernie Sanders" ~ "Sen. Sanders"; or the name after a description's
  comma does ("Another superdelegate, Michael Brown of Washington, D.C."); or one is an acronym of
  the other ("the DNC" ~ "Democratic National Committee"). When the gold Source is a description
  ("the senator", "the campaign"), correct when the prediction shares the description's head word or
  a capitalized word of it ("a Pentagon readout"), or matches the nearest preceding named Source (the
  description's usual referent). Names and descriptions are compared without their appositive or
  relative clause ("Dan Backer, the treasurer of ..." is "Dan Backer"). (Scorer v5; ``--scorer v4`` takes
  the nearest preceding Source with a capital for every pronoun; v3 took every Source with a capital for
  a name and had neither the appositive nor the acronym rule.)

The scoring functions take predictions as plain dicts (start, end, kind, speaker) so that
eval/textacy_baseline.py reuses them from another virtualenv.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

from extract_score import report, score
from polnear import Article, load_gold


def _docs(nlp: Any, articles: list[Article], cache: Path | None, procs: int) -> list[Any]:
    """spaCy docs for the articles; the parse is the slow part, so a cache lets rule changes be
    re-scored in seconds. The cache is keyed by the article texts and thrown away when they differ."""
    from spacy.tokens import DocBin

    if cache and cache.exists():
        docs = list(DocBin().from_disk(cache).get_docs(nlp.vocab))
        if [d.text for d in docs] == [a.text for a in articles]:
            return docs
    docs = list(nlp.pipe((a.text for a in articles), n_process=procs))
    if cache:
        DocBin(store_user_data=True, docs=docs).to_disk(cache)
    return docs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("data_dir", type=Path)
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--every", type=int, default=1, help="every k-th article only (a sample across outlets)")
    parser.add_argument("--procs", type=int, default=1, help="spaCy processes")
    parser.add_argument("--dump", type=Path, default=None, help="write predictions as JSON lines here")
    parser.add_argument(
        "--docs",
        type=Path,
        default=None,
        help="cache of the parsed spaCy docs (DocBin): written on the first run, read after (outside the repo); "
        "keyed by the texts only, so use a new path after a change to the tokenizer or model",
    )
    parser.add_argument("--rescore", type=Path, default=None, help="score predictions written by --dump; no spaCy")
    parser.add_argument(
        "--scorer",
        choices=("v4", "v5"),
        default="v5",
        help="v5 (default) guesses a pronoun Source's referent by eval/pronoun_referent.py; v4 takes the nearest "
        "earlier Source with a capital",
    )
    parser.add_argument(
        "--terms", action="store_true", help="also dump quoted terms (never scored; for eval/extract_errors.py)"
    )
    args = parser.parse_args()
    if args.rescore:
        articles = load_gold(args.data_dir, args.limit, args.every, args.scorer)
        with args.rescore.open(encoding="utf-8") as fh:
            dumped = {row["stem"]: row["quotes"] for row in map(json.loads, fh)}
        title = f"{args.rescore.name} on {len(articles)} articles (scorer {args.scorer})"
        print(report(score(articles, dumped), title))
        return

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from worker.pipeline.extract import extract_doc, load_nlp

    articles = load_gold(args.data_dir, args.limit, args.every, args.scorer)
    nlp = load_nlp("en_core_web_sm")
    t0 = time.perf_counter()
    predictions: dict[str, list[dict[str, Any]]] = {}
    crashes = 0
    extract_time = 0.0
    for art, doc in zip(articles, _docs(nlp, articles, args.docs, args.procs), strict=True):
        t1 = time.perf_counter()
        try:
            quotes = extract_doc(doc, terms=args.terms).quotes
        except Exception as exc:  # never crash: count it
            crashes += 1
            print(f"CRASH {art.stem}: {exc!r}", file=sys.stderr)
            quotes = []
        extract_time += time.perf_counter() - t1
        predictions[art.stem] = [
            {"start": q.start, "end": q.end, "kind": q.kind, "speaker": q.speaker, "text": q.text} for q in quotes
        ]
    elapsed = time.perf_counter() - t0
    if args.dump:
        with args.dump.open("w", encoding="utf-8") as fh:
            for art in articles:
                fh.write(json.dumps({"stem": art.stem, "quotes": predictions[art.stem]}) + "\n")
    print(report(score(articles, predictions), f"wirewatch extract on {len(articles)} articles"))
    print(f"crashes: {crashes}; total {elapsed:.1f}s, of which extract (after spaCy) {extract_time:.1f}s")


if __name__ == "__main__":
    main()
