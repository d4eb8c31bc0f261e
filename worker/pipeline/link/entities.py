"""Linking one article entity to the corpus: the decision, given candidates found by index.

Names propose, evidence decides. A full name joins the entity with the same name or a longer
spelling of it ("Mark Felt" / "W. Mark Felt"); a short form ("Bush") joins a known person only
when the article shares company with that person's articles (the other people, places and
organizations named around it), never because one person "dominates" the surname. The entity
type is not part of a person's identity: the tagger calls one person a person, an organization
or a place in different articles, and a name that is a person's full name or alias links to that
person whatever the tagger said, when the name itself or the context supports it."""

from __future__ import annotations

from dataclasses import dataclass, field

from worker.pipeline.link.names import (
    given_name_shortened,
    is_full_name,
    name_key,
    name_variants,
    person_names_compatible,
    person_tokens,
)

# types worth a corpus-wide entity; dates and amounts are kept as mentions only
LINKED_TYPES = frozenset({"person", "organization", "place", "group", "event", "work", "law", "product"})
# types the tagger confuses with a person name
PERSON_LIKE = frozenset({"person", "organization", "place", "group", "product", "work"})
# names shared between the article and a candidate's articles for a short form to join it
MIN_SHARED_CONTEXT = 2


@dataclass(frozen=True)
class ArticleEntity:
    name: str  # fullest name in the article
    type: str
    surfaces: dict[str, int] = field(default_factory=dict)  # surface form -> mentions
    context: frozenset[str] = frozenset()  # keys of the other entities the article names

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
    alias_keys: frozenset[str] = frozenset()  # which of the entity's alias keys matched the lookup
    context: frozenset[str] = frozenset()  # keys of entities named in its recent articles


@dataclass(frozen=True)
class Decision:
    entity_id: int | None  # None: create a new entity
    evidence: str
    same_as: int | None = None  # index of another entity of the article that this one is


def lookup_keys(entity: ArticleEntity) -> list[str]:
    """The alias keys to look candidates up by: its own key and, for a possible person, the
    family name (or the one word it is)."""
    keys = [entity.key]
    if entity.type in PERSON_LIKE:
        keys += sorted(name_variants(entity.name) - {entity.key})
        tokens = person_tokens(entity.key)
        if tokens and tokens[-1] not in keys:
            keys.append(tokens[-1])
        keys += [k for k in embedded_names(entity) if k not in keys]
    return keys


def embedded_names(entity: ArticleEntity) -> list[str]:
    """A tagged person span that runs past the name ("Chris Ivory on Injured Reserve", a
    title-case heading) may hold a known name at its start or end."""
    words = entity.key.split()
    if entity.type != "person" or len(person_tokens(entity.key)) < 3:
        return []
    return [" ".join(words[:2]), " ".join(words[-2:])]


def shared_context(entity: ArticleEntity, candidate: Candidate) -> int:
    own = set(person_tokens(candidate.key)) | set(person_tokens(entity.key))
    return sum(1 for k in entity.context & candidate.context if not set(k.split()) <= own)


def decide(entity: ArticleEntity, candidates: list[Candidate]) -> Decision:
    same_type = [c for c in candidates if c.type == entity.type]
    known = [c for c in same_type if c.kb_alias]
    if len(known) == 1:
        return Decision(known[0].entity_id, f"knowledge-base alias of {known[0].name!r}")
    people = [c for c in candidates if c.type == "person"]
    if entity.type == "person" and not is_full_name(entity.key):
        return _short_form(entity, people)  # a full name the context points to beats the bare word
    exact = [c for c in same_type if c.key == entity.key]
    if exact:
        return Decision(exact[0].entity_id, "same name")
    if entity.type != "person":
        return _retyped(entity, people)
    if is_full_name(entity.key):
        return _full_name(entity, people)
    return _short_form(entity, people)


def _retyped(entity: ArticleEntity, people: list[Candidate]) -> Decision:
    """A non-person name that is a known person's name: the tagger's type was wrong."""
    if entity.type not in PERSON_LIKE:
        return Decision(None, "new name")
    named = [c for c in people if is_full_name(entity.key) and (c.key == entity.key or entity.key in c.alias_keys)]
    if len(named) == 1:
        return Decision(named[0].entity_id, f"full name of the person {named[0].name!r} (typed {entity.type})")
    if not is_full_name(entity.key):
        short = _short_form(entity, people)
        if short.entity_id is not None:
            return Decision(short.entity_id, f"{short.evidence} (typed {entity.type})")
    return Decision(None, "new name")


def _full_name(entity: ArticleEntity, people: list[Candidate]) -> Decision:
    """A full name joins the person it spells (an alias, or compatible given and family names);
    among several, the one whose articles share the most company, if any does."""
    keys = {entity.key} | name_variants(entity.name)
    aliased = [c for c in people if keys & c.alias_keys and is_full_name(c.key)]
    compatible = [c for c in people if is_full_name(c.key) and person_names_compatible(entity.key, c.key)]
    for group, why in ((aliased, "full-name alias of"), (compatible, "full names agree:")):
        if len(group) == 1:
            return Decision(group[0].entity_id, f"{why} {group[0].name!r}")
        best = _best_by_context(entity, group)
        if best is not None:
            return Decision(best.entity_id, f"{why} {best.name!r}, shared context")
    shortened = [c for c in people if given_name_shortened(entity.key, c.key)]
    best = _best_by_context(entity, shortened)
    if best is not None:
        return Decision(best.entity_id, f"given name shortened: {best.name!r}, shared context")
    inside = set(embedded_names(entity))
    best = _best_by_context(entity, [c for c in people if c.key in inside])
    if best is not None:
        return Decision(best.entity_id, f"holds the name {best.name!r}, shared context")
    return Decision(None, "new full name" if not compatible else "ambiguous full name: kept apart")


def _short_form(entity: ArticleEntity, people: list[Candidate]) -> Decision:
    """One word ("Bush", "Lohan"): only the company the article keeps can tell whose it is."""
    full = [c for c in people if is_full_name(c.key) and person_names_compatible(entity.key, c.key)]
    best = _best_by_context(entity, full)
    if best is not None:
        return Decision(best.entity_id, f"short for {best.name!r}: shared context")
    same = [c for c in people if c.key == entity.key]
    if same:
        return Decision(same[0].entity_id, "same one-word name")
    return Decision(None, "new surname" if not full else "short form without evidence: kept apart")


def _best_by_context(entity: ArticleEntity, candidates: list[Candidate]) -> Candidate | None:
    """The candidate sharing at least MIN_SHARED_CONTEXT names with the article, and more than
    any other candidate."""
    scored = sorted(((shared_context(entity, c), c.article_count, c) for c in candidates), key=lambda t: t[:2])
    if not scored:
        return None
    best_score, _, best = scored[-1]
    if best_score < MIN_SHARED_CONTEXT or (len(scored) > 1 and scored[-2][0] == best_score):
        return None
    return best


def same_person_in_article(entities: list[ArticleEntity], decisions: list[Decision]) -> list[Decision]:
    """New full names of one article that spell one person ("W. Mark Felt", "W. Mark Felt Sr.")
    become one entity: each later spelling points at the index of the longest one."""
    fresh = sorted(
        (i for i, (e, d) in enumerate(zip(entities, decisions, strict=True)) if d.entity_id is None),
        key=lambda i: -len(entities[i].name),
    )
    kept: list[int] = []
    out = list(decisions)
    for i in fresh:
        e = entities[i]
        if e.type != "person" or not is_full_name(e.key):
            continue
        rep = next((j for j in kept if _spell_one_person(e, entities[j])), None)
        if rep is None:
            kept.append(i)
        else:
            out[i] = Decision(None, f"same person as {entities[rep].name!r} in this article", same_as=rep)
    return out


def _spell_one_person(a: ArticleEntity, b: ArticleEntity) -> bool:
    """ "Jerry Ortiz" and 'Luis Gerardo "Jerry" Ortiz': compatible names, nicknames read."""
    keys_a = {a.key} | name_variants(a.name)
    keys_b = {b.key} | name_variants(b.name)
    return any(person_names_compatible(x, y) for x in keys_a for y in keys_b)
