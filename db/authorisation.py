"""The facts a permission check needs: which projects a record belongs to, and whether a
partner has a role in them."""

from collections.abc import Collection, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from db import queries as q


async def partner_has_role_in_all(
    conn: AsyncConnection, partner_id: int, project_ids: Collection[int]
) -> bool:
    if not project_ids:
        return True
    linked = await conn.scalar(
        sa.select(sa.func.count(sa.distinct(q.project_partner.c.project_id))).where(
            q.project_partner.c.partner_id == partner_id,
            q.project_partner.c.project_id.in_(project_ids),
        )
    )
    return linked == len(set(project_ids))


async def projects_of(conn: AsyncConnection, table: str, ids: Sequence[int]) -> list[int]:
    """The projects the given records of a project's own (beneficiary groups, outcomes,
    transactions, budgets) belong to."""
    records: sa.Table = getattr(q, table)
    rows = await conn.execute(sa.select(records.c.project_id).where(records.c.id.in_(ids)))
    return [project_id for (project_id,) in rows.all()]


def writable_projects(partner_id: int) -> sa.Select[Any]:
    return sa.select(q.project_partner.c.project_id).where(
        q.project_partner.c.partner_id == partner_id
    )
