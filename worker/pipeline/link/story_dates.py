"""What a text says about when its event happened: the year it is about, the days of the year and
the weekdays it names. Read by the story step (see stories) as time evidence."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date

_YEAR = re.compile(r"\b(19[5-9]\d|20\d\d)\b")


def event_year(text: str, day: date | None) -> int | None:
    """The publication year, else the year the text names most often (the latest of a tie)."""
    if day is not None:
        return day.year
    named = Counter(int(y) for y in _YEAR.findall(text))
    return max(named.items(), key=lambda kv: (kv[1], kv[0]))[0] if named else None


_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("Jan", "January"),
            ("Feb", "February"),
            ("Mar", "March"),
            ("Apr", "April"),
            ("May",),
            ("Jun", "June"),
            ("Jul", "July"),
            ("Aug", "August"),
            ("Sep", "Sept", "September"),
            ("Oct", "October"),
            ("Nov", "November"),
            ("Dec", "December"),
        ),
        start=1,
    )
    for name in names
}
_MONTH = "(" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_MONTH_DAY = re.compile(r"\b" + _MONTH + r"\s+(\d{1,2})(?:st|nd|rd|th)?\b")
_WEEKDAYS = {
    name: n for n, name in enumerate(("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"), 1)
}
_WEEKDAY = re.compile(r"\b(" + "|".join(_WEEKDAYS) + r")\b")
_DAY_MONTH = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)?\s+" + _MONTH + r"\b")


def day_of_year(month: int, day: int) -> int | None:
    """1-366 (a leap year's numbering, so February 29 exists), None for an impossible date."""
    try:
        return date(2000, month, day).timetuple().tm_yday
    except ValueError:
        return None


def named_days(text: str, published: date | None) -> frozenset[int]:
    """Days of the year the text writes as a month and a day ("Dec. 9", "9 September 2013"), and
    the publication day: which year is left to the year evidence."""
    found = {day_of_year(_MONTHS[m.group(1)], int(m.group(2))) for m in _MONTH_DAY.finditer(text)}
    found |= {day_of_year(_MONTHS[m.group(2)], int(m.group(1))) for m in _DAY_MONTH.finditer(text)}
    if published is not None:
        found.add(day_of_year(published.month, published.day))
    return frozenset(d for d in found if d is not None)


def named_weekdays(text: str) -> frozenset[int]:
    """The weekdays the text names ("on Monday", "Tuesday's vote"), 1 (Monday) to 7."""
    return frozenset(_WEEKDAYS[m.group(1)] for m in _WEEKDAY.finditer(text))
