"""The rest of an IATI activity the API shows: its reporting organisation, the publisher's
contact information, its related activities and the warnings its import raised."""

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from sqlalchemy.engine import RowMapping
from sqlalchemy.sql import FromClause

from db import queries
from db.enums import ImportWarningKind
from schema.compiled.activity_rules import (
    coded,
    first_narratives,
    narrative_list,
    narrative_lists,
    plain,
    record,
)
from schema.compiled.compiler import compiled_field
from schema.descriptions import described_enum
from schema.info import Info
from schema.types.code import Code, code
from schema.types.narrative import Narrative, narratives
from schema.types.organisation_ref import (
    OrganisationElement,
    name_field,
    name_narratives_field,
    partner_field,
    ref_field,
    type_field,
)

if TYPE_CHECKING:
    from schema.types.project import Project

described_enum(
    ImportWarningKind,
    "What an IATI ruleset warns about in an activity the schema accepts: it is imported all "
    "the same, with the warning.",
    NEGATIVE_VALUE="A budget, transaction or planned disbursement of negative value.",
    PERCENTAGES_NOT_100="The percentages of one vocabulary (sectors, regions, countries) do "
    "not add up to 100.",
    BUDGET_PERIOD_OVER_A_YEAR="A budget or planned disbursement period longer than a year.",
    PERIOD_ENDS_BEFORE_START="A period whose end is before its start.",
    UNKNOWN_VOCABULARY="A vocabulary the codelists do not have.",
    UNKNOWN_CODE="A code its codelist does not have: kept as written.",
    WITHDRAWN_CODE="A code its codelist has withdrawn: kept, old files use them.",
    UNKNOWN_COUNTRY="A recipient-country code the Country codelist lacks: kept as written.",
    SEVERAL_CURRENCIES="Values in several currencies where one total was to be made.",
    NOT_A_NUMBER="A value that should be a number and is not.",
    OTHER="Anything else the rulesets warn about; the message says what.",
)


def reporting_scope(row: FromClause) -> Mapping[str, Any]:
    """``ReportingOrganisation.from_project`` on the compiled path: the project's columns."""
    return {
        "ref": row.c.reporting_org_ref,
        "type": row.c.reporting_org_type,
        "secondary_reporter": row.c.reporting_org_secondary_reporter,
        "name_narratives": row.c.reporting_org_narratives,
        "partner_id": row.c.reporting_org_partner_id,
        "_lang": row.c.lang,
    }


@strawberry.type(
    description="The organisation that published the activity's IATI file (reporting-org), "
    "as the file names it: not the service that serves it."
)
class ReportingOrganisation(OrganisationElement):
    ref: str = ref_field("Its organisation identifier (XM-DAC-41302).")
    type: Code | None = type_field("An OrganisationType code (40 Multilateral).")
    secondary_reporter: bool | None = compiled_field(
        plain(),
        description="True where it reports an activity another organisation carries out; "
        "null where the file does not say.",
    )
    name_narratives = name_narratives_field()
    name = name_field()
    partner = partner_field("The partner it was matched to; null when none was.")

    @classmethod
    def from_project(cls, row: RowMapping) -> "ReportingOrganisation | None":
        if row["reporting_org_ref"] is None:
            return None
        return cls(
            ref=row["reporting_org_ref"],
            type=code("OrganisationType", row["reporting_org_type"]),
            secondary_reporter=row["reporting_org_secondary_reporter"],
            names=narratives(row["reporting_org_narratives"]),
            partner_id=row["reporting_org_partner_id"],
            default_lang=row["lang"],
        )


@strawberry.type(
    description="Contact information the publisher put in its public IATI file for the "
    "activity: public there, so public here, and only under this name."
)
class PublisherContact:
    type: Code | None = compiled_field(
        coded(codelist="ContactType"),
        description="A ContactType code: 1 General enquiries, 2 Project management...",
    )
    organisation_narratives: list[Narrative] = compiled_field(
        narrative_list("organisation"),
        description="The organisation's name in every language the file gives.",
    )
    department_narratives: list[Narrative] = compiled_field(
        narrative_list("department"),
        description="The department, in every language the file gives.",
    )
    person_name_narratives: list[Narrative] = compiled_field(
        narrative_list("person_name"),
        description="The person's name, as the publisher wrote it.",
    )
    job_title_narratives: list[Narrative] = compiled_field(
        narrative_list("job_title"),
        description="The person's job title, in every language the file gives.",
    )
    telephones: list[str] = compiled_field(plain(), description="Telephone numbers as written.")
    emails: list[str] = compiled_field(plain(), description="E-mail addresses as written.")
    websites: list[str] = compiled_field(plain(), description="Websites as written.")
    mailing_address_narratives: list[Narrative] = compiled_field(
        narrative_list(first_narratives("mailing_addresses")),
        description="The first postal address, in every language the file gives.",
        deprecation_reason="A contact may give several: use `mailingAddresses`.",
    )
    mailing_addresses: list[list[Narrative]] = compiled_field(
        narrative_lists("mailing_addresses"),
        description="Every postal address the contact gives, in file order, each in every "
        "language the file gives.",
    )

    @classmethod
    def from_row(cls, row: RowMapping) -> "PublisherContact":
        return cls(
            type=code("ContactType", row["type"]),
            organisation_narratives=narratives(row["organisation"]),
            department_narratives=narratives(row["department"]),
            person_name_narratives=narratives(row["person_name"]),
            job_title_narratives=narratives(row["job_title"]),
            telephones=list(row["telephones"]),
            emails=list(row["emails"]),
            websites=list(row["websites"]),
            mailing_address_narratives=narratives(next(iter(row["mailing_addresses"]), None)),
            mailing_addresses=[narratives(m) for m in row["mailing_addresses"]],
        )


@strawberry.type(
    description="A participating-org element as the IATI file writes it, every one of them: "
    "`partners` is the service's reading (one link per partner and role), where one partner "
    "named twice in a role under two names is one link, and a role outside 1-4 none."
)
class ParticipatingOrganisation(OrganisationElement):
    role: Code = compiled_field(
        coded(codelist="OrganisationRole"),
        description="Its @role as written, an OrganisationRole code (1 Funding, 2 "
        "Accountable, 3 Extending, 4 Implementing); another code is kept as written.",
    )
    ref: str | None = ref_field()
    type: Code | None = type_field("Its @type, an OrganisationType code; null if absent.")
    activity_id: str | None = compiled_field(
        plain(),
        description="Its @activity-id: the organisation's own IATI identifier of the activity.",
    )
    crs_channel_code: str | None = compiled_field(
        plain(),
        description="Its @crs-channel-code (CRSChannelCode) as written; null if absent.",
    )
    name_narratives = name_narratives_field("narratives")
    name = name_field("narratives")
    partner = partner_field(
        "The partner the import matched it to (by a registered identifier, or by its local "
        "ref together with its name within the publisher); null when its role is none the "
        "service reads or it names no organisation."
    )

    @classmethod
    def from_row(cls, row: RowMapping) -> "ParticipatingOrganisation":
        return cls(
            role=Code(code=row["role"], codelist="OrganisationRole"),
            ref=row["ref"],
            type=code("OrganisationType", row["type"]),
            activity_id=row["activity_id"],
            crs_channel_code=row["crs_channel_code"],
            names=narratives(row["narratives"]),
            partner_id=row["partner_id"],
            default_lang=row["_lang"],
        )


@strawberry.type(
    description="An activity-date element as the IATI file writes it, every one of them: "
    "`plannedStart`, `actualStart`, `plannedEnd` and `actualEnd` are the service's reading "
    "of the first of each type 1-4."
)
class ActivityDate:
    type: Code = compiled_field(
        coded(codelist="ActivityDateType"),
        description="Its @type as written, an ActivityDateType code (1 Planned start, "
        "2 Actual start, 3 Planned end, 4 Actual end); another code is kept as written.",
    )
    iso_date: datetime.date = compiled_field(plain(), description="Its @iso-date.")
    narratives: list[Narrative] = compiled_field(
        narrative_list(), description="What the file says of the date, in every language it gives."
    )

    @classmethod
    def from_row(cls, row: RowMapping) -> "ActivityDate":
        return cls(
            type=Code(code=row["type"], codelist="ActivityDateType"),
            iso_date=row["iso_date"],
            narratives=narratives(row["narratives"]),
        )


@strawberry.type(description="An IATI related-activity: another activity this one relates to.")
class RelatedActivity:
    type: Code = compiled_field(
        coded(codelist="RelatedActivityType"),
        description="A RelatedActivityType code: 1 Parent, 2 Child, 3 Sibling, 4 Co-funded, "
        "5 Third party.",
    )
    identifier: str = compiled_field(
        plain("ref"), description="The related activity's IATI identifier."
    )
    related_project_id: strawberry.Private[int | None]

    @classmethod
    def from_row(cls, row: RowMapping) -> "RelatedActivity":
        return cls(
            type=Code(code=row["type"], codelist="RelatedActivityType"),
            identifier=row["ref"],
            related_project_id=row["related_project_id"],
        )

    @compiled_field(
        record(queries.project, "related_project_id"),
        description="The project holding that identifier, once it is in the service; null "
        "while it is not (the identifier is kept).",
    )
    async def project(
        self, info: Info
    ) -> Annotated["Project", strawberry.lazy("schema.types.project")] | None:
        if self.related_project_id is None:
            return None
        return await info.context.loaders.project.load(self.related_project_id)


@strawberry.type(
    description="A warning the import raised about the activity as last imported: what an "
    "IATI ruleset warns about, where the schema accepts it."
)
class ActivityWarning:
    kind: ImportWarningKind = compiled_field(plain(), description="What kind of warning it is.")
    message: str = compiled_field(plain(), description="What is wrong, in words.")
    element: str = compiled_field(
        plain(), description="The element's path inside the activity (budget/value)."
    )
    line: int | None = compiled_field(plain(), description="Its line in the file; null if unknown.")
    file_name: str | None = compiled_field(plain(), description="The file it was read from.")
    created_at: datetime.datetime = strawberry.field(description="When the import raised it.")

    @classmethod
    def from_row(cls, row: RowMapping) -> "ActivityWarning":
        return cls(
            kind=ImportWarningKind(row["kind"]),
            message=row["message"],
            element=row["element"],
            line=row["line"],
            file_name=row["file_name"],
            created_at=row["created_at"],
        )
