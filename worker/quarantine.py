"""Moving a file that failed for good out of the watch folder, without losing it."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
from pathlib import Path


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def quarantine(path: Path, file_id: int, quarantine_dir: Path, sha256: str | None = None) -> Path | None:
    """Move the file (a symlink is moved as the link itself) into ``quarantine_dir``.

    Returns None when there is nothing to move: the file is gone, or the path now holds other
    content (a user replaced it), which must not be quarantined for this file's error.
    """
    if not path.is_symlink():
        if not path.is_file():
            return None
        if sha256 is not None and sha256_of(path) != sha256:
            return None
    quarantine_dir.mkdir(parents=True, exist_ok=True)
    target = quarantine_dir / f"{file_id}-{path.name}"
    n = 1
    while target.exists() or target.is_symlink():  # the same name from another subfolder
        target = quarantine_dir / f"{file_id}-{n}-{path.name}"
        n += 1
    shutil.move(str(path), str(target))
    return target.absolute()


def db_path(path: Path) -> str:
    """The path as text Postgres accepts: bytes that are not UTF-8 in a file name (kept by Python
    as surrogates) are shown as \\xNN escapes."""
    return os.fsencode(path).decode("utf-8", errors="backslashreplace")


def fs_path(stored: str) -> Path:
    """The file a stored path names: the path itself, or, when it holds \\xNN escapes made by
    ``db_path``, the name with those bytes."""
    path = Path(stored)
    if path.exists() or path.is_symlink() or "\\x" not in stored:
        return path
    raw = re.sub(rb"\\x([0-9a-f]{2})", lambda m: bytes([int(m.group(1), 16)]), stored.encode("utf-8"))
    return Path(os.fsdecode(raw))
