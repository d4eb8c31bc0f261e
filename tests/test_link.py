"""link on the database: merges and splits, shared surnames, parallel workers."""

from __future__ import annotations

import os
import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.conftest import register, run_at_once
from worker.pipeline.extract import Entity, Extraction, Mention, Quote
from worker.pipeline.parse import parse_document
from worker.storage import articles, linking
from worker.storage.models import Article, EntityLink, EntityMerge, QuoteCluster, Story
from worker.storage.models import Entity as EntityRow
from worker.storage.models import Quote as QuoteRow


def _extraction(name: str, surfaces: list[str], company: tuple[str, ...] = ()) -> Extraction:
    """One person, and the organizations named around it (the company it keeps)."""
    mentions, pos = [], 0
    for s in surfaces:
        mentions.append(Mention(pos, pos + len(s), s))
        pos += len(s) + 1
    entities = [Entity(name=name, type="person", mentions=mentions)]
    for org in company:
        entities.append(Entity(name=org, type="organization", mentions=[Mention(pos, pos + len(org), org)]))
        pos += len(org) + 1
    return Extraction(quotes=[], entities=entities)


def _article_with(session: Session, extraction: Extraction, body: str = "") -> int:
    body = body or f"Body {uuid.uuid4()} with enough words to be an article of its own."
    raw = f"Headline\n\n{body}".encode()
    reg = register(session, raw, f"/x/{uuid.uuid4()}")
    article_id = articles.upsert_article(session, reg.file_id, parse_document(raw, "x.txt"))
    articles.replace_extraction(session, article_id, extraction)
    return article_id


def test_surname_only_entity_merges_into_a_full_name_and_splits_back(db_session: Session) -> None:
    family = f"Quorvath{uuid.uuid4().hex[:6]}"
    company = (f"Lantern Harbor Board {family}", f"Ostrava Ferry Union {family}")
    first = _article_with(db_session, _extraction(family, [family, family], company))
    linking.link_article(db_session, first)
    lone = db_session.execute(select(EntityRow).where(EntityRow.name == family)).scalar_one()
    second = _article_with(db_session, _extraction(f"Mara {family}", [f"Mara {family}", family], company))
    linking.link_article(db_session, second)
    full = db_session.execute(select(EntityRow).where(EntityRow.name == f"Mara {family}")).scalar_one()
    db_session.refresh(lone)
    assert lone.merged_into_id == full.id
    first_links = (
        db_session.execute(
            select(EntityLink.entity_id).where(EntityLink.article_id == first, EntityLink.entity_type == "person")
        )
        .scalars()
        .all()
    )
    assert first_links == [full.id], "mentions follow the merge"
    merge = db_session.execute(select(EntityMerge).where(EntityMerge.from_entity_id == lone.id)).scalar_one()
    linking.unmerge(db_session, merge.id)
    db_session.refresh(lone)
    assert lone.merged_into_id is None
    first_links = (
        db_session.execute(
            select(EntityLink.entity_id).where(EntityLink.article_id == first, EntityLink.entity_type == "person")
        )
        .scalars()
        .all()
    )
    assert first_links == [lone.id], "a split restores the original links"


def test_a_surname_in_other_company_stays_apart(db_session: Session) -> None:
    """'Bush' in a text about a ranch and a war is not the running back named in football texts."""
    family = f"Bushel{uuid.uuid4().hex[:6]}"
    football = (f"Saints {family}", f"Superdome {family}")
    politics = (f"White House {family}", f"Crawford Ranch {family}")
    athlete = _article_with(db_session, _extraction(f"Reggie {family}", [f"Reggie {family}"], football))
    linking.link_article(db_session, athlete)
    alone = _article_with(db_session, _extraction(family, [family], politics))
    linking.link_article(db_session, alone)
    sport = _article_with(db_session, _extraction(family, [family], football))
    linking.link_article(db_session, sport)
    full = db_session.execute(select(EntityRow).where(EntityRow.name == f"Reggie {family}")).scalar_one()
    person = EntityLink.entity_type == "person"
    linked = dict(
        db_session.execute(
            select(EntityLink.article_id, EntityLink.entity_id).where(EntityLink.article_id.in_([alone, sport]), person)
        ).all()
    )
    assert linked[sport] == full.id and linked[alone] != full.id


def test_a_family_name_with_a_particle_finds_the_full_name(db_session: Session) -> None:
    family = f"Lo Vecchio{uuid.uuid4().hex[:6]}"
    company = (f"Palermo Court {family}", f"Cosa Nostra Commission {family}")
    full = _article_with(db_session, _extraction(f"Gaetano {family}", [f"Gaetano {family}"], company))
    linking.link_article(db_session, full)
    short = _article_with(db_session, _extraction(family, [family], company))
    linking.link_article(db_session, short)
    person = EntityLink.entity_type == "person"
    linked = dict(
        db_session.execute(
            select(EntityLink.article_id, EntityLink.entity_id).where(EntityLink.article_id.in_([full, short]), person)
        ).all()
    )
    assert linked[short] == linked[full]


def test_two_people_sharing_a_surname_are_not_merged(db_session: Session) -> None:
    family = f"Vendrell{uuid.uuid4().hex[:6]}"
    a = _article_with(db_session, _extraction(f"Ana {family}", [f"Ana {family}"]))
    b = _article_with(db_session, _extraction(f"Luis {family}", [f"Luis {family}"]))
    linking.link_article(db_session, a)
    linking.link_article(db_session, b)
    names = db_session.execute(select(EntityRow.name).where(EntityRow.key.contains(family.lower()))).scalars().all()
    assert sorted(names) == sorted([f"Ana {family}", f"Luis {family}"])


def _link_in_process(database_url: str, article_id: int, start: Any) -> None:
    os.environ["DATABASE_URL"] = database_url
    from worker.storage.db import get_sessionmaker

    start.wait()
    with get_sessionmaker(database_url)() as session:
        linking.link_article(session, article_id)
        session.commit()


def test_parallel_workers_link_one_name_to_one_entity(database_url: str) -> None:
    from worker.storage.db import get_sessionmaker

    # committed rows: unique names, so no other test sees a second person called Xi
    family = f"Xi{uuid.uuid4().hex[:6]}"
    name = f"Jinping {family}"
    with get_sessionmaker()() as session:
        ids = [_article_with(session, _extraction(name, [name, f"Mr. {family}"])) for _ in range(4)]
        session.commit()
    run_at_once([(_link_in_process, (database_url, i)) for i in ids], timeout=60)
    with get_sessionmaker()() as session:
        entities = session.execute(select(EntityRow).where(EntityRow.name == name)).scalars().all()
        assert len(entities) == 1 and entities[0].article_count == 4
        linked = session.execute(select(EntityLink.entity_id).where(EntityLink.article_id.in_(ids))).scalars().all()
        assert linked == [entities[0].id] * 4


def _story_article(session: Session, tag: str, person: str) -> int:
    """One article of a story: a person (full name, or the family name alone), an organization,
    a place, and the same quote."""
    said = f"We will finish the {tag} bridge before the winter floods reach the valley"
    names = [(person, "person"), (f"Orvanta{tag} Holdings", "organization"), (f"Port Zelmar{tag}", "place")]
    entities = [
        Entity(name=n, type=t, mentions=[Mention(10 * i, 10 * i + len(n), n)]) for i, (n, t) in enumerate(names)
    ]
    quote = Quote(text=said, start=100, end=100 + len(said), kind="direct", speaker=person)
    body = " ".join(uuid.uuid4().hex for _ in range(40))  # no near-copy of any other article
    return _article_with(session, Extraction(quotes=[quote], entities=entities), body)


def _link_many_in_process(database_url: str, article_ids: list[int], start: Any) -> None:
    for article_id in article_ids:
        _link_in_process(database_url, article_id, start)


def test_four_processes_link_one_story_without_duplicates(database_url: str) -> None:
    """Eight articles of one new story, linked by four processes at once: one entity per name
    (the family name alone included), one quote cluster, one story."""
    from worker.storage.db import get_sessionmaker

    tag = uuid.uuid4().hex[:6]
    full, family = f"Teodor Brask{tag}", f"Brask{tag}"
    with get_sessionmaker()() as session:
        ids = [_story_article(session, tag, family if i == 3 else full) for i in range(8)]
        session.commit()
    run_at_once([(_link_many_in_process, (database_url, ids[i::4])) for i in range(4)], timeout=120)
    with get_sessionmaker()() as session:
        canonical = session.execute(
            select(EntityRow.name).where(EntityRow.key.contains(tag), EntityRow.merged_into_id.is_(None))
        ).scalars()
        assert sorted(canonical) == sorted([full, f"Orvanta{tag} Holdings", f"Port Zelmar{tag}"])
        linked = session.execute(
            select(EntityLink.article_id, EntityLink.entity_id).where(EntityLink.article_id.in_(ids))
        ).all()
        assert len({entity_id for _, entity_id in linked}) == 3, "every article points at the canonical entities"
        clusters = (
            session.execute(select(QuoteRow.cluster_id).where(QuoteRow.article_id.in_(ids)).distinct()).scalars().all()
        )
        assert len(clusters) == 1 and clusters[0] is not None
        assert session.get(QuoteCluster, clusters[0]) is not None
        stories = session.execute(select(Article.story_id).where(Article.id.in_(ids)).distinct()).scalars().all()
        assert len(stories) == 1 and stories[0] is not None
        story = session.get(Story, stories[0])
        members = session.execute(select(Article.id).where(Article.story_id == stories[0])).scalars().all()
        assert story is not None and (story.article_count, sorted(members)) == (8, sorted(ids))


def test_knowledge_base_seeds_and_steers_linking(db_session: Session) -> None:
    tag = uuid.uuid4().hex[:6]
    name, nickname = f"Ulla Brennik{tag}", f"The Iron Chancellor{tag}"
    linking.load_knowledge_base(
        db_session, [linking.KnownEntity(name=name, type="person", aliases=(nickname,), external_id="Q4242")]
    )
    by_alias = _article_with(db_session, _extraction(nickname, [nickname]))
    by_surname = _article_with(db_session, _extraction(f"Brennik{tag}", [f"Brennik{tag}"]))
    linking.link_article(db_session, by_alias)
    linking.link_article(db_session, by_surname)
    kb_entity = db_session.execute(select(EntityRow).where(EntityRow.name == name)).scalar_one()
    assert kb_entity.external_id == "Q4242"
    links = db_session.execute(
        select(EntityLink.entity_id, EntityLink.evidence).where(EntityLink.article_id.in_([by_alias, by_surname]))
    ).all()
    assert [entity_id for entity_id, _ in links] == [kb_entity.id, kb_entity.id], links
    assert "knowledge-base alias" in links[0].evidence or "knowledge-base alias" in links[1].evidence


def test_family_name_first_is_absorbed_too(db_session: Session) -> None:
    """'Xi' seen alone first, 'Xi Jinping' (family name first) later: one person."""
    family = f"Xi{uuid.uuid4().hex[:6]}"
    company = (f"Politburo {family}", f"Zhongnanhai {family}")
    first = _article_with(db_session, _extraction(family, [family], company))
    linking.link_article(db_session, first)
    second = _article_with(db_session, _extraction(f"{family} Jinping", [f"{family} Jinping", family], company))
    linking.link_article(db_session, second)
    lone = db_session.execute(select(EntityRow).where(EntityRow.name == family)).scalar_one()
    full = db_session.execute(select(EntityRow).where(EntityRow.name == f"{family} Jinping")).scalar_one()
    assert lone.merged_into_id == full.id
    third = _article_with(db_session, _extraction(family, [family], company))
    linking.link_article(db_session, third)
    assert (
        db_session.execute(
            select(EntityLink.entity_id).where(EntityLink.article_id == third, EntityLink.entity_type == "person")
        ).scalar_one()
        == full.id
    )
