"""A user's knowledge base: entities and aliases seeded before any article names them."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import update
from sqlalchemy.orm import Session

from worker.pipeline.link.entities import ArticleEntity
from worker.pipeline.link.names import name_key
from worker.storage.linking.entity_rows import add_aliases, create_entity
from worker.storage.locks import lock_keys
from worker.storage.models import Entity


@dataclass(frozen=True)
class KnownEntity:
    """One record of a user's knowledge base (JSON Lines: name, type, aliases, external_id)."""

    name: str
    type: str
    aliases: tuple[str, ...] = ()
    external_id: str | None = None


def load_knowledge_base(session: Session, records: list[KnownEntity]) -> int:
    """Seed entities and their aliases; linking then finds them like any other candidate."""
    lock_keys(
        session,
        "link",
        [f"entity {name_key(n)}" for r in records for n in (r.name, *r.aliases)],
    )
    for record in records:
        entity_id = create_entity(session, record.name, record.type, record.external_id)
        if record.external_id:
            session.execute(update(Entity).where(Entity.id == entity_id).values(external_id=record.external_id))
        surfaces = dict.fromkeys((record.name, *record.aliases), 0)
        add_aliases(session, [(entity_id, ArticleEntity(record.name, record.type, surfaces))], source="kb")
    session.flush()
    return len(records)
