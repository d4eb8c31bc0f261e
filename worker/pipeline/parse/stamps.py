"""Time-stamp lines: a line that holds nothing but when the story was published or updated.

"21 July 2013 Last updated at 11:11 GMT", "Updated Thu 6 May 2010, 9:03am AEST", "Posted 11/27/2005 7:21 AM",
"Monday, Sep 10, 2012 | Updated 9:01 AM EDT", "Last updated at 22:46 GMT". ``read_stamp(line)`` says whether
the line is only that (dates, times, time zones, weekdays and the words "updated", "published", "posted", "on",
"at"...) and which publication date it gives: the date labelled published/posted, else an unlabelled one, else
the update; with the clock time written next to it when the date itself has none.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from worker.pipeline.parse.dates import MONTHS, TIME_ZONES, WEEKDAYS, FoundDate, find_dates

MAX_LEN = 110
_ZONES = {zone: offset for zone, offset in TIME_ZONES.items() if zone != "Z"}  # "Z" only after a clock
# zones whose offset depends on the season or the country ("ET", "IST"): read, but no offset recorded
_VAGUE_ZONES = ("ET", "CT", "MT", "PT", "IST", "HKT", "SGT", "JST", "UK")
_ZONE = r"(?:" + "|".join(sorted([*_ZONES, *_VAGUE_ZONES], key=len, reverse=True)) + r")"
_OFFSET = r"(?:\s*(?P<sign>[+-])\s*(?P<oh>\d{1,2})(?::\s*(?P<om>\d{2}))?)"
_CLOCK = re.compile(
    r"(?<![\d:.])(?P<h>\d{1,2})[:.](?P<mi>\d{2})(?::(?P<s>\d{2}))?(?![\d:])"
    r"(?:\s*(?P<ap>[AaPp])\.?\s?(?:[Mm]\.?)?(?![A-Za-z]))?"
    r"(?:\s*\(?(?P<tz>" + _ZONE + r")" + _OFFSET + r"?\)?)?"
)
_ZONE_ONLY = re.compile(r"\(?\b" + _ZONE + r"\b" + _OFFSET + r"?\)?")
_LABEL = r"(?:(?:story|article)\s+)?(?:last|first|originally)?\s*(?:updated|published|posted|modified|created|edited)"
_WORDS = re.compile(r"(?i)\b(?:" + _LABEL + r"|on|at|time|date)\b")
_UPDATE = re.compile(r"(?i)\b(?:updated|modified|edited)\b")
_PUBLISH = re.compile(r"(?i)\b(?:published|posted|created)\b")
_CASED = re.compile(
    r"(?i)\b(?:" + "|".join(sorted([*MONTHS, *WEEKDAYS], key=len, reverse=True)) + r")[a-z]*\b\.?",
)
_WEEKDAY = re.compile(r"(?i)\b(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)(?:day|nesday|sday|rsday|urday)?\b\.?")
_LEFTOVER = re.compile(r"[\s,|/\-–—:().@]*")


@dataclass(frozen=True)
class Stamp:
    published: str | None  # ISO date or datetime; None for a time without a date ("Updated 4:08 p.m. ET")
    update_only: bool  # every date on the line is labelled as an update


def _clock(m: re.Match[str]) -> str | None:
    h, mi = int(m["h"]), int(m["mi"])
    ap = (m["ap"] or "").lower()
    if ap == "p" and h < 12:
        h += 12
    if ap == "a" and h == 12:
        h = 0
    if h > 23 or mi > 59 or (ap and h == 0 and int(m["h"]) != 12):
        return None
    out = f"{h:02d}:{mi:02d}" + (f":{int(m['s']):02d}" if m["s"] else "")
    if m["sign"] and m["oh"]:
        return out + f"{m['sign']}{int(m['oh']):02d}:{int(m['om'] or 0):02d}"
    return out + _ZONES.get((m["tz"] or "").upper(), "")


def _blank(text: str, start: int, end: int) -> str:
    return text[:start] + " " * (end - start) + text[end:]


def read_stamp(line: str) -> Stamp | None:
    """The stamp a line is made of, or None when the line says anything else."""
    if len(line) > MAX_LEN or not re.search(r"\d[:./]?\d", line):
        return None
    # "UPDATED: WEDNESDAY, MARCH 12, 2008": month and weekday names in capitals read like any others
    text = _CASED.sub(lambda m: m.group(0)[0].upper() + m.group(0)[1:].lower(), line)
    dates = sorted([_extend(f, text) for f in [*find_dates(text), *_short_slash(text)]], key=lambda f: f.start)
    rest = text
    for f in dates:
        rest = _blank(rest, f.start, f.end)
    clocks = [m for m in _CLOCK.finditer(rest) if _clock(m)]
    for m in clocks:
        rest = _blank(rest, m.start(), m.end())
    rest = _ZONE_ONLY.sub(" ", rest)
    rest = _WEEKDAY.sub(" ", rest)
    rest = _WORDS.sub(" ", rest)
    if _LEFTOVER.fullmatch(rest) is None or not (dates or clocks):
        return None
    if not dates and not (_WORDS.search(text) or _ZONE_ONLY.search(text) or any(m["tz"] for m in clocks)):
        return None  # a bare "8:24am:" heads an entry of a live page; a stamp says what the time is
    if dates and not any(f.year for f in dates):
        return Stamp(None, False)  # "Updated Wednesday, Jan 5 at 5:53 PM": the year is unknown
    dated = [(f, _label_before(text, f.start, dates)) for f in dates if f.year]
    if not dated:
        return Stamp(None, bool(_UPDATE.search(text)))
    best = next((d for d in dated if d[1] == "published"), None) or next((d for d in dated if d[1] != "updated"), None)
    update_only = best is None
    f = (best or dated[0])[0]
    return Stamp(_with_clock(f, dates, clocks), update_only)


_SHORT_SLASH = re.compile(r"(?<![\d/])(?P<m>\d{1,2})/(?P<d>\d{1,2})/(?P<y>\d{2})(?![\d/])")


def _short_slash(text: str) -> list[FoundDate]:
    """ "12/16/08 1:30 AM EST": month first, like the four-digit form that ``find_dates`` reads."""
    out = []
    for m in _SHORT_SLASH.finditer(text):
        month, day, yy = int(m["m"]), int(m["d"]), int(m["y"])
        if 1 <= month <= 12 and 1 <= day <= 31:
            t = _CLOCK.match(text, m.end() + len(text[m.end() :]) - len(text[m.end() :].lstrip()))
            time = _clock(t) if t else None
            end = t.end() if t and time else m.end()
            out.append(FoundDate(m.start(), end, (2000 if yy < 50 else 1900) + yy, month, day, None, time))
    return out


_AP_AFTER = re.compile(r"\s?(?P<ap>[AaPp])\.?\s?(?:[Mm]\.?)?(?![A-Za-z])")
_ZONE_AFTER = re.compile(r"\s*\(?(?:(?P<tz>" + _ZONE + r")\b)?" + _OFFSET + r"?\)?")


def _extend(f: FoundDate, text: str) -> FoundDate:
    """The date with what follows its clock time: "p. m." or a bare "p", a zone ("AEST", "GMT+05: 00")."""
    hm = re.match(r"(\d{2}):(\d{2})(:\d{2})?(.*)$", f.time or "")
    if not hm:
        return f
    h, end, off = int(hm[1]), f.start + len(text[f.start : f.end].rstrip()), hm[4]
    ap = _AP_AFTER.match(text, end) if text[end - 1 : end].isdigit() else None
    if ap:
        if ap["ap"].lower() == "p" and h < 12:
            h += 12
        elif ap["ap"].lower() == "a" and h == 12:
            h = 0
        end = ap.end()
    z = _ZONE_AFTER.match(text, end)
    if z and (z["tz"] or z["sign"]):
        if z["sign"] and z["oh"]:
            off = f"{z['sign']}{int(z['oh']):02d}:{int(z['om'] or 0):02d}"
        elif not off:
            off = _ZONES.get(z["tz"].upper(), "")
        end = z.end()
    return replace(f, end=end, time=f"{h:02d}:{hm[2]}{hm[3] or ''}{off}")


def _label_before(text: str, start: int, dates: list[FoundDate]) -> str | None:
    """ "published" or "updated" when the nearest label before the date (and after the previous date) says so."""
    prev_end = max((d.end for d in dates if d.end <= start), default=0)
    before = text[prev_end:start]
    labels = list(re.finditer(r"(?i)(?:updated|modified|edited|published|posted|created)", before))
    if not labels:
        # "21 July 2013 Last updated at 11:11 GMT": a lone date shares the label that follows it
        if len(dates) == 1:
            return "updated" if _UPDATE.search(text) and not _PUBLISH.search(text) else None
        return None
    return "updated" if _UPDATE.fullmatch(labels[-1].group(0)) else "published"


def _with_clock(f: FoundDate, dates: list[FoundDate], clocks: list[re.Match[str]]) -> str | None:
    iso = f.iso()
    if not iso or f.time:
        return iso
    # the clock time written next to the date, with no other date between them
    near = [
        m
        for m in clocks
        if not any(min(m.start(), f.start) < d.start < max(m.start(), f.start) for d in dates if d is not f)
    ]
    if not near:
        return iso
    m = min(near, key=lambda m: abs(m.start() - f.start))
    t = _clock(m)
    return f"{iso}T{t}" if t else iso
