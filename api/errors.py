"""Error responses: a database that cannot be reached is 503 (retry later), never 500; every
route declares the errors it can answer in the OpenAPI schema."""

from __future__ import annotations

from typing import Any

import psycopg
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from sqlalchemy import exc as sa_exc

from api.schemas import Problem

RETRY_AFTER_SECONDS = 5

NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"model": Problem, "description": "No such resource"}}
UNAVAILABLE: dict[int | str, dict[str, Any]] = {
    503: {"model": Problem, "description": "The database cannot be reached; retry after `Retry-After` seconds"}
}

# Connection refused or lost, server shutting down, pool exhausted, statement cancelled.
UNAVAILABLE_ERRORS: tuple[type[Exception], ...] = (
    sa_exc.OperationalError,
    sa_exc.InterfaceError,
    sa_exc.TimeoutError,
    psycopg.OperationalError,
    psycopg.InterfaceError,
)


async def database_unavailable(request: Request, exc: Exception) -> JSONResponse:
    return JSONResponse(
        status_code=503,
        content={"detail": f"database unavailable: {exc.__class__.__name__}"},
        headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
    )


def install(app: FastAPI) -> None:
    for error in UNAVAILABLE_ERRORS:
        app.add_exception_handler(error, database_unavailable)
