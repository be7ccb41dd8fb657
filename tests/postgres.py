"""The PostgreSQL server the tests run against: ``TEST_DATABASE_URL``, or an embedded one."""

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from itertools import count
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import make_url

from db.dataset.loader import read_dataset, seed_dataset
from db.engine import create_engine
from db.migrate import upgrade_to_head
from service.embedded import EmbeddedPostgres

TEMPLATE = f"coopgraph_template_{os.getpid()}"
"""Named per test run, as every database here is, so runs on one server never meet."""
_fresh_names = count(1)


class DatabaseServer:
    """Creates databases on one server: a migrated, seeded template and clones of it."""

    def __init__(self) -> None:
        url = os.environ.get("TEST_DATABASE_URL")
        self.embedded: EmbeddedPostgres | None = None
        if url:
            self.maintenance_url = _asyncpg(url)
        else:
            data_dir = Path(os.environ.get("COOPGRAPH_TEST_DATA_DIR", ".coopgraph/test"))
            self.embedded = EmbeddedPostgres(data_dir)
            self.maintenance_url = self.embedded.url("postgres")

    def url(self, database: str) -> str:
        return (
            make_url(self.maintenance_url)
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

    async def drop_template(self) -> None:
        await self.admin(f'DROP DATABASE IF EXISTS "{TEMPLATE}" WITH (FORCE)')

    async def create_template(self) -> None:
        """Migrate and seed the template once; every test database is a copy of it."""
        await self.admin(
            f'DROP DATABASE IF EXISTS "{TEMPLATE}" WITH (FORCE)', f'CREATE DATABASE "{TEMPLATE}"'
        )
        engine = create_engine(self.url(TEMPLATE))
        try:
            async with engine.begin() as conn:
                await upgrade_to_head(conn)
                await seed_dataset(conn, read_dataset())
        finally:
            await engine.dispose()

    @asynccontextmanager
    async def clone(self, name: str | None = None) -> AsyncIterator[str]:
        """A fresh database copied from the template, dropped afterwards."""
        name = name or f"coopgraph_test_{os.getpid()}_{next(_fresh_names)}"
        await self.admin(
            f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)',
            f'CREATE DATABASE "{name}" TEMPLATE "{TEMPLATE}"',
        )
        try:
            yield self.url(name)
        finally:
            await self.admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _asyncpg(url: str) -> str:
    for prefix in ("postgresql+asyncpg://", "postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+asyncpg://" + url.removeprefix(prefix)
    raise ValueError("TEST_DATABASE_URL must be a postgresql:// URL")


async def terminate(url: str, pid: int) -> bool:
    """Ends a backend, as a restart or an administrator would, once it has exited."""
    other = create_engine(url)
    try:
        async with other.connect() as conn:
            # With a timeout, the server answers once the backend is gone (or the time is up).
            ended = await conn.scalar(
                sa.text("SELECT pg_terminate_backend(:pid, 5000)"), {"pid": pid}
            )
    finally:
        await other.dispose()
    return bool(ended)
