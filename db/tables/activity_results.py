"""IATI results as the standard nests them: result → indicator → baseline / period →
target and actual values, each with its comments, dimensions and locations.

Every row carries ``project_id`` (for one-statement loading and the cascade) beside its
parent's id. Values of indicators are text as written (the standard types them as
strings: a qualitative measure has none, others should be numbers). ``dimensions`` are
JSON arrays ``[{"name", "value"}]``, ``location_refs`` the ``location/@ref`` they point
at, ``document_links`` and ``references`` JSON arrays of what the standard nests there
(``[{"url", "format", "title", "categories", "languages", "document_date"}]``,
``[{"vocabulary", "code", "vocabulary_uri"}]``). The older ``outcome`` rows, one per
period and dimension set, stay as the service's summary of the same results.
"""

from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlmodel import Field, SQLModel

from db.columns import enum_column, narratives_column, position_column
from db.enums import PeriodValueKind


def _json_list() -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(JSONB, nullable=False, server_default="[]")


def _text_list() -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(ARRAY(sa.Text), nullable=False, server_default="{}")


class ActivityResult(SQLModel, table=True):
    __tablename__ = "activity_result"
    __table_args__ = (sa.Index("ix_activity_result_project_position", "project_id", "position"),)

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", ondelete="CASCADE")
    position: int = Field(default=0, sa_column=position_column())
    type: str = Field(description="ResultType code: 1 Output, 2 Outcome, 3 Impact, 9 Other")
    aggregation_status: bool | None = None
    title: list[dict[str, Any]] | None = Field(default=None, sa_column=narratives_column("title"))
    description: list[dict[str, Any]] | None = Field(
        default=None, sa_column=narratives_column("description")
    )
    document_links: list[dict[str, Any]] = Field(default_factory=list, sa_column=_json_list())
    references: list[dict[str, Any]] = Field(default_factory=list, sa_column=_json_list())


class ActivityIndicator(SQLModel, table=True):
    __tablename__ = "activity_indicator"
    __table_args__ = (sa.Index("ix_activity_indicator_result_position", "result_id", "position"),)

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", ondelete="CASCADE", index=True)
    result_id: int = Field(foreign_key="activity_result.id", ondelete="CASCADE")
    position: int = Field(default=0, sa_column=position_column())
    measure: str = Field(description="IndicatorMeasure code: 1 Unit ... 5 Qualitative")
    ascending: bool | None = None
    aggregation_status: bool | None = None
    title: list[dict[str, Any]] | None = Field(default=None, sa_column=narratives_column("title"))
    description: list[dict[str, Any]] | None = Field(
        default=None, sa_column=narratives_column("description")
    )
    document_links: list[dict[str, Any]] = Field(default_factory=list, sa_column=_json_list())
    references: list[dict[str, Any]] = Field(default_factory=list, sa_column=_json_list())


class ActivityIndicatorBaseline(SQLModel, table=True):
    """A ``baseline`` (2.03 allows several, by dimension)."""

    __tablename__ = "activity_indicator_baseline"
    __table_args__ = (
        sa.Index("ix_activity_indicator_baseline_indicator_position", "indicator_id", "position"),
    )

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", ondelete="CASCADE", index=True)
    indicator_id: int = Field(foreign_key="activity_indicator.id", ondelete="CASCADE")
    position: int = Field(default=0, sa_column=position_column())
    year: int | None = None
    iso_date: date | None = None
    value: str | None = None
    comment: list[dict[str, Any]] | None = Field(
        default=None, sa_column=narratives_column("comment")
    )
    dimensions: list[dict[str, Any]] = Field(default_factory=list, sa_column=_json_list())
    location_refs: list[str] = Field(default_factory=list, sa_column=_text_list())
    document_links: list[dict[str, Any]] = Field(default_factory=list, sa_column=_json_list())


class ActivityIndicatorPeriod(SQLModel, table=True):
    __tablename__ = "activity_indicator_period"
    __table_args__ = (
        sa.Index("ix_activity_indicator_period_indicator_position", "indicator_id", "position"),
    )

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", ondelete="CASCADE", index=True)
    indicator_id: int = Field(foreign_key="activity_indicator.id", ondelete="CASCADE")
    position: int = Field(default=0, sa_column=position_column())
    period_start: date
    period_end: date


class ActivityPeriodValue(SQLModel, table=True):
    """A period's ``target`` or ``actual`` (several of each, by dimension, in 2.03)."""

    __tablename__ = "activity_period_value"
    __table_args__ = (
        sa.Index("ix_activity_period_value_period_position", "period_id", "position"),
    )

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", ondelete="CASCADE", index=True)
    period_id: int = Field(foreign_key="activity_indicator_period.id", ondelete="CASCADE")
    position: int = Field(default=0, sa_column=position_column())
    kind: PeriodValueKind = Field(sa_column=enum_column(PeriodValueKind, "kind"))
    value: str | None = None
    comment: list[dict[str, Any]] | None = Field(
        default=None, sa_column=narratives_column("comment")
    )
    dimensions: list[dict[str, Any]] = Field(default_factory=list, sa_column=_json_list())
    location_refs: list[str] = Field(default_factory=list, sa_column=_text_list())
    document_links: list[dict[str, Any]] = Field(default_factory=list, sa_column=_json_list())
