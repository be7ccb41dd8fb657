"""What the benchmarks share: the server they make scratch databases on (the embedded one
of the checkout, ``.coopgraph``, or the server of ``DATABASE_URL``; never the service's own
database), preparing one, and waiting for a ``coopgraph serve`` they started."""

import asyncio
import os
import socket
from pathlib import Path

import httpx
import sqlalchemy as sa

from db import api_keys
from db.dataset.loader import read_dataset, seed_dataset
from db.engine import create_engine
from db.enums import KeyScope
from db.migrate import upgrade_to_head
from service.embedded import EmbeddedPostgres

REPO = Path(__file__).resolve().parent.parent


class Server:
    """The server of the scratch database: the embedded one, or that of ``DATABASE_URL``."""

    def __init__(self) -> None:
        url = os.environ.get("DATABASE_URL")
        # Held for as long as the benchmark runs: the embedded server stops with its handle.
        self.embedded: EmbeddedPostgres | None = None
        if url:
            base = sa.engine.make_url(url).set(drivername="postgresql+asyncpg")
            self.maintenance_url = base.set(database="postgres").render_as_string(
                hide_password=False
            )
        else:
            self.embedded = EmbeddedPostgres(REPO / ".coopgraph")
            self.maintenance_url = self.embedded.url("postgres")

    def url(self, database: str) -> str:
        return (
            sa.engine.make_url(self.maintenance_url)
            .set(database=database)
            .render_as_string(hide_password=False)
        )

    async def admin(self, *statements: str) -> None:
        engine = create_engine(self.maintenance_url)
        try:
            async with engine.connect() as conn:
                conn = await conn.execution_options(isolation_level="AUTOCOMMIT")
                for statement in statements:
                    await conn.execute(sa.text(statement))
        finally:
            await engine.dispose()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


async def prepare(url: str, key_name: str) -> str:
    """Migrate and seed the database at ``url``; an admin key for the benchmark's writes."""
    engine = create_engine(url)
    try:
        async with engine.begin() as conn:
            await upgrade_to_head(conn)
            await seed_dataset(conn, read_dataset())
            return await api_keys.create_key(conn, key_name, KeyScope.ADMIN)
    finally:
        await engine.dispose()


async def wait_until_ready(client: httpx.AsyncClient, attempts: int = 100) -> None:
    """Until the service's ``/readyz`` answers 200 (it migrates and connects first)."""
    for _ in range(attempts):
        try:
            if (await client.get("/readyz")).status_code == 200:
                return
        except httpx.TransportError:
            pass
        await asyncio.sleep(0.2)
    raise RuntimeError("the service did not become ready")
