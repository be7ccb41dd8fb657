"""How each derived value was derived, derived flags where dates had none, and places for
statements the dataset had nowhere to put (a programme's areas of work, the officials an
agreement's passages name, where an identifier no passage gives comes from, the stated
size of the population a beneficiary group is drawn from).

Revision ID: 0007
Revises: 0005
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import ARRAY

revision: str = "0007"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Tables whose fuzzy dates had no derived flag: they gain the flag and its note.
FLAGGED = {
    "source_document": ["published_on"],
    "programme": ["start_date", "end_date"],
    "agreement": ["signed_on"],
    "partner_fact": ["as_of"],
}
# Columns that had a derived flag (or are a stated-only value) and gain only the note.
NOTED = {
    "project": [
        "status",
        "planned_start",
        "planned_end",
        "actual_start",
        "actual_end",
    ],
}


def upgrade() -> None:
    for table, columns in FLAGGED.items():
        for name in columns:
            op.add_column(
                table,
                sa.Column(f"{name}_derived", sa.Boolean(), server_default="false", nullable=False),
            )
            op.add_column(table, sa.Column(f"{name}_derivation", sa.String(), nullable=True))
    for table, columns in NOTED.items():
        for name in columns:
            op.add_column(table, sa.Column(f"{name}_derivation", sa.String(), nullable=True))
    op.add_column("project", sa.Column("duration_months_derivation", sa.String(), nullable=True))
    op.add_column("partner", sa.Column("iati_identifier_source", sa.String(), nullable=True))
    for table, name in (("programme", "areas_of_work"), ("agreement", "officials")):
        op.add_column(table, sa.Column(name, ARRAY(sa.Text()), server_default="{}", nullable=False))
    op.add_column("beneficiary_group", sa.Column("population_count", sa.Integer(), nullable=True))
    op.add_column(
        "beneficiary_group",
        sa.Column(
            "population_count_qualifier",
            sa.Enum(
                "EXACT",
                "APPROXIMATE",
                "AT_LEAST",
                "AT_MOST",
                name="population_count_qualifier",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=True,
        ),
    )
    op.add_column("beneficiary_group", sa.Column("population", sa.String(), nullable=True))
    op.create_check_constraint(
        op.f("ck_beneficiary_group_population_count_qualified"),
        "beneficiary_group",
        "(population_count IS NULL) = (population_count_qualifier IS NULL)",
    )
    op.create_check_constraint(
        op.f("ck_beneficiary_group_population_non_negative"),
        "beneficiary_group",
        "population_count >= 0",
    )


def downgrade() -> None:
    for name in ("population", "population_count_qualifier", "population_count"):
        op.drop_column("beneficiary_group", name)
    op.drop_column("agreement", "officials")
    op.drop_column("programme", "areas_of_work")
    op.drop_column("partner", "iati_identifier_source")
    op.drop_column("project", "duration_months_derivation")
    for table, columns in NOTED.items():
        for name in columns:
            op.drop_column(table, f"{name}_derivation")
    for table, columns in FLAGGED.items():
        for name in columns:
            op.drop_column(table, f"{name}_derivation")
            op.drop_column(table, f"{name}_derived")
