"""An IATI activity's ``participating-org`` elements, each as written.

``project_partner`` is the service's reading: one link per partner and role (1-4), the
partner matched honestly (``iati.organisations``). A file may name one partner twice in one
role (UNDP names ``XM-DAC-21-1`` both "GOVERNMENT OF IRELAND" and "Irish Aid" as funders)
or give a role outside 1-4; each element is kept here, with the partner it was matched to
(null when its role is none the service reads, or it names no organisation), so an export
gives every element back as it came.
"""

from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from db.columns import narratives_column, position_column


class ActivityParticipatingOrg(SQLModel, table=True):
    __tablename__ = "activity_participating_org"
    __table_args__ = (
        sa.Index("ix_activity_participating_org_project_position", "project_id", "position"),
    )

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", ondelete="CASCADE")
    position: int = Field(default=0, sa_column=position_column())
    role: str = Field(description="@role as written (OrganisationRole: 1-4 are read)")
    ref: str | None = Field(default=None, description="@ref as written")
    type: str | None = Field(default=None, description="@type (OrganisationType) as written")
    activity_id: str | None = Field(default=None, description="@activity-id: the org's own")
    crs_channel_code: str | None = None
    narratives: list[dict[str, Any]] | None = Field(default=None, sa_column=narratives_column())
    partner_id: int | None = Field(
        default=None, foreign_key="partner.id", ondelete="SET NULL", index=True
    )
