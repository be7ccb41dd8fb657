"""The change counter moved once per statement, not once per audit row.

Migration 0005's row trigger updated the one ``change_counter`` row for every audit entry.
Within one transaction each update leaves a row version no one can prune until the
transaction ends, and the next update finds the row through all of them: an import of a
thousand activities (about 7,500 entries in one transaction) made the counter's updates
quadratic. Now the first entry of a transaction locks the row (``FOR UPDATE``: the same
lock the update took, held until commit, so positions still follow commit order), the
row trigger numbers the entries from a transaction-local setting, and a statement trigger
writes the last position back once per statement. A rolled-back savepoint takes the
setting's value and the counter's update back together, so the numbers stay gapless.
Every entry still sends its notification, as before.

Revision ID: 0015
Revises: 0014
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CHANNEL = "coopgraph_changes"
SETTING = "coopgraph.change_position"
"""The last position this transaction gave out (set locally: it ends with the transaction,
and a savepoint's rollback restores it)."""

NUMBER = f"""
CREATE OR REPLACE FUNCTION change_position() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    last bigint := nullif(current_setting('{SETTING}', true), '')::bigint;
BEGIN
    IF last IS NULL THEN
        SELECT position INTO last FROM change_counter WHERE id = 1 FOR UPDATE;
    END IF;
    NEW.position := last + 1;
    PERFORM set_config('{SETTING}', NEW.position::text, true);
    PERFORM pg_notify('{CHANNEL}', NEW.position::text);
    RETURN NEW;
END $$
"""

WRITE_BACK = f"""
CREATE FUNCTION change_positions_taken() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    last bigint := nullif(current_setting('{SETTING}', true), '')::bigint;
BEGIN
    IF last IS NOT NULL THEN
        UPDATE change_counter SET position = last WHERE id = 1 AND position <> last;
    END IF;
    RETURN NULL;
END $$
"""

PREVIOUS = f"""
CREATE OR REPLACE FUNCTION change_position() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE change_counter SET position = position + 1 WHERE id = 1
        RETURNING position INTO NEW.position;
    PERFORM pg_notify('{CHANNEL}', NEW.position::text);
    RETURN NEW;
END $$
"""


def upgrade() -> None:
    op.execute(NUMBER)
    op.execute(WRITE_BACK)
    op.execute(
        "CREATE TRIGGER change_positions_taken AFTER INSERT ON change "
        "FOR EACH STATEMENT EXECUTE FUNCTION change_positions_taken()"
    )


def downgrade() -> None:
    op.execute("DROP TRIGGER change_positions_taken ON change")
    op.execute("DROP FUNCTION change_positions_taken()")
    op.execute(PREVIOUS)
