"""Document frequencies (term_stats) are counted once per article, whether the link task counts
them in a transaction of its own first or the link counts them itself."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.conftest import register
from worker.pipeline.extract import Extraction
from worker.pipeline.link import stories
from worker.pipeline.parse import parse_document
from worker.storage import articles, linking
from worker.storage.models import TermStat


def _article(session: Session, words: list[str]) -> int:
    raw = f"Headline {words[0]}\n\nThe {' and the '.join(words)} were seen {uuid.uuid4().hex}.".encode()
    reg = register(session, raw, f"/terms/{uuid.uuid4()}")
    article_id = articles.upsert_article(session, reg.file_id, parse_document(raw, "x.txt"))
    articles.replace_extraction(session, article_id, Extraction(quotes=[], entities=[]))
    return article_id


def _frequency(session: Session, word: str) -> int | None:
    term = stories.term_id(word)
    return session.execute(select(TermStat.document_frequency).where(TermStat.term == term)).scalar_one_or_none()


def test_terms_are_counted_once_per_article(db_session: Session) -> None:
    word, other = f"zorvex{uuid.uuid4().hex[:6]}", f"quillan{uuid.uuid4().hex[:6]}"
    first = _article(db_session, [word, other])
    second = _article(db_session, [word])
    linking.count_terms(db_session, first)
    linking.count_terms(db_session, first)  # a redelivered link task: no second count
    linking.link_article(db_session, first)  # counted already: the link does not count again
    linking.link_article(db_session, second)  # not counted by the task: the link counts it
    linking.count_terms(db_session, second)
    assert (_frequency(db_session, word), _frequency(db_session, other)) == (2, 1)
