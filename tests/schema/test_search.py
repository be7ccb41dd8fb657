"""What a ``search`` costs PostgreSQL: the text parsed once, whatever plan it runs under.

asyncpg prepares every statement, and after five runs PostgreSQL may keep a generic plan,
where nothing is constant-folded: a ``websearch_to_tsquery($n)`` at each use was then parsed
again for every matching row's rank (Q6 took twice its floor). Both paths are checked under
the generic plan of the very statement they send.
"""

import asyncio
from typing import Any

import pytest
from asyncpg.connection import LoggedQuery
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncConnection

from schema.build import schema
from schema.context import Context
from service.settings import Settings

Q6 = """query Q6($text: String!) {
  search(query: $text, first: 20) {
    rank snippet
    node { __typename ... on Project { code } ... on Outcome { code } }
  }
}"""


def literal(value: Any) -> str:
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    assert isinstance(value, int | float), value
    return repr(value)


@pytest.mark.parametrize("compiled", [True, False], ids=["compiled", "resolvers"])
async def test_the_text_is_parsed_once_in_a_generic_plan(
    conn: AsyncConnection, compiled: bool
) -> None:
    driver = (await conn.get_raw_connection()).driver_connection
    assert driver is not None
    sent: list[tuple[str, tuple[Any, ...]]] = []

    def by_driver(record: LoggedQuery) -> None:  # the compiled path's statement
        sent.append((record.query, tuple(record.args)))

    def by_sqlalchemy(*args: Any) -> None:  # the resolvers' (prepared by SQLAlchemy)
        sent.append((args[2], tuple(args[3])))

    driver.add_query_logger(by_driver)
    event.listen(conn.sync_engine, "before_cursor_execute", by_sqlalchemy)
    try:
        context = Context(
            conn, Settings(_env_file=None, compiled_reads=compiled), commit_writes=False
        )
        result = await schema.execute(
            Q6, variable_values={"text": "cooperatives"}, context_value=context
        )
        await asyncio.sleep(0)  # the driver calls its loggers soon after, not at once
    finally:
        event.remove(conn.sync_engine, "before_cursor_execute", by_sqlalchemy)
        driver.remove_query_logger(by_driver)
    assert result.errors is None
    assert result.data is not None
    assert result.data["search"], "the built-in dataset mentions cooperatives"
    ((query, parameters),) = [(sql, args) for sql, args in sent if "websearch_to_tsquery" in sql]

    await driver.execute("SET plan_cache_mode = force_generic_plan")
    await driver.execute(f"PREPARE generic_search AS {query}")
    try:
        arguments = ", ".join(literal(value) for value in parameters)
        plan = "\n".join(
            row[0]
            for row in await driver.fetch(f"EXPLAIN (VERBOSE) EXECUTE generic_search({arguments})")
        )
    finally:
        await driver.execute("DEALLOCATE generic_search; RESET plan_cache_mode")
    assert plan.count("websearch_to_tsquery") == 1, plan
