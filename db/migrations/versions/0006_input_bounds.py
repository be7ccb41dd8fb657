"""Codes unique ignoring case and invisible characters.

Revision ID: 0006
Revises: 0005
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("partner", "programme", "project", "beneficiary_group", "outcome", "contribution")
INVISIBLE_CHARACTERS = (
    r"[[:space:]\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180e\u200b-\u200f"
    r"\u202a-\u202e\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0]"
)
"""As ``db.columns.INVISIBLE_CHARACTERS`` was when this revision was written."""


def upgrade() -> None:
    for table in TABLES:
        op.execute(
            f"CREATE UNIQUE INDEX ux_{table}_code_folded ON {table} "
            f"(lower(regexp_replace(code, '{INVISIBLE_CHARACTERS}', '', 'g')))"
        )


def downgrade() -> None:
    for table in TABLES:
        op.drop_index(f"ux_{table}_code_folded", table_name=table)
