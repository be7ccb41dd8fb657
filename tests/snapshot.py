"""Whole-database digests: a test proves a refused write changed nothing by comparing them."""

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from db.metadata import metadata


async def table_digests(conn: AsyncConnection) -> dict[str, str]:
    """Every table's rows, as one digest per table: equal snapshots, identical data."""
    digests = {}
    for table in metadata.sorted_tables:
        digests[table.name] = await conn.scalar(
            sa.text(
                "SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), ''))"
                f" FROM {table.name} t"
            )
        )
    return digests
