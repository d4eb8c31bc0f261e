"""The entities step: candidates, decisions (``worker.pipeline.link.entities``), rows, merges."""

from __future__ import annotations

import json

from sqlalchemy import text
from sqlalchemy.orm import Session

from worker.pipeline.link.entities import ArticleEntity, decide, same_person_in_article
from worker.pipeline.link.names import is_full_name, name_key
from worker.storage.linking.entity_candidates import find_candidates
from worker.storage.linking.entity_merges import absorb_one_word_names, absorb_retyped
from worker.storage.linking.entity_rows import add_aliases, create_entities, point_at_entities


def link_entities(session: Session, article_id: int, entities: list[ArticleEntity]) -> dict[tuple[str, str], int]:
    decisions = [decide(e, found) for e, found in zip(entities, find_candidates(session, entities), strict=True)]
    decisions = same_person_in_article(entities, decisions)
    fresh = [
        (e.name, e.type) for e, d in zip(entities, decisions, strict=True) if d.entity_id is None and d.same_as is None
    ]
    created = create_entities(session, fresh)
    owner = [entities[d.same_as] if d.same_as is not None else e for e, d in zip(entities, decisions, strict=True)]
    ids = [d.entity_id or created[(name_key(o.name), o.type)] for o, d in zip(owner, decisions, strict=True)]
    add_aliases(session, list(zip(ids, entities, strict=True)), late=True)
    if entities:
        session.execute(
            text(
                "INSERT INTO entity_links (article_id, article_entity, entity_type, entity_id, linked_entity_id, "
                "evidence, surfaces, mention_count) SELECT :article_id, n, t, e, e, v, CAST(s AS jsonb), c FROM "
                "unnest(CAST(:names AS text[]), CAST(:types AS text[]), CAST(:ids AS bigint[]), CAST(:evidence AS "
                "text[]), CAST(:surfaces AS text[]), CAST(:counts AS integer[])) AS x(n, t, e, v, s, c)"
            ),
            {
                "article_id": article_id,
                "names": [e.name for e in entities],
                "types": [e.type for e in entities],
                "ids": ids,
                "evidence": [d.evidence for d in decisions],
                "surfaces": [json.dumps(e.surfaces) for e in entities],
                "counts": [sum(e.surfaces.values()) for e in entities],
            },
        )
    point_at_entities(session, article_id, [(e.name, e.type, i) for e, i in zip(entities, ids, strict=True)])
    absorb_one_word_names(
        session, [i for e, i in zip(entities, ids, strict=True) if e.type == "person" and is_full_name(e.key)]
    )
    absorb_retyped(session, [i for e, i in zip(entities, ids, strict=True) if e.type == "person"])
    session.flush()
    return {(e.name, e.type): i for e, i in zip(entities, ids, strict=True)}
