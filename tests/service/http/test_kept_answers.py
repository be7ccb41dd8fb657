"""A kept statement answers an anonymous POST beside Strawberry's view: the same answer,
status and headers as the view gives, and everything the view must see still goes to it."""

from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncConnection
from strawberry.relay import to_base64

from schema.extensions import compiled_reads
from service.http import kept_answers
from tests.conftest import StatementCounter

NODE = """query Lookup($id: ID!) {
  node(id: $id) { ... on Project { code title partners { role partner { code } } } }
}"""

_COMPARED_HEADERS = ("content-type", "content-length", "vary", "content-encoding")


@pytest.fixture
def kept(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The operations the kept path answered."""
    answered: list[str] = []
    read = compiled_reads.read_kept

    async def counted(rendered: Any, fetch: Any) -> Any:
        data = await read(rendered, fetch)
        if data is not None:
            answered.append(rendered.operation)
        return data

    monkeypatch.setattr(kept_answers, "read_kept", counted)
    return answered


async def _project(conn: AsyncConnection) -> str:
    number = (await conn.exec_driver_sql("SELECT min(id) FROM project")).scalar_one()
    return to_base64("Project", number)


def _headers(response: httpx.Response) -> dict[str, str | None]:
    return {name: response.headers.get(name) for name in _COMPARED_HEADERS}


@pytest.mark.parametrize(
    "accept",
    [None, "application/json", "application/graphql-response+json", "*/*"],
)
async def test_the_kept_answer_is_the_views_answer(
    conn: AsyncConnection,
    client: httpx.AsyncClient,
    kept: list[str],
    statements: StatementCounter,
    accept: str | None,
) -> None:
    # A text of its own: statements are kept per text for the whole process.
    body = {"query": f"{NODE} # {accept}", "variables": {"id": await _project(conn)}}
    headers = {"accept": accept} if accept else {}
    first = await client.post("/graphql", json=body, headers=headers)
    assert kept == []
    await statements.clear()
    again = await client.post("/graphql", json=body, headers=headers)
    assert kept == ["Lookup"]
    assert await statements.counted() == 1
    assert again.status_code == first.status_code == 200
    assert again.json() == first.json()
    assert "errors" not in again.json()
    assert _headers(again) == _headers(first)
    assert again.headers["x-request-id"]
    assert again.headers["server-timing"].startswith("app;")
    metrics = (await client.get("/metrics")).text
    assert 'coopgraph_requests_total{operation="Lookup",status="200"} 2.0' in metrics


async def test_a_large_kept_answer_is_compressed_as_the_views(
    conn: AsyncConnection, client: httpx.AsyncClient, kept: list[str]
) -> None:
    query = "{ projects(first: 50) { edges { node { code title summary } } } } # compressed"
    gzip = {"accept-encoding": "gzip"}
    first = await client.post("/graphql", json={"query": query}, headers=gzip)
    again = await client.post("/graphql", json={"query": query}, headers=gzip)
    assert kept == ["anonymous"]
    assert again.headers["content-encoding"] == first.headers["content-encoding"] == "gzip"
    assert again.json() == first.json()


@pytest.mark.parametrize(
    ("extra", "headers"),
    [
        ({}, {"authorization": "Bearer not-a-key"}),
        ({"extensions": {"persistedQuery": {"version": 1, "sha256Hash": "0" * 64}}}, {}),
        ({"operationName": ["Lookup"]}, {}),
        ({"unknown": 1}, {}),
    ],
    ids=["a key", "a persisted-query hash", "a bad operation name", "another field"],
)
async def test_what_the_view_must_see_goes_to_the_view(
    conn: AsyncConnection,
    client: httpx.AsyncClient,
    kept: list[str],
    extra: dict[str, Any],
    headers: dict[str, str],
) -> None:
    body = {"query": NODE, "variables": {"id": await _project(conn)}}
    await client.post("/graphql", json=body)
    kept.clear()
    response = await client.post("/graphql", json={**body, **extra}, headers=headers)
    assert kept == []
    answer = response.json()
    assert answer.get("errors") or answer.get("data", {}).get("node")


async def test_a_missing_node_and_bad_bodies_are_the_views_to_answer(
    conn: AsyncConnection, client: httpx.AsyncClient, kept: list[str]
) -> None:
    missing = {
        "query": f"{NODE} # missing",
        "variables": {"id": to_base64("Project", 2_000_000_000)},
    }
    answers = [(await client.post("/graphql", json=missing)).json() for _ in range(2)]
    assert answers[0] == answers[1]
    assert answers[0]["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    for content in (b"[1, 2", b'"just text"', b"\xff"):
        response = await client.post(
            "/graphql", content=content, headers={"content-type": "application/json"}
        )
        assert response.status_code == 400
        assert response.json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST"
    assert kept == []
