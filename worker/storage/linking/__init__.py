"""The link stage's database side: candidate lookups through indexes, and the writes.

Linking takes transaction-level advisory locks per key (see ``link_lock_keys``): two workers
take turns only when their articles could decide something together (the same new name, the
same quote, an LSH bucket, a story's entities); all other articles link in parallel. Unique
constraints back it up. Relinking an article first undoes its previous contributions,
so a redelivered task changes nothing. Helpers flush; the task commits.

``link_article`` runs the steps, one module each (reads, then writes):
- ``entity_candidates`` -> ``entities`` (``entity_rows``, ``entity_merges``): the article's
  names to corpus entities; ``knowledge_base`` seeds entities before any article;
- ``quote_clusters``: each quote to the cluster of the same statement;
- ``near_duplicates``: syndicated copies, through LSH buckets;
- ``story_candidates`` -> ``story_rows``: the article to a story, story merges and splits;
- ``story_consolidation``: now and then, every story rebuilt in an order no arrival decides.
``queries`` holds the SQL helpers they share. Every public name is importable from here."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Text, select, update
from sqlalchemy.orm import Session

from worker.pipeline.link import dedup, quotes
from worker.pipeline.link.entities import ArticleEntity, lookup_keys
from worker.pipeline.link.names import is_full_name
from worker.storage.consolidations import consolidation_due
from worker.storage.linking.entities import link_entities
from worker.storage.linking.entity_candidates import (
    CONTEXT_ARTICLES,
    article_entities,
    canonical_id,
    entity_contexts,
    find_candidates,
)
from worker.storage.linking.entity_merges import absorb_one_word_names, absorb_retyped, merge_entities, unmerge
from worker.storage.linking.entity_rows import (
    ALIAS_COLUMNS,
    PENDING_ALIAS_COUNTS,
    SPEAKER_TYPES,
    add_aliases,
    count_aliases,
    create_entities,
    create_entity,
    point_at_entities,
    point_at_entity,
    unlink_entities,
)
from worker.storage.linking.knowledge_base import KnownEntity, load_knowledge_base
from worker.storage.linking.near_duplicates import article_date, find_near_duplicates
from worker.storage.linking.queries import among
from worker.storage.linking.quote_clusters import (
    MAX_QUOTE_CANDIDATES,
    PROBE_TERMS,
    QUOTE_KINDS,
    RECENT_POSTINGS,
    candidate_quotes,
    choose_clusters,
    cluster_quotes,
    create_clusters,
    probe_terms,
)
from worker.storage.linking.story_candidates import (
    MAX_STORY_CANDIDATES,
    STORY_POSTINGS,
    article_profile,
    article_weighted_entities,
    candidate_stories,
    canonical_story,
    count_terms,
    follow_entity_merges,
    load_story_profiles,
)
from worker.storage.linking.story_consolidation import consolidate_stories, lock_stories
from worker.storage.linking.story_rows import assign_story, join_story, merge_stories, story_lock_keys, unmerge_story
from worker.storage.locks import lock_keys
from worker.storage.models import Article, Entity, Quote

__all__ = [
    "ALIAS_COLUMNS",
    "CONTEXT_ARTICLES",
    "MAX_QUOTE_CANDIDATES",
    "MAX_STORY_CANDIDATES",
    "PENDING_ALIAS_COUNTS",
    "PROBE_TERMS",
    "QUOTE_KINDS",
    "RECENT_POSTINGS",
    "SPEAKER_TYPES",
    "STORY_POSTINGS",
    "KnownEntity",
    "LinkResult",
    "absorb_one_word_names",
    "absorb_retyped",
    "add_aliases",
    "among",
    "article_date",
    "article_entities",
    "article_profile",
    "article_weighted_entities",
    "assign_story",
    "candidate_quotes",
    "candidate_stories",
    "canonical_id",
    "canonical_story",
    "choose_clusters",
    "cluster_quotes",
    "consolidate_stories",
    "consolidation_due",
    "count_aliases",
    "count_article",
    "count_terms",
    "create_clusters",
    "create_entities",
    "create_entity",
    "entity_contexts",
    "find_candidates",
    "find_near_duplicates",
    "follow_entity_merges",
    "join_story",
    "link_article",
    "link_entities",
    "link_lock_keys",
    "load_knowledge_base",
    "load_story_profiles",
    "lock_stories",
    "merge_entities",
    "merge_stories",
    "point_at_entities",
    "point_at_entity",
    "probe_terms",
    "story_lock_keys",
    "unlink_entities",
    "unmerge",
    "unmerge_story",
]


@dataclass(frozen=True)
class LinkResult:
    entities: int
    quotes_clustered: int
    near_duplicates: list[tuple[int, float]]
    story_id: int | None


def link_article(session: Session, article_id: int) -> LinkResult:
    article = session.get(Article, article_id)
    assert article is not None
    session.info.pop(PENDING_ALIAS_COUNTS, None)  # of an earlier link in this session that failed
    entities = article_entities(session, article_id)
    fp = dedup.fingerprint(article.clean_text)
    lock_keys(session, "link", *link_lock_keys(session, article, entities, fp))
    unlink_entities(session, article_id)
    linked = link_entities(session, article_id, entities)
    clustered = cluster_quotes(session, article_id)
    copies = find_near_duplicates(session, article, fp)
    count_article(session, set(linked.values()))
    story_id = assign_story(session, article, copies)
    count_aliases(session)
    return LinkResult(len(linked), clustered, copies, story_id)


def count_article(session: Session, entity_ids: set[int]) -> None:
    """One more article for each entity. Done late, just before the story step reads the counts:
    an entity in most articles ("United States") is a row every link updates, and its row lock
    lasts until commit, so taking it early would make all those links take turns. Rows are
    locked in id order, so two links never wait for each other in a cycle, and FOR NO KEY UPDATE
    (what the UPDATE takes anyway), not FOR UPDATE: that one also waits for the key-share locks the
    foreign keys of other links' new entity_links rows hold, and deadlocked with them."""
    if entity_ids:
        locked = (
            select(Entity.id).where(Entity.id == among(entity_ids)).order_by(Entity.id).with_for_update(key_share=True)
        )
        session.execute(update(Entity).where(Entity.id.in_(locked)).values(article_count=Entity.article_count + 1))


def link_lock_keys(
    session: Session, article: Article, entities: list[ArticleEntity], fp: dedup.Fingerprint
) -> tuple[list[str], list[str]]:
    """What two articles linked at the same moment could decide together, as (exclusive, shared) keys:
    - the lookup keys of names that are not an entity yet, exclusive: two articles must not both
      create "Jinping Xi", or "Xi" and "Jinping Xi" apart, and a new full name may absorb a
      one-word person;
    - the keys of one-word people that are entities already, shared: many articles may link to
      "Trump" at once, but not while a new full name is absorbing it;
    - the probe words of its quotes not yet clustered, exclusive (the same quote must not start
      two clusters), and its LSH buckets, exclusive (two syndicated copies must see each other).
    A name that already is an entity is only read, so it takes no lock, and an entity in every
    article ("United States") does not make all articles take turns."""
    names = {(e.type, e.key) for e in entities}
    found = select(Entity.type, Entity.key).where(Entity.key == among({k for _, k in names}, Text))
    existing = {(r.type, r.key) for r in session.execute(found)} & names if names else set()
    keys = [f"entity {k}" for e in entities if (e.type, e.key) not in existing for k in lookup_keys(e)]
    shared = [
        f"entity {e.key}"
        for e in entities
        if (e.type, e.key) in existing and e.type == "person" and not is_full_name(e.key)
    ]
    texts = session.execute(
        select(Quote.text).where(
            Quote.article_id == article.id, Quote.kind.in_(QUOTE_KINDS), Quote.cluster_id.is_(None)
        )
    ).scalars()
    # one key per quote, its probe words together: the same quote (or one with a shorter word
    # changed) takes turns, while quotes merely sharing a common long word do not
    keys += [f"quote {sorted(probe_terms(q))}" for q in texts if quotes.is_indexable(q)]
    keys += [f"bucket {b} {h}" for b, h in fp.buckets]
    return keys, shared
