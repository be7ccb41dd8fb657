"""An IATI activity's ``document-link`` elements: what the publisher links to, as written.

``categories`` and ``languages`` keep their codes in file order; ``title`` and
``description`` are JSON arrays of ``{lang, text}``.
"""

from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY
from sqlmodel import Field, SQLModel

from db.columns import narratives_column, position_column


class ActivityDocumentLink(SQLModel, table=True):
    __tablename__ = "activity_document_link"
    __table_args__ = (
        sa.Index("ix_activity_document_link_project_position", "project_id", "position"),
    )

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", ondelete="CASCADE")
    position: int = Field(default=0, sa_column=position_column())
    url: str
    format: str | None = None
    title: list[dict[str, Any]] | None = Field(default=None, sa_column=narratives_column("title"))
    description: list[dict[str, Any]] | None = Field(
        default=None, sa_column=narratives_column("description")
    )
    categories: list[str] = Field(
        default_factory=list,
        sa_column=sa.Column(ARRAY(sa.Text), nullable=False, server_default="{}"),
    )
    languages: list[str] = Field(
        default_factory=list,
        sa_column=sa.Column(ARRAY(sa.Text), nullable=False, server_default="{}"),
    )
    document_date: date | None = None
