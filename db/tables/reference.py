"""Reference data keyed by public codes: ISO 3166-1 countries, regions, themes."""

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY
from sqlmodel import Field, SQLModel


class Country(SQLModel, table=True):
    __table_args__ = (sa.CheckConstraint("code ~ '^[A-Z]{2}$'", name="code_iso3166"),)

    code: str = Field(primary_key=True, max_length=2, description="ISO 3166-1 alpha-2")
    name: str
    official_name: str | None = None
    region: str | None = Field(
        default=None,
        description="UN M49 region, e.g. Asia, Africa; null for a country only an IATI file "
        "named, until the seed or a codelist says",
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
