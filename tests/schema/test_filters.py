"""Filters, orderings and keyset cursors: correct pages, exact counts, precise errors."""

from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncConnection

from schema.build import build_schema
from schema.context import Context
from schema.extensions.limits import QueryLimits
from service.settings import Settings
from tests.conftest import Execute, StatementCounter
from tests.synthetic import add_synthetic_projects

PAGE = """query($first: Int, $after: String, $last: Int, $before: String,
            $orderBy: [ProjectOrder!], $filter: ProjectFilter) {
  projects(first: $first, after: $after, last: $last, before: $before,
           orderBy: $orderBy, filter: $filter) {
    totalCount
    edges { cursor node { code } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}"""

ORDERINGS = [
    [{"field": "START", "direction": "DESC"}],
    [{"field": "BUDGET"}, {"field": "TITLE", "direction": "DESC"}],
    [{"field": "STATUS"}, {"field": "END"}, {"field": "CODE", "direction": "DESC"}],
]


async def _page(gql: Execute, **variables: Any) -> dict[str, Any]:
    result = await gql(PAGE, variables)
    assert result.errors is None, result.errors
    return dict(result.data["projects"])


def _codes(page: dict[str, Any]) -> list[str]:
    return [e["node"]["code"] for e in page["edges"]]


@pytest.mark.parametrize("order_by", ORDERINGS)
async def test_paging_visits_every_project_once_under_any_ordering(
    conn: AsyncConnection, gql: Execute, order_by: list[dict[str, str]]
) -> None:
    await add_synthetic_projects(conn, 25)  # many equal sort values: ties need the id
    everything = _codes(await _page(gql, first=100, orderBy=order_by))
    assert len(everything) == len(set(everything)) == 17 + 25

    forward: list[str] = []
    after = None
    while True:
        page = await _page(gql, first=4, after=after, orderBy=order_by)
        forward += _codes(page)
        assert page["pageInfo"]["hasPreviousPage"] is (after is not None)
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert forward == everything

    backward: list[str] = []
    before = None
    while True:
        page = await _page(gql, last=5, before=before, orderBy=order_by)
        backward = _codes(page) + backward
        if not page["pageInfo"]["hasPreviousPage"]:
            break
        before = page["pageInfo"]["startCursor"]
    assert backward == everything


async def test_start_order_puts_newest_first_and_unknown_dates_last(gql: Execute) -> None:
    order = [{"field": "START", "direction": "DESC"}]
    codes = _codes(await _page(gql, first=100, orderBy=order))
    assert codes.index("global-accelerator-support") < codes.index("psei-india")  # 2022, 2020
    assert codes.index("psei-india") < codes.index("port-worker-development-programme-ii")
    assert codes.index("port-worker-development-programme-ii") < codes.index("tunisia-ict-jobs")


async def test_total_count_respects_the_filter(gql: Execute) -> None:
    page = await _page(gql, first=1, filter={"status": ["ACTIVE"]})
    assert page["totalCount"] == 10
    assert len(page["edges"]) == 1
    assert page["pageInfo"]["hasNextPage"] is True


async def test_total_count_costs_nothing_unless_selected(
    gql: Execute, settings: Settings, statements: StatementCounter
) -> None:
    """Through the resolvers a count is a statement of its own; compiled, a part of the one
    statement. Either way only when asked for."""
    for compiled in (False, True):
        settings.compiled_reads = compiled
        await statements.clear()
        await gql("{ projects(first: 3) { edges { node { code } } } }")
        without = await statements.sent()
        await statements.clear()
        await gql("{ projects(first: 3) { totalCount edges { node { code } } } }")
        counting = [s for s in await statements.sent() if "count(*)" in s]
        assert not any("count(*)" in s for s in without)
        assert len(counting) == 1
        assert await statements.counted() == len(without) + (0 if compiled else 1)


async def test_filters_compose_with_and_or_not(gql: Execute) -> None:
    page = await _page(
        gql,
        first=100,
        filter={
            "or": [{"countries": ["MM"]}, {"themes": ["social-solidarity-economy"]}],
            "not": {"status": ["COMPLETED"]},
            "and": [{"partner": {"kinds": ["GOVERNMENT_MINISTRY"], "role": "FUNDING"}}],
        },
    )
    # The ASEAN skills project in Myanmar names no funder: no passage says who funded it.
    assert _codes(page) == ["myanmar-osh-legal-framework", "sse-knowledge-base"]


async def test_partners_by_the_countries_of_their_projects(gql: Execute) -> None:
    result = await gql(
        '{ partners(filter: {projectCountries: ["CM"]}) { edges { node { acronym } } } }'
    )
    assert result.errors is None
    acronyms = {e["node"]["acronym"] for e in result.data["partners"]["edges"]}
    assert acronyms == {"ILO", "KOICA", "UNHCR", "UNICEF", "WFP"}


async def test_nested_project_lists_take_a_filter(
    conn: AsyncConnection, settings: Settings
) -> None:
    # Every country's and theme's plain list of projects could hold millions: over the
    # default cost limit (the paged projectsConnection is what clients should ask).
    context = Context(conn, settings, commit_writes=False)
    result = await build_schema(QueryLimits(max_cost=10**8)).execute(
        "{ countries { code projects(filter: {status: [ACTIVE]}) { code } } "
        ' themes { slug projects(filter: {search: "cooperatives"}) { code } } }',
        context_value=context,
    )
    assert result.errors is None
    assert result.data is not None
    countries = {c["code"]: [p["code"] for p in c["projects"]] for c in result.data["countries"]}
    assert countries["MM"] == ["myanmar-osh-legal-framework"]
    themes = {t["slug"]: [p["code"] for p in t["projects"]] for t in result.data["themes"]}
    assert themes["social-solidarity-economy"] == ["sse-knowledge-base"]
    assert themes["skills"] == []


async def _error(gql: Execute, query: str, variables: dict[str, Any] | None = None) -> Any:
    result = await gql(query, variables)
    assert result.errors is not None
    [error] = result.errors
    return error


@pytest.mark.parametrize(
    ("filter_", "argument"),
    [
        ({"start": {"from": "2023-01-01", "to": "2021-01-01"}}, "filter.start"),
        ({"search": "x" * 201}, "filter.search"),
        ({"search": "   "}, "filter.search"),
        ({"countries": ["Viet Nam"]}, "filter.countries"),
        ({"countries": ["VN\n"]}, "filter.countries"),
        ({"budget": {"currency": "dollars", "min": "1"}}, "filter.budget.currency"),
        ({"budget": {"currency": "USD\n", "min": "1"}}, "filter.budget.currency"),
        ({"budget": {"currency": "USD", "min": "5", "max": "1"}}, "filter.budget"),
        ({"or": [{"programmes": ["UGFydG5lcjox"]}]}, "filter.or.programmes"),
    ],
)
async def test_a_malformed_filter_is_bad_user_input(
    gql: Execute, filter_: dict[str, Any], argument: str
) -> None:
    error = await _error(gql, PAGE, {"filter": filter_})
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["extensions"]["argument"] == argument


async def test_an_unknown_enum_value_is_bad_user_input(gql: Execute) -> None:
    error = await _error(gql, PAGE, {"filter": {"status": ["FINISHED"]}})
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert "FINISHED" in error["message"]


async def test_a_cursor_of_another_ordering_is_refused(gql: Execute) -> None:
    page = await _page(gql, first=2, orderBy=[{"field": "TITLE"}])
    error = await _error(
        gql, PAGE, {"first": 2, "after": page["pageInfo"]["endCursor"], "orderBy": []}
    )
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "argument": "after"}
    assert "another ordering" in error["message"]


async def test_an_ordering_naming_a_field_twice_is_refused(gql: Execute) -> None:
    order = [{"field": "CODE"}, {"field": "CODE", "direction": "DESC"}]
    error = await _error(gql, PAGE, {"orderBy": order})
    assert error["extensions"]["code"] == "BAD_USER_INPUT"


async def test_a_search_query_too_long_is_refused(gql: Execute) -> None:
    error = await _error(gql, "query($q: String!) { search(query: $q) { rank } }", {"q": "y" * 300})
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "argument": "query", "maximum": 200}


NESTED = """query($after: String) {
  partners(filter: {codes: ["koica", "moel"]}) { edges { node {
    code
    projects(role: FUNDING) { code }
    projectsConnection(role: FUNDING, first: 2, after: $after,
                       orderBy: [{field: TITLE, direction: DESC}]) {
      totalCount
      edges { node { code title } }
      pageInfo { hasNextPage hasPreviousPage endCursor }
    }
  } } }
}"""


async def test_nested_connections_page_each_parent(gql: Execute) -> None:
    result = await gql(NESTED)
    assert result.errors is None
    partners = {e["node"]["code"]: e["node"] for e in result.data["partners"]["edges"]}
    koica = partners["koica"]
    page = koica["projectsConnection"]
    assert page["totalCount"] == len(koica["projects"]) == 4
    titles = [e["node"]["title"] for e in page["edges"]]
    assert len(titles) == 2
    assert titles == sorted(titles, reverse=True)
    assert page["pageInfo"]["hasNextPage"] is True
    assert page["pageInfo"]["hasPreviousPage"] is False
    assert partners["moel"]["projectsConnection"]["totalCount"] == len(partners["moel"]["projects"])

    rest = await gql(NESTED, {"after": page["pageInfo"]["endCursor"]})
    assert rest.errors is None
    koica_rest = next(
        e["node"] for e in rest.data["partners"]["edges"] if e["node"]["code"] == "koica"
    )["projectsConnection"]
    seen = [e["node"]["code"] for e in page["edges"] + koica_rest["edges"]]
    assert sorted(seen) == sorted(p["code"] for p in koica["projects"])
    assert koica_rest["pageInfo"]["hasPreviousPage"] is True
    assert koica_rest["pageInfo"]["hasNextPage"] is False


async def test_nested_connections_cost_one_statement_per_level(
    conn: AsyncConnection, gql: Execute, statements: StatementCounter
) -> None:
    query = (
        "{ countries { projectsConnection(first: 3) { totalCount edges { node { code"
        " themes { projectsConnection(first: 2) { edges { node { code } } } } } } } } }"
    )
    assert (await gql(query)).errors is None
    before = await statements.counted()
    await add_synthetic_projects(conn, 60)
    await statements.clear()
    assert (await gql(query)).errors is None
    assert await statements.counted() == before
