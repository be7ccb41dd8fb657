"""Organisations: donors, their ministries and agencies, UN agencies, implementers."""

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from db.columns import (
    created_at_column,
    enum_column,
    folded_code_index,
    updated_at_column,
    version_column,
)
from db.enums import PartnerKind


class Partner(SQLModel, table=True):
    __table_args__ = (
        sa.CheckConstraint("parent_id <> id", name="not_own_parent"),
        folded_code_index("partner"),
        sa.UniqueConstraint("publisher_ref", "local_ref", "name", name="uq_partner_local_ref"),
        sa.CheckConstraint(
            "(publisher_ref IS NULL) = (local_ref IS NULL)", name="local_ref_has_publisher"
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True, description="stable key used by the dataset and its seeding")
    name: str
    acronym: str | None = Field(default=None, index=True)
    kind: PartnerKind = Field(sa_column=enum_column(PartnerKind, "kind"))
    parent_id: int | None = Field(default=None, foreign_key="partner.id", ondelete="SET NULL")
    country_code: str | None = Field(default=None, foreign_key="country.code")
    website: str | None = None
    description: str | None = None
    iati_identifier: str | None = Field(default=None, unique=True)
    iati_identifier_source: str | None = Field(
        default=None, description="where the identifier comes from when no cited passage gives it"
    )
    local_ref: str | None = Field(
        default=None,
        description="a ref that is no registered identifier, as the publisher uses it: it "
        "names this partner only together with its name and that publisher",
    )
    publisher_ref: str | None = Field(
        default=None, description="the reporting-org whose files use local_ref"
    )
    created_at: datetime | None = Field(default=None, sa_column=created_at_column())
    updated_at: datetime | None = Field(default=None, sa_column=updated_at_column())
    version: int = Field(default=1, sa_column=version_column())
