"""Reference data keyed by public codes: ISO 3166-1 countries, regions, themes.

Migration 0008 makes a row for every country of the IATI Country codelist and every region of
its Region codelist (named as the codelists name them); the seed fills what it owns on the
dataset's countries: their common, official and alternative names and their UN region.
"""

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY
from sqlmodel import Field, SQLModel


class Country(SQLModel, table=True):
    __table_args__ = (sa.CheckConstraint("code ~ '^[A-Z]{2}$'", name="code_iso3166"),)

    code: str = Field(primary_key=True, max_length=2, description="ISO 3166-1 alpha-2")
    name: str
    official_name: str | None = None
    region: str | None = Field(
        default=None, description="UN M49 region, e.g. Asia, Africa; null where none is stated"
    )
    alternative_names: list[str] = Field(
        default_factory=list,
        sa_column=sa.Column(ARRAY(sa.Text), nullable=False, server_default="{}"),
    )


class Region(SQLModel, table=True):
    """A recipient region that is not a country (ASEAN, Asia and the Pacific, global)."""

    code: str = Field(primary_key=True)
    name: str


class Theme(SQLModel, table=True):
    __table_args__ = (sa.CheckConstraint("slug ~ '^[a-z0-9-]+$'", name="slug"),)

    slug: str = Field(primary_key=True)
    name: str
