"""Generated queries and mutations, valid ones against the schema, sent over HTTP: whatever
they ask, the answer is never a 500, never a trace, and every error has a code.

The examples are drawn deterministically (``derandomize``) so CI is repeatable; set
``COOPGRAPH_FUZZ_EXAMPLES`` for a longer run.
"""

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import graphql
import httpx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_graphql import nodes
from hypothesis_graphql import strategies as gql

from db import api_keys
from db.engine import create_engine
from db.enums import KeyScope
from schema.build import schema
from service.app import create_app
from service.settings import Settings

EXAMPLES = int(os.environ.get("COOPGRAPH_FUZZ_EXAMPLES", "40"))
SCALARS = {
    # Well-formed and malformed values alike: the server must refuse the bad ones cleanly.
    "Decimal": st.one_of(
        st.decimals(allow_nan=False).map(str),
        st.text(max_size=8),
        st.sampled_from(["NaN", "Infinity", "1e30", "9" * 30, "\u0665\u0660"]),
    ).map(nodes.String),
    "Date": st.one_of(st.dates().map(str), st.text(max_size=10)).map(nodes.String),
    "DateTime": st.one_of(st.datetimes().map(lambda d: d.isoformat()), st.text(max_size=10)).map(
        nodes.String
    ),
    "JSON": st.text(max_size=10).map(nodes.String),
    "Upload": st.just(nodes.Null),
    # A gateway's entity representations, well-formed or not.
    "_Any": st.one_of(
        st.builds(
            lambda type_name, node_id: nodes.Object(
                [
                    graphql.ObjectFieldNode(
                        name=graphql.NameNode(value="__typename"), value=nodes.String(type_name)
                    ),
                    graphql.ObjectFieldNode(
                        name=graphql.NameNode(value="id"), value=nodes.String(node_id)
                    ),
                ]
            ),
            st.sampled_from(["Project", "Partner", "Programme", "Country"]),
            st.sampled_from(["UHJvamVjdDox", "UGFydG5lcjox", "UHJvZ3JhbW1lOjE="]) | st.text(),
        ),
        st.text(max_size=8).map(nodes.String),
    ),
}


def _drawn(strategy: st.SearchStrategy[str], count: int) -> list[str]:
    found: list[str] = []

    @settings(
        max_examples=count,
        database=None,
        deadline=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    @given(strategy)
    def collect(document: str) -> None:
        found.append(document)

    collect()
    return found


def _check(response: httpx.Response, document: str) -> None:
    assert response.status_code < 500, (response.status_code, document, response.text[:500])
    body: dict[str, Any] = response.json()
    for error in body.get("errors") or ():
        assert error.get("extensions", {}).get("code"), (document, error)
        assert "Traceback" not in str(error), document
        assert error["extensions"]["code"] != "INTERNAL_SERVER_ERROR", (document, error)


@asynccontextmanager
async def _service(url: str) -> AsyncIterator[httpx.AsyncClient]:
    """The app on its own connections, as deployed: a request the database refuses fails
    alone, as it would in production (a shared test transaction would be poisoned)."""
    app = create_app(Settings(_env_file=None), database_url=url)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            yield client


async def test_generated_queries_never_fail_the_server(fresh_database_url: str) -> None:
    documents = _drawn(gql.queries(schema._schema, custom_scalars=SCALARS), EXAMPLES)
    async with _service(fresh_database_url) as client:
        for document in documents:
            _check(await client.post("/graphql", json={"query": document}), document)


async def test_generated_mutations_without_a_key_are_refused_cleanly(
    fresh_database_url: str,
) -> None:
    documents = _drawn(gql.mutations(schema._schema, custom_scalars=SCALARS), EXAMPLES // 2)
    async with _service(fresh_database_url) as client:
        for document in documents:
            _check(await client.post("/graphql", json={"query": document}), document)


async def test_generated_mutations_with_an_admin_key_never_fail_the_server(
    fresh_database_url: str,
) -> None:
    """With a key the inputs reach the edge checks and the database: odd texts, numbers and
    ids are refused with a code, never a 500."""
    engine = create_engine(fresh_database_url)
    try:
        async with engine.begin() as conn:
            key = await api_keys.create_key(conn, "fuzz-admin", KeyScope.ADMIN)
    finally:
        await engine.dispose()
    strategy = gql.mutations(schema._schema, custom_scalars=SCALARS)
    documents = _drawn(strategy, EXAMPLES // 2)
    headers = {"Authorization": f"Bearer {key}"}
    async with _service(fresh_database_url) as client:
        for document in documents:
            answer = await client.post("/graphql", json={"query": document}, headers=headers)
            _check(answer, document)
