"""The public schema's promises: one row per content, stages idempotent, concurrent-safe."""

from __future__ import annotations

import hashlib
import threading
import uuid

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.conftest import register
from worker.pipeline.extract import Entity, Extraction, Mention, Quote
from worker.pipeline.parse import parse_document
from worker.storage import articles, files, linking
from worker.storage.db import get_sessionmaker
from worker.storage.models import Article, EntityMention, FileSighting, IngestedFile, Paragraph
from worker.storage.models import Entity as EntityRow
from worker.storage.models import Quote as QuoteRow


def test_same_content_under_two_names_is_one_file(db_session: Session) -> None:
    content = f"Headline\n\nBody {uuid.uuid4()}.".encode()
    first = register(db_session, content, "/in/a.txt")
    second = register(db_session, content, "/in/b.txt")
    again = register(db_session, content, "/in/a.txt")
    assert first.created and not second.created and not again.created
    assert first.file_id == second.file_id == again.file_id
    sha = hashlib.sha256(content).hexdigest()
    assert db_session.scalar(select(func.count()).where(IngestedFile.sha256 == sha)) == 1
    sightings = db_session.scalars(select(FileSighting.path).where(FileSighting.file_id == first.file_id)).all()
    assert sorted(sightings) == ["/in/a.txt", "/in/b.txt"]
    assert files.is_known_sighting(db_session, "/in/b.txt", len(content), 1)
    assert not files.is_known_sighting(db_session, "/in/b.txt", len(content), 2)


def test_parse_stage_twice_leaves_one_article(db_session: Session) -> None:
    content = f"A headline\n\nFirst paragraph {uuid.uuid4()}.\n\nSecond paragraph.".encode()
    reg = register(db_session, content, "/in/c.txt")
    parsed = parse_document(content, "c.txt")
    first = articles.upsert_article(db_session, reg.file_id, parsed)
    second = articles.upsert_article(db_session, reg.file_id, parsed)
    assert first == second
    assert db_session.scalar(select(func.count()).where(Article.file_id == reg.file_id)) == 1
    paragraphs = db_session.scalars(select(Paragraph).where(Paragraph.article_id == first)).all()
    assert len(paragraphs) == len(parsed.blocks)
    for p in paragraphs:
        assert parsed.text[p.start : p.end] == p.text


def test_extract_and_link_twice_leave_one_copy(db_session: Session) -> None:
    content = f"Headline\n\nBody {uuid.uuid4()}.".encode()
    reg = register(db_session, content, "/in/d.txt")
    article_id = articles.upsert_article(db_session, reg.file_id, parse_document(content, "d.txt"))
    name = f"Ada Lovelace{uuid.uuid4().hex[:6]}"
    extraction = Extraction(
        quotes=[Quote(text="hello", start=0, end=5, kind="direct", speaker=name)],
        entities=[Entity(name=name, type="person", mentions=[Mention(0, 3, "Ada"), Mention(10, 13, "Ada")])],
    )
    for _ in range(2):
        articles.replace_extraction(db_session, article_id, extraction)
        linking.link_article(db_session, article_id)
    mentions = db_session.scalars(select(EntityMention).where(EntityMention.article_id == article_id)).all()
    entity_ids = {m.entity_id for m in mentions}
    assert len(mentions) == 2 and len(entity_ids) == 1 and None not in entity_ids
    quotes = db_session.scalars(select(QuoteRow).where(QuoteRow.article_id == article_id)).all()
    assert len(quotes) == 1 and quotes[0].speaker_entity_id in entity_ids
    entity = db_session.scalars(select(EntityRow).where(EntityRow.name == name)).one()
    assert entity.article_count == 1, "relinking must not count the article twice"


def test_concurrent_registration_and_entity_upserts_make_one_row(database_url: str) -> None:
    """Eight threads, each with its own connection, race on the same content and the same name."""
    maker = get_sessionmaker()
    content = f"Race\n\n{uuid.uuid4()}".encode()
    key_name = f"Xi Jinping{uuid.uuid4().hex[:8]}"
    barrier = threading.Barrier(8)
    results: list[tuple[int, int]] = []
    errors: list[BaseException] = []

    def race(i: int) -> None:
        try:
            with maker() as session:
                barrier.wait()
                reg = register(session, content, f"/race/{i}.txt")
                entity_id = linking.create_entity(session, key_name, "person")
                session.commit()
                results.append((reg.file_id, entity_id))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=race, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    assert len({r[0] for r in results}) == 1
    assert len({r[1] for r in results}) == 1
    with maker() as session:
        sha = hashlib.sha256(content).hexdigest()
        assert session.scalar(select(func.count()).where(IngestedFile.sha256 == sha)) == 1
        assert session.scalar(select(func.count()).where(FileSighting.path.like("/race/%"))) >= 8
