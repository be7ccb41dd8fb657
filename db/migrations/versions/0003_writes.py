"""Writes: a version and an update time on every writable record, API keys, the audit trail.

Revision ID: 0003
Revises: 0002
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

VERSIONED = ("partner", "programme", "project", "beneficiary_group", "outcome", "contribution")


def upgrade() -> None:
    op.create_table(
        "change",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column(
            "at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False
        ),
        sa.Column("key_name", sa.String(), nullable=False),
        sa.Column("record_type", sa.String(), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column(
            "operation",
            sa.Enum(
                "CREATE",
                "UPDATE",
                "DELETE",
                name="operation",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("before", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("after", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("project_id", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_change")),
    )
    op.create_index(op.f("ix_change_project_id"), "change", ["project_id"], unique=False)
    op.create_index("ix_change_record", "change", ["record_type", "record_id"], unique=False)
    op.create_table(
        "api_key",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("secret_hash", sa.String(), nullable=False),
        sa.Column(
            "scope",
            sa.Enum("WRITE", "ADMIN", name="scope", native_enum=False, create_constraint=True),
            nullable=False,
        ),
        sa.Column("partner_id", sa.Integer(), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["partner_id"],
            ["partner.id"],
            name=op.f("fk_api_key_partner_id_partner"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_key")),
        sa.UniqueConstraint("name", name=op.f("uq_api_key_name")),
    )
    op.create_index(op.f("ix_api_key_partner_id"), "api_key", ["partner_id"], unique=False)
    for table in VERSIONED:
        op.add_column(
            table,
            sa.Column(
                "updated_at",
                sa.DateTime(timezone=True),
                server_default=sa.text("now()"),
                nullable=False,
            ),
        )
        op.add_column(table, sa.Column("version", sa.Integer(), server_default="1", nullable=False))


def downgrade() -> None:
    for table in VERSIONED:
        op.drop_column(table, "version")
        op.drop_column(table, "updated_at")
    op.drop_index(op.f("ix_api_key_partner_id"), table_name="api_key")
    op.drop_table("api_key")
    op.drop_index("ix_change_record", table_name="change")
    op.drop_index(op.f("ix_change_project_id"), table_name="change")
    op.drop_table("change")
