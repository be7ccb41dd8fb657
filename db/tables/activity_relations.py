"""An IATI activity's ``related-activity`` elements, of every type (1 Parent, 2 Child,
3 Sibling, 4 Co-funded, 5 Third party).

``ref`` is the identifier as written; ``related_project_id`` is the project holding that
identifier once it is in the database (filled at import, for activities imported before
or after), null while it is not.
"""

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from db.columns import position_column


class ActivityRelatedActivity(SQLModel, table=True):
    __tablename__ = "activity_related_activity"
    __table_args__ = (
        sa.CheckConstraint("ref <> ''", name="ref_given"),
        sa.Index("ix_activity_related_activity_project_position", "project_id", "position"),
        sa.Index("ix_activity_related_activity_ref", "ref"),
    )

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", ondelete="CASCADE")
    position: int = Field(default=0, sa_column=position_column())
    ref: str
    type: str = Field(description="@type: RelatedActivityType code")
    related_project_id: int | None = Field(
        default=None, foreign_key="project.id", ondelete="SET NULL", index=True
    )
