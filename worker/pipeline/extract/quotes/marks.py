"""Step 1, quotation marks: pair opening and closing marks over the whole text, paragraph by paragraph.

A quote never spans a paragraph break except by the news convention: the closing mark is omitted at the
paragraph's end and the next paragraph reopens, which chains the two parts. Straight marks are told
opening from closing by the characters around them; unmatched marks never make a whole text give up.
Two apostrophes ('') are a straight double mark, the convention of many newspaper archives."""

from __future__ import annotations

import re
from dataclasses import dataclass

from worker.pipeline.extract.quotes.rules import CLOSE_MARKS, DOUBLE_APOSTROPHE, OPEN_MARKS, OPENERS_BEFORE, STRAIGHT


@dataclass
class Mark:
    pos: int
    opening: bool | None  # None: cannot tell (a straight mark between two spaces)
    width: int = 1  # 2 for two apostrophes


@dataclass
class Segment:
    start: int  # char offsets of the quoted text, marks excluded
    end: int
    continues: bool = False  # reopens a quote left open at the previous paragraph's end


def _classify(text: str, i: int, width: int = 1) -> bool | None:
    ch = text[i] if width == 1 else STRAIGHT
    prev = text[i - 1] if i > 0 else "\n"
    nxt = text[i + width] if i + width < len(text) else "\n"
    prev_open = prev.isspace() or prev in OPENERS_BEFORE
    next_space = nxt.isspace() or nxt in ".,;:!?)]}—–"
    if ch in OPEN_MARKS:
        return not (not prev_open and next_space)
    if ch in CLOSE_MARKS:
        return prev_open and not next_space
    if prev_open and not next_space:
        return True
    if next_space and not prev_open:
        return False
    return None


def _paragraphs(text: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    for line in text.split("\n"):
        end = start + len(line)
        if line.strip():
            spans.append((start, end))
        start = end + 1
    return spans


def strip_span(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def pair_marks(text: str) -> list[Segment]:
    """The quoted segments of ``text``; never gives up on unbalanced marks."""
    segments: list[Segment] = []
    left_open = False  # the previous paragraph ended inside a quote
    for pstart, pend in _paragraphs(text):
        marks = _marks(text, pstart, pend)
        open_at: int | None = None
        width = 1
        first = True
        reopened = False
        inner, inner_at = False, 0  # inside a curly quote nested in a straight one that runs on to the next paragraph
        for mark in marks:
            opening = mark.opening if mark.opening is not None else open_at is None
            if inner or (opening and open_at is not None and _nested(text, open_at, mark.pos, pstart, pend)):
                if inner and text[mark.pos] == "”":
                    segments.append(Segment(*strip_span(text, inner_at + 1, mark.pos)))  # the inner quote too
                inner, inner_at = text[mark.pos] != "”", mark.pos  # '"... isn't about “Equal Justice” ... / "...'
                continue
            if opening:
                if open_at is not None:
                    # two openings: keep the first part when it reads as a finished quote, unless the first is
                    # a stray straight mark before a curly one that no straight mark closes ('"Trump tried ...,
                    # interjecting, “Only Rosie.”')
                    s, e = strip_span(text, open_at + width, mark.pos)
                    stray = text[open_at] == '"' and text[mark.pos] == "“" and '"' not in text[mark.pos : pend]
                    if e > s and text[e - 1] in ".,?!" and not stray:
                        segments.append(Segment(s, e))
                        if _closes_mistyped(text, open_at, mark.pos):
                            open_at, first = None, False
                            continue
                if first and left_open and text[pstart : mark.pos].strip() == "":
                    reopened = True
                open_at, width = mark.pos, mark.width
            elif open_at is not None:
                s, e = strip_span(text, open_at + width, mark.pos)
                if e - s >= 1:
                    segments.append(Segment(s, e, reopened and open_at == _first_mark(text, pstart)))
                open_at = None
            first = False
        left_open = False
        if open_at is not None:
            before = text[pstart:open_at].rstrip()
            # open to the paragraph's end: the quote continues in the next paragraph, or the closing
            # mark is missing; accepted when the quote starts a clause
            if before == "" or before[-1] in ":,.?!—–":
                s, e = strip_span(text, open_at + width, pend)
                source = _SOURCE_TAG.search(text, s, e)
                e = source.start() + 1 if source is not None else e  # "... states.” [Gallup.]" without its mark
                cue = _CUE_INSIDE.search(text, s, e) if before == "" else None
                if cue is not None:
                    # "“... to keep, said Kessel, whose ...": the quote ends at its attribution
                    segments.append(Segment(s, cue.start() + 1, reopened and open_at == _first_mark(text, pstart)))
                    continue
                nxt = text[pend:].lstrip()[:2]
                if e > s and (nxt.startswith(("“", '"', DOUBLE_APOSTROPHE)) or text[e - 1] in ".?!,…"):
                    segments.append(Segment(s, e, reopened and open_at == _first_mark(text, pstart)))
                    left_open = True
    return sorted(segments, key=lambda seg: (seg.start, -seg.end))


def _closes_mistyped(text: str, open_at: int, pos: int) -> bool:
    """ "“I feel for them, “said one woman.", "“... scorer, “Hansbrough said as he stood": an opening mark where a
    quote still open ends, glued to the lowercase attribution after it or to a name and its speech verb, is its
    closing mark typed the wrong way round; so is a straight mark that ends a curly quote ("“...,\"Henry explains")."""
    nxt = text[pos + 1 : pos + 2]
    mixed = text[pos] == '"' and text[open_at] == "“"
    if (text[pos] != "“" and not mixed) or not nxt.isalpha():
        return False
    # (after a full stop, “Harrison told me ..." reopens the quote with a new sentence of it; a straight mark
    # before other lowercase words may open a quote inside the curly one)
    after_comma = text[:pos].rstrip().endswith(",")
    if mixed:
        return after_comma and (_NAME_SAID.match(text, pos + 1) or _SAID.match(text, pos + 1)) is not None
    return nxt.islower() or (after_comma and _NAME_SAID.match(text, pos + 1) is not None)


# a name of up to four words and the speech verb after it: "Hansbrough said", "Coach Roy Williams told"
# (or with an aside set off by commas: "Jonathan Wright, Interoute's director of wholesale products, said")
_SAID = re.compile(r"(?:said|says|added|adds|told|explained|explains|asked|replied|noted|notes|wrote|writes)\b")
_NAME_SAID = re.compile(r"(?!I )[A-Z][\w.’'-]*(?: [A-Z][\w.’'-]*){0,3}(?:, [^,“”\"\n]{1,80},)? " + _SAID.pattern)


def _nested(text: str, open_at: int, pos: int, pstart: int, pend: int) -> bool:
    """A curly quote inside a straight one that opens the paragraph after a colon ("Dr. Ward stated:"), is not
    closed in it and is reopened by the next paragraph: the news convention for a quote of several paragraphs,
    with its inner quotes curly. (Only the first paragraph: carried on, it took an excerpt's inner quotes from
    their speakers.)"""
    if text[open_at] != '"' or text[pos] != "“" or text[pstart:open_at].strip() or '"' in text[pos:pend]:
        return False
    if not text[:pstart].rstrip().endswith(":"):
        return False
    return text[pend:].lstrip().startswith('"')


# a digest's source in brackets closing the paragraph, after the quote's last sentence: "... [Gallup.]"
_SOURCE_TAG = re.compile(r"[.?!…]\s*\[[^\[\]\n]{1,40}\]$")

# the attribution of a quote whose closing mark is missing: "“... what papers to keep, said Kessel, whose ..."
_CUE_INSIDE = re.compile(r",\s(?:said|says|added|adds)\s[A-Z][a-z]+\b[^“”\"]*$")

# a markup tag left in the text (an embedded post: <tweet author="@x" datetime="...">): its
# attribute values are no quotes
_TAG = re.compile(r"""</?[A-Za-z][\w:-]*(?:\s+[\w:-]+\s*=\s*(?:"[^"\n]*"|'[^'\n]*'|[^\s>"']+))*\s*/?>""")


def _marks(text: str, pstart: int, pend: int) -> list[Mark]:
    marks: list[Mark] = []
    in_tag = {i for m in _TAG.finditer(text, pstart, pend) for i in range(m.start(), m.end())}
    i = pstart
    while i < pend:
        if i in in_tag:
            pass
        elif text[i] in '"“”':
            marks.append(Mark(i, _classify(text, i)))
        elif text.startswith(DOUBLE_APOSTROPHE, i) and not text.startswith(DOUBLE_APOSTROPHE, i + 2):
            marks.append(Mark(i, _classify(text, i, 2), 2))
            i += 1
        i += 1
    return marks


def _first_mark(text: str, pstart: int) -> int:
    i = pstart
    while i < len(text) and text[i].isspace():
        i += 1
    return i
