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
import bisect
import json
import re
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

QUOTE_CHARS = '"“”'
PRONOUNS = frozenset("he she they it i we you him her them his its their who which this that one".split())
DETERMINERS = frozenset({"the", "a", "an", "this", "that", "these", "those", "his", "her", "its", "their"})
KINDS = ("direct", "partial", "indirect")
# the subset "X said (that) ...": an indirect content whose cue contains one of these verbs of saying
# (the scorer's own list, independent of the extractor's)
SAYING = frozenset(
    """say says said saying tell tells told telling add adds added adding note notes noted noting explain explains
    explained argue argues argued claim claims claimed state states stated announce announces announced write
    writes wrote written insist insists insisted warn warns warned acknowledge acknowledged admit admits admitted
    suggest suggests suggested report reports reported confirm confirms confirmed deny denies denied predict
    predicted contend contends contended assert asserts asserted declare declared tweet tweeted testify
    testified reply replied respond responded recall recalled complain complained stress stressed emphasize
    emphasized maintain maintains maintained""".split()
)


@dataclass
class Gold:
    parts: list[tuple[int, int]]
    kind: str
    measured: list[tuple[int, int]]  # the characters recall is measured on
    source: str | None
    source_start: int | None
    speaker: str | None = None  # the resolved gold name (or the description)
    description: bool = False
    cue: str | None = None
    text: str = ""  # the article text (the content is text[a:b] for its parts)


@dataclass
class Article:
    stem: str
    text: str
    gold: list[Gold] = field(default_factory=list)


def _spans(spec: str) -> list[tuple[int, int]]:
    out = []
    for part in spec.split(";"):
        a, b = part.split()
        out.append((int(a), int(b)))
    return out


def _quoted_regions(text: str, parts: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Character ranges inside quotation marks within the content parts."""
    regions = []
    for s, e in parts:
        chunk = text[s:e]
        open_at = None
        for i, ch in enumerate(chunk):
            if ch not in QUOTE_CHARS:
                continue
            opening = ch == "“" or (ch == '"' and open_at is None)
            if ch == "”" or (ch == '"' and open_at is not None):
                opening = False
            if opening:
                open_at = i
            elif open_at is not None:
                regions.append((s + open_at + 1, s + i))
                open_at = None
        if open_at is not None:  # quote runs to the part's end (paragraph-spanning)
            regions.append((s + open_at + 1, e))
    return [(a, b) for a, b in regions if b > a]


def _words(text: str) -> list[str]:
    return [w for w in re.findall(r"[\w’'.-]+", text) if any(c.isalnum() for c in w)]


def _capitalized(source: str) -> bool:
    """A capitalized word after any determiner (scorer v3's test for a name)."""
    words = _words(source)
    while words and words[0].casefold() in DETERMINERS:
        words = words[1:]
    return any(w[:1].isupper() for w in words) and not (len(words) == 1 and words[0].casefold() in PRONOUNS)


def _is_named(source: str) -> bool:
    """A capitalized word after any determiner, except a description whose capitals only modify its
    lowercase head: "the Vermont senator", "The Republican presidential nominee for the Nov. 8 election"
    describe someone; "his wife, Jane," and "Former secretary of State Clinton" name them."""
    if not _capitalized(source):
        return False
    head = _words(_NAME_PREP.split(re.split(r"\s[-–—]+\s", _head_phrase(source))[0], maxsplit=1)[0])
    described = len(head) > 1 and head[0].casefold() in DETERMINERS and head[-1].islower()
    return not described or _is_named(_appositive_name(source))


_NAME_PREP = re.compile(r"\s(?:of|for|from|at|in|on|with)\s")


def load_gold(data_dir: Path, limit: int | None = None, every: int = 1, scorer: str = "v5") -> list[Article]:
    ann_by_stem: dict[str, Path] = {}
    for ann in sorted((data_dir / "attributions").glob("*.ann")):
        stem = ann.stem.rsplit("_", 1)[0]
        ann_by_stem.setdefault(stem, ann)
    articles = []
    for stem in sorted(ann_by_stem)[::every][: limit or None]:
        text = (data_dir / "text" / f"{stem}.txt").read_text(encoding="utf-8")
        spans: dict[str, tuple[str, list[tuple[int, int]]]] = {}
        relations = []
        for line in ann_by_stem[stem].read_text(encoding="utf-8").splitlines():
            cols = line.split("\t")
            if line.startswith("T") and len(cols) >= 2:
                label, _, spec = cols[1].partition(" ")
                spans[cols[0]] = (label, _spans(spec))
            elif line.startswith("E") and len(cols) >= 2:
                relations.append(dict(arg.split(":", 1) for arg in cols[1].split() if ":" in arg))
        article = Article(stem, text)
        for rel in relations:
            if "Content" not in rel or rel["Content"] not in spans:
                continue
            parts = sorted(spans[rel["Content"]][1])
            quoted = _quoted_regions(text, parts)
            outside = "".join(text[a:b] for a, b in _subtract(parts, _with_marks(quoted)))
            if not quoted:
                kind, measured = "indirect", parts
            elif any(c.isalnum() for c in outside):
                kind, measured = "partial", quoted
            else:
                kind, measured = "direct", quoted
            source = source_start = None
            if rel.get("Source") in spans:
                sparts = sorted(spans[rel["Source"]][1])
                source = " ".join(text[a:b] for a, b in sparts)
                source_start = sparts[0][0]
            cue = " ".join(text[a:b] for a, b in sorted(spans[rel["Cue"]][1])) if rel.get("Cue") in spans else None
            article.gold.append(Gold(parts, kind, measured, source, source_start, cue=cue, text=text))
        _resolve_gold_speakers(article, scorer)
        articles.append(article)
    return articles


def _with_marks(regions: list[tuple[int, int]]) -> list[tuple[int, int]]:
    return [(a - 1, b + 1) for a, b in regions]


def _subtract(parts: list[tuple[int, int]], holes: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out = []
    for s, e in parts:
        cur = s
        for a, b in sorted(holes):
            if b <= cur or a >= e:
                continue
            if a > cur:
                out.append((cur, a))
            cur = max(cur, b)
        if cur < e:
            out.append((cur, e))
    return out


def _resolve_gold_speakers(article: Article, scorer: str = "v5") -> None:
    from pronoun_referent import Genders, referent  # imports this module

    sources = [(g.source_start, g.source) for g in article.gold if g.source and g.source_start is not None]
    genders = Genders(article.text, [source for _, source in sources]) if scorer == "v5" else None
    named = sorted((start, source) for start, source in sources if _is_named(source))
    # a pronoun's referent: the nearest earlier Source with a capital, a name or a description such as
    # "the Vermont senator" or "The Cruz campaign" (then scored as that description)
    capitalized = sorted((start, source) for start, source in sources if _capitalized(source))
    starts = [s for s, _ in named]
    cap_starts = [s for s, _ in capitalized]

    def antecedent(at: int) -> str | None:
        k = bisect.bisect_left(starts, at)
        return named[k - 1][1] if k > 0 else None

    for g in article.gold:
        if not g.source or g.source_start is None:
            continue
        if _is_named(g.source):
            g.speaker = g.source
            continue
        words = _words(g.source)
        if len(words) == 1 and words[0].casefold() in PRONOUNS:
            if genders is not None:
                start, found = referent(article.text, sources, g.source_start, g.source, genders) or (None, None)
            else:
                k = bisect.bisect_left(cap_starts, g.source_start)
                start, found = capitalized[k - 1] if k > 0 else (None, None)
            if start is None or found is None or _is_named(found):
                g.speaker = found  # None when nothing precedes: the speaker is then not scored
                continue
            source, before = found, antecedent(start)
        else:
            source, before = g.source, antecedent(g.source_start)
        g.description = True
        g.speaker = source + ("\t" + before if before else "")


def _last_word(name: str) -> str:
    words = [re.sub(r"[’']s$", "", w).strip(".").casefold() for w in _words(name)]
    words = [w for w in words if w not in {"jr", "sr", "ii", "iii"}]
    return words[-1] if words else ""


def _cap_words(name: str) -> set[str]:
    return {re.sub(r"[’']s$", "", w).strip(".").casefold() for w in _words(name) if w[:1].isupper()}


def _head_phrase(source: str) -> str:
    """The source without its appositive or relative clause: "Dan Backer, the treasurer of ..." ->
    "Dan Backer"; "a Mexican official who was not authorized ..." -> "a Mexican official"."""
    cut = re.split(r",|\s(?:who|which|that|whose)\s", source, maxsplit=1)[0].strip()
    return cut if _words(cut) else source


def _initials(name: str) -> str:
    return "".join(w[0] for w in _words(name) if w[:1].isupper())


def _appositive_name(gold: str) -> str:
    """The name after a description's comma: "Another superdelegate, Michael Brown of Washington, D.C.," ->
    "Michael Brown"."""
    parts = gold.split(",")
    return _NAME_PREP.split(parts[1], maxsplit=1)[0] if len(parts) > 1 else ""


def names_match(pred: str | None, gold: str) -> bool:
    if not pred:
        return False
    pw = {re.sub(r"[’']s$", "", w).strip(".").casefold() for w in _words(pred)}
    head = _head_phrase(gold)  # "Dan Backer, the treasurer of ..."; "Sanders's campaign manager, Jeff Weaver"
    if _last_word(pred) in _cap_words(head) or _last_word(head) in pw or _last_word(gold) in pw:
        return True
    appositive = _appositive_name(gold)
    if appositive and _last_word(appositive) in pw and _is_named(appositive):
        return True
    # an acronym for the other's name: "the DNC" ~ "Democratic National Committee"
    short = [w for w in _words(head) + _words(pred) if w.isupper() and 2 <= len(w.strip(".")) <= 5]
    return any(w.strip(".") in (_initials(pred), _initials(head)) for w in short)


def speaker_correct(pred: str | None, g: Gold) -> bool:
    if g.speaker is None:
        return False
    if not g.description:
        return names_match(pred, g.speaker)
    description, _, antecedent = g.speaker.partition("\t")
    if pred and _last_word(_head_phrase(description)) in {_last_word(w) for w in _words(pred)}:
        return True
    if pred and _last_word(pred) in _cap_words(description) - {d.capitalize().casefold() for d in DETERMINERS}:
        return True  # the description names the speaker: "his wife, Gabriela Violeta Lazar", "a Pentagon readout"
    return bool(antecedent) and names_match(pred, antecedent)


def _covered(ranges: list[tuple[int, int]], preds: list[dict[str, Any]]) -> tuple[int, int, dict[str, Any] | None]:
    total = sum(b - a for a, b in ranges)
    covered = 0
    best, best_overlap = None, 0
    for a, b in ranges:
        marks = bytearray(b - a)
        for p in preds:
            lo, hi = max(a, p["start"]), min(b, p["end"])
            if hi > lo:
                marks[lo - a : hi - a] = b"\x01" * (hi - lo)
        covered += sum(marks)
    for p in preds:
        ov = sum(max(0, min(b, p["end"]) - max(a, p["start"])) for a, b in ranges)
        if ov > best_overlap:
            best, best_overlap = p, ov
    return covered, total, best


def score(articles: list[Article], predictions: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for art in articles:
        preds = [p for p in predictions.get(art.stem, []) if p["kind"] in KINDS]
        inside = bytearray(len(art.text) + 1)
        for g in art.gold:
            for a, b in g.parts:
                inside[a:b] = b"\x01" * (b - a)
        for p in preds:
            n = max(1, p["end"] - p["start"])
            ok = sum(inside[p["start"] : p["end"]]) >= 0.5 * n
            c = counts[p["kind"]]
            c["pred"] += 1
            c["pred_ok"] += ok
        quoted_preds = [p for p in preds if p["kind"] in ("direct", "partial")]
        for g in art.gold:
            pool = quoted_preds if g.kind != "indirect" else preds
            covered, total, best = _covered(g.measured, pool)
            found = total > 0 and covered >= 0.5 * total
            ok_speaker = bool(found and best is not None and speaker_correct(best.get("speaker"), g))
            for kind in (g.kind, "said") if _said(g) else (g.kind,):
                c = counts[kind]
                c["gold"] += 1
                c["found"] += found
                if g.speaker is not None:
                    c["spk_gold"] += 1
                    c["spk_ok"] += ok_speaker
    return {k: dict(v) for k, v in counts.items()}


def _said(g: Gold) -> bool:
    """An indirect report whose cue is a verb of saying: "X said (that) ...", "X told reporters ..."."""
    if g.kind != "indirect" or not g.cue or not any(w.casefold() in SAYING for w in _words(g.cue)):
        return False
    return not any("''" in g.text[a:b] for a, b in g.parts)  # '' is a quotation mark in some archives


def _pct(a: int, b: int) -> str:
    return f"{a / b:6.1%}" if b else "   n/a"


def report(counts: dict[str, Any], title: str) -> str:
    lines = [title, f"{'kind':9} {'P':>7} {'R':>7} {'spk acc':>8}   (pred ok/pred, found/gold, speaker ok/with source)"]
    rows = [*KINDS, "said", "quoted"]
    merged = dict(counts)
    merged["quoted"] = {
        key: counts.get("direct", {}).get(key, 0) + counts.get("partial", {}).get(key, 0)
        for key in ("pred", "pred_ok", "gold", "found", "spk_gold", "spk_ok")
    }
    for kind in rows:
        c = merged.get(kind, {})
        lines.append(
            f"{kind:9} {_pct(c.get('pred_ok', 0), c.get('pred', 0))} {_pct(c.get('found', 0), c.get('gold', 0))} "
            f"{_pct(c.get('spk_ok', 0), c.get('spk_gold', 0))}   "
            f"({c.get('pred_ok', 0)}/{c.get('pred', 0)}, {c.get('found', 0)}/{c.get('gold', 0)}, "
            f"{c.get('spk_ok', 0)}/{c.get('spk_gold', 0)})"
        )
    return "\n".join(lines)


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
