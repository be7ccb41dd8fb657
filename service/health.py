"""Liveness and readiness for orchestrators: ``/healthz`` (process up), ``/readyz`` (db ready)."""

from typing import Any

import sqlalchemy as sa
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from db.migrate import current_revision, head_revision

router = APIRouter()


@router.get("/healthz")
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/readyz")
async def readyz(request: Request) -> JSONResponse:
    expected = head_revision()
    body: dict[str, Any] = {"status": "ready", "database": "up", "expected_revision": expected}
    try:
        async with request.app.state.connections.connect() as conn:
            await conn.execute(sa.text("SELECT 1"))
            revision = await current_revision(conn)
    except Exception as error:  # any failure to reach the database means "not ready"
        body.update(status="unavailable", database="down", error=type(error).__name__)
        return JSONResponse(body, status_code=503)
    body["revision"] = revision
    if revision != expected:
        body["status"] = "not migrated"
        return JSONResponse(body, status_code=503)
    return JSONResponse(body)
