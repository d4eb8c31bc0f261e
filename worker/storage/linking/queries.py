"""Query helpers the link steps share."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import BigInteger, any_, literal, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.types import TypeEngine

from worker.storage.models import Entity, Story


def among(values: Iterable[object], of: type[TypeEngine[Any]] = BigInteger) -> ColumnElement[Any]:
    """``column == among(values)``: ``= ANY(array)``, one parameter instead of one per value
    (``IN``), so a statement's text is the same for any number of values: SQLAlchemy compiles it,
    psycopg parses it and Postgres plans it once (see bench/README, "where the time goes")."""
    return any_(literal(list(values), ARRAY(of)))


def follow_merges(session: Session, table: type[Entity] | type[Story], row_id: int) -> int:
    """The end of a row's merged_into chain (a cycle, which merges never make, stops the walk)."""
    seen = set()
    while True:
        into = session.execute(select(table.merged_into_id).where(table.id == row_id)).scalar_one()
        if into is None or into in seen:
            return row_id
        seen.add(row_id)
        row_id = into
