"""How an IATI activity is classified: sectors, recipient regions, policy markers, tags,
humanitarian scopes and country budget items, each as the file writes it.

Every row keeps its ``vocabulary`` (and ``vocabulary_uri`` for a publisher's own, 98/99),
``code`` and, where the standard has one, ``percentage``: an SDG target ``5.2`` is a sector
of vocabulary 8 like any other, and percentages that do not add up to 100 are kept with a
warning on the activity. Codes are not foreign keys: a code the codelists lack is kept as
written. Narratives are JSON arrays of ``{lang, text}``.

The columns every classification row has are declared once, in ``ClassificationRow`` (and
``NarratedClassificationRow`` for those with a vocabulary URI and narratives); each table
declares what is its own. A mixin's columns are built per table from ``Field`` options
(``sa_type``, ``sa_column_kwargs``), not as an ``sa_column``: SQLModel hands one ``Column``
object to every table that inherits it, and a column belongs to one table.
"""

from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from db.columns import NARRATIVES

PERCENTAGE = sa.Numeric()


def _table_args(table: str, *extra: sa.Index, code_given: bool = True) -> tuple[Any, ...]:
    """A non-empty code where the element must have one, the activity's rows in file order,
    and the table's own indexes."""
    checks = (sa.CheckConstraint("code <> ''", name="code_given"),) if code_given else ()
    return (*checks, sa.Index(f"ix_{table}_project_position", "project_id", "position"), *extra)


class ClassificationRow(SQLModel):
    """What every classification row has: its activity, its place among its siblings in the
    file (so an export writes them back in the order they came), and its code as written."""

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", ondelete="CASCADE")
    position: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    code: str


class NarratedClassificationRow(ClassificationRow):
    """A classification element with a vocabulary a publisher may define (its URI) and
    narratives (``NARRATIVES``)."""

    vocabulary_uri: str | None = None
    narratives: list[dict[str, Any]] | None = Field(default=None, sa_type=NARRATIVES)


class ActivitySector(NarratedClassificationRow, table=True):
    __tablename__ = "activity_sector"
    __table_args__ = _table_args(
        "activity_sector", sa.Index("ix_activity_sector_vocabulary_code", "vocabulary", "code")
    )

    vocabulary: str | None = Field(default=None, description="@vocabulary as written; 1 if absent")
    percentage: Decimal | None = Field(default=None, sa_type=PERCENTAGE)


class ActivityRecipientRegion(NarratedClassificationRow, table=True):
    __tablename__ = "activity_recipient_region"
    __table_args__ = _table_args(
        "activity_recipient_region",
        sa.Index("ix_activity_recipient_region_code", "vocabulary", "code"),
    )

    vocabulary: str | None = Field(default=None, description="@vocabulary as written; 1 if absent")
    percentage: Decimal | None = Field(default=None, sa_type=PERCENTAGE)


class ActivityPolicyMarker(NarratedClassificationRow, table=True):
    __tablename__ = "activity_policy_marker"
    __table_args__ = _table_args(
        "activity_policy_marker",
        sa.Index("ix_activity_policy_marker_code", "code", "significance"),
    )

    vocabulary: str | None = Field(default=None, description="@vocabulary as written; 1 if absent")
    significance: str | None = None


class ActivityTag(NarratedClassificationRow, table=True):
    __tablename__ = "activity_tag"
    __table_args__ = _table_args("activity_tag")

    vocabulary: str


class ActivityHumanitarianScope(NarratedClassificationRow, table=True):
    __tablename__ = "activity_humanitarian_scope"
    __table_args__ = _table_args("activity_humanitarian_scope")

    type: str = Field(description="@type: 1 Emergency, 2 Appeal")
    vocabulary: str


class ActivityCountryBudgetItem(ClassificationRow, table=True):
    """A ``country-budget-items/budget-item``; ``vocabulary`` is its parent's."""

    __tablename__ = "activity_country_budget_item"
    __table_args__ = _table_args("activity_country_budget_item", code_given=False)

    vocabulary: str
    percentage: Decimal | None = Field(default=None, sa_type=PERCENTAGE)
    description: list[dict[str, Any]] | None = Field(default=None, sa_type=NARRATIVES)
