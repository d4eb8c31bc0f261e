"""Names: normalized keys and the compatibility rules that decide whether two names can be
the same entity. Pure functions, shared by the link stage and its tests."""

from __future__ import annotations

import re
import unicodedata

_HONORIFIC = re.compile(
    r"^(?:mr|mrs|ms|miss|dr|sen|senator|rep|gov|gen|president|prof|sir|dame|lord|the)\.?\s+", re.IGNORECASE
)
_POSSESSIVE = re.compile(r"[’']s?$")
_SUFFIXES = {"jr", "sr", "ii", "iii", "iv"}


def name_key(name: str) -> str:
    """Case, accents, honorifics, possessives and punctuation never distinguish two names."""
    text = unicodedata.normalize("NFKD", name)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).strip()
    while True:
        stripped = _HONORIFIC.sub("", text)
        if stripped == text:
            break
        text = stripped
    text = _POSSESSIVE.sub("", text)
    text = re.sub(r"[^\w\s]", " ", text)
    return " ".join(text.casefold().split())


def person_tokens(key: str) -> list[str]:
    """Given and family names of a person key, without initials and generational suffixes."""
    return [t for t in key.split() if len(t) > 1 and t not in _SUFFIXES]


def surname(key: str) -> str | None:
    tokens = person_tokens(key)
    return tokens[-1] if tokens else None


def is_full_name(key: str) -> bool:
    return len(person_tokens(key)) >= 2


def person_names_compatible(a: str, b: str) -> bool:
    """'donald trump' ~ 'donald j trump'; 'joseph r biden jr' ~ 'joseph biden'; 'trump' ~ 'donald trump'.
    Two full names must agree on the family name and on the given name."""
    ta, tb = person_tokens(a), person_tokens(b)
    if not ta or not tb:
        return False
    if len(ta) == 1 or len(tb) == 1:
        short, full = (ta, tb) if len(ta) == 1 else (tb, ta)
        return short[0] in (full[-1], full[0])
    return ta[-1] == tb[-1] and ta[0] == tb[0]
