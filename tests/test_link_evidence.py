"""link on the database: undated stories, story merges and their undoing, headline entities,
one person under several types. Hand-made articles."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.conftest import letter_tag, register
from worker.pipeline.extract import Entity, Extraction, Mention, extract_doc
from worker.pipeline.link import story_figures
from worker.pipeline.parse import parse_document
from worker.storage import articles, linking
from worker.storage.models import Article, EntityAlias, EntityLink, EntityMention, Story, StoryMerge
from worker.storage.models import Entity as EntityRow


def _article(session: Session, raw: str, extraction: Extraction | None = None) -> Article:
    reg = register(session, raw.encode(), f"/x/{uuid.uuid4()}")
    article_id = articles.upsert_article(session, reg.file_id, parse_document(raw.encode(), "x.txt"))
    articles.replace_extraction(session, article_id, extraction or Extraction([], []))
    article = session.get(Article, article_id)
    assert article is not None
    return article


def _text(tag: str, body: str) -> str:
    return f"Flooding in Quellmoor {tag}\n\n{body}\n\nRiver levels near Quellmoor {tag} kept rising overnight."


def test_an_undated_article_starts_an_undated_story(db_session: Session) -> None:
    tag = letter_tag(8)
    article = _article(db_session, _text(tag, "Residents of Quellmoor were told to leave their homes."))
    assert article.published_date is None
    linking.link_article(db_session, article.id)
    story = db_session.get(Story, article.story_id)
    assert story is not None and story.first_date is None and story.last_date is None  # not the arrival day


def test_a_bridging_article_merges_two_stories_and_the_merge_can_be_undone(db_session: Session) -> None:
    tag = letter_tag(8)
    words = [f"w{tag}{i}" for i in range(12)]  # words no other test uses
    first = _article(db_session, f"Report {tag}\n\n" + " ".join(words[:6] * 3))
    second = _article(db_session, f"Notice {tag}x\n\n" + " ".join(words[6:] * 3))
    linking.link_article(db_session, first.id)
    linking.link_article(db_session, second.id)
    assert first.story_id != second.story_id
    bridge = _article(db_session, f"Summary {tag}y\n\n" + " ".join(words * 3))
    linking.link_article(db_session, bridge.id)
    db_session.refresh(first)
    db_session.refresh(second)
    assert first.story_id == second.story_id == bridge.story_id
    merge = db_session.execute(select(StoryMerge).where(StoryMerge.into_story_id == bridge.story_id)).scalar_one()
    linking.unmerge_story(db_session, merge.id)
    db_session.refresh(first)
    db_session.refresh(second)
    assert first.story_id != second.story_id
    moved_back = db_session.get(Story, merge.from_story_id)
    assert moved_back is not None and moved_back.merged_into_id is None and moved_back.article_count == 1


def test_a_story_s_figures_are_stored_apart_from_its_words(db_session: Session) -> None:
    tag = letter_tag(8)
    article = _article(db_session, _text(tag, "A 5.6 magnitude quake injured 12 people in Quellmoor."))
    linking.link_article(db_session, article.id)
    assert article.story_id is not None
    (story,) = linking.load_story_profiles(db_session, [article.story_id])
    assert story.figure_articles == 1
    figures = {story_figures.figure_marker("5.6"): 1, story_figures.figure_marker("12"): 1}
    measures = {story_figures.measure_marker("5.6"): 1, story_figures.ANY_MEASURE: 1}  # its stated magnitude
    tolls = {story_figures.toll_marker("12"): 1, story_figures.ANY_TOLL: 1}  # its stated toll
    assert story.figures == figures | measures | tolls
    assert story.terms and all(t >= 0 for t in story.terms)  # the word vector holds no figure marker


def test_headline_names_are_extracted_and_linked(db_session: Session, nlp) -> None:  # type: ignore[no-untyped-def]
    tag = letter_tag(4)  # letters: still a name
    raw = f"Orla Venn{tag} checks into clinic\n\nThe actress Orla Venn{tag} entered a clinic in Palm Desert on Friday."
    reg = register(db_session, raw.encode(), f"/x/{uuid.uuid4()}")
    parsed = parse_document(raw.encode(), "x.txt")
    article_id = articles.upsert_article(db_session, reg.file_id, parsed)
    extraction = extract_doc(nlp(parsed.text), nlp(parsed.title or ""))
    articles.replace_extraction(db_session, article_id, extraction)
    linking.link_article(db_session, article_id)
    rows = db_session.execute(
        select(EntityMention.in_title, EntityMention.start, EntityMention.end, EntityMention.entity_id).where(
            EntityMention.article_id == article_id, EntityMention.text == f"Orla Venn{tag}"
        )
    ).all()
    in_title = [r for r in rows if r.in_title]
    assert in_title and in_title[0].start == 0 and parsed.title is not None
    assert parsed.title[in_title[0].start : in_title[0].end] == f"Orla Venn{tag}"  # offsets into the title
    assert len({r.entity_id for r in rows}) == 1 and rows[0].entity_id is not None


def test_a_person_typed_organization_elsewhere_is_one_person(db_session: Session) -> None:
    name = f"Tamsin Okoro{uuid.uuid4().hex[:6]}"

    def one(etype: str) -> Extraction:
        return Extraction([], [Entity(name=name, type=etype, mentions=[Mention(0, len(name), name)])])

    mistyped = _article(db_session, f"A {name}\n\nText one about {name}.", one("organization"))
    linking.link_article(db_session, mistyped.id)
    person = _article(db_session, f"B {name}\n\nText two about {name}.", one("person"))
    linking.link_article(db_session, person.id)
    later = _article(db_session, f"C {name}\n\nText three about {name}.", one("place"))
    linking.link_article(db_session, later.id)
    linked = db_session.execute(
        select(EntityLink.entity_id).where(EntityLink.article_id.in_([mistyped.id, person.id, later.id]))
    ).scalars()
    people = db_session.execute(select(EntityRow.id).where(EntityRow.type == "person", EntityRow.name == name))
    assert set(linked) == {people.scalar_one()}


def test_an_epithet_points_at_the_person_but_is_no_alias(db_session: Session) -> None:
    name = f"Dana Orvek{uuid.uuid4().hex[:6]}"
    body = f"{name} lost. The American never recovered."
    at = body.index("American")
    person = Entity(
        name=name,
        type="person",
        mentions=[Mention(0, len(name), name), Mention(at, at + 8, "American", {"epithet": "demonym"})],
    )
    article = _article(db_session, f"Fight {name}\n\n{body}", Extraction([], [person]))
    linking.link_article(db_session, article.id)
    ids = db_session.execute(
        select(EntityMention.text, EntityMention.entity_id).where(EntityMention.article_id == article.id)
    ).all()
    assert len({entity_id for _, entity_id in ids}) == 1 and ids[0].entity_id is not None
    aliases = db_session.execute(select(EntityAlias.alias).where(EntityAlias.entity_id == ids[0].entity_id))
    assert "American" not in set(aliases.scalars())
