"""Entry point of the link stage's pure core: an article's entities in, corpus keys out."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# types worth a corpus-wide entity; dates and amounts are kept as mentions only
LINKED_TYPES = frozenset({"person", "organization", "place", "group", "event", "work", "law", "product"})
_POSSESSIVE = re.compile(r"[’']s?$")
_HONORIFIC = re.compile(r"^(?:mr|mrs|ms|miss|dr|sen|rep|gov|gen|president|prof)\.?\s+", re.IGNORECASE)


@dataclass(frozen=True)
class EntityKey:
    name: str  # display name
    type: str
    key: str  # normalized name: what "the same entity" means across articles


def name_key(name: str) -> str:
    """Case, accents, honorifics, possessives and punctuation do not distinguish two names."""
    text = unicodedata.normalize("NFKD", name)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = _HONORIFIC.sub("", text.strip())
    text = _POSSESSIVE.sub("", text)
    text = re.sub(r"^the\s+", "", text, flags=re.IGNORECASE)
    text = re.sub(r"[^\w\s]", " ", text)
    return " ".join(text.casefold().split())


def entity_keys(entities: list[tuple[str, str]]) -> dict[tuple[str, str], EntityKey]:
    """Map each (article name, type) worth linking to its corpus key."""
    keys: dict[tuple[str, str], EntityKey] = {}
    for name, etype in entities:
        if etype not in LINKED_TYPES:
            continue
        key = name_key(name)
        if key:
            keys[(name, etype)] = EntityKey(name=name, type=etype, key=key)
    return keys
