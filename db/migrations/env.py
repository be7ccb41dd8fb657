"""Alembic environment.

Run through ``db.migrate`` (``coopgraph migrate``), which hands over an open connection;
run by the ``alembic`` command line, it connects to the settings' ``DATABASE_URL``.
"""

import asyncio

from alembic import context
from sqlalchemy.engine import Connection

from db.metadata import metadata


def _run(connection: Connection) -> None:
    context.configure(connection=connection, target_metadata=metadata, compare_type=True)
    with context.begin_transaction():
        context.run_migrations()


async def _run_online() -> None:
    from db.engine import create_engine
    from service.settings import get_settings

    url = get_settings().database_url
    if url is None:
        raise SystemExit("DATABASE_URL is not set")
    engine = create_engine(url)
    async with engine.begin() as conn:
        await conn.run_sync(_run)
    await engine.dispose()


connection = context.config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:
    asyncio.run(_run_online())
