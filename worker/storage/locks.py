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


def lock_keys(session: Session, namespace: str, keys: Iterable[object], shared: Iterable[object] = ()) -> int:
    """Hold a transaction-level lock on each key until commit or rollback: exclusive on ``keys``,
    shared on ``shared`` (readers that must not overlap a writer of the same key, but may overlap
    each other). All are taken in one statement, in sorted order, so two transactions never wait
    for each other in a cycle. Returns how many locks were taken."""
    modes = {advisory_key(namespace, k): True for k in shared}
    modes.update({advisory_key(namespace, k): False for k in keys})
    if modes:
        ids = sorted(modes)
        start = time.monotonic()
        # volatile functions in a target list run after the ORDER BY (Postgres >= 9.6)
        session.execute(
            text(
                "SELECT CASE WHEN s THEN pg_advisory_xact_lock_shared(k) ELSE pg_advisory_xact_lock(k) END "
                "FROM unnest(CAST(:ids AS bigint[]), CAST(:shared AS boolean[])) AS t(k, s) ORDER BY k"
            ),
            {"ids": ids, "shared": [modes[k] for k in ids]},
        )
        waited = time.monotonic() - start
        if waited > SLOW_WAIT:
            log.info("waited for locks", namespace=namespace, locks=len(ids), waited_ms=round(1000 * waited))
    return len(modes)
