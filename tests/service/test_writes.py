"""Writes over HTTP with real keys, and concurrent writers on a database that commits."""

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from db import api_keys
from db.dataset.loader import read_dataset, seed_dataset
from db.engine import create_engine
from db.enums import KeyScope
from service.app import create_app
from service.settings import Settings
from tests.conftest import FixedConnection

UPDATE = """mutation($input: UpdateProjectInput!) {
  updateProject(input: $input) { project { title version } }
}"""
PSEI = '{ projects(filter: {codes: ["psei-india"]}) { edges { node { id version title } } } }'


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def _psei(client: httpx.AsyncClient) -> dict[str, Any]:
    response = await client.post("/graphql", json={"query": PSEI})
    return dict(response.json()["data"]["projects"]["edges"][0]["node"])


async def test_a_key_sent_as_bearer_writes(
    conn: AsyncConnection, client: httpx.AsyncClient
) -> None:
    token = await api_keys.create_key(conn, "koica-integration", KeyScope.WRITE, "KOICA")
    psei = await _psei(client)
    variables = {"input": {"id": psei["id"], "version": psei["version"], "title": "New title"}}
    response = await client.post(
        "/graphql", json={"query": UPDATE, "variables": variables}, headers=_bearer(token)
    )
    assert response.json()["data"]["updateProject"]["project"]["title"] == "New title"


async def test_a_bad_or_revoked_key_is_unauthenticated(
    conn: AsyncConnection, client: httpx.AsyncClient
) -> None:
    token = await api_keys.create_key(conn, "old", KeyScope.ADMIN)
    assert await api_keys.revoke_key(conn, "old")
    psei = await _psei(client)
    variables = {"input": {"id": psei["id"], "version": psei["version"], "title": "x"}}
    for headers in (_bearer(token), _bearer(token[:-2] + "xx"), {"Authorization": "Basic a"}):
        response = await client.post(
            "/graphql", json={"query": UPDATE, "variables": variables}, headers=headers
        )
        [error] = response.json()["errors"]
        assert error["extensions"]["code"] == "UNAUTHENTICATED"
        assert "not valid or has been revoked" in error["message"]
    assert (await _psei(client))["title"] == psei["title"]


async def test_reads_can_be_made_private(conn: AsyncConnection) -> None:
    app = create_app(
        Settings(_env_file=None, public_reads=False), connections=FixedConnection(conn)
    )
    token = await api_keys.create_key(conn, "reader", KeyScope.WRITE)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        anonymous = await client.post("/graphql", json={"query": PSEI})
        assert anonymous.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
        keyed = await client.post("/graphql", json={"query": PSEI}, headers=_bearer(token))
        assert keyed.json()["data"]["projects"]["edges"]


async def test_a_mutation_by_get_is_refused(client: httpx.AsyncClient) -> None:
    response = await client.get(
        "/graphql",
        params={"query": 'mutation { deleteOutcome(input: {id: "x", version: 1}) { deletedId } }'},
    )
    assert response.status_code == 405  # GraphQL over HTTP: a mutation is sent by POST
    assert response.headers["allow"] == "POST"
    [error] = response.json()["errors"]
    assert error == {
        "message": "Mutations are sent by POST.",
        "extensions": {"code": "METHOD_NOT_ALLOWED"},
    }


@pytest.fixture
async def committing_client(
    fresh_database_url: str, settings: Settings
) -> AsyncIterator[tuple[httpx.AsyncClient, str]]:
    """A service on a database of its own where writes really commit, and an admin key."""
    engine = create_engine(fresh_database_url)
    async with engine.begin() as conn:
        token = await api_keys.create_key(conn, "admin", KeyScope.ADMIN)
    await engine.dispose()
    app = create_app(settings, database_url=fresh_database_url)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            yield client, token


async def test_concurrent_updates_of_one_project_never_lose_a_write(
    committing_client: tuple[httpx.AsyncClient, str], fresh_database_url: str
) -> None:
    client, token = committing_client
    psei = await _psei(client)

    async def update(n: int) -> dict[str, Any]:
        variables = {"input": {"id": psei["id"], "version": psei["version"], "title": f"T{n}"}}
        response = await client.post(
            "/graphql", json={"query": UPDATE, "variables": variables}, headers=_bearer(token)
        )
        return dict(response.json())

    answers = await asyncio.gather(*(update(n) for n in range(20)))
    landed = [
        a["data"]["updateProject"]["project"]["title"] for a in answers if not a.get("errors")
    ]
    conflicts = [a for a in answers if a.get("errors")]
    assert len(landed) == 1
    assert len(conflicts) == 19
    assert all(a["errors"][0]["extensions"]["code"] == "CONFLICT" for a in conflicts)

    engine = create_engine(fresh_database_url)
    async with engine.connect() as conn:
        row = (
            await conn.execute(
                sa.text("SELECT title, version FROM project WHERE code = 'psei-india'")
            )
        ).one()
        updates = await conn.scalar(
            sa.text(
                "SELECT count(*) FROM change WHERE record_type = 'project' AND operation = 'UPDATE'"
            )
        )
    await engine.dispose()
    assert (row.title, row.version) == (landed[0], psei["version"] + 1)
    assert updates == 1

    # Each writer that re-reads and retries lands in turn: none is lost.
    current = await _psei(client)
    for n in range(5):
        variables = {
            "input": {"id": current["id"], "version": current["version"], "title": f"R{n}"}
        }
        response = await client.post(
            "/graphql", json={"query": UPDATE, "variables": variables}, headers=_bearer(token)
        )
        current = {**current, **response.json()["data"]["updateProject"]["project"]}
    assert (await _psei(client))["version"] == psei["version"] + 6


async def test_an_api_edit_survives_a_new_seed_run(
    committing_client: tuple[httpx.AsyncClient, str], fresh_database_url: str
) -> None:
    client, token = committing_client
    psei = await _psei(client)
    variables = {"input": {"id": psei["id"], "version": psei["version"], "title": "Edited"}}
    response = await client.post(
        "/graphql", json={"query": UPDATE, "variables": variables}, headers=_bearer(token)
    )
    assert response.json()["data"]["updateProject"]["project"]["title"] == "Edited"
    engine = create_engine(fresh_database_url)
    async with engine.begin() as conn:
        await seed_dataset(conn, read_dataset())
    await engine.dispose()
    assert (await _psei(client))["title"] == "Edited"
