"""The Docker build context leaves out the venv, the embedded servers' data, git and caches, and
keeps everything the Dockerfile copies."""

from __future__ import annotations

import fnmatch
import re

from tests.services import ROOT


def _excluded(path: str, patterns: list[str]) -> bool:
    return any(fnmatch.fnmatch(path, p.rstrip("/")) or fnmatch.fnmatch(path, p.rstrip("/") + "/*") for p in patterns)


def test_dockerignore_keeps_the_heavy_folders_out_and_the_sources_in() -> None:
    patterns = [
        line.strip() for line in (ROOT / ".dockerignore").read_text().splitlines() if line.strip() and line[0] != "#"
    ]
    for heavy in (".venv", ".wirewatch", ".git", ".env", ".mypy_cache", ".pytest_cache", ".ruff_cache"):
        assert _excluded(heavy, patterns), heavy
    dockerfile = (ROOT / "infra" / "docker" / "Dockerfile").read_text()
    copied = [src for line in re.findall(r"^COPY (.+) \S+$", dockerfile, re.M) for src in line.split()]
    assert {"pyproject.toml", "README.md", "worker", "api", "infra"} <= set(copied)
    for source in copied:
        assert not _excluded(source, patterns), f"{source} is copied by the Dockerfile but ignored"
