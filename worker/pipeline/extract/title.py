"""Entities of the headline, joined to the article's own entities.

The headline is not part of the clean text, so its mentions carry offsets into the title and
``in_title=True``. A headline name the body also uses ("Lohan" over a text about "Lindsay Lohan")
is a mention of the body's entity: body names and their short forms are looked up in the title
first, since headline capitalization misleads the tagger. Entities the tagger finds in the title
and the body never names become entities of their own."""

from __future__ import annotations

import re

from spacy.tokens import Doc

from worker.pipeline.extract.entities import extract_entities
from worker.pipeline.extract.entities.described import descriptions
from worker.pipeline.extract.model import Entity, Mention
from worker.pipeline.extract.names import (
    first_name_gender,
    honorific_gender,
    is_blend,
    is_name_variant,
    name_key,
    name_parts,
)

TITLE_TYPES = frozenset({"person", "organization", "place", "group", "event", "work", "law", "product"})


def add_title_entities(entities: list[Entity], title: Doc | None) -> list[Entity]:
    """The body's entities with their headline mentions added, plus the headline's own."""
    if title is None or not title.text.strip():
        return entities
    taken: list[tuple[int, int]] = []
    title_entities = extract_entities(title)
    for entity in entities:
        if entity.type not in TITLE_TYPES:
            continue
        full = _full_name_in_title(entity, entities, title_entities, _title_case(title))
        if full:
            entity.name, entity.type = full, "person"
        for start, end in _find_names(title.text, _title_forms(entity), taken):
            entity.mentions.append(Mention(start, end, title.text[start:end], in_title=True))
            taken.append((start, end))
    _described_in_title(entities, title, taken)
    for found in title_entities:
        if found.type not in TITLE_TYPES:
            continue
        mentions = [m for m in found.mentions if not any(a < m.end and m.start < b for a, b in taken)]
        if not mentions:
            continue
        owner = _body_owner(found, entities)
        moved = [Mention(m.start, m.end, m.text, dict(m.attributes), in_title=True) for m in mentions]
        if owner is not None:
            owner.mentions.extend(moved)
        else:
            entities.append(Entity(found.name, found.type, moved))
        taken.extend((m.start, m.end) for m in mentions)
    return entities


def _full_name_in_title(
    entity: Entity, entities: list[Entity], title_entities: list[Entity], title_case: bool
) -> str | None:
    """A body that calls a person by one name only ("Pinup girl Williams") under a headline that
    gives the full name ("Esther Williams, who swam to stardom, dies at 91"): the full name is
    the article's name for that person. Only under a headline in sentence case (in title case
    capitals say nothing: "Obama Administration Flips Bush Endangered Species Ruling" holds no
    "Flips Bush"), and only a given and a family name (a middle initial at most) whose given name
    is no word of another body entity ("Obama Reverses Bush"). That word typed organization or place
    ("Lohan's lawyer") is the person too. A blended nickname ("LiLo") takes the headline's full name
    in any case: both halves must agree with it."""
    words, _ = name_parts(entity.name)
    if entity.type not in ("person", "organization", "place") or len(words) != 1:
        return None
    blended = {_given_and_family(found.name) for found in title_entities if found.type == "person"}
    blended = {name for name in blended if name and is_blend(entity.name, name)}
    if blended and entity.type == "person":  # "LiLo" under "Lindsay Lohan Checks Into Rehab", whatever the case
        return blended.pop() if len(blended) == 1 else None
    if title_case:
        return None
    others = {w for e in entities if e is not entity for w in name_key(e.name).split()}
    full = set()
    for found in title_entities:
        parts, _ = name_parts(found.name)
        shape = len(parts) == 2 or (len(parts) == 3 and len(parts[1]) == 1)
        if found.type == "person" and shape and parts[-1] == words[0] and parts[0] not in others:
            full.add(found.name)
    return full.pop() if len(full) == 1 else None


def _described_in_title(entities: list[Entity], title: Doc, taken: list[tuple[int, int]]) -> None:
    """ "Guilty verdict for murderer of Brooklyn mother of 12": a description in the headline is a mention of the
    first person of a compatible gender the headline names after it, else of the first one the body names."""
    people = [e for e in entities if e.type == "person" and any(not m.in_title for m in e.mentions)]
    for i, gender in descriptions(title, indefinite=False):
        start, end = title[i].idx, title[i].idx + len(title[i])
        if any(a < end and start < b for a, b in taken):
            continue
        fits = [e for e in people if _gender(e) in (gender, None)]
        later = [
            (min(m.start for m in e.mentions if m.in_title and m.start > start), n)
            for n, e in enumerate(fits)
            if any(m.in_title and m.start > start for m in e.mentions)
        ]
        first = [(min(m.start for m in e.mentions if not m.in_title), n) for n, e in enumerate(fits)]
        if later or first:
            person = fits[min(later or first)[1]]
            person.mentions.append(Mention(start, end, title[i].text, {"epithet": "description"}, in_title=True))
            taken.append((start, end))


def _gender(entity: Entity) -> str | None:
    for m in entity.mentions:
        gender = honorific_gender(m.attributes.get("honorific", ""))
        if gender:
            return gender
    return first_name_gender(entity.name)


def _given_and_family(name: str) -> str | None:
    """The first two words of a headline person span, which may run on into the headline's verbs."""
    words = name.split()
    return " ".join(words[:2]) if len(words) >= 2 and all(w[:1].isupper() for w in words[:2]) else None


def _title_case(title: Doc) -> bool:
    """Most longer words capitalized: "Obama Administration Flips Bush Endangered Species Ruling"."""
    words = [t for t in title if t.is_alpha and len(t) > 3]
    return sum(t.text[0].isupper() for t in words) > 0.6 * len(words)


def _title_forms(entity: Entity) -> list[str]:
    """The surfaces the body used, and for a person the family name, longest first."""
    forms = {m.text for m in entity.mentions if not m.in_title} | {entity.name}
    words, _ = name_parts(entity.name)
    if entity.type == "person" and len(words) >= 2 and len(words[-1]) > 1:
        forms.add(words[-1])
    return sorted((f for f in forms if len(name_key(f)) > 1), key=len, reverse=True)


def _find_names(title: str, forms: list[str], taken: list[tuple[int, int]]) -> list[tuple[int, int]]:
    found: list[tuple[int, int]] = []
    for form in forms:
        pattern = r"(?<![\w'’])" + re.escape(form) + r"(?![\w])"
        for m in re.finditer(pattern, title, re.IGNORECASE):
            if not m.group()[0].isupper():
                continue
            span = (m.start(), m.end())
            if not any(a < span[1] and span[0] < b for a, b in taken + found):
                found.append(span)
    return found


def _body_owner(found: Entity, entities: list[Entity]) -> Entity | None:
    """The body entity a headline name stands for: the same key, or a short form of one person."""
    key = name_key(found.name)
    same = [e for e in entities if name_key(e.name) == key and e.type in TITLE_TYPES]
    if same:
        return same[0]
    people = [e for e in entities if e.type == "person" and is_name_variant(found.name, e.name)]
    return people[0] if len(people) == 1 else None
