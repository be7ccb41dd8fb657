"""Synthetic projects added inside a test's transaction, to show that a query's statement
count does not grow with the rows it returns. Each one matches the questions of
tests/schema/test_questions.py: dated over 2022, in Viet Nam, funded by KOICA, with a
summary about cooperatives, with a beneficiary group, a measured outcome and a citation."""

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection


async def add_synthetic_projects(conn: AsyncConnection, how_many: int) -> None:
    await conn.execute(
        sa.text(
            """
            WITH new AS (
              INSERT INTO project
                (code, title, summary, status, status_as_of, planned_start,
                 planned_start_precision, planned_end, planned_end_precision,
                 budget_amount, budget_currency, budget_amount_qualifier)
              SELECT 'synthetic-' || n, 'Synthetic ' || n, 'Synthetic support to cooperatives',
                     'ACTIVE', DATE '2022-01-01', DATE '2021-01-01', 'YEAR',
                     DATE '2023-01-01', 'YEAR', n * 100000, 'USD', 'EXACT'
              FROM generate_series(1, :n) AS n RETURNING id
            ), partners AS (
              INSERT INTO project_partner (project_id, partner_id, role)
              SELECT id, (SELECT id FROM partner WHERE code = 'koica'), 'FUNDING' FROM new
            ), programmes AS (
              INSERT INTO project_programme (project_id, programme_id)
              SELECT id, (SELECT id FROM programme WHERE code = 'kpp-2021-2023') FROM new
            ), countries AS (
              INSERT INTO project_country (project_id, country_code, role)
              SELECT id, 'VN', 'RECIPIENT' FROM new
            ), themes AS (
              INSERT INTO project_theme (project_id, theme_slug)
              SELECT id, (SELECT min(slug) FROM theme) FROM new
            ), groups AS (
              INSERT INTO beneficiary_group
                (code, project_id, description, categories, target_count,
                 target_count_qualifier, women_share, women_share_qualifier)
              SELECT 'synthetic-group-' || id, id, 'Members of producer groups', ARRAY['WORKERS'],
                     100, 'EXACT', 50, 'EXACT'
              FROM new
            ), outcomes AS (
              INSERT INTO outcome
                (code, project_id, kind, statement, target, target_qualifier, actual,
                 actual_qualifier)
              SELECT 'synthetic-outcome-' || id, id, 'OUTPUT', 'Producer groups registered',
                     10, 'EXACT', id % 15, 'EXACT'
              FROM new
            )
            INSERT INTO citation (document_id, excerpt, project_id)
            SELECT (SELECT min(id) FROM source_document), 'synthetic excerpt', id FROM new
            """
        ),
        {"n": how_many},
    )
