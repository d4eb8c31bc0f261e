"""Progress of the watcher's folder scan (a backfill of an existing folder): logged as
"n/N registered" at most every few seconds, and kept in ``<data_dir>/watcher.progress.json`` for
``wirewatch status``."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime
from pathlib import Path

from worker.logs import get_logger

log = get_logger(__name__)


class ScanProgress:
    def __init__(self, paths: list[Path], state_file: Path | None, every: float = 2.0) -> None:
        self.waiting = set(paths)
        self.total = len(paths)
        self.state_file = state_file
        self.every = every
        self.started = datetime.now(UTC).isoformat(timespec="seconds")
        self._last = time.monotonic()
        self._reported = False

    @property
    def registered(self) -> int:
        return self.total - len(self.waiting)

    def settled(self, path: Path) -> None:
        """A path of this scan is registered (new, known, rejected) or gone."""
        if path not in self.waiting:
            return
        self.waiting.discard(path)
        now = time.monotonic()
        if not self.waiting or now - self._last >= self.every:
            self._last = now
            self._report()

    def _report(self) -> None:
        finished = not self.waiting
        if not finished or self._reported:  # a quick rescan of a known folder is not worth a line
            self._reported = True
            log.info(
                "folder scan" + (" complete" if finished else ""),
                progress=f"{self.registered}/{self.total} registered",
                registered=self.registered,
                total=self.total,
            )
        self._save()

    def _save(self) -> None:
        if self.state_file is None:
            return
        state = {"started": self.started, "registered": self.registered, "total": self.total}
        try:
            self.state_file.parent.mkdir(parents=True, exist_ok=True)
            self.state_file.write_text(json.dumps(state))
        except OSError:
            log.warning("cannot write scan progress", path=str(self.state_file))
