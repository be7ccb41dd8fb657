"""A transaction of a project (an IATI ``transaction``), as the finance mutations answer it."""

import datetime
from decimal import Decimal

import strawberry
from sqlalchemy.engine import RowMapping
from strawberry import relay

from schema.types.common import CREATED_AT, UPDATED_AT

VERSION = "Bumped by every update; an update or delete must state the version it read."


def narrative_text(narratives: list[dict[str, str | None]] | None) -> str | None:
    """The first narrative's text: the one a file without ``xml:lang`` gives."""
    return narratives[0]["text"] if narratives else None


@strawberry.type(description="An organisation money moves from or to, as the record names it.")
class TransactionOrg:
    ref: str | None = strawberry.field(description="Its organisation identifier, as written.")
    name: str | None = strawberry.field(description="Its name, as written.")
    type: str | None = strawberry.field(description="IATI OrganisationType code.")
    activity_id: str | None = strawberry.field(
        description="The IATI identifier of its activity the money comes from or goes to."
    )


@strawberry.type(description="Money moving in or out of a project (IATI transaction).")
class Transaction(relay.Node):
    id: relay.NodeID[int]
    version: int = strawberry.field(description=VERSION)
    created_at: datetime.datetime = strawberry.field(description=CREATED_AT)
    updated_at: datetime.datetime = strawberry.field(description=UPDATED_AT)
    ref: str | None = strawberry.field(description="The publisher's reference, if any.")
    transaction_type: str = strawberry.field(
        description="IATI TransactionType code: 1 Incoming Funds, 2 Outgoing Commitment, "
        "3 Disbursement, 4 Expenditure, …"
    )
    transaction_date: datetime.date = strawberry.field(description="When it took place.")
    value: Decimal = strawberry.field(description="Exact and signed (a correction is negative).")
    currency: str = strawberry.field(description="ISO 4217 code of the value.")
    value_date: datetime.date | None = strawberry.field(
        description="The date to convert the value at."
    )
    description: str | None = strawberry.field(description="What it was for.")
    provider_org: TransactionOrg | None = strawberry.field(description="Who paid.")
    receiver_org: TransactionOrg | None = strawberry.field(description="Who received.")
    humanitarian: bool | None = strawberry.field(description="Humanitarian, as stated.")
    recipient_country: str | None = strawberry.field(
        description="ISO 3166-1 alpha-2 code of the transaction's own recipient country."
    )
    flow_type: str | None = strawberry.field(description="IATI FlowType code.")
    finance_type: str | None = strawberry.field(description="IATI FinanceType code.")
    tied_status: str | None = strawberry.field(description="IATI TiedStatus code.")
    disbursement_channel: str | None = strawberry.field(
        description="IATI DisbursementChannel code."
    )

    @classmethod
    def from_row(cls, row: RowMapping) -> "Transaction":
        return cls(
            id=row["id"],
            version=row["version"],
            created_at=row["created_at"],
            updated_at=row["updated_at"],
            ref=row["ref"],
            transaction_type=row["transaction_type"],
            transaction_date=row["transaction_date"],
            value=row["value"],
            currency=row["currency"],
            value_date=row["value_date"],
            description=narrative_text(row["description"]),
            provider_org=_org(row, "provider"),
            receiver_org=_org(row, "receiver"),
            humanitarian=row["humanitarian"],
            recipient_country=row["recipient_country_code"],
            flow_type=row["flow_type"],
            finance_type=row["finance_type"],
            tied_status=row["tied_status"],
            disbursement_channel=row["disbursement_channel"],
        )


def _org(row: RowMapping, side: str) -> TransactionOrg | None:
    ref, name = row[f"{side}_org_ref"], narrative_text(row[f"{side}_org_narratives"])
    kind, activity = row[f"{side}_org_type"], row[f"{side}_activity_id"]
    if ref is None and name is None and kind is None and activity is None:
        return None
    return TransactionOrg(ref=ref, name=name, type=kind, activity_id=activity)
