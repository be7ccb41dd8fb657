"""Change positions in commit order, and a notification for every committed change.

Revision ID: 0005
Revises: 0004
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CHANNEL = "coopgraph_changes"


def upgrade() -> None:
    op.create_table(
        "change_counter",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("position", sa.BigInteger(), nullable=False),
        sa.CheckConstraint("id = 1", name=op.f("ck_change_counter_one_row")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_change_counter")),
    )
    op.execute("INSERT INTO change_counter VALUES (1, (SELECT coalesce(max(id), 0) FROM change))")
    op.add_column("change", sa.Column("position", sa.BigInteger(), nullable=True))
    op.execute("UPDATE change SET position = id")
    op.alter_column("change", "position", nullable=False)
    op.create_unique_constraint(op.f("uq_change_position"), "change", ["position"])
    op.add_column("change", sa.Column("record_version", sa.Integer(), nullable=True))
    # NOTIFY is transactional: listeners hear of a change when its transaction commits, and
    # never of one rolled back. The payload is the position; listeners read the rest.
    op.execute(
        f"""
        CREATE FUNCTION change_position() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            UPDATE change_counter SET position = position + 1 WHERE id = 1
                RETURNING position INTO NEW.position;
            PERFORM pg_notify('{CHANNEL}', NEW.position::text);
            RETURN NEW;
        END $$
        """
    )
    op.execute(
        "CREATE TRIGGER change_position BEFORE INSERT ON change "
        "FOR EACH ROW EXECUTE FUNCTION change_position()"
    )


def downgrade() -> None:
    op.execute("DROP TRIGGER change_position ON change")
    op.execute("DROP FUNCTION change_position()")
    op.drop_column("change", "record_version")
    op.drop_constraint(op.f("uq_change_position"), "change", type_="unique")
    op.drop_column("change", "position")
    op.drop_table("change_counter")
