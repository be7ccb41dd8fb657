"""Every mutation, without a key and with a revoked one: refused, and nothing written."""

import json
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_graphql import nodes
from hypothesis_graphql import strategies as gql
from sqlalchemy.ext.asyncio import AsyncConnection

from db import api_keys
from db.enums import KeyScope
from schema.build import schema
from tests.snapshot import table_digests

WELL_FORMED = {
    "Decimal": st.decimals(min_value=0, max_value=10**6, places=2).map(str).map(nodes.String),
    "Date": st.dates().map(str).map(nodes.String),
    "DateTime": st.datetimes().map(lambda d: d.isoformat()).map(nodes.String),
    "JSON": st.just(nodes.String("{}")),
    "Upload": st.just(nodes.Null),
}
MUTATION_TYPE = schema._schema.mutation_type
UPLOADS = {"importIati"}  # a file upload: sent as multipart below
NAMES = sorted(set(MUTATION_TYPE.fields) - UPLOADS) if MUTATION_TYPE is not None else []


def _one_document(name: str) -> str:
    found: list[str] = []

    @settings(
        max_examples=1,
        database=None,
        deadline=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    @given(gql.mutations(schema.as_str(), fields=(name,), custom_scalars=WELL_FORMED))
    def collect(document: str) -> None:
        found.append(document)

    collect()
    return found[0]


@pytest.fixture(scope="module")
def documents() -> dict[str, str]:
    return {name: _one_document(name) for name in NAMES}


def _codes(response: httpx.Response) -> set[str]:
    body: dict[str, Any] = response.json()
    return {str(e["extensions"]["code"]) for e in body.get("errors") or ()}


async def test_every_mutation_needs_a_live_key(
    conn: AsyncConnection, client: httpx.AsyncClient, documents: dict[str, str]
) -> None:
    assert len(documents) >= 20
    revoked = await api_keys.create_key(conn, "gone", KeyScope.ADMIN)
    await api_keys.revoke_key(conn, "gone")
    before = await table_digests(conn)
    for name, document in documents.items():
        anonymous = await client.post("/graphql", json={"query": document})
        assert _codes(anonymous) == {"UNAUTHENTICATED"}, (name, anonymous.json())
        with_revoked = await client.post(
            "/graphql", json={"query": document}, headers={"Authorization": f"Bearer {revoked}"}
        )
        assert _codes(with_revoked) == {"UNAUTHENTICATED"}, (name, with_revoked.json())
        assert "revoked" in with_revoked.json()["errors"][0]["message"]
    assert await table_digests(conn) == before


async def test_an_upload_needs_a_live_key_too(
    conn: AsyncConnection, client: httpx.AsyncClient
) -> None:
    revoked = await api_keys.create_key(conn, "gone", KeyScope.ADMIN)
    await api_keys.revoke_key(conn, "gone")
    operations = {
        "query": "mutation ($f: Upload!) { importIati(file: $f) { created } }",
        "variables": {"f": None},
    }
    for headers in ({}, {"Authorization": f"Bearer {revoked}"}):
        response = await client.post(
            "/graphql",
            data={"operations": json.dumps(operations), "map": json.dumps({"0": ["variables.f"]})},
            files={"0": ("a.xml", b"<iati-activities/>", "application/xml")},
            headers=headers,
        )
        assert _codes(response) == {"UNAUTHENTICATED"}
