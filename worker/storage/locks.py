"""Per-key advisory locks: transactions that touch the same keys take turns, the others run in
parallel. Keys are hashed to Postgres' 64-bit advisory lock space (a collision only makes two
transactions wait for each other, never lets them both in)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from sqlalchemy import text
from sqlalchemy.orm import Session


def advisory_key(namespace: str, key: object) -> int:
    digest = hashlib.blake2b(f"{namespace}\x00{key}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def lock_keys(session: Session, namespace: str, keys: Iterable[object]) -> int:
    """Hold a transaction-level lock on each key until commit or rollback. All of them are taken
    in one statement, in sorted order, so two transactions never wait for each other in a cycle.
    Returns how many locks were taken."""
    ids = sorted({advisory_key(namespace, k) for k in keys})
    if ids:
        # volatile functions in a target list run after the ORDER BY (Postgres >= 9.6)
        session.execute(
            text("SELECT pg_advisory_xact_lock(k) FROM unnest(CAST(:ids AS bigint[])) AS k ORDER BY k"), {"ids": ids}
        )
    return len(ids)
