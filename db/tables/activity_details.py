"""The rest of an IATI activity that repeats: descriptions of every type, activity dates,
other identifiers, conditions, contact information, legacy data; and the warnings its
import raised.

Contact information is public in the publisher's file, so it is public here, but the API
serves it only through a field named for it. Narratives are JSON arrays of
``{lang, text}``.
"""

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlmodel import Field, SQLModel

from db.columns import created_at_column, enum_column, narratives_column, position_column
from db.enums import ImportWarningKind


def _text_list() -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(ARRAY(sa.Text), nullable=False, server_default="{}")


class ActivityDescription(SQLModel, table=True):
    """A ``description`` of any type (1 General, 2 Objectives, 3 Target groups, 4 Other).
    ``project.summary`` stays the general description's text in the default language."""

    __tablename__ = "activity_description"
    __table_args__ = (
        sa.Index("ix_activity_description_project_position", "project_id", "position"),
    )

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", ondelete="CASCADE")
    position: int = Field(default=0, sa_column=position_column())
    type: str | None = Field(default=None, description="@type as written; 1 if absent")
    narratives: list[dict[str, Any]] | None = Field(default=None, sa_column=narratives_column())


class ActivityOtherIdentifier(SQLModel, table=True):
    __tablename__ = "activity_other_identifier"
    __table_args__ = (
        sa.Index("ix_activity_other_identifier_project_position", "project_id", "position"),
    )

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", ondelete="CASCADE")
    position: int = Field(default=0, sa_column=position_column())
    ref: str
    type: str
    owner_org_ref: str | None = None
    owner_org_narratives: list[dict[str, Any]] | None = Field(
        default=None, sa_column=narratives_column("owner_org_narratives")
    )


class ActivityCondition(SQLModel, table=True):
    """A ``conditions/condition``; whether conditions are attached is
    ``project.conditions_attached``."""

    __tablename__ = "activity_condition"
    __table_args__ = (sa.Index("ix_activity_condition_project_position", "project_id", "position"),)

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", ondelete="CASCADE")
    position: int = Field(default=0, sa_column=position_column())
    type: str
    narratives: list[dict[str, Any]] | None = Field(default=None, sa_column=narratives_column())


class ActivityContactInfo(SQLModel, table=True):
    __tablename__ = "activity_contact_info"
    __table_args__ = (
        sa.Index("ix_activity_contact_info_project_position", "project_id", "position"),
    )

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", ondelete="CASCADE")
    position: int = Field(default=0, sa_column=position_column())
    type: str | None = None
    organisation: list[dict[str, Any]] | None = Field(
        default=None, sa_column=narratives_column("organisation")
    )
    department: list[dict[str, Any]] | None = Field(
        default=None, sa_column=narratives_column("department")
    )
    person_name: list[dict[str, Any]] | None = Field(
        default=None, sa_column=narratives_column("person_name")
    )
    job_title: list[dict[str, Any]] | None = Field(
        default=None, sa_column=narratives_column("job_title")
    )
    telephones: list[str] = Field(default_factory=list, sa_column=_text_list())
    emails: list[str] = Field(default_factory=list, sa_column=_text_list())
    websites: list[str] = Field(default_factory=list, sa_column=_text_list())
    mailing_addresses: list[list[dict[str, Any]]] = Field(
        default_factory=list,
        sa_column=sa.Column(JSONB, nullable=False, server_default="[]"),
        description="every mailing-address in file order, each its narratives "
        "(a JSON array of narratives_column arrays)",
    )


class ActivityDateElement(SQLModel, table=True):
    """An ``activity-date`` as written, every one of them: its type as the file gives it
    (1-4, or a code the service does not read), its day and its narratives. The project's
    ``planned_start``... columns are the service's reading of the first of each type 1-4;
    an export writes those days with these elements' narratives, and the elements the
    reading left out (an unknown type, a second of a type) as they came."""

    __tablename__ = "activity_date"
    __table_args__ = (sa.Index("ix_activity_date_project_position", "project_id", "position"),)

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", ondelete="CASCADE")
    position: int = Field(default=0, sa_column=position_column())
    type: str = Field(description="@type as written (ActivityDateType)")
    iso_date: date
    narratives: list[dict[str, Any]] | None = Field(default=None, sa_column=narratives_column())


class ActivityLegacyData(SQLModel, table=True):
    __tablename__ = "activity_legacy_data"
    __table_args__ = (
        sa.Index("ix_activity_legacy_data_project_position", "project_id", "position"),
    )

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", ondelete="CASCADE")
    position: int = Field(default=0, sa_column=position_column())
    name: str
    value: str
    iati_equivalent: str | None = None


class ActivityWarning(SQLModel, table=True):
    """What the IATI rulesets warn about in the activity as last imported: it was imported
    all the same. ``element`` is the element's path inside the activity
    (``budget/value``), ``line`` its line in ``file_name``."""

    __tablename__ = "activity_warning"
    __table_args__ = (sa.Index("ix_activity_warning_project_id", "project_id", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", ondelete="CASCADE")
    kind: ImportWarningKind = Field(sa_column=enum_column(ImportWarningKind, "kind"))
    message: str
    element: str
    line: int | None = None
    file_name: str | None = None
    created_at: datetime | None = Field(default=None, sa_column=created_at_column())
