"""Programmes and their phases, and the partners that fund or run them."""

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY
from sqlmodel import Field, SQLModel

from db.columns import (
    created_at_column,
    date_checks,
    enum_column,
    precision_column,
    updated_at_column,
    version_column,
)
from db.enums import DatePrecision, PartnerRole
from db.text_search import search_index, search_vector_column


class Programme(SQLModel, table=True):
    __table_args__ = (
        search_index("programme"),
        sa.CheckConstraint("end_date >= start_date", name="dates_ordered"),
        sa.CheckConstraint("parent_id <> id", name="not_own_parent"),
        *date_checks("programme", "start_date", "end_date"),
    )

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True)
    name: str
    acronym: str | None = None
    description: str | None = None
    start_date: date | None = None
    start_date_precision: DatePrecision | None = Field(
        default=None, sa_column=precision_column("start_date_precision")
    )
    start_date_derived: bool = Field(default=False, sa_column_kwargs={"server_default": "false"})
    start_date_derivation: str | None = Field(
        default=None, description="how the value was derived; null when stated"
    )
    end_date: date | None = None
    end_date_precision: DatePrecision | None = Field(
        default=None, sa_column=precision_column("end_date_precision")
    )
    end_date_derived: bool = Field(default=False, sa_column_kwargs={"server_default": "false"})
    end_date_derivation: str | None = Field(
        default=None, description="how the value was derived; null when stated"
    )
    areas_of_work: list[str] = Field(
        default_factory=list,
        sa_column=sa.Column(ARRAY(sa.Text), nullable=False, server_default="{}"),
        description="the areas of work a source lists, in its order",
    )
    parent_id: int | None = Field(default=None, foreign_key="programme.id", ondelete="SET NULL")
    iati_identifier: str | None = Field(
        default=None, unique=True, description="the parent activity's identifier in IATI files"
    )
    created_at: datetime | None = Field(default=None, sa_column=created_at_column())
    updated_at: datetime | None = Field(default=None, sa_column=updated_at_column())
    version: int = Field(default=1, sa_column=version_column())
    search_vector: str | None = Field(
        default=None,
        sa_column=search_vector_column(("name", "A"), ("acronym", "A"), ("description", "B")),
    )


class ProgrammePartner(SQLModel, table=True):
    __tablename__ = "programme_partner"
    __table_args__ = (sa.UniqueConstraint("programme_id", "partner_id", "role"),)

    id: int | None = Field(default=None, primary_key=True)
    programme_id: int = Field(foreign_key="programme.id", ondelete="CASCADE", index=True)
    partner_id: int = Field(foreign_key="partner.id", ondelete="CASCADE", index=True)
    role: PartnerRole = Field(sa_column=enum_column(PartnerRole, "role"))
