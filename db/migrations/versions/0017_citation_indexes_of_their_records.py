"""Each citation's record index holds only the citations of that record's table.

A citation cites one record, through one of twelve nullable columns, and each column had an
index over every citation, eleven in twelve of its entries null: every citation written was
written into twelve such indexes. An import writes a citation for each record it creates
(some twelve thousand for a thousand activities), and those indexes were most of the
``citation`` table's cost to it. A partial index (``WHERE column IS NOT NULL``) serves the
same lookups, a record's citations and the cascade of a record's deletion (an equality on
the column implies it is not null), and takes one entry per citation in all.

Revision ID: 0017
Revises: 0016
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CITED_COLUMNS = (
    "partner_id",
    "programme_id",
    "programme_partner_id",
    "project_id",
    "project_programme_id",
    "project_partner_id",
    "project_country_id",
    "beneficiary_group_id",
    "outcome_id",
    "contribution_id",
    "agreement_id",
    "partner_fact_id",
)


def upgrade() -> None:
    for column in CITED_COLUMNS:
        op.drop_index(f"ix_citation_{column}", table_name="citation")
        op.create_index(
            f"ix_citation_{column}",
            "citation",
            [column],
            postgresql_where=sa.text(f"{column} IS NOT NULL"),
        )


def downgrade() -> None:
    for column in CITED_COLUMNS:
        op.drop_index(f"ix_citation_{column}", table_name="citation")
        op.create_index(f"ix_citation_{column}", "citation", [column])
