"""Abusive and malformed requests over HTTP: each refused with its code, never a 500."""

import time
from collections.abc import AsyncIterator

import httpx
import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from db.engine import create_engine
from schema.error_codes import error_code
from service.app import create_app
from service.settings import Settings
from tests.conftest import FixedConnection


def _code(response: httpx.Response) -> str:
    return str(response.json()["errors"][0]["extensions"]["code"])


async def test_an_oversized_body_is_refused_before_it_is_read(client: httpx.AsyncClient) -> None:
    padding = "x" * 1_100_000
    response = await client.post("/graphql", json={"query": "{ __typename }", "pad": padding})
    assert response.status_code == 413
    assert _code(response) == "PAYLOAD_TOO_LARGE"


async def test_a_chunked_oversized_body_is_refused_too(client: httpx.AsyncClient) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        yield b'{"query": "{ __typename }", "pad": "'
        for _ in range(200):
            yield b"x" * 10_000
        yield b'"}'

    response = await client.post(
        "/graphql", content=chunks(), headers={"content-type": "application/json"}
    )
    assert response.status_code == 413


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b'{"query": "{ __typename }"', "application/json"),
        (b"query={ __typename }", "text/plain"),
        (b"", "application/json"),
    ],
)
async def test_malformed_requests_are_bad_requests(
    client: httpx.AsyncClient, body: bytes, content_type: str
) -> None:
    response = await client.post("/graphql", content=body, headers={"content-type": content_type})
    assert 400 <= response.status_code < 500
    assert _code(response) == "BAD_REQUEST"


@pytest.mark.parametrize(
    "search",
    ["'; DROP TABLE project; --", "nul\x00byte", "four bytes: 🌏 𠜎𠜱", "%_\\"],
)
async def test_search_strings_are_data(
    fresh_database_url: str, settings: Settings, search: str
) -> None:
    """On the service's own connections (as in production): a string PostgreSQL refuses
    fails its request alone, and the next request is served."""
    app = create_app(settings, database_url=fresh_database_url)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            response, again = await _search_then_count(client, search)
    assert response.status_code == 200
    body = response.json()
    if "\x00" in search:
        assert _code(response) == "BAD_USER_INPUT"
        assert "NUL" in body["errors"][0]["message"]
    else:
        assert body["data"]["projects"]["totalCount"] >= 0
    assert again.json()["data"]["projects"]["totalCount"] == 17


async def _search_then_count(
    client: httpx.AsyncClient, search: str
) -> tuple[httpx.Response, httpx.Response]:
    query = "query ($s: String!) { projects(filter: {search: $s}) { totalCount } }"
    response = await client.post("/graphql", json={"query": query, "variables": {"s": search}})
    again = await client.post("/graphql", json={"query": "{ projects { totalCount } }"})
    return response, again


async def test_every_answer_carries_a_request_id(client: httpx.AsyncClient) -> None:
    response = await client.get("/graphql", params={"query": "{ __typename }"})
    assert len(response.headers["x-request-id"]) == 32
    given = await client.get(
        "/graphql", params={"query": "{ __typename }"}, headers={"X-Request-ID": "trace-abc-123"}
    )
    assert given.headers["x-request-id"] == "trace-abc-123"


async def test_a_statement_over_the_timeout_is_cancelled_with_its_code(
    fresh_database_url: str,
) -> None:
    engine = create_engine(fresh_database_url, statement_timeout=0.05)
    try:
        async with engine.connect() as conn:
            with pytest.raises(sa.exc.DBAPIError) as cancelled:
                await conn.execute(sa.text("SELECT pg_sleep(1)"))
    finally:
        await engine.dispose()
    from graphql import GraphQLError

    assert error_code(GraphQLError("x", original_error=cancelled.value)) == "QUERY_TIMEOUT"


async def test_introspection_off_by_setting(conn: AsyncConnection, settings: Settings) -> None:
    closed = settings.model_copy(update={"introspection": False})
    app = create_app(closed, connections=FixedConnection(conn))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        response = await client.post(
            "/graphql", json={"query": "{ __schema { queryType { name } } }"}
        )
        normal = await client.post("/graphql", json={"query": "{ projects { totalCount } }"})
    assert response.json()["errors"]
    assert normal.json()["data"]["projects"]["totalCount"] == 17


async def test_with_the_database_down_requests_fail_fast_with_503(settings: Settings) -> None:
    app = create_app(settings, database_url="postgresql+asyncpg://nobody@127.0.0.1:1/none")
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            started = time.perf_counter()
            response = await client.post("/graphql", json={"query": "{ projects { totalCount } }"})
            took = time.perf_counter() - started
    assert response.status_code == 503
    assert response.headers["retry-after"] == "5"
    assert _code(response) == "SERVICE_UNAVAILABLE"
    assert took < 5
