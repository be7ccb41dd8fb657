"""What only HTTP shows: status codes, caching headers, CORS, gzip, GraphiQL, health."""

from typing import Any

import httpx
import pytest

from service.app import create_app
from service.settings import Settings
from tests.conftest import FixedConnection

QUERY = "{ projects(first: 2) { totalCount edges { node { code title } } } }"


async def test_healthz(client: httpx.AsyncClient) -> None:
    response = await client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


async def test_readyz_reports_a_migrated_database(client: httpx.AsyncClient) -> None:
    response = await client.get("/readyz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ready"
    assert body["revision"] == body["expected_revision"]


async def test_readyz_is_503_when_the_database_is_unreachable(settings: Settings) -> None:
    app = create_app(settings, database_url="postgresql+asyncpg://nobody@127.0.0.1:1/none")
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            response = await client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["database"] == "down"


async def test_query_by_post(client: httpx.AsyncClient) -> None:
    response = await client.post("/graphql", json={"query": QUERY})
    assert response.status_code == 200
    assert response.json()["data"]["projects"]["totalCount"] >= 16


async def test_get_answers_carry_etag_and_revalidate(client: httpx.AsyncClient) -> None:
    first = await client.get("/graphql", params={"query": QUERY})
    assert first.status_code == 200
    assert first.headers["cache-control"] == "public, max-age=60"
    etag = first.headers["etag"]
    again = await client.get("/graphql", params={"query": QUERY}, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""


async def test_error_answers_are_not_cached(client: httpx.AsyncClient) -> None:
    response = await client.get(
        "/graphql", params={"query": "{ projects(first: 1000) { totalCount } }"}
    )
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert "etag" not in response.headers


async def test_post_answers_are_not_cached(client: httpx.AsyncClient) -> None:
    response = await client.post("/graphql", json={"query": QUERY})
    assert "etag" not in response.headers


async def test_large_answers_are_gzipped(client: httpx.AsyncClient) -> None:
    query = "{ projects(first: 100) { edges { node { title summary sources { excerpt } } } } }"
    response = await client.post(
        "/graphql", json={"query": query}, headers={"Accept-Encoding": "gzip"}
    )
    assert response.headers["content-encoding"] == "gzip"
    assert response.json()["data"]["projects"]["edges"]


async def test_graphiql_opens_with_the_koica_example(client: httpx.AsyncClient) -> None:
    response = await client.get("/graphql", headers={"Accept": "text/html"})
    assert response.status_code == 200
    assert "graphiql" in response.text.lower()
    assert "projectsConnection(role: FUNDING" in response.text
    # Built with the explorer and served from here: no script or style from a CDN.
    assert "unpkg" not in response.text
    assert "jsdelivr" not in response.text
    assert 'src="/assets/' in response.text


@pytest.mark.parametrize(
    ("origin", "allowed"), [("https://app.example.org", True), ("https://evil.example", False)]
)
async def test_cors_allows_only_listed_origins(conn: object, origin: str, allowed: bool) -> None:
    settings = Settings(_env_file=None, cors_origins=["https://app.example.org"])
    app = create_app(settings, connections=FixedConnection(conn))  # type: ignore[arg-type]
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        response = await client.options(
            "/graphql",
            headers={"Origin": origin, "Access-Control-Request-Method": "POST"},
        )
    assert (response.headers.get("access-control-allow-origin") == origin) is allowed


async def test_malformed_requests_get_4xx_not_500(client: httpx.AsyncClient) -> None:
    garbage = await client.post(
        "/graphql", content=b"{not json", headers={"Content-Type": "application/json"}
    )
    assert garbage.status_code == 400
    syntax = await client.post("/graphql", json={"query": "{ projects( }"})
    assert syntax.status_code == 200
    assert syntax.json()["errors"][0]["extensions"]["code"] == "GRAPHQL_PARSE_FAILED"
    unknown = await client.post("/graphql", json={"query": "{ nope }"})
    assert unknown.json()["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"


async def test_a_body_that_is_json_but_not_an_object_is_refused(
    client: httpx.AsyncClient,
) -> None:
    """Strawberry read the fields of any JSON body with ``.get``: a string, a number, true or
    null was a 500."""
    json_body = {"content-type": "application/json"}
    for body in (b'"text"', b"5", b"null", b"true"):
        response = await client.post("/graphql", content=body, headers=json_body)
        assert response.status_code == 400, body
        [error] = response.json()["errors"]
        assert error["extensions"]["code"] == "BAD_REQUEST"
        assert "JSON object" in error["message"]
    for operations in ('"5"', "5", "null"):
        response = await client.post(
            "/graphql", data={"operations": operations, "map": "{}"}, files={"0": ("a", b"x")}
        )
        assert response.status_code == 400, operations
    null_variables = await client.get("/graphql", params={"query": QUERY, "variables": "null"})
    assert null_variables.status_code == 200
    assert "errors" not in null_variables.json()


@pytest.mark.parametrize(
    ("request_args", "status", "code"),
    [
        (
            {
                "method": "POST",
                "content": b"{not json",
                "headers": {"content-type": "application/json"},
            },
            400,
            "BAD_REQUEST",
        ),
        ({"method": "POST", "json": {"variables": {}}}, 400, "BAD_REQUEST"),
        (
            {"method": "POST", "content": b"x", "headers": {"content-type": "text/csv"}},
            400,
            "BAD_REQUEST",
        ),
        ({"method": "GET", "params": {"query": QUERY, "variables": "nope"}}, 400, "BAD_REQUEST"),
    ],
)
async def test_a_refused_request_answers_in_the_graphql_error_shape(
    client: httpx.AsyncClient, request_args: dict[str, Any], status: int, code: str
) -> None:
    response = await client.request(url="/graphql", **request_args)
    assert response.status_code == status
    [error] = response.json()["errors"]
    assert error["extensions"]["code"] == code
    assert error["message"]


async def test_answers_to_keyed_requests_stay_out_of_shared_caches(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get(
        "/graphql", params={"query": QUERY}, headers={"Authorization": "Bearer cg_1_x"}
    )
    assert response.headers["cache-control"] == "private, max-age=60"
    assert "Authorization" in response.headers["vary"]
