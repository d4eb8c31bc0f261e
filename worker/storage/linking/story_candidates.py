"""Stories step, reading: the article's profile (words counted into term_stats) and the stories it could join."""

from __future__ import annotations

from collections import Counter, defaultdict

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from worker.pipeline.link import stories
from worker.pipeline.link.story_figures import split_figures
from worker.storage.linking.entity_candidates import canonical_id
from worker.storage.linking.queries import among, follow_merges
from worker.storage.models import Article, Entity, EntityLink, Story, StoryEntity, StoryTerm, TermStat

STORY_POSTINGS = 200  # per probe word or entity: the newest stories holding it
MAX_STORY_CANDIDATES = 50


def canonical_story(session: Session, story_id: int) -> int:
    return follow_merges(session, Story, story_id)


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
        _, story.figures, story.figure_articles = split_figures(story.terms)
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
