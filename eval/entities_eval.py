"""How many named attribution sources of PolNeAR does entity extraction find?

    .venv/bin/python eval/entities_eval.py DATA_DIR [--limit N] [--model en_core_web_sm]

DATA_DIR is a PolNeAR split (``text/STEM.txt``, ``attributions/STEM_ANNOTATOR.ann``), read in
place, never copied. A Source span is *named* when it holds a capitalized word that is not a
pronoun or determiner ("Mr. Trump", "the Clinton campaign", "Democrats"); it is *covered* when a
person or organization mention of ours overlaps it. The same figure for the plain spaCy entities
(``core.extract_entities``) is printed for comparison, then how often a source on a person mention
("Mr. Trump", "he" excluded) reaches an entity with a full name ("Donald Trump"), and the time
extraction adds to the spaCy pass.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from worker.pipeline.extract.core import extract_entities as baseline_entities  # noqa: E402
from worker.pipeline.extract.entities import extract_entities  # noqa: E402
from worker.pipeline.extract.model import Entity  # noqa: E402
from worker.pipeline.extract.nlp import load_nlp  # noqa: E402

NOT_NAMES = frozenset(
    {"he", "she", "they", "it", "we", "i", "you", "the", "a", "an", "this", "that", "these", "those", "who"}
    | {"which", "his", "her", "their", "our", "its", "some", "many", "most", "both", "all", "one", "other"}
)
_WORD = re.compile(r"[A-Z][\w’'.-]*")


def sources(ann: Path) -> list[tuple[int, int, str]]:
    found = []
    for line in ann.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if len(parts) < 3 or not parts[1].startswith("Source "):
            continue
        offsets = [int(x) for x in re.findall(r"\d+", parts[1])]
        found.append((min(offsets), max(offsets), parts[2]))
    return found


def is_named(text: str) -> bool:
    return any(w.casefold().strip(".") not in NOT_NAMES for w in _WORD.findall(text))


def covered(spans: list[tuple[int, int, str]], entities: list[Entity], types: set[str]) -> list[bool]:
    mentions = [(m.start, m.end) for e in entities if e.type in types for m in e.mentions]
    return [any(s < end and start < e for s, e in mentions) for start, end, _ in spans]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("data_dir", type=Path)
    parser.add_argument("--limit", type=int, default=0)
    parser.add_argument("--model", default="en_core_web_sm")
    parser.add_argument("--misses", type=int, default=0, help="print this many uncovered sources")
    args = parser.parse_args()

    anns: dict[str, Path] = {}
    for ann in sorted((args.data_dir / "attributions").glob("*.ann")):
        anns.setdefault(ann.stem.rsplit("_", 1)[0], ann)  # one annotator per article
    stems = [s for s in anns if (args.data_dir / "text" / f"{s}.txt").exists()]
    if args.limit:
        stems = stems[: args.limit]
    nlp = load_nlp(args.model)
    texts = [(args.data_dir / "text" / f"{s}.txt").read_text(encoding="utf-8") for s in stems]
    person_org = {"person", "organization"}
    named = ours = ours_group = base = person_sources = full_names = 0
    spacy_time = extract_time = 0.0
    misses: list[str] = []
    started = time.perf_counter()
    for stem, doc in zip(stems, nlp.pipe(texts, batch_size=16), strict=True):
        spans = [s for s in sources(anns[stem]) if is_named(s[2])]
        named += len(spans)
        t = time.perf_counter()
        entities = extract_entities(doc)
        extract_time += time.perf_counter() - t
        hits = covered(spans, entities, person_org)
        people = [(m.start, m.end, e.name) for e in entities if e.type == "person" for m in e.mentions]
        for start, end, _ in spans:
            names = [name for a, b, name in people if a < end and start < b]
            if names:
                person_sources += 1
                full_names += len(names[0].split()) > 1
        ours += sum(hits)
        ours_group += sum(covered(spans, entities, person_org | {"group"}))
        base += sum(covered(spans, baseline_entities(doc), person_org))
        misses += [f"{stem}: {s[2]!r}" for s, hit in zip(spans, hits, strict=True) if not hit]
    spacy_time = time.perf_counter() - started - extract_time
    print(f"articles: {len(stems)}   named Source spans: {named}")
    print(f"covered by a person/organization mention: {ours / max(named, 1):.3f} ({ours})")
    print(f"  ... or a group mention:                 {ours_group / max(named, 1):.3f} ({ours_group})")
    print(f"plain spaCy entities (core.py), same test: {base / max(named, 1):.3f} ({base})")
    print(f"sources on a person mention whose entity has a full name: {full_names / max(person_sources, 1):.3f}")
    print(f"time: spaCy pass {spacy_time:.1f}s, extract_entities {extract_time:.1f}s")
    for miss in misses[: args.misses]:
        print("  miss", miss)


if __name__ == "__main__":
    main()
