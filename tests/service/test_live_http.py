"""Live updates over every transport: WebSocket text frames and origins, graphql-sse and
multipart HTTP with the same ``since``, buffer limit, key rechecks and per-key caps."""

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest
import websockets

from db import api_keys, writes
from db import queries as q
from db.engine import create_engine
from db.enums import KeyScope
from service.settings import Settings
from tests.service.test_live import CHANGES, PROJECT_ID, _key, _update_title, serving

SSE = "text/event-stream"
MULTIPART = 'multipart/mixed;boundary="graphql";subscriptionSpec=1.0,application/json'


@pytest.fixture
def settings() -> Settings:
    return Settings(
        _env_file=None, key_recheck_seconds=0.5, cors_origins=["https://partner.example"]
    )


class Stream:
    """The events of one subscription over HTTP, as payloads (``{"data"…}``/``{"errors"…}``)."""

    def __init__(self, response: httpx.Response, accept: str) -> None:
        self.response = response
        self.accept = accept
        self.chunks = response.aiter_text()
        self.buffer = ""

    async def next(self, wait: float = 10) -> dict[str, Any] | None:
        """The next payload; ``None`` once the stream completes."""
        return await asyncio.wait_for(self._next(), wait)

    async def _next(self) -> dict[str, Any] | None:
        while True:
            payload = self._take()
            if payload is not None:
                return payload if payload != {"complete": True} else None
            try:
                self.buffer += await anext(self.chunks)
            except StopAsyncIteration:
                return None

    def _take(self) -> dict[str, Any] | None:
        if self.accept == SSE:
            while "\r\n\r\n" in self.buffer:
                event, self.buffer = self.buffer.split("\r\n\r\n", 1)
                fields = dict(line.split(": ", 1) for line in event.split("\r\n") if ": " in line)
                if fields.get("event") == "next":
                    return dict(json.loads(fields["data"]))
                if fields.get("event") == "complete":
                    return {"complete": True}
            return None
        while "\r\n--graphql" in self.buffer:
            part, self.buffer = self.buffer.split("\r\n--graphql", 1)
            if part.startswith("--"):
                return {"complete": True}
            _, _, body = part.partition("\r\n\r\n")
            if body.strip() and (message := json.loads(body)) != {}:
                return dict(message["payload"])
        if self.buffer.startswith("--"):
            return {"complete": True}
        return None


@asynccontextmanager
async def subscribed(
    address: str, accept: str, key: str | None, query: str, variables: Any = None
) -> AsyncIterator[Stream]:
    headers = {"Accept": accept, **({"Authorization": f"Bearer {key}"} if key else {})}
    body = {"query": query, "variables": variables or {}}
    async with (
        httpx.AsyncClient(base_url=f"http://{address}", timeout=30) as client,
        client.stream("POST", "/graphql", json=body, headers=headers) as response,
    ):
        assert response.status_code == 200
        assert response.headers["content-type"].startswith(accept.split(";")[0].split(",")[0])
        yield Stream(response, accept)


TRANSPORTS = pytest.mark.parametrize("accept", [SSE, MULTIPART], ids=["sse", "multipart"])


@TRANSPORTS
async def test_a_change_reaches_an_http_subscriber_and_since_resumes(
    fresh_database_url: str, settings: Settings, accept: str
) -> None:
    admin = await _key(fresh_database_url, "admin", KeyScope.ADMIN)
    async with serving(fresh_database_url, settings) as a:
        async with subscribed(a, accept, admin, CHANGES) as stream:
            await asyncio.sleep(0.3)
            await _update_title(a, admin, "one")
            first = await stream.next()
        assert first is not None
        seen = first["data"]["changes"]["position"]
        assert first["data"]["changes"]["after"] == {"title": "one"}
        for title in ("two", "three"):
            await _update_title(a, admin, title)
        async with subscribed(a, accept, admin, CHANGES, {"since": seen}) as stream:
            missed = [await stream.next(), await stream.next()]
    assert [m["data"]["changes"]["after"]["title"] for m in missed if m] == ["two", "three"]


@TRANSPORTS
async def test_http_subscriptions_keep_the_key_rules(
    fresh_database_url: str, settings: Settings, accept: str
) -> None:
    capped = Settings(_env_file=None, key_recheck_seconds=0.5, max_subscriptions_per_key=1)
    admin = await _key(fresh_database_url, "admin", KeyScope.ADMIN)
    engine = create_engine(fresh_database_url)
    try:
        async with serving(fresh_database_url, capped) as a:
            async with subscribed(a, accept, None, CHANGES) as anonymous:
                refused = await anonymous.next()
            assert refused is not None
            assert refused["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
            async with subscribed(a, accept, admin, CHANGES) as first:
                await asyncio.sleep(0.3)
                async with subscribed(a, accept, admin, CHANGES) as second:
                    over = await second.next()
                assert over is not None
                assert over["errors"][0]["extensions"] == {
                    "code": "TOO_MANY_SUBSCRIPTIONS",
                    "limit": 1,
                }
                async with engine.begin() as conn:
                    await api_keys.revoke_key(conn, "admin")
                revoked = await first.next(wait=5)
                assert revoked is not None
                assert revoked["errors"][0]["extensions"] == {
                    "code": "KEY_REVOKED",
                    "closeCode": 4403,
                }
                assert await first.next() is None  # and the stream completes
    finally:
        await engine.dispose()


@TRANSPORTS
async def test_an_http_subscriber_that_falls_behind_is_cut_off_with_the_reason(
    fresh_database_url: str, accept: str
) -> None:
    settings = Settings(_env_file=None, subscription_buffer=2)
    admin = await _key(fresh_database_url, "admin", KeyScope.ADMIN)
    engine = create_engine(fresh_database_url)
    try:
        async with (
            serving(fresh_database_url, settings) as a,
            subscribed(a, accept, admin, CHANGES.replace(", types: [PROJECT]", "")) as stream,
        ):
            await asyncio.sleep(0.3)
            async with engine.begin() as conn:
                for n in range(10):
                    await writes.update(conn, q.project, 1, 1 + n, {"title": f"t{n}"}, key_name="x")
            last = None
            while (payload := await stream.next()) is not None:
                last = payload
    finally:
        await engine.dispose()
    assert last is not None
    assert last["errors"][0]["extensions"] == {"code": "SLOW_CONSUMER", "closeCode": 4008}
    assert "Too slow" in last["errors"][0]["message"]


async def test_a_subscription_as_a_plain_request_names_the_transports(
    client: httpx.AsyncClient,
) -> None:
    query = f'subscription {{ project(id: "{PROJECT_ID}") {{ title }} }}'
    response = await client.post("/graphql", json={"query": query})
    assert response.status_code == 400
    [error] = response.json()["errors"]
    assert error["extensions"]["code"] == "BAD_REQUEST"
    assert "graphql-transport-ws" in error["message"]
    assert "text/event-stream" in error["message"]
    assert "multipart/mixed" in error["message"]


async def test_websocket_messages_are_text_frames_and_origins_are_checked(
    fresh_database_url: str, settings: Settings
) -> None:
    protocols = [websockets.Subprotocol("graphql-transport-ws")]
    async with serving(fresh_database_url, settings) as a:
        for origin in (websockets.Origin("https://partner.example"), None):
            async with websockets.connect(
                f"ws://{a}/graphql", subprotocols=protocols, origin=origin
            ) as ws:
                await ws.send(json.dumps({"type": "connection_init", "payload": {}}))
                ack = await asyncio.wait_for(ws.recv(), 10)
                assert isinstance(ack, str)  # a text frame: browsers refuse binary ones
                assert json.loads(ack)["type"] == "connection_ack"
        with pytest.raises(websockets.InvalidStatus) as refused:
            async with websockets.connect(
                f"ws://{a}/graphql",
                subprotocols=protocols,
                origin=websockets.Origin("https://elsewhere.example"),
            ):
                pass
    assert refused.value.response.status_code == 403
