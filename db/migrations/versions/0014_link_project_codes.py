"""Each project link (to a partner, programme, country or theme) carries its project's code,
kept in step by the database, and an index on (parent, project code, project id): a
parent's projects in code order are then a walk of that index which stops at the page,
instead of all the parent's links collected and sorted (14,460 of them for the top funder
at benchmark scale 5, for a page of 100).

A row trigger fills the code of a link as it is written (whatever the writer sends), and a
change of a project's code is carried to its links.

Revision ID: 0015
Revises: 0013
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LINKS = {
    "project_partner": "partner_id",
    "project_programme": "programme_id",
    "project_country": "country_code",
    "project_theme": "theme_slug",
}
"""Each link table and the column naming its parent (frozen: a migration does not follow
later changes of the models)."""

FILL = """
CREATE FUNCTION link_project_code() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.project_code := (SELECT code FROM project WHERE id = NEW.project_id);
  RETURN NEW;
END $$
"""

CARRY = """
CREATE FUNCTION project_code_to_links() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
{updates}
  RETURN NULL;
END $$
"""


def upgrade() -> None:
    op.execute(FILL)
    op.execute(
        CARRY.format(
            updates="\n".join(
                f"  UPDATE {table} SET project_code = NEW.code WHERE project_id = NEW.id;"
                for table in LINKS
            )
        )
    )
    for table, parent in LINKS.items():
        op.add_column(table, sa.Column("project_code", sa.String(collation="C"), nullable=True))
        op.execute(
            f"UPDATE {table} AS link SET project_code = project.code FROM project "
            "WHERE project.id = link.project_id"
        )
        op.alter_column(table, "project_code", nullable=False)
        op.create_index(f"ix_{table}_project_code", table, [parent, "project_code", "project_id"])
        op.execute(
            f"CREATE TRIGGER {table}_project_code BEFORE INSERT OR UPDATE OF project_id "
            f"ON {table} FOR EACH ROW EXECUTE FUNCTION link_project_code()"
        )
    op.execute(
        "CREATE TRIGGER project_code_to_links AFTER UPDATE OF code ON project FOR EACH ROW "
        "WHEN (OLD.code IS DISTINCT FROM NEW.code) EXECUTE FUNCTION project_code_to_links()"
    )


def downgrade() -> None:
    op.execute("DROP TRIGGER project_code_to_links ON project")
    for table in LINKS:
        op.execute(f"DROP TRIGGER {table}_project_code ON {table}")
        op.drop_index(f"ix_{table}_project_code", table_name=table)
        op.drop_column(table, "project_code")
    op.execute("DROP FUNCTION project_code_to_links()")
    op.execute("DROP FUNCTION link_project_code()")
