"""The orders lists can be paged through, each a keyset ``Ordering``.

Text sorts with the ``C`` collation so every server agrees. Orderings by a unique code
(projects, groups, outcomes) page from its index at the same cost at any depth; projects by
start read their first page from an index; the others sort the matching rows first
(``bench/keyset_depth.py`` measures it). A parent's projects in an ordering its links carry
(``LINKED_KEYS``) walk the link table's index instead of sorting all the parent's projects.
"""

from collections.abc import Sequence
from typing import Any

from sqlalchemy.sql import ColumnElement, FromClause

from db import queries as q
from db.columns import TEXT_COLLATION
from db.conditions import project_end, project_start
from db.keyset import Ordering, OrderKey

PROJECT_ORDER_FIELDS = {
    "CODE": q.project.c.code.collate(TEXT_COLLATION),
    "TITLE": q.project.c.title.collate(TEXT_COLLATION),
    "START": project_start,
    "END": project_end,
    "BUDGET": q.project.c.budget_amount,
    "STATUS": q.project.c.status,
}


def project_ordering(fields: Sequence[tuple[str, bool]]) -> Ordering:
    """Projects ordered by ``(field, descending)`` pairs; by code when none is given."""
    keys = [OrderKey(name.lower(), PROJECT_ORDER_FIELDS[name], desc) for name, desc in fields]
    if not keys:
        keys = [OrderKey("code", PROJECT_ORDER_FIELDS["CODE"])]
    keys = [
        OrderKey(k.name, k.expression, k.descending, unique=k.name == "code", nullable=False)
        if k.name in ("code", "title")
        else k
        for k in keys
    ]
    return Ordering(q.project, tuple(keys))


def _by_code(table: str) -> OrderKey:
    return OrderKey(
        "code", getattr(q, table).c.code.collate(TEXT_COLLATION), unique=True, nullable=False
    )


PARTNERS = Ordering(q.partner, (OrderKey("name", q.partner.c.name.collate(TEXT_COLLATION)),))
PROGRAMMES = Ordering(q.programme, (OrderKey("name", q.programme.c.name.collate(TEXT_COLLATION)),))
BENEFICIARY_GROUPS = Ordering(q.beneficiary_group, (_by_code("beneficiary_group"),))
OUTCOMES = Ordering(q.outcome, (_by_code("outcome"),))
CONTRIBUTIONS = Ordering(
    q.contribution,
    (OrderKey("period", q.contribution.c.period_start_year), _by_code("contribution")),
)
AGREEMENTS = Ordering(
    q.agreement, (OrderKey("signed", q.agreement.c.signed_on), _by_code("agreement"))
)


LINKED_KEYS = {"code": "project_code"}
"""The project sort keys a project link carries as columns of its own (migration 0015), by
key name: an ordering of these alone is served by the link's index on (parent, keys,
project)."""


def through_link(ordering: Ordering, link: FromClause) -> list[ColumnElement[Any]] | None:
    """``ordering``'s sort expressions (the id last, where it breaks ties) on the columns of
    ``link``, a project link table; None when the link does not carry every key."""
    if ordering.table is not q.project or any(k.name not in LINKED_KEYS for k in ordering.keys):
        return None
    keys: list[ColumnElement[Any]] = [
        link.c[LINKED_KEYS[k.name]].collate(TEXT_COLLATION) for k in ordering.keys
    ]
    if ordering.width > len(keys):
        keys.append(link.c.project_id)
    return keys
