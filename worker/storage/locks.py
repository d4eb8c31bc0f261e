"""Per-key advisory locks: transactions that touch the same keys take turns, the others run in
parallel. Keys are hashed to Postgres' 64-bit advisory lock space (a collision only makes two
transactions wait for each other, never lets them both in)."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterable

from sqlalchemy import text
from sqlalchemy.orm import Session

from worker.logs import get_logger

log = get_logger(__name__)
SLOW_WAIT = 0.1  # seconds: a longer wait is logged, to show which keys workers contend for


def advisory_key(namespace: str, key: object) -> int:
    digest = hashlib.blake2b(f"{namespace}\x00{key}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def lock_keys(session: Session, namespace: str, keys: Iterable[object]) -> int:
    """Hold a transaction-level lock on each key until commit or rollback. All of them are taken
    in one statement, in sorted order, so two transactions never wait for each other in a cycle.
    Returns how many locks were taken."""
    ids = sorted({advisory_key(namespace, k) for k in keys})
    if ids:
        start = time.monotonic()
        # volatile functions in a target list run after the ORDER BY (Postgres >= 9.6)
        session.execute(
            text("SELECT pg_advisory_xact_lock(k) FROM unnest(CAST(:ids AS bigint[])) AS k ORDER BY k"), {"ids": ids}
        )
        waited = time.monotonic() - start
        if waited > SLOW_WAIT:
            log.info("waited for locks", namespace=namespace, locks=len(ids), waited_ms=round(1000 * waited))
    return len(ids)
