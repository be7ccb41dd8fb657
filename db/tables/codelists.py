"""The IATI codelists: every code of every list, as published, withdrawn ones included.

One row per codelist and one per code, rather than a table per codelist: the service needs
the same four facts of every code (its names, its category, whether it is withdrawn, and
which list it is in), the lists change by adding codes, not shapes, and ``coopgraph
codelists update`` loads a newer list without a migration. Names and descriptions keep every
language the list gives, as JSONB ``{lang: text}`` (the list's own language, ``en``, for
narratives without ``xml:lang``).
"""

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field, SQLModel

from db.columns import TEXT_COLLATION, created_at_column


class Codelist(SQLModel, table=True):
    """A codelist as its file describes itself."""

    name: str = Field(
        primary_key=True,
        sa_type=sa.String(collation=TEXT_COLLATION),
        description="the codelist's name attribute (Sector, UNSDG-Targets)",
    )
    language: str = Field(description="xml:lang of the file: the language of untagged names")
    embedded: bool = Field(description="embedded in the schema, or maintained apart")
    complete: bool | None = Field(
        default=None, description="the file's complete attribute; null when it gives none"
    )
    category_codelist: str | None = Field(
        default=None, description="the codelist the items' categories are codes of"
    )
    titles: dict[str, str] = Field(
        default_factory=dict,
        sa_column=sa.Column(JSONB, nullable=False, server_default="{}"),
    )
    source: str = Field(description="where the codes were loaded from (bundled, or a file)")
    loaded_at: datetime = Field(sa_column=created_at_column("loaded_at"))


class CodelistCode(SQLModel, table=True):
    """One code; never deleted by an update (old files use withdrawn codes), only marked."""

    __tablename__ = "codelist_code"

    codelist: str = Field(
        sa_column=sa.Column(
            sa.String(collation=TEXT_COLLATION),
            sa.ForeignKey("codelist.name", ondelete="CASCADE"),
            primary_key=True,
        )
    )
    code: str = Field(
        sa_column=sa.Column(sa.String(collation=TEXT_COLLATION), primary_key=True),
    )
    names: dict[str, str] = Field(
        default_factory=dict,
        sa_column=sa.Column(JSONB, nullable=False, server_default="{}"),
    )
    descriptions: dict[str, str] = Field(
        default_factory=dict,
        sa_column=sa.Column(JSONB, nullable=False, server_default="{}"),
    )
    category: str | None = Field(default=None, description="a code of the category codelist")
    withdrawn: bool = Field(default=False)
    withdrawal_date: date | None = None
    url: str | None = None
