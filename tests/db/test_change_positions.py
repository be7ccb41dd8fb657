"""Audit entries take consecutive positions from the change counter, which moves once per
statement (migration 0015): many entries in one ``COPY``, entries one by one, and a
savepoint rolled back, which gives its positions back."""

import asyncio
from typing import Any

import asyncpg
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from db import writes
from db.changes import CHANNEL
from db.enums import ChangeOperation
from db.metadata import table_of
from db.tables import ChangeCounter

counter = table_of(ChangeCounter)


def entry(record_id: int) -> dict[str, Any]:
    return {
        "key_name": "test:positions",
        "record_type": "project",
        "record_id": record_id,
        "operation": ChangeOperation.UPDATE.value,
        "before": {"title": "before"},
        "after": {"title": "after"},
        "project_id": None,
        "record_version": 2,
    }


async def counted(conn: AsyncConnection) -> int:
    return int((await conn.execute(sa.select(counter.c.position))).scalar_one())


async def positions(conn: AsyncConnection) -> list[int]:
    rows = await conn.execute(
        sa.select(writes.change.c.position)
        .where(writes.change.c.key_name == "test:positions")
        .order_by(writes.change.c.record_id)
    )
    return list(rows.scalars())


async def test_entries_copied_together_take_consecutive_positions(conn: AsyncConnection) -> None:
    start = await counted(conn)
    await writes.record_changes(conn, [entry(i) for i in range(1, 301)])
    await conn.execute(sa.insert(writes.change).values(**entry(301)))
    await conn.execute(sa.insert(writes.change).values(**entry(302)))
    assert await positions(conn) == list(range(start + 1, start + 303))
    assert await counted(conn) == start + 302


async def test_a_rolled_back_savepoint_gives_its_positions_back(conn: AsyncConnection) -> None:
    start = await counted(conn)
    await writes.record_changes(conn, [entry(1)])
    savepoint = await conn.begin_nested()
    await writes.record_changes(conn, [entry(i) for i in range(2, 12)])
    await savepoint.rollback()
    await writes.record_changes(conn, [entry(12), entry(13)])
    assert await positions(conn) == [start + 1, start + 2, start + 3]
    assert await counted(conn) == start + 3


async def test_every_entry_committed_is_announced(fresh_database_url: str) -> None:
    dsn = sa.engine.make_url(fresh_database_url).set(drivername="postgresql")
    url = dsn.render_as_string(hide_password=False)
    heard: list[str] = []
    listener = await asyncpg.connect(url)
    writer = await asyncpg.connect(url)
    try:
        await listener.add_listener(CHANNEL, lambda *args: heard.append(args[3]))
        start = int(await writer.fetchval("SELECT position FROM change_counter"))
        async with writer.transaction():
            await writer.copy_records_to_table(
                "change",
                records=[("test:positions", "project", i, "UPDATE") for i in range(1, 6)],
                columns=["key_name", "record_type", "record_id", "operation"],
            )
        for _ in range(50):
            if len(heard) == 5:
                break
            await asyncio.sleep(0.05)
        assert heard == [str(start + i) for i in range(1, 6)]
        assert await writer.fetchval("SELECT position FROM change_counter") == start + 5
    finally:
        await listener.close()
        await writer.close()
