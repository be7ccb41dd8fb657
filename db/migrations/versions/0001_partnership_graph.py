"""The partnership graph: partners, programmes, projects, results, funding, citations.

Revision ID: 0001
Revises:
Create Date: 2026-11-24 11:33:47.160344
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "country",
        sa.Column("code", sa.String(length=2), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("official_name", sa.String(), nullable=True),
        sa.Column("region", sa.String(), nullable=False),
        sa.Column(
            "alternative_names", postgresql.ARRAY(sa.Text()), server_default="{}", nullable=False
        ),
        sa.CheckConstraint("code ~ '^[A-Z]{2}$'", name=op.f("ck_country_code_iso3166")),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_country")),
    )
    op.create_table(
        "programme",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("acronym", sa.String(), nullable=True),
        sa.Column("description", sa.String(), nullable=True),
        sa.Column("start_date", sa.Date(), nullable=True),
        sa.Column(
            "start_date_precision",
            sa.Enum(
                "DAY",
                "MONTH",
                "YEAR",
                name="start_date_precision",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=True,
        ),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.Column(
            "end_date_precision",
            sa.Enum(
                "DAY",
                "MONTH",
                "YEAR",
                name="end_date_precision",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=True,
        ),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "(end_date IS NULL) = (end_date_precision IS NULL)",
            name=op.f("ck_programme_end_date_has_precision"),
        ),
        sa.CheckConstraint(
            "(start_date IS NULL) = (start_date_precision IS NULL)",
            name=op.f("ck_programme_start_date_has_precision"),
        ),
        sa.CheckConstraint("end_date >= start_date", name=op.f("ck_programme_dates_ordered")),
        sa.CheckConstraint("parent_id <> id", name=op.f("ck_programme_not_own_parent")),
        sa.ForeignKeyConstraint(
            ["parent_id"],
            ["programme.id"],
            name=op.f("fk_programme_parent_id_programme"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_programme")),
        sa.UniqueConstraint("code", name=op.f("uq_programme_code")),
    )
    op.create_table(
        "project",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(), nullable=False),
        sa.Column("title", sa.String(), nullable=False),
        sa.Column("acronym", sa.String(), nullable=True),
        sa.Column("summary", sa.String(), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "PIPELINE",
                "ACTIVE",
                "COMPLETED",
                "SUSPENDED",
                "CANCELLED",
                name="status",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=True,
        ),
        sa.Column("status_as_of", sa.Date(), nullable=True),
        sa.Column("status_derived", sa.Boolean(), server_default="false", nullable=False),
        sa.Column("planned_start", sa.Date(), nullable=True),
        sa.Column(
            "planned_start_precision",
            sa.Enum(
                "DAY",
                "MONTH",
                "YEAR",
                name="planned_start_precision",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=True,
        ),
        sa.Column("planned_start_derived", sa.Boolean(), server_default="false", nullable=False),
        sa.Column("planned_end", sa.Date(), nullable=True),
        sa.Column(
            "planned_end_precision",
            sa.Enum(
                "DAY",
                "MONTH",
                "YEAR",
                name="planned_end_precision",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=True,
        ),
        sa.Column("planned_end_derived", sa.Boolean(), server_default="false", nullable=False),
        sa.Column("actual_start", sa.Date(), nullable=True),
        sa.Column(
            "actual_start_precision",
            sa.Enum(
                "DAY",
                "MONTH",
                "YEAR",
                name="actual_start_precision",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=True,
        ),
        sa.Column("actual_start_derived", sa.Boolean(), server_default="false", nullable=False),
        sa.Column("actual_end", sa.Date(), nullable=True),
        sa.Column(
            "actual_end_precision",
            sa.Enum(
                "DAY",
                "MONTH",
                "YEAR",
                name="actual_end_precision",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=True,
        ),
        sa.Column("actual_end_derived", sa.Boolean(), server_default="false", nullable=False),
        sa.Column("duration_months", sa.Integer(), nullable=True),
        sa.Column("budget_amount", sa.Numeric(precision=18, scale=2), nullable=True),
        sa.Column("budget_currency", sa.String(length=3), nullable=True),
        sa.Column(
            "budget_amount_qualifier",
            sa.Enum(
                "EXACT",
                "APPROXIMATE",
                "AT_LEAST",
                "AT_MOST",
                name="budget_amount_qualifier",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=True,
        ),
        sa.Column("previous_phase_id", sa.Integer(), nullable=True),
        sa.Column("iati_identifier", sa.String(), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "budget_currency ~ '^[A-Z]{3}$'", name=op.f("ck_project_budget_currency_iso4217")
        ),
        sa.CheckConstraint(
            "(actual_end IS NULL) = (actual_end_precision IS NULL)",
            name=op.f("ck_project_actual_end_has_precision"),
        ),
        sa.CheckConstraint(
            "(actual_start IS NULL) = (actual_start_precision IS NULL)",
            name=op.f("ck_project_actual_start_has_precision"),
        ),
        sa.CheckConstraint(
            "(budget_amount IS NULL) = (budget_amount_qualifier IS NULL)",
            name=op.f("ck_project_budget_amount_qualified"),
        ),
        sa.CheckConstraint(
            "(budget_amount IS NULL) = (budget_currency IS NULL)",
            name=op.f("ck_project_budget_currency"),
        ),
        sa.CheckConstraint(
            "(planned_end IS NULL) = (planned_end_precision IS NULL)",
            name=op.f("ck_project_planned_end_has_precision"),
        ),
        sa.CheckConstraint(
            "(planned_start IS NULL) = (planned_start_precision IS NULL)",
            name=op.f("ck_project_planned_start_has_precision"),
        ),
        sa.CheckConstraint(
            "(status IS NULL) OR (status_as_of IS NOT NULL)", name=op.f("ck_project_status_as_of")
        ),
        sa.CheckConstraint("actual_end >= actual_start", name=op.f("ck_project_actual_ordered")),
        sa.CheckConstraint("budget_amount >= 0", name=op.f("ck_project_budget_non_negative")),
        sa.CheckConstraint("duration_months > 0", name=op.f("ck_project_duration_positive")),
        sa.CheckConstraint("planned_end >= planned_start", name=op.f("ck_project_planned_ordered")),
        sa.CheckConstraint("previous_phase_id <> id", name=op.f("ck_project_not_own_phase")),
        sa.ForeignKeyConstraint(
            ["previous_phase_id"],
            ["project.id"],
            name=op.f("fk_project_previous_phase_id_project"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_project")),
        sa.UniqueConstraint("code", name=op.f("uq_project_code")),
        sa.UniqueConstraint("iati_identifier", name=op.f("uq_project_iati_identifier")),
    )
    op.create_table(
        "region",
        sa.Column("code", sa.String(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_region")),
    )
    op.create_table(
        "source_document",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("file_name", sa.String(), nullable=False),
        sa.Column("title", sa.String(), nullable=False),
        sa.Column("publisher", sa.String(), nullable=True),
        sa.Column("published_on", sa.Date(), nullable=True),
        sa.Column(
            "published_on_precision",
            sa.Enum(
                "DAY",
                "MONTH",
                "YEAR",
                name="published_on_precision",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=True,
        ),
        sa.CheckConstraint(
            "(published_on IS NULL) = (published_on_precision IS NULL)",
            name=op.f("ck_source_document_published_on_has_precision"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_source_document")),
        sa.UniqueConstraint("file_name", name=op.f("uq_source_document_file_name")),
    )
    op.create_table(
        "theme",
        sa.Column("slug", sa.String(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.CheckConstraint("slug ~ '^[a-z0-9-]+$'", name=op.f("ck_theme_slug")),
        sa.PrimaryKeyConstraint("slug", name=op.f("pk_theme")),
    )
    op.create_table(
        "agreement",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "MEMORANDUM_OF_UNDERSTANDING",
                "AGREEMENT",
                "EVALUATION",
                "ASSESSMENT",
                name="kind",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("title", sa.String(), nullable=False),
        sa.Column("description", sa.String(), nullable=True),
        sa.Column("signed_on", sa.Date(), nullable=True),
        sa.Column(
            "signed_on_precision",
            sa.Enum(
                "DAY",
                "MONTH",
                "YEAR",
                name="signed_on_precision",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=True,
        ),
        sa.Column("period_start_year", sa.Integer(), nullable=True),
        sa.Column("period_end_year", sa.Integer(), nullable=True),
        sa.Column("programme_id", sa.Integer(), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "(signed_on IS NULL) = (signed_on_precision IS NULL)",
            name=op.f("ck_agreement_signed_on_has_precision"),
        ),
        sa.CheckConstraint(
            "period_end_year >= period_start_year", name=op.f("ck_agreement_period")
        ),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["programme.id"],
            name=op.f("fk_agreement_programme_id_programme"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agreement")),
        sa.UniqueConstraint("code", name=op.f("uq_agreement_code")),
    )
    op.create_table(
        "beneficiary_group",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("description", sa.String(), nullable=False),
        sa.Column("categories", postgresql.ARRAY(sa.String(length=40)), nullable=False),
        sa.Column("target_count", sa.Integer(), nullable=True),
        sa.Column(
            "target_count_qualifier",
            sa.Enum(
                "EXACT",
                "APPROXIMATE",
                "AT_LEAST",
                "AT_MOST",
                name="target_count_qualifier",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=True,
        ),
        sa.Column("reached_count", sa.Integer(), nullable=True),
        sa.Column(
            "reached_count_qualifier",
            sa.Enum(
                "EXACT",
                "APPROXIMATE",
                "AT_LEAST",
                "AT_MOST",
                name="reached_count_qualifier",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=True,
        ),
        sa.Column("women_share", sa.Numeric(precision=5, scale=2), nullable=True),
        sa.Column(
            "women_share_qualifier",
            sa.Enum(
                "EXACT",
                "APPROXIMATE",
                "AT_LEAST",
                "AT_MOST",
                name="women_share_qualifier",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=True,
        ),
        sa.Column("country_code", sa.String(), nullable=True),
        sa.Column("location", sa.String(), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "categories <@ ARRAY['WOMEN', 'YOUTH', 'REFUGEES', 'INTERNALLY_DISPLACED_PERSONS', 'HOST_COMMUNITIES', 'WORKERS', 'EMPLOYERS_ENTERPRISES', 'GOVERNMENT_OFFICIALS', 'TRAINEES', 'OTHER']::varchar[] AND cardinality(categories) > 0",
            name=op.f("ck_beneficiary_group_categories"),
        ),
        sa.CheckConstraint(
            "(reached_count IS NULL) = (reached_count_qualifier IS NULL)",
            name=op.f("ck_beneficiary_group_reached_count_qualified"),
        ),
        sa.CheckConstraint(
            "(target_count IS NULL) = (target_count_qualifier IS NULL)",
            name=op.f("ck_beneficiary_group_target_count_qualified"),
        ),
        sa.CheckConstraint(
            "(women_share IS NULL) = (women_share_qualifier IS NULL)",
            name=op.f("ck_beneficiary_group_women_share_qualified"),
        ),
        sa.CheckConstraint(
            "reached_count >= 0", name=op.f("ck_beneficiary_group_reached_non_negative")
        ),
        sa.CheckConstraint(
            "target_count >= 0", name=op.f("ck_beneficiary_group_target_non_negative")
        ),
        sa.CheckConstraint(
            "women_share BETWEEN 0 AND 100", name=op.f("ck_beneficiary_group_women_share_percent")
        ),
        sa.ForeignKeyConstraint(
            ["country_code"],
            ["country.code"],
            name=op.f("fk_beneficiary_group_country_code_country"),
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["project.id"],
            name=op.f("fk_beneficiary_group_project_id_project"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_beneficiary_group")),
        sa.UniqueConstraint("code", name=op.f("uq_beneficiary_group_code")),
    )
    op.create_index(
        op.f("ix_beneficiary_group_project_id"), "beneficiary_group", ["project_id"], unique=False
    )
    op.create_table(
        "outcome",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "OUTPUT",
                "OUTCOME",
                "IMPACT",
                name="kind",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("statement", sa.String(), nullable=False),
        sa.Column("indicator", sa.String(), nullable=True),
        sa.Column("unit", sa.String(), nullable=True),
        sa.Column("baseline", sa.Numeric(precision=20, scale=4), nullable=True),
        sa.Column(
            "baseline_qualifier",
            sa.Enum(
                "EXACT",
                "APPROXIMATE",
                "AT_LEAST",
                "AT_MOST",
                name="baseline_qualifier",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=True,
        ),
        sa.Column("target", sa.Numeric(precision=20, scale=4), nullable=True),
        sa.Column(
            "target_qualifier",
            sa.Enum(
                "EXACT",
                "APPROXIMATE",
                "AT_LEAST",
                "AT_MOST",
                name="target_qualifier",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=True,
        ),
        sa.Column("actual", sa.Numeric(precision=20, scale=4), nullable=True),
        sa.Column(
            "actual_qualifier",
            sa.Enum(
                "EXACT",
                "APPROXIMATE",
                "AT_LEAST",
                "AT_MOST",
                name="actual_qualifier",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=True,
        ),
        sa.Column("period_start", sa.Date(), nullable=True),
        sa.Column("period_end", sa.Date(), nullable=True),
        sa.Column(
            "period_precision",
            sa.Enum(
                "DAY",
                "MONTH",
                "YEAR",
                name="period_precision",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=True,
        ),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "(actual IS NULL) = (actual_qualifier IS NULL)",
            name=op.f("ck_outcome_actual_qualified"),
        ),
        sa.CheckConstraint(
            "(baseline IS NULL) = (baseline_qualifier IS NULL)",
            name=op.f("ck_outcome_baseline_qualified"),
        ),
        sa.CheckConstraint(
            "(period_start IS NULL AND period_end IS NULL) = (period_precision IS NULL)",
            name=op.f("ck_outcome_period_has_precision"),
        ),
        sa.CheckConstraint(
            "(target IS NULL) = (target_qualifier IS NULL)",
            name=op.f("ck_outcome_target_qualified"),
        ),
        sa.CheckConstraint("period_end >= period_start", name=op.f("ck_outcome_period_ordered")),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["project.id"],
            name=op.f("fk_outcome_project_id_project"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outcome")),
        sa.UniqueConstraint("code", name=op.f("uq_outcome_code")),
    )
    op.create_index(op.f("ix_outcome_project_id"), "outcome", ["project_id"], unique=False)
    op.create_table(
        "partner",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("acronym", sa.String(), nullable=True),
        sa.Column(
            "kind",
            sa.Enum(
                "GOVERNMENT",
                "GOVERNMENT_MINISTRY",
                "DEVELOPMENT_AGENCY",
                "UN_AGENCY",
                "INTERNATIONAL_ORGANISATION",
                "NGO",
                "WORKERS_ORGANISATION",
                "EMPLOYERS_ORGANISATION",
                "PRIVATE_SECTOR",
                "RESEARCH_ACADEMIA",
                "OTHER",
                name="kind",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("country_code", sa.String(), nullable=True),
        sa.Column("website", sa.String(), nullable=True),
        sa.Column("description", sa.String(), nullable=True),
        sa.Column("iati_identifier", sa.String(), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint("parent_id <> id", name=op.f("ck_partner_not_own_parent")),
        sa.ForeignKeyConstraint(
            ["country_code"], ["country.code"], name=op.f("fk_partner_country_code_country")
        ),
        sa.ForeignKeyConstraint(
            ["parent_id"],
            ["partner.id"],
            name=op.f("fk_partner_parent_id_partner"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_partner")),
        sa.UniqueConstraint("code", name=op.f("uq_partner_code")),
        sa.UniqueConstraint("iati_identifier", name=op.f("uq_partner_iati_identifier")),
    )
    op.create_index(op.f("ix_partner_acronym"), "partner", ["acronym"], unique=False)
    op.create_table(
        "project_country",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("country_code", sa.String(), nullable=False),
        sa.Column(
            "role",
            sa.Enum(
                "RECIPIENT", "PARTICIPANT", name="role", native_enum=False, create_constraint=True
            ),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["country_code"], ["country.code"], name=op.f("fk_project_country_country_code_country")
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["project.id"],
            name=op.f("fk_project_country_project_id_project"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_project_country")),
        sa.UniqueConstraint(
            "project_id",
            "country_code",
            "role",
            name=op.f("uq_project_country_project_id_country_code_role"),
        ),
    )
    op.create_index(
        op.f("ix_project_country_country_code"), "project_country", ["country_code"], unique=False
    )
    op.create_index(
        op.f("ix_project_country_project_id"), "project_country", ["project_id"], unique=False
    )
    op.create_table(
        "project_programme",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["programme.id"],
            name=op.f("fk_project_programme_programme_id_programme"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["project.id"],
            name=op.f("fk_project_programme_project_id_project"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_project_programme")),
        sa.UniqueConstraint(
            "project_id", "programme_id", name=op.f("uq_project_programme_project_id_programme_id")
        ),
    )
    op.create_index(
        op.f("ix_project_programme_programme_id"),
        "project_programme",
        ["programme_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_project_programme_project_id"), "project_programme", ["project_id"], unique=False
    )
    op.create_table(
        "project_region",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("region_code", sa.String(), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["project.id"],
            name=op.f("fk_project_region_project_id_project"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["region_code"], ["region.code"], name=op.f("fk_project_region_region_code_region")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_project_region")),
        sa.UniqueConstraint(
            "project_id", "region_code", name=op.f("uq_project_region_project_id_region_code")
        ),
    )
    op.create_index(
        op.f("ix_project_region_project_id"), "project_region", ["project_id"], unique=False
    )
    op.create_table(
        "project_theme",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("theme_slug", sa.String(), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["project.id"],
            name=op.f("fk_project_theme_project_id_project"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["theme_slug"], ["theme.slug"], name=op.f("fk_project_theme_theme_slug_theme")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_project_theme")),
        sa.UniqueConstraint(
            "project_id", "theme_slug", name=op.f("uq_project_theme_project_id_theme_slug")
        ),
    )
    op.create_index(
        op.f("ix_project_theme_project_id"), "project_theme", ["project_id"], unique=False
    )
    op.create_index(
        op.f("ix_project_theme_theme_slug"), "project_theme", ["theme_slug"], unique=False
    )
    op.create_table(
        "agreement_party",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agreement_id", sa.Integer(), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["agreement_id"],
            ["agreement.id"],
            name=op.f("fk_agreement_party_agreement_id_agreement"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["partner_id"],
            ["partner.id"],
            name=op.f("fk_agreement_party_partner_id_partner"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agreement_party")),
        sa.UniqueConstraint(
            "agreement_id", "partner_id", name=op.f("uq_agreement_party_agreement_id_partner_id")
        ),
    )
    op.create_index(
        op.f("ix_agreement_party_agreement_id"), "agreement_party", ["agreement_id"], unique=False
    )
    op.create_index(
        op.f("ix_agreement_party_partner_id"), "agreement_party", ["partner_id"], unique=False
    )
    op.create_table(
        "agreement_project",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agreement_id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["agreement_id"],
            ["agreement.id"],
            name=op.f("fk_agreement_project_agreement_id_agreement"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["project.id"],
            name=op.f("fk_agreement_project_project_id_project"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agreement_project")),
        sa.UniqueConstraint(
            "agreement_id", "project_id", name=op.f("uq_agreement_project_agreement_id_project_id")
        ),
    )
    op.create_index(
        op.f("ix_agreement_project_agreement_id"),
        "agreement_project",
        ["agreement_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_agreement_project_project_id"), "agreement_project", ["project_id"], unique=False
    )
    op.create_table(
        "contribution",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(), nullable=False),
        sa.Column("donor_id", sa.Integer(), nullable=False),
        sa.Column("recipient_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "ASSESSED",
                "VOLUNTARY_CORE",
                "VOLUNTARY_EARMARKED",
                name="kind",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("amount", sa.Numeric(precision=18, scale=2), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column(
            "amount_qualifier",
            sa.Enum(
                "EXACT",
                "APPROXIMATE",
                "AT_LEAST",
                "AT_MOST",
                name="amount_qualifier",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("period_start_year", sa.Integer(), nullable=False),
        sa.Column("period_end_year", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=True),
        sa.Column("project_id", sa.Integer(), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "currency ~ '^[A-Z]{3}$'", name=op.f("ck_contribution_currency_iso4217")
        ),
        sa.CheckConstraint(
            "(amount IS NULL) = (amount_qualifier IS NULL)",
            name=op.f("ck_contribution_amount_qualified"),
        ),
        sa.CheckConstraint("amount >= 0", name=op.f("ck_contribution_amount_non_negative")),
        sa.CheckConstraint("donor_id <> recipient_id", name=op.f("ck_contribution_two_parties")),
        sa.CheckConstraint(
            "period_end_year >= period_start_year", name=op.f("ck_contribution_period")
        ),
        sa.ForeignKeyConstraint(
            ["donor_id"],
            ["partner.id"],
            name=op.f("fk_contribution_donor_id_partner"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["programme.id"],
            name=op.f("fk_contribution_programme_id_programme"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["project.id"],
            name=op.f("fk_contribution_project_id_project"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["recipient_id"],
            ["partner.id"],
            name=op.f("fk_contribution_recipient_id_partner"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contribution")),
        sa.UniqueConstraint("code", name=op.f("uq_contribution_code")),
    )
    op.create_index(op.f("ix_contribution_donor_id"), "contribution", ["donor_id"], unique=False)
    op.create_index(
        op.f("ix_contribution_recipient_id"), "contribution", ["recipient_id"], unique=False
    )
    op.create_table(
        "partner_fact",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("topic", sa.String(), nullable=False),
        sa.Column("statement", sa.String(), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=True),
        sa.Column(
            "as_of_precision",
            sa.Enum(
                "DAY",
                "MONTH",
                "YEAR",
                name="as_of_precision",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=True,
        ),
        sa.Column("value", sa.Numeric(precision=20, scale=4), nullable=True),
        sa.Column(
            "value_qualifier",
            sa.Enum(
                "EXACT",
                "APPROXIMATE",
                "AT_LEAST",
                "AT_MOST",
                name="value_qualifier",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=True,
        ),
        sa.Column("unit", sa.String(), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "(as_of IS NULL) = (as_of_precision IS NULL)",
            name=op.f("ck_partner_fact_as_of_has_precision"),
        ),
        sa.CheckConstraint(
            "(value IS NULL) = (value_qualifier IS NULL)",
            name=op.f("ck_partner_fact_value_qualified"),
        ),
        sa.ForeignKeyConstraint(
            ["partner_id"],
            ["partner.id"],
            name=op.f("fk_partner_fact_partner_id_partner"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_partner_fact")),
        sa.UniqueConstraint("code", name=op.f("uq_partner_fact_code")),
    )
    op.create_index(
        op.f("ix_partner_fact_partner_id"), "partner_fact", ["partner_id"], unique=False
    )
    op.create_table(
        "programme_partner",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column(
            "role",
            sa.Enum(
                "FUNDING",
                "ACCOUNTABLE",
                "EXTENDING",
                "IMPLEMENTING",
                name="role",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["partner_id"],
            ["partner.id"],
            name=op.f("fk_programme_partner_partner_id_partner"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["programme.id"],
            name=op.f("fk_programme_partner_programme_id_programme"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_programme_partner")),
        sa.UniqueConstraint(
            "programme_id",
            "partner_id",
            "role",
            name=op.f("uq_programme_partner_programme_id_partner_id_role"),
        ),
    )
    op.create_index(
        op.f("ix_programme_partner_partner_id"), "programme_partner", ["partner_id"], unique=False
    )
    op.create_index(
        op.f("ix_programme_partner_programme_id"),
        "programme_partner",
        ["programme_id"],
        unique=False,
    )
    op.create_table(
        "project_partner",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column(
            "role",
            sa.Enum(
                "FUNDING",
                "ACCOUNTABLE",
                "EXTENDING",
                "IMPLEMENTING",
                name="role",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("amount", sa.Numeric(precision=18, scale=2), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=True),
        sa.Column(
            "amount_qualifier",
            sa.Enum(
                "EXACT",
                "APPROXIMATE",
                "AT_LEAST",
                "AT_MOST",
                name="amount_qualifier",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=True,
        ),
        sa.CheckConstraint(
            "currency ~ '^[A-Z]{3}$'", name=op.f("ck_project_partner_currency_iso4217")
        ),
        sa.CheckConstraint(
            "(amount IS NULL) = (amount_qualifier IS NULL)",
            name=op.f("ck_project_partner_amount_qualified"),
        ),
        sa.CheckConstraint(
            "(amount IS NULL) = (currency IS NULL)", name=op.f("ck_project_partner_amount_currency")
        ),
        sa.CheckConstraint("amount >= 0", name=op.f("ck_project_partner_amount_non_negative")),
        sa.ForeignKeyConstraint(
            ["partner_id"],
            ["partner.id"],
            name=op.f("fk_project_partner_partner_id_partner"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["project.id"],
            name=op.f("fk_project_partner_project_id_project"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_project_partner")),
        sa.UniqueConstraint(
            "project_id",
            "partner_id",
            "role",
            name=op.f("uq_project_partner_project_id_partner_id_role"),
        ),
    )
    op.create_index(
        op.f("ix_project_partner_partner_id"), "project_partner", ["partner_id"], unique=False
    )
    op.create_index(
        op.f("ix_project_partner_project_id"), "project_partner", ["project_id"], unique=False
    )
    op.create_table(
        "citation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("excerpt", sa.String(), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=True),
        sa.Column("programme_id", sa.Integer(), nullable=True),
        sa.Column("programme_partner_id", sa.Integer(), nullable=True),
        sa.Column("project_id", sa.Integer(), nullable=True),
        sa.Column("project_programme_id", sa.Integer(), nullable=True),
        sa.Column("project_partner_id", sa.Integer(), nullable=True),
        sa.Column("project_country_id", sa.Integer(), nullable=True),
        sa.Column("beneficiary_group_id", sa.Integer(), nullable=True),
        sa.Column("outcome_id", sa.Integer(), nullable=True),
        sa.Column("contribution_id", sa.Integer(), nullable=True),
        sa.Column("agreement_id", sa.Integer(), nullable=True),
        sa.Column("partner_fact_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "num_nonnulls(partner_id, programme_id, programme_partner_id, project_id, project_programme_id, project_partner_id, project_country_id, beneficiary_group_id, outcome_id, contribution_id, agreement_id, partner_fact_id) = 1",
            name=op.f("ck_citation_one_record"),
        ),
        sa.ForeignKeyConstraint(
            ["agreement_id"],
            ["agreement.id"],
            name=op.f("fk_citation_agreement_id_agreement"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["beneficiary_group_id"],
            ["beneficiary_group.id"],
            name=op.f("fk_citation_beneficiary_group_id_beneficiary_group"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["contribution_id"],
            ["contribution.id"],
            name=op.f("fk_citation_contribution_id_contribution"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["source_document.id"],
            name=op.f("fk_citation_document_id_source_document"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["outcome_id"],
            ["outcome.id"],
            name=op.f("fk_citation_outcome_id_outcome"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["partner_fact_id"],
            ["partner_fact.id"],
            name=op.f("fk_citation_partner_fact_id_partner_fact"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["partner_id"],
            ["partner.id"],
            name=op.f("fk_citation_partner_id_partner"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["programme.id"],
            name=op.f("fk_citation_programme_id_programme"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["programme_partner_id"],
            ["programme_partner.id"],
            name=op.f("fk_citation_programme_partner_id_programme_partner"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["project_country_id"],
            ["project_country.id"],
            name=op.f("fk_citation_project_country_id_project_country"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["project.id"],
            name=op.f("fk_citation_project_id_project"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["project_partner_id"],
            ["project_partner.id"],
            name=op.f("fk_citation_project_partner_id_project_partner"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["project_programme_id"],
            ["project_programme.id"],
            name=op.f("fk_citation_project_programme_id_project_programme"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_citation")),
        sa.UniqueConstraint(
            "document_id",
            "excerpt",
            "partner_id",
            "programme_id",
            "programme_partner_id",
            "project_id",
            "project_programme_id",
            "project_partner_id",
            "project_country_id",
            "beneficiary_group_id",
            "outcome_id",
            "contribution_id",
            "agreement_id",
            "partner_fact_id",
            name=op.f(
                "uq_citation_document_id_excerpt_partner_id_programme_id_programme_partner_id_project_id_project_programme_id_project_partner_id_project_country_id_beneficiary_group_id_outcome_id_contribution_id_agreement_id_partner_fact_id"
            ),
            postgresql_nulls_not_distinct=True,
        ),
    )
    op.create_index(op.f("ix_citation_agreement_id"), "citation", ["agreement_id"], unique=False)
    op.create_index(
        op.f("ix_citation_beneficiary_group_id"), "citation", ["beneficiary_group_id"], unique=False
    )
    op.create_index(
        op.f("ix_citation_contribution_id"), "citation", ["contribution_id"], unique=False
    )
    op.create_index(op.f("ix_citation_outcome_id"), "citation", ["outcome_id"], unique=False)
    op.create_index(
        op.f("ix_citation_partner_fact_id"), "citation", ["partner_fact_id"], unique=False
    )
    op.create_index(op.f("ix_citation_partner_id"), "citation", ["partner_id"], unique=False)
    op.create_index(op.f("ix_citation_programme_id"), "citation", ["programme_id"], unique=False)
    op.create_index(
        op.f("ix_citation_programme_partner_id"), "citation", ["programme_partner_id"], unique=False
    )
    op.create_index(
        op.f("ix_citation_project_country_id"), "citation", ["project_country_id"], unique=False
    )
    op.create_index(op.f("ix_citation_project_id"), "citation", ["project_id"], unique=False)
    op.create_index(
        op.f("ix_citation_project_partner_id"), "citation", ["project_partner_id"], unique=False
    )
    op.create_index(
        op.f("ix_citation_project_programme_id"), "citation", ["project_programme_id"], unique=False
    )
    op.create_table(
        "partner_fact_country",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("partner_fact_id", sa.Integer(), nullable=False),
        sa.Column("country_code", sa.String(), nullable=False),
        sa.ForeignKeyConstraint(
            ["country_code"],
            ["country.code"],
            name=op.f("fk_partner_fact_country_country_code_country"),
        ),
        sa.ForeignKeyConstraint(
            ["partner_fact_id"],
            ["partner_fact.id"],
            name=op.f("fk_partner_fact_country_partner_fact_id_partner_fact"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_partner_fact_country")),
        sa.UniqueConstraint(
            "partner_fact_id",
            "country_code",
            name=op.f("uq_partner_fact_country_partner_fact_id_country_code"),
        ),
    )
    op.create_index(
        op.f("ix_partner_fact_country_partner_fact_id"),
        "partner_fact_country",
        ["partner_fact_id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index(
        op.f("ix_partner_fact_country_partner_fact_id"), table_name="partner_fact_country"
    )
    op.drop_table("partner_fact_country")
    op.drop_index(op.f("ix_citation_project_programme_id"), table_name="citation")
    op.drop_index(op.f("ix_citation_project_partner_id"), table_name="citation")
    op.drop_index(op.f("ix_citation_project_id"), table_name="citation")
    op.drop_index(op.f("ix_citation_project_country_id"), table_name="citation")
    op.drop_index(op.f("ix_citation_programme_partner_id"), table_name="citation")
    op.drop_index(op.f("ix_citation_programme_id"), table_name="citation")
    op.drop_index(op.f("ix_citation_partner_id"), table_name="citation")
    op.drop_index(op.f("ix_citation_partner_fact_id"), table_name="citation")
    op.drop_index(op.f("ix_citation_outcome_id"), table_name="citation")
    op.drop_index(op.f("ix_citation_contribution_id"), table_name="citation")
    op.drop_index(op.f("ix_citation_beneficiary_group_id"), table_name="citation")
    op.drop_index(op.f("ix_citation_agreement_id"), table_name="citation")
    op.drop_table("citation")
    op.drop_index(op.f("ix_project_partner_project_id"), table_name="project_partner")
    op.drop_index(op.f("ix_project_partner_partner_id"), table_name="project_partner")
    op.drop_table("project_partner")
    op.drop_index(op.f("ix_programme_partner_programme_id"), table_name="programme_partner")
    op.drop_index(op.f("ix_programme_partner_partner_id"), table_name="programme_partner")
    op.drop_table("programme_partner")
    op.drop_index(op.f("ix_partner_fact_partner_id"), table_name="partner_fact")
    op.drop_table("partner_fact")
    op.drop_index(op.f("ix_contribution_recipient_id"), table_name="contribution")
    op.drop_index(op.f("ix_contribution_donor_id"), table_name="contribution")
    op.drop_table("contribution")
    op.drop_index(op.f("ix_agreement_project_project_id"), table_name="agreement_project")
    op.drop_index(op.f("ix_agreement_project_agreement_id"), table_name="agreement_project")
    op.drop_table("agreement_project")
    op.drop_index(op.f("ix_agreement_party_partner_id"), table_name="agreement_party")
    op.drop_index(op.f("ix_agreement_party_agreement_id"), table_name="agreement_party")
    op.drop_table("agreement_party")
    op.drop_index(op.f("ix_project_theme_theme_slug"), table_name="project_theme")
    op.drop_index(op.f("ix_project_theme_project_id"), table_name="project_theme")
    op.drop_table("project_theme")
    op.drop_index(op.f("ix_project_region_project_id"), table_name="project_region")
    op.drop_table("project_region")
    op.drop_index(op.f("ix_project_programme_project_id"), table_name="project_programme")
    op.drop_index(op.f("ix_project_programme_programme_id"), table_name="project_programme")
    op.drop_table("project_programme")
    op.drop_index(op.f("ix_project_country_project_id"), table_name="project_country")
    op.drop_index(op.f("ix_project_country_country_code"), table_name="project_country")
    op.drop_table("project_country")
    op.drop_index(op.f("ix_partner_acronym"), table_name="partner")
    op.drop_table("partner")
    op.drop_index(op.f("ix_outcome_project_id"), table_name="outcome")
    op.drop_table("outcome")
    op.drop_index(op.f("ix_beneficiary_group_project_id"), table_name="beneficiary_group")
    op.drop_table("beneficiary_group")
    op.drop_table("agreement")
    op.drop_table("theme")
    op.drop_table("source_document")
    op.drop_table("region")
    op.drop_table("project")
    op.drop_table("programme")
    op.drop_table("country")
