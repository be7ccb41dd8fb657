"""What the round trip of real files found lost: each ``participating-org`` and
``activity-date`` as written, every ``contact-info/mailing-address``, an
``activity-status`` code the service does not read, and a ``last-updated-datetime``
without a zone.

- ``activity_participating_org``: one row per element (two elements of one partner and role
  under different names, a role outside 1-4), with the partner it was matched to. The
  element's ref, type, crs-channel-code and narratives move there from
  ``project_partner``, which stays the service's link (one per partner and role) and keeps
  the first element's activity-id, which funding chains follow.
- ``activity_date``: one row per element, its type as written and its narratives; the
  project's date columns stay the service's reading.
- ``activity_contact_info.mailing_addresses``: every address, replacing the single
  ``mailing_address``.
- ``project.status_code``, ``project.last_updated_without_zone``.

Imported projects lose their ``iati_digest``: their rows predate what this revision keeps,
so the next import of the same file rewrites them (reported updated, once) rather than
calling them unchanged.

Revision ID: 0013
Revises: 0012
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ROLES = (
    "CASE pp.role WHEN 'FUNDING' THEN '1' WHEN 'ACCOUNTABLE' THEN '2' "
    "WHEN 'EXTENDING' THEN '3' ELSE '4' END"
)
_DATES = (("1", "planned_start"), ("2", "actual_start"), ("3", "planned_end"), ("4", "actual_end"))


def upgrade() -> None:
    op.create_table(
        "activity_participating_org",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), server_default="0", nullable=False),
        sa.Column("role", sa.String(), nullable=False),
        sa.Column("ref", sa.String(), nullable=True),
        sa.Column("type", sa.String(), nullable=True),
        sa.Column("activity_id", sa.String(), nullable=True),
        sa.Column("crs_channel_code", sa.String(), nullable=True),
        sa.Column("narratives", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("partner_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["project.id"],
            name=op.f("fk_activity_participating_org_project_id_project"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["partner_id"],
            ["partner.id"],
            name=op.f("fk_activity_participating_org_partner_id_partner"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_activity_participating_org")),
    )
    op.create_index(
        "ix_activity_participating_org_project_position",
        "activity_participating_org",
        ["project_id", "position"],
    )
    op.create_index(
        op.f("ix_activity_participating_org_partner_id"),
        "activity_participating_org",
        ["partner_id"],
    )
    op.create_table(
        "activity_date",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), server_default="0", nullable=False),
        sa.Column("type", sa.String(), nullable=False),
        sa.Column("iso_date", sa.Date(), nullable=False),
        sa.Column("narratives", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["project.id"],
            name=op.f("fk_activity_date_project_id_project"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_activity_date")),
    )
    op.create_index(
        "ix_activity_date_project_position", "activity_date", ["project_id", "position"]
    )
    op.execute(
        "INSERT INTO activity_participating_org (project_id, position, role, ref, type, "
        "activity_id, crs_channel_code, narratives, partner_id) "
        f"SELECT pp.project_id, pp.position, {_ROLES}, pp.ref, pp.type, pp.activity_id, "
        "pp.crs_channel_code, pp.narratives, pp.partner_id FROM project_partner pp "
        "JOIN project p ON p.id = pp.project_id "
        "WHERE p.iati_version IS NOT NULL AND pp.position >= 0"
    )
    for position, (code, column) in enumerate(_DATES):
        op.execute(
            "INSERT INTO activity_date (project_id, position, type, iso_date) "
            f"SELECT id, {position}, '{code}', {column} FROM project "
            f"WHERE iati_version IS NOT NULL AND {column} IS NOT NULL"
        )
    for column in ("ref", "type", "crs_channel_code", "narratives"):
        op.drop_column("project_partner", column)
    op.add_column(
        "activity_contact_info",
        sa.Column(
            "mailing_addresses",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default="[]",
            nullable=False,
        ),
    )
    op.execute(
        "UPDATE activity_contact_info SET mailing_addresses = jsonb_build_array(mailing_address) "
        "WHERE mailing_address IS NOT NULL"
    )
    op.drop_column("activity_contact_info", "mailing_address")
    op.add_column("project", sa.Column("status_code", sa.String(), nullable=True))
    op.add_column(
        "project",
        sa.Column(
            "last_updated_without_zone", sa.Boolean(), server_default="false", nullable=False
        ),
    )
    op.execute("UPDATE project SET iati_digest = NULL WHERE iati_digest IS NOT NULL")


def downgrade() -> None:
    op.drop_column("project", "last_updated_without_zone")
    op.drop_column("project", "status_code")
    op.add_column(
        "activity_contact_info",
        sa.Column("mailing_address", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
    )
    op.execute(
        "UPDATE activity_contact_info SET mailing_address = mailing_addresses -> 0 "
        "WHERE jsonb_array_length(mailing_addresses) > 0"
    )
    op.drop_column("activity_contact_info", "mailing_addresses")
    op.add_column("project_partner", sa.Column("ref", sa.String(), nullable=True))
    op.add_column("project_partner", sa.Column("type", sa.String(), nullable=True))
    op.add_column("project_partner", sa.Column("crs_channel_code", sa.String(), nullable=True))
    op.add_column(
        "project_partner",
        sa.Column("narratives", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
    )
    op.execute(
        "UPDATE project_partner pp SET ref = o.ref, type = o.type, "
        "crs_channel_code = o.crs_channel_code, narratives = o.narratives "
        "FROM (SELECT DISTINCT ON (project_id, partner_id, role) * "
        "FROM activity_participating_org WHERE partner_id IS NOT NULL "
        "ORDER BY project_id, partner_id, role, position) o "
        "WHERE o.project_id = pp.project_id AND o.partner_id = pp.partner_id "
        f"AND o.role = {_ROLES}"
    )
    op.drop_table("activity_date")
    op.drop_table("activity_participating_org")
