"""Value types shared by the graph: honest dates and figures, money, citations."""

import datetime
from decimal import Decimal
from typing import Any

import strawberry
from sqlalchemy.engine import RowMapping
from strawberry.federation.schema_directives import ListSize
from strawberry.types.unset import UNSET

from db.enums import (
    AgreementKind,
    BeneficiaryCategory,
    ContributionKind,
    CountryRole,
    DatePrecision,
    IndicatorMeasure,
    OutcomeKind,
    PartnerKind,
    PartnerRole,
    ProjectStatus,
    Qualifier,
)
from schema.compiled.builders import (
    column,
    from_values,
    fuzzy_date,
    of_citation,
    of_document,
)
from schema.compiled.compiler import compiled_field
from schema.descriptions import described_enum

PROJECTS = 10_000
"""The most projects a plain list of them is counted as: the project table's size the
service is sized for (the benchmark's scale 1). A longer answer is what the paged
``projectsConnection`` fields are for."""

COUNTRIES = 300
"""The IATI Country codelist (ISO 3166-1 with withdrawn codes and IATI's own): 252 codes."""

TRANSACTIONS = 1_000
"""The most transactions a project's list is counted as: the real UN agency file has 2,536
over its 100 activities, its largest activity a few hundred."""

BUDGETS = 100
"""Budgets or planned disbursements of one activity: one per quarter over 25 years."""

CLASSIFICATIONS = 50
"""Sectors, regions, locations, policy markers, documents, relations, results, warnings and
contacts of one activity: the longest list of one in the real files has a few dozen."""

THEMES = 100
"""The theme table is a short code list (30 at every scale of the benchmark)."""


def at_most(items: int) -> list[object]:
    """The most items a plain list field is counted as by the cost limit, published in the
    schema as ``@listSize(assumedSize:)`` (the IBM cost specification's directive, which
    Apollo's demand control reads too)."""
    return [
        ListSize(
            assumed_size=items,
            slicing_arguments=UNSET,
            sized_fields=UNSET,
            require_one_slicing_argument=False,
        )
    ]


described_enum(
    PartnerKind,
    "What kind of organisation a partner is (close to IATI's OrganisationType, in words).",
    GOVERNMENT="A government as a whole (IATI types 10, 11 and 15 read as this; written 10).",
    GOVERNMENT_MINISTRY="A ministry of a government (written to IATI as type 10).",
    DEVELOPMENT_AGENCY="A government's development-cooperation agency, such as KOICA "
    "(written to IATI as type 10).",
    UN_AGENCY="A United Nations agency, fund or programme, such as the ILO (written to IATI "
    "as type 40, multilateral).",
    INTERNATIONAL_ORGANISATION="A multilateral body outside the UN system (IATI type 40).",
    NGO="A non-governmental organisation (IATI types 21-24 read as this; written 21).",
    WORKERS_ORGANISATION="A trade union or workers' federation, an ILO social partner (no "
    "IATI type: written without one).",
    EMPLOYERS_ORGANISATION="An employers' or business federation, an ILO social partner (no "
    "IATI type: written without one).",
    PRIVATE_SECTOR="A company or other private-sector body (IATI types 70-73; written 70).",
    RESEARCH_ACADEMIA="A university, research institute or think tank (IATI type 80).",
    OTHER="None of the above (IATI types 30, 60 and 90 read as this; written without a type).",
)
described_enum(
    PartnerRole,
    "A partner's role in a project or programme: IATI's participating-org roles 1-4.",
    FUNDING="Gives the money (IATI role 1).",
    ACCOUNTABLE="Answers for the project's results, often the ministry behind a funder "
    "(IATI role 2).",
    EXTENDING="Manages the funding on the funder's behalf (IATI role 3).",
    IMPLEMENTING="Carries out the work (IATI role 4), such as the ILO.",
)
described_enum(
    ProjectStatus,
    "Where a project stands, as IATI's ActivityStatus in words.",
    PIPELINE="Planned or being designed; work has not started (IATI status 1).",
    ACTIVE="Under way (IATI status 2).",
    COMPLETED="Work is finished: the built-in dataset's status (written as IATI status 4).",
    FINALISATION="Work is finished, accounts and evaluation still open (IATI status 3).",
    CLOSED="Work and accounts are closed (IATI status 4).",
    SUSPENDED="Stopped for a time (IATI status 6).",
    CANCELLED="Stopped for good before completion (IATI status 5).",
)
described_enum(
    CountryRole,
    "How a country takes part in a project.",
    RECIPIENT="Receives the aid: an IATI recipient-country.",
    PARTICIPANT="Takes part (hosts a meeting, sends trainees) without receiving the aid; "
    "not exported to IATI as a recipient.",
)
described_enum(
    BeneficiaryCategory,
    "Who the people in a beneficiary group are; a group may be in several categories.",
    WOMEN="Women and girls.",
    YOUTH="Young people, as the source defines them (often aged 15-24 or 15-35).",
    REFUGEES="People who fled their country.",
    INTERNALLY_DISPLACED_PERSONS="People forced from their homes within their own country.",
    HOST_COMMUNITIES="Residents of the places that receive refugees or displaced people.",
    WORKERS="Workers, employed or seeking work, and their representatives.",
    EMPLOYERS_ENTERPRISES="Employers, enterprises and their owners or managers.",
    GOVERNMENT_OFFICIALS="Civil servants and staff of public institutions.",
    TRAINEES="People taking part in a training.",
    OTHER="Anyone else; the group's description says who.",
)
described_enum(
    OutcomeKind,
    "The level of a result in the results chain: IATI's ResultType 1-3.",
    OUTPUT="What the project delivers directly: trainings held, tools produced (IATI type 1).",
    OUTCOME="A change the outputs bring about: jobs found, policies adopted (IATI type 2).",
    IMPACT="A long-term change in people's lives the project contributes to (IATI type 3).",
)
described_enum(
    IndicatorMeasure,
    "How an indicator's figures are to be read: IATI's IndicatorMeasure 1-5.",
    UNIT="A count or amount in the indicator's unit (IATI measure 1).",
    PERCENTAGE="A percentage from 0 to 100 (IATI measure 2).",
    NOMINAL="A category, not a quantity (IATI measure 3).",
    ORDINAL="A rank on a scale (IATI measure 4).",
    QUALITATIVE="A description in words; the figures are empty (IATI measure 5).",
)
described_enum(
    ContributionKind,
    "The kind of funding a contribution to an organisation is (as the ILO reports them).",
    ASSESSED="A member state's compulsory contribution to the regular budget.",
    VOLUNTARY_CORE="Voluntary and unearmarked: the organisation chooses how to use it.",
    VOLUNTARY_EARMARKED="Voluntary and tied by the donor to projects, themes or countries.",
)
described_enum(
    AgreementKind,
    "The kind of document an agreement is.",
    MEMORANDUM_OF_UNDERSTANDING="A memorandum of understanding between the parties.",
    AGREEMENT="A signed agreement, such as a funding or partnership agreement.",
    EVALUATION="An independent evaluation of a project or programme, dated when carried out.",
    ASSESSMENT="A review or assessment other than an evaluation, dated when carried out.",
)
described_enum(
    Qualifier,
    "How a source states a figure, kept with the figure so that it is never made more "
    "precise than its source.",
    EXACT="Stated as is: 5,000.",
    APPROXIMATE='Stated as about the figure: "nearly", "around", "some".',
    AT_LEAST='The figure is a lower bound: "at least", "more than", "over".',
    AT_MOST='The figure is an upper bound: "up to", "less than", "at most".',
)
described_enum(
    DatePrecision,
    "How much of a date the source gives.",
    DAY="Day, month and year: 6 May 2021.",
    MONTH='Month and year only: "December 2020".',
    YEAR='The year only: "2014".',
)


@strawberry.federation.type(
    shareable=True,
    description="A date as precise as its source says, e.g. 2020-12 for December 2020.",
)
class FuzzyDate:
    value: str = compiled_field(
        from_values(), description="ISO 8601 to the stated precision: 2020, 2020-12, 2020-12-01."
    )
    date: datetime.date = compiled_field(
        from_values(), description="First day of the period the value names."
    )
    precision: DatePrecision = compiled_field(
        from_values(), description="How much of the date the source gives: DAY, MONTH or YEAR."
    )
    derived: bool = compiled_field(
        from_values(),
        description="True when computed (e.g. start plus a stated duration), not stated.",
    )
    derived_how: str | None = compiled_field(
        from_values(), default=None, description="How a derived date was derived; null when stated."
    )

    @classmethod
    def of(
        cls,
        day: datetime.date | None,
        precision: str | None,
        derived: bool = False,
        derived_how: str | None = None,
    ) -> "FuzzyDate | None":
        if day is None or precision is None:
            return None
        precision = DatePrecision(precision)
        value = {
            DatePrecision.YEAR: f"{day:%Y}",
            DatePrecision.MONTH: f"{day:%Y-%m}",
            DatePrecision.DAY: day.isoformat(),
        }[precision]
        return cls(
            value=value, date=day, precision=precision, derived=derived, derived_how=derived_how
        )

    @classmethod
    def column(cls, row: RowMapping, name: str) -> "FuzzyDate | None":
        return cls.of(
            row[name],
            row[f"{name}_precision"],
            bool(row.get(f"{name}_derived", False)),
            row.get(f"{name}_derivation"),
        )


@strawberry.federation.type(shareable=True, description="A figure with how the source states it.")
class Quantity:
    value: Decimal = compiled_field(
        from_values(),
        description="Exact decimal, serialised as a string; its unit is the field's "
        "(`womenShare` in percent) or the outcome's `unit`.",
    )
    qualifier: Qualifier = compiled_field(
        from_values(), description='How the source states it: "at least 65 %" is AT_LEAST.'
    )

    @classmethod
    def column(cls, row: RowMapping, name: str) -> "Quantity | None":
        if row[name] is None:
            return None
        return cls(value=plain_decimal(row[name]), qualifier=Qualifier(row[f"{name}_qualifier"]))


def plain_decimal(value: Decimal) -> Decimal:
    """65.00 → 65 and 0.3000 → 0.3, without the exponent ``normalize`` gives 120 (1.2E+2)."""
    return Decimal(format(value.normalize(), "f"))


@strawberry.federation.type(
    shareable=True, description="A count of people or things, with how the source states it."
)
class Count:
    value: int = compiled_field(from_values(), description="How many, as the source says.")
    qualifier: Qualifier = compiled_field(
        from_values(), description='How the source states it: "more than 5,000" is AT_LEAST.'
    )

    @classmethod
    def column(cls, row: RowMapping, name: str) -> "Count | None":
        if row[name] is None:
            return None
        return cls(value=row[name], qualifier=Qualifier(row[f"{name}_qualifier"]))


@strawberry.federation.type(
    shareable=True, description="The passage of a source document that supports a record."
)
class Source:
    document: str = compiled_field(
        of_document(column("file_name")), description="File name of the source document."
    )
    title: str = compiled_field(of_document(column()), description="The document's title.")
    publisher: str | None = compiled_field(
        of_document(column()), description="Who published the document; null if it does not say."
    )
    published: FuzzyDate | None = compiled_field(
        of_document(fuzzy_date("published_on")),
        description="When the document was published, as precisely as it says; null if undated.",
    )
    excerpt: str = compiled_field(
        of_citation(column()), description="The supporting passage, quoted."
    )

    @classmethod
    def from_row(cls, row: RowMapping) -> "Source":
        return cls(
            document=row["file_name"],
            title=row["title"],
            publisher=row["publisher"],
            published=FuzzyDate.column(row, "published_on"),
            excerpt=row["excerpt"],
        )


def enum_or_none(enum: type[Any], value: str | None) -> Any:
    return None if value is None else enum(value)


CREATED_AT = (
    "When this service first stored the record (loaded, imported or created by a mutation), "
    "with its time zone: not a date the sources give."
)
UPDATED_AT = (
    "When the record last changed in this service; the `updatedSince` filters compare with it."
)
SOURCES = (
    "The passages of the source documents this record is read from, each quoted: what a "
    "reader checks it against. An IATI import cites its file and activity; records written "
    "by mutations have none."
)
