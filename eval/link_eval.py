"""How well does linking build stories and people across a corpus? B-cubed on ECB+.

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python eval/link_eval.py DATA_DIR [--topics 1,3,4] [--holdout 1,3] [--order shuffled|sorted]

DATA_DIR is the ECB+ folder (``docs.tsv``, ``mentions.jsonl``, ``text/``), read in place, never
copied. The script creates a throwaway database on the DATABASE_URL server, migrates it, and sends
every article through the real pipeline: each file is registered as the watcher would, then the
Celery tasks parse -> extract -> link run in-process (eager mode: the same task code, one file at
a time, in a fixed pseudo-random arrival order). It prints:

- stories: B-cubed precision/recall/F1 of ``articles.story_id`` against ``gold_story``;
- people: every gold ``HUMAN_PART_PER`` mention that holds a name (a capitalized word that is not a
  pronoun or determiner) is matched by offsets to our entity mentions (headline mentions to the
  mentions found in the title). The share matched to a linked entity is "linked"; B-cubed of the
  canonical entity against the cross-document chain is computed over the matched mentions of such chains.

The story figures are printed twice: as the online step left them in the arrival order, and after
the story consolidation (``worker.storage.linking.story_consolidation``) that the service runs once
the pipeline is quiet (``--no-consolidate``: only the first).

Gold offsets point into the text file; the parse stage makes the clean text (headline and date
line out, whitespace normalized), so each paragraph of the file is located in the clean text by
string search and offsets are shifted by paragraph. ``--holdout`` prints the figures of some
topics separately (to check that what was tuned on the others generalises).
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import os
import random
import re
import sys
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Hashable, Iterable
from pathlib import Path

import psycopg
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

NOT_NAMES = frozenset(
    {"he", "she", "they", "it", "we", "i", "you", "the", "a", "an", "this", "that", "these", "those", "who"}
    | {"which", "his", "her", "their", "our", "its", "some", "many", "most", "both", "all", "one", "other"}
    | {"him", "them", "us", "me", "himself", "herself", "themselves", "my", "your", "mr", "mrs", "ms", "dr"}
)
_CAP = re.compile(r"[A-Z][\w’'.-]*")


def is_named(text: str, sentence_initial: bool, lowercase_words: set[str]) -> bool:
    """A capitalized word that is no pronoun or determiner, and either not the first word of its
    sentence or never written in lowercase in the corpus ("Lawyer ..." at a sentence start is not a name).
    A word in capitals throughout says no more than one at a sentence start ("A MAN has been charged",
    "THREE PEOPLE HAVE DIED"): a name only if never written in lowercase."""
    for n, w in enumerate(_CAP.findall(text)):
        word = re.sub(r"(['’]s|['’])$", "", w).strip(".")
        if word.casefold() in NOT_NAMES:
            continue
        shouting = len(word) > 1 and word.isupper()
        if (n and not shouting) or not (sentence_initial or shouting) or word.casefold() not in lowercase_words:
            return True
    return False


def sentence_initial(raw: str, start: int) -> bool:
    """At a sentence start, or in the headline (the first line, often in title case)."""
    if "\n" not in raw[:start]:
        return True
    before = raw[:start].rstrip(" \t\"'“‘(")
    return not before or before[-1] in "\n.!?:"


def bcubed(items: Iterable[tuple[Hashable, Hashable]]) -> tuple[float, float, float]:
    """B-cubed precision, recall, F1 of (gold cluster, system cluster) pairs, one per item."""
    pairs = list(items)
    if not pairs:
        return 0.0, 0.0, 0.0
    gold: dict[Hashable, int] = defaultdict(int)
    system: dict[Hashable, int] = defaultdict(int)
    both: dict[tuple[Hashable, Hashable], int] = defaultdict(int)
    for g, s in pairs:
        gold[g] += 1
        system[s] += 1
        both[(g, s)] += 1
    p = sum(both[(g, s)] / system[s] for g, s in pairs) / len(pairs)
    r = sum(both[(g, s)] / gold[g] for g, s in pairs) / len(pairs)
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def fresh_database(server_url: str) -> str:
    url = make_url(server_url.replace("postgresql+psycopg://", "postgresql://"))
    name = f"wirewatch_linkeval_{uuid.uuid4().hex[:8]}"
    admin = url.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return url.set(database=name).render_as_string(hide_password=False)


def drop_database(database_url: str) -> None:
    url = make_url(database_url)
    admin = url.set(database="postgres").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)')


def run_pipeline(data_dir: Path, names: list[str]) -> dict[str, int]:
    """Register and process every file; returns file name -> article id."""
    from worker import tasks
    from worker.celery_app import app
    from worker.logs import configure_logging
    from worker.storage import files
    from worker.storage.db import session_scope

    configure_logging("json", "WARNING")
    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True
    ids: dict[str, int] = {}
    for n, name in enumerate(names):
        raw = (data_dir / "text" / name).read_bytes()
        with session_scope() as session:
            reg = files.register_file(
                session,
                path=str(data_dir / "text" / name),
                sha256=hashlib.sha256(raw).hexdigest(),
                content=raw,
                size=len(raw),
                mtime_ns=n,
            )
            session.commit()
        tasks.parse(reg.file_id)  # queues extract, which queues link: eager, so all run now
        ids[name] = reg.file_id
        if (n + 1) % 100 == 0:
            print(f"  {n + 1} articles", file=sys.stderr)
    return ids


def paragraph_shifts(raw: str, clean: str, title: str | None) -> list[tuple[int, int, int, str]]:
    """(start, end, shift, where) for each line of the file found in the clean text (or title)."""
    found = []
    cursor = 0
    pos = 0
    for line in raw.split("\n"):
        start, end = pos, pos + len(line)
        pos = end + 1
        text = line.strip()
        if not text:
            continue
        lead = len(line) - len(line.lstrip())
        if title and start == 0 and text == title.strip():
            found.append((start, end, -(start + lead), "title"))
            continue
        at = clean.find(text, cursor)
        if at < 0:
            at = clean.find(text)
        if at < 0:
            continue
        found.append((start, end, at - (start + lead), "text"))
        cursor = at + len(text)
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("data_dir", type=Path)
    parser.add_argument("--topics", default="", help="only these topics (comma-separated)")
    parser.add_argument("--holdout", default="", help="also report these topics separately")
    parser.add_argument("--order", choices=("shuffled", "sorted"), default="shuffled")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--keep", action="store_true", help="keep the database (printed) for inspection")
    parser.add_argument("--errors", type=int, default=0, help="print this many person linking errors")
    parser.add_argument("--report", metavar="DATABASE_URL", help="only report on a database kept by --keep")
    parser.add_argument(
        "--no-consolidate", action="store_true", help="report the stories as the arrival order left them"
    )
    args = parser.parse_args()
    if args.report:
        report_kept(args)
        return

    server = os.environ.get("DATABASE_URL")
    if not server:
        sys.exit("set DATABASE_URL to a Postgres server (a throwaway database is created on it)")
    database_url = fresh_database(server)
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("WIREWATCH_LOG_LEVEL", "WARNING")
    os.environ["WIREWATCH_QUARANTINE_DIR"] = str(Path("/tmp") / f"linkeval-quarantine-{uuid.uuid4().hex[:6]}")

    from worker.storage.migrate import upgrade_to_head

    upgrade_to_head(database_url)

    with (args.data_dir / "docs.tsv").open(encoding="utf-8") as fh:
        docs = list(csv.DictReader(fh, delimiter="\t"))
    topics = {t for t in args.topics.split(",") if t}
    holdout = {t for t in args.holdout.split(",") if t}
    docs = [d for d in docs if not topics or d["topic"] in topics]
    names = sorted(d["file"] for d in docs)
    if args.order == "shuffled":
        random.Random(args.seed).shuffle(names)
    started = time.perf_counter()
    try:
        file_ids = run_pipeline(args.data_dir, names)
        elapsed = time.perf_counter() - started
        if not args.no_consolidate:
            online_stories(docs, file_ids, holdout)
            consolidate()
        report(args, docs, file_ids, holdout, elapsed)
    finally:
        from worker.storage.db import get_engine

        get_engine().dispose()
        if args.keep:
            print(f"database kept: {database_url}")
        else:
            drop_database(database_url)


def online_stories(docs: list[dict[str, str]], file_ids: dict[str, int], holdout: set[str]) -> None:
    """The stories as the online step left them, in this arrival order (before the consolidation)."""
    articles, _ = load_results(file_ids)
    for label, keep in (("all", None), ("held-out", holdout), ("other", holdout)):
        if label != "all" and not holdout:
            continue
        files = [
            d["file"]
            for d in docs
            if d["file"] in articles and (keep is None or (d["topic"] in keep) == (label == "held-out"))
        ]
        p, r, f = bcubed((d["gold_story"], articles[d["file"]]["story"]) for d in docs if d["file"] in files)
        print(f"[{label}] online stories (arrival order): B-cubed P {p:.3f} R {r:.3f} F1 {f:.3f}")


def consolidate() -> None:
    """The story consolidation the watcher schedules once the pipeline is quiet, run now."""
    from worker import tasks

    started = time.perf_counter()
    tasks.consolidate(force=True)
    print(f"story consolidation: {time.perf_counter() - started:.1f}s")


def report_kept(args: argparse.Namespace) -> None:
    """The figures of a kept database (after a change to the report, or to read its errors again)."""
    os.environ["DATABASE_URL"] = args.report
    from sqlalchemy import select

    from worker.storage.db import session_scope
    from worker.storage.models import IngestedFile

    with session_scope() as session:
        file_ids = {Path(p).name: i for i, p in session.execute(select(IngestedFile.id, IngestedFile.path)).all()}
    with (args.data_dir / "docs.tsv").open(encoding="utf-8") as fh:
        docs = [d for d in csv.DictReader(fh, delimiter="\t") if d["file"] in file_ids]
    report(args, docs, file_ids, {t for t in args.holdout.split(",") if t}, 0.0)


def load_results(file_ids: dict[str, int]) -> tuple[dict[str, dict[str, object]], dict[str, list[tuple]]]:
    from sqlalchemy import select

    from worker.storage.db import session_scope
    from worker.storage.linking import canonical_id
    from worker.storage.models import Article, EntityMention, IngestedFile, Story

    by_file = {v: k for k, v in file_ids.items()}
    articles: dict[str, dict[str, object]] = {}
    mentions: dict[str, list[tuple]] = defaultdict(list)
    with session_scope() as session:
        rows = session.execute(
            select(
                Article.id,
                Article.file_id,
                Article.story_id,
                Article.clean_text,
                Article.title,
                Article.published_date,
                IngestedFile.status,
            ).join(IngestedFile, IngestedFile.id == Article.file_id)
        ).all()
        article_file = {}
        for r in rows:
            name = by_file[r.file_id]
            article_file[r.id] = name
            articles[name] = {"story": r.story_id, "clean": r.clean_text, "title": r.title, "date": r.published_date}
        member_dates: dict[int, set[object]] = defaultdict(set)
        for r in rows:
            member_dates[r.story_id].add(r.published_date)
        stories = session.execute(select(Story.id, Story.first_date, Story.last_date)).all()
        stories = [s for s in stories if s.id in member_dates]  # not merged away
        unwritten = sum(1 for s in stories if s.first_date is not None and s.first_date not in member_dates[s.id])
        articles["__stories__"] = {"count": len(stories), "unwritten": unwritten}
        canon: dict[int, int] = {}
        for m in session.execute(select(EntityMention)).scalars():
            eid = m.entity_id
            if eid is not None and eid not in canon:
                canon[eid] = canonical_id(session, eid)
            where = "title" if getattr(m, "in_title", False) else "text"
            mentions[article_file[m.article_id]].append(
                (where, m.start, m.end, m.entity_type, canon.get(eid) if eid else None, m.text)
            )
    return articles, mentions


def report(
    args: argparse.Namespace, docs: list[dict[str, str]], file_ids: dict[str, int], holdout: set[str], elapsed: float
) -> None:
    articles, mentions = load_results(file_ids)
    gold_story = {d["file"]: d["gold_story"] for d in docs}
    topic_of = {d["file"]: d["topic"] for d in docs}
    by_doc = {d["doc"]: d["file"] for d in docs}
    gold_mentions: dict[str, list[dict[str, object]]] = defaultdict(list)
    raws = {d["file"]: (args.data_dir / "text" / d["file"]).read_text(encoding="utf-8") for d in docs}
    lowercase_words = {w for raw in raws.values() for w in re.findall(r"\b[a-z][a-z’']*", raw)}
    with (args.data_dir / "mentions.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            m = json.loads(line)
            if m["doc"] not in by_doc or m["tag"] != "HUMAN_PART_PER":
                continue
            if is_named(m["text"], sentence_initial(raws[by_doc[m["doc"]]], m["start"]), lowercase_words):
                gold_mentions[by_doc[m["doc"]]].append(m)

    person_items: list[tuple[str, str, int | None, str, str]] = []  # file, chain, entity, text, where
    unmapped = 0
    for name, golds in gold_mentions.items():
        art = articles.get(name)
        if art is None:
            unmapped += len(golds)
            continue
        raw = raws[name]
        shifts = paragraph_shifts(raw, str(art["clean"]), art["title"])  # type: ignore[arg-type]
        ours = mentions.get(name, [])
        for g in golds:
            start, end = int(g["start"]), int(g["end"])  # type: ignore[arg-type]
            para = next((s for s in shifts if s[0] <= start < s[1] + 1), None)
            if para is None:
                unmapped += 1
                continue
            where, shift = para[3], para[2]
            cs, ce = start + shift, end + shift
            hits = [o for o in ours if o[0] == where and o[1] < ce and cs < o[2] and o[4] is not None]
            hits.sort(key=lambda o: (o[3] != "person", -min(o[2], ce) + max(o[1], cs)))
            entity = hits[0][4] if hits else None
            chain = str(g["chain"]) if g["chain_kind"] == "cross" else ""
            person_items.append((name, chain, entity, str(g["text"]), where))

    def figures(keep: set[str] | None, label: str) -> None:
        files = [f for f in gold_story if f in articles and (keep is None or topic_of[f] in keep)]
        sp, sr, sf = bcubed((gold_story[f], articles[f]["story"]) for f in files)
        stories = len({articles[f]["story"] for f in files})
        golds = len({gold_story[f] for f in files})
        items = [i for i in person_items if keep is None or topic_of[i[0]] in keep]
        linked = [i for i in items if i[2] is not None]
        cross = [i for i in items if i[1]]
        pp, pr, pf = bcubed((i[1], i[2]) for i in cross if i[2] is not None)
        heads = [i for i in items if i[4] == "title"]
        print(f"[{label}] articles {len(files)}")
        print(f"  stories: B-cubed P {sp:.3f} R {sr:.3f} F1 {sf:.3f}  ({stories} stories for {golds} gold stories)")
        print(
            f"  people:  B-cubed P {pp:.3f} R {pr:.3f} F1 {pf:.3f}  over {sum(1 for i in cross if i[2])} matched "
            f"mentions of cross-document chains ({len(cross)} named); "
            f"linked {len(linked) / max(len(items), 1):.1%} of {len(items)} named person mentions "
            f"(headlines {sum(1 for i in heads if i[2] is not None)}/{len(heads)})"
        )
        dated = [f for f in files if articles[f]["date"] is not None]
        print(f"  dated articles {len(dated)}/{len(files)}")

    dated_by_nobody = articles.pop("__stories__")
    figures(None, "all")
    print(
        f"  stories whose first date no article of theirs carries: {dated_by_nobody['unwritten']} "
        f"of {dated_by_nobody['count']}"
    )
    if holdout:
        figures(holdout, f"held-out topics {','.join(sorted(holdout, key=int))}")
        figures(set(topic_of.values()) - holdout, "other topics")
    print(f"  unmapped gold mentions {unmapped}; pipeline time {elapsed:.0f}s (shared, loaded machine)")
    if args.errors:
        print_errors(person_items, args.errors)


def print_errors(items: list[tuple[str, str, int | None, str, str]], limit: int) -> None:
    by_entity: dict[int, set[str]] = defaultdict(set)
    by_chain: dict[str, set[int]] = defaultdict(set)
    texts: dict[object, set[str]] = defaultdict(set)
    topic: dict[str, str] = {}  # chain -> its topic (the file name's prefix)
    for _name, chain, entity, text, _ in items:
        topic[chain] = _name.split("_")[0]
        if entity is None or not chain:
            continue
        by_entity[entity].add(chain)
        by_chain[chain].add(entity)
        texts[entity].add(text)
        texts[chain].add(text)
    print("wrong merges (one entity, several chains):")
    for entity, chains in list((e, c) for e, c in by_entity.items() if len(c) > 1)[:limit]:
        merged = [sorted(texts[c])[:4] for c in sorted(chains)]
        print(f"  entity {entity} {sorted(texts[entity])[:8]} <- chains {merged}")
    sizes: dict[str, Counter[int]] = defaultdict(Counter)  # chain -> entity -> matched mentions
    for _name, chain, entity, _text, _ in items:
        if entity is not None and chain:
            sizes[chain][entity] += 1

    def recall_lost(chain: str) -> float:  # mentions x (1 - B-cubed recall) over the chain
        counts = sizes[chain]
        total = sum(counts.values())
        return sum(n * (1 - n / total) for n in counts.values())

    print("splits (one chain, several entities; the most recall lost first, entity: mentions):")
    split = sorted((c for c, e in by_chain.items() if len(e) > 1), key=lambda c: (-recall_lost(c), c))
    for chain in split[:limit]:
        parts = [f"{sorted(texts[e])[:4]}: {n}" for e, n in sizes[chain].most_common()]
        print(f"  t{topic[chain]} chain {sorted(texts[chain])[:6]} (lost {recall_lost(chain):.1f}) -> {parts}")
    print("unlinked:")
    print("  " + "; ".join(f"{t} ({n})" for n, _, e, t, _ in items if e is None)[:3000])


if __name__ == "__main__":
    main()
