"""The link stage's database side: candidate lookups through indexes, and the writes.

Linking takes transaction-level advisory locks per key (see ``link_lock_keys``): two workers
take turns only when their articles could decide something together (the same new name, the
same quote, an LSH bucket, a story's entities); all other articles link in parallel. Unique
constraints back it up. Relinking an article first undoes its previous contributions,
so a redelivered task changes nothing. Helpers flush; the task commits."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import BigInteger, Text, column, delete, func, select, text, tuple_, update, values
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from worker.pipeline.link import dedup, quotes, stories
from worker.pipeline.link.entities import (
    LINKED_TYPES,
    ArticleEntity,
    Candidate,
    decide,
    lookup_keys,
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
    QuoteTerm,
    Story,
    StoryEntity,
)

QUOTE_KINDS = ("direct", "partial")
MAX_QUOTE_CANDIDATES = 200
PROBE_TERMS = 4  # a quote is looked up by its longest (rarest) content words
MAX_UNDATED_CANDIDATES = 500  # (story, entity) pairs an undated article is compared with
SPEAKER_TYPES = ("person", "organization", "group")
RECENT_POSTINGS = 300  # per probe word: same-statement reports arrive close together


@dataclass(frozen=True)
class LinkResult:
    entities: int
    quotes_clustered: int
    near_duplicates: list[tuple[int, float]]
    story_id: int | None


def link_article(session: Session, article_id: int) -> LinkResult:
    article = session.get(Article, article_id)
    assert article is not None
    lock_keys(session, "link", *link_lock_keys(session, article))
    unlink_entities(session, article_id)
    linked = link_entities(session, article_id)
    clustered = cluster_quotes(session, article_id)
    copies = find_near_duplicates(session, article)
    # a second, disjoint namespace taken after the first, and before any hot entity row: a
    # transaction never waits for a lock of an earlier step while holding a later one
    lock_keys(session, "story", story_lock_keys(session, article_id))
    count_article(session, set(linked.values()))
    story_id = assign_story(session, article, copies)
    return LinkResult(len(linked), clustered, copies, story_id)


def count_article(session: Session, entity_ids: set[int]) -> None:
    """One more article for each entity. Done late, just before the story step reads the counts:
    an entity in most articles ("United States") is a row every link updates, and its row lock
    lasts until commit, so taking it early would make all those links take turns. Rows are
    locked in id order, so two links never wait for each other in a cycle."""
    if entity_ids:
        locked = select(Entity.id).where(Entity.id.in_(entity_ids)).order_by(Entity.id).with_for_update()
        session.execute(update(Entity).where(Entity.id.in_(locked)).values(article_count=Entity.article_count + 1))


def link_lock_keys(session: Session, article: Article) -> tuple[list[str], list[str]]:
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
    entities = article_entities(session, article.id)
    existing: set[tuple[str, str]] = set()
    if entities:
        names = {(e.type, e.key) for e in entities}
        existing = {
            (r.type, r.key)
            for r in session.execute(select(Entity.type, Entity.key).where(tuple_(Entity.type, Entity.key).in_(names)))
        }
    keys = [f"entity {e.type} {k}" for e in entities if (e.type, e.key) not in existing for k in lookup_keys(e)]
    shared = [
        f"entity {e.type} {e.key}"
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
    keys += [f"bucket {b} {h}" for b, h in dedup.fingerprint(article.clean_text).buckets]
    return keys, shared


def story_lock_keys(session: Session, article_id: int) -> list[int]:
    """The heaviest of the entities a story is chosen by, up to more than 1 - JOIN_THRESHOLD of
    their weight: an article joins a story only through entities holding at least JOIN_THRESHOLD
    of its weight, so through at least one of these. Entities in every article weigh little
    (low idf) and mostly stay out, so they do not make all articles take turns. Left open: two
    first articles of one story linked at the same moment whose shared entities are heavy for
    one and light for the other can start two stories."""
    corpus = session.execute(select(func.coalesce(func.max(Article.id), 0))).scalar_one()
    top = sorted(
        stories.top_entities(article_weighted_entities(session, article_id), corpus).items(), key=lambda kv: -kv[1]
    )
    total, covered, keys = sum(w for _, w in top), 0.0, []
    for entity_id, weight in top:
        keys.append(entity_id)
        covered += weight
        if covered > (1 - stories.JOIN_THRESHOLD) * total:
            break
    return keys


# entities ------------------------------------------------------------------------------------


def article_entities(session: Session, article_id: int) -> list[ArticleEntity]:
    rows = session.execute(
        select(EntityMention.article_entity, EntityMention.entity_type, EntityMention.text).where(
            EntityMention.article_id == article_id, EntityMention.entity_type.in_(LINKED_TYPES)
        )
    )
    surfaces: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    for name, etype, surface in rows:
        surfaces[(name, etype)][surface] += 1
    return [
        ArticleEntity(name=name, type=etype, surfaces=dict(counts))
        for (name, etype), counts in sorted(surfaces.items())
        if name_key(name)
    ]


def canonical_id(session: Session, entity_id: int) -> int:
    seen = set()
    while True:
        into = session.execute(select(Entity.merged_into_id).where(Entity.id == entity_id)).scalar_one()
        if into is None or into in seen:
            return entity_id
        seen.add(entity_id)
        entity_id = into


def find_candidates(session: Session, entities: list[ArticleEntity]) -> list[list[Candidate]]:
    """Candidates for each of an article's entities, in one indexed query over the alias table."""
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
        .where(EntityAlias.alias_key.in_(keys), Entity.merged_into_id.is_(None))
    ).all()
    found: list[list[Candidate]] = []
    for entity in entities:
        wanted = set(lookup_keys(entity))
        by_id: dict[int, Candidate] = {}
        for r in rows:
            if r.type != entity.type or r.alias_key not in wanted:
                continue
            kb = r.source == "kb" and r.alias_key == entity.key
            if r.id not in by_id or kb:
                by_id[r.id] = Candidate(r.id, r.name, r.key, r.type, r.article_count, kb)
        found.append(list(by_id.values()))
    return found


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
        [f"entity {r.type} {name_key(n)}" for r in records for n in (r.name, *r.aliases)],
    )
    for record in records:
        entity_id = create_entity(session, record.name, record.type, record.external_id)
        if record.external_id:
            session.execute(update(Entity).where(Entity.id == entity_id).values(external_id=record.external_id))
        surfaces = dict.fromkeys((record.name, *record.aliases), 0)
        add_aliases(session, [(entity_id, ArticleEntity(record.name, record.type, surfaces))], source="kb")
    session.flush()
    return len(records)


def link_entities(session: Session, article_id: int) -> dict[tuple[str, str], int]:
    entities = article_entities(session, article_id)
    decisions = [decide(e, found) for e, found in zip(entities, find_candidates(session, entities), strict=True)]
    created = create_entities(
        session, [(e.name, e.type) for e, d in zip(entities, decisions, strict=True) if d.entity_id is None]
    )
    ids = [d.entity_id or created[(name_key(e.name), e.type)] for e, d in zip(entities, decisions, strict=True)]
    add_aliases(session, list(zip(ids, entities, strict=True)))
    session.add_all(
        EntityLink(
            article_id=article_id,
            article_entity=e.name,
            entity_type=e.type,
            entity_id=entity_id,
            linked_entity_id=entity_id,
            evidence=d.evidence,
            surfaces=e.surfaces,
            mention_count=sum(e.surfaces.values()),
        )
        for e, d, entity_id in zip(entities, decisions, ids, strict=True)
    )
    point_at_entities(session, article_id, [(e.name, e.type, i) for e, i in zip(entities, ids, strict=True)])
    absorb_one_word_names(
        session, [i for e, i in zip(entities, ids, strict=True) if e.type == "person" and is_full_name(e.key)]
    )
    session.flush()
    return {(e.name, e.type): i for e, i in zip(entities, ids, strict=True)}


def create_entities(session: Session, names: list[tuple[str, str]]) -> dict[tuple[str, str], int]:
    """Insert the new entities in one statement; returns (key, type) -> canonical id."""
    wanted = {(name_key(name), etype): name for name, etype in names}
    if not wanted:
        return {}
    session.execute(
        insert(Entity)
        .values([{"name": name, "type": etype, "key": key} for (key, etype), name in wanted.items()])
        .on_conflict_do_nothing(index_elements=["type", "key"])
    )
    rows = session.execute(
        select(Entity.id, Entity.key, Entity.type, Entity.merged_into_id).where(
            tuple_(Entity.key, Entity.type).in_(list(wanted))
        )
    ).all()
    return {(r.key, r.type): canonical_id(session, r.id) if r.merged_into_id else r.id for r in rows}


def create_entity(session: Session, name: str, etype: str, external_id: str | None = None) -> int:
    key = name_key(name)
    session.execute(
        insert(Entity)
        .values(name=name, type=etype, key=key, external_id=external_id)
        .on_conflict_do_nothing(index_elements=["type", "key"])
    )
    entity_id = session.execute(select(Entity.id).where(Entity.type == etype, Entity.key == key)).scalar_one()
    return canonical_id(session, entity_id)


def add_aliases(session: Session, linked: list[tuple[int, ArticleEntity]], source: str = "text") -> None:
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
            spelled = [t for t in entity.name.split() if name_key(t) == family]
            if spelled:
                add(entity_id, spelled[-1], 0, "derived")
    if rows:
        stmt = insert(EntityAlias).values(list(rows.values()))
        session.execute(
            stmt.on_conflict_do_update(
                index_elements=["entity_id", "alias"], set_={"count": EntityAlias.count + stmt.excluded.count}
            )
        )


def point_at_entities(session: Session, article_id: int, links: list[tuple[str, str, int]]) -> None:
    """Mentions and quoted speakers follow their article entity to its corpus entity."""
    if not links:
        return
    linked = values(column("name", Text), column("etype", Text), column("eid", BigInteger), name="linked").data(links)
    session.execute(
        update(EntityMention)
        .where(
            EntityMention.article_id == article_id,
            EntityMention.article_entity == linked.c.name,
            EntityMention.entity_type == linked.c.etype,
        )
        .values(entity_id=linked.c.eid)
    )
    speakers: dict[str, int] = {}
    for name, etype, entity_id in sorted(
        links, key=lambda link: SPEAKER_TYPES.index(link[1]) if link[1] in SPEAKER_TYPES else 9
    ):
        if etype in SPEAKER_TYPES:
            speakers.setdefault(name, entity_id)  # a name that is both a person and an org speaks as the person
    if speakers:
        speaking = values(column("name", Text), column("eid", BigInteger), name="speaking").data(list(speakers.items()))
        session.execute(
            update(Quote)
            .where(Quote.article_id == article_id, Quote.speaker_name == speaking.c.name)
            .values(speaker_entity_id=speaking.c.eid)
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
        .where(EntityAlias.entity_id.in_(full_ids), EntityAlias.alias_key.not_like("% %"))
        .distinct()
    ).all()
    lone = dict(
        session.execute(
            select(Entity.key, Entity.id).where(
                Entity.type == "person",
                Entity.key.in_({w.alias_key for w in words}),
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
        if owners == 1:
            merge_entities(session, lone.pop(short), full_id, f"one-word name {short!r} used only for {full.name!r}")


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
        session.execute(
            insert(QuoteTerm).values([{"term": t, "quote_id": q} for t, q in postings]).on_conflict_do_nothing()
        )
    pending = [quotes.QuoteText(r.id, r.text, r.speaker_entity_id) for r in indexable if r.cluster_id is None]
    candidates = candidate_quotes(session, article_id, pending)
    assignments = [(q.quote_id, choose_cluster(session, q, candidates.get(q.quote_id, []))) for q in pending]
    if assignments:
        chosen = values(column("qid", BigInteger), column("cid", BigInteger), name="chosen").data(assignments)
        session.execute(update(Quote).where(Quote.id == chosen.c.qid).values(cluster_id=chosen.c.cid))
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
            Quote.id.in_(wanted), Quote.article_id != article_id, Quote.cluster_id.is_not(None)
        )
    ).all()
    known = {r.id: (quotes.QuoteText(r.id, r.text, r.speaker_entity_id), r.cluster_id) for r in rows}
    return {
        qid: [known[c] for c, _ in counts.most_common(MAX_QUOTE_CANDIDATES) if c in known]
        for qid, counts in shared.items()
    }


def choose_cluster(session: Session, quote: quotes.QuoteText, candidates: list[tuple[quotes.QuoteText, int]]) -> int:
    clusters = {q.quote_id: cluster_id for q, cluster_id in candidates}
    match = quotes.best_match(quote, [q for q, _ in candidates])
    if match is not None:
        cluster_id = clusters[match[0].quote_id]
        cluster = session.get(QuoteCluster, cluster_id)
        assert cluster is not None
        if len(quote.text) > len(cluster.text):
            cluster.text = quote.text
        if cluster.speaker_entity_id is None:
            cluster.speaker_entity_id = quote.speaker_entity_id
        return cluster_id
    cluster = QuoteCluster(text=quote.text, speaker_entity_id=quote.speaker_entity_id)
    session.add(cluster)
    session.flush()
    return cluster.id


# near-duplicates -----------------------------------------------------------------------------


def find_near_duplicates(session: Session, article: Article) -> list[tuple[int, float]]:
    fp = dedup.fingerprint(article.clean_text)
    session.execute(delete(ArticleBucket).where(ArticleBucket.article_id == article.id))
    session.execute(delete(NearDuplicate).where(NearDuplicate.article_id == article.id))
    session.execute(
        insert(ArticleFingerprint)
        .values(article_id=article.id, signature=fp.signature, shingle_count=fp.shingle_count)
        .on_conflict_do_update(
            index_elements=["article_id"], set_={"signature": fp.signature, "shingle_count": fp.shingle_count}
        )
    )
    candidates = session.execute(
        select(ArticleFingerprint.article_id, ArticleFingerprint.signature)
        .where(
            ArticleFingerprint.article_id.in_(
                select(ArticleBucket.article_id).where(tuple_(ArticleBucket.band, ArticleBucket.bucket).in_(fp.buckets))
            ),
            ArticleFingerprint.article_id != article.id,
        )
        .limit(500)
    ).all()
    session.execute(
        insert(ArticleBucket).values([{"band": b, "bucket": h, "article_id": article.id} for b, h in fp.buckets])
    )
    likely = [c.article_id for c in candidates if dedup.estimated_jaccard(fp.signature, c.signature) >= 0.05]
    copies: list[tuple[int, float]] = []
    for other_id, other_text in session.execute(
        select(Article.id, Article.clean_text).where(Article.id.in_(likely))
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
        return article.story_id
    day = article.published_date  # None: undated, compared with the most recent stories
    weighted = article_weighted_entities(session, article.id)
    corpus = session.execute(select(func.coalesce(func.max(Article.id), 0))).scalar_one()
    top = stories.top_entities(weighted, corpus)
    story_id, score = None, 1.0
    copied = [s for (other, _) in copies if (s := session.get(Article, other)) and s.story_id]
    if copied:
        story_id = copied[0].story_id
    elif top:
        choice = stories.choose_story(top, candidate_stories(session, list(top), day))
        if choice:
            story_id, score = choice
    if story_id is None:
        start = day or article_date(article)
        story = Story(title=article.title, first_date=start, last_date=start, article_count=0)
        session.add(story)
        session.flush()
        story_id = story.id
    join_story(session, article, story_id, score, top, day)
    return story_id


def article_weighted_entities(session: Session, article_id: int) -> list[stories.WeightedEntity]:
    rows = session.execute(
        select(EntityLink.entity_id, func.sum(EntityLink.mention_count), Entity.article_count)
        .join(Entity, Entity.id == EntityLink.entity_id)
        .where(EntityLink.article_id == article_id, EntityLink.entity_type.in_(stories.STORY_TYPES))
        .group_by(EntityLink.entity_id, Entity.article_count)
    ).all()
    return [stories.WeightedEntity(r[0], int(r[1] or 1), int(r[2] or 1)) for r in rows]


def candidate_stories(session: Session, entity_ids: list[int], day: date | None) -> dict[int, set[int]]:
    stmt = (
        select(StoryEntity.story_id, StoryEntity.entity_id)
        .join(Story, Story.id == StoryEntity.story_id)
        .where(StoryEntity.entity_id.in_(entity_ids))
    )
    if day is not None:
        window = timedelta(days=stories.WINDOW_DAYS)
        stmt = stmt.where(StoryEntity.last_date >= day - window, Story.first_date <= day + window)
    else:  # an undated article: the most recently active stories that share its entities
        stmt = stmt.order_by(StoryEntity.last_date.desc()).limit(MAX_UNDATED_CANDIDATES)
    rows = session.execute(stmt).all()
    found: dict[int, set[int]] = defaultdict(set)
    for story_id, entity_id in rows:
        found[story_id].add(entity_id)
    return found


def join_story(
    session: Session, article: Article, story_id: int, score: float, top: dict[int, float], day: date | None
) -> None:
    article.story_id, article.story_score = story_id, round(score, 4)
    story = session.get(Story, story_id)
    assert story is not None
    story.article_count += 1
    if day is not None:  # an undated article does not move the story in time
        story.first_date, story.last_date = min(story.first_date, day), max(story.last_date, day)
    day = day or story.last_date
    if top:
        stmt = insert(StoryEntity).values(
            [{"story_id": story_id, "entity_id": e, "weight": w, "last_date": day} for e, w in top.items()]
        )
        session.execute(
            stmt.on_conflict_do_update(
                index_elements=["story_id", "entity_id"],
                set_={
                    "weight": StoryEntity.weight + stmt.excluded.weight,
                    "last_date": func.greatest(StoryEntity.last_date, stmt.excluded.last_date),
                },
            )
        )
    session.flush()
