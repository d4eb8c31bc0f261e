"""Response models: what consumers get, documented in the OpenAPI schema at /docs."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict

T = TypeVar("T")


class ListOf(BaseModel, Generic[T]):
    total: int
    limit: int
    offset: int
    items: list[T]


class ORM(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class FileOut(ORM):
    id: int
    path: str
    sha256: str
    size: int
    status: str
    error: str | None
    error_stage: str | None
    quarantine_path: str | None
    attempts: int
    created_at: datetime
    updated_at: datetime
    finished_at: datetime | None


class ArticleSummary(ORM):
    id: int
    file_id: int
    title: str | None
    published: str | None
    published_date: date | None
    authors: list[str]
    outlet: str | None
    wire: str | None
    language: str | None


class ParagraphOut(ORM):
    position: int
    kind: str
    start: int
    end: int
    text: str


class QuoteOut(ORM):
    """One shape for a quote on every endpoint: the quote, its speaker and cue, its cluster,
    and the article it ran in."""

    id: int
    article_id: int
    text: str
    start: int
    end: int
    kind: str
    speaker_name: str | None
    speaker_entity_id: int | None
    cue: str | None
    cluster_id: int | None
    title: str | None
    outlet: str | None
    published_date: date | None


class MentionOut(ORM):
    entity_id: int | None
    article_entity: str
    entity_type: str
    start: int
    end: int
    text: str
    attributes: dict[str, Any]


class NearDuplicateOut(BaseModel):
    """``article_id`` is a near-copy of the earlier ``duplicate_of_id``; ``other`` is the one
    that is not the article asked about, ``relation`` says which way the copy goes."""

    article_id: int
    duplicate_of_id: int
    similarity: float
    relation: Literal["copy_of", "copied_by"]
    other: ArticleSummary


class ArticleOut(ArticleSummary):
    subtitle: str | None
    forwarded_by: str | None
    story_id: int | None
    published_inferred: bool
    contributors: list[str]
    dateline: str | None
    corrections: list[str]
    format: str
    encoding: str
    metadata_sources: dict[str, Any]
    removed_blocks: list[dict[str, Any]]
    clean_text: str
    paragraphs: list[ParagraphOut]
    quotes: list[QuoteOut]
    mentions: list[MentionOut]
    near_duplicates: list[NearDuplicateOut]


class EntityOut(ORM):
    id: int
    name: str
    type: str
    mention_count: int
    article_count: int


class Health(BaseModel):
    status: str
    database: str
    broker: str


class AliasOut(ORM):
    alias: str
    count: int
    source: str


class CoMention(BaseModel):
    id: int
    name: str
    type: str
    articles: int


class MergeOut(ORM):
    id: int
    from_entity_id: int
    into_entity_id: int
    reason: str
    created_at: datetime
    undone_at: datetime | None


class EntityDetail(BaseModel):
    id: int
    name: str
    type: str
    external_id: str | None
    merged_into_id: int | None
    mention_count: int
    article_count: int
    aliases: list[AliasOut]
    articles: list[ArticleSummary]
    co_mentioned: list[CoMention]
    merges: list[MergeOut]


class ClusterOut(BaseModel):
    id: int
    text: str
    speaker_entity_id: int | None
    quotes: list[QuoteOut]


class StorySummary(ORM):
    id: int
    title: str | None
    first_date: date | None  # None: no article of the story carries a date
    last_date: date | None
    article_count: int
    merged_into_id: int | None  # set when a bridging article or a consolidation moved its articles there


class StoryDetail(StorySummary):
    articles: list[ArticleSummary]
    entities: list[CoMention]
    quotes: list[QuoteOut]


class Problem(BaseModel):
    """The body of every error response."""

    detail: str


class ChangeOut(BaseModel):
    cursor: str  # pass it as ``after`` to continue after this change
    kind: Literal["article", "quote", "entity", "story"]
    id: int
    op: Literal["insert", "update", "delete"]
    changed_at: datetime


class ChangesPage(BaseModel):
    items: list[ChangeOut]
    next: str  # the cursor for the next request, also when no change was returned
    has_more: bool
