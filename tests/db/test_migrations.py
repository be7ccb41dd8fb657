"""The migrations build exactly the schema the SQLModel tables describe."""

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncConnection

from db.metadata import metadata
from db.migrate import current_revision, head_revision


async def test_database_is_at_head(conn: AsyncConnection) -> None:
    assert await current_revision(conn) == head_revision()


async def test_migrations_match_tables(conn: AsyncConnection) -> None:
    def diff(sync: Connection) -> list[Any]:
        context = MigrationContext.configure(sync, opts={"compare_type": True})
        return list(compare_metadata(context, metadata))

    assert await conn.run_sync(diff) == []
