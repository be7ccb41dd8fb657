"""The IATI activity model: every element of an activity kept, as the file writes it.

Transactions, budgets per period and planned disbursements; sectors, recipient regions,
policy markers, tags, humanitarian scopes and country budget items; locations; document
links; related activities of every type; results with indicators, baselines, periods and
their values; descriptions of every type, other identifiers, conditions, contact info and
legacy data; the warnings an import raised. The project gains the activity's attributes
and single elements (default currency and language, hierarchy, the default
classifications, the reporting organisation as published...); a partner link keeps the
participating-org's ref, type, activity-id and narratives; partners gain a publisher-scoped
local ref (a ref that is no registered identifier names an organisation only together
with its name); the IATI activity statuses 3 Finalisation and 4 Closed become statuses of
their own; a country only an IATI file names may have no region yet.

Revision ID: 0009
Revises: 0008
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

STATUSES = ("PIPELINE", "ACTIVE", "COMPLETED", "FINALISATION", "CLOSED", "SUSPENDED", "CANCELLED")
OLD_STATUSES = ("PIPELINE", "ACTIVE", "COMPLETED", "SUSPENDED", "CANCELLED")
TABLES = (
    "activity_budget",
    "activity_condition",
    "activity_contact_info",
    "activity_country_budget_item",
    "activity_description",
    "activity_document_link",
    "activity_humanitarian_scope",
    "activity_legacy_data",
    "activity_location",
    "activity_other_identifier",
    "activity_planned_disbursement",
    "activity_policy_marker",
    "activity_recipient_region",
    "activity_related_activity",
    "activity_result",
    "activity_sector",
    "activity_tag",
    "activity_transaction",
    "activity_warning",
    "activity_indicator",
    "activity_indicator_baseline",
    "activity_indicator_period",
    "activity_period_value",
)


def _quoted(values: Sequence[str]) -> str:
    return ", ".join(f"'{v}'" for v in values)


def upgrade() -> None:
    op.create_table(
        "activity_budget",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), server_default="0", nullable=False),
        sa.Column("type", sa.String(), nullable=True),
        sa.Column("status", sa.String(), nullable=True),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("value", sa.Numeric(), nullable=False),
        sa.Column("currency", sa.String(), nullable=True),
        sa.Column("value_date", sa.Date(), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["project.id"],
            name=op.f("fk_activity_budget_project_id_project"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_activity_budget")),
    )
    op.create_index(
        "ix_activity_budget_project_position",
        "activity_budget",
        ["project_id", "position"],
        unique=False,
    )
    op.create_table(
        "activity_condition",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), server_default="0", nullable=False),
        sa.Column("type", sa.String(), nullable=False),
        sa.Column("narratives", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["project.id"],
            name=op.f("fk_activity_condition_project_id_project"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_activity_condition")),
    )
    op.create_index(
        "ix_activity_condition_project_position",
        "activity_condition",
        ["project_id", "position"],
        unique=False,
    )
    op.create_table(
        "activity_contact_info",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), server_default="0", nullable=False),
        sa.Column("type", sa.String(), nullable=True),
        sa.Column("organisation", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("department", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("person_name", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("job_title", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("telephones", postgresql.ARRAY(sa.Text()), server_default="{}", nullable=False),
        sa.Column("emails", postgresql.ARRAY(sa.Text()), server_default="{}", nullable=False),
        sa.Column("websites", postgresql.ARRAY(sa.Text()), server_default="{}", nullable=False),
        sa.Column("mailing_address", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["project.id"],
            name=op.f("fk_activity_contact_info_project_id_project"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_activity_contact_info")),
    )
    op.create_index(
        "ix_activity_contact_info_project_position",
        "activity_contact_info",
        ["project_id", "position"],
        unique=False,
    )
    op.create_table(
        "activity_country_budget_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), server_default="0", nullable=False),
        sa.Column("vocabulary", sa.String(), nullable=False),
        sa.Column("code", sa.String(), nullable=False),
        sa.Column("percentage", sa.Numeric(), nullable=True),
        sa.Column("description", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["project.id"],
            name=op.f("fk_activity_country_budget_item_project_id_project"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_activity_country_budget_item")),
    )
    op.create_index(
        "ix_activity_country_budget_item_project_position",
        "activity_country_budget_item",
        ["project_id", "position"],
        unique=False,
    )
    op.create_table(
        "activity_description",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), server_default="0", nullable=False),
        sa.Column("type", sa.String(), nullable=True),
        sa.Column("narratives", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["project.id"],
            name=op.f("fk_activity_description_project_id_project"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_activity_description")),
    )
    op.create_index(
        "ix_activity_description_project_position",
        "activity_description",
        ["project_id", "position"],
        unique=False,
    )
    op.create_table(
        "activity_document_link",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), server_default="0", nullable=False),
        sa.Column("url", sa.String(), nullable=False),
        sa.Column("format", sa.String(), nullable=True),
        sa.Column("title", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("description", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("categories", postgresql.ARRAY(sa.Text()), server_default="{}", nullable=False),
        sa.Column("languages", postgresql.ARRAY(sa.Text()), server_default="{}", nullable=False),
        sa.Column("document_date", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["project.id"],
            name=op.f("fk_activity_document_link_project_id_project"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_activity_document_link")),
    )
    op.create_index(
        "ix_activity_document_link_project_position",
        "activity_document_link",
        ["project_id", "position"],
        unique=False,
    )
    op.create_table(
        "activity_humanitarian_scope",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), server_default="0", nullable=False),
        sa.Column("type", sa.String(), nullable=False),
        sa.Column("vocabulary", sa.String(), nullable=False),
        sa.Column("vocabulary_uri", sa.String(), nullable=True),
        sa.Column("code", sa.String(), nullable=False),
        sa.Column("narratives", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.CheckConstraint("code <> ''", name=op.f("ck_activity_humanitarian_scope_code_given")),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["project.id"],
            name=op.f("fk_activity_humanitarian_scope_project_id_project"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_activity_humanitarian_scope")),
    )
    op.create_index(
        "ix_activity_humanitarian_scope_project_position",
        "activity_humanitarian_scope",
        ["project_id", "position"],
        unique=False,
    )
    op.create_table(
        "activity_legacy_data",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), server_default="0", nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("value", sa.String(), nullable=False),
        sa.Column("iati_equivalent", sa.String(), nullable=True),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["project.id"],
            name=op.f("fk_activity_legacy_data_project_id_project"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_activity_legacy_data")),
    )
    op.create_index(
        "ix_activity_legacy_data_project_position",
        "activity_legacy_data",
        ["project_id", "position"],
        unique=False,
    )
    op.create_table(
        "activity_location",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), server_default="0", nullable=False),
        sa.Column("ref", sa.String(), nullable=True),
        sa.Column("location_reach", sa.String(), nullable=True),
        sa.Column(
            "location_ids",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default="[]",
            nullable=False,
        ),
        sa.Column("name", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("description", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("activity_description", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column(
            "administrative",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default="[]",
            nullable=False,
        ),
        sa.Column("srs_name", sa.String(), nullable=True),
        sa.Column("latitude", sa.Numeric(), nullable=True),
        sa.Column("longitude", sa.Numeric(), nullable=True),
        sa.Column("exactness", sa.String(), nullable=True),
        sa.Column("location_class", sa.String(), nullable=True),
        sa.Column("feature_designation", sa.String(), nullable=True),
        sa.CheckConstraint(
            "(latitude IS NULL) = (longitude IS NULL)",
            name=op.f("ck_activity_location_point_whole"),
        ),
        sa.CheckConstraint(
            "latitude BETWEEN -90 AND 90", name=op.f("ck_activity_location_latitude_range")
        ),
        sa.CheckConstraint(
            "longitude BETWEEN -180 AND 180", name=op.f("ck_activity_location_longitude_range")
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["project.id"],
            name=op.f("fk_activity_location_project_id_project"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_activity_location")),
    )
    op.create_index(
        "ix_activity_location_project_position",
        "activity_location",
        ["project_id", "position"],
        unique=False,
    )
    op.create_table(
        "activity_other_identifier",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), server_default="0", nullable=False),
        sa.Column("ref", sa.String(), nullable=False),
        sa.Column("type", sa.String(), nullable=False),
        sa.Column("owner_org_ref", sa.String(), nullable=True),
        sa.Column("owner_org_narratives", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["project.id"],
            name=op.f("fk_activity_other_identifier_project_id_project"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_activity_other_identifier")),
    )
    op.create_index(
        "ix_activity_other_identifier_project_position",
        "activity_other_identifier",
        ["project_id", "position"],
        unique=False,
    )
    op.create_table(
        "activity_planned_disbursement",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), server_default="0", nullable=False),
        sa.Column("type", sa.String(), nullable=True),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=True),
        sa.Column("value", sa.Numeric(), nullable=False),
        sa.Column("currency", sa.String(), nullable=True),
        sa.Column("value_date", sa.Date(), nullable=True),
        sa.Column("provider_org_ref", sa.String(), nullable=True),
        sa.Column("provider_org_type", sa.String(), nullable=True),
        sa.Column("provider_activity_id", sa.String(), nullable=True),
        sa.Column(
            "provider_org_narratives", postgresql.JSONB(astext_type=sa.Text()), nullable=True
        ),
        sa.Column("receiver_org_ref", sa.String(), nullable=True),
        sa.Column("receiver_org_type", sa.String(), nullable=True),
        sa.Column("receiver_activity_id", sa.String(), nullable=True),
        sa.Column(
            "receiver_org_narratives", postgresql.JSONB(astext_type=sa.Text()), nullable=True
        ),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["project.id"],
            name=op.f("fk_activity_planned_disbursement_project_id_project"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_activity_planned_disbursement")),
    )
    op.create_index(
        "ix_activity_planned_disbursement_project_position",
        "activity_planned_disbursement",
        ["project_id", "position"],
        unique=False,
    )
    op.create_table(
        "activity_policy_marker",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), server_default="0", nullable=False),
        sa.Column("vocabulary", sa.String(), nullable=True),
        sa.Column("vocabulary_uri", sa.String(), nullable=True),
        sa.Column("code", sa.String(), nullable=False),
        sa.Column("significance", sa.String(), nullable=True),
        sa.Column("narratives", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.CheckConstraint("code <> ''", name=op.f("ck_activity_policy_marker_code_given")),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["project.id"],
            name=op.f("fk_activity_policy_marker_project_id_project"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_activity_policy_marker")),
    )
    op.create_index(
        "ix_activity_policy_marker_code",
        "activity_policy_marker",
        ["code", "significance"],
        unique=False,
    )
    op.create_index(
        "ix_activity_policy_marker_project_position",
        "activity_policy_marker",
        ["project_id", "position"],
        unique=False,
    )
    op.create_table(
        "activity_recipient_region",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), server_default="0", nullable=False),
        sa.Column("vocabulary", sa.String(), nullable=True),
        sa.Column("vocabulary_uri", sa.String(), nullable=True),
        sa.Column("code", sa.String(), nullable=False),
        sa.Column("percentage", sa.Numeric(), nullable=True),
        sa.Column("narratives", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.CheckConstraint("code <> ''", name=op.f("ck_activity_recipient_region_code_given")),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["project.id"],
            name=op.f("fk_activity_recipient_region_project_id_project"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_activity_recipient_region")),
    )
    op.create_index(
        "ix_activity_recipient_region_code",
        "activity_recipient_region",
        ["vocabulary", "code"],
        unique=False,
    )
    op.create_index(
        "ix_activity_recipient_region_project_position",
        "activity_recipient_region",
        ["project_id", "position"],
        unique=False,
    )
    op.create_table(
        "activity_related_activity",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), server_default="0", nullable=False),
        sa.Column("ref", sa.String(), nullable=False),
        sa.Column("type", sa.String(), nullable=False),
        sa.Column("related_project_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("ref <> ''", name=op.f("ck_activity_related_activity_ref_given")),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["project.id"],
            name=op.f("fk_activity_related_activity_project_id_project"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["related_project_id"],
            ["project.id"],
            name=op.f("fk_activity_related_activity_related_project_id_project"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_activity_related_activity")),
    )
    op.create_index(
        "ix_activity_related_activity_project_position",
        "activity_related_activity",
        ["project_id", "position"],
        unique=False,
    )
    op.create_index(
        "ix_activity_related_activity_ref", "activity_related_activity", ["ref"], unique=False
    )
    op.create_index(
        op.f("ix_activity_related_activity_related_project_id"),
        "activity_related_activity",
        ["related_project_id"],
        unique=False,
    )
    op.create_table(
        "activity_result",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), server_default="0", nullable=False),
        sa.Column("type", sa.String(), nullable=False),
        sa.Column("aggregation_status", sa.Boolean(), nullable=True),
        sa.Column("title", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("description", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column(
            "document_links",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default="[]",
            nullable=False,
        ),
        sa.Column(
            "references",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default="[]",
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["project.id"],
            name=op.f("fk_activity_result_project_id_project"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_activity_result")),
    )
    op.create_index(
        "ix_activity_result_project_position",
        "activity_result",
        ["project_id", "position"],
        unique=False,
    )
    op.create_table(
        "activity_sector",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), server_default="0", nullable=False),
        sa.Column("vocabulary", sa.String(), nullable=True),
        sa.Column("vocabulary_uri", sa.String(), nullable=True),
        sa.Column("code", sa.String(), nullable=False),
        sa.Column("percentage", sa.Numeric(), nullable=True),
        sa.Column("narratives", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.CheckConstraint("code <> ''", name=op.f("ck_activity_sector_code_given")),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["project.id"],
            name=op.f("fk_activity_sector_project_id_project"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_activity_sector")),
    )
    op.create_index(
        "ix_activity_sector_project_position",
        "activity_sector",
        ["project_id", "position"],
        unique=False,
    )
    op.create_index(
        "ix_activity_sector_vocabulary_code",
        "activity_sector",
        ["vocabulary", "code"],
        unique=False,
    )
    op.create_table(
        "activity_tag",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), server_default="0", nullable=False),
        sa.Column("vocabulary", sa.String(), nullable=False),
        sa.Column("vocabulary_uri", sa.String(), nullable=True),
        sa.Column("code", sa.String(), nullable=False),
        sa.Column("narratives", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.CheckConstraint("code <> ''", name=op.f("ck_activity_tag_code_given")),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["project.id"],
            name=op.f("fk_activity_tag_project_id_project"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_activity_tag")),
    )
    op.create_index(
        "ix_activity_tag_project_position", "activity_tag", ["project_id", "position"], unique=False
    )
    op.create_table(
        "activity_transaction",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), server_default="0", nullable=False),
        sa.Column("ref", sa.String(), nullable=True),
        sa.Column("humanitarian", sa.Boolean(), nullable=True),
        sa.Column("transaction_type", sa.String(), nullable=False),
        sa.Column("transaction_date", sa.Date(), nullable=False),
        sa.Column("value", sa.Numeric(), nullable=False),
        sa.Column("currency", sa.String(), nullable=True),
        sa.Column("value_date", sa.Date(), nullable=True),
        sa.Column("description", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("provider_org_ref", sa.String(), nullable=True),
        sa.Column("provider_org_type", sa.String(), nullable=True),
        sa.Column("provider_activity_id", sa.String(), nullable=True),
        sa.Column(
            "provider_org_narratives", postgresql.JSONB(astext_type=sa.Text()), nullable=True
        ),
        sa.Column("provider_partner_id", sa.Integer(), nullable=True),
        sa.Column("receiver_org_ref", sa.String(), nullable=True),
        sa.Column("receiver_org_type", sa.String(), nullable=True),
        sa.Column("receiver_activity_id", sa.String(), nullable=True),
        sa.Column(
            "receiver_org_narratives", postgresql.JSONB(astext_type=sa.Text()), nullable=True
        ),
        sa.Column("receiver_partner_id", sa.Integer(), nullable=True),
        sa.Column("disbursement_channel", sa.String(), nullable=True),
        sa.Column(
            "sectors", postgresql.JSONB(astext_type=sa.Text()), server_default="[]", nullable=False
        ),
        sa.Column("recipient_country_code", sa.String(), nullable=True),
        sa.Column(
            "recipient_country_narratives", postgresql.JSONB(astext_type=sa.Text()), nullable=True
        ),
        sa.Column("recipient_region_code", sa.String(), nullable=True),
        sa.Column("recipient_region_vocabulary", sa.String(), nullable=True),
        sa.Column("recipient_region_vocabulary_uri", sa.String(), nullable=True),
        sa.Column(
            "recipient_region_narratives", postgresql.JSONB(astext_type=sa.Text()), nullable=True
        ),
        sa.Column("flow_type", sa.String(), nullable=True),
        sa.Column("finance_type", sa.String(), nullable=True),
        sa.Column(
            "aid_types",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default="[]",
            nullable=False,
        ),
        sa.Column("tied_status", sa.String(), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.CheckConstraint(
            "transaction_type <> ''", name=op.f("ck_activity_transaction_type_given")
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["project.id"],
            name=op.f("fk_activity_transaction_project_id_project"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["provider_partner_id"],
            ["partner.id"],
            name=op.f("fk_activity_transaction_provider_partner_id_partner"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["receiver_partner_id"],
            ["partner.id"],
            name=op.f("fk_activity_transaction_receiver_partner_id_partner"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_activity_transaction")),
    )
    op.create_index(
        "ix_activity_transaction_project_position",
        "activity_transaction",
        ["project_id", "position"],
        unique=False,
    )
    op.create_index(
        op.f("ix_activity_transaction_provider_partner_id"),
        "activity_transaction",
        ["provider_partner_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_activity_transaction_receiver_partner_id"),
        "activity_transaction",
        ["receiver_partner_id"],
        unique=False,
    )
    op.create_index(
        "ix_activity_transaction_type_date",
        "activity_transaction",
        ["transaction_type", "transaction_date"],
        unique=False,
    )
    op.create_table(
        "activity_warning",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "NEGATIVE_VALUE",
                "PERCENTAGES_NOT_100",
                "BUDGET_PERIOD_OVER_A_YEAR",
                "PERIOD_ENDS_BEFORE_START",
                "UNKNOWN_VOCABULARY",
                "UNKNOWN_CODE",
                "WITHDRAWN_CODE",
                "UNKNOWN_COUNTRY",
                "SEVERAL_CURRENCIES",
                "NOT_A_NUMBER",
                "OTHER",
                name="kind",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("message", sa.String(), nullable=False),
        sa.Column("element", sa.String(), nullable=False),
        sa.Column("line", sa.Integer(), nullable=True),
        sa.Column("file_name", sa.String(), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["project.id"],
            name=op.f("fk_activity_warning_project_id_project"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_activity_warning")),
    )
    op.create_index(
        "ix_activity_warning_project_id", "activity_warning", ["project_id", "id"], unique=False
    )
    op.create_table(
        "activity_indicator",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("result_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), server_default="0", nullable=False),
        sa.Column("measure", sa.String(), nullable=False),
        sa.Column("ascending", sa.Boolean(), nullable=True),
        sa.Column("aggregation_status", sa.Boolean(), nullable=True),
        sa.Column("title", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("description", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column(
            "document_links",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default="[]",
            nullable=False,
        ),
        sa.Column(
            "references",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default="[]",
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["project.id"],
            name=op.f("fk_activity_indicator_project_id_project"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["result_id"],
            ["activity_result.id"],
            name=op.f("fk_activity_indicator_result_id_activity_result"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_activity_indicator")),
    )
    op.create_index(
        op.f("ix_activity_indicator_project_id"), "activity_indicator", ["project_id"], unique=False
    )
    op.create_index(
        "ix_activity_indicator_result_position",
        "activity_indicator",
        ["result_id", "position"],
        unique=False,
    )
    op.create_table(
        "activity_indicator_baseline",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("indicator_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), server_default="0", nullable=False),
        sa.Column("year", sa.Integer(), nullable=True),
        sa.Column("iso_date", sa.Date(), nullable=True),
        sa.Column("value", sa.String(), nullable=True),
        sa.Column("comment", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column(
            "dimensions",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default="[]",
            nullable=False,
        ),
        sa.Column(
            "location_refs", postgresql.ARRAY(sa.Text()), server_default="{}", nullable=False
        ),
        sa.Column(
            "document_links",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default="[]",
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["indicator_id"],
            ["activity_indicator.id"],
            name=op.f("fk_activity_indicator_baseline_indicator_id_activity_indicator"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["project.id"],
            name=op.f("fk_activity_indicator_baseline_project_id_project"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_activity_indicator_baseline")),
    )
    op.create_index(
        "ix_activity_indicator_baseline_indicator_position",
        "activity_indicator_baseline",
        ["indicator_id", "position"],
        unique=False,
    )
    op.create_index(
        op.f("ix_activity_indicator_baseline_project_id"),
        "activity_indicator_baseline",
        ["project_id"],
        unique=False,
    )
    op.create_table(
        "activity_indicator_period",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("indicator_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), server_default="0", nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["indicator_id"],
            ["activity_indicator.id"],
            name=op.f("fk_activity_indicator_period_indicator_id_activity_indicator"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["project.id"],
            name=op.f("fk_activity_indicator_period_project_id_project"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_activity_indicator_period")),
    )
    op.create_index(
        "ix_activity_indicator_period_indicator_position",
        "activity_indicator_period",
        ["indicator_id", "position"],
        unique=False,
    )
    op.create_index(
        op.f("ix_activity_indicator_period_project_id"),
        "activity_indicator_period",
        ["project_id"],
        unique=False,
    )
    op.create_table(
        "activity_period_value",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("period_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), server_default="0", nullable=False),
        sa.Column(
            "kind",
            sa.Enum("TARGET", "ACTUAL", name="kind", native_enum=False, create_constraint=True),
            nullable=False,
        ),
        sa.Column("value", sa.String(), nullable=True),
        sa.Column("comment", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column(
            "dimensions",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default="[]",
            nullable=False,
        ),
        sa.Column(
            "location_refs", postgresql.ARRAY(sa.Text()), server_default="{}", nullable=False
        ),
        sa.Column(
            "document_links",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default="[]",
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["period_id"],
            ["activity_indicator_period.id"],
            name=op.f("fk_activity_period_value_period_id_activity_indicator_period"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["project.id"],
            name=op.f("fk_activity_period_value_project_id_project"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_activity_period_value")),
    )
    op.create_index(
        "ix_activity_period_value_period_position",
        "activity_period_value",
        ["period_id", "position"],
        unique=False,
    )
    op.create_index(
        op.f("ix_activity_period_value_project_id"),
        "activity_period_value",
        ["project_id"],
        unique=False,
    )
    op.alter_column("country", "region", existing_type=sa.VARCHAR(), nullable=True)
    op.add_column("partner", sa.Column("local_ref", sa.String(), nullable=True))
    op.add_column("partner", sa.Column("publisher_ref", sa.String(), nullable=True))
    op.create_unique_constraint(
        "uq_partner_local_ref", "partner", ["publisher_ref", "local_ref", "name"]
    )
    op.create_check_constraint(
        op.f("ck_partner_local_ref_has_publisher"),
        "partner",
        "(publisher_ref IS NULL) = (local_ref IS NULL)",
    )
    op.add_column("project", sa.Column("iati_version", sa.String(), nullable=True))
    op.add_column("project", sa.Column("iati_digest", sa.String(), nullable=True))
    op.add_column(
        "project", sa.Column("last_updated_datetime", sa.DateTime(timezone=True), nullable=True)
    )
    op.add_column("project", sa.Column("lang", sa.String(), nullable=True))
    op.add_column("project", sa.Column("default_currency", sa.String(), nullable=True))
    op.add_column("project", sa.Column("hierarchy", sa.Integer(), nullable=True))
    op.add_column("project", sa.Column("humanitarian", sa.Boolean(), nullable=True))
    op.add_column("project", sa.Column("budget_not_provided", sa.String(), nullable=True))
    op.add_column("project", sa.Column("linked_data_uri", sa.String(), nullable=True))
    op.add_column(
        "project",
        sa.Column("title_narratives", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
    )
    op.add_column("project", sa.Column("reporting_org_ref", sa.String(), nullable=True))
    op.add_column("project", sa.Column("reporting_org_type", sa.String(), nullable=True))
    op.add_column(
        "project", sa.Column("reporting_org_secondary_reporter", sa.Boolean(), nullable=True)
    )
    op.add_column(
        "project",
        sa.Column(
            "reporting_org_narratives", postgresql.JSONB(astext_type=sa.Text()), nullable=True
        ),
    )
    op.add_column("project", sa.Column("reporting_org_partner_id", sa.Integer(), nullable=True))
    op.add_column("project", sa.Column("collaboration_type", sa.String(), nullable=True))
    op.add_column("project", sa.Column("default_flow_type", sa.String(), nullable=True))
    op.add_column("project", sa.Column("default_finance_type", sa.String(), nullable=True))
    op.add_column(
        "project",
        sa.Column(
            "default_aid_types",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default="[]",
            nullable=False,
        ),
    )
    op.add_column("project", sa.Column("default_tied_status", sa.String(), nullable=True))
    op.add_column("project", sa.Column("activity_scope", sa.String(), nullable=True))
    op.add_column("project", sa.Column("capital_spend", sa.Numeric(), nullable=True))
    op.add_column("project", sa.Column("conditions_attached", sa.Boolean(), nullable=True))
    op.add_column(
        "project", sa.Column("country_budget_items_vocabulary", sa.String(), nullable=True)
    )
    op.add_column(
        "project", sa.Column("crs_add", postgresql.JSONB(astext_type=sa.Text()), nullable=True)
    )
    op.add_column(
        "project", sa.Column("fss", postgresql.JSONB(astext_type=sa.Text()), nullable=True)
    )
    op.drop_constraint(op.f("ck_project_status"), "project", type_="check")
    op.alter_column(
        "project", "status", existing_type=sa.String(length=9), type_=sa.String(length=12)
    )
    op.create_check_constraint(
        op.f("ck_project_status"), "project", f"status IN ({_quoted(STATUSES)})"
    )
    op.create_index(
        op.f("ix_project_reporting_org_partner_id"),
        "project",
        ["reporting_org_partner_id"],
        unique=False,
    )
    op.create_foreign_key(
        op.f("fk_project_reporting_org_partner_id_partner"),
        "project",
        "partner",
        ["reporting_org_partner_id"],
        ["id"],
        ondelete="SET NULL",
    )
    op.add_column(
        "project_country",
        sa.Column("narratives", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
    )
    op.add_column(
        "project_country", sa.Column("position", sa.Integer(), server_default="0", nullable=False)
    )
    op.add_column("project_partner", sa.Column("ref", sa.String(), nullable=True))
    op.add_column("project_partner", sa.Column("type", sa.String(), nullable=True))
    op.add_column("project_partner", sa.Column("activity_id", sa.String(), nullable=True))
    op.add_column("project_partner", sa.Column("crs_channel_code", sa.String(), nullable=True))
    op.add_column(
        "project_partner",
        sa.Column("narratives", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
    )
    op.add_column(
        "project_partner", sa.Column("position", sa.Integer(), server_default="0", nullable=False)
    )


def downgrade() -> None:
    op.execute("UPDATE project SET status = 'COMPLETED' WHERE status IN ('FINALISATION', 'CLOSED')")
    op.drop_constraint(op.f("ck_project_status"), "project", type_="check")
    op.alter_column(
        "project", "status", existing_type=sa.String(length=12), type_=sa.String(length=9)
    )
    op.create_check_constraint(
        op.f("ck_project_status"), "project", f"status IN ({_quoted(OLD_STATUSES)})"
    )
    for table, columns in (
        (
            "project_partner",
            ("ref", "type", "activity_id", "crs_channel_code", "narratives", "position"),
        ),
        ("project_country", ("narratives", "position")),
    ):
        for column in columns:
            op.drop_column(table, column)
    op.drop_constraint(
        op.f("fk_project_reporting_org_partner_id_partner"), "project", type_="foreignkey"
    )
    for column in (
        "iati_version",
        "iati_digest",
        "last_updated_datetime",
        "lang",
        "default_currency",
        "hierarchy",
        "humanitarian",
        "budget_not_provided",
        "linked_data_uri",
        "title_narratives",
        "reporting_org_ref",
        "reporting_org_type",
        "reporting_org_secondary_reporter",
        "reporting_org_narratives",
        "reporting_org_partner_id",
        "collaboration_type",
        "default_flow_type",
        "default_finance_type",
        "default_aid_types",
        "default_tied_status",
        "activity_scope",
        "capital_spend",
        "conditions_attached",
        "country_budget_items_vocabulary",
        "crs_add",
        "fss",
    ):
        op.drop_column("project", column)
    op.drop_constraint(op.f("ck_partner_local_ref_has_publisher"), "partner", type_="check")
    op.drop_constraint("uq_partner_local_ref", "partner", type_="unique")
    op.drop_column("partner", "publisher_ref")
    op.drop_column("partner", "local_ref")
    op.execute("UPDATE country SET region = '' WHERE region IS NULL")
    op.alter_column("country", "region", existing_type=sa.String(), nullable=False)
    for table in reversed(TABLES):
        op.drop_table(table)
