"""Bodies no JSON client sends: odd bytes, deep or huge variables. Each is a 400
``BAD_REQUEST`` within the server bound, never a 500 nor a false "database down"."""

import json

import pytest

from service.http.request_json import MAX_JSON_DEPTH, MAX_JSON_VALUES
from tests.hostile.conftest import Service, refused

QUERY = "query($codes: [String!]) { projects(filter: {codes: $codes}) { totalCount } }"


def _nested(depth: int) -> str:
    return "[" * depth + "]" * depth


ODD_BODIES = {
    "invalid UTF-8": b'{"query": "{ __typename }", "variables": {"x": "\xff\xfe"}}',
    "truncated UTF-8": b'{"query": "{ __typename \xe2\x82 }"}',
    "lone surrogate": b'{"query": "{ projects(filter: {search: \\"\\ud800\\"}) { totalCount } }"}',
    "lone surrogate in a variable": json.dumps(
        {"query": QUERY, "variables": {"codes": ["\\ud800"]}}
    )
    .replace("\\\\ud800", "\\ud800")
    .encode(),
    "variables nested 1,000 deep": (
        '{"query": "{ __typename }", "variables": {"x": ' + _nested(1000) + "}}"
    ).encode(),
    "variables nested past the bound": (
        '{"query": "{ __typename }", "variables": {"x": ' + _nested(MAX_JSON_DEPTH + 1) + "}}"
    ).encode(),
    "NaN literal": b'{"query": "{ __typename }", "variables": {"x": NaN}}',
    "not JSON": b"\x00\x01\x02",
}


@pytest.mark.parametrize("body", ODD_BODIES.values(), ids=ODD_BODIES.keys())
async def test_odd_bodies_are_refused(service: Service, body: bytes) -> None:
    before = await service.writes()
    answer = await service.post(body)
    assert answer.status_code == 400, answer.text
    refused(answer, "BAD_REQUEST")
    assert await service.writes() == before


@pytest.mark.parametrize("count", [MAX_JSON_VALUES + 1, 32_768, 40_000])
async def test_a_filter_list_past_the_bound_is_refused_not_a_database_failure(
    service: Service, count: int
) -> None:
    answer = await service.post({"query": QUERY, "variables": {"codes": ["x"] * count}})
    # Over the body limit (100 kB here) it is a 413; under it, over the value bound, a 400.
    assert answer.status_code == (400 if count == MAX_JSON_VALUES + 1 else 413), answer.text
    refused(answer, "BAD_REQUEST", "PAYLOAD_TOO_LARGE")


async def test_a_filter_list_within_the_bound_answers(service: Service) -> None:
    codes = [f"c{n}" for n in range(5_000)]
    answer = await service.post({"query": QUERY, "variables": {"codes": codes}})
    assert answer.status_code == 200, answer.text
    assert answer.json() == {"data": {"projects": {"totalCount": 0}}}


async def test_a_get_request_with_deep_variables_is_refused(service: Service) -> None:
    answer = await service.http.get(
        "/graphql", params={"query": "{ __typename }", "variables": '{"x": ' + _nested(500) + "}"}
    )
    assert answer.status_code == 400
    refused(answer, "BAD_REQUEST")
