"""Routes over the link stage's results: entities across articles, quote clusters, stories,
near-duplicates. Each query is documented with its SQL in docs/schema.md."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException
from sqlalchemy import func, or_, select

from api.deps import IdPath, PageDep, SessionDep
from api.errors import NOT_FOUND
from api.queries import as_quotes, count, near_duplicates_of, quote_rows
from api.schemas import (
    AliasOut,
    ArticleSummary,
    ClusterOut,
    CoMention,
    EntityDetail,
    ListOf,
    MergeOut,
    NearDuplicateOut,
    QuoteOut,
    StoryDetail,
    StorySummary,
)
from worker.storage.models import (
    Article,
    Entity,
    EntityAlias,
    EntityLink,
    EntityMention,
    EntityMerge,
    Quote,
    QuoteCluster,
    Story,
)

router = APIRouter()


@router.get("/entities/{entity_id}", response_model=EntityDetail, responses=NOT_FOUND)
def get_entity(entity_id: IdPath, session: SessionDep) -> EntityDetail:
    entity = session.get(Entity, entity_id)
    if entity is None:
        raise HTTPException(status_code=404, detail="entity not found")
    aliases = session.execute(
        select(EntityAlias).where(EntityAlias.entity_id == entity_id).order_by(EntityAlias.count.desc())
    ).scalars()
    mention_count = session.execute(
        select(func.count()).select_from(EntityMention).where(EntityMention.entity_id == entity_id)
    ).scalar_one()
    article_ids = select(EntityLink.article_id).where(EntityLink.entity_id == entity_id)
    articles = session.execute(
        select(Article)
        .where(Article.id.in_(article_ids))
        .order_by(Article.published_date.desc().nulls_last())
        .limit(50)
    ).scalars()
    co = session.execute(
        select(Entity.id, Entity.name, Entity.type, func.count(func.distinct(EntityLink.article_id)).label("articles"))
        .join(EntityLink, EntityLink.entity_id == Entity.id)
        .where(EntityLink.article_id.in_(article_ids), Entity.id != entity_id)
        .group_by(Entity.id)
        .order_by(func.count(func.distinct(EntityLink.article_id)).desc(), Entity.id)
        .limit(20)
    )
    merges = session.execute(
        select(EntityMerge)
        .where(or_(EntityMerge.from_entity_id == entity_id, EntityMerge.into_entity_id == entity_id))
        .order_by(EntityMerge.id)
    ).scalars()
    return EntityDetail(
        id=entity.id,
        name=entity.name,
        type=entity.type,
        external_id=entity.external_id,
        merged_into_id=entity.merged_into_id,
        mention_count=mention_count,
        article_count=session.execute(select(func.count()).select_from(article_ids.subquery())).scalar_one(),
        aliases=[AliasOut.model_validate(a) for a in aliases],
        articles=[ArticleSummary.model_validate(a) for a in articles],
        co_mentioned=[CoMention.model_validate(r._mapping) for r in co],
        merges=[MergeOut.model_validate(m) for m in merges],
    )


@router.get("/entities/{entity_id}/quotes", response_model=ListOf[QuoteOut], responses=NOT_FOUND)
def entityas_quotes(entity_id: IdPath, session: SessionDep, page: PageDep) -> ListOf[QuoteOut]:
    """Everything the entity said, newest first, with the article, outlet and date."""
    if session.get(Entity, entity_id) is None:
        raise HTTPException(status_code=404, detail="entity not found")
    stmt = (
        quote_rows()
        .where(Quote.speaker_entity_id == entity_id, Quote.kind != "term")
        .order_by(Article.published_date.desc().nulls_last(), Quote.id.desc())
    )
    rows = session.execute(stmt.limit(page.limit).offset(page.offset))
    return ListOf(total=count(session, stmt), limit=page.limit, offset=page.offset, items=as_quotes(rows))


@router.get("/quotes/{quote_id}/cluster", response_model=ClusterOut, responses=NOT_FOUND)
def quote_cluster(quote_id: IdPath, session: SessionDep) -> ClusterOut:
    """Every article that carried this statement (in full, in part, or reworded)."""
    quote = session.get(Quote, quote_id)
    if quote is None:
        raise HTTPException(status_code=404, detail="quote not found")
    if quote.cluster_id is None:
        rows = session.execute(quote_rows().where(Quote.id == quote_id))
        return ClusterOut(id=0, text=quote.text, speaker_entity_id=quote.speaker_entity_id, quotes=as_quotes(rows))
    cluster = session.get(QuoteCluster, quote.cluster_id)
    assert cluster is not None
    rows = session.execute(
        quote_rows()
        .where(Quote.cluster_id == cluster.id)
        .order_by(Article.published_date.nulls_last(), Quote.article_id)
    )
    return ClusterOut(
        id=cluster.id, text=cluster.text, speaker_entity_id=cluster.speaker_entity_id, quotes=as_quotes(rows)
    )


@router.get("/stories", response_model=ListOf[StorySummary])
def list_stories(session: SessionDep, page: PageDep) -> ListOf[StorySummary]:
    live = Story.merged_into_id.is_(None)  # a merged story lives on in the one it joined
    stmt = select(Story).where(live).order_by(Story.last_date.desc().nulls_last(), Story.id.desc())
    total = session.execute(select(func.count()).select_from(Story).where(live)).scalar_one()
    items = [
        StorySummary.model_validate(s) for s in session.execute(stmt.limit(page.limit).offset(page.offset)).scalars()
    ]
    return ListOf(total=total, limit=page.limit, offset=page.offset, items=items)


@router.get("/stories/{story_id}", response_model=StoryDetail, responses=NOT_FOUND)
def get_story(story_id: IdPath, session: SessionDep) -> StoryDetail:
    story = session.get(Story, story_id)
    if story is None:
        raise HTTPException(status_code=404, detail="story not found")
    article_ids = select(Article.id).where(Article.story_id == story_id)
    articles = session.execute(select(Article).where(Article.story_id == story_id).order_by(Article.id)).scalars()
    entities = session.execute(
        select(Entity.id, Entity.name, Entity.type, func.count(func.distinct(EntityLink.article_id)).label("articles"))
        .join(EntityLink, EntityLink.entity_id == Entity.id)
        .where(EntityLink.article_id.in_(article_ids))
        .group_by(Entity.id)
        .order_by(func.count(func.distinct(EntityLink.article_id)).desc(), Entity.id)
        .limit(50)
    )
    quotes = session.execute(
        quote_rows()
        .where(Quote.article_id.in_(article_ids), Quote.kind.in_(("direct", "partial")))
        .order_by(Quote.cluster_id, Quote.article_id, Quote.start)
    )
    return StoryDetail(
        **StorySummary.model_validate(story).model_dump(),
        articles=[ArticleSummary.model_validate(a) for a in articles],
        entities=[CoMention.model_validate(r._mapping) for r in entities],
        quotes=as_quotes(quotes),
    )


@router.get("/articles/{article_id}/near-duplicates", response_model=list[NearDuplicateOut], responses=NOT_FOUND)
def near_duplicates(article_id: IdPath, session: SessionDep) -> list[NearDuplicateOut]:
    """Articles this one copies, and articles that copy it, most similar first."""
    if session.get(Article, article_id) is None:
        raise HTTPException(status_code=404, detail="article not found")
    return near_duplicates_of(session, article_id)
