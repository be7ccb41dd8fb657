"""The change hub never skips a change: its position is known before it says it listens,
and a delivery that fails is read again from that position."""

import asyncio
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncConnection

from db import changes, writes
from db import queries as q
from db.dataset.loader import read_dataset, seed_dataset
from db.engine import create_engine
from db.migrate import upgrade_to_head
from service import change_hub
from service.change_hub import ChangeHub


async def test_a_change_committed_while_the_first_delivery_fails_is_delivered(
    fresh_database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = create_engine(fresh_database_url)
    async with engine.begin() as conn:
        await upgrade_to_head(conn)
        await seed_dataset(conn, read_dataset())
        before = await changes.last_position(conn)
    calls = 0

    async def failing_once(conn: AsyncConnection, position: int) -> Any:
        nonlocal calls
        calls += 1
        if calls == 1:
            # A change commits, then the delivery's read fails (the database went away).
            async with engine.begin() as writer:
                await writes.update(writer, q.project, 1, 1, {"title": "meanwhile"}, key_name="x")
            raise ConnectionError("lost before the first delivery finished")
        return await changes.changes_after(conn, position)

    monkeypatch.setattr(change_hub, "changes_after", failing_once)
    hub = ChangeHub(engine, fresh_database_url, reconnect_delay=0.05)
    subscriber = hub.subscribe()
    await hub.start()
    try:
        await asyncio.wait_for(hub.listening.wait(), 10)
        # Known before the hub said it listens, so no later read can move it past a change.
        assert hub.position == before
        delivered = await asyncio.wait_for(subscriber.next(), 10)
    finally:
        await hub.stop()
        await engine.dispose()
    assert calls >= 2
    assert delivered["position"] == before + 1
    assert delivered["after"]["title"] == "meanwhile"
