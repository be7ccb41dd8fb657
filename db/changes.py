"""Reading the audit trail: what changed since a moment, within what a key may see."""

from datetime import datetime

import sqlalchemy as sa

from db.authorisation import writable_projects
from db.conditions import Condition
from db.keyset import Ordering, OrderKey
from db.metadata import table_of
from db.tables import Change

change = table_of(Change)

IN_ORDER = Ordering(change, (OrderKey("id", change.c.id, unique=True, nullable=False),))
"""Changes in the order they were written."""


def change_condition(
    *,
    since: datetime | None,
    record_types: tuple[str, ...] | None,
    visible_to_partner: int | None,
    projects_only: bool,
) -> Condition:
    """``visible_to_partner``: only changes to the projects that partner may write;
    ``projects_only``: only changes that belong to a project (a write key's view)."""
    return sa.and_(
        sa.true() if since is None else change.c.at >= since,
        sa.true() if record_types is None else change.c.record_type.in_(record_types),
        sa.true()
        if visible_to_partner is None
        else change.c.project_id.in_(writable_projects(visible_to_partner)),
        change.c.project_id.is_not(None) if projects_only else sa.true(),
    )
