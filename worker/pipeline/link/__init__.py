"""link: article entities to corpus-wide canonical entities (later: quote clusters, stories)."""

from worker.pipeline.link.core import LINKED_TYPES, EntityKey, entity_keys, name_key

__all__ = ["LINKED_TYPES", "EntityKey", "entity_keys", "name_key"]
