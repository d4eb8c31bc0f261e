"""The plain-text core: header (dates, bylines, title), boilerplate removal, headings, metadata from the text.

Every format ends here: .txt as it is, .md after markup is stripped, .html after trafilatura picked the main
content, .json and .eml after their fields are read. ``Hints`` carries what the container already knew.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from worker.pipeline.parse import boilerplate as bp
from worker.pipeline.parse import metadata as md
from worker.pipeline.parse.dates import FoundDate, find_dates, infer_year, leading_time, parse_date
from worker.pipeline.parse.model import Block, BlockKind, ParsedArticle, RemovedBlock
from worker.pipeline.parse.stamps import Stamp, read_stamp

_SENT_END = re.compile(r"[.!?…:;,]['\"’”)\]]*$")
_SENT_SPLIT = re.compile(r"(?:(?<=[.!?])|(?<=[.!?][\"”’)]))\s+(?=[\"“‘(]?[A-Z])")
_DATE_LABEL = re.compile(
    r"^(?:date|dated|published|posted|updated|last updated|first published|publication date|pub date)\b\s*[:\-–]?\s*",
    re.I,
)
_CORRECTION = re.compile(
    r"^(?:(?:an? )?corrections?\s+(?:was|were|has been|have been)\s+(?:made|appended)|correction\s*[:\-–(]|"
    r"clarification\s*[:\-–]|an earlier version of this (?:article|story|report|post)|"
    r"this (?:article|story|report|post) (?:has been|was) (?:corrected|updated|amended) to)",
    re.I,
)
_REPORTING = re.compile(r"\b(?:said|says|told|according to|announced|reported)\b")
_LABEL = re.compile(
    r"^(?P<l>abstract|summary|full text|body|text|article|highlights|key points|lead|story)\s*[.:]?$", re.I
)
_NAMEISH = re.compile(r"^[A-Z][\w'’.-]+(?:\s+[A-Z][\w'’.-]+){1,3}$")


@dataclass
class Hints:
    """Metadata the container (HTML, JSON, e-mail) supplied before the text is read."""

    title: str | None = None
    fallback_title: str | None = None  # an e-mail subject: the title when the text offers none
    subtitle: str | None = None
    published: str | None = None
    authors: list[str] = field(default_factory=list)
    outlet: str | None = None
    language: str | None = None
    forwarded_by: str | None = None
    upper_bounds: list[str] = field(default_factory=list)  # dates the article cannot be later than
    sources: dict[str, str] = field(default_factory=dict)
    headings: set[str] = field(default_factory=set)
    removed: list[RemovedBlock] = field(default_factory=list)


@dataclass
class Unit:
    text: str
    chunk: int  # index of the blank-line separated chunk, to pair a caption with the alt text above it
    kind: str = "paragraph"
    removed: str | None = None


def split_units(text: str) -> list[Unit]:
    """Paragraph candidates: blank-line chunks, split at single newlines unless the chunk is hard-wrapped."""
    units: list[Unit] = []
    for ci, chunk in enumerate(re.split(r"\n\s*\n", text)):
        lines = [ln.strip() for ln in chunk.split("\n") if ln.strip()]
        if not lines:
            continue
        if len(lines) >= 3 and _hard_wrapped(lines):
            units.append(Unit(" ".join(lines), ci))
        else:
            units.extend(Unit(ln, ci) for ln in lines)
    return units


def _hard_wrapped(lines: list[str]) -> bool:
    body = lines[:-1]
    if not all(30 <= len(ln) <= 100 for ln in body):
        return False
    open_ends = sum(not _SENT_END.search(ln) for ln in body)
    return open_ends >= 0.5 * len(body)


def _same(a: str, b: str) -> bool:
    def norm(s: str) -> str:
        return re.sub(r"[\W_]+", " ", s.lower()).strip()

    return bool(norm(a)) and norm(a) == norm(b)


def _is_headline(line: str, following: list[Unit]) -> bool:
    words = line.split()
    if not words or len(line) > 250 or len(words) > 30 or not following:
        return False
    if md.find_dateline(line) or md.BYLINE.match(line) or (line[0] in "“\"‘'(" and line[-1] in "”\"’'"):
        return False
    if line[0].islower():
        return False
    inner = sentences(line.rstrip(".!?"))
    if len(inner) > 1 and not line.endswith(("?", "!")) and ":" not in line and _capitalised(words) < 0.8:
        return False
    if not re.search(r"[.!?]['\"’”]?$", line):
        return True
    if line.endswith(("?", "!")) or re.search(r"\.['\"’”]$", line):
        return len(words) <= 25
    # ends with a full stop: only a short single clause with no reporting verb, title-cased or followed by a body
    capitalised = _capitalised(words)
    if _REPORTING.search(line) and capitalised < 0.6 and len(words) > 14:
        return False
    return len(words) <= 22 and (capitalised >= 0.6 or max(len(u.text) for u in following[:4]) > len(line) * 1.5)


_ABBREV = re.compile(
    r"(?:\b[A-Z]|\b(?:Mr|Mrs|Ms|Dr|St|Jr|Sr|Gov|Sen|Rep|Gen|Lt|Col|Sgt|Capt|Prof|Rev|No|vs|Inc|Co|Corp|Ltd|"
    r"Jan|Feb|Mar|Apr|Aug|Sept?|Oct|Nov|Dec|Ft|Mt|Pres|Atty|Supt|Adm|Cmdr|Maj))\.$"
)


def sentences(text: str) -> list[str]:
    """Sentences of text, not split after initials and common abbreviations ("U.S.", "St.", "Mr.")."""
    out: list[str] = []
    for piece in _SENT_SPLIT.split(text):
        if out and _ABBREV.search(out[-1]):
            out[-1] += " " + piece
        else:
            out.append(piece)
    return out


def _capitalised(words: list[str]) -> float:
    long = [w.strip("“‘\"'(") for w in words if len(w) > 3]
    return sum(w[:1].isupper() for w in long) / max(1, len(long))


def _is_heading(u: Unit) -> bool:
    t = u.text
    words = t.split()
    if not words or len(t) > 90 or len(words) > 12 or _SENT_END.search(t) or t.endswith(("?", "!")):
        return False
    if t[0] in "“\"‘'(-–—•*" or not (t[0].isupper() or t[0].isdigit()):
        return False
    return not bp.is_chrome(t) and not bp.is_footer(t)


def _date_only(line: str) -> str | None:
    """ISO date of a line that is just a date (maybe labelled "Published", "Updated")."""
    rest = _DATE_LABEL.sub("", line)
    if len(rest) > 60:
        return None
    time, rest = leading_time(rest)
    for f in find_dates(rest):
        if f.year and f.start <= 3 and len(rest) - (f.end - f.start) <= 16:
            iso = f.iso()
            return f"{iso}T{time}" if iso and time and not f.time else iso
    return None


def _labelled_date(text: str) -> str | None:
    """The publication date among "Published ... | Updated ..." parts: not the update when both are there."""
    found = [(f, text[max(0, f.start - 25) : f.start].lower()) for f in find_dates(text) if f.year]
    for f, before in found:
        if re.search(r"published|posted|first", before):
            return _with_time(f, text)
    for f, before in found:
        if "updated" not in before:
            return _with_time(f, text)
    return _with_time(found[0][0], text) if found else None


def _with_time(f: FoundDate, text: str) -> str | None:
    iso = f.iso()
    if iso and not f.time:
        t, _ = leading_time(re.sub(r"^[,\s]*(?:at\s+)?", "", text[f.end :]))
        if t:
            iso = f"{iso}T{t}"
    return iso


def _date_header(line: str) -> tuple[str, str] | None:
    """("2025-11-24", rest) for "date 2025-11-24 By Josh Wingrove" style header lines."""
    m = _DATE_LABEL.match(line)
    if not m or not m.group(0).strip():
        return None
    rest = re.sub(r"^on\s+", "", line[m.end() :], flags=re.I)
    for f in find_dates(rest):
        iso = f.iso()
        if f.start == 0 and iso:
            return iso, rest[f.end :].strip(" ,|-–—")
        break
    return None


class TextParser:
    def __init__(self, text: str, hints: Hints) -> None:
        self.hints = hints
        self.units = split_units(text)
        self.art = ParsedArticle(format="txt", encoding="utf-8", text="", blocks=[])
        self.art.sources = dict(hints.sources)
        self.art.removed = list(hints.removed)
        self.published_header: str | None = None
        self.published_source = "header"
        self.published_is_update = False  # the header date so far is the last update, not the publication
        self.bounds: list[str] = list(hints.upper_bounds)
        self.byline_outlet: str | None = None
        self.bio_outlet: str | None = None
        self.forwarded_by = hints.forwarded_by
        self.wires: list[tuple[str, str]] = []

    def remove(self, u: Unit, reason: str) -> None:
        u.removed = reason
        self.art.removed.append(RemovedBlock(u.text, reason))

    def set(self, name: str, value: object, source: str) -> None:
        setattr(self.art, name, value)
        self.art.sources[name] = source

    # ---- header -------------------------------------------------------------------------------------------
    def header(self) -> int:
        """Consume title, chrome, date and byline lines at the top; returns the index of the first body unit."""
        units = self.units
        title = self.hints.title
        title_from_text = False
        seen_chrome = False
        after_title_repeat = False
        i = 0
        limit = min(len(units), 40)
        while i < limit:
            u = units[i]
            t = u.text
            nxt = units[i + 1 : i + 3]
            if bp.is_chrome(t):
                self._chrome_line(t)
                self.remove(u, "email-chrome")
                seen_chrome = True
                i += 1
                continue
            if self._sender(i):
                self.forwarded_by = self.forwarded_by or t
                self.remove(u, "email-chrome")
                i += 1
                continue
            st = read_stamp(t)
            if st:
                self._stamp(st)
                self.remove(u, "date-stamp")
                i += 1
                continue
            dh = _date_header(t)
            if dh:
                self.published_header = self.published_header or dh[0]
                self.remove(u, "header") if not dh[1] else self._header_rest(u, dh[1])
                i += 1
                continue
            do = _date_only(t)
            if do:
                self.published_header = self.published_header or do
                self.remove(u, "header")
                i += 1
                continue
            if self._byline(u):
                i += 1
                continue
            lab = _LABEL.match(t)
            if lab:
                self.remove(u, "label")
                nxt_live = units[i + 1] if i + 1 < len(units) else None
                if (
                    lab["l"].lower() in ("abstract", "summary", "highlights", "key points")
                    and nxt_live
                    and self.art.subtitle is None
                    and self.hints.subtitle is None
                ):
                    self.set("subtitle", nxt_live.text, "header")
                    self.remove(nxt_live, "subtitle")
                    i += 1
                i += 1
                continue
            if title and (_same(t, title) or _same(t, md.split_title_suffix(title)[0])):
                self.remove(u, "duplicate-title")
                after_title_repeat = True
                i += 1
                continue
            if title is None and not seen_chrome and i == self._first_live(0) and _is_headline(t, units[i + 1 :]):
                title = t
                title_from_text = True
                self.remove(u, "title")
                i += 1
                continue
            if title is None and seen_chrome and _is_headline(t, units[i + 1 :]) and len(t.split()) >= 3:
                title = t
                title_from_text = True
                self.remove(u, "title")
                i += 1
                continue
            if (
                (after_title_repeat or (title_from_text and self._line_glued(i)))
                and self.art.subtitle is None
                and self.hints.subtitle is None
                and len(t) <= 350
                and not bp.has_photo_credit(t)
                and nxt
                and not md.find_dateline(t)
            ):
                self.set("subtitle", t, "header")
                self.remove(u, "subtitle")
                i += 1
                continue
            if self.hints.subtitle and _same(t, self.hints.subtitle):
                self.remove(u, "duplicate-deck")
                i += 1
                continue
            break
        if title is None and self.hints.fallback_title:
            self.set("title", self.hints.fallback_title, "email")
        elif title is not None and self.hints.title is None:
            title, outlet = md.split_title_suffix(title)
            title = re.sub(r"(?<![.])\.$", "", title.strip())
            if (
                title.endswith(";")
                and self.art.subtitle is None
                and i < len(units)
                and units[i].chunk == units[0].chunk
                and len(units[i].text.split()) <= 25
            ):
                # "Headline;" then the deck on the next line of the same block (database exports)
                self.set("subtitle", re.sub(r"(?<![.])\.$", "", units[i].text), "header")
                self.remove(units[i], "subtitle")
                i += 1
            title = title.rstrip(";").strip()
            self.set("title", title, "header")
            if outlet:
                self._outlet(outlet, "title-suffix")
        elif self.hints.title:
            t0, outlet = md.split_title_suffix(self.hints.title)
            self.art.title = t0
            if outlet and not self.hints.outlet:
                self._outlet(outlet, "title-suffix")
        return i

    def _stamp(self, st: Stamp) -> None:
        """A line that is only a date stamp: the publication date (an update only until the publication shows)."""
        if st.published and (self.published_header is None or (self.published_is_update and not st.update_only)):
            self.published_header = st.published
            self.published_source = "stamp"
            self.published_is_update = st.update_only

    def _line_glued(self, i: int) -> bool:
        # a deck printed right under the title with a single newline (same chunk)
        return i > 0 and self.units[i - 1].chunk == self.units[i].chunk and len(self.units) > i + 2

    def _first_live(self, start: int) -> int:
        for j in range(start, len(self.units)):
            if self.units[j].removed is None:
                return j
        return len(self.units)

    def _chrome_line(self, t: str) -> None:
        m = re.match(r"^(?:from|sender):\s*(.+?)(?:\s*<[^>]*>)?$", t, re.I)
        if m:
            self.forwarded_by = self.forwarded_by or m.group(1).strip(" \"'")
        for f in find_dates(t):
            iso = f.iso()
            if iso:
                self.bounds.append(iso)
            break

    def _sender(self, i: int) -> bool:
        t = self.units[i].text
        if not _NAMEISH.match(t) or len(t) > 60:
            return False
        near = [self.units[j].text for j in (i - 1, i + 1) if 0 <= j < len(self.units)]
        return any(bp.is_chrome(n) and n.strip().lower() not in ("to",) for n in near)

    def _header_rest(self, u: Unit, rest: str) -> None:
        self.art.removed.append(RemovedBlock(u.text[: len(u.text) - len(rest)].strip(), "header"))
        by = md.parse_byline(rest)
        if by:
            self._apply_byline(by)
            self.art.removed.append(RemovedBlock(rest, "byline"))
            u.removed = "header"
            return
        sents = sentences(rest)
        caption: list[str] = []
        while sents and bp.has_photo_credit(sents[-1]):
            caption.insert(0, sents.pop())
            if sents and bp.looks_like_alt_text(sents[-1]):
                caption.insert(0, sents.pop())
        if caption:
            self.art.removed.append(RemovedBlock(" ".join(caption), "photo-caption"))
        deck = " ".join(sents).strip()
        u.removed = "header"
        if deck:
            if not re.search(r"[.!?]['\"’”]?$", deck) and len(deck) < 200 and self.hints.title is None:
                self.hints.title = deck
                self.art.sources["title"] = "header"
            else:
                self.set("subtitle", deck, "header")

    def _byline(self, u: Unit) -> bool:
        text = u.text
        parts = re.split(r"\s+[|•·]\s+", text)
        dated = None
        if len(parts) > 1:  # "By Ann Lee | Published Nov. 24, 2025 | Updated Nov. 25, 2025"
            dated = _labelled_date(" | ".join(parts[1:]))
            text = parts[0]
        by = md.parse_byline(text)
        if not by:
            return False
        if dated and self.published_header is None:
            self.published_header = dated
        self._apply_byline(by)
        self.remove(u, "byline")
        return True

    def _apply_byline(self, by: tuple[list[str], str | None, str | None]) -> None:
        names, outlet, wire = by
        for n in names:
            if n not in self.art.authors:
                self.art.authors.append(n)
        if names:
            self.art.sources["authors"] = "byline"
        if outlet:
            self.byline_outlet = outlet
        if wire:
            self.wires.append((wire, "byline"))

    def _outlet(self, outlet: str, source: str) -> None:
        if self.art.outlet is None:
            self.set("outlet", outlet, source)

    # ---- body ---------------------------------------------------------------------------------------------
    def body(self, start: int) -> None:
        units = self.units
        i = start
        while i < len(units):
            u = units[i]
            if u.removed:
                i += 1
                continue
            t = u.text
            if self.art.title and _same(t, self.art.title):
                self.remove(u, "duplicate-title")
            elif self.art.subtitle and _same(t, self.art.subtitle):
                self.remove(u, "duplicate-deck")
            elif _CORRECTION.match(t):
                i = self._correction(i)
                continue
            elif bp.is_chrome(t) and (i < 3 or i > len(units) - 8 or len(t) < 30):
                self._chrome_line(t)
                self.remove(u, "email-chrome")
            elif bp.is_related(t):
                self.remove(u, "related-link")
            elif bp.is_furniture(t):
                self.remove(u, "furniture")
            elif bp.is_footer(t):
                w = md.wire_from_credit(t)
                if w:
                    self.wires.append((w, "credit"))
                self.remove(u, "footer")
            elif (c := md.parse_contributors(t)) is not None:
                self.art.contributors.extend(n for n in c if n not in self.art.contributors)
                self.art.sources["contributors"] = "text"
                self.remove(u, "contributors")
            elif bp.has_photo_credit(t) and not _looks_like_quote_para(t):
                self.remove(u, "photo-caption")
                prev = units[i - 1] if i > 0 else None
                if (
                    prev
                    and prev.removed is None
                    and ((prev.chunk == u.chunk and len(prev.text) <= 300) or bp.looks_like_alt_text(prev.text))
                ):
                    prev.removed = "image-alt"
                    self.art.removed.insert(len(self.art.removed) - 1, RemovedBlock(prev.text, "image-alt"))
            elif self._byline(u):
                pass
            elif (w := md.wire_from_credit(t)) and len(t) < 200 and not _SENT_SPLIT.search(t.strip("()")):
                self.wires.append((w, "credit"))
                self.remove(u, "credit")
            i += 1
        self._tail()

    def _correction(self, i: int) -> int:
        units = self.units
        parts: list[str] = []
        j = i
        while j < len(units) and j < i + 4:
            t = units[j].text
            if j > i and not (_date_only(t) or _CORRECTION.match(t) or (parts and _date_only(parts[-1]))):
                break
            d = _date_only(t) or next((f.iso() for f in find_dates(t) if f.year), None)
            if d:
                self.bounds.append(d)
            parts.append(t)
            self.remove(units[j], "correction")
            j += 1
        if j < len(units) and all(len(p) < 60 for p in parts) and len(units[j].text) < 800 and not units[j].removed:
            parts.append(units[j].text)  # "CORRECTION:" as a label, the notice in the next paragraph
            self.remove(units[j], "correction")
            j += 1
        dated = [p for p in parts if _date_only(p)]
        texts = [
            p
            for p in parts
            if not _date_only(p) and not re.match(r"^(?:an? )?corrections? (?:was|were) made\b.{0,4}$", p, re.I)
        ]
        notice = " ".join(texts) or " ".join(parts)
        if dated:
            notice = f"{dated[0]}: {notice}"
        self.art.corrections.append(notice)
        self.art.sources["corrections"] = "text"
        return j

    def _tail(self) -> None:
        """Author bios and credits after the last paragraph of the story."""
        for u in reversed(self.units):
            if u.removed:
                continue
            bio = md.parse_bio(u.text)
            if bio and bio[1] is None and self._mentioned_elsewhere(bio[0], u):
                bio = None  # "Smith is a professor at Yale." about someone the story quotes is story, not a bio
            if bio:
                name, outlet = bio
                self.remove(u, "author-bio")
                if name not in self.art.authors and self.art.sources.get("authors") not in (
                    "byline",
                    "json",
                    "html-meta",
                    "email",
                ):
                    self.art.authors.insert(0, name)
                    self.art.sources["authors"] = "bio"
                if outlet:
                    self.bio_outlet = outlet
                continue
            w = md.wire_from_credit(u.text)
            if w and len(u.text) < 300:
                self.wires.append((w, "credit"))
            break

    def _mentioned_elsewhere(self, name: str, unit: Unit) -> bool:
        last = name.split()[-1]
        return any(last in u.text for u in self.units if u is not unit and not u.removed)

    # ---- metadata from the cleaned body --------------------------------------------------------------------
    def finish(self) -> ParsedArticle:
        art = self.art
        live = [u for u in self.units if not u.removed]
        for k, u in enumerate(live):
            if (k + 1 < len(live) and k > 0 and _is_heading(u)) or u.text in self.hints.headings:
                u.kind = "heading"
        while live and live[-1].kind == "heading" and live[-1].text not in self.hints.headings:
            live[-1].kind = "paragraph"
            break
        first = next((u for u in live if u.kind == "paragraph"), None)
        if first:
            dl = md.find_dateline(first.text)
            if dl:
                art.dateline = dl[0]
                art.sources["dateline"] = "dateline"
                if dl[1]:
                    self.wires.insert(0, (dl[1], "dateline"))
        if self.wires:
            art.wire, src = self.wires[0]
            art.sources["wire"] = src
        if art.outlet is None:
            if self.hints.outlet:
                self.set("outlet", self.hints.outlet, self.hints.sources.get("outlet", "header"))
            elif self.byline_outlet:
                self.set("outlet", self.byline_outlet, "byline")
            elif (self.bio_outlet and self.bio_outlet != "The Times") or self.bio_outlet:
                self.set("outlet", self.bio_outlet, "bio")
        if self.hints.authors:
            art.authors = list(self.hints.authors)
            art.sources["authors"] = self.hints.sources.get("authors", "header")
        if self.hints.subtitle and art.subtitle is None:
            art.subtitle = self.hints.subtitle
        self._published(live)
        art.blocks, art.text = _assemble(live)
        art.language = self.hints.language or md.detect_language(
            " ".join(u.text for u in live[:30]) or (art.title or "")
        )
        art.forwarded_by = self.forwarded_by
        return art

    def _published(self, live: list[Unit]) -> None:
        art = self.art
        if self.hints.published:
            art.published = self.hints.published
            return
        if self.published_header:
            self.set("published", self.published_header, self.published_source)
            return
        lead = " ".join(u.text for u in live[:2] if u.kind == "paragraph")
        dl = md.find_dateline(lead)
        for f in find_dates(lead[:600]):
            if f.year and dl and f.start < 60:
                self.set("published", f.iso(), "dateline")
                return
            if f.year is None and f.weekday is not None:
                y = infer_year(f.month, f.day, f.weekday, [int(b[:4]) for b in self.bounds])
                if y:
                    art.published = f.iso(y)
                    art.published_inferred = True
                    art.sources["published"] = "inferred"
                    return
        if self.bounds:
            # no date of its own: it appeared no later than it was forwarded or corrected
            art.published = min(b[:10] for b in self.bounds)
            art.published_inferred = True
            art.sources["published"] = "inferred"


def _looks_like_quote_para(t: str) -> bool:
    return t.count("“") + t.count('"') >= 2 and len(t) > 250


def _assemble(units: list[Unit]) -> tuple[list[Block], str]:
    blocks: list[Block] = []
    parts: list[str] = []
    pos = 0
    for u in units:
        if parts:
            parts.append("\n\n")
            pos += 2
        kind: BlockKind = "heading" if u.kind == "heading" else "paragraph"
        blocks.append(Block(kind, pos, pos + len(u.text), u.text))
        parts.append(u.text)
        pos += len(u.text)
    return blocks, "".join(parts)


def parse_text(text: str, hints: Hints | None = None) -> ParsedArticle:
    p = TextParser(text, hints or Hints())
    start = p.header()
    p.body(start)
    return p.finish()


__all__ = ["Hints", "parse_date", "parse_text"]
