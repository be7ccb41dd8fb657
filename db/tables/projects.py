"""Projects and their links to programmes, partners, countries, regions and themes.

A project imported from IATI also keeps the activity's own attributes and single elements
as written (``default_currency``, ``hierarchy``, ``reporting_org_*``, the default
classifications, ``crs_add``, ``fss``...); its repeated elements live in the
``activity_*`` tables. Narratives are JSON arrays of ``{lang, text}``
(``db.columns.narratives_column``).
"""

from datetime import date, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field, SQLModel

from db.columns import (
    IATI_MONEY,
    TEXT_COLLATION,
    created_at_column,
    currency_check,
    date_checks,
    enum_column,
    figure_checks,
    folded_code_index,
    narratives_column,
    position_column,
    precision_column,
    qualifier_column,
    updated_at_column,
    version_column,
)
from db.enums import CountryRole, DatePrecision, PartnerRole, ProjectStatus, Qualifier
from db.text_search import search_index, search_vector_column

MONEY = sa.Numeric(18, 2)

_DATES = ("planned_start", "planned_end", "actual_start", "actual_end")


class Project(SQLModel, table=True):
    __table_args__ = (
        search_index("project"),
        folded_code_index("project"),
        # Serve the keyset orderings by start, oldest or newest first (db/orderings.py);
        # code's unique index, in the C collation, serves the ordering by code.
        sa.Index("ix_project_effective_start", "effective_start", "id"),
        sa.Index(
            "ix_project_effective_start_desc",
            sa.desc(sa.column("effective_start")).nulls_last(),
            sa.desc(sa.column("id")),
        ),
        sa.CheckConstraint("planned_end >= planned_start", name="planned_ordered"),
        sa.CheckConstraint("actual_end >= actual_start", name="actual_ordered"),
        sa.CheckConstraint("duration_months > 0", name="duration_positive"),
        sa.CheckConstraint("budget_amount >= 0", name="budget_non_negative"),
        sa.CheckConstraint(
            "(budget_amount IS NULL) = (budget_currency IS NULL)", name="budget_currency"
        ),
        sa.CheckConstraint("(status IS NULL) OR (status_as_of IS NOT NULL)", name="status_as_of"),
        sa.CheckConstraint("previous_phase_id <> id", name="not_own_phase"),
        currency_check("project", "budget_currency"),
        *figure_checks("project", "budget_amount"),
        *date_checks("project", *_DATES),
    )

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(
        unique=True, sa_type=sa.String(collation=TEXT_COLLATION), description="stable public code"
    )
    title: str
    acronym: str | None = None
    summary: str | None = None
    status: ProjectStatus | None = Field(
        default=None, sa_column=enum_column(ProjectStatus, "status", nullable=True)
    )
    status_code: str | None = Field(
        default=None,
        description="activity-status/@code as written when it is none of the service's "
        "statuses (status is then null): kept, and written back, as the file gave it",
    )
    status_as_of: date | None = None
    status_derived: bool = Field(default=False, sa_column_kwargs={"server_default": "false"})
    status_derivation: str | None = Field(
        default=None, description="how the value was derived; null when stated"
    )
    planned_start: date | None = None
    planned_start_precision: DatePrecision | None = Field(
        default=None, sa_column=precision_column("planned_start_precision")
    )
    planned_start_derived: bool = Field(default=False, sa_column_kwargs={"server_default": "false"})
    planned_start_derivation: str | None = Field(
        default=None, description="how the value was derived; null when stated"
    )
    planned_end: date | None = None
    planned_end_precision: DatePrecision | None = Field(
        default=None, sa_column=precision_column("planned_end_precision")
    )
    planned_end_derived: bool = Field(default=False, sa_column_kwargs={"server_default": "false"})
    planned_end_derivation: str | None = Field(
        default=None, description="how the value was derived; null when stated"
    )
    actual_start: date | None = None
    actual_start_precision: DatePrecision | None = Field(
        default=None, sa_column=precision_column("actual_start_precision")
    )
    actual_start_derived: bool = Field(default=False, sa_column_kwargs={"server_default": "false"})
    actual_start_derivation: str | None = Field(
        default=None, description="how the value was derived; null when stated"
    )
    actual_end: date | None = None
    actual_end_precision: DatePrecision | None = Field(
        default=None, sa_column=precision_column("actual_end_precision")
    )
    actual_end_derived: bool = Field(default=False, sa_column_kwargs={"server_default": "false"})
    actual_end_derivation: str | None = Field(
        default=None, description="how the value was derived; null when stated"
    )
    duration_months: int | None = Field(default=None, description="duration the source states")
    duration_months_derivation: str | None = Field(
        default=None, description="how the duration was derived; null when stated"
    )
    budget_amount: Decimal | None = Field(default=None, sa_type=MONEY)
    budget_currency: str | None = Field(default=None, max_length=3)
    budget_amount_qualifier: Qualifier | None = Field(
        default=None, sa_column=qualifier_column("budget_amount_qualifier")
    )
    previous_phase_id: int | None = Field(
        default=None, foreign_key="project.id", ondelete="SET NULL"
    )
    iati_identifier: str | None = Field(default=None, unique=True)
    iati_version: str | None = Field(default=None, description="the version of the file read")
    iati_digest: str | None = Field(
        default=None,
        description="SHA-256 of the activity's XML as last imported: the same "
        "activity imported again is unchanged without comparing its rows",
    )
    last_updated_datetime: datetime | None = Field(
        default=None,
        sa_type=sa.DateTime(timezone=True),
        description="the activity's @last-updated-datetime: which of two files is newer",
    )
    last_updated_without_zone: bool = Field(
        default=False,
        sa_column_kwargs={"server_default": "false"},
        description="the file wrote @last-updated-datetime without a zone: read as UTC, "
        "written back without one",
    )
    lang: str | None = Field(default=None, description="@xml:lang: the default language")
    default_currency: str | None = None
    hierarchy: int | None = None
    humanitarian: bool | None = None
    budget_not_provided: str | None = Field(default=None, description="BudgetNotProvided code")
    linked_data_uri: str | None = None
    title_narratives: list[dict[str, Any]] | None = Field(
        default=None, sa_column=narratives_column("title_narratives")
    )
    reporting_org_ref: str | None = None
    reporting_org_type: str | None = None
    reporting_org_secondary_reporter: bool | None = None
    reporting_org_narratives: list[dict[str, Any]] | None = Field(
        default=None, sa_column=narratives_column("reporting_org_narratives")
    )
    reporting_org_partner_id: int | None = Field(
        default=None, foreign_key="partner.id", ondelete="SET NULL", index=True
    )
    collaboration_type: str | None = None
    default_flow_type: str | None = None
    default_finance_type: str | None = None
    default_aid_types: list[dict[str, Any]] = Field(
        default_factory=list,
        sa_column=sa.Column(JSONB, nullable=False, server_default="[]"),
        description='default-aid-type elements: [{"vocabulary", "code"}]',
    )
    default_tied_status: str | None = None
    activity_scope: str | None = None
    capital_spend: Decimal | None = Field(default=None, sa_type=IATI_MONEY)
    conditions_attached: bool | None = None
    country_budget_items_vocabulary: str | None = None
    crs_add: dict[str, Any] | None = Field(
        default=None,
        sa_column=sa.Column(JSONB(none_as_null=True), nullable=True),
        description="crs-add as written: other-flags, loan-terms, loan-status, channel-code",
    )
    fss: dict[str, Any] | None = Field(
        default=None,
        sa_column=sa.Column(JSONB(none_as_null=True), nullable=True),
        description="fss as written: extraction-date, priority, phaseout-year, forecasts",
    )
    created_at: datetime | None = Field(default=None, sa_column=created_at_column())
    updated_at: datetime | None = Field(default=None, sa_column=updated_at_column())
    version: int = Field(default=1, sa_column=version_column())
    effective_start: date | None = Field(
        default=None,
        sa_column=sa.Column(
            sa.Date, sa.Computed("coalesce(actual_start, planned_start)", persisted=True)
        ),
        description="the actual start where known, else the planned (or derived) one",
    )
    effective_end: date | None = Field(
        default=None,
        sa_column=sa.Column(
            sa.Date, sa.Computed("coalesce(actual_end, planned_end)", persisted=True)
        ),
    )
    search_vector: str | None = Field(
        default=None,
        sa_column=search_vector_column(("title", "A"), ("acronym", "A"), ("summary", "B")),
    )


def _project_code_column() -> sa.Column[str]:
    """A link's copy of its project's code, filled and kept in step by the database
    (migration 0015's triggers, whatever a writer sends): with the index on (parent, code,
    project), a parent's projects in code order are a walk of the link's index."""
    return sa.Column(sa.String(collation=TEXT_COLLATION), nullable=False)


def _by_project_code(table: str, parent: str) -> sa.Index:
    return sa.Index(f"ix_{table}_project_code", parent, "project_code", "project_id")


class ProjectProgramme(SQLModel, table=True):
    __tablename__ = "project_programme"
    __table_args__ = (
        sa.UniqueConstraint("project_id", "programme_id"),
        _by_project_code("project_programme", "programme_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", ondelete="CASCADE", index=True)
    programme_id: int = Field(foreign_key="programme.id", ondelete="CASCADE", index=True)
    project_code: str | None = Field(default=None, sa_column=_project_code_column())


class ProjectPartner(SQLModel, table=True):
    """A partner's role in a project; for funders, the amount they give."""

    __tablename__ = "project_partner"
    __table_args__ = (
        sa.UniqueConstraint("project_id", "partner_id", "role"),
        _by_project_code("project_partner", "partner_id"),
        sa.CheckConstraint("amount >= 0", name="amount_non_negative"),
        sa.CheckConstraint("(amount IS NULL) = (currency IS NULL)", name="amount_currency"),
        currency_check("project_partner", "currency"),
        *figure_checks("project_partner", "amount"),
    )

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", ondelete="CASCADE", index=True)
    partner_id: int = Field(foreign_key="partner.id", ondelete="CASCADE", index=True)
    project_code: str | None = Field(default=None, sa_column=_project_code_column())
    role: PartnerRole = Field(sa_column=enum_column(PartnerRole, "role"))
    amount: Decimal | None = Field(default=None, sa_type=MONEY)
    currency: str | None = Field(default=None, max_length=3)
    amount_qualifier: Qualifier | None = Field(
        default=None, sa_column=qualifier_column("amount_qualifier")
    )
    activity_id: str | None = Field(
        default=None,
        description="@activity-id of the first participating-org element of the link: the "
        "organisation's own activity, which funding chains follow",
    )
    position: int = Field(default=0, sa_column=position_column())


class ProjectCountry(SQLModel, table=True):
    """A country a project works in or with; cited, because sources may disagree."""

    __tablename__ = "project_country"
    __table_args__ = (
        sa.UniqueConstraint("project_id", "country_code", "role"),
        _by_project_code("project_country", "country_code"),
        sa.CheckConstraint("percentage BETWEEN 0 AND 100", name="percentage_range"),
    )

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", ondelete="CASCADE", index=True)
    country_code: str = Field(foreign_key="country.code", index=True)
    project_code: str | None = Field(default=None, sa_column=_project_code_column())
    role: CountryRole = Field(sa_column=enum_column(CountryRole, "role"))
    percentage: Decimal | None = Field(
        default=None,
        sa_type=sa.Numeric(5, 2),
        description="share of the project's spending in the country, where a source says",
    )
    narratives: list[dict[str, Any]] | None = Field(default=None, sa_column=narratives_column())
    position: int = Field(default=0, sa_column=position_column())


class ProjectRegion(SQLModel, table=True):
    __tablename__ = "project_region"
    __table_args__ = (sa.UniqueConstraint("project_id", "region_code"),)

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", ondelete="CASCADE", index=True)
    region_code: str = Field(foreign_key="region.code")


class ProjectTheme(SQLModel, table=True):
    __tablename__ = "project_theme"
    __table_args__ = (
        sa.UniqueConstraint("project_id", "theme_slug"),
        _by_project_code("project_theme", "theme_slug"),
    )

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", ondelete="CASCADE", index=True)
    theme_slug: str = Field(foreign_key="theme.slug", index=True)
    project_code: str | None = Field(default=None, sa_column=_project_code_column())
