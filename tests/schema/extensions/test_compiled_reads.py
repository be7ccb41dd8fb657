"""A query whose statement is kept is answered by it before Strawberry's pipeline runs: the
same answer, one statement, the operation still counted; whatever the statement cannot
answer plainly goes through the pipeline as before."""

from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncConnection
from strawberry.relay import to_base64

from service.app import create_app
from service.settings import Settings
from tests.conftest import FixedConnection, StatementCounter

NODE = """query Lookup($id: ID!) {
  node(id: $id) { ... on Project { code title partners { role partner { code } } } }
}"""


async def first_project(conn: AsyncConnection) -> str:
    number = (await conn.exec_driver_sql("SELECT min(id) FROM project")).scalar_one()
    return to_base64("Project", number)


async def ask(client: httpx.AsyncClient, variables: dict[str, Any], **body: Any) -> Any:
    response = await client.post("/graphql", json={"query": NODE, "variables": variables, **body})
    assert response.status_code == 200
    return response.json()


async def test_a_known_query_is_answered_by_its_statement_alone(
    conn: AsyncConnection, client: httpx.AsyncClient, statements: StatementCounter
) -> None:
    variables = {"id": await first_project(conn)}
    first = await ask(client, variables)
    assert "errors" not in first
    assert first["data"]["node"]["code"]
    await statements.clear()
    again = await ask(client, variables)
    assert again == first
    assert await statements.counted() == 1
    named = await ask(client, variables, operationName="Lookup")
    assert named == first
    metrics = (await client.get("/metrics")).text
    assert 'coopgraph_requests_total{operation="Lookup",status="200"} 3.0' in metrics


async def test_what_the_statement_cannot_answer_takes_the_pipeline_each_time(
    conn: AsyncConnection, client: httpx.AsyncClient
) -> None:
    missing = {"id": to_base64("Project", 2_000_000_000)}
    answers = [await ask(client, missing) for _ in range(2)]
    assert answers[0] == answers[1]
    assert answers[0]["errors"][0]["extensions"]["code"] == "NOT_FOUND"


async def test_a_statement_kept_for_public_reads_is_not_used_where_reads_need_a_key(
    conn: AsyncConnection, client: httpx.AsyncClient
) -> None:
    variables = {"id": await first_project(conn)}
    assert "errors" not in await ask(client, variables)
    closed = create_app(
        Settings(_env_file=None, public_reads=False), connections=FixedConnection(conn)
    )
    transport = httpx.ASGITransport(app=closed)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as other:
        for _ in range(2):
            answer = await ask(other, variables)
            assert answer["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_request_fields_of_the_wrong_type_are_refused_by_the_pipeline(
    conn: AsyncConnection, client: httpx.AsyncClient
) -> None:
    variables = {"id": await first_project(conn)}
    await ask(client, variables)
    for name in ({"Lookup": 1}, ["Lookup"]):
        body = {"query": NODE, "variables": variables, "operationName": name}
        assert (await client.post("/graphql", json=body)).status_code == 400
