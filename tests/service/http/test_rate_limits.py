"""Rate limits per key and per client address, and whose address a proxy may vouch for."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
from sqlalchemy.ext.asyncio import AsyncConnection

from db import api_keys
from db.enums import KeyScope
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
    # A key not verified (this one does not exist) counts against the address.
    assert keyed.status_code == 429


async def test_made_up_tokens_spend_their_address_allowance(
    conn: AsyncConnection, settings: Settings
) -> None:
    async with limited(
        conn, settings, ("203.0.113.6", 4000), rate_limit_per_address="3/minute"
    ) as client:
        answers = [
            await client.post(
                "/graphql", json=QUERY, headers={"Authorization": f"Bearer cg_{n}_madeup{n:020d}"}
            )
            for n in range(4)
        ]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]


async def test_a_verified_key_has_its_own_allowance(
    conn: AsyncConnection, settings: Settings
) -> None:
    token = await api_keys.create_key(conn, "limited", KeyScope.ADMIN)
    keyed = {"Authorization": f"Bearer {token}"}
    async with limited(
        conn,
        settings,
        ("203.0.113.7", 4000),
        rate_limit_per_address="2/minute",
        rate_limit_per_key="3/minute",
    ) as client:
        # The first request verifies the key (and counts against the address).
        first = await client.post("/graphql", json=QUERY, headers=keyed)
        by_key = [(await client.post("/graphql", json=QUERY, headers=keyed)) for _ in range(4)]
        by_address = await client.post("/graphql", json=QUERY)
    assert first.status_code == 200
    assert [r.status_code for r in by_key] == [200, 200, 200, 429]
    assert by_address.status_code == 200


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
