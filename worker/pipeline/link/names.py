"""Names across articles: the compatibility rules that decide whether two names can be the same
entity. Normalized keys are the extract stage's ``name_key``: one definition for both stages."""

from __future__ import annotations

from worker.pipeline.extract.names import name_key

__all__ = ["is_full_name", "name_key", "person_names_compatible", "person_tokens", "surname"]

_SUFFIXES = {"jr", "sr", "ii", "iii", "iv"}


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
