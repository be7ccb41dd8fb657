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

PROJECTS = 10_000
"""The most projects a plain list of them is counted as: the project table's size the
service is sized for (the benchmark's scale 1). A longer answer is what the paged
``projectsConnection`` fields are for."""

COUNTRIES = 250
"""ISO 3166-1 has 249 codes: the country table holds no more."""

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


strawberry.enum(PartnerKind, description="What kind of organisation a partner is.")
strawberry.enum(
    PartnerRole,
    description="A partner's role, as IATI's participating-org roles 1-4.",
)
strawberry.enum(ProjectStatus)
strawberry.enum(CountryRole, description="RECIPIENT receives aid; PARTICIPANT takes part only.")
strawberry.enum(BeneficiaryCategory)
strawberry.enum(OutcomeKind, description="IATI result type.")
strawberry.enum(IndicatorMeasure, description="IATI indicator measure.")
strawberry.enum(ContributionKind)
strawberry.enum(AgreementKind)
strawberry.enum(
    Qualifier,
    description='How a source states a figure: "nearly" is APPROXIMATE, "more than" AT_LEAST.',
)
strawberry.enum(DatePrecision, description="How much of a date the source gives.")


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
    precision: DatePrecision = compiled_field(from_values())
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


@strawberry.federation.type(
    shareable=True, description="An amount of money as the source states it."
)
class Money:
    amount: Decimal = compiled_field(
        from_values(), description="Exact decimal, serialised as a string."
    )
    currency: str = compiled_field(from_values(), description="ISO 4217 code.")
    qualifier: Qualifier = compiled_field(from_values())

    @classmethod
    def of(
        cls, amount: Decimal | None, currency: str | None, qualifier: str | None
    ) -> "Money | None":
        if amount is None or currency is None or qualifier is None:
            return None
        return cls(amount=amount, currency=currency, qualifier=Qualifier(qualifier))


@strawberry.federation.type(shareable=True, description="A figure with how the source states it.")
class Quantity:
    value: Decimal = compiled_field(from_values())
    qualifier: Qualifier = compiled_field(from_values())

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
    value: int = compiled_field(from_values())
    qualifier: Qualifier = compiled_field(from_values())

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
    title: str = compiled_field(of_document(column()))
    publisher: str | None = compiled_field(of_document(column()))
    published: FuzzyDate | None = compiled_field(of_document(fuzzy_date("published_on")))
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
