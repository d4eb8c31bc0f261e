"""How much does the extract stage cost on top of bare spaCy? Same texts, same model, same run.

    .venv/bin/python bench/speed.py                                   # seeds/, repeated to ~50 docs
    .venv/bin/python bench/speed.py --texts /work/shared/data/polnear-train/text --limit 300

Measured, after loading the model once (``load_nlp(get_settings().spacy_model)``) and a warm-up:
- parse: ``parse_document(raw_bytes, filename)`` per file; the clean text it returns is what
  the other measurements run on (as in the pipeline);
- throughput, best and median of --repeat runs, alternating the order of the two:
  (a) ``list(nlp.pipe(texts, batch_size=8))``, the bare spaCy baseline,
  (b) ``list(extract_texts(nlp, texts))``, the extract stage (nlp.pipe + quotes + entities);
- latency per article: ``nlp(text)`` vs ``extract_doc(nlp(text))`` (and extract_doc alone).
The figures of interest are the ratios extract / bare spaCy (1.0 = extraction is free)."""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def read_inputs(paths: list[Path], limit: int | None, min_docs: int) -> list[tuple[str, bytes]]:
    files: list[Path] = []
    for path in paths:
        files += sorted(p for p in path.iterdir() if p.is_file()) if path.is_dir() else [path]
    files = [p for p in files if p.suffix in (".txt", ".md", ".html", ".htm", ".json", ".eml")]
    if limit:
        files = files[:limit]
    if not files:
        raise SystemExit("no input files")
    docs = [(p.name, p.read_bytes()) for p in files]
    while len(docs) < min_docs:  # a few seeds: repeat them so timings are not a handful of calls
        docs += docs[: min_docs - len(docs)]
    return docs


def summary(values_s: list[float]) -> dict[str, float]:
    ms = sorted(1000 * v for v in values_s)
    return {
        "mean_ms": statistics.fmean(ms),
        "median_ms": statistics.median(ms),
        "p95_ms": ms[min(len(ms) - 1, round(0.95 * (len(ms) - 1)))],
        "max_ms": ms[-1],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--texts", type=Path, nargs="+", default=[ROOT / "seeds"], help="files or directories")
    parser.add_argument("--limit", type=int, default=None, help="use only the first N files")
    parser.add_argument("--min-docs", type=int, default=50, help="repeat the inputs up to this many documents")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--batch-size", type=int, default=8)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "speed.json")
    args = parser.parse_args(argv)

    import spacy

    from worker.pipeline.extract.core import extract_doc, extract_texts
    from worker.pipeline.extract.nlp import load_nlp
    from worker.pipeline.parse import parse_document
    from worker.settings import get_settings

    docs = read_inputs(args.texts, args.limit, args.min_docs)
    model = get_settings().spacy_model

    # parse
    parse_times: list[float] = []
    texts: list[str] = []
    for _ in range(args.repeat):
        texts = []
        for name, raw in docs:
            t0 = time.perf_counter()
            parsed = parse_document(raw, name)
            parse_times.append(time.perf_counter() - t0)
            texts.append(parsed.text)
    chars = sum(len(t) for t in texts)
    words = sum(len(t.split()) for t in texts)
    print(f"{len(texts)} documents ({len({n for n, _ in docs})} distinct), {words:,} words, {chars:,} characters")

    t0 = time.perf_counter()
    nlp = load_nlp(model)
    load_s = time.perf_counter() - t0
    print(f"model {model} (spaCy {spacy.__version__}, pipes {nlp.pipe_names}) loaded in {load_s:.1f} s")
    for doc in nlp.pipe(texts[:8], batch_size=args.batch_size):  # warm-up
        extract_doc(doc)

    # throughput
    bare: list[float] = []
    full: list[float] = []
    for r in range(args.repeat):
        order = ("bare", "extract") if r % 2 == 0 else ("extract", "bare")
        for what in order:
            t0 = time.perf_counter()
            if what == "bare":
                out: list[Any] = list(nlp.pipe(texts, batch_size=args.batch_size))
                bare.append(time.perf_counter() - t0)
            else:
                out = list(extract_texts(nlp, texts, batch_size=args.batch_size))
                full.append(time.perf_counter() - t0)
            assert len(out) == len(texts)
            print(f"  run {r + 1} {what:<8} {len(texts) / (time.perf_counter() - t0):6.1f} articles/s", flush=True)

    # latency, one article at a time
    lat_nlp: list[float] = []
    lat_extract_only: list[float] = []
    lat_full: list[float] = []
    for text in texts:
        t0 = time.perf_counter()
        nlp(text)
        lat_nlp.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        doc = nlp(text)
        t1 = time.perf_counter()
        extract_doc(doc)
        t2 = time.perf_counter()
        lat_full.append(t2 - t0)
        lat_extract_only.append(t2 - t1)

    n = len(texts)

    def throughput(runs: list[float]) -> dict[str, float | list[float]]:
        best, median = min(runs), statistics.median(runs)
        return {
            "best_articles_per_s": n / best,
            "median_articles_per_s": n / median,
            "best_ms_per_article": 1000 * best / n,
            "median_ms_per_article": 1000 * median / n,
            "runs_s": runs,
        }

    result: dict[str, Any] = {
        "benchmark": "speed",
        "machine": {"python": platform.python_version(), "platform": platform.platform()},
        "inputs": [str(p) for p in args.texts],
        "documents": n,
        "distinct_documents": len({name for name, _ in docs}),
        "words": words,
        "characters": chars,
        "model": model,
        "spacy": spacy.__version__,
        "pipes": nlp.pipe_names,
        "batch_size": args.batch_size,
        "repeat": args.repeat,
        "model_load_s": load_s,
        "parse": summary(parse_times),
        "throughput": {"bare_spacy_pipe": throughput(bare), "extract_texts": throughput(full)},
        "latency": {
            "bare_spacy_nlp": summary(lat_nlp),
            "extract_doc_only": summary(lat_extract_only),
            "nlp_plus_extract_doc": summary(lat_full),
        },
    }
    tp = result["throughput"]
    lat = result["latency"]
    result["ratios"] = {
        "throughput_time_extract_over_bare_best": min(full) / min(bare),
        "throughput_time_extract_over_bare_median": statistics.median(full) / statistics.median(bare),
        "latency_extract_over_bare_mean": lat["nlp_plus_extract_doc"]["mean_ms"] / lat["bare_spacy_nlp"]["mean_ms"],
        "latency_extract_over_bare_median": lat["nlp_plus_extract_doc"]["median_ms"]
        / lat["bare_spacy_nlp"]["median_ms"],
        # 1 + (extract_doc time / nlp time), both summed over the same interleaved calls: the figure
        # least sensitive to other load on the machine
        "extract_doc_overhead": 1 + sum(lat_extract_only) / sum(lat_nlp),
    }
    ratios = result["ratios"]

    print(f"\n{'':<36}{'articles/s':>12}{'ms/article':>12}{'median ms':>11}{'p95 ms':>9}")
    print("-" * 80)
    for label, key in (
        ("throughput: bare nlp.pipe", "bare_spacy_pipe"),
        ("throughput: extract_texts", "extract_texts"),
    ):
        t = tp[key]
        print(f"{label:<36}{t['best_articles_per_s']:12.1f}{t['best_ms_per_article']:12.2f}")
    for label, key in (
        ("latency: nlp(text)", "bare_spacy_nlp"),
        ("latency: extract_doc(nlp(text))", "nlp_plus_extract_doc"),
        ("latency: extract_doc alone", "extract_doc_only"),
    ):
        s = lat[key]
        print(f"{label:<36}{1000 / s['mean_ms']:12.1f}{s['mean_ms']:12.2f}{s['median_ms']:11.2f}{s['p95_ms']:9.2f}")
    p = result["parse"]
    print(
        f"{'parse_document':<36}{1000 / p['mean_ms']:12.1f}{p['mean_ms']:12.2f}{p['median_ms']:11.2f}{p['p95_ms']:9.2f}"
    )
    print(
        f"\nextract / bare spaCy: throughput time {ratios['throughput_time_extract_over_bare_best']:.2f}x (best of "
        f"{args.repeat}; median {ratios['throughput_time_extract_over_bare_median']:.2f}x), per-article latency "
        f"{ratios['latency_extract_over_bare_mean']:.2f}x mean, "
        f"{ratios['latency_extract_over_bare_median']:.2f}x median; "
        f"1 + extract_doc/nlp time {ratios['extract_doc_overhead']:.2f}x"
    )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
