"""Full-text search (a generated tsvector with a GIN index on each searchable table), and
the columns and indexes that serve keyset paging of projects by code and by start.

Revision ID: 0002
Revises: 0001
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import TSVECTOR

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Frozen copies of the expressions in db/tables: a migration must not change when the
# models change later.
SEARCHABLE = {
    "project": (("title", "A"), ("acronym", "A"), ("summary", "B")),
    "programme": (("name", "A"), ("acronym", "A"), ("description", "B")),
    "beneficiary_group": (("description", "A"), ("location", "B")),
    "outcome": (("statement", "A"), ("indicator", "B"), ("unit", "B")),
}

EFFECTIVE_DATES = {
    "effective_start": "coalesce(actual_start, planned_start)",
    "effective_end": "coalesce(actual_end, planned_end)",
}


def _expression(weighted: tuple[tuple[str, str], ...]) -> str:
    return " || ".join(
        f"setweight(to_tsvector('english'::regconfig, coalesce({column}, '')), '{weight}')"
        for column, weight in weighted
    )


def upgrade() -> None:
    for table, weighted in SEARCHABLE.items():
        op.add_column(
            table,
            sa.Column(
                "search_vector", TSVECTOR, sa.Computed(_expression(weighted), persisted=True)
            ),
        )
        op.create_index(
            f"ix_{table}_search_vector", table, ["search_vector"], postgresql_using="gin"
        )

    op.alter_column("project", "code", type_=sa.String(collation="C"))
    for column, expression in EFFECTIVE_DATES.items():
        op.add_column(
            "project", sa.Column(column, sa.Date, sa.Computed(expression, persisted=True))
        )
    op.create_index("ix_project_effective_start", "project", ["effective_start", "id"])
    op.create_index(
        "ix_project_effective_start_desc",
        "project",
        [sa.desc(sa.column("effective_start")).nulls_last(), sa.desc(sa.column("id"))],
    )


def downgrade() -> None:
    op.drop_index("ix_project_effective_start_desc", table_name="project")
    op.drop_index("ix_project_effective_start", table_name="project")
    for column in EFFECTIVE_DATES:
        op.drop_column("project", column)
    op.alter_column("project", "code", type_=sa.String())
    for table in SEARCHABLE:
        op.drop_index(f"ix_{table}_search_vector", table_name=table)
        op.drop_column(table, "search_vector")
