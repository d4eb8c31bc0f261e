"""link: one entity, one quote, one story across the corpus. Pure decisions here; the
candidate lookups (by index) and writes are in ``worker.storage.linking``."""

from worker.pipeline.link.entities import LINKED_TYPES, ArticleEntity, Candidate, Decision, decide, lookup_keys
from worker.pipeline.link.names import name_key

__all__ = ["LINKED_TYPES", "ArticleEntity", "Candidate", "Decision", "decide", "lookup_keys", "name_key"]
