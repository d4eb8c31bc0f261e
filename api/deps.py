"""Dependencies shared by the routes: a session per request, pagination, the parameter types
that keep every request inside what Postgres accepts (bigint ids, text without NUL)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from typing import Annotated

from fastapi import Depends, Path, Query
from pydantic import BaseModel, BeforeValidator
from sqlalchemy.orm import Session

from worker.storage.db import get_sessionmaker

MAX_BIGINT = 2**63 - 1
# Postgres text cannot hold NUL: such a value is rejected as invalid (422), declared in the schema.
NO_NUL = r"^[^\x00]*$"


def get_session() -> Iterator[Session]:
    session = get_sessionmaker()()
    try:
        yield session
    finally:
        session.close()


class Page(BaseModel):
    limit: int
    offset: int


def pagination(
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=MAX_BIGINT)] = 0,
) -> Page:
    return Page(limit=limit, offset=offset)


def like_pattern(fragment: str) -> str:
    """``%fragment%`` with the user's own ``%``, ``_`` and ``\\`` matching literally (escape ``\\``)."""
    escaped = fragment.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


SessionDep = Annotated[Session, Depends(get_session)]
PageDep = Annotated[Page, Depends(pagination)]
IdPath = Annotated[int, Path(ge=1, le=MAX_BIGINT)]
IdQuery = Annotated[int | None, Query(ge=1, le=MAX_BIGINT)]
SearchText = Annotated[
    str | None,
    Query(
        min_length=1,
        max_length=500,
        pattern=NO_NUL,
        description='words (stemmed), `"a phrase"`, `-excluded`, `a or b` (Postgres websearch_to_tsquery)',
    ),
]


TitleFragment = Annotated[
    str | None, Query(min_length=1, max_length=200, pattern=NO_NUL, description="part of the title, literally")
]
OutletFragment = Annotated[
    str | None, Query(min_length=1, max_length=200, pattern=NO_NUL, description="part of the outlet's name, literally")
]
NameFragment = Annotated[
    str | None,
    Query(min_length=1, max_length=200, pattern=NO_NUL, description="part of the name (or of an alias), literally"),
]


def iso_date_only(value: object) -> object:
    """A date as YYYY-MM-DD only (pydantic would also take a Unix time such as ``0``)."""
    if isinstance(value, str) and not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
        raise ValueError("expected a date as YYYY-MM-DD")
    return value


StartDate = Annotated[
    date | None, BeforeValidator(iso_date_only), Query(description="published on or after this date (YYYY-MM-DD)")
]
EndDate = Annotated[
    date | None, BeforeValidator(iso_date_only), Query(description="published on or before this date (YYYY-MM-DD)")
]
