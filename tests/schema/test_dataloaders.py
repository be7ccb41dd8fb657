"""No N+1: a query's SQL round trips depend on its shape, not on how many rows it returns."""

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from tests.conftest import Execute, StatementCounter

DEEP = """{
  projects(first: 100) {
    totalCount
    edges { node {
      code
      budget { amount }
      previousPhase { code }
      programmes { name phases { name } partners { role partner { name } } }
      partners {
        role amount { amount } partner { name parent { name parent { name } } } sources { excerpt }
      }
      countries { name projects { code } }
      countryLinks { role sources { excerpt } }
      regions { name }
      themes { name }
      beneficiaryGroups { targetCount { value } country { name } sources { document excerpt } }
      outcomes { statement actual { value } sources { excerpt } }
      agreements { title parties { name } }
      sources { document title excerpt }
    } }
  }
}"""


async def _add_projects(conn: AsyncConnection, how_many: int) -> None:
    """More projects, each with every kind of link the deep query follows."""
    await conn.execute(
        sa.text(
            """
            WITH new AS (
              INSERT INTO project
                (code, title, budget_amount, budget_currency, budget_amount_qualifier)
              SELECT 'synthetic-' || n, 'Synthetic ' || n, n * 1000, 'USD', 'EXACT'
              FROM generate_series(1, :n) AS n RETURNING id
            ), partners AS (
              INSERT INTO project_partner (project_id, partner_id, role)
              SELECT id, (SELECT id FROM partner WHERE code = 'koica'), 'FUNDING' FROM new
            ), countries AS (
              INSERT INTO project_country (project_id, country_code, role)
              SELECT id, 'VN', 'RECIPIENT' FROM new
            ), themes AS (
              INSERT INTO project_theme (project_id, theme_slug)
              SELECT id, (SELECT min(slug) FROM theme) FROM new
            ), groups AS (
              INSERT INTO beneficiary_group (code, project_id, description, categories)
              SELECT 'synthetic-group-' || id, id, 'group', ARRAY['WORKERS'] FROM new
            ), outcomes AS (
              INSERT INTO outcome (code, project_id, kind, statement)
              SELECT 'synthetic-outcome-' || id, id, 'OUTPUT', 'done' FROM new
            )
            INSERT INTO citation (document_id, excerpt, project_id)
            SELECT (SELECT min(id) FROM source_document), 'synthetic excerpt', id FROM new
            """
        ),
        {"n": how_many},
    )


async def test_deep_query_statement_count_does_not_grow_with_rows(
    conn: AsyncConnection, gql: Execute, statements: StatementCounter
) -> None:
    small = await gql(DEEP)
    assert small.errors is None
    small_rows = small.data["projects"]["totalCount"]
    small_count = statements.count

    await _add_projects(conn, 60)
    statements.statements.clear()
    large = await gql(DEEP)
    assert large.errors is None
    assert large.data["projects"]["totalCount"] == small_rows + 60
    assert len(large.data["projects"]["edges"]) == min(100, small_rows + 60)

    assert statements.count == small_count
    assert small_count < 40  # one statement per relation and level, plus count and page
