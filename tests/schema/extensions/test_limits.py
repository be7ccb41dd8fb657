"""Query limits checked before execution, each refusal naming its limit; masked failures."""

from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncConnection

from db import queries
from schema.build import build_schema
from schema.context import Context
from schema.extensions.limits import QueryLimits
from service.settings import Settings
from tests.conftest import Execute


def _code(result: Any) -> str:
    assert result.errors, result.data
    return str(result.errors[0]["extensions"]["code"])


async def test_a_deeply_nested_query_is_refused(gql: Execute) -> None:
    nested = "code"
    for _ in range(8):
        nested = f"partners {{ partner {{ projects {{ {nested} }} }} }}"
    result = await gql(f"{{ projects(first: 1) {{ edges {{ node {{ {nested} }} }} }} }}")
    assert _code(result) == "QUERY_TOO_DEEP"
    assert result.data is None


async def test_a_thousand_aliases_are_refused(gql: Execute) -> None:
    aliases = " ".join(f"a{n}: countries {{ code }}" for n in range(1000))
    result = await gql(f"{{ {aliases} }}")
    assert _code(result) in ("TOO_MANY_ALIASES", "TOO_MANY_TOKENS")
    few = " ".join(f"a{n}: countries {{ code }}" for n in range(100))
    assert _code(await gql(f"{{ {few} }}")) == "TOO_MANY_ALIASES"


async def test_an_overlong_document_is_refused_before_parsing_ends(gql: Execute) -> None:
    fields = " ".join(["code"] * 6000)
    result = await gql(f"{{ countries {{ {fields} }} }}")
    assert _code(result) == "TOO_MANY_TOKENS"


async def test_a_query_that_could_fetch_millions_is_refused_with_its_cost(gql: Execute) -> None:
    query = """{ partners(first: 100) { edges { node {
        projectsConnection(first: 100) { edges { node {
          partners { partner { projectsConnection(first: 100) { edges { node { code } } } } }
        } } } } } } }"""
    result = await gql(query)
    assert _code(result) == "QUERY_TOO_COSTLY"
    extensions = result.errors[0]["extensions"]
    assert extensions["cost"] > extensions["limit"] == 1_000_000
    small = query.replace("first: 100", "first: 2")
    assert (await gql(small)).errors is None


async def test_a_variable_page_size_counts_as_the_largest_page(gql: Execute) -> None:
    query = """query ($n: Int) { partners(first: $n) { edges { node {
        projectsConnection(first: $n) { edges { node {
          partners { partner { projectsConnection(first: $n) { edges { node { code } } } } }
        } } } } } } }"""
    assert _code(await gql(query, {"n": 1})) == "QUERY_TOO_COSTLY"


async def test_the_example_query_is_within_the_limits(gql: Execute) -> None:
    from pathlib import Path

    example = Path(__file__).parents[3] / "schema" / "examples" / "koica_projects.graphql"
    assert (await gql(example.read_text(encoding="utf-8"))).errors is None


async def test_cyclic_fragments_are_refused(gql: Execute) -> None:
    query = """{ countries { ...A } }
        fragment A on Country { code ...B }
        fragment B on Country { name ...A }"""
    assert _code(await gql(query)) == "GRAPHQL_VALIDATION_FAILED"


async def test_introspection_can_be_switched_off(conn: AsyncConnection, settings: Settings) -> None:
    closed = build_schema(QueryLimits(introspection=False))
    context = Context(conn, settings)
    result = await closed.execute("{ __schema { types { name } } }", context_value=context)
    assert result.errors
    assert result.data is None
    open_result = await build_schema().execute("{ __typename }", context_value=context)
    assert open_result.errors is None


async def test_an_unexpected_failure_is_masked_and_names_the_request(
    conn: AsyncConnection, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def broken(*_: object, **__: object) -> None:
        raise RuntimeError("password=hunter2 in a connection string")

    monkeypatch.setattr(queries, "list_countries", broken)
    context = Context(conn, settings, request_id="req-12345678")
    result = await build_schema().execute("{ countries { code } }", context_value=context)
    assert result.errors is not None
    [error] = result.errors
    assert error.message == "Unexpected error."
    assert error.extensions == {"code": "INTERNAL_SERVER_ERROR", "requestId": "req-12345678"}
    assert "hunter2" not in str(error.formatted)
