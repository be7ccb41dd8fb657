"""Rate limits per key and per client address, and whose address a proxy may vouch for."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
from sqlalchemy.ext.asyncio import AsyncConnection

from service.app import create_app
from service.settings import Settings
from tests.conftest import FixedConnection

QUERY = {"query": "{ __typename }"}


@asynccontextmanager
async def limited(
    conn: AsyncConnection, settings: Settings, client: tuple[str, int], **limits: object
) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(settings.model_copy(update=limits), connections=FixedConnection(conn))
    transport = httpx.ASGITransport(app=app, client=client)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
        yield http


async def test_an_address_over_its_limit_is_told_when_to_retry(
    conn: AsyncConnection, settings: Settings
) -> None:
    async with limited(
        conn, settings, ("203.0.113.5", 4000), rate_limit_per_address="3/minute"
    ) as client:
        answers = [await client.post("/graphql", json=QUERY) for _ in range(4)]
        keyed = await client.post(
            "/graphql", json=QUERY, headers={"Authorization": "Bearer cg_1_anything"}
        )
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    refused = answers[-1]
    assert 0 < int(refused.headers["retry-after"]) <= 60
    assert refused.json()["errors"][0]["extensions"]["code"] == "RATE_LIMITED"
    # A request with a key counts against that key, not the address.
    assert keyed.status_code != 429


async def test_each_token_has_its_own_allowance(conn: AsyncConnection, settings: Settings) -> None:
    async with limited(conn, settings, ("203.0.113.6", 4000), rate_limit_per_key="2/minute") as c:
        first = [
            (await c.post("/graphql", json=QUERY, headers={"Authorization": "Bearer cg_1_a"}))
            for _ in range(3)
        ]
        other = await c.post("/graphql", json=QUERY, headers={"Authorization": "Bearer cg_1_b"})
    assert [r.status_code for r in first] == [200, 200, 429]
    assert other.status_code == 200


async def test_forwarded_addresses_count_only_behind_a_trusted_proxy(
    conn: AsyncConnection, settings: Settings
) -> None:
    async def burst(client: httpx.AsyncClient, forwarded: str) -> list[int]:
        headers = {"X-Forwarded-For": forwarded}
        return [
            (await client.post("/graphql", json=QUERY, headers=headers)).status_code
            for _ in range(2)
        ]

    async with limited(
        conn,
        settings,
        ("10.0.0.2", 4000),
        rate_limit_per_address="2/minute",
        trusted_proxies=["10.0.0.0/8"],
    ) as behind_proxy:
        assert await burst(behind_proxy, "198.51.100.1") == [200, 200]
        assert await burst(behind_proxy, "198.51.100.2, 10.0.0.9") == [200, 200]
        assert await burst(behind_proxy, "198.51.100.1") == [429, 429]
    async with limited(
        conn, settings, ("192.0.2.7", 4000), rate_limit_per_address="2/minute"
    ) as direct:
        # Not a trusted proxy: its header is ignored, the connection's address counts.
        assert await burst(direct, "198.51.100.3") == [200, 200]
        assert await burst(direct, "198.51.100.4") == [429, 429]
