"""The change feed, followed as a consumer would: GET /changes after the last cursor, through
drops, a relink, an entity merge and its undoing, and writers committing out of order.
Runs in a database of its own, because the feed sees every committed change."""

from __future__ import annotations

import json
import random
import threading
import time
import uuid
from collections.abc import Iterator
from datetime import date
from typing import Any

import psycopg
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, text
from sqlalchemy.orm import Session, sessionmaker

from api.deps import get_session
from api.main import app
from tests.apidb import add_article, own_database
from worker.storage import articles, linking
from worker.storage.models import EntityMerge, Story
from worker.storage.models import Quote as QuoteRow

Change = tuple[str, str, int, str]  # cursor, kind, id, op


@pytest.fixture(scope="module")
def feed_db(database_url: str) -> Iterator[sessionmaker[Session]]:
    with own_database(database_url) as (_, maker):
        yield maker


@pytest.fixture(scope="module")
def client(feed_db: sessionmaker[Session]) -> Iterator[TestClient]:
    def session() -> Iterator[Session]:
        with feed_db() as s:
            yield s

    app.dependency_overrides[get_session] = session
    yield TestClient(app)
    app.dependency_overrides.pop(get_session)


class Consumer:
    """Follows /changes from the start, keeping every change it is given, in order."""

    def __init__(self, client: TestClient, limit: int = 7) -> None:
        self.client, self.limit = client, limit
        self.cursor = "0-0"
        self.seen: list[Change] = []

    def poll(self) -> int:
        got = 0
        while True:
            page = self.client.get("/changes", params={"after": self.cursor, "limit": self.limit}).json()
            self.seen += [(c["cursor"], c["kind"], c["id"], c["op"]) for c in page["items"]]
            got += len(page["items"])
            self.cursor = page["next"]
            if not page["has_more"]:
                return got

    def until(self, wanted: set[tuple[str, int, str]], since: int = 0, timeout: float = 120) -> None:
        """Poll until the wanted (kind, id, op) have arrived: a transaction elsewhere on the server
        can hold the feed back for a while, never make it skip."""
        deadline = time.monotonic() + timeout
        while not wanted <= self.kinds(since):
            assert time.monotonic() < deadline, f"never arrived: {wanted - self.kinds(since)}"
            self.poll()
            time.sleep(0.05)

    def kinds(self, since: int = 0) -> set[tuple[str, int, str]]:
        return {(kind, id_, op) for _, kind, id_, op in self.seen[since:]}


def all_changes(feed_db: sessionmaker[Session]) -> list[Change]:
    with feed_db() as s:
        rows = s.execute(text("SELECT xid::text AS xid, id, kind, object_id, op FROM changes ORDER BY xid, id"))
        return [(f"{r.xid}-{r.id}", r.kind, r.object_id, r.op) for r in rows]


def _quote_ids(session: Session, article_id: int) -> list[int]:
    return list(session.execute(select(QuoteRow.id).where(QuoteRow.article_id == article_id)).scalars())


def test_a_consumer_follows_a_drop_a_relink_a_merge_and_an_unmerge(
    feed_db: sessionmaker[Session], client: TestClient
) -> None:
    consumer = Consumer(client)
    family = f"Quillon{uuid.uuid4().hex[:5]}"
    with feed_db() as s:  # drop: an article quoting a surname only
        company = (f"Lantern Harbor Board {family}", f"Ostrava Ferry Union {family}")  # shared context
        first, extraction = add_article(s, family, "we will not back down on the steel tariffs", company=company)
        linking.link_article(s, first)
        s.commit()
        (quote,) = _quote_ids(s, first)
        lone = s.execute(text("SELECT id FROM entities WHERE name = :n"), {"n": family}).scalar_one()
        story = s.execute(text("SELECT story_id FROM articles WHERE id = :a"), {"a": first}).scalar_one()
    consumer.until({("article", first, "insert"), ("quote", quote, "insert"), ("entity", lone, "insert")})
    consumer.until({("story", story, "insert")})

    with feed_db() as s:  # relink: extract and link run again, quotes are replaced
        articles.replace_extraction(s, first, extraction)
        linking.link_article(s, first)
        s.commit()
        (requote,) = _quote_ids(s, first)
    consumer.until({("quote", quote, "delete"), ("quote", requote, "insert")})

    with feed_db() as s:  # the full name arrives: the surname-only entity is merged into it
        second, _ = add_article(s, f"Mara {family}", "the steel tariffs stay until the talks end", company=company)
        linking.link_article(s, second)
        s.commit()
        merge = s.execute(select(EntityMerge).where(EntityMerge.from_entity_id == lone)).scalar_one()
        speaker = s.execute(select(QuoteRow.speaker_entity_id).where(QuoteRow.id == requote)).scalar_one()
    assert speaker == merge.into_entity_id, "the first article's quote now speaks for the full name"
    consumer.until({("article", second, "insert"), ("entity", lone, "update"), ("quote", requote, "update")})
    assert consumer.client.get(f"/entities/{lone}").json()["merged_into_id"] == merge.into_entity_id

    before_unmerge = len(consumer.seen)
    with feed_db() as s:
        linking.unmerge(s, merge.id)
        s.commit()
    consumer.until({("entity", lone, "update"), ("quote", requote, "update")}, since=before_unmerge)

    consumer.poll()
    assert consumer.seen == all_changes(feed_db), "every change exactly once, in feed order"
    assert len({c[0] for c in consumer.seen}) == len(consumer.seen)


def _story(session: Session, title: str) -> int:
    story = Story(title=title, first_date=date(2026, 3, 2), last_date=date(2026, 3, 2), article_count=1)
    session.add(story)
    session.flush()
    return story.id


def test_no_change_is_missed_when_transactions_commit_out_of_order(
    feed_db: sessionmaker[Session], client: TestClient
) -> None:
    consumer = Consumer(client, limit=5)
    consumer.poll()
    start = len(consumer.seen)
    late = feed_db()
    late_story = _story(late, "opened first, committed last")  # its change row gets the lower id
    late_id = late.execute(
        text("SELECT id FROM changes WHERE kind = 'story' AND object_id = :i"), {"i": late_story}
    ).scalar_one()

    stop = threading.Event()
    written: list[int] = []

    def writer(seed: int) -> None:
        rng = random.Random(seed)
        for n in range(12):
            with feed_db() as s:
                story_id = _story(s, f"writer {seed} story {n}")
                s.execute(text("UPDATE stories SET article_count = article_count + 1 WHERE id = :i"), {"i": story_id})
                time.sleep(rng.random() * 0.02)  # hold the transaction open a little, so commits interleave
                s.commit()
                written.append(story_id)

    threads = [threading.Thread(target=writer, args=(seed,)) for seed in range(4)]
    for thread in threads:
        thread.start()

    def follow() -> None:
        while not stop.is_set():
            consumer.poll()
            time.sleep(0.01)

    follower = threading.Thread(target=follow)
    follower.start()
    for thread in threads:
        thread.join()
    with feed_db() as s:
        committed_above = s.execute(text("SELECT count(*) FROM changes WHERE id > :i"), {"i": late_id}).scalar_one()
    assert committed_above >= 48, "later transactions committed changes with higher ids before the late one"
    late.commit()
    late.close()
    stop.set()
    follower.join()
    consumer.until({("story", late_story, "insert"), *(("story", i, "insert") for i in written)})
    consumer.poll()

    ours = consumer.seen[start:]
    assert ours == all_changes(feed_db)[start:], "every change exactly once, in feed order"
    assert [c for c in ours if c[1:3] == ("story", late_story)] == [(ours[0][0], "story", late_story, "insert")]
    assert {("story", i, "insert") for i in written} <= consumer.kinds()
    assert len(written) == 48


def test_listen_wakes_a_consumer_on_commit(feed_db: sessionmaker[Session]) -> None:
    dsn = feed_db.kw["bind"].url.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(dsn, autocommit=True) as listener:
        listener.execute("LISTEN wirewatch_changes")
        with feed_db() as s:
            story_id = _story(s, "pushed")
            s.commit()
        payloads: list[dict[str, Any]] = []
        for note in listener.notifies(timeout=10, stop_after=1):
            payloads.append(json.loads(note.payload))
    assert payloads == [{"kind": "story", "id": story_id, "op": "insert"}]


def test_a_consumer_can_start_from_now(feed_db: sessionmaker[Session], client: TestClient) -> None:
    head = client.get("/changes", params={"after": "now"}).json()
    assert head["items"] == [] and not head["has_more"]
    with feed_db() as s:
        story_id = _story(s, "after now")
        s.commit()
    consumer = Consumer(client)
    consumer.cursor = head["next"]
    consumer.until({("story", story_id, "insert")})

    def position(cursor: str) -> tuple[int, int]:
        xid, change_id = cursor.split("-")
        return int(xid), int(change_id)

    # 'now' is the horizon: changes committed but still held back by an older transaction on the
    # server come after it too; nothing at or below it does
    assert all(position(c[0]) > position(head["next"]) for c in consumer.seen)
    assert [c[1:] for c in consumer.seen].count(("story", story_id, "insert")) == 1
