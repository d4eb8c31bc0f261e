"""`wirewatch extract PATH --json`: parse + extract on one file, no database; `wirewatch consolidate`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import create_engine, func, select

from tests.conftest import SEED_FILES
from worker.settings import sqlalchemy_url
from worker.storage.models import StoryConsolidation

WIREWATCH = str(Path(sys.executable).parent / "wirewatch")


def _extract(path: Path) -> subprocess.CompletedProcess[str]:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(Path.home())}  # no DATABASE_URL, no REDIS_URL
    return subprocess.run([WIREWATCH, "extract", str(path), "--json"], capture_output=True, text=True, env=env)


def test_extract_prints_one_json_object_with_offsets_into_text() -> None:
    result = _extract(SEED_FILES[0])
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    for key in ("title", "published", "authors", "outlet", "text", "quotes", "entities"):
        assert key in data
    assert isinstance(data["authors"], list)
    text = data["text"]
    assert data["quotes"], "seed 000 has quotes"
    for quote in data["quotes"]:
        assert {"text", "speaker", "start", "end", "kind"} <= set(quote)
        assert text[quote["start"] : quote["end"]] == quote["text"]
    for entity in data["entities"]:
        assert {"name", "type", "mentions"} <= set(entity)
        for mention in entity["mentions"]:
            assert text[mention["start"] : mention["end"]] == mention["text"]


def test_extract_reports_bad_input_as_json_error(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    result = _extract(empty)
    assert result.returncode == 1
    assert "empty" in json.loads(result.stdout)["error"]


def test_consolidate_rebuilds_the_stories_and_records_the_run() -> None:
    engine = create_engine(sqlalchemy_url(os.environ["DATABASE_URL"]))
    count = select(func.count()).select_from(StoryConsolidation)
    with engine.connect() as conn:
        before = conn.execute(count).scalar_one()
    done = subprocess.run([WIREWATCH, "consolidate"], capture_output=True, text=True, env=dict(os.environ))
    assert done.returncode == 0, done.stderr
    assert "stories before" in done.stdout and "articles moved" in done.stdout
    with engine.connect() as conn:
        assert conn.execute(count).scalar_one() == before + 1
    engine.dispose()
