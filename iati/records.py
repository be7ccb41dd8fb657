"""One activity as the service understands it, between the XML and the tables.

Reading turns an ``iati-activity`` element into an ``Activity``; the importer writes an
``Activity`` to the tables; the exporter builds ``Activity`` objects from the tables and
writing turns them into elements. Keeping one shape in the middle is what makes a file the
service wrote read back to the same records.

Beside the service's own terms (``partners``, ``countries``, ``themes``, ``results`` as
outcomes), an ``Activity`` carries every element of the IATI activity standard as the file
writes it: codes stay IATI codes (strings), values stay exact and signed, text keeps each
narrative with its ``xml:lang`` (``Narrative``), repeated elements keep their file order.
These fields map one to one onto the ``activity_*`` tables and the project's IATI columns.
"""

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from db.enums import (
    BeneficiaryCategory,
    CountryRole,
    DatePrecision,
    ImportWarningKind,
    IndicatorMeasure,
    OutcomeKind,
    PartnerKind,
    PartnerRole,
    PeriodValueKind,
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


@dataclass(frozen=True)
class Narrative:
    """One ``narrative``: its text and its ``xml:lang`` (None: the activity's default)."""

    text: str
    lang: str | None = None


def narratives_json(narratives: list[Narrative] | None) -> list[dict[str, Any]] | None:
    """Narratives as the tables keep them (``db.columns.narratives_column``)."""
    if narratives is None:
        return None
    return [{"lang": n.lang, "text": n.text} for n in narratives]


def narratives_of(stored: list[dict[str, Any]] | None) -> list[Narrative] | None:
    if stored is None:
        return None
    return [Narrative(n["text"], n.get("lang")) for n in stored]


@dataclass
class Organisation:
    """A partner as a file names it: by IATI identifier where it has one, else by name.

    ``type`` is the OrganisationType code as written (``kind`` the service's coarser
    reading of it), ``narratives`` every language of its name; ``secondary_reporter`` is
    the reporting-org's attribute."""

    name: str
    ref: str | None = None
    kind: PartnerKind | None = None
    code: str | None = None
    acronym: str | None = None
    type: str | None = None
    narratives: list[Narrative] | None = None
    secondary_reporter: bool | None = None
    line: int | None = field(default=None, compare=False)


@dataclass
class PartnerLink:
    """The service's reading of a participating-org: a partner in a role (one link per
    partner and role); the elements themselves are ``Activity.participating_orgs``."""

    organisation: Organisation
    role: PartnerRole
    amount: Money | None = None
    sources: list[Source] = field(default_factory=list)
    activity_id: str | None = None
    """@activity-id of the first element of the link, which funding chains follow."""
    listed: bool = True
    """False for the reporting-org linked as accountable because no participating-org
    names it: the service's reading, not an element of the file, so not written back."""


@dataclass
class ParticipatingOrg:
    """A ``participating-org`` as written: its role as the file gives it (one of 1-4 or
    not), and ``organisation``, the one its partner link was read from (None when it has
    none: a role the service does not read, no ref and no name). ``partner_code`` is the
    code of the partner it was matched to, when read back from the tables."""

    role: str
    ref: str | None = None
    type: str | None = None
    activity_id: str | None = None
    """@activity-id: the organisation's own identifier of the activity."""
    crs_channel_code: str | None = None
    narratives: list[Narrative] | None = None
    organisation: Organisation | None = field(default=None, compare=False)
    partner_code: str | None = None


@dataclass
class DateElement:
    """An ``activity-date`` as written: its type as the file gives it, its day and its
    narratives. ``Activity.dates`` is the service's reading of the first of each type 1-4."""

    type: str
    value: date
    narratives: list[Narrative] | None = None


@dataclass
class CountryLink:
    code: str
    role: CountryRole = CountryRole.RECIPIENT
    percentage: Decimal | None = None
    sources: list[Source] = field(default_factory=list)
    line: int | None = field(default=None, compare=False)
    narratives: list[Narrative] | None = None


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
class OrgRef:
    """An organisation a transaction or planned disbursement names (provider, receiver) or
    that owns an other-identifier, as written; ``partner`` is what it was matched to."""

    ref: str | None = None
    type: str | None = None
    activity_id: str | None = None
    narratives: list[Narrative] | None = None
    line: int | None = field(default=None, compare=False)

    @property
    def name(self) -> str | None:
        return self.narratives[0].text if self.narratives else None


@dataclass(frozen=True)
class Coded:
    """A code with its vocabulary: an aid-type, a location-id, a result reference."""

    code: str
    vocabulary: str | None = None
    vocabulary_uri: str | None = None


@dataclass
class Classification:
    """A sector, recipient region, policy marker, tag or humanitarian scope: a code in a
    vocabulary, with the attributes the element has (``percentage`` for sectors and regions,
    ``significance`` for policy markers, ``type`` for humanitarian scopes)."""

    code: str
    vocabulary: str | None = None
    vocabulary_uri: str | None = None
    percentage: Decimal | None = None
    significance: str | None = None
    type: str | None = None
    narratives: list[Narrative] | None = None
    line: int | None = field(default=None, compare=False)


@dataclass
class Transaction:
    transaction_type: str
    transaction_date: date
    value: Decimal
    currency: str | None = None
    value_date: date | None = None
    ref: str | None = None
    humanitarian: bool | None = None
    description: list[Narrative] | None = None
    provider: OrgRef | None = None
    receiver: OrgRef | None = None
    disbursement_channel: str | None = None
    sectors: list[Classification] = field(default_factory=list)
    recipient_country: Classification | None = None
    recipient_region: Classification | None = None
    flow_type: str | None = None
    finance_type: str | None = None
    aid_types: list[Coded] = field(default_factory=list)
    tied_status: str | None = None
    line: int | None = field(default=None, compare=False)


@dataclass
class Budget:
    period_start: date
    period_end: date
    value: Decimal
    currency: str | None = None
    value_date: date | None = None
    type: str | None = None
    status: str | None = None
    line: int | None = field(default=None, compare=False)


@dataclass
class PlannedDisbursement:
    period_start: date
    value: Decimal
    period_end: date | None = None
    currency: str | None = None
    value_date: date | None = None
    type: str | None = None
    provider: OrgRef | None = None
    receiver: OrgRef | None = None
    line: int | None = field(default=None, compare=False)


@dataclass
class Location:
    ref: str | None = None
    location_reach: str | None = None
    location_ids: list[Coded] = field(default_factory=list)
    name: list[Narrative] | None = None
    description: list[Narrative] | None = None
    activity_description: list[Narrative] | None = None
    administrative: list[dict[str, str | None]] = field(default_factory=list)
    """``[{"vocabulary", "level", "code"}]`` as written."""
    srs_name: str | None = None
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    exactness: str | None = None
    location_class: str | None = None
    feature_designation: str | None = None
    line: int | None = field(default=None, compare=False)


@dataclass
class DocumentLink:
    url: str
    format: str | None = None
    title: list[Narrative] | None = None
    description: list[Narrative] | None = None
    categories: list[str] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    document_date: date | None = None
    line: int | None = field(default=None, compare=False)


@dataclass
class RelatedActivity:
    ref: str
    type: str
    line: int | None = field(default=None, compare=False)


@dataclass
class PeriodValue:
    """A result period's ``target`` or ``actual``, or an indicator's ``baseline`` (then
    ``year``/``iso_date`` are set and ``kind`` is None)."""

    kind: PeriodValueKind | None
    value: str | None = None
    comment: list[Narrative] | None = None
    dimensions: list[tuple[str, str]] = field(default_factory=list)
    location_refs: list[str] = field(default_factory=list)
    document_links: list[DocumentLink] = field(default_factory=list)
    year: int | None = None
    iso_date: date | None = None
    line: int | None = field(default=None, compare=False)


@dataclass
class IndicatorPeriod:
    period_start: date
    period_end: date
    targets: list[PeriodValue] = field(default_factory=list)
    actuals: list[PeriodValue] = field(default_factory=list)
    line: int | None = field(default=None, compare=False)


@dataclass
class Indicator:
    measure: str
    ascending: bool | None = None
    aggregation_status: bool | None = None
    title: list[Narrative] | None = None
    description: list[Narrative] | None = None
    document_links: list[DocumentLink] = field(default_factory=list)
    references: list[Coded] = field(default_factory=list)
    baselines: list[PeriodValue] = field(default_factory=list)
    periods: list[IndicatorPeriod] = field(default_factory=list)
    line: int | None = field(default=None, compare=False)


@dataclass
class IatiResult:
    """A ``result`` as the standard nests it (the ``Result`` above is the service's
    summary of one period of one indicator, an ``outcome`` row)."""

    type: str
    aggregation_status: bool | None = None
    title: list[Narrative] | None = None
    description: list[Narrative] | None = None
    document_links: list[DocumentLink] = field(default_factory=list)
    references: list[Coded] = field(default_factory=list)
    indicators: list[Indicator] = field(default_factory=list)
    line: int | None = field(default=None, compare=False)


@dataclass
class Description:
    type: str | None
    narratives: list[Narrative]
    line: int | None = field(default=None, compare=False)


@dataclass
class OtherIdentifier:
    ref: str
    type: str
    owner_org: OrgRef | None = None


@dataclass
class Condition:
    type: str
    narratives: list[Narrative] | None = None


@dataclass
class ContactInfo:
    type: str | None = None
    organisation: list[Narrative] | None = None
    department: list[Narrative] | None = None
    person_name: list[Narrative] | None = None
    job_title: list[Narrative] | None = None
    telephones: list[str] = field(default_factory=list)
    emails: list[str] = field(default_factory=list)
    websites: list[str] = field(default_factory=list)
    mailing_addresses: list[list[Narrative]] = field(default_factory=list)


@dataclass
class BudgetItem:
    code: str
    percentage: Decimal | None = None
    description: list[Narrative] | None = None


@dataclass
class LegacyData:
    name: str
    value: str
    iati_equivalent: str | None = None


@dataclass(frozen=True)
class ImportWarning:
    """What the rulesets warn about: imported all the same, kept on the activity.
    ``element`` is the element's path inside the activity (``budget/value``)."""

    kind: ImportWarningKind
    message: str
    element: str
    line: int | None = None


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
    status_code: str | None = None
    """activity-status/@code as written when it is none of the service's statuses."""
    dates: dict[str, ActivityDate] = field(default_factory=dict)
    date_elements: list[DateElement] = field(default_factory=list)
    duration_months: int | None = None
    budget: Money | None = None
    reporting_org: Organisation | None = None
    partners: list[PartnerLink] = field(default_factory=list)
    participating_orgs: list[ParticipatingOrg] = field(default_factory=list)
    countries: list[CountryLink] = field(default_factory=list)
    regions: list[str] = field(default_factory=list)
    themes: list[ThemeRef] = field(default_factory=list)
    programmes: list[ProgrammeRef] = field(default_factory=list)
    groups: list[Group] = field(default_factory=list)
    results: list[Result] = field(default_factory=list)
    sources: list[Source] = field(default_factory=list)
    # The IATI activity as written (see the module docstring).
    iati_version: str | None = None
    digest: str | None = None
    """SHA-256 of the activity element as serialised: the same activity read again."""
    last_updated: datetime | None = None
    last_updated_without_zone: bool = False
    """The file gave ``last_updated`` without a zone (it is read as UTC)."""
    lang: str | None = None
    default_currency: str | None = None
    hierarchy: int | None = None
    humanitarian: bool | None = None
    budget_not_provided: str | None = None
    linked_data_uri: str | None = None
    title_narratives: list[Narrative] | None = None
    descriptions: list[Description] = field(default_factory=list)
    collaboration_type: str | None = None
    default_flow_type: str | None = None
    default_finance_type: str | None = None
    default_aid_types: list[Coded] = field(default_factory=list)
    default_tied_status: str | None = None
    activity_scope: str | None = None
    capital_spend: Decimal | None = None
    conditions_attached: bool | None = None
    conditions: list[Condition] = field(default_factory=list)
    country_budget_items_vocabulary: str | None = None
    country_budget_items: list[BudgetItem] = field(default_factory=list)
    crs_add: dict[str, Any] | None = None
    fss: dict[str, Any] | None = None
    other_identifiers: list[OtherIdentifier] = field(default_factory=list)
    contacts: list[ContactInfo] = field(default_factory=list)
    legacy_data: list[LegacyData] = field(default_factory=list)
    transactions: list[Transaction] = field(default_factory=list)
    budgets: list[Budget] = field(default_factory=list)
    planned_disbursements: list[PlannedDisbursement] = field(default_factory=list)
    sectors: list[Classification] = field(default_factory=list)
    recipient_regions: list[Classification] = field(default_factory=list)
    policy_markers: list[Classification] = field(default_factory=list)
    tags: list[Classification] = field(default_factory=list)
    humanitarian_scopes: list[Classification] = field(default_factory=list)
    locations: list[Location] = field(default_factory=list)
    document_links: list[DocumentLink] = field(default_factory=list)
    related_activities: list[RelatedActivity] = field(default_factory=list)
    iati_results: list[IatiResult] = field(default_factory=list)
    warnings: list[ImportWarning] = field(default_factory=list)


@dataclass(frozen=True)
class Problem:
    """Something that stops an activity (or the file) from being imported."""

    message: str
    line: int | None = None
    activity: str | None = None
    file: str | None = None
    element: str | None = None
    """The element's path inside the activity (``budget/value``), as the file names it."""

    def __str__(self) -> str:
        where = ", ".join(
            part
            for part in (
                self.file,
                f"line {self.line}" if self.line else None,
                f"activity {self.activity}" if self.activity else None,
                f"element {self.element}" if self.element else None,
            )
            if part
        )
        return f"{where}: {self.message}" if where else self.message
