"""Reading the audit trail: what changed since a moment, within what a key may see."""

from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from db.authorisation import writable_projects
from db.conditions import Condition
from db.keyset import Ordering, OrderKey
from db.metadata import table_of
from db.tables import Change

change = table_of(Change)

IN_ORDER = Ordering(change, (OrderKey("position", change.c.position, unique=True, nullable=False),))
"""Changes in the order they were committed (see ``ChangeCounter``)."""


def change_condition(
    *,
    since: datetime | None,
    record_types: tuple[str, ...] | None,
    visible_to_partner: int | None,
    projects_only: bool,
    after_position: int | None = None,
    project_ids: tuple[int, ...] | None = None,
) -> Condition:
    """``visible_to_partner``: only changes to the projects that partner may write;
    ``projects_only``: only changes that belong to a project (a write key's view);
    ``after_position``: only changes committed after that one."""
    return sa.and_(
        sa.true() if since is None else change.c.at >= since,
        sa.true() if after_position is None else change.c.position > after_position,
        sa.true() if project_ids is None else change.c.project_id.in_(project_ids),
        sa.true() if record_types is None else change.c.record_type.in_(record_types),
        sa.true()
        if visible_to_partner is None
        else change.c.project_id.in_(writable_projects(visible_to_partner)),
        change.c.project_id.is_not(None) if projects_only else sa.true(),
    )


CHANNEL = "coopgraph_changes"
"""The channel every committed change is announced on (the trigger of migration 0005)."""


async def changes_after(
    conn: AsyncConnection, position: int, *, limit: int = 500
) -> Sequence[RowMapping]:
    """The next committed changes after ``position``, in commit order."""
    stmt = (
        sa.select(change)
        .where(change.c.position > position)
        .order_by(change.c.position)
        .limit(limit)
    )
    return (await conn.execute(stmt)).mappings().all()


async def last_position(conn: AsyncConnection) -> int:
    return int(await conn.scalar(sa.select(sa.func.max(change.c.position))) or 0)


async def projects_visible_to(conn: AsyncConnection, partner_id: int) -> set[int]:
    rows = await conn.execute(writable_projects(partner_id))
    return {project_id for (project_id,) in rows.all()}


async def changes_by_id(
    conn: AsyncConnection, ids: Sequence[int], visible: Condition
) -> dict[int, RowMapping]:
    """The changes among ``ids`` that ``visible`` lets through, by id (one query)."""
    rows = await conn.execute(sa.select(change).where(change.c.id.in_(ids), visible))
    return {row["id"]: row for row in rows.mappings()}
