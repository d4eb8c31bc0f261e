"""End to end, on real components: the compose services' own commands run as processes
against the real Postgres and Redis (or the embedded ones), files dropped in a folder."""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine

from tests.conftest import SEED_FILES
from tests.services import Stack, compose_command, free_port, wait_for, with_option
from worker.settings import sqlalchemy_url


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    base = tmp_path_factory.mktemp("e2e")
    inbox, quarantine, state, logs = (base / n for n in ("inbox", "quarantine", "state", "logs"))
    for d in (inbox, quarantine, state, logs):
        d.mkdir()
    env = {
        **os.environ,
        "WIREWATCH_WATCH_DIR": str(inbox),
        "WIREWATCH_QUARANTINE_DIR": str(quarantine),
        "WIREWATCH_DATA_DIR": str(state),
        "WIREWATCH_QUIET_SECONDS": "0.5",
        "WIREWATCH_SCAN_INTERVAL": "2",
        "WIREWATCH_STALE_AFTER": "6",
        "WIREWATCH_MAX_FILE_BYTES": str(10 * 1024 * 1024),
        "WIREWATCH_LOG_FORMAT": "json",
    }
    services = Stack(env, logs)
    api_port, flower_port = free_port(), free_port()
    services.run("migrate", compose_command("migrate"))
    services.start("worker", compose_command("worker"))
    services.start("watcher", compose_command("watcher"))
    services.start("api", with_option(compose_command("api"), "--port", str(api_port)))
    services.start("flower", with_option(compose_command("flower"), "--port", str(flower_port)))
    engine = create_engine(sqlalchemy_url(os.environ["DATABASE_URL"]))
    try:
        yield {
            "inbox": inbox,
            "quarantine": quarantine,
            "engine": engine,
            "services": services,
            "api": f"http://127.0.0.1:{api_port}",
            "flower": f"http://127.0.0.1:{flower_port}",
        }
    finally:
        services.stop_all()
        engine.dispose()


def rows(engine: Engine, sql: str, **params: Any) -> list[Any]:
    with engine.connect() as conn:
        return list(conn.execute(text(sql), params))


def files_under(engine: Engine, folder: Path) -> list[Any]:
    return rows(
        engine,
        "SELECT f.id, f.status, f.error, f.quarantine_path, a.id AS article_id FROM ingested_files f "
        "LEFT JOIN articles a ON a.file_id = f.id WHERE f.path LIKE :prefix ORDER BY f.id",
        prefix=f"{folder}/%",
    )


def all_done(engine: Engine, folder: Path, expected: int) -> list[Any] | None:
    found = files_under(engine, folder)
    settled = [f for f in found if f.status in ("done", "failed")]
    return found if len(found) >= expected and len(settled) == len(found) else None


def test_seeds_flow_from_folder_to_rows(stack: dict[str, Any]) -> None:
    engine, inbox, services = stack["engine"], stack["inbox"], stack["services"]
    # time the pipeline, not the worker's start (spaCy loading in each worker process)
    wait_for(lambda: " ready." in services.log_tail("worker", 100_000), 120, "the worker to be ready")
    dropped = time.monotonic()
    for seed in SEED_FILES:
        shutil.copy(seed, inbox / seed.name)
    found = wait_for(lambda: all_done(engine, inbox, 5), 120, "five seed articles", interval=0.1)
    elapsed = time.monotonic() - dropped
    print(f"\nfive seeds, drop to rows: {elapsed:.2f}s")
    assert [f.status for f in found] == ["done"] * 5, found
    assert all(f.article_id for f in found)
    counts = rows(
        engine,
        "SELECT (SELECT count(*) FROM quotes q JOIN articles a ON a.id = q.article_id "
        "        JOIN ingested_files f ON f.id = a.file_id WHERE f.path LIKE :p) AS quotes,"
        "       (SELECT count(*) FROM entity_mentions m JOIN articles a ON a.id = m.article_id "
        "        JOIN ingested_files f ON f.id = a.file_id WHERE f.path LIKE :p) AS mentions,"
        "       (SELECT count(*) FROM entity_mentions m JOIN articles a ON a.id = m.article_id "
        "        JOIN ingested_files f ON f.id = a.file_id WHERE f.path LIKE :p AND m.entity_id IS NULL"
        "          AND m.entity_type IN ('person', 'organization', 'place')) AS unlinked",
        p=f"{inbox}/%",
    )[0]
    assert counts.quotes >= 20 and counts.mentions >= 100
    assert counts.unlinked == 0
    assert_journey_logged(services, found[0].id)
    # the pipeline is quiet: the watcher queues a story consolidation, a worker runs it
    consolidated = "SELECT article_count FROM story_consolidations WHERE article_count >= 5 AND finished_at IS NOT NULL"
    wait_for(lambda: rows(engine, consolidated), 120, "a story consolidation over the seeds")
    # the task logs just after its commit, so the row can be seen a moment before the line
    wait_for(
        lambda: '"stories consolidated"' in services.log_tail("worker", 10_000_000), 30, "the consolidation log line"
    )


def assert_journey_logged(services: Stack, file_id: int) -> None:
    """Every line of one file's journey carries its file id and sha256; task lines add task and stage."""
    # each stage logs just after its commit, so the last line may trail the row by a moment
    stages = {"queued", "parsed", "extracted", "linked"}
    try:
        lines = wait_for(lambda: _journey_if(stages, services, file_id), 30, "the file's journey in the logs")
    except AssertionError:
        lines = _journey(services, file_id)
    events = {r["event"] for r in lines}
    assert stages <= events, events
    assert len({r["sha256"] for r in lines}) == 1
    stage_of = {"parsed": "parse", "extracted": "extract", "linked": "link"}
    for record in lines:
        if record["event"] in stage_of:
            assert record["task_id"] and record["stage"] == stage_of[record["event"]]


def _journey(services: Stack, file_id: int) -> list[dict[str, Any]]:
    lines = []
    for name in ("watcher", "worker"):
        for line in services.log_tail(name, 10_000_000).splitlines():
            try:
                record = json.loads(line)
            except ValueError:
                continue
            if record.get("file_id") == file_id:
                lines.append(record)
    return lines


def _journey_if(stages: set[str], services: Stack, file_id: int) -> list[dict[str, Any]] | None:
    lines = _journey(services, file_id)
    return lines if stages <= {r["event"] for r in lines} else None


def test_api_serves_what_was_ingested(stack: dict[str, Any]) -> None:
    api = stack["api"]
    wait_for(lambda: _get(f"{api}/health"), 30, "the API")
    health = httpx.get(f"{api}/health").json()
    assert health == {"status": "ok", "database": "ok", "broker": "ok"}
    articles = httpx.get(f"{api}/articles", params={"limit": 2}).json()
    assert articles["total"] >= 5 and len(articles["items"]) == 2
    article = httpx.get(f"{api}/articles/{articles['items'][0]['id']}").json()
    for q in article["quotes"]:
        assert article["clean_text"][q["start"] : q["end"]] == q["text"]
    for m in article["mentions"]:
        assert article["clean_text"][m["start"] : m["end"]] == m["text"]
    assert httpx.get(f"{api}/articles/999999999").status_code == 404
    entities = httpx.get(f"{api}/entities", params={"q": "Xi"}).json()
    assert any("Xi" in e["name"] and e["article_count"] >= 3 for e in entities["items"])
    files = httpx.get(f"{api}/files", params={"status": "done"}).json()
    assert files["total"] >= 5
    assert "/quotes" in httpx.get(f"{api}/openapi.json").json()["paths"]
    assert httpx.get(f"{stack['flower']}/healthcheck").status_code == 200


def test_link_queries_through_the_api(stack: dict[str, Any]) -> None:
    api, engine, inbox = stack["api"], stack["engine"], stack["inbox"]
    ids = {
        Path(r.path).name[:3]: r.id
        for r in rows(
            engine,
            "SELECT f.path, a.id FROM articles a JOIN ingested_files f ON f.id = a.file_id WHERE f.path LIKE :p",
            p=f"{inbox}/0%",
        )
    }
    story_ids = {httpx.get(f"{api}/articles/{i}").json()["id"] and _story_of(engine, i) for i in ids.values()}
    assert len(story_ids) == 1
    story = httpx.get(f"{api}/stories/{story_ids.pop()}").json()
    assert {a["id"] for a in story["articles"]} >= set(ids.values()) and story["quotes"]
    copies = httpx.get(f"{api}/articles/{ids['001']}/near-duplicates").json()
    related = {c["duplicate_of_id"] for c in copies} | {c["article_id"] for c in copies}
    assert ids["000"] in related, "001 reuses 000's wire paragraphs"
    assert not related & {ids["002"], ids["003"], ids["004"]}, "other reports of the event are not copies"
    quote_id = rows(
        engine,
        "SELECT id FROM quotes WHERE article_id = :a AND text LIKE '%in the process of doing it%'",
        a=ids["001"],
    )[0].id
    cluster = httpx.get(f"{api}/quotes/{quote_id}/cluster").json()
    assert {q["article_id"] for q in cluster["quotes"]} >= {ids["000"], ids["001"]}
    people = httpx.get(f"{api}/entities", params={"q": "Lutnick", "type": "person"}).json()["items"]
    lutnick = httpx.get(f"{api}/entities/{people[0]['id']}").json()
    assert lutnick["article_count"] >= 3 and any(a["alias"] == "Lutnick" for a in lutnick["aliases"])
    assert any("Trump" in c["name"] for c in lutnick["co_mentioned"])
    said = httpx.get(f"{api}/entities/{lutnick['id']}/quotes").json()
    assert said["total"] >= 1 and all(q["speaker_entity_id"] == lutnick["id"] for q in said["items"])
    assert httpx.get(f"{api}/stories").json()["total"] >= 1


def test_the_change_feed_lists_what_the_workers_wrote(stack: dict[str, Any]) -> None:
    """A consumer of /changes sees every article, quote and story the worker processes committed
    for the dropped seeds, each change once."""
    api, engine, inbox = stack["api"], stack["engine"], stack["inbox"]
    wanted = {
        (kind, r.id)
        for kind, sql in (
            ("article", "SELECT a.id FROM articles a"),
            ("quote", "SELECT q.id FROM quotes q JOIN articles a ON a.id = q.article_id"),
            ("story", "SELECT DISTINCT a.story_id AS id FROM articles a"),
        )
        for r in rows(engine, f"{sql} JOIN ingested_files f ON f.id = a.file_id WHERE f.path LIKE :p", p=f"{inbox}/0%")
    }
    assert len([w for w in wanted if w[0] == "article"]) == 5
    seen: list[tuple[str, str, int]] = []
    cursor = "0-0"

    def caught_up() -> bool:
        nonlocal cursor
        page = httpx.get(f"{api}/changes", params={"after": cursor, "limit": 200}).json()
        seen.extend((c["cursor"], c["kind"], c["id"]) for c in page["items"])
        cursor = page["next"]
        return wanted <= {(kind, id_) for _, kind, id_ in seen}

    wait_for(caught_up, 60, "the change feed to list the seeds' rows")
    assert len({c for c, _, _ in seen}) == len(seen), "no change twice"


def _story_of(engine: Engine, article_id: int) -> int:
    return int(rows(engine, "SELECT story_id FROM articles WHERE id = :a", a=article_id)[0].story_id)


def _get(url: str) -> bool:
    try:
        return httpx.get(url, timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def test_same_content_again_is_not_ingested_twice(stack: dict[str, Any]) -> None:
    engine, inbox = stack["engine"], stack["inbox"]
    before = files_under(engine, inbox)
    for seed in SEED_FILES:
        shutil.copy(seed, inbox / f"copy of {seed.name}")
        os.utime(inbox / seed.name)  # touched: new mtime, same content
    wait_for(
        lambda: (
            rows(engine, "SELECT count(*) AS n FROM file_sightings WHERE path LIKE :p", p=f"{inbox}/copy of %")[0].n
            == 5
        ),
        60,
        "the copies to be seen",
    )
    time.sleep(3)  # one more scan
    after = files_under(engine, inbox)
    assert [(f.id, f.article_id) for f in after] == [(f.id, f.article_id) for f in before]
    duplicates = rows(
        engine,
        "SELECT count(*) AS n FROM (SELECT file_id FROM articles GROUP BY file_id HAVING count(*) > 1) d",
    )
    assert duplicates[0].n == 0


def test_bad_input_is_recorded_and_quarantined(stack: dict[str, Any], tmp_path: Path) -> None:
    engine, inbox, quarantine = stack["engine"], stack["inbox"], stack["quarantine"]
    outside = tmp_path / "secret.txt"
    outside.write_text("Not for the watcher.\n\nIt lives outside the watch folder.")
    bad = {
        "empty.txt": b"",
        "image.txt": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + os.urandom(2048),
        "noise.txt": bytes(range(256)) * 16,
        "huge.txt": b"Filler paragraph.\n\n" * (20 * 1024 * 1024 // 19 + 1),
    }
    for name, content in bad.items():
        (inbox / name).write_bytes(content)
    (inbox / "link-outside.txt").symlink_to(outside)
    latin1 = "Caf\u00e9 owners meet\n\nCaf\u00e9 owners said na\u00efve plans \u201cwon\u2019t work.\u201d".encode(
        "cp1252"
    )
    (inbox / "latin-1 caf\u00e9 (1).txt").write_bytes(latin1)
    with open(os.fsencode(inbox) + b"/not utf-8 \xff name.txt", "wb") as fh:  # a name no decoder accepts
        fh.write("Name test\n\nThe council said on Friday that the bridge “is safe.”\n".encode())
    good = inbox / "after the bad ones.txt"
    good.write_text("Officials meet\n\nThe mayor said on Tuesday that the plan “will go ahead.”\n")

    def settled() -> dict[str, Any] | None:
        found = {
            Path(r.path).name: r
            for r in rows(
                engine,
                "SELECT s.path, f.status, f.error, f.quarantine_path FROM file_sightings s "
                "JOIN ingested_files f ON f.id = s.file_id WHERE s.path LIKE :p",
                p=f"{inbox}/%",
            )
        }
        names = [*bad, "link-outside.txt", "latin-1 caf\u00e9 (1).txt", "not utf-8 \\xff name.txt", good.name]
        if all(n in found and found[n].status in ("done", "failed") for n in names):
            return found
        return None

    found = wait_for(settled, 120, "bad files to be handled")
    assert found["empty.txt"].status == "failed" and "empty" in found["empty.txt"].error
    assert found["image.txt"].status == "failed" and "PNG" in found["image.txt"].error
    assert found["noise.txt"].status == "failed" and "binary" in found["noise.txt"].error
    assert found["huge.txt"].status == "failed" and "too large" in found["huge.txt"].error
    assert found["link-outside.txt"].status == "failed" and "outside" in found["link-outside.txt"].error
    # invalid UTF-8 that is another encoding is decoded, not rejected
    assert found["latin-1 caf\u00e9 (1).txt"].status == "done"
    assert found[good.name].status == "done"
    assert found["not utf-8 \\xff name.txt"].status == "done"
    for name in (*bad, "link-outside.txt"):
        assert not (inbox / name).exists() and not (inbox / name).is_symlink(), name
        assert Path(found[name].quarantine_path).parent == quarantine
    assert outside.exists(), "a symlink's target is never touched"
    text_ = rows(
        engine,
        "SELECT a.clean_text FROM articles a JOIN ingested_files f ON f.id = a.file_id WHERE f.path LIKE :p",
        p=f"{inbox}/latin-1%",
    )[0].clean_text
    assert "Caf\u00e9" in text_ and "\u201cwon\u2019t work.\u201d" in text_


def test_every_format_ingests_through_the_watcher(stack: dict[str, Any]) -> None:
    engine, inbox = stack["engine"], stack["inbox"]
    formats = inbox / "formats"
    formats.mkdir()
    fixtures = Path(__file__).parent / "fixtures" / "parse"
    expected = {"seed000.html": "html", "seed002_newsplease.json": "json", "seed003_forwarded.eml": "eml"}
    for name in expected:
        shutil.copy(fixtures / name, formats / name)
    (formats / "notes.md").write_text("# Council approves budget\n\nThe council said on Monday it “will act.”\n")
    expected["notes.md"] = "md"
    found = wait_for(lambda: all_done(engine, formats, len(expected)), 120, "one file of each format")
    stored = {
        Path(r.path).name: r
        for r in rows(
            engine,
            "SELECT f.path, f.status, a.format, a.title, length(a.clean_text) AS chars FROM ingested_files f "
            "JOIN articles a ON a.file_id = f.id WHERE f.path LIKE :p",
            p=f"{formats}/%",
        )
    }
    assert len(found) == len(expected)
    for name, fmt in expected.items():
        assert stored[name].status == "done" and stored[name].format == fmt, (name, stored[name])
        assert stored[name].title and stored[name].chars > 40


def test_worker_killed_mid_task_loses_nothing(stack: dict[str, Any]) -> None:
    engine, inbox, services = stack["engine"], stack["inbox"], stack["services"]
    batch = inbox / "batch"
    batch.mkdir()
    seeds = SEED_FILES
    for i in range(16):
        body = seeds[i % len(seeds)].read_text()
        (batch / f"wire-{i:02d}.txt").write_text(f"{body}\n\nEditor's note: copy {i} for the kill test.\n")
    wait_for(lambda: any(f.status == "done" for f in files_under(engine, batch)), 120, "first article of the batch")
    in_flight = [f for f in files_under(engine, batch) if f.status != "done"]
    services.kill("worker")
    assert in_flight, "the worker was killed after the batch had finished; nothing was tested"
    services.start("worker", compose_command("worker"))
    found = wait_for(lambda: all_done(engine, batch, 16), 180, "the batch after the restart")
    assert len(found) == 16
    assert [f.status for f in found] == ["done"] * 16, [(f.id, f.status, f.error) for f in found]
    assert len({f.article_id for f in found}) == 16
    dupes = rows(
        engine,
        'SELECT count(*) AS n FROM (SELECT article_id, start, "end" FROM quotes '
        'GROUP BY article_id, start, "end" HAVING count(*) > 1) d',
    )
    assert dupes[0].n == 0
