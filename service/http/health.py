"""Liveness and readiness for orchestrators: ``/healthz`` (process up), ``/readyz`` (db ready)."""

from typing import Any

import sqlalchemy as sa
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from db.migrate import current_revision, head_revision
from service.database import ConnectionSource
from service.database_supervisor import published_status

router = APIRouter()


@router.get("/healthz")
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


async def _revision(connections: ConnectionSource) -> str | None:
    async with connections.connect() as conn:
        await conn.execute(sa.text("SELECT 1"))
        return await current_revision(conn)


@router.get("/readyz")
async def readyz(request: Request) -> JSONResponse:
    """Ready when the primary, and the read replica if there is one, answer at the expected
    migration: a replica that is down or behind on migrations would fail the queries sent to it.
    On the embedded server, ``embedded`` says whether it runs or is being restarted, as this
    process or, under ``serve --workers``, the parent that supervises it last saw it."""
    expected = head_revision()
    body: dict[str, Any] = {"status": "ready", "database": "up", "expected_revision": expected}
    supervisor = getattr(request.app.state, "database_supervisor", None)
    status_file = getattr(request.app.state, "embedded_status_file", None)
    if supervisor is not None:
        body["embedded"] = supervisor.status()
    elif status_file is not None:
        body["embedded"] = published_status(status_file)
    sources = {"database": request.app.state.connections}
    if request.app.state.read_connections is not sources["database"]:
        sources["replica"] = request.app.state.read_connections
        body["replica"] = "up"
    for name, connections in sources.items():
        try:
            revision = await _revision(connections)
        except Exception as error:  # any failure to reach a database means "not ready"
            body.update({"status": "unavailable", name: "down", "error": type(error).__name__})
            return JSONResponse(body, status_code=503)
        body["revision" if name == "database" else "replica_revision"] = revision
        if revision != expected:
            body["status"] = "not migrated"
            return JSONResponse(body, status_code=503)
    return JSONResponse(body)
