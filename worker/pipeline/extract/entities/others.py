"""Step 5: organizations and places: same name key, and acronyms ("FDD", "U.S.") join their expansion."""

from __future__ import annotations

from spacy.tokens import Doc

from worker.pipeline.extract.entities.spans import Span
from worker.pipeline.extract.names import acronym, acronym_letters, name_key


def cluster_others(doc: Doc, spans: list[Span]) -> list[tuple[str, list[Span]]]:
    groups: dict[tuple[str, str], list[Span]] = {}
    for span in spans:
        key = span.key or name_key(doc[span.start : span.end].text)
        groups.setdefault((span.etype, key), []).append(span)
    expansions: dict[tuple[str, str], tuple[str, str] | None] = {}
    for (etype, key), members in groups.items():
        if etype in ("organization", "place") and len(key.split()) > 1:
            acr = acronym(doc[members[0].start : members[0].end].text)
            if len(acr) >= 2:
                slot = (etype, acr)
                expansions[slot] = None if slot in expansions and expansions[slot] != (etype, key) else (etype, key)
    for (etype, key), members in list(groups.items()):
        letters = acronym_letters(doc[members[0].start : members[0].end].text)
        target = expansions.get((etype, letters)) if letters else None
        if target and target != (etype, key) and target in groups:
            groups[target].extend(groups.pop((etype, key)))
    return [(etype, members) for (etype, _), members in groups.items()]
