"""An IATI activity's money: transactions, budgets per period, planned disbursements.

Values are exact and signed (``IATI_MONEY``): the standard allows negative budgets and
transactions (a reimbursement, a correction), and a warning says so rather than a refusal.
Codes (``transaction_type``, ``flow_type``, ``budget_type``...) are the IATI codes as the
file writes them; their names come from the codelists. ``currency`` is the value's
``@currency``, or the activity's ``default-currency`` where the value has none, so every
row states its currency. Transactions, budgets and planned disbursements are records the
API edits, so they carry ``version`` and timestamps like a project.
Narratives are JSON arrays of ``{lang, text}`` (``db.columns.narratives_column``).
"""

from datetime import date, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field, SQLModel

from db.columns import (
    IATI_MONEY,
    created_at_column,
    narratives_column,
    position_column,
    updated_at_column,
    version_column,
)


class ActivityTransaction(SQLModel, table=True):
    """One ``transaction``: its type, date, value and the organisations money moves between.

    ``provider_partner_id`` / ``receiver_partner_id`` point at the partner the organisation
    was matched to (``iati.saving``), the ``*_org_ref``/``*_org_narratives`` keep it as
    written. ``sectors`` and ``aid_types`` are JSON arrays (a 2.03 transaction may carry
    several): ``[{"vocabulary", "vocabulary_uri", "code", "narratives"}]`` and
    ``[{"vocabulary", "code"}]``.
    """

    __tablename__ = "activity_transaction"
    __table_args__ = (
        sa.CheckConstraint("transaction_type <> ''", name="type_given"),
        sa.Index("ix_activity_transaction_project_position", "project_id", "position"),
        sa.Index("ix_activity_transaction_type_date", "transaction_type", "transaction_date"),
    )

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", ondelete="CASCADE")
    position: int = Field(default=0, sa_column=position_column())
    ref: str | None = None
    humanitarian: bool | None = None
    transaction_type: str = Field(description="TransactionType code (1 Incoming Funds...)")
    transaction_date: date
    value: Decimal = Field(sa_type=IATI_MONEY)
    currency: str | None = Field(default=None, description="as written (ISO 4217)")
    value_date: date | None = None
    description: list[dict[str, Any]] | None = Field(
        default=None, sa_column=narratives_column("description")
    )
    provider_org_ref: str | None = None
    provider_org_type: str | None = None
    provider_activity_id: str | None = None
    provider_org_narratives: list[dict[str, Any]] | None = Field(
        default=None, sa_column=narratives_column("provider_org_narratives")
    )
    provider_partner_id: int | None = Field(
        default=None, foreign_key="partner.id", ondelete="SET NULL", index=True
    )
    receiver_org_ref: str | None = None
    receiver_org_type: str | None = None
    receiver_activity_id: str | None = None
    receiver_org_narratives: list[dict[str, Any]] | None = Field(
        default=None, sa_column=narratives_column("receiver_org_narratives")
    )
    receiver_partner_id: int | None = Field(
        default=None, foreign_key="partner.id", ondelete="SET NULL", index=True
    )
    disbursement_channel: str | None = None
    sectors: list[dict[str, Any]] = Field(
        default_factory=list,
        sa_column=sa.Column(JSONB, nullable=False, server_default="[]"),
    )
    recipient_country_code: str | None = Field(
        default=None, description="as written: a code the codelists lack is kept"
    )
    recipient_country_narratives: list[dict[str, Any]] | None = Field(
        default=None, sa_column=narratives_column("recipient_country_narratives")
    )
    recipient_region_code: str | None = None
    recipient_region_vocabulary: str | None = None
    recipient_region_vocabulary_uri: str | None = None
    recipient_region_narratives: list[dict[str, Any]] | None = Field(
        default=None, sa_column=narratives_column("recipient_region_narratives")
    )
    flow_type: str | None = None
    finance_type: str | None = None
    aid_types: list[dict[str, Any]] = Field(
        default_factory=list,
        sa_column=sa.Column(JSONB, nullable=False, server_default="[]"),
    )
    tied_status: str | None = None
    created_at: datetime | None = Field(default=None, sa_column=created_at_column())
    updated_at: datetime | None = Field(default=None, sa_column=updated_at_column())
    version: int = Field(default=1, sa_column=version_column())


class ActivityBudget(SQLModel, table=True):
    """One ``budget``: a period's value, of a type (1 Original, 2 Revised) and status
    (1 Indicative, 2 Committed). Several budgets of one period stay several rows."""

    __tablename__ = "activity_budget"
    __table_args__ = (sa.Index("ix_activity_budget_project_position", "project_id", "position"),)

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", ondelete="CASCADE")
    position: int = Field(default=0, sa_column=position_column())
    type: str | None = Field(default=None, description="@type as written; 1 if absent")
    status: str | None = Field(default=None, description="@status as written; 1 if absent")
    period_start: date
    period_end: date
    value: Decimal = Field(sa_type=IATI_MONEY)
    currency: str | None = Field(default=None, description="as written (ISO 4217)")
    value_date: date | None = None
    created_at: datetime | None = Field(default=None, sa_column=created_at_column())
    updated_at: datetime | None = Field(default=None, sa_column=updated_at_column())
    version: int = Field(default=1, sa_column=version_column())


class ActivityPlannedDisbursement(SQLModel, table=True):
    """One ``planned-disbursement``: a period's expected payment, between organisations."""

    __tablename__ = "activity_planned_disbursement"
    __table_args__ = (
        sa.Index("ix_activity_planned_disbursement_project_position", "project_id", "position"),
    )

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", ondelete="CASCADE")
    position: int = Field(default=0, sa_column=position_column())
    type: str | None = Field(default=None, description="@type as written")
    period_start: date
    period_end: date | None = None
    value: Decimal = Field(sa_type=IATI_MONEY)
    currency: str | None = Field(default=None, description="as written (ISO 4217)")
    value_date: date | None = None
    provider_org_ref: str | None = None
    provider_org_type: str | None = None
    provider_activity_id: str | None = None
    provider_org_narratives: list[dict[str, Any]] | None = Field(
        default=None, sa_column=narratives_column("provider_org_narratives")
    )
    receiver_org_ref: str | None = None
    receiver_org_type: str | None = None
    receiver_activity_id: str | None = None
    receiver_org_narratives: list[dict[str, Any]] | None = Field(
        default=None, sa_column=narratives_column("receiver_org_narratives")
    )
    created_at: datetime | None = Field(default=None, sa_column=created_at_column())
    updated_at: datetime | None = Field(default=None, sa_column=updated_at_column())
    version: int = Field(default=1, sa_column=version_column())
