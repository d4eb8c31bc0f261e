"""The link stage's database side: candidate lookups through indexes, and the writes.

Linking takes transaction-level advisory locks per key (see ``link_lock_keys``): two workers
take turns only when their articles could decide something together (the same new name, the
same quote, an LSH bucket, a story's entities); all other articles link in parallel. Unique
constraints back it up. Relinking an article first undoes its previous contributions,
so a redelivered task changes nothing. Helpers flush; the task commits."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import BigInteger, Text, any_, delete, func, literal, select, text, update
from sqlalchemy.dialects.postgresql import ARRAY, insert
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.types import TypeEngine

from worker.pipeline.link import dedup, quotes, stories
from worker.pipeline.link.entities import (
    LINKED_TYPES,
    MIN_SHARED_CONTEXT,
    PERSON_LIKE,
    ArticleEntity,
    Candidate,
    decide,
    lookup_keys,
    same_person_in_article,
)
from worker.pipeline.link.names import is_full_name, name_key, person_names_compatible, surname
from worker.storage.locks import lock_keys
from worker.storage.models import (
    Article,
    ArticleBucket,
    ArticleFingerprint,
    Entity,
    EntityAlias,
    EntityLink,
    EntityMention,
    EntityMerge,
    NearDuplicate,
    Quote,
    QuoteCluster,
    Story,
    StoryEntity,
    StoryMerge,
    StoryTerm,
    TermStat,
)

QUOTE_KINDS = ("direct", "partial")
MAX_QUOTE_CANDIDATES = 200
PROBE_TERMS = 4  # a quote is looked up by its longest (rarest) content words
CONTEXT_ARTICLES = 30  # a person's company: the entities of its newest articles
STORY_POSTINGS = 200  # per probe word or entity: the newest stories holding it
MAX_STORY_CANDIDATES = 50
SPEAKER_TYPES = ("person", "organization", "group")
RECENT_POSTINGS = 300  # per probe word: same-statement reports arrive close together
PENDING_ALIAS_COUNTS = "wirewatch.pending_alias_counts"  # Session.info key (see count_aliases)
ALIAS_COLUMNS = {"e": "entity_id", "a": "alias", "k": "alias_key", "s": "source"}


@dataclass(frozen=True)
class LinkResult:
    entities: int
    quotes_clustered: int
    near_duplicates: list[tuple[int, float]]
    story_id: int | None


def among(values: Iterable[object], of: type[TypeEngine[Any]] = BigInteger) -> ColumnElement[Any]:
    """``column == among(values)``: ``= ANY(array)``, one parameter instead of one per value
    (``IN``), so a statement's text is the same for any number of values: SQLAlchemy compiles it,
    psycopg parses it and Postgres plans it once (see bench/README, "where the time goes")."""
    return any_(literal(list(values), ARRAY(of)))


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


def story_lock_keys(profile: stories.ArticleProfile) -> list[str]:
    """Every word and entity the article's story is looked up by and indexed under. An article
    finds a story through one of its probes that the story is indexed under, and both are among
    these keys of the two articles: two articles that could join each other's new story take
    turns, the others do not. A second namespace, taken after the link keys and the hot entity
    rows, so a transaction never waits for an earlier step's lock while holding a later one.
    A story's year, day and weekday markers (``stories.marker_rows``) are stored under story_terms but no article looks
    stories up by it, so it takes no lock (it would make all articles of a year or day take turns)."""
    return [f"term {t}" for t in profile.terms] + [f"entity {e}" for e in profile.entities]


# entities ------------------------------------------------------------------------------------


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
    return _follow_merges(session, Entity, entity_id)


def _follow_merges(session: Session, table: type[Entity] | type[Story], row_id: int) -> int:
    """The end of a row's merged_into chain (a cycle, which merges never make, stops the walk)."""
    seen = set()
    while True:
        into = session.execute(select(table.merged_into_id).where(table.id == row_id)).scalar_one()
        if into is None or into in seen:
            return row_id
        seen.add(row_id)
        row_id = into


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


def link_entities(session: Session, article_id: int, entities: list[ArticleEntity]) -> dict[tuple[str, str], int]:
    decisions = [decide(e, found) for e, found in zip(entities, find_candidates(session, entities), strict=True)]
    decisions = same_person_in_article(entities, decisions)
    fresh = [
        (e.name, e.type) for e, d in zip(entities, decisions, strict=True) if d.entity_id is None and d.same_as is None
    ]
    created = create_entities(session, fresh)
    owner = [entities[d.same_as] if d.same_as is not None else e for e, d in zip(entities, decisions, strict=True)]
    ids = [d.entity_id or created[(name_key(o.name), o.type)] for o, d in zip(owner, decisions, strict=True)]
    add_aliases(session, list(zip(ids, entities, strict=True)), late=True)
    if entities:
        session.execute(
            text(
                "INSERT INTO entity_links (article_id, article_entity, entity_type, entity_id, linked_entity_id, "
                "evidence, surfaces, mention_count) SELECT :article_id, n, t, e, e, v, CAST(s AS jsonb), c FROM "
                "unnest(CAST(:names AS text[]), CAST(:types AS text[]), CAST(:ids AS bigint[]), CAST(:evidence AS "
                "text[]), CAST(:surfaces AS text[]), CAST(:counts AS integer[])) AS x(n, t, e, v, s, c)"
            ),
            {
                "article_id": article_id,
                "names": [e.name for e in entities],
                "types": [e.type for e in entities],
                "ids": ids,
                "evidence": [d.evidence for d in decisions],
                "surfaces": [json.dumps(e.surfaces) for e in entities],
                "counts": [sum(e.surfaces.values()) for e in entities],
            },
        )
    point_at_entities(session, article_id, [(e.name, e.type, i) for e, i in zip(entities, ids, strict=True)])
    absorb_one_word_names(
        session, [i for e, i in zip(entities, ids, strict=True) if e.type == "person" and is_full_name(e.key)]
    )
    absorb_retyped(session, [i for e, i in zip(entities, ids, strict=True) if e.type == "person"])
    session.flush()
    return {(e.name, e.type): i for e, i in zip(entities, ids, strict=True)}


def create_entities(session: Session, names: list[tuple[str, str]]) -> dict[tuple[str, str], int]:
    """Insert the new entities in one statement; returns (key, type) -> canonical id."""
    wanted = {(name_key(name), etype): name for name, etype in names}
    if not wanted:
        return {}
    session.execute(
        text(
            "INSERT INTO entities (name, type, key) SELECT * FROM "
            "unnest(CAST(:names AS text[]), CAST(:types AS text[]), CAST(:keys AS text[])) "
            "ON CONFLICT (type, key) DO NOTHING"
        ),
        {"names": list(wanted.values()), "types": [t for _, t in wanted], "keys": [k for k, _ in wanted]},
    )
    rows = session.execute(
        select(Entity.id, Entity.key, Entity.type, Entity.merged_into_id).where(
            Entity.key == among({k for k, _ in wanted}, Text)
        )
    ).all()
    return {
        (r.key, r.type): canonical_id(session, r.id) if r.merged_into_id else r.id
        for r in rows
        if (r.key, r.type) in wanted
    }


def create_entity(session: Session, name: str, etype: str, external_id: str | None = None) -> int:
    key = name_key(name)
    session.execute(
        insert(Entity)
        .values(name=name, type=etype, key=key, external_id=external_id)
        .on_conflict_do_nothing(index_elements=["type", "key"])
    )
    entity_id = session.execute(select(Entity.id).where(Entity.type == etype, Entity.key == key)).scalar_one()
    return canonical_id(session, entity_id)


def add_aliases(
    session: Session, linked: list[tuple[int, ArticleEntity]], source: str = "text", late: bool = False
) -> None:
    """Every surface form, counted, in one upsert; full-name people also get their family
    name as a derived alias, so a later one-word mention finds them."""
    rows: dict[tuple[int, str], dict[str, object]] = {}

    def add(entity_id: int, alias: str, count: int, alias_source: str) -> None:
        row = rows.setdefault(
            (entity_id, alias),
            {"entity_id": entity_id, "alias": alias, "alias_key": name_key(alias), "count": 0, "source": alias_source},
        )
        row["count"] = int(str(row["count"])) + count

    for entity_id, entity in linked:
        for alias, count in {entity.name: 0, **entity.surfaces}.items():
            add(entity_id, alias, count, source)
        if entity.type == "person" and is_full_name(entity.key):
            family = surname(entity.key)
            words, n = entity.name.split(), len(str(family).split())  # "Lo Presti": two words
            spelled = [w for i in range(len(words) - n + 1) if name_key(w := " ".join(words[i : i + n])) == family]
            if spelled:  # a knowledge-base entry's family name is the user's word too
                add(entity_id, spelled[-1], 0, "kb" if source == "kb" else "derived")
    if rows:
        # new aliases now (later articles look names up by them); the counts of existing ones,
        # which only the API shows, at the end of the link: see count_aliases
        session.execute(
            text(
                "INSERT INTO entity_aliases (entity_id, alias, alias_key, count, source) SELECT e, a, k, 0, s FROM "
                "unnest(CAST(:e AS bigint[]), CAST(:a AS text[]), CAST(:k AS text[]), CAST(:s AS text[])) "
                "AS t(e, a, k, s) ON CONFLICT DO NOTHING"
            ),
            {key: [r[column] for r in rows.values()] for key, column in ALIAS_COLUMNS.items()},
        )
        pending: Counter[tuple[int, str]] = session.info.setdefault(PENDING_ALIAS_COUNTS, Counter())
        pending.update({k: int(str(r["count"])) for k, r in rows.items() if r["count"]})
        if not late:
            count_aliases(session)


def count_aliases(session: Session) -> None:
    """Add the surface counts add_aliases left pending. The alias of a name in most articles
    ("Trump") is a row every link updates, and a row lock lasts until commit: taken in
    add_aliases it made links take turns for the whole link (the most sampled lock wait with 4
    link processes, bench/README). Rows are locked in key order, so links never wait in a cycle."""
    pending: Counter[tuple[int, str]] = session.info.pop(PENDING_ALIAS_COUNTS, Counter())
    if not pending:
        return
    keys = sorted(pending)
    params = {"e": [k[0] for k in keys], "a": [k[1] for k in keys], "n": [pending[k] for k in keys]}
    rows = "unnest(CAST(:e AS bigint[]), CAST(:a AS text[]), CAST(:n AS integer[])) AS t(e, a, n)"
    session.execute(
        text(
            f"SELECT 1 FROM entity_aliases x JOIN {rows} ON x.entity_id = t.e AND x.alias = t.a "
            "ORDER BY x.entity_id, x.alias FOR NO KEY UPDATE OF x"
        ),
        params,
    )
    session.execute(
        text(
            f"UPDATE entity_aliases x SET count = x.count + t.n FROM {rows} WHERE x.entity_id = t.e AND x.alias = t.a"
        ),
        params,
    )


def point_at_entities(session: Session, article_id: int, links: list[tuple[str, str, int]]) -> None:
    """Mentions and quoted speakers follow their article entity to its corpus entity."""
    if not links:
        return
    names, etypes, ids = zip(*links, strict=True)
    session.execute(
        text(
            "UPDATE entity_mentions m SET entity_id = t.eid FROM "
            "unnest(CAST(:names AS text[]), CAST(:etypes AS text[]), CAST(:ids AS bigint[])) AS t(name, etype, eid) "
            "WHERE m.article_id = :article_id AND m.article_entity = t.name AND m.entity_type = t.etype"
        ),
        {"article_id": article_id, "names": list(names), "etypes": list(etypes), "ids": list(ids)},
    )
    speakers: dict[str, int] = {}
    for name, etype, entity_id in sorted(
        links, key=lambda link: SPEAKER_TYPES.index(link[1]) if link[1] in SPEAKER_TYPES else 9
    ):
        if etype in SPEAKER_TYPES:
            speakers.setdefault(name, entity_id)  # a name that is both a person and an org speaks as the person
    if speakers:
        session.execute(
            text(
                "UPDATE quotes q SET speaker_entity_id = t.eid FROM "
                "unnest(CAST(:names AS text[]), CAST(:ids AS bigint[])) AS t(name, eid) "
                "WHERE q.article_id = :article_id AND q.speaker_name = t.name"
            ),
            {"article_id": article_id, "names": list(speakers), "ids": list(speakers.values())},
        )


def point_at_entity(session: Session, article_id: int, name: str, etype: str, entity_id: int) -> None:
    session.execute(
        update(EntityMention)
        .where(
            EntityMention.article_id == article_id,
            EntityMention.article_entity == name,
            EntityMention.entity_type == etype,
        )
        .values(entity_id=entity_id)
    )
    if etype in SPEAKER_TYPES:
        session.execute(
            update(Quote)
            .where(Quote.article_id == article_id, Quote.speaker_name == name)
            .values(speaker_entity_id=entity_id)
        )


def unlink_entities(session: Session, article_id: int) -> None:
    """Undo this article's earlier contributions (counts, aliases), so relinking is idempotent."""
    links = session.execute(select(EntityLink).where(EntityLink.article_id == article_id)).scalars().all()
    if links:
        session.execute(
            update(Entity)
            .where(Entity.id.in_({link.entity_id for link in links}))
            .values(article_count=Entity.article_count - 1)
        )
    for link in links:
        for alias, count in link.surfaces.items():  # aliases stay with the entity first linked
            session.execute(
                update(EntityAlias)
                .where(EntityAlias.entity_id == link.linked_entity_id, EntityAlias.alias == alias)
                .values(count=EntityAlias.count - int(count))
            )
    session.execute(delete(EntityLink).where(EntityLink.article_id == article_id))
    session.flush()


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


# quotes --------------------------------------------------------------------------------------


def cluster_quotes(session: Session, article_id: int) -> int:
    rows = session.execute(
        select(Quote.id, Quote.text, Quote.speaker_entity_id, Quote.cluster_id).where(
            Quote.article_id == article_id, Quote.kind.in_(QUOTE_KINDS)
        )
    ).all()
    indexable = [r for r in rows if quotes.is_indexable(r.text)]
    postings = {(t, r.id) for r in indexable for t in quotes.index_terms(r.text)}
    if postings:
        terms, quote_ids = zip(*postings, strict=True)
        session.execute(
            text(  # arrays, not a VALUES list: one bind per column, compiled once (see bench/README)
                "INSERT INTO quote_terms (term, quote_id) SELECT * FROM "
                "unnest(CAST(:terms AS bigint[]), CAST(:quote_ids AS bigint[])) ON CONFLICT DO NOTHING"
            ),
            {"terms": list(terms), "quote_ids": list(quote_ids)},
        )
    pending = [quotes.QuoteText(r.id, r.text, r.speaker_entity_id) for r in indexable if r.cluster_id is None]
    candidates = candidate_quotes(session, article_id, pending)
    assignments = choose_clusters(session, pending, candidates)
    if assignments:
        qids, cids = zip(*assignments, strict=True)
        session.execute(
            text(
                "UPDATE quotes q SET cluster_id = t.cid FROM "
                "unnest(CAST(:qids AS bigint[]), CAST(:cids AS bigint[])) AS t(qid, cid) WHERE q.id = t.qid"
            ),
            {"qids": list(qids), "cids": list(cids)},
        )
    session.flush()
    return len(indexable)


def probe_terms(text_: str) -> list[int]:
    """A quote is looked up by its longest content words: long words are the rare ones."""
    words = sorted(set(quotes.content_words(text_)), key=lambda w: (-len(w), w))[:PROBE_TERMS]
    return [quotes.index_terms(w).pop() for w in words]


def candidate_quotes(
    session: Session, article_id: int, pending: list[quotes.QuoteText]
) -> dict[int, list[tuple[quotes.QuoteText, int]]]:
    """For each quote, clustered quotes of other articles sharing its probe words. Each word's
    postings are read newest first and only RECENT_POSTINGS deep, so the cost of a lookup
    does not grow with the corpus."""
    probes = {q.quote_id: probe_terms(q.text) for q in pending}
    terms = sorted({t for ts in probes.values() for t in ts})
    if not terms:
        return {}
    hits = session.execute(
        text(
            "SELECT p.term, t.quote_id FROM unnest(CAST(:terms AS bigint[])) AS p(term) "
            "CROSS JOIN LATERAL (SELECT quote_id FROM quote_terms WHERE term = p.term "
            "ORDER BY quote_id DESC LIMIT :depth) AS t"
        ),
        {"terms": terms, "depth": RECENT_POSTINGS},
    ).all()
    by_term: dict[int, list[int]] = defaultdict(list)
    for term, quote_id in hits:
        by_term[term].append(quote_id)
    shared = {qid: Counter(c for t in ts for c in by_term[t]) for qid, ts in probes.items()}
    wanted = {c for counts in shared.values() for c, _ in counts.most_common(MAX_QUOTE_CANDIDATES)}
    rows = session.execute(
        select(Quote.id, Quote.text, Quote.speaker_entity_id, Quote.cluster_id).where(
            Quote.id == among(wanted), Quote.article_id != article_id, Quote.cluster_id.is_not(None)
        )
    ).all()
    known = {r.id: (quotes.QuoteText(r.id, r.text, r.speaker_entity_id), r.cluster_id) for r in rows}
    return {
        qid: [known[c] for c, _ in counts.most_common(MAX_QUOTE_CANDIDATES) if c in known]
        for qid, counts in shared.items()
    }


def choose_clusters(
    session: Session, pending: list[quotes.QuoteText], candidates: dict[int, list[tuple[quotes.QuoteText, int]]]
) -> list[tuple[int, int]]:
    """(quote id, cluster id) for each quote: the cluster of its best match among other articles'
    quotes, or a new cluster (all created in one statement, in the quotes' order)."""
    matches = [quotes.best_match(q, [c for c, _ in candidates.get(q.quote_id, [])]) for q in pending]
    created = iter(create_clusters(session, [q for q, m in zip(pending, matches, strict=True) if m is None]))
    chosen = []
    for quote, match in zip(pending, matches, strict=True):
        if match is None:
            chosen.append((quote.quote_id, next(created)))
            continue
        cluster_id = {q.quote_id: c for q, c in candidates[quote.quote_id]}[match[0].quote_id]
        cluster = session.get(QuoteCluster, cluster_id)
        assert cluster is not None
        if len(quote.text) > len(cluster.text):
            cluster.text = quote.text
        if cluster.speaker_entity_id is None:
            cluster.speaker_entity_id = quote.speaker_entity_id
        chosen.append((quote.quote_id, cluster_id))
    return chosen


def create_clusters(session: Session, founders: list[quotes.QuoteText]) -> list[int]:
    """New clusters, one per quote; their ids in the quotes' order (identities are drawn in
    insertion order, and the rows are inserted in the quotes' order)."""
    if not founders:
        return []
    ids = session.execute(
        text(
            "INSERT INTO quote_clusters (text, speaker_entity_id) SELECT t, s FROM "
            "unnest(CAST(:texts AS text[]), CAST(:speakers AS bigint[])) WITH ORDINALITY AS x(t, s, n) "
            "ORDER BY n RETURNING id"
        ),
        {"texts": [q.text for q in founders], "speakers": [q.speaker_entity_id for q in founders]},
    ).scalars()
    return sorted(ids)


# near-duplicates -----------------------------------------------------------------------------


def find_near_duplicates(session: Session, article: Article, fp: dedup.Fingerprint) -> list[tuple[int, float]]:
    session.execute(delete(ArticleBucket).where(ArticleBucket.article_id == article.id))
    session.execute(delete(NearDuplicate).where(NearDuplicate.article_id == article.id))
    session.execute(
        insert(ArticleFingerprint)
        .values(article_id=article.id, signature=fp.signature, shingle_count=fp.shingle_count)
        .on_conflict_do_update(
            index_elements=["article_id"], set_={"signature": fp.signature, "shingle_count": fp.shingle_count}
        )
    )
    buckets = {"article_id": article.id, "bands": [b for b, _ in fp.buckets], "buckets": [h for _, h in fp.buckets]}
    candidates = session.execute(
        text(
            "SELECT f.article_id, f.signature FROM article_fingerprints f WHERE f.article_id IN ("
            "SELECT x.article_id FROM article_lsh_buckets x JOIN unnest(CAST(:bands AS smallint[]), "
            "CAST(:buckets AS bigint[])) AS t(b, h) ON x.band = t.b AND x.bucket = t.h"
            ") AND f.article_id <> :article_id LIMIT 500"
        ),
        buckets,
    ).all()
    session.execute(
        text(
            "INSERT INTO article_lsh_buckets (band, bucket, article_id) SELECT b, h, :article_id FROM "
            "unnest(CAST(:bands AS smallint[]), CAST(:buckets AS bigint[])) AS t(b, h)"
        ),
        buckets,
    )
    likely = [c.article_id for c in candidates if dedup.estimated_jaccard(fp.signature, c.signature) >= 0.05]
    copies: list[tuple[int, float]] = []
    for other_id, other_text in session.execute(
        select(Article.id, Article.clean_text).where(Article.id == among(likely))
    ).all():
        score = dedup.containment(article.clean_text, other_text)
        if score >= dedup.CONTAINMENT_THRESHOLD:
            copies.append((other_id, round(score, 4)))
    for other_id, score in copies:
        newer, older = sorted((article.id, other_id), key=lambda i: _order_key(session, i), reverse=True)
        session.execute(
            insert(NearDuplicate)
            .values(article_id=newer, duplicate_of_id=older, similarity=score)
            .on_conflict_do_update(index_elements=["article_id", "duplicate_of_id"], set_={"similarity": score})
        )
    session.flush()
    return copies


def _order_key(session: Session, article_id: int) -> tuple[date, int]:
    """The copy is the later article: by publication date, then by arrival."""
    return (article_date(session.get(Article, article_id)), article_id)


def article_date(article: Article | None) -> date:
    assert article is not None
    return article.published_date or (article.created_at or datetime.now(UTC)).date()


# stories -------------------------------------------------------------------------------------


def assign_story(session: Session, article: Article, copies: list[tuple[int, float]]) -> int | None:
    if article.story_id is not None:
        return canonical_story(session, article.story_id)
    profile = article_profile(session, article)
    lock_keys(session, "story", story_lock_keys(profile))
    copied = [s.story_id for (other, _) in copies if (s := session.get(Article, other)) and s.story_id]
    if copied:
        choice = stories.Choice(canonical_story(session, copied[0]), 1.0, [])
    else:
        choice = stories.choose_story(profile, candidate_stories(session, profile))
    story_id = choice.story_id
    if story_id is None:
        story = Story(title=article.title, first_date=profile.day, last_date=profile.day, article_count=0)
        session.add(story)
        session.flush()
        story_id = story.id
    join_story(session, article, story_id, choice.score, profile)
    for other in choice.bridged:
        merge_stories(session, other, story_id, f"article {article.id} matches both ({choice.score:.2f})")
    return story_id


def canonical_story(session: Session, story_id: int) -> int:
    return _follow_merges(session, Story, story_id)


def article_profile(session: Session, article: Article) -> stories.ArticleProfile:
    """The article's entity and word vectors; counts its words into term_stats first if
    ``count_terms`` has not (the link task does that in a transaction of its own)."""
    corpus = session.execute(select(func.coalesce(func.max(Article.id), 0))).scalar_one()
    weighted = article_weighted_entities(session, article.id)
    entities = stories.top_entities(weighted, corpus)
    counts = stories.content_terms(f"{article.title or ''}\n{article.clean_text}")
    _add_document_frequency(session, article, counts)
    frequency = (
        dict(
            session.execute(
                select(TermStat.term, TermStat.document_frequency).where(TermStat.term == among(counts))
            ).all()
        )
        if counts
        else {}
    )
    vector = stories.term_vector(counts, frequency, corpus)
    people = frozenset(e.entity_id for e in weighted if e.person)
    return stories.article_profile_of(
        f"{article.title or ''}\n{article.clean_text}", article.published_date, entities, vector, people
    )


def count_terms(session: Session, article_id: int) -> None:
    """Count the article's words into term_stats, once per article, in the caller's transaction.
    The link task runs this in a short transaction of its own just before linking: the rows of
    common words ("government") are updated by every article, and inside the link transaction
    their row locks would last the whole link and make all links take turns. Counting before the
    link (not after) keeps what the link reads the same as counting inside it."""
    article = session.get(Article, article_id, with_for_update=True)
    if article is not None and not article.terms_counted:
        _add_document_frequency(session, article, stories.content_terms(f"{article.title or ''}\n{article.clean_text}"))


def _add_document_frequency(session: Session, article: Article, counts: Counter[int]) -> None:
    if counts and not article.terms_counted:
        session.execute(  # rows locked in term order, so two of these never wait in a cycle
            text(
                "INSERT INTO term_stats (term, document_frequency) SELECT t, 1 FROM "
                "unnest(CAST(:terms AS bigint[])) AS t ORDER BY t "
                "ON CONFLICT (term) DO UPDATE SET document_frequency = term_stats.document_frequency + 1"
            ),
            {"terms": sorted(counts)},
        )
        article.terms_counted = True


def article_weighted_entities(session: Session, article_id: int) -> list[stories.WeightedEntity]:
    rows = session.execute(
        select(EntityLink.entity_id, func.sum(EntityLink.mention_count), Entity.article_count, Entity.type)
        .join(Entity, Entity.id == EntityLink.entity_id)
        .where(EntityLink.article_id == article_id, EntityLink.entity_type.in_(stories.STORY_TYPES))
        .group_by(EntityLink.entity_id, Entity.article_count, Entity.type)
    ).all()
    return [stories.WeightedEntity(r[0], int(r[1] or 1), int(r[2] or 1), r[3] == "person") for r in rows]


def candidate_stories(session: Session, profile: stories.ArticleProfile) -> list[stories.StoryProfile]:
    """Stories sharing the article's heaviest words or entities: each posting list is read newest
    first and only STORY_POSTINGS deep, so a lookup costs the same in a corpus of millions."""
    terms, entities = stories.probes(profile)
    hits: Counter[int] = Counter()
    for table, key, probe in (("story_terms", "term", terms), ("story_entities", "entity_id", entities)):
        if not probe:
            continue
        rows = session.execute(
            text(
                f"SELECT t.story_id FROM unnest(CAST(:probe AS bigint[])) AS p(k) "
                f"CROSS JOIN LATERAL (SELECT story_id FROM {table} WHERE {key} = p.k "
                "ORDER BY story_id DESC LIMIT :depth) AS t"
            ),
            {"probe": probe, "depth": STORY_POSTINGS},
        ).all()
        hits.update(r.story_id for r in rows)
    merged = set(
        session.execute(select(Story.id).where(Story.id == among(hits), Story.merged_into_id.is_not(None))).scalars()
    )
    canonical: Counter[int] = Counter()
    for story_id, n in hits.items():
        canonical[canonical_story(session, story_id) if story_id in merged else story_id] += n
    wanted = [sid for sid, _ in canonical.most_common(MAX_STORY_CANDIDATES)]
    return load_story_profiles(session, wanted)


def load_story_profiles(session: Session, story_ids: list[int]) -> list[stories.StoryProfile]:
    if not story_ids:
        return []
    found = {
        r.id: stories.StoryProfile(r.id, first_date=r.first_date, last_date=r.last_date, articles=r.article_count)
        for r in session.execute(
            select(Story.id, Story.first_date, Story.last_date, Story.article_count).where(Story.id == among(story_ids))
        )
    }
    for story_id, entity_id, weight in session.execute(
        select(StoryEntity.story_id, StoryEntity.entity_id, StoryEntity.weight).where(
            StoryEntity.story_id == among(story_ids)
        )
    ):
        found[story_id].entities[entity_id] = weight
    for story_id, term, weight in session.execute(
        select(StoryTerm.story_id, StoryTerm.term, StoryTerm.weight).where(StoryTerm.story_id == among(story_ids))
    ):
        found[story_id].terms[term] = weight
    for story in found.values():
        story.terms, story.years, story.days, story.weekdays = stories.split_markers(story.terms)
        story.day_articles = story.days.pop(0, 0)
        story.weekday_articles = story.weekdays.pop(0, 0)
    follow_entity_merges(session, list(found.values()))
    ids = [e for story in found.values() for e in story.entities]
    people = frozenset(
        session.execute(select(Entity.id).where(Entity.id == among(ids), Entity.type == "person")).scalars()
    )
    for story in found.values():
        story.people = people & story.entities.keys()
    return [found[sid] for sid in story_ids if sid in found]


def follow_entity_merges(session: Session, profiles: list[stories.StoryProfile]) -> None:
    """A story indexed under "Brask" before "Teodor Brask" arrived and absorbed it is a story
    about Teodor Brask: compare articles with the canonical entities."""
    ids = {e for p in profiles for e in p.entities}
    merged = set(
        session.execute(select(Entity.id).where(Entity.id == among(ids), Entity.merged_into_id.is_not(None))).scalars()
    )
    for profile in profiles:
        if merged & profile.entities.keys():
            weights: defaultdict[int, float] = defaultdict(float)
            for entity_id, weight in profile.entities.items():
                weights[canonical_id(session, entity_id) if entity_id in merged else entity_id] += weight
            profile.entities = dict(weights)


def join_story(
    session: Session, article: Article, story_id: int, score: float, profile: stories.ArticleProfile
) -> None:
    article.story_id, article.story_score = story_id, round(score, 4)
    story = session.get(Story, story_id)
    assert story is not None
    story.article_count += 1
    day = profile.day
    if day is not None:  # an undated article does not move the story in time
        story.first_date = min(story.first_date or day, day)
        story.last_date = max(story.last_date or day, day)
    if profile.entities:
        session.execute(
            text(
                "INSERT INTO story_entities (story_id, entity_id, weight, last_date) "
                "SELECT :story_id, e, w, CAST(:day AS date) FROM unnest(CAST(:ids AS bigint[]), "
                "CAST(:weights AS float8[])) AS t(e, w) ON CONFLICT (story_id, entity_id) DO UPDATE SET "
                "weight = story_entities.weight + excluded.weight, "
                "last_date = greatest(story_entities.last_date, excluded.last_date)"
            ),
            {
                "story_id": story_id,
                "day": day,
                "ids": list(profile.entities),
                "weights": list(profile.entities.values()),
            },
        )
    # the year and days it names are counted like words, so merges and splits carry them
    weights = profile.terms | stories.marker_rows(profile)
    if weights:
        session.execute(
            text(
                "INSERT INTO story_terms (story_id, term, weight) SELECT :story_id, t, w FROM "
                "unnest(CAST(:terms AS bigint[]), CAST(:weights AS float8[])) AS t(t, w) "
                "ON CONFLICT (term, story_id) DO UPDATE SET weight = story_terms.weight + excluded.weight"
            ),
            {"story_id": story_id, "terms": list(weights), "weights": list(weights.values())},
        )
    session.flush()


def merge_stories(session: Session, from_id: int, into_id: int, reason: str) -> int | None:
    """Merge story ``from_id`` into ``into_id``: its articles, entities and words follow. Reversible."""
    from_id = canonical_story(session, from_id)
    if from_id == into_id:
        return None
    source, target = session.get(Story, from_id), session.get(Story, into_id)
    assert source is not None and target is not None
    moved = list(session.execute(select(Article.id).where(Article.story_id == from_id)).scalars())
    session.execute(update(Article).where(Article.story_id == from_id).values(story_id=into_id))
    _add_story_rows(session, from_id, into_id, 1.0)
    target.article_count += len(moved)
    dates = [d for d in (source.first_date, source.last_date, target.first_date, target.last_date) if d]
    target.first_date, target.last_date = (min(dates), max(dates)) if dates else (None, None)
    source.merged_into_id = into_id
    merge = StoryMerge(from_story_id=from_id, into_story_id=into_id, article_ids=moved, reason=reason)
    session.add(merge)
    session.flush()
    return merge.id


def unmerge_story(session: Session, merge_id: int) -> None:
    """Split a story merge: the articles it moved go back, with their entities and words."""
    merge = session.get(StoryMerge, merge_id)
    if merge is None or merge.undone_at is not None:
        raise ValueError(f"no active story merge {merge_id}")
    source, target = session.get(Story, merge.from_story_id), session.get(Story, merge.into_story_id)
    assert source is not None and target is not None
    session.execute(
        update(Article)
        .where(Article.id.in_(merge.article_ids), Article.story_id == target.id)
        .values(story_id=source.id)
    )
    _add_story_rows(session, source.id, target.id, -1.0)
    source.merged_into_id = None
    for story in (source, target):
        first, last, count = session.execute(
            select(func.min(Article.published_date), func.max(Article.published_date), func.count()).where(
                Article.story_id == story.id
            )
        ).one()
        story.first_date, story.last_date, story.article_count = first, last, count
    merge.undone_at = datetime.now(UTC)
    session.flush()


def _add_story_rows(session: Session, from_id: int, into_id: int, sign: float) -> None:
    """Add (sign 1) or take back (sign -1) one story's entity and word weights into another."""
    for model, key in ((StoryEntity, StoryEntity.entity_id), (StoryTerm, StoryTerm.term)):
        source = select(literal(into_id).label("story_id"), key, (model.weight * sign).label("weight")).where(
            model.story_id == from_id
        )
        columns = ["story_id", key.key, "weight"]
        if model is StoryEntity:
            source = source.add_columns(StoryEntity.last_date)
            columns.append("last_date")
        stmt = insert(model).from_select(columns, source)
        set_ = {"weight": model.weight + stmt.excluded.weight}
        if model is StoryEntity:
            set_["last_date"] = func.greatest(StoryEntity.last_date, stmt.excluded.last_date)
        session.execute(stmt.on_conflict_do_update(index_elements=["story_id", key.key], set_=set_))
        if sign < 0:
            session.execute(delete(model).where(model.story_id == into_id, model.weight <= 1e-9))
