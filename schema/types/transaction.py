"""An IATI activity's transactions: money committed, disbursed, spent or received."""

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry import relay

from schema.info import Info
from schema.types.classification import AidType, RegionLink, Sector
from schema.types.code import Code, code
from schema.types.money import Money
from schema.types.narrative import Lang, Narrative, narratives, text_in
from schema.types.node import LoadedNode
from schema.types.organisation_ref import OrganisationReference

if TYPE_CHECKING:
    from schema.types.project import Project
    from schema.types.reference import Country

MAX_CODES = 100
"""Codes or years a filter may list: more than any codelist a filter would name."""


@strawberry.input(description="Which of a project's transactions to list; all conditions hold.")
class TransactionFilter:
    types: list[str] | None = strawberry.field(
        default=None,
        description="TransactionType codes (1 Incoming Funds, 2 Outgoing Commitment, "
        "3 Disbursement, 4 Expenditure, 11 Incoming Commitment...): any of them.",
    )
    years: list[int] | None = strawberry.field(
        default=None, description="Calendar years of the transaction date: any of them."
    )
    humanitarian: bool | None = strawberry.field(
        default=None, description="Only transactions flagged humanitarian (true) or not."
    )


def checked_transaction_filter(found: TransactionFilter | None, argument: str) -> None:
    from schema.errors import bad_user_input

    if found is None:
        return
    for name, values in (("types", found.types), ("years", found.years)):
        if values is not None and len(values) > MAX_CODES:
            raise bad_user_input(
                f"At most {MAX_CODES} {name} at a time.", argument=f"{argument}.{name}"
            )
    if found.types is not None and any(len(t) > 10 for t in found.types):
        raise bad_user_input("A TransactionType code is short.", argument=f"{argument}.types")


def transaction_matches(t: "Transaction", found: TransactionFilter | None) -> bool:
    if found is None:
        return True
    if found.types is not None and t.type.code not in found.types:
        return False
    if found.years is not None and t.date.year not in found.years:
        return False
    return found.humanitarian is None or bool(t.humanitarian) == found.humanitarian


@strawberry.type(
    description="An IATI transaction: money an activity committed, disbursed, spent or "
    "received, between two organisations, as the publisher's file states it."
)
class Transaction(LoadedNode):
    id: relay.NodeID[int]
    version: int = strawberry.field(
        description="Bumped by every update; an update or delete must state the version it read."
    )
    ref: str | None = strawberry.field(
        description="The publisher's own reference of the transaction; most have none."
    )
    type: Code = strawberry.field(
        description="Its @code, a TransactionType code: 1 Incoming Funds, 2 Outgoing "
        "Commitment, 3 Disbursement, 4 Expenditure, 11 Incoming Commitment..."
    )
    date: datetime.date = strawberry.field(description="The transaction-date: when it happened.")
    value: Money | None = strawberry.field(
        description="Its value, exact and signed (a negative value corrects or reimburses), "
        "in its currency or the activity's default one; null only where neither is given."
    )
    humanitarian: bool | None = strawberry.field(
        description="Its @humanitarian flag; null where the file gives none (the activity's "
        "own flag then applies)."
    )
    description_narratives: list[Narrative] = strawberry.field(
        description="Its description in every language the file gives."
    )
    provider_org: OrganisationReference | None = strawberry.field(
        description="Where the money comes from; null when the file names none."
    )
    receiver_org: OrganisationReference | None = strawberry.field(
        description="Where the money goes; null when the file names none."
    )
    disbursement_channel: Code | None = strawberry.field(
        description="A DisbursementChannel code: how the money flows; null if not given."
    )
    sectors: list[Sector] = strawberry.field(
        description="The transaction's own sectors (2.03 allows them instead of the "
        "activity's); empty when it has none."
    )
    recipient_country_code: str | None = strawberry.field(
        description="The transaction's recipient-country @code as written (a code the "
        "codelists lack is kept); null when it has none."
    )
    recipient_region: RegionLink | None = strawberry.field(
        description="The transaction's recipient-region; null when it has none."
    )
    flow_type: Code | None = strawberry.field(
        description="A FlowType code (10 ODA...); null: the activity's default flow type."
    )
    finance_type: Code | None = strawberry.field(
        description="A FinanceType code (110 Standard grant...); null: the activity's default."
    )
    aid_types: list[AidType] = strawberry.field(
        description="Its aid-type elements (one per vocabulary); empty: the activity's default."
    )
    tied_status: Code | None = strawberry.field(
        description="A TiedStatus code (5 Untied...); null: the activity's default."
    )
    project_id: strawberry.Private[int]
    default_lang: strawberry.Private[str | None]

    @classmethod
    def from_row(cls, row: Mapping[Any, Any]) -> "Transaction":
        lang = row["_lang"]
        region = None
        if row["recipient_region_code"] is not None:
            region = RegionLink.iati(
                vocabulary=row["recipient_region_vocabulary"],
                code_value=row["recipient_region_code"],
                vocabulary_uri=row["recipient_region_vocabulary_uri"],
                percentage=None,
                names=row["recipient_region_narratives"],
                project_id=row["project_id"],
                default_lang=lang,
            )
        return cls(
            id=row["id"],
            version=row["version"],
            ref=row["ref"],
            type=Code(code=row["transaction_type"], codelist="TransactionType"),
            date=row["transaction_date"],
            value=Money.iati(row["value"], row["currency"], row["value_date"]),
            humanitarian=row["humanitarian"],
            description_narratives=narratives(row["description"]),
            provider_org=OrganisationReference.of(
                row, "provider", lang, row["provider_partner_id"]
            ),
            receiver_org=OrganisationReference.of(
                row, "receiver", lang, row["receiver_partner_id"]
            ),
            disbursement_channel=code("DisbursementChannel", row["disbursement_channel"]),
            sectors=[Sector.of_json(s, lang) for s in row["sectors"] or []],
            recipient_country_code=row["recipient_country_code"],
            recipient_region=region,
            flow_type=code("FlowType", row["flow_type"]),
            finance_type=code("FinanceType", row["finance_type"]),
            aid_types=[AidType.of_json(a) for a in row["aid_types"] or []],
            tied_status=code("TiedStatus", row["tied_status"]),
            project_id=row["project_id"],
            default_lang=lang,
        )

    @strawberry.field(description="Its description in `lang`, or the activity's default language.")
    def description(self, lang: Lang = None) -> str | None:
        raw = [{"lang": n.lang, "text": n.text} for n in self.description_narratives]
        return text_in(raw, lang, self.default_lang)

    @strawberry.field(description="The recipient country, when its code is one the service holds.")
    async def recipient_country(
        self, info: Info
    ) -> Annotated["Country", strawberry.lazy("schema.types.reference")] | None:
        if self.recipient_country_code is None:
            return None
        return await info.context.loaders.country.load(self.recipient_country_code)

    @strawberry.field(description="The project (IATI activity) the transaction belongs to.")
    async def project(
        self, info: Info
    ) -> Annotated["Project", strawberry.lazy("schema.types.project")]:
        from schema.context import load_one

        return await load_one(info.context.loaders.project, self.project_id)
