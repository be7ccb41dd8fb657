"""A real service (uvicorn on port 0, run with the options ``coopgraph serve`` uses) on a
database of its own that really commits, for clients that misbehave on purpose.

Every refusal is checked within a bound on the *server's* time (its ``Server-Timing``
header), not the test's clock, which also counts this machine's other work.
"""

import asyncio
import base64
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
import uvicorn

from db import api_keys
from db.engine import create_engine
from db.enums import KeyScope
from service.app import create_app
from service.http.connection_guard import server_options
from service.settings import Settings
from tests.postgres import DatabaseServer

SERVER_BOUND_MS = 1000.0
"""The longest the service may take to refuse any of these requests."""


@dataclass
class Service:
    address: str
    port: int
    admin_key: str
    database_url: str
    http: httpx.AsyncClient

    async def post(self, body: bytes | dict[str, Any], *, key: str | None = None) -> httpx.Response:
        headers = {b"Content-Type": b"application/json"}
        if key is not None:
            headers[b"Authorization"] = f"Bearer {key}".encode()
        if isinstance(body, bytes):
            return await self.http.post("/graphql", content=body, headers=headers)
        return await self.http.post("/graphql", json=body, headers=headers)

    async def writes(self) -> int:
        """Audit entries: every write leaves one, so an unchanged count means nothing was."""
        engine = create_engine(self.database_url)
        try:
            async with engine.connect() as conn:
                return int(await conn.scalar(sa.text("SELECT count(*) FROM change")) or 0)
        finally:
            await engine.dispose()


def server_ms(response: httpx.Response) -> float:
    timing = response.headers["server-timing"]
    return float(timing.split("dur=", 1)[1])


def refused(response: httpx.Response, *codes: str) -> dict[str, Any]:
    """The answer is a coded refusal, not a 500 nor a masked error, in bounded server time."""
    assert response.status_code < 500, response.text
    assert server_ms(response) < SERVER_BOUND_MS, response.headers["server-timing"]
    body = response.json()
    assert body.get("errors"), body
    found = {error["extensions"]["code"] for error in body["errors"]}
    assert found <= set(codes), body
    assert "INTERNAL_SERVER_ERROR" not in found
    text = response.text
    assert "Traceback" not in text
    assert "invalid literal" not in text
    return dict(body)


def global_id(type_name: str, node_id: str) -> str:
    return base64.b64encode(f"{type_name}:{node_id}".encode()).decode()


HOSTILE_SETTINGS = {
    "header_timeout_seconds": 0.5,
    "body_timeout_seconds": 0.5,
    "keep_alive_seconds": 1,
    "max_connections_per_address": 20,
    "max_body_bytes": 100_000,
    "rate_limit_per_address": "100000/minute",
    "rate_limit_per_key": "100000/minute",
    "log_format": "text",
}


@asynccontextmanager
async def serve(server: DatabaseServer, settings: Settings) -> AsyncIterator[Service]:
    async with server.clone() as url:
        engine = create_engine(url)
        try:
            async with engine.begin() as conn:
                admin = await api_keys.create_key(conn, "hostile-admin", KeyScope.ADMIN)
        finally:
            await engine.dispose()
        app = create_app(settings, database_url=url)
        options = {**server_options(settings), "log_level": "warning", "log_config": None}
        config = uvicorn.Config(app, host="127.0.0.1", port=0, **options)
        uvicorn_server = uvicorn.Server(config)
        task = asyncio.create_task(uvicorn_server.serve())
        while not uvicorn_server.started:  # uvicorn offers no event for it  # noqa: ASYNC110
            await asyncio.sleep(0.05)
        port = uvicorn_server.servers[0].sockets[0].getsockname()[1]
        address = f"127.0.0.1:{port}"
        try:
            async with httpx.AsyncClient(base_url=f"http://{address}", timeout=30) as http:
                yield Service(address, port, admin, url, http)
        finally:
            uvicorn_server.should_exit = True
            await task


@pytest.fixture(scope="module")
async def service(server: DatabaseServer) -> AsyncIterator[Service]:
    settings = Settings(_env_file=None, **HOSTILE_SETTINGS)  # type: ignore[arg-type]
    async with serve(server, settings) as running:
        yield running
