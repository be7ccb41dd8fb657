"""The IATI codelists, every code of every list, loaded from the copy bundled in
``db/reference/iati-codelists``: an empty database knows every code before anything is seeded
or imported. Every country of the Country codelist and every region of the Region codelist
becomes a reference row too, so an activity in any country can be linked; a country's UN
region is now null where no dataset states it (the codelist gives none).

Revision ID: 0008
Revises: 0007
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

from db.codelist_files import BUNDLED, read_codelists
from db.codelists import load_bundled

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "codelist",
        sa.Column("name", sa.String(collation="C"), nullable=False),
        sa.Column("language", sa.String(), nullable=False),
        sa.Column("embedded", sa.Boolean(), nullable=False),
        sa.Column("complete", sa.Boolean(), nullable=True),
        sa.Column("category_codelist", sa.String(), nullable=True),
        sa.Column("titles", JSONB(), server_default="{}", nullable=False),
        sa.Column("source", sa.String(), nullable=False),
        sa.Column(
            "loaded_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_codelist")),
    )
    op.create_table(
        "codelist_code",
        sa.Column("codelist", sa.String(collation="C"), nullable=False),
        sa.Column("code", sa.String(collation="C"), nullable=False),
        sa.Column("names", JSONB(), server_default="{}", nullable=False),
        sa.Column("descriptions", JSONB(), server_default="{}", nullable=False),
        sa.Column("category", sa.String(), nullable=True),
        sa.Column("withdrawn", sa.Boolean(), nullable=False),
        sa.Column("withdrawal_date", sa.Date(), nullable=True),
        sa.Column("url", sa.String(), nullable=True),
        sa.ForeignKeyConstraint(
            ["codelist"],
            ["codelist.name"],
            name=op.f("fk_codelist_code_codelist_codelist"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("codelist", "code", name=op.f("pk_codelist_code")),
    )
    op.alter_column("country", "region", existing_type=sa.String(), nullable=True)
    load_bundled(op.get_bind(), read_codelists(BUNDLED))


def downgrade() -> None:
    op.drop_table("codelist_code")
    op.drop_table("codelist")
    # Countries no dataset names and nothing links to go; the rest get back a region.
    op.execute(
        "DELETE FROM country c WHERE region IS NULL AND NOT EXISTS "
        "(SELECT 1 FROM project_country p WHERE p.country_code = c.code) AND NOT EXISTS "
        "(SELECT 1 FROM beneficiary_group b WHERE b.country_code = c.code) AND NOT EXISTS "
        "(SELECT 1 FROM partner p WHERE p.country_code = c.code) AND NOT EXISTS "
        "(SELECT 1 FROM partner_fact_country f WHERE f.country_code = c.code)"
    )
    op.execute("UPDATE country SET region = 'Unknown' WHERE region IS NULL")
    op.alter_column("country", "region", existing_type=sa.String(), nullable=False)
