"""Dates written the ways news pages write them, to ISO 8601 strings.

``find_dates(text)`` yields every date with its span; ``parse_date(text)`` reads one date-only string;
``infer_year(month, day, weekday, bounds)`` picks the year in which "Monday, November 24" was a Monday.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

MONTHS = {
    "jan": 1,
    "feb": 2,
    "mar": 3,
    "apr": 4,
    "may": 5,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "sept": 9,
    "oct": 10,
    "nov": 11,
    "dec": 12,
}
WEEKDAYS = {"mon": 0, "tue": 1, "tues": 1, "wed": 2, "thu": 3, "thur": 3, "thurs": 3, "fri": 4, "sat": 5, "sun": 6}
_MON = r"(?P<mon>Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"  # noqa: E501
_WD = r"(?:(?P<wd>Mon|Tue|Tues|Wed|Thu|Thur|Thurs|Fri|Sat|Sun)[a-z]*\.?,?\s+)"
_TIME = (
    r"(?:(?:,|\s+at|\s*[-–])?\s*(?P<h>\d{1,2}):(?P<mi>\d{2})(?::(?P<s>\d{2}))?(?:\.\d+)?\s*(?P<ap>[AaPp]\.?[Mm]\.?)?"
    r"(?:\s*(?P<tz>Z|UTC|GMT|[ECMP][SD]T|[+-]\d{2}:?\d{2}))?)?"
)
_ISO = re.compile(
    r"\b(?P<y>(?:19|20)\d{2})-(?P<m>\d{2})-(?P<d>\d{2})"
    r"(?:[T ](?P<h>\d{2}):(?P<mi>\d{2})(?::(?P<s>\d{2}))?(?:\.\d+)?(?P<tz>Z|[+-]\d{2}:?\d{2})?)?"
)
_MDY = re.compile(
    r"\b" + _WD + r"?" + _MON + r"\s+(?P<d>\d{1,2})(?:st|nd|rd|th)?(?:,?\s+(?P<y>(?:19|20)\d{2}))?\b" + _TIME
)
_DMY = re.compile(r"\b" + _WD + r"?(?P<d>\d{1,2})(?:st|nd|rd|th)?\s+" + _MON + r",?\s+(?P<y>(?:19|20)\d{2})\b" + _TIME)
_SLASH = re.compile(r"\b(?P<m>\d{1,2})/(?P<d>\d{1,2})/(?P<y>(?:19|20)\d{2})\b")
# zone abbreviations with a fixed offset (the stamp reader takes them all; ISO dates only Z/UTC/GMT/US zones)
TIME_ZONES = {
    "UTC": "+00:00",
    "GMT": "+00:00",
    "BST": "+01:00",
    "CET": "+01:00",
    "CEST": "+02:00",
    "EET": "+02:00",
    "EEST": "+03:00",
    "EST": "-05:00",
    "EDT": "-04:00",
    "CST": "-06:00",
    "CDT": "-05:00",
    "MST": "-07:00",
    "MDT": "-06:00",
    "PST": "-08:00",
    "PDT": "-07:00",
    "AKST": "-09:00",
    "AKDT": "-08:00",
    "AEST": "+10:00",
    "AEDT": "+11:00",
    "ACST": "+09:30",
    "ACDT": "+10:30",
    "AWST": "+08:00",
    "NZST": "+12:00",
    "NZDT": "+13:00",
    "Z": "+00:00",
}


@dataclass(frozen=True)
class FoundDate:
    start: int
    end: int
    year: int | None
    month: int
    day: int
    weekday: int | None
    time: str | None  # "HH:MM[:SS]" and offset when known, e.g. "11:48:06" or "09:00-05:00"

    def iso(self, year: int | None = None) -> str | None:
        y = year or self.year
        if y is None:
            return None
        try:
            day = dt.date(y, self.month, self.day)
        except ValueError:
            return None
        return f"{day.isoformat()}T{self.time}" if self.time else day.isoformat()


def _time(m: re.Match[str]) -> str | None:
    if not m.groupdict().get("h"):
        return None
    h, mi = int(m["h"]), int(m["mi"])
    ap = (m.groupdict().get("ap") or "").lower().replace(".", "")
    if ap == "pm" and h < 12:
        h += 12
    if ap == "am" and h == 12:
        h = 0
    if h > 23 or mi > 59:
        return None
    out = f"{h:02d}:{mi:02d}" + (f":{int(m['s']):02d}" if m.groupdict().get("s") else "")
    tz = m.groupdict().get("tz")
    if tz:
        tz = TIME_ZONES.get(tz.upper(), tz)
        if re.fullmatch(r"[+-]\d{4}", tz):
            tz = tz[:3] + ":" + tz[3:]
        out += tz
    return out


def find_dates(text: str) -> Iterator[FoundDate]:
    """Every date in text, in order of appearance."""
    found: list[FoundDate] = []
    taken: list[tuple[int, int]] = []
    for rx in (_ISO, _MDY, _DMY, _SLASH):
        for m in rx.finditer(text):
            if any(a < m.end() and m.start() < b for a, b in taken):
                continue
            g = m.groupdict()
            month = MONTHS[g["mon"][:3].lower()] if g.get("mon") else int(g["m"])
            day = int(g["d"])
            if not (1 <= month <= 12 and 1 <= day <= 31):
                continue
            if rx is _SLASH and month > 12:
                continue
            wd = WEEKDAYS.get(g["wd"].lower()) if g.get("wd") else None
            end = m.end()
            found.append(FoundDate(m.start(), end, int(g["y"]) if g.get("y") else None, month, day, wd, _time(m)))
            taken.append((m.start(), end))
    yield from sorted(found, key=lambda f: f.start)


def parse_date(text: str) -> str | None:
    """ISO string for a string that holds one full date (year known), else None."""
    for f in find_dates(text):
        if f.year:
            return f.iso()
    return None


def infer_year(month: int, day: int, weekday: int, bounds: Iterable[int]) -> int | None:
    """The year in which month/day fell on weekday, given the years of dates the article cannot be
    later than (when it was forwarded, corrected): the latest such year, or the one before for a
    day later in the calendar than the bound. Years the text merely mentions are no evidence (a
    2008 obituary names 1947; a weekday matches some year within six of any reference), and
    neither is the day the file arrives: without a bound the date stays unknown."""
    refs = sorted(set(bounds))
    if not refs:
        return None
    for year in (refs[-1], refs[-1] - 1):
        try:
            if dt.date(year, month, day).weekday() == weekday:
                return year
        except ValueError:
            continue
    return None


_LEAD_TIME = re.compile(
    r"^(?P<h>\d{1,2}):(?P<mi>\d{2})(?::(?P<s>\d{2}))?\s*(?P<ap>[AaPp]\.?[Mm]\.?)?\s*(?P<tz>UTC|GMT|[ECMP][SD]T)?\s*[,|]?\s*"
)


def leading_time(text: str) -> tuple[str | None, str]:
    """("17:30-05:00", rest) for "5:30 PM EST, Mon November 24, 2025"; (None, text) when no time leads."""
    m = _LEAD_TIME.match(text)
    if not m:
        return None, text
    return _time(m), text[m.end() :]
