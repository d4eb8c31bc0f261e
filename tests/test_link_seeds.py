"""link on the five seeds: one story, 000 and 001 share wire passages, their recurring quotes
form clusters, entities resolve across articles. (The corpus transaction holds the link lock
until this module ends, so tests that link in other sessions live in test_link.py.)"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import Session

from tests.conftest import SEED_FILES, register
from worker.pipeline.extract import extract_doc
from worker.pipeline.parse import parse_document
from worker.settings import sqlalchemy_url
from worker.storage import articles, linking
from worker.storage.models import Article, EntityLink, NearDuplicate, Quote
from worker.storage.models import Entity as EntityRow


def ingest(session: Session, nlp: Any, raw: bytes, name: str) -> int:
    reg = register(session, raw, f"/seeds/{name}")
    parsed = parse_document(raw, name)
    article_id = articles.upsert_article(session, reg.file_id, parsed)
    articles.replace_extraction(session, article_id, extract_doc(nlp(parsed.text)))
    linking.link_article(session, article_id)
    return article_id


@pytest.fixture(scope="module")
def corpus(database_url: str, nlp: Any) -> Iterator[tuple[Session, dict[str, int]]]:
    """The five seeds ingested once for this module, in a transaction rolled back at its end."""
    engine = create_engine(sqlalchemy_url(database_url))
    with engine.connect() as connection:
        transaction = connection.begin()
        session = Session(bind=connection, join_transaction_mode="create_savepoint")
        # a marker keeps the content distinct from any seed the e2e tests ingested in this database
        ids = {
            p.name[:3]: ingest(session, nlp, p.read_bytes() + f"\n\n{uuid.uuid4()}".encode(), p.name)
            for p in SEED_FILES
        }
        yield session, ids
        session.close()
        transaction.rollback()
    engine.dispose()


def test_seeds_are_one_story(corpus: tuple[Session, dict[str, int]]) -> None:
    db_session, seeded = corpus
    stories = {db_session.get(Article, a).story_id for a in seeded.values()}  # type: ignore[union-attr]
    assert len(stories) == 1 and None not in stories


def test_shared_wire_passages_are_flagged_as_near_duplicates(corpus: tuple[Session, dict[str, int]]) -> None:
    db_session, seeded = corpus
    pairs = db_session.execute(
        select(NearDuplicate.article_id, NearDuplicate.duplicate_of_id, NearDuplicate.similarity).where(
            # other tests may have committed copies of the seeds: look at pairs within this corpus
            NearDuplicate.article_id.in_(seeded.values()),
            NearDuplicate.duplicate_of_id.in_(seeded.values()),
        )
    ).all()
    found = {frozenset((a, b)): s for a, b, s in pairs}
    assert frozenset((seeded["000"], seeded["001"])) in found
    assert 0.4 <= found[frozenset((seeded["000"], seeded["001"]))] <= 0.8
    assert len(found) == 1, "different reports of one event are not copies"
    copy = next(a for a, _, _ in pairs)
    assert copy == seeded["001"], "the later article is the copy"


def _cluster_of(session: Session, article_id: int, fragment: str) -> int | None:
    return (
        session.execute(
            select(Quote.cluster_id).where(
                Quote.article_id == article_id, Quote.text.contains(fragment), Quote.kind.in_(linking.QUOTE_KINDS)
            )
        )
        .scalars()
        .first()
    )


@pytest.mark.parametrize(
    ("a", "b", "fragment_a", "fragment_b"),
    [
        ("000", "001", "They’re in the process of doing it", "They’re in the process of doing it"),
        ("000", "001", "sits right on the desk", "sits right on the desk"),
        ("002", "004", "steady and positive trajectory", "steady and positive trajectory"),
        ("002", "004", "crossed a red line", "crossed a red line that should not"),  # fragment
        ("002", "004", "contribute to peace", "conducive to peace"),  # translated differently
    ],
)
def test_recurring_quotes_share_a_cluster(
    corpus: tuple[Session, dict[str, int]], a: str, b: str, fragment_a: str, fragment_b: str
) -> None:
    db_session, seeded = corpus
    ca = _cluster_of(db_session, seeded[a], fragment_a)
    cb = _cluster_of(db_session, seeded[b], fragment_b)
    assert ca is not None and ca == cb


def test_different_statements_stay_apart(corpus: tuple[Session, dict[str, int]]) -> None:
    db_session, seeded = corpus
    assert _cluster_of(db_session, seeded["000"], "extremely strong") != _cluster_of(
        db_session, seeded["000"], "significant progress on both sides"
    )
    sizes = db_session.execute(
        select(Quote.cluster_id, func.count(func.distinct(Quote.article_id)))
        .where(Quote.article_id.in_(seeded.values()), Quote.cluster_id.is_not(None))
        .group_by(Quote.cluster_id)
    ).all()
    assert max(n for _, n in sizes) <= 3


def test_entities_link_across_articles(corpus: tuple[Session, dict[str, int]]) -> None:
    db_session, seeded = corpus
    rows = db_session.execute(
        select(EntityRow.name, func.count(func.distinct(EntityLink.article_id)))
        .join(EntityLink, EntityLink.entity_id == EntityRow.id)
        .where(EntityLink.article_id.in_(seeded.values()), EntityRow.type == "person")
        .group_by(EntityRow.name)
    ).all()
    by_name = dict(rows)
    people = "; ".join(f"{n}={c}" for n, c in by_name.items() if "Xi" in n or "Trump" in n)
    assert any("Xi" in n and c == 5 for n, c in by_name.items()), people
    assert any("Trump" in n and c == 5 for n, c in by_name.items()), by_name
    assert any("Lutnick" in n and c >= 3 for n, c in by_name.items()), by_name
