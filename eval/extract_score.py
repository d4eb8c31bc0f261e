"""Scoring of predicted quotes (plain dicts: start, end, kind, speaker) against PolNeAR gold.

The matching rule and speaker rule are written out in eval/extract_eval.py's docstring. Plain dicts, so
that eval/textacy_baseline.py reuses these functions from another virtualenv.
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Any

from polnear import (
    DETERMINERS,
    KINDS,
    SAYING,
    Article,
    Gold,
    _appositive_name,
    _cap_words,
    _head_phrase,
    _initials,
    _is_named,
    _last_word,
    _words,
)


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
