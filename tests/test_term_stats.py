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


def test_alias_counts_add_up_at_the_end_of_each_link_and_relinking_changes_nothing(db_session: Session) -> None:
    from worker.pipeline.extract import Entity, Mention
    from worker.storage.models import EntityAlias

    family = f"Varga{uuid.uuid4().hex[:6]}"
    full = f"Ilona {family}"

    def article(surfaces: list[str]) -> int:
        mentions = [Mention(i * 30, i * 30 + len(s), s) for i, s in enumerate(surfaces)]
        extraction = Extraction(quotes=[], entities=[Entity(name=full, type="person", mentions=mentions)])
        raw = f"Headline\n\nBody {uuid.uuid4()} with enough words to be an article.".encode()
        reg = register(db_session, raw, f"/aliases/{uuid.uuid4()}")
        article_id = articles.upsert_article(db_session, reg.file_id, parse_document(raw, "x.txt"))
        articles.replace_extraction(db_session, article_id, extraction)
        return article_id

    first, second = article([full, family, family]), article([full, family])
    for article_id in (first, second, first):  # the third: a redelivered task relinks
        linking.link_article(db_session, article_id)
    counts = dict(
        db_session.execute(
            select(EntityAlias.alias, EntityAlias.count).where(EntityAlias.alias.in_([full, family]))
        ).all()
    )
    assert counts == {full: 2, family: 3}
