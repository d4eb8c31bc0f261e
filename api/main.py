"""Routes of the read API. Every list is paginated (limit, offset) and reports its total."""

from __future__ import annotations

from typing import Annotated, Any

import redis
from fastapi import FastAPI, HTTPException, Query, Response
from sqlalchemy import Select, func, or_, select, text
from sqlalchemy.orm import Session, selectinload

from api import links, metrics
from api.deps import PageDep, SessionDep
from api.schemas import ArticleOut, ArticleSummary, EntityOut, FileOut, Health, ListOf, QuoteOut
from worker.settings import client_url, get_settings
from worker.storage.models import Article, Entity, EntityAlias, EntityMention, IngestedFile, Quote

app = FastAPI(title="wirewatch", version="0.1.0", description="Read API over ingested news articles.")
app.include_router(links.router)
app.include_router(metrics.router)  # Prometheus /metrics


def paginate(session: Session, stmt: Select[Any], page: PageDep) -> tuple[int, list[Any]]:
    total = session.execute(select(func.count()).select_from(stmt.order_by(None).subquery())).scalar_one()
    rows = session.execute(stmt.limit(page.limit).offset(page.offset)).all()
    return total, [row[0] if len(row) == 1 else row for row in rows]


@app.get("/health", response_model=Health)
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


@app.get("/files", response_model=ListOf[FileOut])
def list_files(session: SessionDep, page: PageDep, status: Annotated[str | None, Query()] = None) -> ListOf[FileOut]:
    stmt = select(IngestedFile).order_by(IngestedFile.id)
    if status:
        stmt = stmt.where(IngestedFile.status == status)
    total, items = paginate(session, stmt, page)
    return ListOf(total=total, limit=page.limit, offset=page.offset, items=items)


@app.get("/articles", response_model=ListOf[ArticleSummary])
def list_articles(
    session: SessionDep,
    page: PageDep,
    outlet: Annotated[str | None, Query()] = None,
    q: Annotated[str | None, Query(description="words in the title")] = None,
) -> ListOf[ArticleSummary]:
    stmt = select(Article).order_by(Article.published_date.desc().nulls_last(), Article.id)
    if outlet:
        stmt = stmt.where(Article.outlet.ilike(outlet))
    if q:
        stmt = stmt.where(Article.title.ilike(f"%{q}%"))
    total, items = paginate(session, stmt, page)
    return ListOf(total=total, limit=page.limit, offset=page.offset, items=items)


@app.get("/articles/{article_id}", response_model=ArticleOut)
def get_article(article_id: int, session: SessionDep) -> Article:
    article = session.execute(
        select(Article)
        .where(Article.id == article_id)
        .options(selectinload(Article.paragraphs), selectinload(Article.quotes), selectinload(Article.mentions))
    ).scalar_one_or_none()
    if article is None:
        raise HTTPException(status_code=404, detail="article not found")
    return article


@app.get("/quotes", response_model=ListOf[QuoteOut])
def list_quotes(
    session: SessionDep,
    page: PageDep,
    speaker: Annotated[str | None, Query(description="part of the speaker's name")] = None,
    kind: Annotated[str | None, Query()] = None,
    article_id: Annotated[int | None, Query()] = None,
) -> ListOf[QuoteOut]:
    stmt = select(Quote).order_by(Quote.article_id, Quote.start)
    if speaker:  # the name as written, or any alias of the speaker's entity
        aliased = select(EntityAlias.entity_id).where(EntityAlias.alias.ilike(f"%{speaker}%"))
        stmt = stmt.where(or_(Quote.speaker_name.ilike(f"%{speaker}%"), Quote.speaker_entity_id.in_(aliased)))
    if kind:
        stmt = stmt.where(Quote.kind == kind)
    if article_id is not None:
        stmt = stmt.where(Quote.article_id == article_id)
    total, items = paginate(session, stmt, page)
    return ListOf(total=total, limit=page.limit, offset=page.offset, items=items)


@app.get("/entities", response_model=ListOf[EntityOut])
def list_entities(
    session: SessionDep,
    page: PageDep,
    q: Annotated[str | None, Query(description="part of the name")] = None,
    type: Annotated[str | None, Query()] = None,
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
        stmt = stmt.where(Entity.name.ilike(f"%{q}%"))
    if type:
        stmt = stmt.where(Entity.type == type)
    total = session.execute(select(func.count()).select_from(stmt.order_by(None).subquery())).scalar_one()
    rows = session.execute(stmt.limit(page.limit).offset(page.offset)).all()
    items = [EntityOut.model_validate(row._mapping) for row in rows]
    return ListOf(total=total, limit=page.limit, offset=page.offset, items=items)
