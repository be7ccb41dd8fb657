"""Exchange rates: the ECB's daily reference rates and the IMF's annual averages, loaded
from the copies in ``db/rates/`` so that every database knows them before any import.

Revision ID: 0010
Revises: 0009
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from db.exchange_rates import bundled_rates, store_rates_sync

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "exchange_rate",
        sa.Column(
            "source",
            sa.Enum(
                "ECB_DAILY",
                "IMF_ANNUAL",
                "SAME_CURRENCY",
                name="source",
                native_enum=False,
                create_constraint=True,
                length=13,
            ),
            nullable=False,
        ),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("rate_date", sa.Date(), nullable=False),
        sa.Column("rate", sa.Numeric(), nullable=False),
        sa.CheckConstraint("rate > 0", name="rate_positive"),
        sa.CheckConstraint("source <> 'SAME_CURRENCY'", name="stored_source"),
        sa.CheckConstraint(
            "source <> 'IMF_ANNUAL' OR (extract(month FROM rate_date) = 12 "
            "AND extract(day FROM rate_date) = 31)",
            name="annual_on_year_end",
        ),
        sa.CheckConstraint("currency ~ '^[A-Z]{3}$'", name="currency_iso4217"),
        sa.PrimaryKeyConstraint("source", "currency", "rate_date"),
    )
    store_rates_sync(op.get_bind(), bundled_rates())


def downgrade() -> None:
    op.drop_table("exchange_rate")
