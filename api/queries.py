"""Queries more than one route shares: the one quote shape, full-text matching, near-copies."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Select, func, literal_column, or_, select
from sqlalchemy.dialects.postgresql import TSVECTOR
from sqlalchemy.orm import Session

from api.schemas import ArticleSummary, NearDuplicateOut, QuoteOut
from worker.storage.models import Article, NearDuplicate, Quote

# Generated tsvector columns (migration 0005); not mapped, so the workers never load them.
ARTICLE_SEARCH = literal_column("articles.search", TSVECTOR)
QUOTE_SEARCH = literal_column("quotes.search", TSVECTOR)


def web_query(q: str) -> ColumnElement[Any]:
    return func.websearch_to_tsquery(literal_column("'english'::regconfig"), q)


def quote_rows() -> Select[*tuple[Any, ...]]:
    """Quotes joined to their article: every endpoint that returns quotes returns this shape."""
    return select(
        Quote.id,
        Quote.article_id,
        Quote.text,
        Quote.start,
        Quote.end,
        Quote.kind,
        Quote.speaker_name,
        Quote.speaker_entity_id,
        Quote.cue,
        Quote.cluster_id,
        Article.title,
        Article.outlet,
        Article.published_date,
    ).join(Article, Article.id == Quote.article_id)


def as_quotes(rows: Any) -> list[QuoteOut]:
    return [QuoteOut.model_validate(r._mapping) for r in rows]


def count(session: Session, stmt: Select[*tuple[Any, ...]]) -> int:
    total: int = session.execute(select(func.count()).select_from(stmt.order_by(None).subquery())).scalar_one()
    return total


def near_duplicates_of(session: Session, article_id: int) -> list[NearDuplicateOut]:
    """Articles this one copies, and articles that copy it, with the other article's summary."""
    rows = session.execute(
        select(NearDuplicate)
        .where(or_(NearDuplicate.article_id == article_id, NearDuplicate.duplicate_of_id == article_id))
        .order_by(NearDuplicate.similarity.desc())
    ).scalars()
    out = []
    for row in rows:
        copy_of = row.article_id == article_id
        other = session.get(Article, row.duplicate_of_id if copy_of else row.article_id)
        out.append(
            NearDuplicateOut(
                article_id=row.article_id,
                duplicate_of_id=row.duplicate_of_id,
                similarity=row.similarity,
                relation="copy_of" if copy_of else "copied_by",
                other=ArticleSummary.model_validate(other),
            )
        )
    return out
