"""Records an import creates, held until the end of a batch of activities and written
together: one statement per table and batch instead of one per activity.

Each record takes its id when it is made, reserved from its table's sequence a few hundred
at a time (``db.table_copy.reserve_ids``), so links, citations and element rows can name
it before it is written. The records go in through ``db.writes.create_many``, in an order
where every record comes after those it refers to, with the same audit entries as when
they went in one by one.
"""

from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from db import queries as q
from db import writes
from db.table_copy import reserve_ids
from iati.synced import SYNCED

IDS_AT_ONCE = 256
"""Ids reserved per statement: a first import of a thousand activities takes a few
reservations per table; the ids left unused at the end are a gap in the sequence, as a
rolled-back insert leaves one."""

TABLES: tuple[sa.Table, ...] = (q.partner, q.programme, q.project, *SYNCED)
"""What an import creates, each table after those it refers to."""


class PendingRecords:
    def __init__(self) -> None:
        self.rows: dict[str, list[dict[str, Any]]] = {t.name: [] for t in TABLES}
        self._free: dict[str, list[int]] = {t.name: [] for t in TABLES}
        self.ids: set[tuple[str, int]] = set()
        """The records waiting here, as (table, id)."""

    async def new_id(self, conn: AsyncConnection, table: sa.Table) -> int:
        free = self._free[table.name]
        if not free:
            free.extend(reversed(await reserve_ids(conn, table, IDS_AT_ONCE)))
        return free.pop()

    async def add(self, conn: AsyncConnection, table: sa.Table, values: dict[str, Any]) -> int:
        """Hold a new record of ``table``; returns its id. ``values`` stays the record's
        until it is written: a later activity may complete it (a partner's identifier)."""
        values["id"] = await self.new_id(conn, table)
        self.rows[table.name].append(values)
        self.ids.add((table.name, values["id"]))
        return int(values["id"])

    def holds(self, table: sa.Table, record_id: int) -> bool:
        return self.holds_id(table.name, record_id)

    def holds_id(self, table_name: str, record_id: int) -> bool:
        return (table_name, record_id) in self.ids

    def __bool__(self) -> bool:
        return bool(self.ids)

    async def flush(self, conn: AsyncConnection, *, key_name: str) -> list[dict[str, Any]]:
        """Write the records; returns their audit entries, for the caller to write with
        the rest of the batch's."""
        trail: list[dict[str, Any]] = []
        for table in TABLES:
            rows = self.rows[table.name]
            if rows:
                await writes.create_many(conn, table, rows, key_name=key_name, trail=trail)
                self.rows[table.name] = []
        self.ids = set()
        return trail

    def forget(self) -> None:
        """Drop the records held (their batch was rolled back); reserved ids stay unused."""
        self.rows = {t.name: [] for t in TABLES}
        self.ids = set()
