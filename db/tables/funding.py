"""Money and commitments between partners, and dated statements about them."""

from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY
from sqlmodel import Field, SQLModel

from db.columns import (
    created_at_column,
    currency_check,
    date_checks,
    enum_column,
    figure_checks,
    precision_column,
    qualifier_column,
    updated_at_column,
    version_column,
)
from db.enums import AgreementKind, ContributionKind, DatePrecision, Qualifier
from db.tables.projects import MONEY


class Contribution(SQLModel, table=True):
    """Funding from a donor to an organisation over a period of years."""

    __table_args__ = (
        sa.CheckConstraint("amount >= 0", name="amount_non_negative"),
        sa.CheckConstraint("period_end_year >= period_start_year", name="period"),
        sa.CheckConstraint("donor_id <> recipient_id", name="two_parties"),
        currency_check("contribution", "currency"),
        *figure_checks("contribution", "amount"),
    )

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True)
    donor_id: int = Field(foreign_key="partner.id", ondelete="CASCADE", index=True)
    recipient_id: int = Field(foreign_key="partner.id", ondelete="CASCADE", index=True)
    kind: ContributionKind = Field(sa_column=enum_column(ContributionKind, "kind"))
    amount: Decimal = Field(sa_type=MONEY)
    currency: str = Field(max_length=3)
    amount_qualifier: Qualifier = Field(sa_column=enum_column(Qualifier, "amount_qualifier"))
    period_start_year: int
    period_end_year: int
    programme_id: int | None = Field(default=None, foreign_key="programme.id", ondelete="SET NULL")
    project_id: int | None = Field(default=None, foreign_key="project.id", ondelete="SET NULL")
    created_at: datetime | None = Field(default=None, sa_column=created_at_column())
    updated_at: datetime | None = Field(default=None, sa_column=updated_at_column())
    version: int = Field(default=1, sa_column=version_column())


class Agreement(SQLModel, table=True):
    """A memorandum, agreement, evaluation or assessment, and what it covers."""

    __table_args__ = (
        sa.CheckConstraint("period_end_year >= period_start_year", name="period"),
        *date_checks("agreement", "signed_on"),
    )

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True)
    kind: AgreementKind = Field(sa_column=enum_column(AgreementKind, "kind"))
    title: str
    description: str | None = None
    signed_on: date | None = Field(default=None, description="date signed or carried out")
    signed_on_precision: DatePrecision | None = Field(
        default=None, sa_column=precision_column("signed_on_precision")
    )
    signed_on_derived: bool = Field(default=False, sa_column_kwargs={"server_default": "false"})
    signed_on_derivation: str | None = Field(
        default=None, description="how the value was derived; null when stated"
    )
    officials: list[str] = Field(
        default_factory=list,
        sa_column=sa.Column(ARRAY(sa.Text), nullable=False, server_default="{}"),
        description="officials the record's passages name, as they name them",
    )
    period_start_year: int | None = None
    period_end_year: int | None = None
    programme_id: int | None = Field(default=None, foreign_key="programme.id", ondelete="SET NULL")
    created_at: datetime | None = Field(default=None, sa_column=created_at_column())


class AgreementParty(SQLModel, table=True):
    __tablename__ = "agreement_party"
    __table_args__ = (sa.UniqueConstraint("agreement_id", "partner_id"),)

    id: int | None = Field(default=None, primary_key=True)
    agreement_id: int = Field(foreign_key="agreement.id", ondelete="CASCADE", index=True)
    partner_id: int = Field(foreign_key="partner.id", ondelete="CASCADE", index=True)


class AgreementProject(SQLModel, table=True):
    __tablename__ = "agreement_project"
    __table_args__ = (sa.UniqueConstraint("agreement_id", "project_id"),)

    id: int | None = Field(default=None, primary_key=True)
    agreement_id: int = Field(foreign_key="agreement.id", ondelete="CASCADE", index=True)
    project_id: int = Field(foreign_key="project.id", ondelete="CASCADE", index=True)


class PartnerFact(SQLModel, table=True):
    """A dated statement about a partner that is not a funding flow."""

    __tablename__ = "partner_fact"
    __table_args__ = (
        *figure_checks("partner_fact", "value"),
        *date_checks("partner_fact", "as_of"),
    )

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True)
    partner_id: int = Field(foreign_key="partner.id", ondelete="CASCADE", index=True)
    topic: str = Field(description="short label, e.g. 'ILO membership'")
    statement: str
    as_of: date | None = None
    as_of_precision: DatePrecision | None = Field(
        default=None, sa_column=precision_column("as_of_precision")
    )
    as_of_derived: bool = Field(default=False, sa_column_kwargs={"server_default": "false"})
    as_of_derivation: str | None = Field(
        default=None, description="how the value was derived; null when stated"
    )
    value: Decimal | None = Field(default=None, sa_type=sa.Numeric(20, 4))
    value_qualifier: Qualifier | None = Field(
        default=None, sa_column=qualifier_column("value_qualifier")
    )
    unit: str | None = None
    created_at: datetime | None = Field(default=None, sa_column=created_at_column())


class PartnerFactCountry(SQLModel, table=True):
    """Countries a fact names, such as a donor's priority partner countries."""

    __tablename__ = "partner_fact_country"
    __table_args__ = (sa.UniqueConstraint("partner_fact_id", "country_code"),)

    id: int | None = Field(default=None, primary_key=True)
    partner_fact_id: int = Field(foreign_key="partner_fact.id", ondelete="CASCADE", index=True)
    country_code: str = Field(foreign_key="country.code")
