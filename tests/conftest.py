"""Test servers: DATABASE_URL / REDIS_URL when given (CI: the machine's Postgres and Redis),
otherwise the same embedded servers ``wirewatch up`` uses. Each run gets a fresh database and
its own Celery queue names, so runs never see each other's rows or messages. Servers start in
``pytest_configure``, before any test module imports the Celery app that reads the settings."""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import shutil
import tempfile
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from worker.embedded import EmbeddedServers, create_database, ensure_servers
from worker.settings import sqlalchemy_url
from worker.storage import files

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
# the five seed articles the tests know, by name: seeds/ is also the live watch folder of `make up`,
# where users drop files of their own, so tests never list it
SEED_FILES = tuple(
    SEEDS / name
    for name in (
        "000_d90b70f64f241452.txt",
        "001_20e5c8e362e6a256.txt",
        "002_84a3c78e0fe45525.txt",
        "003_fcab152f0179ef19.txt",
        "004_ab73f4a6aecef44d.txt",
    )
)
_state: dict[str, object] = {}


def pytest_configure(config: pytest.Config) -> None:
    tmp = Path(tempfile.mkdtemp(prefix="wirewatch-test-"))
    servers = ensure_servers(tmp / "data", os.environ.get("DATABASE_URL"), os.environ.get("REDIS_URL"))
    assert servers.database_url
    test_db = f"wirewatch_test_{uuid.uuid4().hex[:8]}"
    admin = make_url(sqlalchemy_url(servers.database_url))
    admin_dsn = admin.set(drivername="postgresql").render_as_string(hide_password=False)
    create_database(admin_dsn, test_db)
    os.environ["DATABASE_URL"] = admin.set(database=test_db).render_as_string(hide_password=False)
    os.environ["WIREWATCH_QUEUE_PREFIX"] = f"wwtest-{uuid.uuid4().hex[:8]}"
    os.environ["WIREWATCH_DATA_DIR"] = str(tmp / "data")
    os.environ["WIREWATCH_LOG_FORMAT"] = "json"
    _state.update(servers=servers, tmp=tmp, admin_dsn=admin_dsn, test_db=test_db)

    from worker.storage.migrate import upgrade_to_head

    upgrade_to_head(os.environ["DATABASE_URL"])


def pytest_unconfigure(config: pytest.Config) -> None:
    from worker.storage.db import get_engine

    if _state:
        get_engine().dispose()
        with psycopg.connect(str(_state["admin_dsn"]), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{_state["test_db"]}" WITH (FORCE)')
        servers = _state["servers"]
        assert isinstance(servers, EmbeddedServers)
        servers.stop()
        shutil.rmtree(str(_state["tmp"]), ignore_errors=True)


@pytest.fixture(scope="session")
def database_url() -> str:
    return os.environ["DATABASE_URL"]


@pytest.fixture
def db_session(database_url: str) -> Iterator[Session]:
    """A session inside a transaction that is rolled back after the test: nothing persists.
    Code under test may commit: its commits become savepoints of the outer transaction."""
    engine = create_engine(sqlalchemy_url(database_url))
    with engine.connect() as connection:
        transaction = connection.begin()
        session = Session(bind=connection, join_transaction_mode="create_savepoint")
        try:
            yield session
        finally:
            session.close()
            transaction.rollback()
    engine.dispose()


@pytest.fixture(scope="session")
def nlp():  # type: ignore[no-untyped-def]
    from worker.pipeline.extract import load_nlp
    from worker.settings import get_settings

    return load_nlp(get_settings().spacy_model)


@pytest.fixture
def seeds() -> list[Path]:
    return list(SEED_FILES)


def register(session: Session, raw: bytes, path: str, mtime_ns: int = 1) -> files.Registration:
    """Register content as the watcher would (no file on disk needed)."""
    return files.register_file(
        session, path=path, sha256=hashlib.sha256(raw).hexdigest(), content=raw, size=len(raw), mtime_ns=mtime_ns
    )


def letter_tag(n: int) -> str:
    """A random tag of letters only: an all-digit hex tag (~2% of draws) reads as a figure or a year."""
    return "".join(chr(ord("a") + int(c, 16) % 26) for c in uuid.uuid4().hex[:n])


def parsed_text(path: Path) -> str:
    """The clean text the parse stage gives the extract stage for a file (what extraction really sees)."""
    from worker.pipeline.parse.core import parse_document

    return parse_document(path.read_bytes(), path.name).text


def run_at_once(jobs: list[tuple[Callable[..., None], tuple[Any, ...]]], timeout: float) -> None:
    """Each ``target(*args, start)`` in a spawned process of its own; all wait for one start event, so
    they run at the same moment. Every process must exit cleanly within ``timeout`` seconds."""
    ctx = multiprocessing.get_context("spawn")
    start = ctx.Event()
    procs = [ctx.Process(target=target, args=(*args, start)) for target, args in jobs]
    for p in procs:
        p.start()
    start.set()
    for p in procs:
        p.join(timeout)
        assert p.exitcode == 0
