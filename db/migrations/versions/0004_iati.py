"""IATI: country percentages, programme identifiers, indicator measures and dimensions.

Revision ID: 0004
Revises: 0003
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("project_country", sa.Column("percentage", sa.Numeric(5, 2), nullable=True))
    op.create_check_constraint(
        op.f("ck_project_country_percentage_range"),
        "project_country",
        "percentage BETWEEN 0 AND 100",
    )
    op.add_column("programme", sa.Column("iati_identifier", sa.String(), nullable=True))
    op.create_unique_constraint(
        op.f("uq_programme_iati_identifier"), "programme", ["iati_identifier"]
    )
    op.add_column(
        "outcome",
        sa.Column(
            "measure",
            sa.Enum(
                "UNIT",
                "PERCENTAGE",
                "NOMINAL",
                "ORDINAL",
                "QUALITATIVE",
                name="measure",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=True,
        ),
    )
    op.add_column(
        "outcome",
        sa.Column(
            "dimensions",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default="{}",
            nullable=False,
        ),
    )
    op.add_column("outcome", sa.Column("baseline_year", sa.Integer(), nullable=True))


def downgrade() -> None:
    op.drop_column("outcome", "baseline_year")
    op.drop_column("outcome", "dimensions")
    op.drop_column("outcome", "measure")
    op.drop_constraint(op.f("uq_programme_iati_identifier"), "programme", type_="unique")
    op.drop_column("programme", "iati_identifier")
    op.drop_constraint(
        op.f("ck_project_country_percentage_range"), "project_country", type_="check"
    )
    op.drop_column("project_country", "percentage")
