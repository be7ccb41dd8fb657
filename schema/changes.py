"""The ``changes`` root field: the audit trail, for admins and for the keys that write."""

import datetime
from typing import Annotated, Any

import strawberry
from sqlalchemy.engine import RowMapping
from strawberry import relay
from strawberry.scalars import JSON

from db.changes import IN_ORDER, change_condition
from db.enums import ChangeOperation
from schema.descriptions import described_enum
from schema.info import Info
from schema.pagination import After, Connection, First, Listing
from schema.permissions import CanReadChanges, principal_of

RECORD_TYPES = {
    "partner": "Partner",
    "programme": "Programme",
    "project": "Project",
    "beneficiary_group": "BeneficiaryGroup",
    "outcome": "Outcome",
    "contribution": "Contribution",
}

described_enum(
    ChangeOperation,
    "What a write did to a record.",
    CREATE="The record was created; `after` holds its fields.",
    UPDATE="Some fields changed; `before` and `after` hold only those.",
    DELETE="The record was deleted: the tombstone a mirror deletes by; `before` holds its "
    "last fields.",
)


@strawberry.type(description="One committed write. A DELETE is the tombstone of a record.")
class Change(relay.Node):
    id: relay.NodeID[int]
    position: int = strawberry.field(
        description="Place in commit order; resume a `changes` subscription with `since`."
    )
    at: datetime.datetime = strawberry.field(
        description="When the write was committed, with its time zone."
    )
    key_name: str = strawberry.field(description="The API key that wrote it.")
    record_type: str = strawberry.field(
        description="Table written: partner, project, beneficiary_group, project_partner..."
    )
    record_id: int = strawberry.field(description="The record's id within its table.")
    operation: ChangeOperation = strawberry.field(
        description="CREATE, UPDATE or DELETE of the record."
    )
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


@strawberry.field(
    description="Committed writes in the order they happened, deletions included: a mirror "
    "replays them to stay in sync. Admin keys see all; a partner's key sees the changes to "
    "the projects it may write.",
    permission_classes=[CanReadChanges],
)
async def changes(
    info: Info,
    since: Annotated[
        datetime.datetime | None,
        strawberry.argument(description="Only changes committed at or after this time."),
    ] = None,
    record_types: Annotated[
        list[str] | None,
        strawberry.argument(
            description="Only changes to these tables, by table name (project, "
            "project_partner, beneficiary_group...); null: all."
        ),
    ] = None,
    first: First = None,
    after: After = None,
) -> Connection[Change]:
    principal = principal_of(info)
    scoped = not principal.is_admin
    where: Any = change_condition(
        since=since,
        record_types=None if record_types is None else tuple(record_types),
        visible_to_partner=principal.partner_id if scoped else None,
        projects_only=scoped,
    )
    listing = Listing(IN_ORDER, where, Change.from_row)
    return await Connection.resolve_connection(listing, info=info, first=first, after=after)
