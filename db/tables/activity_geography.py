"""Where an IATI activity happens, below the country: its ``location`` elements.

A point is kept as latitude and longitude (exact decimals, as written in ``pos``) with its
``srsName``; ``location_ids`` and ``administrative`` are JSON arrays
(``[{"vocabulary", "code"}]``, ``[{"vocabulary", "level", "code"}]``), narratives JSON
arrays of ``{lang, text}``.
"""

from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field, SQLModel

from db.columns import narratives_column, position_column


class ActivityLocation(SQLModel, table=True):
    __tablename__ = "activity_location"
    __table_args__ = (
        sa.CheckConstraint("latitude BETWEEN -90 AND 90", name="latitude_range"),
        sa.CheckConstraint("longitude BETWEEN -180 AND 180", name="longitude_range"),
        sa.CheckConstraint("(latitude IS NULL) = (longitude IS NULL)", name="point_whole"),
        sa.Index("ix_activity_location_project_position", "project_id", "position"),
    )

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", ondelete="CASCADE")
    position: int = Field(default=0, sa_column=position_column())
    ref: str | None = None
    location_reach: str | None = None
    location_ids: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=sa.Column(JSONB, nullable=False, server_default="[]")
    )
    name: list[dict[str, Any]] | None = Field(default=None, sa_column=narratives_column("name"))
    description: list[dict[str, Any]] | None = Field(
        default=None, sa_column=narratives_column("description")
    )
    activity_description: list[dict[str, Any]] | None = Field(
        default=None, sa_column=narratives_column("activity_description")
    )
    administrative: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=sa.Column(JSONB, nullable=False, server_default="[]")
    )
    srs_name: str | None = None
    latitude: Decimal | None = Field(default=None, sa_type=sa.Numeric())
    longitude: Decimal | None = Field(default=None, sa_type=sa.Numeric())
    exactness: str | None = None
    location_class: str | None = None
    feature_designation: str | None = None
