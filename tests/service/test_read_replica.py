"""``DATABASE_READ_URL``: plain queries read the replica; a mutation, its key check, its
permission and version checks and its write run on the primary.

The "replica" here is a second database cloned from the same template and never written to:
exactly what a replica that has not yet caught up shows, so every answer says which database
it came from.
"""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import sqlalchemy as sa

from db import api_keys
from db.engine import create_engine
from db.enums import KeyScope
from service.app import create_app
from service.settings import Settings
from tests.postgres import DatabaseServer

PROJECT = "UHJvamVjdDox"  # Project:1
TITLE = f'{{ node(id: "{PROJECT}") {{ ... on Project {{ title version }} }} }}'
UPDATE = (
    "mutation ($v: Int!) { updateProject(input: "
    f'{{id: "{PROJECT}", version: $v, title: "Written"}}) {{ project {{ title version }} }} }}'
)


async def _run(url: str, statement: str) -> Any:
    engine = create_engine(url)
    try:
        async with engine.begin() as conn:
            result = await conn.execute(sa.text(statement))
            return result.scalar() if result.returns_rows else None
    finally:
        await engine.dispose()


@asynccontextmanager
async def _client(primary: str, replica: str) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(Settings(_env_file=None, DATABASE_READ_URL=replica), database_url=primary)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            yield client


async def test_queries_read_the_replica_and_mutations_the_primary(
    server: DatabaseServer, fresh_database_url: str
) -> None:
    primary = fresh_database_url
    await _run(primary, "UPDATE project SET title = 'On the primary', version = 2 WHERE id = 1")
    engine = create_engine(primary)
    async with engine.begin() as conn:
        key = await api_keys.create_key(conn, "admin", KeyScope.ADMIN)  # the primary's only
    await engine.dispose()
    async with server.clone() as replica, _client(primary, replica) as client:
        read = await client.post("/graphql", json={"query": TITLE})
        assert read.json()["data"]["node"]["version"] == 1
        assert read.json()["data"]["node"]["title"] != "On the primary"
        # The version the replica shows is stale: the primary's check refuses it.
        stale = await client.post(
            "/graphql",
            json={"query": UPDATE, "variables": {"v": 1}},
            headers={"Authorization": f"Bearer {key}"},
        )
        assert stale.json()["errors"][0]["extensions"] == {"code": "CONFLICT", "currentVersion": 2}
        written = await client.post(
            "/graphql",
            json={"query": UPDATE, "variables": {"v": 2}},
            headers={"Authorization": f"Bearer {key}"},
        )
        assert written.json() == {
            "data": {"updateProject": {"project": {"title": "Written", "version": 3}}}
        }
        after = await client.post("/graphql", json={"query": TITLE})
        assert after.json()["data"]["node"]["version"] == 1  # what replica lag looks like
        assert (await client.get("/readyz")).json()["replica"] == "up"
        assert await _run(replica, "SELECT count(*) FROM change") == 0
    assert await _run(primary, "SELECT title FROM project WHERE id = 1") == "Written"


async def test_a_key_revoked_on_the_primary_cannot_write_through_a_stale_replica(
    server: DatabaseServer, fresh_database_url: str
) -> None:
    async with server.clone() as replica:
        engine = create_engine(replica)
        async with engine.begin() as conn:
            key = await api_keys.create_key(conn, "admin", KeyScope.ADMIN)
            row = (await conn.execute(sa.select(api_keys.api_key))).mappings().one()
        await engine.dispose()
        # The primary holds the same key, revoked; the replica has not caught up.
        engine = create_engine(fresh_database_url)
        async with engine.begin() as conn:
            await conn.execute(sa.insert(api_keys.api_key).values(**row))
            await api_keys.revoke_key(conn, "admin")
        await engine.dispose()
        async with _client(fresh_database_url, replica) as client:
            refused = await client.post(
                "/graphql",
                json={"query": UPDATE, "variables": {"v": 1}},
                headers={"Authorization": f"Bearer {key}"},
            )
    assert refused.json()["errors"][0]["extensions"] == {"code": "UNAUTHENTICATED"}
    assert "revoked" in refused.json()["errors"][0]["message"]
    assert await _run(fresh_database_url, "SELECT count(*) FROM change") == 0
