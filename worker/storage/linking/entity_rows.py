"""Entities step, writing: new entities, their aliases and counts, and the rows that point at them."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import Text, delete, select, text, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from worker.pipeline.link.entities import ArticleEntity
from worker.pipeline.link.names import is_full_name, name_key, surname
from worker.storage.linking.entity_candidates import canonical_id
from worker.storage.linking.queries import among
from worker.storage.models import Entity, EntityAlias, EntityLink, EntityMention, Quote

SPEAKER_TYPES = ("person", "organization", "group")
PENDING_ALIAS_COUNTS = "wirewatch.pending_alias_counts"  # Session.info key (see count_aliases)
ALIAS_COLUMNS = {"e": "entity_id", "a": "alias", "k": "alias_key", "s": "source"}


def create_entities(session: Session, names: list[tuple[str, str]]) -> dict[tuple[str, str], int]:
    """Insert the new entities in one statement; returns (key, type) -> canonical id."""
    wanted = {(name_key(name), etype): name for name, etype in names}
    if not wanted:
        return {}
    session.execute(
        text(
            "INSERT INTO entities (name, type, key) SELECT * FROM "
            "unnest(CAST(:names AS text[]), CAST(:types AS text[]), CAST(:keys AS text[])) "
            "ON CONFLICT (type, key) DO NOTHING"
        ),
        {"names": list(wanted.values()), "types": [t for _, t in wanted], "keys": [k for k, _ in wanted]},
    )
    rows = session.execute(
        select(Entity.id, Entity.key, Entity.type, Entity.merged_into_id).where(
            Entity.key == among({k for k, _ in wanted}, Text)
        )
    ).all()
    return {
        (r.key, r.type): canonical_id(session, r.id) if r.merged_into_id else r.id
        for r in rows
        if (r.key, r.type) in wanted
    }


def create_entity(session: Session, name: str, etype: str, external_id: str | None = None) -> int:
    key = name_key(name)
    session.execute(
        insert(Entity)
        .values(name=name, type=etype, key=key, external_id=external_id)
        .on_conflict_do_nothing(index_elements=["type", "key"])
    )
    entity_id = session.execute(select(Entity.id).where(Entity.type == etype, Entity.key == key)).scalar_one()
    return canonical_id(session, entity_id)


def add_aliases(
    session: Session, linked: list[tuple[int, ArticleEntity]], source: str = "text", late: bool = False
) -> None:
    """Every surface form, counted, in one upsert; full-name people also get their family
    name as a derived alias, so a later one-word mention finds them."""
    rows: dict[tuple[int, str], dict[str, object]] = {}

    def add(entity_id: int, alias: str, count: int, alias_source: str) -> None:
        row = rows.setdefault(
            (entity_id, alias),
            {"entity_id": entity_id, "alias": alias, "alias_key": name_key(alias), "count": 0, "source": alias_source},
        )
        row["count"] = int(str(row["count"])) + count

    for entity_id, entity in linked:
        for alias, count in {entity.name: 0, **entity.surfaces}.items():
            add(entity_id, alias, count, source)
        if entity.type == "person" and is_full_name(entity.key):
            family = surname(entity.key)
            words, n = entity.name.split(), len(str(family).split())  # "Lo Presti": two words
            spelled = [w for i in range(len(words) - n + 1) if name_key(w := " ".join(words[i : i + n])) == family]
            if spelled:  # a knowledge-base entry's family name is the user's word too
                add(entity_id, spelled[-1], 0, "kb" if source == "kb" else "derived")
    if rows:
        # new aliases now (later articles look names up by them); the counts of existing ones,
        # which only the API shows, at the end of the link: see count_aliases
        session.execute(
            text(
                "INSERT INTO entity_aliases (entity_id, alias, alias_key, count, source) SELECT e, a, k, 0, s FROM "
                "unnest(CAST(:e AS bigint[]), CAST(:a AS text[]), CAST(:k AS text[]), CAST(:s AS text[])) "
                "AS t(e, a, k, s) ON CONFLICT DO NOTHING"
            ),
            {key: [r[column] for r in rows.values()] for key, column in ALIAS_COLUMNS.items()},
        )
        pending: Counter[tuple[int, str]] = session.info.setdefault(PENDING_ALIAS_COUNTS, Counter())
        pending.update({k: int(str(r["count"])) for k, r in rows.items() if r["count"]})
        if not late:
            count_aliases(session)


def count_aliases(session: Session) -> None:
    """Add the surface counts add_aliases left pending. The alias of a name in most articles
    ("Trump") is a row every link updates, and a row lock lasts until commit: taken in
    add_aliases it made links take turns for the whole link (the most sampled lock wait with 4
    link processes, bench/README). Rows are locked in key order, so links never wait in a cycle."""
    pending: Counter[tuple[int, str]] = session.info.pop(PENDING_ALIAS_COUNTS, Counter())
    if not pending:
        return
    keys = sorted(pending)
    params = {"e": [k[0] for k in keys], "a": [k[1] for k in keys], "n": [pending[k] for k in keys]}
    rows = "unnest(CAST(:e AS bigint[]), CAST(:a AS text[]), CAST(:n AS integer[])) AS t(e, a, n)"
    session.execute(
        text(
            f"SELECT 1 FROM entity_aliases x JOIN {rows} ON x.entity_id = t.e AND x.alias = t.a "
            "ORDER BY x.entity_id, x.alias FOR NO KEY UPDATE OF x"
        ),
        params,
    )
    session.execute(
        text(
            f"UPDATE entity_aliases x SET count = x.count + t.n FROM {rows} WHERE x.entity_id = t.e AND x.alias = t.a"
        ),
        params,
    )


def point_at_entities(session: Session, article_id: int, links: list[tuple[str, str, int]]) -> None:
    """Mentions and quoted speakers follow their article entity to its corpus entity."""
    if not links:
        return
    names, etypes, ids = zip(*links, strict=True)
    session.execute(
        text(
            "UPDATE entity_mentions m SET entity_id = t.eid FROM "
            "unnest(CAST(:names AS text[]), CAST(:etypes AS text[]), CAST(:ids AS bigint[])) AS t(name, etype, eid) "
            "WHERE m.article_id = :article_id AND m.article_entity = t.name AND m.entity_type = t.etype"
        ),
        {"article_id": article_id, "names": list(names), "etypes": list(etypes), "ids": list(ids)},
    )
    speakers: dict[str, int] = {}
    for name, etype, entity_id in sorted(
        links, key=lambda link: SPEAKER_TYPES.index(link[1]) if link[1] in SPEAKER_TYPES else 9
    ):
        if etype in SPEAKER_TYPES:
            speakers.setdefault(name, entity_id)  # a name that is both a person and an org speaks as the person
    if speakers:
        session.execute(
            text(
                "UPDATE quotes q SET speaker_entity_id = t.eid FROM "
                "unnest(CAST(:names AS text[]), CAST(:ids AS bigint[])) AS t(name, eid) "
                "WHERE q.article_id = :article_id AND q.speaker_name = t.name"
            ),
            {"article_id": article_id, "names": list(speakers), "ids": list(speakers.values())},
        )


def point_at_entity(session: Session, article_id: int, name: str, etype: str, entity_id: int) -> None:
    session.execute(
        update(EntityMention)
        .where(
            EntityMention.article_id == article_id,
            EntityMention.article_entity == name,
            EntityMention.entity_type == etype,
        )
        .values(entity_id=entity_id)
    )
    if etype in SPEAKER_TYPES:
        session.execute(
            update(Quote)
            .where(Quote.article_id == article_id, Quote.speaker_name == name)
            .values(speaker_entity_id=entity_id)
        )


def unlink_entities(session: Session, article_id: int) -> None:
    """Undo this article's earlier contributions (counts, aliases), so relinking is idempotent."""
    links = session.execute(select(EntityLink).where(EntityLink.article_id == article_id)).scalars().all()
    if links:
        session.execute(
            update(Entity)
            .where(Entity.id.in_({link.entity_id for link in links}))
            .values(article_count=Entity.article_count - 1)
        )
    for link in links:
        for alias, count in link.surfaces.items():  # aliases stay with the entity first linked
            session.execute(
                update(EntityAlias)
                .where(EntityAlias.entity_id == link.linked_entity_id, EntityAlias.alias == alias)
                .values(count=EntityAlias.count - int(count))
            )
    session.execute(delete(EntityLink).where(EntityLink.article_id == article_id))
    session.flush()
