"""Apply Alembic migrations on an open connection, and tell whether a database is current."""

from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncConnection

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def _upgrade(connection: Connection) -> None:
    config = alembic_config()
    config.attributes["connection"] = connection
    command.upgrade(config, "head")


SETUP_LOCK = 0x636F6F70  # "coop": any constant shared by every replica
"""The advisory lock held by whoever migrates or seeds."""


async def hold_setup_lock(conn: AsyncConnection) -> None:
    """Replicas started together would race to create the same tables and rows: one at a
    time sets up, the others wait and then find nothing left to do. Held until the
    transaction ends."""
    await conn.execute(sa.select(sa.func.pg_advisory_xact_lock(SETUP_LOCK)))


async def upgrade_to_head(conn: AsyncConnection) -> None:
    await hold_setup_lock(conn)
    await conn.run_sync(_upgrade)


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


async def current_revision(conn: AsyncConnection) -> str | None:
    def _current(connection: Connection) -> str | None:
        return MigrationContext.configure(connection).get_current_revision()

    return await conn.run_sync(_current)
