"""Replay the story step over a database kept by ``link_eval.py --keep``, in memory, in seconds.

    .venv/bin/python eval/story_replay.py DATABASE_URL DATA_DIR [--holdout 1,8,19,28,33] [--seed 5]

Articles are taken in arrival order with their final (canonical) entity links; term and entity
document frequencies grow as they would have, and every live story is a candidate (the real run
looks candidates up through postings, so figures can differ slightly). It scores stories with
``worker.pipeline.link.stories`` as it is now, so a change there can be measured without rerunning
extraction. With ``--seed`` the articles are replayed in the order ``link_eval.py --seed`` would
have fed them (entity links stay those of the kept database), so one database replays every order.
With ``--canonical`` they are replayed in an order no arrival decides: dated articles first, longer
before shorter, the hash of the file name breaking ties (what a consolidation pass would see).
Confirm a kept change with a full ``link_eval.py`` run."""

from __future__ import annotations

import argparse
import csv
import hashlib
import random
import sys
from collections import Counter, defaultdict
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from eval.link_eval import bcubed
from worker.pipeline.link import stories
from worker.pipeline.link.story_consolidation import consolidate
from worker.storage.linking.story_consolidation import load_corpus


def load(database_url: str) -> tuple[list[dict], dict[int, list[tuple[int, int]]], set[int]]:
    engine = create_engine(database_url)
    with engine.connect() as conn:
        arts = [
            dict(r._mapping)
            for r in conn.execute(
                text(
                    "SELECT a.id, f.path, a.title, a.clean_text, a.published_date FROM articles a "
                    "JOIN ingested_files f ON f.id = a.file_id ORDER BY a.id"
                )
            )
        ]
        merged = dict(
            conn.execute(text("SELECT id, merged_into_id FROM entities WHERE merged_into_id IS NOT NULL")).all()
        )

        def canon(e: int) -> int:
            while e in merged:
                e = merged[e]
            return e

        people = {r[0] for r in conn.execute(text("SELECT id FROM entities WHERE type = 'person'"))}
        links: dict[int, list[tuple[int, int]]] = defaultdict(list)
        types = "('" + "','".join(sorted(stories.STORY_TYPES)) + "')"
        for aid, eid, n in conn.execute(
            text(f"SELECT article_id, entity_id, mention_count FROM entity_links WHERE entity_type IN {types}")
        ):
            links[aid].append((canon(eid), int(n or 1)))
    engine.dispose()
    return arts, links, people


def replay(arts: list[dict], links: dict[int, list[tuple[int, int]]], people: set[int]) -> dict[int, int]:
    term_df: Counter[int] = Counter()
    entity_df: Counter[int] = Counter()
    profiles: dict[int, stories.StoryProfile] = {}
    story_of: dict[int, int] = {}
    members: dict[int, list[int]] = defaultdict(list)
    for n, a in enumerate(arts, start=1):
        body = f"{a['title'] or ''}\n{a['clean_text']}"
        counts = stories.content_terms(body)
        term_df.update(counts.keys())
        per_entity: Counter[int] = Counter()
        for eid, m in links.get(a["id"], []):
            per_entity[eid] += m
        entity_df.update(per_entity.keys())
        weighted = [stories.WeightedEntity(e, m, entity_df[e]) for e, m in per_entity.items()]
        profile = stories.article_profile_of(
            body,
            a["published_date"],
            stories.top_entities(weighted, n),
            stories.term_vector(counts, term_df, n),
            frozenset(people & per_entity.keys()),
        )
        choice = stories.choose_story(profile, list(profiles.values()))
        sid = choice.story_id
        if sid is None:
            sid = a["id"]
            profiles[sid] = stories.StoryProfile(sid)
        stories.add_to_story(profiles[sid], profile)
        members[sid].append(a["id"])
        for other in choice.bridged:
            if other == sid or other not in profiles:
                continue
            stories.merge_into(profiles[sid], profiles.pop(other))
            members[sid].extend(members.pop(other))
    for sid, ids in members.items():
        for aid in ids:
            story_of[aid] = sid
    return story_of


def in_order(arts: list[dict], files: list[str], seed: int) -> list[dict]:
    """The articles in the order link_eval.py shuffles ``files`` (all of docs.tsv) into for ``seed``."""
    names = sorted(files)
    random.Random(seed).shuffle(names)
    rank = {name: i for i, name in enumerate(names)}
    return sorted(arts, key=lambda a: rank[Path(a["path"]).name])


def canonical(arts: list[dict]) -> list[dict]:
    """Dated articles first, then longer before shorter; ties by the hash of the file name."""

    def key(a: dict) -> tuple[bool, int, str]:
        name = Path(a["path"]).name.encode()
        return a["published_date"] is None, -len(a["clean_text"] or ""), hashlib.sha1(name).hexdigest()

    return sorted(arts, key=key)


def consolidated(database_url: str) -> dict[int, int]:
    """The stories ``worker.storage.linking.story_consolidation`` computes (nothing is written)."""
    engine = create_engine(database_url.replace("postgresql://", "postgresql+psycopg://", 1))
    with Session(engine) as session:
        corpus, _ = load_corpus(session)
    engine.dispose()
    return {a: n for n, story in enumerate(consolidate(corpus)) for a in story.article_ids}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("database_url")
    parser.add_argument("data_dir", type=Path)
    parser.add_argument("--holdout", default="")
    parser.add_argument("--seed", type=int, help="replay in link_eval.py's order for this seed")
    parser.add_argument("--canonical", action="store_true", help="replay dated first, longest first (no arrival order)")
    parser.add_argument(
        "--consolidate", action="store_true", help="what the worker's story consolidation would make of the database"
    )
    args = parser.parse_args()
    with (args.data_dir / "docs.tsv").open(encoding="utf-8") as fh:
        docs = {d["file"]: d for d in csv.DictReader(fh, delimiter="\t")}
    arts, links, people = load(args.database_url)
    if args.seed is not None:
        arts = in_order(arts, list(docs), args.seed)
    if args.canonical:
        arts = canonical(arts)
    story_of = consolidated(args.database_url) if args.consolidate else replay(arts, links, people)
    holdout = {t for t in args.holdout.split(",") if t}
    rows = [(docs[Path(a["path"]).name], story_of[a["id"]]) for a in arts]
    for label, keep in (("all", None), ("held-out", holdout), ("tuning", holdout)):
        if label != "all" and not holdout:
            continue
        items = [
            (d["file"], (sid, d["gold_story"]))
            for d, sid in rows
            if keep is None or (d["topic"] in keep) == (label == "held-out")
        ]
        p, r, f = bcubed([(g, sid) for _, (sid, g) in items])
        print(f"{label:9s} stories P/R/F1 {p:.3f}/{r:.3f}/{f:.3f}  {len({s for _, (s, _) in items})} stories")


if __name__ == "__main__":
    main()
