"""The ``changes`` root field: the audit trail, for admins and for the keys that write."""

import datetime
from collections.abc import Iterable
from enum import Enum
from typing import Annotated, Any

import strawberry
from sqlalchemy.engine import RowMapping
from strawberry import relay
from strawberry.scalars import JSON

from db.changes import IN_ORDER, change_condition, changes_by_id
from db.enums import ChangeOperation
from schema.descriptions import described_enum
from schema.errors import bad_user_input
from schema.filters import decode_ids
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


class RecordType(Enum):
    PARTNER = "partner"
    PROGRAMME = "programme"
    PROGRAMME_PARTNER = "programme_partner"
    PROJECT = "project"
    PROJECT_PARTNER = "project_partner"
    PROJECT_PROGRAMME = "project_programme"
    PROJECT_COUNTRY = "project_country"
    PROJECT_REGION = "project_region"
    PROJECT_THEME = "project_theme"
    BENEFICIARY_GROUP = "beneficiary_group"
    OUTCOME = "outcome"
    CONTRIBUTION = "contribution"
    TRANSACTION = "activity_transaction"
    BUDGET = "activity_budget"


described_enum(
    RecordType,
    "The kinds of record a change can be to (the audited tables).",
    PARTNER="A partner (organisation).",
    PROGRAMME="A programme or phase.",
    PROGRAMME_PARTNER="A partner's link to a programme in a role.",
    PROJECT="A project's own fields.",
    PROJECT_PARTNER="A partner's link to a project in a role, with its amount.",
    PROJECT_PROGRAMME="A project's membership of a programme.",
    PROJECT_COUNTRY="A project's link to a country in a role.",
    PROJECT_REGION="A project's link to a recipient region.",
    PROJECT_THEME="A project's link to a theme.",
    BENEFICIARY_GROUP="A beneficiary group of a project.",
    OUTCOME="An outcome of a project.",
    CONTRIBUTION="A contribution between partners.",
    TRANSACTION="A transaction of a project (IATI transaction).",
    BUDGET="A budget of a project for one period (IATI budget).",
)


def record_types_of(names: list[str]) -> tuple[str, ...]:
    """The deprecated ``recordTypes`` names (table names, or the enum's): one that names no
    audited table is refused rather than matching nothing."""
    known = {t.value: t.value for t in RecordType} | {t.name: t.value for t in RecordType}
    unknown = [name for name in names if name not in known]
    if unknown:
        raise bad_user_input(
            f"Not a record type: {', '.join(map(repr, unknown))}; use `types` with one of "
            f"{', '.join(t.name for t in RecordType)}.",
            argument="recordTypes",
        )
    return tuple(known[name] for name in names)


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
        description="Table written: partner, project, beneficiary_group, project_partner...",
        deprecation_reason="Use `type`, the RecordType that `changes(types:)` takes.",
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

    @strawberry.field(
        name="type",
        description="The kind of record written, as `changes(types:)` names it; null only for "
        "a table this schema has no RecordType for.",
    )
    def record_kind(self) -> RecordType | None:
        try:
            return RecordType(self.record_type)
        except ValueError:
            return None

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
    after_position: int | None = None,
    project_ids: tuple[int, ...] | None = None,
) -> Any:
    """What the request's key may see of the audit trail (UNAUTHENTICATED without one)."""
    principal = principal_of(info)
    scoped = not principal.is_admin
    return change_condition(
        since=since,
        record_types=record_types,
        visible_to_partner=principal.partner_id if scoped else None,
        projects_only=scoped,
        after_position=after_position,
        project_ids=project_ids,
    )


ChangeTypes = Annotated[
    list[RecordType] | None,
    strawberry.argument(description="Only changes to these kinds of record; null: all."),
]
"""The ``types`` argument of the ``changes`` query and subscription, which take one shape."""
ChangeProjects = Annotated[
    list[strawberry.ID] | None,
    strawberry.argument(
        description="Only changes to these projects and their links, groups and outcomes "
        "(global ids of projects); null: any."
    ),
]


@strawberry.field(
    description="Committed writes in the order they happened, deletions included: a mirror "
    "replays them to stay in sync, resuming `since` the last `position` it read (the same "
    "arguments as the `changes` subscription). Admin keys see all; a partner's key sees the "
    "changes to the projects it may write.",
    permission_classes=[CanReadChanges],
)
async def changes(
    info: Info,
    types: ChangeTypes = None,
    project_ids: ChangeProjects = None,
    since: Annotated[
        int | None,
        strawberry.argument(
            description="A change's `position`, such as the last one a client has read: only "
            "the changes after it. Null: from the first."
        ),
    ] = None,
    first: First = None,
    after: After = None,
    record_types: Annotated[
        list[str] | None,
        strawberry.argument(
            description="Only changes to these tables, by table name (project_partner) or "
            "RecordType name; an unknown one is BAD_USER_INPUT.",
            deprecation_reason="Use `types` (the RecordType enum).",
        ),
    ] = None,
    since_time: Annotated[
        datetime.datetime | None,
        strawberry.argument(
            description="Only the changes committed at or after this time.",
            deprecation_reason="Use `since` with a change's `position`: positions follow "
            "commit order, times do not.",
        ),
    ] = None,
) -> Connection[Change]:
    wanted = None if types is None else tuple(t.value for t in types)
    if record_types is not None:
        wanted = (wanted or ()) + record_types_of(record_types)
    where: Any = _visible(
        info,
        since=since_time,
        record_types=wanted,
        after_position=since,
        project_ids=decode_ids(project_ids, "Project", "projectIds"),
    )
    listing = Listing(IN_ORDER, where, Change.from_row)
    return await Connection.resolve_connection(listing, info=info, first=first, after=after)
