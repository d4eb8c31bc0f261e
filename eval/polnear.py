"""PolNeAR attributions (brat standoff) read as gold quotes for eval/extract_eval.py.

Each article's raw ``text/STEM.txt`` with one annotator per article (the first .ann file in name order).
Gold kinds, from each attribution's Content (all its parts): direct (every word inside quotation marks),
partial (a quoted part and words outside it), indirect (no quotation marks). A pronoun Source's speaker is
its guessed referent (eval/pronoun_referent.py). The rules are written out in eval/extract_eval.py's docstring.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from pathlib import Path

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
