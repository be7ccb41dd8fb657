"""Answers gzipped for clients that ask, and every answer says it varies by encoding."""

import httpx

LARGE = "{ projects(first: 50) { edges { node { code title summary } } } }"


async def test_an_answer_says_it_varies_by_encoding_whether_gzipped_or_not(
    client: httpx.AsyncClient,
) -> None:
    plain = await client.post(
        "/graphql", json={"query": LARGE}, headers={"accept-encoding": "identity"}
    )
    gzipped = await client.post(
        "/graphql", json={"query": LARGE}, headers={"accept-encoding": "gzip"}
    )
    assert "content-encoding" not in plain.headers
    assert gzipped.headers["content-encoding"] == "gzip"
    assert plain.json() == gzipped.json()
    assert int(plain.headers["content-length"]) == len(plain.content)
    for response in (plain, gzipped):
        assert "Accept-Encoding" in response.headers["vary"]
