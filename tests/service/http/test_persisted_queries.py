"""Automatic persisted queries, and the allow-list mode where only registered operations run."""

from pathlib import Path
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncConnection

from service.app import create_app
from service.http.persisted_queries import sha256
from service.settings import Settings
from tests.conftest import FixedConnection

QUERY = "{ projects { totalCount } }"
EXAMPLE = Path(__file__).parents[3] / "schema" / "examples" / "koica_projects.graphql"


def _persisted(document_hash: str) -> dict[str, Any]:
    return {"persistedQuery": {"version": 1, "sha256Hash": document_hash}}


async def test_a_query_runs_by_hash_once_the_server_has_seen_it(
    client: httpx.AsyncClient,
) -> None:
    by_hash = {"extensions": _persisted(sha256(QUERY))}
    unknown = await client.post("/graphql", json=by_hash)
    assert unknown.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"
    assert unknown.json()["errors"][0]["message"] == "PersistedQueryNotFound"
    registered = await client.post("/graphql", json={"query": QUERY, **by_hash})
    assert registered.json()["data"]["projects"]["totalCount"] == 17
    again = await client.post("/graphql", json=by_hash)
    assert again.json()["data"]["projects"]["totalCount"] == 17


async def test_a_hash_that_does_not_match_its_query_is_refused(client: httpx.AsyncClient) -> None:
    wrong = {"query": QUERY, "extensions": _persisted(sha256("{ other }"))}
    response = await client.post("/graphql", json=wrong)
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST"


async def test_allow_list_mode_runs_only_registered_operations(
    conn: AsyncConnection, settings: Settings
) -> None:
    strict = settings.model_copy(update={"persisted_queries_only": True})
    app = create_app(strict, connections=FixedConnection(conn))
    transport = httpx.ASGITransport(app=app)
    example = EXAMPLE.read_text(encoding="utf-8")
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        ad_hoc = await client.post("/graphql", json={"query": QUERY})
        by_hash = await client.post("/graphql", json={"extensions": _persisted(sha256(example))})
        in_full = await client.post("/graphql", json={"query": example})
        introspection = await client.post(
            "/graphql", json={"query": "{ __schema { types { name } } }"}
        )
        ide = await client.get("/graphql", headers={"Accept": "text/html"})
    assert ad_hoc.json()["errors"][0]["extensions"]["code"] == "OPERATION_NOT_ALLOWED"
    assert "partners" in by_hash.json()["data"]
    assert "partners" in in_full.json()["data"]
    assert introspection.json()["errors"][0]["extensions"]["code"] == "OPERATION_NOT_ALLOWED"
    assert "graphiql" not in ide.text.lower()
