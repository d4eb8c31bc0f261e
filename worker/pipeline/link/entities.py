"""Linking one article entity to the corpus: the decision, given candidates found by index."""

from __future__ import annotations

from dataclasses import dataclass, field

from worker.pipeline.link.names import is_full_name, name_key, person_names_compatible, person_tokens

# types worth a corpus-wide entity; dates and amounts are kept as mentions only
LINKED_TYPES = frozenset({"person", "organization", "place", "group", "event", "work", "law", "product"})
# a surname-only mention joins the most used full name only when that name carries this share
DOMINANT_SHARE = 0.8


@dataclass(frozen=True)
class ArticleEntity:
    name: str  # fullest name in the article
    type: str
    surfaces: dict[str, int] = field(default_factory=dict)  # surface form -> mentions

    @property
    def key(self) -> str:
        return name_key(self.name)


@dataclass(frozen=True)
class Candidate:
    entity_id: int
    name: str
    key: str
    type: str
    article_count: int  # how many articles already link to it (its weight of evidence)
    kb_alias: bool = False  # found through an alias from the user's knowledge base


@dataclass(frozen=True)
class Decision:
    entity_id: int | None  # None: create a new entity
    evidence: str


def lookup_keys(entity: ArticleEntity) -> list[str]:
    """The alias keys to look candidates up by: its own key and, for people, the surname."""
    keys = [entity.key]
    if entity.type == "person":
        tokens = person_tokens(entity.key)
        if tokens and tokens[-1] not in keys:
            keys.append(tokens[-1])
    return keys


def decide(entity: ArticleEntity, candidates: list[Candidate]) -> Decision:
    same_type = [c for c in candidates if c.type == entity.type]
    exact = [c for c in same_type if c.key == entity.key]
    if exact:
        return Decision(exact[0].entity_id, "same name")
    known = [c for c in same_type if c.kb_alias]
    if len(known) == 1:
        return Decision(known[0].entity_id, f"knowledge-base alias of {known[0].name!r}")
    if entity.type != "person":
        return Decision(None, "new name")
    compatible = [c for c in same_type if person_names_compatible(entity.key, c.key)]
    if is_full_name(entity.key):
        # a full name joins a longer spelling of itself ("Donald J. Trump") but never a surname-only entity
        full = [c for c in compatible if is_full_name(c.key)]
        if len(full) == 1:
            return Decision(full[0].entity_id, f"full names agree: {full[0].name!r}")
        return Decision(None, "new full name" if not full else "ambiguous full name: kept apart")
    full = sorted((c for c in compatible if is_full_name(c.key)), key=lambda c: -c.article_count)
    if len(full) == 1:
        return Decision(full[0].entity_id, f"surname matches one known person: {full[0].name!r}")
    if full:
        total = sum(c.article_count for c in full) or 1
        if full[0].article_count / total >= DOMINANT_SHARE:
            return Decision(full[0].entity_id, f"surname dominated by {full[0].name!r}")
        return Decision(None, "ambiguous surname: kept apart")
    return Decision(None, "new surname")


def absorbable(new_full: Candidate, surname_only: list[Candidate]) -> list[Candidate]:
    """Surname-only entities a newly seen full name can absorb: same type, compatible name."""
    return [
        c
        for c in surname_only
        if c.type == new_full.type
        and not is_full_name(c.key)
        and c.entity_id != new_full.entity_id
        and person_names_compatible(c.key, new_full.key)
    ]
