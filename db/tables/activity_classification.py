"""How an IATI activity is classified: sectors, recipient regions, policy markers, tags,
humanitarian scopes and country budget items, each as the file writes it.

Every row keeps its ``vocabulary`` (and ``vocabulary_uri`` for a publisher's own, 98/99),
``code`` and, where the standard has one, ``percentage``: an SDG target ``5.2`` is a sector
of vocabulary 8 like any other, and percentages that do not add up to 100 are kept with a
warning on the activity. Codes are not foreign keys: a code the codelists lack is kept as
written. Narratives are JSON arrays of ``{lang, text}``.
"""

from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from db.columns import narratives_column, position_column

PERCENTAGE = sa.Numeric()


class ActivitySector(SQLModel, table=True):
    __tablename__ = "activity_sector"
    __table_args__ = (
        sa.CheckConstraint("code <> ''", name="code_given"),
        sa.Index("ix_activity_sector_project_position", "project_id", "position"),
        sa.Index("ix_activity_sector_vocabulary_code", "vocabulary", "code"),
    )

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", ondelete="CASCADE")
    position: int = Field(default=0, sa_column=position_column())
    vocabulary: str | None = Field(default=None, description="@vocabulary as written; 1 if absent")
    vocabulary_uri: str | None = None
    code: str
    percentage: Decimal | None = Field(default=None, sa_type=PERCENTAGE)
    narratives: list[dict[str, Any]] | None = Field(default=None, sa_column=narratives_column())


class ActivityRecipientRegion(SQLModel, table=True):
    __tablename__ = "activity_recipient_region"
    __table_args__ = (
        sa.CheckConstraint("code <> ''", name="code_given"),
        sa.Index("ix_activity_recipient_region_project_position", "project_id", "position"),
        sa.Index("ix_activity_recipient_region_code", "vocabulary", "code"),
    )

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", ondelete="CASCADE")
    position: int = Field(default=0, sa_column=position_column())
    vocabulary: str | None = Field(default=None, description="@vocabulary as written; 1 if absent")
    vocabulary_uri: str | None = None
    code: str
    percentage: Decimal | None = Field(default=None, sa_type=PERCENTAGE)
    narratives: list[dict[str, Any]] | None = Field(default=None, sa_column=narratives_column())


class ActivityPolicyMarker(SQLModel, table=True):
    __tablename__ = "activity_policy_marker"
    __table_args__ = (
        sa.CheckConstraint("code <> ''", name="code_given"),
        sa.Index("ix_activity_policy_marker_project_position", "project_id", "position"),
        sa.Index("ix_activity_policy_marker_code", "code", "significance"),
    )

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", ondelete="CASCADE")
    position: int = Field(default=0, sa_column=position_column())
    vocabulary: str | None = Field(default=None, description="@vocabulary as written; 1 if absent")
    vocabulary_uri: str | None = None
    code: str
    significance: str | None = None
    narratives: list[dict[str, Any]] | None = Field(default=None, sa_column=narratives_column())


class ActivityTag(SQLModel, table=True):
    __tablename__ = "activity_tag"
    __table_args__ = (
        sa.CheckConstraint("code <> ''", name="code_given"),
        sa.Index("ix_activity_tag_project_position", "project_id", "position"),
    )

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", ondelete="CASCADE")
    position: int = Field(default=0, sa_column=position_column())
    vocabulary: str
    vocabulary_uri: str | None = None
    code: str
    narratives: list[dict[str, Any]] | None = Field(default=None, sa_column=narratives_column())


class ActivityHumanitarianScope(SQLModel, table=True):
    __tablename__ = "activity_humanitarian_scope"
    __table_args__ = (
        sa.CheckConstraint("code <> ''", name="code_given"),
        sa.Index("ix_activity_humanitarian_scope_project_position", "project_id", "position"),
    )

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", ondelete="CASCADE")
    position: int = Field(default=0, sa_column=position_column())
    type: str = Field(description="@type: 1 Emergency, 2 Appeal")
    vocabulary: str
    vocabulary_uri: str | None = None
    code: str
    narratives: list[dict[str, Any]] | None = Field(default=None, sa_column=narratives_column())


class ActivityCountryBudgetItem(SQLModel, table=True):
    """A ``country-budget-items/budget-item``; ``vocabulary`` is its parent's."""

    __tablename__ = "activity_country_budget_item"
    __table_args__ = (
        sa.Index("ix_activity_country_budget_item_project_position", "project_id", "position"),
    )

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", ondelete="CASCADE")
    position: int = Field(default=0, sa_column=position_column())
    vocabulary: str
    code: str
    percentage: Decimal | None = Field(default=None, sa_type=PERCENTAGE)
    description: list[dict[str, Any]] | None = Field(
        default=None, sa_column=narratives_column("description")
    )
