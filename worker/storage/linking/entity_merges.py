"""Entities step, merging: a one-word or mistyped person into the full name, and the merges undone."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Text, func, select, update
from sqlalchemy.orm import Session

from worker.pipeline.link.entities import MIN_SHARED_CONTEXT, PERSON_LIKE
from worker.pipeline.link.names import is_full_name, person_names_compatible
from worker.storage.linking.entity_candidates import entity_contexts
from worker.storage.linking.entity_rows import point_at_entity
from worker.storage.linking.queries import among
from worker.storage.models import Entity, EntityAlias, EntityLink, EntityMention, EntityMerge, Quote, QuoteCluster


def absorb_one_word_names(session: Session, full_ids: list[int]) -> None:
    """A one-word person ("Takaichi", "Xi") merges into a full name ("Sanae Takaichi",
    "Xi Jinping") when articles used that word for this person and no other full name: the
    evidence a split would undo. The word is whichever the text used, family name first or last.
    Two queries find the rare cases where a one-word entity exists at all."""
    if not full_ids:
        return
    words = session.execute(
        select(EntityAlias.entity_id, EntityAlias.alias_key)
        .where(EntityAlias.entity_id == among(full_ids), EntityAlias.alias_key.not_like("% %"))
        .distinct()
    ).all()
    lone = dict(
        session.execute(
            select(Entity.key, Entity.id).where(
                Entity.type == "person",
                Entity.key == among({w.alias_key for w in words}, Text),
                Entity.merged_into_id.is_(None),
            )
        ).all()
    )
    for full_id, short in words:
        if short not in lone or lone[short] == full_id:
            continue
        full = session.get(Entity, full_id)
        assert full is not None
        if full.merged_into_id is not None or not person_names_compatible(short, full.key):
            continue
        owners = session.execute(
            select(func.count(func.distinct(Entity.id)))
            .select_from(EntityAlias)
            .join(Entity, Entity.id == EntityAlias.entity_id)
            .where(
                EntityAlias.alias_key == short,
                Entity.type == "person",
                Entity.merged_into_id.is_(None),
                Entity.key != short,
            )
        ).scalar_one()
        if owners != 1:
            continue
        contexts = entity_contexts(session, {lone[short], full_id})
        shared = contexts.get(lone[short], frozenset()) & contexts.get(full_id, frozenset())
        if len(shared) >= MIN_SHARED_CONTEXT:  # the same company, not just the same word
            merge_entities(session, lone.pop(short), full_id, f"one-word name {short!r} used for {full.name!r}")


def absorb_retyped(session: Session, person_ids: list[int]) -> None:
    """Entities the tagger typed organization or place under a person's full name are that person."""
    people = dict(
        session.execute(
            select(Entity.key, Entity.id).where(Entity.id == among(person_ids), Entity.merged_into_id.is_(None))
        ).all()
    )
    full = [k for k in people if is_full_name(k)]
    if not full:
        return
    retyped = session.execute(
        select(Entity.id, Entity.key, Entity.type).where(
            Entity.type.in_(sorted(PERSON_LIKE - {"person"})),
            Entity.key == among(full, Text),
            Entity.merged_into_id.is_(None),
        )
    ).all()
    for entity_id, key, etype in retyped:
        merge_entities(session, entity_id, people[key], f"full name of a person, typed {etype}")


def merge_entities(session: Session, from_id: int, into_id: int, reason: str) -> int:
    """Merge ``from_id`` into ``into_id``: its mentions, quotes and links follow. Reversible."""
    session.execute(update(Entity).where(Entity.id == from_id).values(merged_into_id=into_id))
    moved = session.execute(select(Entity.article_count).where(Entity.id == from_id)).scalar_one()
    session.execute(update(Entity).where(Entity.id == into_id).values(article_count=Entity.article_count + moved))
    _repoint(session, from_id, into_id)
    merge = EntityMerge(from_entity_id=from_id, into_entity_id=into_id, reason=reason)
    session.add(merge)
    session.flush()
    return merge.id


def unmerge(session: Session, merge_id: int) -> None:
    """Split a merge: everything first linked to the merged entity points back at it."""
    merge = session.get(EntityMerge, merge_id)
    if merge is None or merge.undone_at is not None:
        raise ValueError(f"no active merge {merge_id}")
    from_id, into_id = merge.from_entity_id, merge.into_entity_id
    session.execute(update(Entity).where(Entity.id == from_id).values(merged_into_id=None))
    moved = session.execute(
        select(func.count()).select_from(EntityLink).where(EntityLink.linked_entity_id == from_id)
    ).scalar_one()
    session.execute(update(Entity).where(Entity.id == into_id).values(article_count=Entity.article_count - moved))
    session.execute(update(Entity).where(Entity.id == from_id).values(article_count=moved))
    links = session.execute(select(EntityLink).where(EntityLink.linked_entity_id == from_id)).scalars().all()
    for link in links:
        link.entity_id = from_id
        point_at_entity(session, link.article_id, link.article_entity, link.entity_type, from_id)
    merge.undone_at = datetime.now(UTC)
    session.flush()


def _repoint(session: Session, from_id: int, into_id: int) -> None:
    session.execute(update(EntityLink).where(EntityLink.entity_id == from_id).values(entity_id=into_id))
    session.execute(update(EntityMention).where(EntityMention.entity_id == from_id).values(entity_id=into_id))
    session.execute(update(Quote).where(Quote.speaker_entity_id == from_id).values(speaker_entity_id=into_id))
    session.execute(
        update(QuoteCluster).where(QuoteCluster.speaker_entity_id == from_id).values(speaker_entity_id=into_id)
    )
