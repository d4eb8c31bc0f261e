"""Storing each stage's result for one article. Every helper replaces the article's rows for
its stage, so running a stage twice leaves exactly one copy. Helpers flush; tasks commit."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict
from datetime import date

from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from worker.pipeline.extract import Extraction, Mention
from worker.pipeline.parse import ParsedArticle
from worker.storage.models import Article, EntityMention, Paragraph, Quote


def upsert_article(session: Session, file_id: int, parsed: ParsedArticle) -> int:
    values = {
        "file_id": file_id,
        "format": parsed.format,
        "encoding": parsed.encoding,
        "language": parsed.language,
        "title": parsed.title,
        "subtitle": parsed.subtitle,
        "published": parsed.published,
        "published_date": _date_part(parsed.published),
        "published_inferred": parsed.published_inferred,
        "authors": parsed.authors,
        "contributors": parsed.contributors,
        "outlet": parsed.outlet,
        "wire": parsed.wire,
        "dateline": parsed.dateline,
        "forwarded_by": parsed.forwarded_by,
        "corrections": parsed.corrections,
        "metadata_sources": parsed.sources,
        "removed_blocks": [asdict(block) for block in parsed.removed],
        "clean_text": parsed.text,
    }
    insert_stmt = insert(Article).values(**values)
    upsert = insert_stmt.on_conflict_do_update(
        index_elements=["file_id"],
        set_={k: insert_stmt.excluded[k] for k in values if k != "file_id"},
    ).returning(Article.id)
    article_id: int = session.execute(upsert).scalar_one()
    session.execute(delete(Paragraph).where(Paragraph.article_id == article_id))
    if parsed.blocks:  # one bulk insert, not an ORM object per paragraph
        session.execute(
            insert(Paragraph),
            [
                {"article_id": article_id, "position": i, "kind": b.kind, "start": b.start, "end": b.end}
                | {"text": b.text}
                for i, b in enumerate(parsed.blocks)
            ],
        )
    session.flush()
    return article_id


def _date_part(published: str | None) -> date | None:
    if not published:
        return None
    try:
        return date.fromisoformat(published[:10])
    except ValueError:
        return None


def article_id_for_file(session: Session, file_id: int) -> int | None:
    return session.execute(select(Article.id).where(Article.file_id == file_id)).scalar_one_or_none()


def replace_extraction(session: Session, article_id: int, extraction: Extraction) -> None:
    session.execute(delete(Quote).where(Quote.article_id == article_id))
    session.execute(delete(EntityMention).where(EntityMention.article_id == article_id))
    # bulk inserts (one multi-row statement per table, no ORM objects): a few ms per article
    mentions = [
        {
            "article_id": article_id,
            "article_entity": entity.name,
            "entity_type": entity.type,
            "start": m.start,
            "end": m.end,
            "text": m.text,
            "attributes": dict(m.attributes),
            "in_title": m.in_title,
        }
        for entity in extraction.entities
        for m in _distinct_spans(entity.mentions)
    ]
    if mentions:
        session.execute(insert(EntityMention), mentions)
    seen: set[tuple[int, int]] = set()
    rows = []
    for q in extraction.quotes:
        if (q.start, q.end) in seen:
            continue
        seen.add((q.start, q.end))
        rows.append(
            {
                "article_id": article_id,
                "text": q.text,
                "start": q.start,
                "end": q.end,
                "kind": q.kind,
                "speaker_name": q.speaker,
                "speaker_start": q.speaker_start,
                "speaker_end": q.speaker_end,
                "cue": q.cue,
                "cue_start": q.cue_start,
                "cue_end": q.cue_end,
            }
        )
    if rows:
        session.execute(insert(Quote), rows)
    session.flush()


def _distinct_spans(mentions: Iterable[Mention]) -> Iterable[Mention]:
    seen: set[tuple[bool, int, int]] = set()
    for m in mentions:
        if (m.in_title, m.start, m.end) not in seen:
            seen.add((m.in_title, m.start, m.end))
            yield m
