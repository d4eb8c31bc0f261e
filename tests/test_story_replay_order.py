"""eval/story_replay.py --seed: one kept database replayed in another arrival order."""

from __future__ import annotations

import importlib.util
import random
import sys
from pathlib import Path

_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(_ROOT))
_spec = importlib.util.spec_from_file_location("story_replay", _ROOT / "eval" / "story_replay.py")
assert _spec is not None and _spec.loader is not None
story_replay = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(story_replay)


def test_replay_order_is_link_eval_s_shuffle_and_a_missing_file_does_not_shift_it() -> None:
    files = [f"{t}_{n}ecb.txt" for t in range(1, 6) for n in range(1, 5)]
    shuffled = sorted(files)
    random.Random(5).shuffle(shuffled)  # as link_eval.py orders its files for --seed 5
    stored = [{"id": i, "path": f"/data/{name}"} for i, name in enumerate(sorted(files)) if name != shuffled[3]]
    replayed = [Path(a["path"]).name for a in story_replay.in_order(stored, files, 5)]
    assert replayed == [name for name in shuffled if name != shuffled[3]]


def test_canonical_order_is_dated_first_then_longest_whatever_the_arrival() -> None:
    arts = [
        {"id": 1, "path": "/d/a.txt", "published_date": None, "clean_text": "x" * 900},
        {"id": 2, "path": "/d/b.txt", "published_date": "2009-01-02", "clean_text": "x" * 100},
        {"id": 3, "path": "/d/c.txt", "published_date": "2008-05-01", "clean_text": "x" * 500},
        {"id": 4, "path": "/d/d.txt", "published_date": None, "clean_text": "x" * 50},
    ]
    for seed in range(5):
        arrival = arts[:]
        random.Random(seed).shuffle(arrival)
        assert [a["id"] for a in story_replay.canonical(arrival)] == [3, 2, 1, 4]
