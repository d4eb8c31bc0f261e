"""Entities step, reading: an article's entities and the corpus entities each could be."""

from __future__ import annotations

from collections import Counter, defaultdict

from sqlalchemy import Text, select, text
from sqlalchemy.orm import Session

from worker.pipeline.link.entities import LINKED_TYPES, PERSON_LIKE, ArticleEntity, Candidate, lookup_keys
from worker.pipeline.link.names import name_key
from worker.storage.linking.queries import among, follow_merges
from worker.storage.models import Entity, EntityAlias, EntityMention

CONTEXT_ARTICLES = 30  # a person's company: the entities of its newest articles


def article_entities(session: Session, article_id: int) -> list[ArticleEntity]:
    rows = session.execute(
        select(EntityMention.article_entity, EntityMention.entity_type, EntityMention.text).where(
            EntityMention.article_id == article_id,
            EntityMention.entity_type.in_(LINKED_TYPES),
            ~EntityMention.attributes.has_key("epithet"),  # "the American": not a name of the person
        )
    )
    surfaces: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    for name, etype, surface in rows:
        surfaces[(name, etype)][surface] += 1
    keys = {name_key(name) for name, _ in surfaces} - {""}
    return [
        ArticleEntity(name=name, type=etype, surfaces=dict(counts), context=frozenset(keys - {name_key(name)}))
        for (name, etype), counts in sorted(surfaces.items())
        if name_key(name)
    ]


def canonical_id(session: Session, entity_id: int) -> int:
    return follow_merges(session, Entity, entity_id)


def find_candidates(session: Session, entities: list[ArticleEntity]) -> list[list[Candidate]]:
    """Candidates for each of an article's entities, in one indexed query over the alias table:
    entities of its type, and people for a name the tagger may have mistyped."""
    keys = {k for e in entities for k in lookup_keys(e)}
    if not keys:
        return [[] for _ in entities]
    rows = session.execute(
        select(
            Entity.id,
            Entity.name,
            Entity.key,
            Entity.type,
            Entity.article_count,
            EntityAlias.alias_key,
            EntityAlias.source,
        )
        .join(EntityAlias, EntityAlias.entity_id == Entity.id)
        .where(EntityAlias.alias_key == among(keys, Text), Entity.merged_into_id.is_(None))
    ).all()
    contexts = entity_contexts(session, {r.id for r in rows if r.type == "person"})
    found: list[list[Candidate]] = []
    for entity in entities:
        wanted = set(lookup_keys(entity))
        matched: dict[int, set[str]] = defaultdict(set)
        kb_ids: set[int] = set()
        info = {}
        for r in rows:
            if r.alias_key not in wanted:
                continue
            if r.type != entity.type and not (r.type == "person" and entity.type in PERSON_LIKE):
                continue
            matched[r.id].add(r.alias_key)
            info[r.id] = r
            if r.source == "kb" and r.alias_key == entity.key:
                kb_ids.add(r.id)
        found.append(
            [
                Candidate(
                    i,
                    info[i].name,
                    info[i].key,
                    info[i].type,
                    info[i].article_count,
                    i in kb_ids,
                    frozenset(keys_),
                    contexts.get(i, frozenset()),
                )
                for i, keys_ in matched.items()
            ]
        )
    return found


def entity_contexts(session: Session, entity_ids: set[int]) -> dict[int, frozenset[str]]:
    """For each entity, the keys of the entities named in its CONTEXT_ARTICLES newest articles
    (one indexed lookup per entity, bounded however famous it is)."""
    if not entity_ids:
        return {}
    rows = session.execute(
        text(
            "SELECT p.eid, array_agg(DISTINCT e.key) FROM unnest(CAST(:ids AS bigint[])) AS p(eid) "
            "CROSS JOIN LATERAL (SELECT article_id FROM entity_links WHERE entity_id = p.eid "
            "ORDER BY article_id DESC LIMIT :depth) AS a "
            "JOIN entity_links l ON l.article_id = a.article_id AND l.entity_id <> p.eid "
            "JOIN entities e ON e.id = l.entity_id GROUP BY p.eid"
        ),
        {"ids": sorted(entity_ids), "depth": CONTEXT_ARTICLES},
    ).all()
    return {entity_id: frozenset(keys) for entity_id, keys in rows}  # one row per entity, its keys distinct
