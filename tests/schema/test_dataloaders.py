"""No N+1: a query's SQL round trips depend on its shape, not on how many rows it returns."""

from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncConnection

from schema.build import build_schema
from schema.context import Context
from schema.extensions.limits import QueryLimits
from service.settings import Settings
from tests.conftest import StatementCounter
from tests.synthetic import add_synthetic_projects


@pytest.fixture(params=["resolvers", "compiled"])
def settings(request: pytest.FixtureRequest) -> Settings:
    """Both read paths: a query the compiler reads must keep the property too, and one it
    leaves to the resolvers must keep it through them."""
    return Settings(_env_file=None, compiled_reads=request.param == "compiled")


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


async def test_deep_query_statement_count_does_not_grow_with_rows(
    conn: AsyncConnection, settings: Settings, statements: StatementCounter
) -> None:
    # Its plain lists of projects under a page of projects could hold 10 million fields:
    # over the default cost limit, which this test is not about.
    roomy = build_schema(QueryLimits(max_cost=10**9))

    async def gql(query: str) -> Any:
        context = Context(conn, settings, commit_writes=False)
        return await roomy.execute(query, context_value=context)

    await gql(DEEP)  # a fresh schema's first run sends statements that later runs do not
    await statements.clear()
    small = await gql(DEEP)
    assert small.errors is None
    small_rows = small.data["projects"]["totalCount"]
    small_count = await statements.counted()

    await add_synthetic_projects(conn, 60)
    await statements.clear()
    large = await gql(DEEP)
    assert large.errors is None
    assert large.data["projects"]["totalCount"] == small_rows + 60
    assert len(large.data["projects"]["edges"]) == min(100, small_rows + 60)

    assert await statements.counted() == small_count
    assert small_count < 40  # one statement per relation and level, plus count and page
