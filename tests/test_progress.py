"""The watcher's folder-scan progress: "n/N registered" lines for a long scan, none for a quick
rescan, and the state `wirewatch status` shows."""

from __future__ import annotations

import json
from pathlib import Path

from structlog.testing import capture_logs

from worker.progress import ScanProgress


def test_a_long_scan_logs_n_of_n_and_saves_its_state(tmp_path: Path) -> None:
    paths = [tmp_path / f"{i}.txt" for i in range(3)]
    state = tmp_path / "progress.json"
    progress = ScanProgress(paths, state, every=0)
    with capture_logs() as logs:
        for path in [paths[0], paths[0], tmp_path / "not-in-scan.txt", paths[1], paths[2]]:
            progress.settled(path)
    assert [e["progress"] for e in logs] == ["1/3 registered", "2/3 registered", "3/3 registered"]
    assert logs[-1]["event"] == "folder scan complete"
    saved = json.loads(state.read_text())
    assert (saved["registered"], saved["total"]) == (3, 3)


def test_a_quick_rescan_logs_nothing_but_saves_its_state(tmp_path: Path) -> None:
    paths = [tmp_path / f"{i}.txt" for i in range(50)]
    state = tmp_path / "progress.json"
    progress = ScanProgress(paths, state, every=3600)
    with capture_logs() as logs:
        for path in paths:
            progress.settled(path)
    assert logs == []
    assert json.loads(state.read_text())["total"] == 50
