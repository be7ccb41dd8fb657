"""What a caller may ask to narrow a list to, as plain data.

The API turns its filter inputs into these; ``db.conditions`` turns these into SQL. Keeping
them apart lets the database layer stay ignorant of GraphQL, and makes a filter hashable so
a DataLoader can batch every parent that asks for the same one. Lists are tuples for that
reason; ``None`` means "no condition".
"""

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from db.enums import (
    AgreementKind,
    BeneficiaryCategory,
    ContributionKind,
    CountryRole,
    OutcomeKind,
    PartnerKind,
    PartnerRole,
    ProjectStatus,
)


@dataclass(frozen=True)
class DateRange:
    start: date | None = None
    end: date | None = None


@dataclass(frozen=True)
class YearRange:
    start: int | None = None
    end: int | None = None


@dataclass(frozen=True)
class Amount:
    amount: Decimal
    currency: str


@dataclass(frozen=True)
class AmountRange:
    currency: str
    minimum: Decimal | None = None
    maximum: Decimal | None = None


@dataclass(frozen=True)
class PartnerLinkCriteria:
    """Conditions on one partner link of a project, all met by the same link."""

    ids: tuple[int, ...] | None = None
    codes: tuple[str, ...] | None = None
    acronyms: tuple[str, ...] | None = None
    kinds: tuple[PartnerKind, ...] | None = None
    under: str | None = None
    role: PartnerRole | None = None
    amount_above: Amount | None = None


@dataclass(frozen=True)
class SectorCriteria:
    """IATI sectors: codes of any vocabulary, or of one; a DAC 3-digit category matches the
    DAC 5-digit codes in it."""

    codes: tuple[str, ...]
    vocabulary: str | None = None


@dataclass(frozen=True)
class PolicyMarkerCriteria:
    codes: tuple[str, ...]
    significances: tuple[str, ...] | None = None


@dataclass(frozen=True)
class TransactionCriteria:
    """The project has a transaction of one of ``types`` dated in one of ``years``."""

    types: tuple[str, ...] | None = None
    years: tuple[int, ...] | None = None


@dataclass(frozen=True)
class ProjectCriteria:
    ids: tuple[int, ...] | None = None
    codes: tuple[str, ...] | None = None
    statuses: tuple[ProjectStatus, ...] | None = None
    country_codes: tuple[str, ...] | None = None
    country_names: tuple[str, ...] | None = None
    country_role: CountryRole | None = None
    theme_slugs: tuple[str, ...] | None = None
    programme_ids: tuple[int, ...] | None = None
    partner: PartnerLinkCriteria | None = None
    start: DateRange | None = None
    end: DateRange | None = None
    active_on: date | None = None
    budget: AmountRange | None = None
    search: str | None = None
    updated_since: datetime | None = None
    sectors: SectorCriteria | None = None
    region_codes: tuple[str, ...] | None = None
    policy_marker: PolicyMarkerCriteria | None = None
    humanitarian: bool | None = None
    transactions: TransactionCriteria | None = None
    all_of: tuple["ProjectCriteria", ...] = field(default=())
    any_of: tuple["ProjectCriteria", ...] | None = None
    none_of: "ProjectCriteria | None" = None


@dataclass(frozen=True)
class PartnerCriteria:
    ids: tuple[int, ...] | None = None
    codes: tuple[str, ...] | None = None
    acronyms: tuple[str, ...] | None = None
    kinds: tuple[PartnerKind, ...] | None = None
    under: str | None = None
    project_country_codes: tuple[str, ...] | None = None
    search: str | None = None
    updated_since: datetime | None = None


@dataclass(frozen=True)
class ProgrammeCriteria:
    codes: tuple[str, ...] | None = None
    partner_codes: tuple[str, ...] | None = None
    phases_of: str | None = None
    search: str | None = None
    updated_since: datetime | None = None


@dataclass(frozen=True)
class BeneficiaryGroupCriteria:
    categories: tuple[BeneficiaryCategory, ...] | None = None
    country_codes: tuple[str, ...] | None = None
    project: ProjectCriteria | None = None
    search: str | None = None
    updated_since: datetime | None = None


@dataclass(frozen=True)
class OutcomeCriteria:
    kinds: tuple[OutcomeKind, ...] | None = None
    on_track: bool | None = None
    project: ProjectCriteria | None = None
    search: str | None = None
    updated_since: datetime | None = None


@dataclass(frozen=True)
class ContributionCriteria:
    kinds: tuple[ContributionKind, ...] | None = None
    donor_codes: tuple[str, ...] | None = None
    recipient_codes: tuple[str, ...] | None = None
    years: YearRange | None = None
    updated_since: datetime | None = None


@dataclass(frozen=True)
class AgreementCriteria:
    kinds: tuple[AgreementKind, ...] | None = None
    party_codes: tuple[str, ...] | None = None
    signed: DateRange | None = None
