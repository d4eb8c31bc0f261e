"""schemathesis against the served API (`wirewatch api`, as compose runs it) with every check:
no server error, every status code and body as the OpenAPI schema declares, invalid input
rejected, valid input accepted. Bounded to a few minutes on two cores."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import httpx

from tests.apidb import add_article, own_database
from tests.services import free_port, wait_for
from worker.storage import linking
from worker.storage.models import NearDuplicate

MAX_EXAMPLES = 40  # per operation and phase: ~1,500 requests in total


def _openapi(url: str) -> bool:
    try:
        return httpx.get(url, timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def test_schemathesis_finds_no_error(database_url: str, tmp_path: Path) -> None:
    bin_dir = Path(sys.executable).parent
    with own_database(database_url) as (url, maker):
        with maker() as session:  # a few linked articles, so ids 1, 2, ... exist
            ids = [add_article(session, f"Ana Ruiz{n}", f"quote {n} about the harbour fees")[0] for n in range(3)]
            for article_id in ids:
                linking.link_article(session, article_id)
            session.add(NearDuplicate(article_id=ids[1], duplicate_of_id=ids[0], similarity=0.6))
            session.commit()
        port = free_port()
        env = {**os.environ, "DATABASE_URL": url}
        log = (tmp_path / "api.log").open("wb")
        api = subprocess.Popen(
            [str(bin_dir / "wirewatch"), "api", "--host", "127.0.0.1", "--port", str(port)],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            schema = f"http://127.0.0.1:{port}/openapi.json"
            wait_for(lambda: _openapi(schema), 60, "the API")
            result = subprocess.run(
                [
                    str(bin_dir / "schemathesis"),
                    "run",
                    schema,
                    "--checks",
                    "all",
                    "--max-examples",
                    str(MAX_EXAMPLES),
                    "--workers",
                    "2",
                    "--generation-database",
                    "none",
                    "--no-color",
                ],
                cwd=tmp_path,
                capture_output=True,
                text=True,
                timeout=600,
                check=False,
            )
        finally:
            os.killpg(api.pid, signal.SIGTERM)
            api.wait(timeout=30)
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    assert "No issues found" in result.stdout or "passed" in result.stdout, result.stdout[-3000:]
