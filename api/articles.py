"""Routes over the ingest: files, articles (full-text search), quotes, entities, health."""

from __future__ import annotations

from typing import Annotated, Any, Literal

import redis
from fastapi import APIRouter, HTTPException, Query, Response
from sqlalchemy import Select, func, or_, select, text
from sqlalchemy.orm import Session, selectinload

from api.deps import (
    EndDate,
    IdPath,
    IdQuery,
    NameFragment,
    OutletFragment,
    PageDep,
    SearchText,
    SessionDep,
    StartDate,
    TitleFragment,
    like_pattern,
)
from api.errors import NOT_FOUND
from api.queries import ARTICLE_SEARCH, QUOTE_SEARCH, as_quotes, count, near_duplicates_of, quote_rows, web_query
from api.schemas import ArticleOut, ArticleSummary, EntityOut, FileOut, Health, ListOf, QuoteOut
from worker.settings import client_url, get_settings
from worker.storage.models import Article, Entity, EntityAlias, EntityLink, EntityMention, IngestedFile, Quote

router = APIRouter()

FileStatusName = Literal["queued", "parsed", "extracted", "done", "failed"]
QuoteKindName = Literal["direct", "partial", "indirect", "term"]
EntityTypeName = Literal["person", "organization", "place", "group", "event", "work", "law", "product"]


def paginate(session: Session, stmt: Select[Any], page: PageDep) -> tuple[int, list[Any]]:
    rows = session.execute(stmt.limit(page.limit).offset(page.offset)).all()
    return count(session, stmt), [row[0] if len(row) == 1 else row for row in rows]


@router.get("/health", response_model=Health, responses={503: {"model": Health}})
def health(session: SessionDep, response: Response) -> Health:
    database = broker = "ok"
    try:
        session.execute(text("SELECT 1"))
    except Exception as exc:
        database = f"error: {exc.__class__.__name__}"
    try:
        redis.Redis.from_url(client_url(get_settings().redis_url or ""), socket_timeout=2).ping()
    except Exception as exc:
        broker = f"error: {exc.__class__.__name__}"
    ok = database == broker == "ok"
    response.status_code = 200 if ok else 503
    return Health(status="ok" if ok else "degraded", database=database, broker=broker)


@router.get("/files", response_model=ListOf[FileOut])
def list_files(
    session: SessionDep, page: PageDep, status: Annotated[FileStatusName | None, Query()] = None
) -> ListOf[FileOut]:
    stmt = select(IngestedFile).order_by(IngestedFile.id)
    if status:
        stmt = stmt.where(IngestedFile.status == status)
    total, items = paginate(session, stmt, page)
    return ListOf(total=total, limit=page.limit, offset=page.offset, items=items)


@router.get("/articles", response_model=ListOf[ArticleSummary])
def list_articles(
    session: SessionDep,
    page: PageDep,
    q: SearchText = None,
    title: TitleFragment = None,
    outlet: OutletFragment = None,
    start_date: StartDate = None,
    end_date: EndDate = None,
    story_id: IdQuery = None,
    entity_id: IdQuery = None,
) -> ListOf[ArticleSummary]:
    """Newest first; with `q`, full-text search over title, deck and body, best match first.
    `entity_id`: articles linked to that entity."""
    stmt = select(Article)
    if q:
        query = web_query(q)
        stmt = stmt.where(ARTICLE_SEARCH.op("@@")(query)).order_by(func.ts_rank_cd(ARTICLE_SEARCH, query).desc())
    stmt = stmt.order_by(Article.published_date.desc().nulls_last(), Article.id.desc())
    if title:
        stmt = stmt.where(Article.title.ilike(like_pattern(title), escape="\\"))
    if outlet:
        stmt = stmt.where(Article.outlet.ilike(like_pattern(outlet), escape="\\"))
    if start_date:
        stmt = stmt.where(Article.published_date >= start_date)
    if end_date:
        stmt = stmt.where(Article.published_date <= end_date)
    if story_id is not None:
        stmt = stmt.where(Article.story_id == story_id)
    if entity_id is not None:
        stmt = stmt.where(Article.id.in_(select(EntityLink.article_id).where(EntityLink.entity_id == entity_id)))
    total, items = paginate(session, stmt, page)
    return ListOf(total=total, limit=page.limit, offset=page.offset, items=items)


@router.get("/articles/{article_id}", response_model=ArticleOut, responses=NOT_FOUND)
def get_article(article_id: IdPath, session: SessionDep) -> ArticleOut:
    article = session.execute(
        select(Article)
        .where(Article.id == article_id)
        .options(selectinload(Article.paragraphs), selectinload(Article.mentions))
    ).scalar_one_or_none()
    if article is None:
        raise HTTPException(status_code=404, detail="article not found")
    quotes = session.execute(quote_rows().where(Quote.article_id == article_id).order_by(Quote.start, Quote.id))
    fields = {column.key: getattr(article, column.key) for column in Article.__table__.columns}
    return ArticleOut.model_validate(
        {
            **fields,
            "paragraphs": article.paragraphs,
            "mentions": article.mentions,
            "quotes": as_quotes(quotes),
            "near_duplicates": near_duplicates_of(session, article_id),
        }
    )


@router.get("/quotes", response_model=ListOf[QuoteOut])
def list_quotes(
    session: SessionDep,
    page: PageDep,
    q: SearchText = None,
    speaker: NameFragment = None,
    speaker_entity_id: IdQuery = None,
    kind: Annotated[QuoteKindName | None, Query()] = None,
    article_id: IdQuery = None,
    story_id: IdQuery = None,
    outlet: OutletFragment = None,
    start_date: StartDate = None,
    end_date: EndDate = None,
) -> ListOf[QuoteOut]:
    """Newest article first, quotes in text order; with `q`, full-text search, best match first."""
    stmt = quote_rows()
    if q:
        query = web_query(q)
        stmt = stmt.where(QUOTE_SEARCH.op("@@")(query)).order_by(func.ts_rank_cd(QUOTE_SEARCH, query).desc())
    stmt = stmt.order_by(Article.published_date.desc().nulls_last(), Quote.article_id.desc(), Quote.start, Quote.id)
    if speaker:  # the name as written, or any alias of the speaker's entity
        pattern = like_pattern(speaker)
        aliased = select(EntityAlias.entity_id).where(EntityAlias.alias.ilike(pattern, escape="\\"))
        stmt = stmt.where(or_(Quote.speaker_name.ilike(pattern, escape="\\"), Quote.speaker_entity_id.in_(aliased)))
    if speaker_entity_id is not None:
        stmt = stmt.where(Quote.speaker_entity_id == speaker_entity_id)
    if kind:
        stmt = stmt.where(Quote.kind == kind)
    if article_id is not None:
        stmt = stmt.where(Quote.article_id == article_id)
    if story_id is not None:
        stmt = stmt.where(Article.story_id == story_id)
    if outlet:
        stmt = stmt.where(Article.outlet.ilike(like_pattern(outlet), escape="\\"))
    if start_date:
        stmt = stmt.where(Article.published_date >= start_date)
    if end_date:
        stmt = stmt.where(Article.published_date <= end_date)
    rows = session.execute(stmt.limit(page.limit).offset(page.offset))
    return ListOf(total=count(session, stmt), limit=page.limit, offset=page.offset, items=as_quotes(rows))


@router.get("/entities", response_model=ListOf[EntityOut])
def list_entities(
    session: SessionDep,
    page: PageDep,
    q: NameFragment = None,
    type: Annotated[EntityTypeName | None, Query()] = None,
) -> ListOf[EntityOut]:
    stmt = (
        select(
            Entity.id,
            Entity.name,
            Entity.type,
            func.count(EntityMention.id).label("mention_count"),
            func.count(func.distinct(EntityMention.article_id)).label("article_count"),
        )
        .join(EntityMention, EntityMention.entity_id == Entity.id, isouter=True)
        .where(Entity.merged_into_id.is_(None))
        .group_by(Entity.id)
        .order_by(func.count(EntityMention.id).desc(), Entity.id)
    )
    if q:
        stmt = stmt.where(Entity.name.ilike(like_pattern(q), escape="\\"))
    if type:
        stmt = stmt.where(Entity.type == type)
    rows = session.execute(stmt.limit(page.limit).offset(page.offset)).all()
    items = [EntityOut.model_validate(row._mapping) for row in rows]
    return ListOf(total=count(session, stmt), limit=page.limit, offset=page.offset, items=items)
