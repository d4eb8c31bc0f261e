"""The public schema. Consumers query these tables directly: see docs/schema.md.

Every child row carries a unique key that makes a second run of a stage an update, never a
duplicate, even when two workers run the same stage at the same moment."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Identity,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    false,
    func,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        dict[str, Any]: JSONB,
        list[str]: ARRAY(Text),
        list[dict[str, Any]]: JSONB,
        datetime: DateTime(timezone=True),
        int: Integer,
        str: Text,
    }


def _id() -> Mapped[int]:
    return mapped_column(BigInteger, Identity(), primary_key=True)


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(server_default=func.now(), onupdate=func.now())


class FileStatus:
    QUEUED = "queued"
    PARSED = "parsed"
    EXTRACTED = "extracted"
    DONE = "done"
    FAILED = "failed"
    IN_PROGRESS = (QUEUED, PARSED, EXTRACTED)


class IngestedFile(TimestampMixin, Base):
    """One row per distinct content (sha256): the same bytes under any name are ingested once."""

    __tablename__ = "ingested_files"

    id: Mapped[int] = _id()
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    path: Mapped[str]  # where it was first seen
    size: Mapped[int] = mapped_column(BigInteger)
    mtime: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(16), default=FileStatus.QUEUED, index=True)
    error: Mapped[str | None]
    error_stage: Mapped[str | None] = mapped_column(String(16))
    quarantine_path: Mapped[str | None]
    attempts: Mapped[int] = mapped_column(default=0)
    # when the file entered the parse queue (registration or `wirewatch retry`) and left each
    # stage: stage latency for /metrics, whichever worker process ran the stage
    queued_at: Mapped[datetime] = mapped_column(server_default=func.now())
    parsed_at: Mapped[datetime | None]
    extracted_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    retries: Mapped[int] = mapped_column(default=0, server_default="0")  # times `wirewatch retry` reset it
    # times a stage's hard time limit killed its task (past WIREWATCH_MAX_TIME_LIMIT_KILLS the file fails)
    time_limit_kills: Mapped[int] = mapped_column(SmallInteger, default=0, server_default="0")

    content: Mapped[FileContent | None] = relationship(back_populates="file", passive_deletes=True)


class FileContent(Base):
    """The raw bytes, kept so no stage depends on the file still being in the folder."""

    __tablename__ = "file_contents"

    file_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("ingested_files.id", ondelete="CASCADE"), primary_key=True
    )
    content: Mapped[bytes] = mapped_column(LargeBinary)

    file: Mapped[IngestedFile] = relationship(back_populates="content")


class FileSighting(Base):
    """Every (path, size, mtime) the watcher has registered: lets a folder scan skip known files
    without hashing them again, and shows every name a content arrived under."""

    __tablename__ = "file_sightings"
    __table_args__ = (UniqueConstraint("path", "size", "mtime_ns"),)

    id: Mapped[int] = _id()
    file_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("ingested_files.id", ondelete="CASCADE"), index=True)
    path: Mapped[str]
    size: Mapped[int] = mapped_column(BigInteger)
    mtime_ns: Mapped[int] = mapped_column(BigInteger)
    seen_at: Mapped[datetime] = mapped_column(server_default=func.now())


class Article(TimestampMixin, Base):
    __tablename__ = "articles"

    id: Mapped[int] = _id()
    file_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("ingested_files.id", ondelete="CASCADE"), unique=True)
    format: Mapped[str] = mapped_column(String(8))
    encoding: Mapped[str] = mapped_column(String(32))
    language: Mapped[str | None] = mapped_column(String(8))
    title: Mapped[str | None]
    subtitle: Mapped[str | None]
    published: Mapped[str | None]  # ISO 8601 as found: a date, or a datetime with its offset
    published_date: Mapped[date | None] = mapped_column(Date, index=True)
    published_inferred: Mapped[bool] = mapped_column(Boolean, default=False)
    authors: Mapped[list[str]] = mapped_column(default=list)
    contributors: Mapped[list[str]] = mapped_column(default=list)
    outlet: Mapped[str | None]
    wire: Mapped[str | None]
    dateline: Mapped[str | None]
    forwarded_by: Mapped[str | None]  # who forwarded or posted this copy (never an author)
    corrections: Mapped[list[str]] = mapped_column(default=list)
    metadata_sources: Mapped[dict[str, Any]] = mapped_column(default=dict)
    removed_blocks: Mapped[list[dict[str, Any]]] = mapped_column(default=list)
    clean_text: Mapped[str]
    story_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("stories.id"), index=True)
    story_score: Mapped[float | None] = mapped_column(Float)
    terms_counted: Mapped[bool] = mapped_column(default=False, server_default=false())  # in term_stats

    paragraphs: Mapped[list[Paragraph]] = relationship(
        back_populates="article", order_by="Paragraph.position", passive_deletes=True
    )
    quotes: Mapped[list[Quote]] = relationship(back_populates="article", order_by="Quote.start", passive_deletes=True)
    mentions: Mapped[list[EntityMention]] = relationship(
        back_populates="article", order_by="EntityMention.start", passive_deletes=True
    )


class Paragraph(Base):
    """Headings and paragraphs of the clean text: ``clean_text[start:end] == text``."""

    __tablename__ = "paragraphs"
    __table_args__ = (UniqueConstraint("article_id", "position"),)

    id: Mapped[int] = _id()
    article_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("articles.id", ondelete="CASCADE"))
    position: Mapped[int]
    kind: Mapped[str] = mapped_column(String(16))  # paragraph | heading
    start: Mapped[int]
    end: Mapped[int]
    text: Mapped[str]

    article: Mapped[Article] = relationship(back_populates="paragraphs")


class Entity(TimestampMixin, Base):
    """A corpus-wide canonical entity (a person, organization, place...)."""

    __tablename__ = "entities"
    __table_args__ = (UniqueConstraint("type", "key"),)

    id: Mapped[int] = _id()
    name: Mapped[str]  # canonical (fullest) name
    type: Mapped[str] = mapped_column(String(16))
    key: Mapped[str]  # normalized name used for matching
    merged_into_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("entities.id"), index=True)
    external_id: Mapped[str | None]  # e.g. a Wikidata QID from a user's knowledge base
    article_count: Mapped[int] = mapped_column(default=0, server_default="0")  # articles linked: document frequency


class EntityAlias(Base):
    """Every surface form an entity was seen under, with how often: the candidate index."""

    __tablename__ = "entity_aliases"
    __table_args__ = (UniqueConstraint("entity_id", "alias"), Index(None, "alias_key"))

    id: Mapped[int] = _id()
    entity_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("entities.id", ondelete="CASCADE"))
    alias: Mapped[str]
    alias_key: Mapped[str]
    count: Mapped[int] = mapped_column(default=0)
    source: Mapped[str] = mapped_column(String(16), default="text")  # text | kb | derived


class EntityLink(Base):
    """How one article's entity was linked to a corpus entity, with the evidence."""

    __tablename__ = "entity_links"
    __table_args__ = (
        UniqueConstraint("article_id", "article_entity", "entity_type"),
        Index("ix_entity_links_entity_id_article_id", "entity_id", "article_id"),
    )

    id: Mapped[int] = _id()
    article_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("articles.id", ondelete="CASCADE"))
    article_entity: Mapped[str]
    entity_type: Mapped[str] = mapped_column(String(16))
    entity_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("entities.id"), index=True)  # after merges
    linked_entity_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("entities.id"))  # as first linked
    evidence: Mapped[str]
    surfaces: Mapped[dict[str, Any]] = mapped_column(default=dict)  # surface form -> mentions
    mention_count: Mapped[int] = mapped_column(default=0)


class EntityMerge(Base):
    """A merge of one entity into another; undoing it (undone_at) restores the links."""

    __tablename__ = "entity_merges"

    id: Mapped[int] = _id()
    from_entity_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("entities.id"), index=True)
    into_entity_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("entities.id"), index=True)
    reason: Mapped[str]
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    undone_at: Mapped[datetime | None]


class EntityMention(Base):
    __tablename__ = "entity_mentions"
    __table_args__ = (UniqueConstraint("article_id", "in_title", "start", "end"),)

    id: Mapped[int] = _id()
    article_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("articles.id", ondelete="CASCADE"))
    entity_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("entities.id"), index=True)
    article_entity: Mapped[str]  # the entity's fullest name within this article
    entity_type: Mapped[str] = mapped_column(String(16))
    start: Mapped[int]
    end: Mapped[int]
    text: Mapped[str]
    attributes: Mapped[dict[str, Any]] = mapped_column(default=dict)  # roles, affiliations
    in_title: Mapped[bool] = mapped_column(default=False, server_default=false())  # offsets into the title

    article: Mapped[Article] = relationship(back_populates="mentions")


class Quote(Base):
    __tablename__ = "quotes"
    __table_args__ = (
        UniqueConstraint("article_id", "start", "end"),
        Index(None, "speaker_entity_id"),
    )

    id: Mapped[int] = _id()
    article_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("articles.id", ondelete="CASCADE"))
    text: Mapped[str]
    start: Mapped[int]
    end: Mapped[int]
    kind: Mapped[str] = mapped_column(String(16))  # direct | partial | indirect | term
    speaker_name: Mapped[str | None]
    speaker_start: Mapped[int | None]
    speaker_end: Mapped[int | None]
    cue: Mapped[str | None]
    cue_start: Mapped[int | None]
    cue_end: Mapped[int | None]
    speaker_entity_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("entities.id"))
    cluster_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("quote_clusters.id"), index=True)

    article: Mapped[Article] = relationship(back_populates="quotes")


class QuoteCluster(Base):
    """One statement, however many articles carried it (in full, in part, or reworded)."""

    __tablename__ = "quote_clusters"

    id: Mapped[int] = _id()
    text: Mapped[str]  # the longest wording seen
    speaker_entity_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("entities.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())


class QuoteTerm(Base):
    """Postings of quotes' content words (crc32): how matching quotes are found."""

    __tablename__ = "quote_terms"

    term: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    quote_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("quotes.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class Story(Base):
    __tablename__ = "stories"

    id: Mapped[int] = _id()
    title: Mapped[str | None]  # the first article's title
    first_date: Mapped[date | None] = mapped_column(Date)  # None: no article of it carries a date
    last_date: Mapped[date | None] = mapped_column(Date)
    article_count: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    merged_into_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("stories.id"))


class StoryTerm(Base):
    """A story's content words (sum of its articles' tf-idf vectors): the story word index."""

    __tablename__ = "story_terms"

    term: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    story_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("stories.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    weight: Mapped[float] = mapped_column(Float, default=0.0, server_default="0")


class TermStat(Base):
    """In how many articles each content word occurs (its idf)."""

    __tablename__ = "term_stats"

    term: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    document_frequency: Mapped[int] = mapped_column(default=0, server_default="0")


class StoryMerge(Base):
    """Stories found to be one event by a bridging article; undoing it moves the articles back."""

    __tablename__ = "story_merges"

    id: Mapped[int] = _id()
    from_story_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("stories.id"))
    into_story_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("stories.id"))
    article_ids: Mapped[list[int]] = mapped_column(JSONB)
    reason: Mapped[str]
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    undone_at: Mapped[datetime | None]


class StoryConsolidation(Base):
    """One run of the story step over the whole corpus in an order no arrival decides (see
    ``worker.pipeline.link.story_consolidation``): when, over how many articles, what it changed."""

    __tablename__ = "story_consolidations"

    id: Mapped[int] = _id()
    article_count: Mapped[int]  # articles with a story it saw: the next run is due when the corpus outgrows it
    last_article_id: Mapped[int] = mapped_column(BigInteger)  # the newest of them: later ones are new since
    stories_before: Mapped[int]
    stories_after: Mapped[int]
    articles_moved: Mapped[int]  # articles whose story is another than before
    started_at: Mapped[datetime] = mapped_column(server_default=func.now())
    finished_at: Mapped[datetime | None]


class StoryEntity(Base):
    """A story's telling entities, with the last date they were reported: the story index."""

    __tablename__ = "story_entities"
    __table_args__ = (
        Index(None, "entity_id", "last_date"),
        Index("ix_story_entities_entity_id_story_id", "entity_id", "story_id"),
    )

    story_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("stories.id", ondelete="CASCADE"), primary_key=True)
    entity_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("entities.id"), primary_key=True)
    weight: Mapped[float] = mapped_column(Float, default=0.0)
    last_date: Mapped[date | None] = mapped_column(Date)


class ArticleFingerprint(Base):
    """MinHash signature of an article's word 5-shingles."""

    __tablename__ = "article_fingerprints"

    article_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True)
    signature: Mapped[bytes] = mapped_column(LargeBinary)
    shingle_count: Mapped[int]


class ArticleBucket(Base):
    """LSH band buckets: articles sharing a bucket are near-duplicate candidates."""

    __tablename__ = "article_lsh_buckets"

    band: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    bucket: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    article_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class NearDuplicate(Base):
    """``article_id`` is a (near-)copy of the earlier ``duplicate_of_id``."""

    __tablename__ = "near_duplicates"

    article_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True)
    duplicate_of_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    similarity: Mapped[float] = mapped_column(Float)  # shingle containment in [0, 1]
