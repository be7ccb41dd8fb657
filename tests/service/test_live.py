"""Live updates, end to end: real servers on a database that really commits, real WebSockets.

Two service instances share one database, as two replicas would; each listens for the
database's notifications itself.
"""

import asyncio
import importlib
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
import uvicorn
import websockets

from db import api_keys, writes
from db import queries as q
from db.dataset.loader import read_dataset, seed_dataset
from db.engine import create_engine
from db.enums import KeyScope
from db.migrate import upgrade_to_head
from service.app import create_app
from service.embedded import EmbeddedPostgres
from service.settings import Settings

PROJECT_ID = "UHJvamVjdDox"  # Project:1, tunisia-ict-jobs
CHANGES = (
    "subscription ($since: Int) { changes(since: $since, types: [PROJECT]) "
    "{ position recordType operation recordVersion after } }"
)


@asynccontextmanager
async def serving(url: str, settings: Settings) -> AsyncIterator[str]:
    """A service instance on a free port, as ``host:port``."""
    app = create_app(settings, database_url=url)
    config = uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning")
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    while not server.started:  # uvicorn offers no event for it  # noqa: ASYNC110
        await asyncio.sleep(0.05)
    port = server.servers[0].sockets[0].getsockname()[1]
    hub = app.state.change_hub
    await asyncio.wait_for(hub.listening.wait(), 10)
    try:
        yield f"127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task


class Live:
    """A graphql-transport-ws client."""

    def __init__(self, ws: Any) -> None:
        self.ws = ws

    async def subscribe(self, op: str, query: str, variables: dict[str, Any] | None = None) -> None:
        payload = {"query": query, "variables": variables or {}}
        await self.ws.send(json.dumps({"id": op, "type": "subscribe", "payload": payload}))

    async def next(self, wait: float = 10) -> dict[str, Any]:
        message: dict[str, Any] = json.loads(await asyncio.wait_for(self.ws.recv(), wait))
        return message

    async def data(self, wait: float = 10) -> Any:
        message = await self.next(wait)
        assert message["type"] == "next", message
        assert "errors" not in message["payload"], message
        return message["payload"]["data"]


@asynccontextmanager
async def live(address: str, key: str | None) -> AsyncIterator[Live]:
    async with websockets.connect(
        f"ws://{address}/graphql", subprotocols=[websockets.Subprotocol("graphql-transport-ws")]
    ) as ws:
        payload = {"Authorization": f"Bearer {key}"} if key else {}
        await ws.send(json.dumps({"type": "connection_init", "payload": payload}))
        ack = json.loads(await asyncio.wait_for(ws.recv(), 10))
        assert ack["type"] == "connection_ack"
        yield Live(ws)


async def _key(url: str, name: str, scope: KeyScope, partner: str | None = None) -> str:
    engine = create_engine(url)
    try:
        async with engine.begin() as conn:
            return await api_keys.create_key(conn, name, scope, partner)
    finally:
        await engine.dispose()


async def _update_title(address: str, key: str, title: str) -> None:
    async with httpx.AsyncClient(base_url=f"http://{address}") as client:
        read = await client.post(
            "/graphql",
            json={"query": f'{{ node(id: "{PROJECT_ID}") {{ ... on Project {{ version }} }} }}'},
        )
        version = read.json()["data"]["node"]["version"]
        response = await client.post(
            "/graphql",
            json={
                "query": "mutation ($v: Int!, $t: String!) { updateProject(input: "
                f'{{id: "{PROJECT_ID}", version: $v, title: $t}}) {{ project {{ version }} }} }}',
                "variables": {"v": version, "t": title},
            },
            headers={"Authorization": f"Bearer {key}"},
        )
        assert response.json().get("errors") is None, response.json()


@pytest.fixture
def settings() -> Settings:
    return Settings(_env_file=None, key_recheck_seconds=0.5)


async def test_a_change_through_one_replica_reaches_a_subscriber_of_the_other(
    fresh_database_url: str, settings: Settings
) -> None:
    admin = await _key(fresh_database_url, "admin", KeyScope.ADMIN)
    async with (
        serving(fresh_database_url, settings) as a,
        serving(fresh_database_url, settings) as b,
        live(a, admin) as subscriber,
    ):
        await subscriber.subscribe("1", CHANGES)
        await subscriber.subscribe(
            "2", f'subscription {{ project(id: "{PROJECT_ID}") {{ title version }} }}'
        )
        first_state = await subscriber.data()
        assert first_state["project"]["version"] == 1
        await _update_title(b, admin, "Renamed through B")
        received = [await subscriber.data(), await subscriber.data()]
    change = next(d["changes"] for d in received if "changes" in d)
    state = next(d["project"] for d in received if "project" in d)
    assert change["operation"] == "UPDATE"
    assert change["recordVersion"] == 2
    assert change["after"] == {"title": "Renamed through B"}
    assert state == {"title": "Renamed through B", "version": 2}


async def test_a_rolled_back_write_sends_nothing(
    fresh_database_url: str, settings: Settings
) -> None:
    admin = await _key(fresh_database_url, "admin", KeyScope.ADMIN)
    engine = create_engine(fresh_database_url)
    try:
        async with serving(fresh_database_url, settings) as a, live(a, admin) as subscriber:
            await subscriber.subscribe("1", CHANGES)
            async with engine.connect() as conn:
                transaction = await conn.begin()
                await writes.update(conn, q.project, 1, 1, {"title": "never"}, key_name="x")
                await transaction.rollback()
            await _update_title(a, admin, "committed")
            data = await subscriber.data()
    finally:
        await engine.dispose()
    assert data["changes"]["after"] == {"title": "committed"}


async def test_resuming_since_a_position_misses_nothing_and_repeats_nothing(
    fresh_database_url: str, settings: Settings
) -> None:
    admin = await _key(fresh_database_url, "admin", KeyScope.ADMIN)
    async with serving(fresh_database_url, settings) as a:
        async with live(a, admin) as subscriber:
            await subscriber.subscribe("1", CHANGES)
            await _update_title(a, admin, "one")
            seen = (await subscriber.data())["changes"]["position"]
        for title in ("two", "three", "four"):  # while nobody listens
            await _update_title(a, admin, title)
        async with live(a, admin) as subscriber:
            await subscriber.subscribe("1", CHANGES, {"since": seen})
            missed = [(await subscriber.data())["changes"] for _ in range(3)]
            await _update_title(a, admin, "five")
            fresh = (await subscriber.data())["changes"]
    assert [c["after"]["title"] for c in [*missed, fresh]] == ["two", "three", "four", "five"]
    positions = [c["position"] for c in [*missed, fresh]]
    assert positions == sorted(positions)
    assert positions[0] > seen


async def test_the_listener_reconnects_and_replays_what_it_missed(
    fresh_database_url: str, settings: Settings
) -> None:
    """Every connection of the service to the database is cut, as a database restart would;
    a change committed meanwhile still arrives, once the listener is back."""
    admin = await _key(fresh_database_url, "admin", KeyScope.ADMIN)
    engine = create_engine(fresh_database_url)
    try:
        async with serving(fresh_database_url, settings) as a, live(a, admin) as subscriber:
            await subscriber.subscribe("1", CHANGES)
            async with engine.connect() as conn:
                await conn.execute(
                    sa.text(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                    )
                )
                await conn.commit()
                await writes.update(conn, q.project, 1, 1, {"title": "while cut off"}, key_name="x")
                await conn.commit()
            data = await subscriber.data(wait=15)
    finally:
        await engine.dispose()
    assert data["changes"]["after"] == {"title": "while cut off"}


async def test_subscribing_needs_the_right_key(fresh_database_url: str, settings: Settings) -> None:
    async with serving(fresh_database_url, settings) as a:
        async with live(a, None) as anonymous:
            await anonymous.subscribe("1", CHANGES)
            message = await anonymous.next()
            assert message["type"] == "error"
            assert message["payload"][0]["extensions"]["code"] == "UNAUTHENTICATED"
        async with websockets.connect(
            f"ws://{a}/graphql", subprotocols=[websockets.Subprotocol("graphql-transport-ws")]
        ) as ws:
            init = {"type": "connection_init", "payload": {"Authorization": "Bearer cg_1_nope"}}
            await ws.send(json.dumps(init))
            with pytest.raises(websockets.ConnectionClosed) as closed:
                await asyncio.wait_for(ws.recv(), 10)
            assert closed.value.rcvd is not None
            assert closed.value.rcvd.code == 4403


async def test_a_partner_key_hears_only_of_its_own_projects(
    fresh_database_url: str, settings: Settings
) -> None:
    admin = await _key(fresh_database_url, "admin", KeyScope.ADMIN)
    moof = await _key(fresh_database_url, "moof", KeyScope.WRITE, "MOOF")
    async with serving(fresh_database_url, settings) as a, live(a, moof) as subscriber:
        await subscriber.subscribe("1", CHANGES)
        await _update_title(a, admin, "not MOOF's project")
        with pytest.raises(TimeoutError):
            await subscriber.next(wait=1.5)


async def test_a_revoked_keys_subscription_is_closed(
    fresh_database_url: str, settings: Settings
) -> None:
    admin = await _key(fresh_database_url, "admin", KeyScope.ADMIN)
    engine = create_engine(fresh_database_url)
    try:
        async with serving(fresh_database_url, settings) as a, live(a, admin) as subscriber:
            await subscriber.subscribe("1", CHANGES)
            async with engine.begin() as conn:
                await api_keys.revoke_key(conn, "admin")
            with pytest.raises(websockets.ConnectionClosed) as closed:
                await subscriber.next(wait=5)
    finally:
        await engine.dispose()
    assert closed.value.rcvd is not None
    assert (closed.value.rcvd.code, closed.value.rcvd.reason) == (4403, "The API key was revoked.")


async def test_a_subscriber_that_falls_behind_is_cut_off_with_the_reason(
    fresh_database_url: str,
) -> None:
    settings = Settings(_env_file=None, subscription_buffer=2)
    admin = await _key(fresh_database_url, "admin", KeyScope.ADMIN)
    engine = create_engine(fresh_database_url)
    try:
        async with serving(fresh_database_url, settings) as a, live(a, admin) as subscriber:
            await subscriber.subscribe("1", CHANGES.replace(", types: [PROJECT]", ""))
            async with engine.begin() as conn:  # one commit, many changes at once
                for n in range(10):
                    await writes.update(conn, q.project, 1, 1 + n, {"title": f"t{n}"}, key_name="x")
            with pytest.raises(websockets.ConnectionClosed) as closed:
                await _read_until_closed(subscriber)
    finally:
        await engine.dispose()
    assert closed.value.rcvd is not None
    assert closed.value.rcvd.code == 4008
    assert "Too slow" in closed.value.rcvd.reason


async def _read_until_closed(subscriber: Live) -> None:
    while True:
        await subscriber.next(wait=5)


async def test_a_key_has_a_cap_on_its_subscriptions(fresh_database_url: str) -> None:
    settings = Settings(_env_file=None, max_subscriptions_per_key=1)
    admin = await _key(fresh_database_url, "admin", KeyScope.ADMIN)
    async with serving(fresh_database_url, settings) as a, live(a, admin) as subscriber:
        await subscriber.subscribe("1", CHANGES)
        await subscriber.subscribe("2", CHANGES)
        message = await subscriber.next()
    assert message["id"] == "2"
    [error] = message["payload"]["errors"]
    assert error["extensions"] == {"code": "TOO_MANY_SUBSCRIPTIONS", "limit": 1}


async def test_a_database_restart_during_a_subscription(tmp_path: Path, settings: Settings) -> None:
    """A server of its own, restarted (``pg_ctl restart``) under a live subscription: the
    WebSocket stays open, and a change committed after the restart still arrives."""
    embedded = EmbeddedPostgres(tmp_path / "restarted")
    server: Any = embedded._server
    # pgserver's own pg_ctl runs it as the server's system user (imported once pgserver is
    # set up by EmbeddedPostgres).
    pg_ctl = importlib.import_module("pgserver._commands").pg_ctl
    url = embedded.ensure_database("coopgraph")
    engine = create_engine(url)
    try:
        async with engine.begin() as conn:
            await upgrade_to_head(conn)
            await seed_dataset(conn, read_dataset())
            admin = await api_keys.create_key(conn, "admin", KeyScope.ADMIN)
        async with serving(url, settings) as a, live(a, admin) as subscriber:
            await subscriber.subscribe("1", CHANGES)
            await asyncio.to_thread(
                pg_ctl,
                ["-w", "-m", "fast", "restart"],
                pgdata=server.pgdata,
                user=server.system_user,
            )
            await _update_title(a, admin, "after the restart")
            data = await subscriber.data(wait=20)
    finally:
        await engine.dispose()
        server.cleanup()
    assert data["changes"]["after"] == {"title": "after the restart"}
