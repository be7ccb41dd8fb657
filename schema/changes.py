"""The ``changes`` root field: the audit trail, for admins and for the keys that write."""

import datetime
from collections.abc import Iterable
from typing import Any

import strawberry
from sqlalchemy.engine import RowMapping
from strawberry import relay
from strawberry.scalars import JSON

from db.changes import IN_ORDER, change_condition, changes_by_id
from db.enums import ChangeOperation
from schema.info import Info
from schema.pagination import Connection, Listing
from schema.permissions import CanReadChanges, principal_of

RECORD_TYPES = {
    "partner": "Partner",
    "programme": "Programme",
    "project": "Project",
    "beneficiary_group": "BeneficiaryGroup",
    "outcome": "Outcome",
    "contribution": "Contribution",
}

strawberry.enum(ChangeOperation)


@strawberry.type(description="One committed write. A DELETE is the tombstone of a record.")
class Change(relay.Node):
    id: relay.NodeID[int]
    position: int = strawberry.field(
        description="Place in commit order; resume a `changes` subscription with `since`."
    )
    at: datetime.datetime
    key_name: str = strawberry.field(description="The API key that wrote it.")
    record_type: str = strawberry.field(
        description="Table written: partner, project, beneficiary_group, project_partner..."
    )
    record_id: int = strawberry.field(description="The record's id within its table.")
    operation: ChangeOperation
    record_version: int | None = strawberry.field(
        description="The record's version after the write (for a DELETE, the version deleted)."
    )
    before: JSON | None = strawberry.field(description="Changed fields before; null on CREATE.")
    after: JSON | None = strawberry.field(description="Changed fields after; null on DELETE.")

    @strawberry.field(description="The record's global id, for records that have one.")
    def record_global_id(self) -> strawberry.ID | None:
        type_name = RECORD_TYPES.get(self.record_type)
        if type_name is None:
            return None
        return strawberry.ID(str(relay.GlobalID(type_name, str(self.record_id))))

    @classmethod
    async def resolve_nodes(
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[Any]:
        """``node(id:)`` shows a change to whom ``changes`` would: ``null`` for the rest."""
        wanted = [int(i) for i in node_ids]
        rows = await info.context.read(changes_by_id, wanted, _visible(info))
        return [None if (row := rows.get(i)) is None else cls.from_row(row) for i in wanted]

    @classmethod
    def from_row(cls, row: RowMapping) -> "Change":
        return cls(
            id=row["id"],
            position=row["position"],
            record_version=row["record_version"],
            at=row["at"],
            key_name=row["key_name"],
            record_type=row["record_type"],
            record_id=row["record_id"],
            operation=ChangeOperation(row["operation"]),
            before=row["before"],
            after=row["after"],
        )


def _visible(
    info: Info,
    *,
    since: datetime.datetime | None = None,
    record_types: tuple[str, ...] | None = None,
) -> Any:
    """What the request's key may see of the audit trail (UNAUTHENTICATED without one)."""
    principal = principal_of(info)
    scoped = not principal.is_admin
    return change_condition(
        since=since,
        record_types=record_types,
        visible_to_partner=principal.partner_id if scoped else None,
        projects_only=scoped,
    )


@strawberry.field(
    description="Committed writes in the order they happened, deletions included: a mirror "
    "replays them to stay in sync. Admin keys see all; a partner's key sees the changes to "
    "the projects it may write.",
    permission_classes=[CanReadChanges],
)
async def changes(
    info: Info,
    since: datetime.datetime | None = None,
    record_types: list[str] | None = None,
    first: int | None = None,
    after: str | None = None,
) -> Connection[Change]:
    where: Any = _visible(
        info, since=since, record_types=None if record_types is None else tuple(record_types)
    )
    listing = Listing(IN_ORDER, where, Change.from_row)
    return await Connection.resolve_connection(listing, info=info, first=first, after=after)
