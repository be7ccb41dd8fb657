"""GraphQL over HTTP's answer types and status codes, as graphql-http's audit checks them
(the full audit runs in tests/clients)."""

import httpx

GRAPHQL_RESPONSE = "application/graphql-response+json"


async def test_graphql_response_json_when_accepted(client: httpx.AsyncClient) -> None:
    accept = {"Accept": f"{GRAPHQL_RESPONSE}, application/json;q=0.9"}
    ok = await client.post("/graphql", json={"query": "{ __typename }"}, headers=accept)
    assert (ok.status_code, ok.headers["content-type"]) == (200, GRAPHQL_RESPONSE)
    assert ok.json() == {"data": {"__typename": "Query"}}
    for query in ("{", "{ nope }"):  # does not parse; does not validate
        refused = await client.post("/graphql", json={"query": query}, headers=accept)
        assert refused.status_code == 400
        assert refused.headers["content-type"] == GRAPHQL_RESPONSE
        assert "data" not in refused.json()
        assert refused.json()["errors"]
    bad_variable = await client.post(
        "/graphql",
        json={
            "query": "query ($n: Int) { projects(first: $n) { totalCount } }",
            "variables": {"n": "x"},
        },
        headers=accept,
    )
    assert bad_variable.status_code == 400


async def test_plain_json_keeps_200_for_refused_documents(client: httpx.AsyncClient) -> None:
    refused = await client.post("/graphql", json={"query": "{ nope }"})
    assert (refused.status_code, refused.headers["content-type"]) == (200, "application/json")


async def test_a_field_error_is_still_200_with_data(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/graphql",
        json={"query": '{ node(id: "UHJvamVjdDo5OTk5OTk=") { id } }'},
        headers={"Accept": GRAPHQL_RESPONSE},
    )
    assert response.status_code == 200
    assert response.json()["data"] == {"node": None}


async def test_a_mutation_by_get_is_405_with_allow(client: httpx.AsyncClient) -> None:
    response = await client.get("/graphql", params={"query": "mutation { __typename }"})
    assert response.status_code == 405
    assert response.headers["allow"] == "POST"
    assert response.json()["errors"][0]["extensions"]["code"] == "METHOD_NOT_ALLOWED"


async def test_head(client: httpx.AsyncClient) -> None:
    response = await client.head("/graphql")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
