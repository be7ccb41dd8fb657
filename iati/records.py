"""One activity as the service understands it, between the XML and the tables.

Reading turns an ``iati-activity`` element into an ``Activity``; the importer writes an
``Activity`` to the tables; the exporter builds ``Activity`` objects from the tables and
writing turns them into elements. Keeping one shape in the middle is what makes a file the
service wrote read back to the same records.
"""

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from db.enums import (
    BeneficiaryCategory,
    CountryRole,
    DatePrecision,
    IndicatorMeasure,
    OutcomeKind,
    PartnerKind,
    PartnerRole,
    ProjectStatus,
    Qualifier,
)

_NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_text(text: str) -> str:
    """Text as XML 1.0 can hold it: the control characters it has no way to write (which a
    record may still hold) become U+FFFD, rather than failing the export midway."""
    return _NOT_IN_XML.sub("\ufffd", text)


def number(value: Decimal) -> str:
    """A figure as a file gives it: 1000, not 1000.0000 (the column's scale)."""
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


@dataclass(frozen=True)
class Source:
    """A passage of a document that supports a record."""

    document: str
    excerpt: str
    title: str | None = None
    publisher: str | None = None
    published_on: date | None = None
    published_on_precision: DatePrecision | None = None


@dataclass(frozen=True)
class Figure:
    value: Decimal
    qualifier: Qualifier = Qualifier.EXACT


@dataclass(frozen=True)
class Money:
    amount: Decimal
    currency: str
    qualifier: Qualifier = Qualifier.EXACT


@dataclass(frozen=True)
class ActivityDate:
    value: date
    precision: DatePrecision = DatePrecision.DAY
    derived: bool = False


@dataclass
class Organisation:
    """A partner as a file names it: by IATI identifier where it has one, else by name."""

    name: str
    ref: str | None = None
    kind: PartnerKind | None = None
    code: str | None = None
    acronym: str | None = None


@dataclass
class PartnerLink:
    organisation: Organisation
    role: PartnerRole
    amount: Money | None = None
    sources: list[Source] = field(default_factory=list)


@dataclass
class CountryLink:
    code: str
    role: CountryRole = CountryRole.RECIPIENT
    percentage: Decimal | None = None
    sources: list[Source] = field(default_factory=list)
    line: int | None = field(default=None, compare=False)


@dataclass(frozen=True)
class ThemeRef:
    slug: str
    name: str


@dataclass(frozen=True)
class ProgrammeRef:
    ref: str
    code: str | None = None
    name: str | None = None


@dataclass
class Group:
    description: str
    categories: list[BeneficiaryCategory]
    code: str | None = None
    target_count: Figure | None = None
    reached_count: Figure | None = None
    women_share: Figure | None = None
    country: str | None = None
    location: str | None = None
    sources: list[Source] = field(default_factory=list)


@dataclass
class Result:
    kind: OutcomeKind
    statement: str
    indicator: str | None = None
    measure: IndicatorMeasure | None = None
    unit: str | None = None
    code: str | None = None
    baseline: Figure | None = None
    baseline_year: int | None = None
    target: Figure | None = None
    actual: Figure | None = None
    period_start: date | None = None
    period_end: date | None = None
    period_precision: DatePrecision | None = None
    dimensions: dict[str, str] = field(default_factory=dict)
    sources: list[Source] = field(default_factory=list)


@dataclass
class Activity:
    identifier: str
    title: str
    line: int | None = None
    code: str | None = None
    acronym: str | None = None
    summary: str | None = None
    status: ProjectStatus | None = None
    status_as_of: date | None = None
    status_derived: bool = False
    dates: dict[str, ActivityDate] = field(default_factory=dict)
    duration_months: int | None = None
    budget: Money | None = None
    reporting_org: Organisation | None = None
    partners: list[PartnerLink] = field(default_factory=list)
    countries: list[CountryLink] = field(default_factory=list)
    regions: list[str] = field(default_factory=list)
    themes: list[ThemeRef] = field(default_factory=list)
    programmes: list[ProgrammeRef] = field(default_factory=list)
    groups: list[Group] = field(default_factory=list)
    results: list[Result] = field(default_factory=list)
    sources: list[Source] = field(default_factory=list)


@dataclass(frozen=True)
class Problem:
    """Something that stops an activity (or the file) from being imported."""

    message: str
    line: int | None = None
    activity: str | None = None
    file: str | None = None

    def __str__(self) -> str:
        where = ", ".join(
            part
            for part in (
                self.file,
                f"line {self.line}" if self.line else None,
                f"activity {self.activity}" if self.activity else None,
            )
            if part
        )
        return f"{where}: {self.message}" if where else self.message
