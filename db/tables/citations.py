"""Where each record comes from: a source document and the passage that supports it."""

from datetime import date

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from db.columns import date_checks, precision_column
from db.enums import DatePrecision

CITED_RECORDS: dict[str, str] = {
    "partner_id": "partner",
    "programme_id": "programme",
    "programme_partner_id": "programme_partner",
    "project_id": "project",
    "project_programme_id": "project_programme",
    "project_partner_id": "project_partner",
    "project_country_id": "project_country",
    "beneficiary_group_id": "beneficiary_group",
    "outcome_id": "outcome",
    "contribution_id": "contribution",
    "agreement_id": "agreement",
    "partner_fact_id": "partner_fact",
}
"""Citation column → the table it cites. A citation cites exactly one record."""


class SourceDocument(SQLModel, table=True):
    __tablename__ = "source_document"
    __table_args__ = (*date_checks("source_document", "published_on"),)

    id: int | None = Field(default=None, primary_key=True)
    file_name: str = Field(unique=True)
    title: str
    publisher: str | None = None
    published_on: date | None = None
    published_on_precision: DatePrecision | None = Field(
        default=None, sa_column=precision_column("published_on_precision")
    )
    published_on_derived: bool = Field(default=False, sa_column_kwargs={"server_default": "false"})
    published_on_derivation: str | None = Field(
        default=None, description="how the value was derived; null when stated"
    )


def _cited_record_column(table: str) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(sa.ForeignKey(f"{table}.id", ondelete="CASCADE"), nullable=True)


def _cited_record_index(column: str) -> sa.Index:
    """Only the citations of the column's table: each citation has one record, so an index
    over every row would hold eleven nulls for each value, and every citation written would
    be written into twelve indexes instead of one."""
    return sa.Index(
        f"ix_citation_{column}", column, postgresql_where=sa.text(f"{column} IS NOT NULL")
    )


class Citation(SQLModel, table=True):
    """One passage supporting one record.

    One nullable foreign key per citable table (rather than a type/id pair) so that the
    database itself guarantees every citation points at a record that exists.
    """

    __table_args__ = (
        sa.CheckConstraint(f"num_nonnulls({', '.join(CITED_RECORDS)}) = 1", name="one_record"),
        sa.UniqueConstraint(
            "document_id", "excerpt", *CITED_RECORDS, postgresql_nulls_not_distinct=True
        ),
        *(_cited_record_index(column) for column in CITED_RECORDS),
    )

    id: int | None = Field(default=None, primary_key=True)
    document_id: int = Field(foreign_key="source_document.id", ondelete="CASCADE")
    excerpt: str
    partner_id: int | None = Field(default=None, sa_column=_cited_record_column("partner"))
    programme_id: int | None = Field(default=None, sa_column=_cited_record_column("programme"))
    programme_partner_id: int | None = Field(
        default=None, sa_column=_cited_record_column("programme_partner")
    )
    project_id: int | None = Field(default=None, sa_column=_cited_record_column("project"))
    project_programme_id: int | None = Field(
        default=None, sa_column=_cited_record_column("project_programme")
    )
    project_partner_id: int | None = Field(
        default=None, sa_column=_cited_record_column("project_partner")
    )
    project_country_id: int | None = Field(
        default=None, sa_column=_cited_record_column("project_country")
    )
    beneficiary_group_id: int | None = Field(
        default=None, sa_column=_cited_record_column("beneficiary_group")
    )
    outcome_id: int | None = Field(default=None, sa_column=_cited_record_column("outcome"))
    contribution_id: int | None = Field(
        default=None, sa_column=_cited_record_column("contribution")
    )
    agreement_id: int | None = Field(default=None, sa_column=_cited_record_column("agreement"))
    partner_fact_id: int | None = Field(
        default=None, sa_column=_cited_record_column("partner_fact")
    )
