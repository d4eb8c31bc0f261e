"""The change feed: every insert, update and delete of an article, quote, entity or story, in
an order a consumer can follow with a cursor, never missing or repeating a change.

Triggers (migration 0005) write one ``changes`` row per object and transaction, stamped with the
transaction id (xid8). A page only holds changes of transactions older than every transaction
still running (the snapshot's xmin): no change can be committed below that line any more, so
ordering by (xid, id) and resuming after the last (xid, id) seen is exact. The price: a change
shows up once every transaction that began before it has ended."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query
from sqlalchemy import text

from api.deps import MAX_BIGINT, SessionDep
from api.schemas import ChangeOut, ChangesPage

router = APIRouter()

MAX_XID8 = 2**64 - 1
CURSOR = r"^([0-9]{1,20}-[0-9]{1,19}|now)$"

# One statement, so the horizon (xmin) and the rows come from the same snapshot.
PAGE_SQL = text(
    """
    WITH horizon AS (SELECT pg_snapshot_xmin(pg_current_snapshot()) AS xmin)
    SELECT h.xmin::text AS horizon, c.xid::text AS xid, c.id, c.kind, c.object_id, c.op, c.changed_at
    FROM horizon h LEFT JOIN LATERAL (
        SELECT * FROM changes c
        WHERE (c.xid, c.id) > (CAST(:xid AS xid8), CAST(:id AS bigint)) AND c.xid < h.xmin
          AND (CAST(:kind AS text) IS NULL OR c.kind = CAST(:kind AS text))
        ORDER BY c.xid, c.id
        LIMIT :limit
    ) c ON true
    ORDER BY c.xid, c.id
    """
)


def parse_cursor(cursor: str) -> tuple[int, int]:
    """A position past the largest transaction id or change id is past every change: it is
    clamped to the end (any cursor the pattern accepts is a valid position)."""
    xid, _, change_id = cursor.partition("-")
    return min(int(xid), MAX_XID8), min(int(change_id), MAX_BIGINT)


@router.get("/changes", response_model=ChangesPage, responses={422: {"description": "Malformed cursor"}})
def list_changes(
    session: SessionDep,
    after: Annotated[
        str,
        Query(
            pattern=CURSOR, description="`next` (or an item's `cursor`) of the previous page; `0-0`: the start; `now`"
        ),
    ] = "0-0",
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    kind: Annotated[Literal["article", "quote", "entity", "story"] | None, Query()] = None,
) -> ChangesPage:
    """Changes after a cursor, oldest first. Follow `next` forever; fetch the objects by id
    (a `delete` means the object is gone). `LISTEN wirewatch_changes` in Postgres to be woken."""
    xid, change_id = parse_cursor(after) if after != "now" else (MAX_XID8, MAX_BIGINT)
    rows = session.execute(PAGE_SQL, {"xid": str(xid), "id": change_id, "kind": kind, "limit": limit}).all()
    items = [
        ChangeOut(cursor=f"{r.xid}-{r.id}", kind=r.kind, id=r.object_id, op=r.op, changed_at=r.changed_at)
        for r in rows
        if r.id is not None
    ]
    has_more = len(items) == limit
    if has_more:
        next_cursor = items[-1].cursor
    else:  # everything below the horizon has been read: resume at the horizon
        horizon = int(rows[0].horizon)
        next_cursor = f"{horizon}-0" if horizon > xid or after == "now" else after
    return ChangesPage(items=items, next=next_cursor, has_more=has_more)
