"""Who a project is for and what it achieves."""

from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlmodel import Field, SQLModel

from db.columns import (
    created_at_column,
    enum_column,
    figure_checks,
    qualifier_column,
    updated_at_column,
    version_column,
)
from db.enums import BeneficiaryCategory, DatePrecision, IndicatorMeasure, OutcomeKind, Qualifier
from db.text_search import search_index, search_vector_column

_CATEGORIES = ", ".join(f"'{c.value}'" for c in BeneficiaryCategory)


class BeneficiaryGroup(SQLModel, table=True):
    """A group a project targets or reached.

    A group may fall in several categories at once ("women and men refugees, internally
    displaced persons and members of host communities"), so categories are a set.
    """

    __tablename__ = "beneficiary_group"
    __table_args__ = (
        search_index("beneficiary_group"),
        sa.CheckConstraint("target_count >= 0", name="target_non_negative"),
        sa.CheckConstraint("reached_count >= 0", name="reached_non_negative"),
        sa.CheckConstraint("population_count >= 0", name="population_non_negative"),
        sa.CheckConstraint("women_share BETWEEN 0 AND 100", name="women_share_percent"),
        sa.CheckConstraint(
            f"categories <@ ARRAY[{_CATEGORIES}]::varchar[] AND cardinality(categories) > 0",
            name="categories",
        ),
        *figure_checks(
            "beneficiary_group", "target_count", "reached_count", "women_share", "population_count"
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True)
    project_id: int = Field(foreign_key="project.id", ondelete="CASCADE", index=True)
    description: str
    categories: list[BeneficiaryCategory] = Field(
        sa_column=sa.Column(ARRAY(sa.String(40)), nullable=False)
    )
    target_count: int | None = Field(default=None, sa_type=sa.Integer)
    target_count_qualifier: Qualifier | None = Field(
        default=None, sa_column=qualifier_column("target_count_qualifier")
    )
    reached_count: int | None = Field(default=None, sa_type=sa.Integer)
    reached_count_qualifier: Qualifier | None = Field(
        default=None, sa_column=qualifier_column("reached_count_qualifier")
    )
    women_share: Decimal | None = Field(default=None, sa_type=sa.Numeric(5, 2))
    women_share_qualifier: Qualifier | None = Field(
        default=None, sa_column=qualifier_column("women_share_qualifier")
    )
    population_count: int | None = Field(
        default=None, sa_type=sa.Integer, description="the population the group is drawn from"
    )
    population_count_qualifier: Qualifier | None = Field(
        default=None, sa_column=qualifier_column("population_count_qualifier")
    )
    population: str | None = Field(default=None, description="what population_count counts")
    country_code: str | None = Field(default=None, foreign_key="country.code")
    location: str | None = None
    created_at: datetime | None = Field(default=None, sa_column=created_at_column())
    updated_at: datetime | None = Field(default=None, sa_column=updated_at_column())
    version: int = Field(default=1, sa_column=version_column())
    search_vector: str | None = Field(
        default=None,
        sa_column=search_vector_column(("description", "A"), ("location", "B")),
    )


class Outcome(SQLModel, table=True):
    """A result (IATI result/indicator): output, outcome or impact, with its figures."""

    __table_args__ = (
        search_index("outcome"),
        sa.CheckConstraint("period_end >= period_start", name="period_ordered"),
        sa.CheckConstraint(
            "(period_start IS NULL AND period_end IS NULL) = (period_precision IS NULL)",
            name="period_has_precision",
        ),
        *figure_checks("outcome", "baseline", "target", "actual"),
    )

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True)
    project_id: int = Field(foreign_key="project.id", ondelete="CASCADE", index=True)
    kind: OutcomeKind = Field(sa_column=enum_column(OutcomeKind, "kind"))
    statement: str
    indicator: str | None = None
    unit: str | None = None
    measure: IndicatorMeasure | None = Field(
        default=None, sa_column=enum_column(IndicatorMeasure, "measure", nullable=True)
    )
    dimensions: dict[str, str] = Field(
        default_factory=dict,
        sa_column=sa.Column(JSONB, nullable=False, server_default="{}"),
        description="what the figures are disaggregated by, e.g. {'sex': 'female'}",
    )
    baseline_year: int | None = Field(default=None, description="IATI requires it of a baseline")
    baseline: Decimal | None = Field(default=None, sa_type=sa.Numeric(20, 4))
    baseline_qualifier: Qualifier | None = Field(
        default=None, sa_column=qualifier_column("baseline_qualifier")
    )
    target: Decimal | None = Field(default=None, sa_type=sa.Numeric(20, 4))
    target_qualifier: Qualifier | None = Field(
        default=None, sa_column=qualifier_column("target_qualifier")
    )
    actual: Decimal | None = Field(default=None, sa_type=sa.Numeric(20, 4))
    actual_qualifier: Qualifier | None = Field(
        default=None, sa_column=qualifier_column("actual_qualifier")
    )
    period_start: date | None = None
    period_end: date | None = None
    period_precision: DatePrecision | None = Field(
        default=None, sa_column=enum_column(DatePrecision, "period_precision", nullable=True)
    )
    created_at: datetime | None = Field(default=None, sa_column=created_at_column())
    updated_at: datetime | None = Field(default=None, sa_column=updated_at_column())
    version: int = Field(default=1, sa_column=version_column())
    search_vector: str | None = Field(
        default=None,
        sa_column=search_vector_column(("statement", "A"), ("indicator", "B"), ("unit", "B")),
    )
