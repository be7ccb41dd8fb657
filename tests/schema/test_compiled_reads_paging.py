"""Paging backward (``last`` / ``before``), and ``first`` with ``before`` or ``last``, on the
compiled path: the same JSON text as the resolvers, in one statement, under every ordering
(ties, nulls and descending keys included) and at the ends of a list."""

import json
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from tests.conftest import StatementCounter
from tests.schema.test_compiled_reads import both

ORDERS = [
    "",
    "{field: TITLE, direction: DESC}",
    "{field: START, direction: DESC}",
    "{field: BUDGET}",
    "{field: BUDGET, direction: DESC}, {field: TITLE}",
    "{field: STATUS}",
    "{field: STATUS, direction: DESC}, {field: END}, {field: CODE, direction: DESC}",
]
"""By code (the default), by a unique text backward, by nullable dates and amounts either
way, and by a status many projects share (ties broken by the id)."""

PAGE = """query Paged($first: Int, $last: Int, $after: String, $before: String) {
  projects(first: $first, last: $last, after: $after, before: $before, orderBy: [%s]) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { code } }
  }
}"""


async def compiled_page(
    conn: AsyncConnection, statements: StatementCounter, query: str, **variables: Any
) -> dict[str, Any]:
    """The page both paths answer (asserted equal), read in one statement."""
    answer, count = await both(conn, statements, query, variables)
    assert count == 1, variables
    parsed = json.loads(answer)
    assert parsed["errors"] == [], parsed["errors"]
    page: dict[str, Any] = parsed["data"]["projects"]
    return page


@pytest.mark.parametrize("order", ORDERS)
async def test_paging_backward_from_the_end_answers_the_same_page_after_page(
    conn: AsyncConnection, statements: StatementCounter, order: str
) -> None:
    query, before, codes = PAGE % order, None, list[str]()
    while True:
        page = await compiled_page(conn, statements, query, last=4, before=before)
        codes[:0] = [edge["node"]["code"] for edge in page["edges"]]
        if not page["pageInfo"]["hasPreviousPage"]:
            break
        assert page["pageInfo"]["hasNextPage"] is (before is not None)
        before = page["pageInfo"]["startCursor"]
    forward = await compiled_page(conn, statements, query, first=100)
    assert codes == [edge["node"]["code"] for edge in forward["edges"]]
    assert len(codes) == 17


@pytest.mark.parametrize("order", ORDERS)
async def test_every_mix_of_first_last_after_and_before_answers_the_same(
    conn: AsyncConnection, statements: StatementCounter, order: str
) -> None:
    query = PAGE % order
    everything = await compiled_page(conn, statements, query, first=100)
    cursors = [edge["cursor"] for edge in everything["edges"]]
    start, second, middle, last = cursors[0], cursors[1], cursors[8], cursors[-1]
    for variables in [
        {"last": 5},
        {"last": 100},  # more than the list holds
        {"last": 0},
        {"last": 3, "before": middle},
        {"last": 3, "before": second},  # fewer rows than asked before the cursor
        {"last": 3, "before": start},  # a cursor at the start: an empty page
        {"last": 3, "after": last},  # nothing after the end, paging backward
        {"last": 3, "after": middle},
        {"last": 20, "after": second},
        {"last": 2, "after": second, "before": middle},
        {"last": 20, "after": second, "before": middle},
        {"first": 2, "before": middle},
        {"first": 3, "before": start},
        {"first": 20, "after": second, "before": middle},
        {"first": 3, "after": last},  # a cursor at the end: an empty page
        {"first": 5, "last": 2},
        {"first": 2, "last": 5},
        {"first": 5, "last": 0},
        {"first": 0, "last": 3},
        {"first": 6, "last": 2, "after": middle},
        {"first": 6, "last": 6, "after": middle},
        {"first": 6, "last": 2, "after": second, "before": middle},
    ]:
        await compiled_page(conn, statements, query, **variables)


@pytest.mark.parametrize(
    "query",
    [
        # An empty list.
        '{ projects(filter: {search: "zzzqqq"}, last: 5) { totalCount edges { node { code } } '
        "pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }",
        # A filtered list counted with its page, backward and truncated.
        """{ projects(filter: {status: [ACTIVE, COMPLETED]}, last: 3,
                      orderBy: [{field: BUDGET, direction: DESC}]) {
          totalCount pageInfo { hasNextPage hasPreviousPage } edges { node { code } } } }""",
        """{ projects(filter: {status: [ACTIVE, COMPLETED]}, first: 4, last: 2) {
          totalCount pageInfo { hasNextPage hasPreviousPage endCursor }
          edges { node { code } } } }""",
        # The other compiled connections, and nested ones under a backward page.
        """{ partners(last: 4) { totalCount pageInfo { hasNextPage hasPreviousPage startCursor }
          edges { cursor node { code projectsConnection(first: 2) { totalCount
            edges { node { code } } } } } } }""",
        """{ partners(filter: {kinds: [DEVELOPMENT_AGENCY]}, first: 3, last: 1) {
          totalCount pageInfo { hasNextPage hasPreviousPage } edges { node { code } } } }""",
        """{ programmes(last: 2) { totalCount pageInfo { hasNextPage hasPreviousPage endCursor }
          edges { cursor node { code name } } } }""",
    ],
)
async def test_backward_pages_of_every_compiled_connection_answer_the_same(
    conn: AsyncConnection, statements: StatementCounter, query: str
) -> None:
    answer, count = await both(conn, statements, query)
    assert '"errors": []' in answer
    assert count == 1


async def test_backward_pages_of_partners_and_programmes_by_cursor_answer_the_same(
    conn: AsyncConnection, statements: StatementCounter
) -> None:
    for field in ("partners", "programmes"):
        query = f"""query($last: Int, $before: String) {{
          {field}(last: $last, before: $before) {{
            pageInfo {{ hasNextPage hasPreviousPage startCursor endCursor }}
            edges {{ cursor node {{ code }} }} }} }}"""
        answer, _ = await both(conn, statements, query, {"last": 2})
        start = json.loads(answer)["data"][field]["pageInfo"]["startCursor"]
        answer, count = await both(conn, statements, query, {"last": 3, "before": start})
        assert count == 1
        assert '"hasNextPage": true' in answer


@pytest.mark.parametrize(
    "query",
    [
        "{ projects(last: 101) { edges { node { code } } } }",
        "{ projects(last: -1) { edges { node { code } } } }",
        '{ projects(last: 2, before: "nonsense") { totalCount } }',
    ],
)
async def test_backward_pages_the_resolvers_refuse_are_refused_the_same(
    conn: AsyncConnection, statements: StatementCounter, query: str
) -> None:
    answer, _ = await both(conn, statements, query)
    assert json.loads(answer)["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


WALKED = """query Walked($after: String) {
  partners(filter: {codes: ["koica"]}) { edges { node {
    all: projectsConnection(first: 2, after: $after) { totalCount
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
      edges { cursor node { code } } }
    extending: projectsConnection(role: EXTENDING, first: 2) { totalCount
      pageInfo { hasNextPage } edges { node { code } } }
    backward: projectsConnection(orderBy: [{field: CODE, direction: DESC}], first: 4) {
      pageInfo { hasNextPage endCursor } edges { cursor node { code } } }
    filtered: projectsConnection(filter: {countries: ["VN"]}, first: 2) {
      totalCount edges { node { code } } } } } }
  projects(first: 3) { edges { node { code
    countries { projectsConnection(first: 2) { totalCount edges { node { code } } } }
    themes { projectsConnection(first: 2, after: $after) {
      pageInfo { hasNextPage hasPreviousPage } edges { node { code } } } }
    programmes { projectsConnection(first: 3) { edges { cursor node { code } } } } } } }
}"""


async def test_nested_pages_read_through_the_links_answer_the_same(
    conn: AsyncConnection, statements: StatementCounter
) -> None:
    """By code, a parent's projects are read through its links' index: a project the partner
    has two roles in is one row, and every page, cursor and flag is the resolvers'."""
    await conn.execute(
        sa.text(
            "INSERT INTO project_partner (project_id, partner_id, role) "
            "SELECT project_id, partner_id, 'EXTENDING' FROM project_partner "
            "WHERE partner_id = (SELECT id FROM partner WHERE code = 'koica') "
            "ON CONFLICT DO NOTHING"
        )
    )
    after, pages = None, 0
    while True:
        answer, count = await both(conn, statements, WALKED, {"after": after})
        assert count == 1
        parsed = json.loads(answer)
        assert parsed["errors"] == []
        [partner] = parsed["data"]["partners"]["edges"]
        page = partner["node"]["all"]
        codes = [edge["node"]["code"] for edge in page["edges"]]
        assert len(codes) == len(set(codes))
        pages += 1
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert pages >= 2  # a page after a cursor too
