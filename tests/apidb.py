"""A database of its own for tests that must commit (the change feed, a served API), and
articles written the way the pipeline writes them."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from tests.conftest import register
from worker.embedded import create_database
from worker.pipeline.extract import Entity, Extraction, Mention, Quote
from worker.pipeline.parse import parse_document
from worker.settings import sqlalchemy_url
from worker.storage import articles
from worker.storage.migrate import upgrade_to_head


@contextmanager
def own_database(database_url: str) -> Iterator[tuple[str, sessionmaker[Session]]]:
    """A new, migrated database next to the test run's; dropped afterwards."""
    name = f"wirewatch_own_{uuid.uuid4().hex[:8]}"
    url = make_url(sqlalchemy_url(database_url))
    admin = url.set(drivername="postgresql").render_as_string(hide_password=False)
    create_database(admin, name)
    own_url = url.set(database=name).render_as_string(hide_password=False)
    upgrade_to_head(own_url)
    engine = create_engine(own_url, pool_size=10)
    try:
        yield own_url, sessionmaker(engine, expire_on_commit=False)
    finally:
        engine.dispose()
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def add_article(
    session: Session, speaker: str, words: str, header: str = "", body: str = "", company: tuple[str, ...] = ()
) -> tuple[int, Extraction]:
    """An article whose ``speaker`` said ``words`` (a direct quote with cue 'said'), stored with
    its extraction as the parse and extract stages store theirs; ``header`` lines go first;
    ``company``: organizations named in it (the context a bare surname is linked on)."""
    named = " ".join(f"{org} met." for org in company)
    text = f"{body} {named} {speaker} said “{words}” on Monday. {speaker} repeated it. Ref {uuid.uuid4().hex}."
    raw = f"{header}Headline {uuid.uuid4().hex[:6]}\n\n{text}".encode()
    reg = register(session, raw, f"/own/{uuid.uuid4()}.txt")
    parsed = parse_document(raw, "x.txt")
    article_id = articles.upsert_article(session, reg.file_id, parsed)
    start = parsed.text.index(words)
    at = parsed.text.index(speaker)
    organizations = [
        Entity(org, "organization", [Mention(i, i + len(org), org)])
        for org in company
        for i in [parsed.text.index(org)]
    ]
    extraction = Extraction(
        quotes=[Quote(words, start, start + len(words), "direct", speaker=speaker, cue="said")],
        entities=[Entity(speaker, "person", [Mention(at, at + len(speaker), speaker)]), *organizations],
    )
    articles.replace_extraction(session, article_id, extraction)
    return article_id, extraction
