"""Generated input for the reliability suite and bench/hostile.py: short, distinct news articles
(so hundreds fit a CI run on 2 cores) and hostile files, each class with the reason it must fail."""

from __future__ import annotations

import os
import random
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

CITIES = ["Lisbon", "Denver", "Osaka", "Leeds", "Austin", "Turin", "Perth", "Quebec", "Nairobi", "Bergen"]
FIRST = ["Maria", "James", "Aiko", "Omar", "Elena", "Peter", "Grace", "Luis", "Hannah", "Tomas"]
LAST = ["Santos", "Whitfield", "Tanaka", "Haddad", "Rossi", "Brennan", "Okafor", "Lindqvist", "Moreau", "Novak"]
THINGS = ["bridge", "budget", "rail line", "school plan", "water tariff", "housing bill", "port expansion"]
ROLES = ["mayor", "treasurer", "transport chief", "council leader", "planning director"]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]


def article(i: int, tag: str = "") -> str:
    """A short article with a title, a dateline, two quotes and two named people; ``i`` makes it unique."""
    rnd = random.Random(i)
    city, thing, role = rnd.choice(CITIES), rnd.choice(THINGS), rnd.choice(ROLES)
    a, b = rnd.sample(range(len(FIRST)), 2)
    speaker, critic = f"{FIRST[a]} {LAST[a]}", f"{FIRST[b]} {LAST[b]}"
    return (
        f"{city} council backs {thing} ({tag}{i})\n\n"
        f"{city.upper()} — The {city} council on {rnd.choice(DAYS)} approved the {thing}, officials said.\n\n"
        f"“We will finish it within {rnd.randint(2, 40)} months,” said {speaker}, the city's {role}.\n\n"
        f"{LAST[b]} said the vote was rushed. “Nobody read the {thing} report,” said {critic}.\n\n"
        f"The council meets again in {rnd.randint(1, 12)} weeks to discuss item {i} of {tag or 'the'} agenda.\n"
    )


def drop_articles(folder: Path, count: int, tag: str, start: int = 0) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(start, start + count):
        path = folder / f"{tag}-{i:04d}.txt"
        path.write_text(article(i, tag), encoding="utf-8")
        paths.append(path)
    return paths


@dataclass(frozen=True)
class Hostile:
    name: str  # a file name in the folder (bytes allowed through os.fsdecode)
    reason: str  # a word the recorded error must contain
    make: Callable[[Path, random.Random], None]


def _bytes(content: bytes) -> Callable[[Path, random.Random], None]:
    return lambda path, _rnd: path.write_bytes(content)


def _random_bytes(size: int) -> Callable[[Path, random.Random], None]:
    return lambda path, rnd: path.write_bytes(rnd.randbytes(size))


def _csv(path: Path, rnd: random.Random) -> None:
    rows = ["id,name,amount,date"]
    rows += [f"{n},{rnd.choice(LAST)},{rnd.randint(1, 999)},2024-01-{n % 28 + 1:02d}" for n in range(40)]
    path.write_text("\n".join(rows) + "\n")


def _symlink_loop(path: Path, _rnd: random.Random) -> None:
    other = path.with_name(f".{path.name}.loop")  # hidden, so the watcher sees the loop once
    os.symlink(other, path)
    os.symlink(path, other)


def _png(path: Path, rnd: random.Random) -> None:
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + rnd.randbytes(512))


def _nested_json(path: Path, _rnd: random.Random) -> None:
    path.write_text("[" * 5000 + "]" * 5000)


def _html_no_text(path: Path, _rnd: random.Random) -> None:
    path.write_text("<html><head><title></title></head><body><script>var x = 1;</script></body></html>")


HOSTILE: list[tuple[str, str, Callable[[Path, random.Random], None]]] = [
    # (file name pattern, reason the error names, maker)
    ("empty-{i}.txt", "empty", _bytes(b"")),
    ("blank-{i}.txt", "empty", _bytes(b" \n\t\n  ")),
    ("one-byte-{i}.txt", "too short", lambda p, rnd: p.write_bytes(bytes([rnd.choice(b"abcxyz")]))),
    ("noise-{i}.txt", "binary", _random_bytes(4096)),
    ("image-{i}.txt", "PNG", _png),
    ("pdf-{i}.pdf", "PDF", lambda p, rnd: p.write_bytes(b"%PDF-1.7\n" + rnd.randbytes(300))),
    ("table-{i}.csv", "table", _csv),
    ("table-{i}.txt", "table", _csv),
    ("nested-{i}.json", "nested", _nested_json),
    ("broken-{i}.json", "JSON", lambda p, _rnd: p.write_text('{"title": "T", "text": ')),
    ("empty-page-{i}.html", "HTML", _html_no_text),
    ("loop-{i}.txt", "symlink loop", _symlink_loop),
    ("bad name \udcff-{i}.txt", "binary", _random_bytes(2048)),  # a non-UTF-8 name and bad content
    # awkward but good: they must end as articles (reason "")
    ("utf16-no-bom-{i}.txt", "", lambda p, rnd: p.write_bytes(article(rnd.randint(0, 10**9), "u").encode("utf-16-le"))),
    ("latin1-{i}.txt", "", lambda p, rnd: p.write_bytes(_cafe(rnd).encode("latin-1"))),
]


def _cafe(rnd: random.Random) -> str:
    """Latin-1 proper (ISO 8859-1 has no curly quotes or dashes)."""
    text = article(rnd.randint(0, 10**9), "café ").replace("officials said", "the café owners said")
    return text.replace("—", "-").replace("“", '"').replace("”", '"')


def drop_hostile(folder: Path, count: int, seed: int = 7) -> dict[str, str]:
    """``count`` hostile files (the classes above in turn); file name -> the reason expected ("": an article)."""
    folder.mkdir(parents=True, exist_ok=True)
    rnd = random.Random(seed)
    expected = {}
    for i in range(count):
        pattern, reason, make = HOSTILE[i % len(HOSTILE)]
        name = pattern.format(i=i)
        make(folder / name, rnd)
        expected[name] = reason
    return expected
