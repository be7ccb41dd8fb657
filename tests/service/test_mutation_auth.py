"""Every mutation, without a key, with a revoked one and with another partner's: refused, and
nothing written."""

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
    @given(gql.mutations(schema._schema, fields=(name,), custom_scalars=WELL_FORMED))
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


ADMIN_ONLY = {
    "createPartner",
    "updatePartner",
    "deletePartner",
    "createProgramme",
    "updateProgramme",
    "deleteProgramme",
    "linkProgrammePartner",
    "unlinkProgrammePartner",
    "createContribution",
    "updateContribution",
    "deleteContribution",
}

PROJECT_OF_OTHERS = """{
  projects(first: 100) { edges { node {
    id code version partners { role partner { id code } }
    beneficiaryGroups { id version } outcomes { id version }
  } } }
  partners(first: 100) { edges { node { id code } } }
}"""


def _request(name: str, data: dict[str, Any]) -> dict[str, Any]:
    assert MUTATION_TYPE is not None
    input_type = MUTATION_TYPE.fields[name].args["input"].type
    return {
        "query": f"mutation($i: {input_type}) {{ {name}(input: $i) {{ __typename }} }}",
        "variables": {"i": data},
    }


MONEY_OF_OTHERS = """mutation($t: CreateTransactionInput!, $b: CreateBudgetInput!) {
  createTransaction(input: $t) { transaction { id version } }
  createBudget(input: $b) { budget { id version } }
}"""


def _money_inputs(project_id: str) -> dict[str, dict[str, Any]]:
    value = {"amount": "-10.5", "currency": "USD"}
    return {
        "t": {
            "projectId": project_id,
            "transactionType": "3",
            "transactionDate": "2024-05-01",
            "value": value,
        },
        "b": {
            "projectId": project_id,
            "periodStart": "2024-01-01",
            "periodEnd": "2024-12-31",
            "value": value,
        },
    }


def _scoped_requests(
    project: dict[str, Any], own_partner: str, money: dict[str, Any]
) -> dict[str, dict[str, Any]]:
    """A well-formed input for each mutation that writes a project, all aimed at ``project``:
    each would write (an admin key runs it), so a refusal is the permission check's doing."""
    group, outcome = project["beneficiaryGroups"][0], project["outcomes"][0]
    transaction = money["createTransaction"]["transaction"]
    budget = money["createBudget"]["budget"]
    new_money = _money_inputs(project["id"])
    link = project["partners"][0]
    other = {"partnerId": link["partner"]["id"], "role": link["role"]}
    inputs = {
        "createProject": {"code": "not-mine", "title": "Not mine", "partners": [other]},
        "updateProject": {"id": project["id"], "version": project["version"], "title": "x"},
        "linkProjectPartner": {
            "projectId": project["id"],
            "partnerId": own_partner,
            "role": "IMPLEMENTING",
        },
        "unlinkProjectPartner": {"projectId": project["id"], **other},
        "createBeneficiaryGroup": {
            "projectId": project["id"],
            "code": "not-mine",
            "description": "x",
            "categories": ["WORKERS"],
        },
        "updateBeneficiaryGroup": {**group, "description": "x"},
        "deleteBeneficiaryGroup": group,
        "createOutcome": {
            "projectId": project["id"],
            "code": "not-mine",
            "kind": "OUTPUT",
            "statement": "x",
        },
        "updateOutcome": {**outcome, "statement": "x"},
        "recordOutcomeProgress": {**outcome, "actual": {"value": "1"}},
        "deleteOutcome": outcome,
        "createTransaction": new_money["t"],
        "updateTransaction": {**transaction, "ref": "x"},
        "deleteTransaction": transaction,
        "createBudget": new_money["b"],
        "updateBudget": {**budget, "status": "2"},
        "deleteBudget": budget,
        "deleteProject": {"id": project["id"], "version": project["version"]},
    }
    return {name: _request(name, data) for name, data in inputs.items()}


async def test_another_partners_key_writes_nothing_anywhere(
    conn: AsyncConnection, client: httpx.AsyncClient, documents: dict[str, str]
) -> None:
    """A write key bound to KOICA, over every mutation: refused with FORBIDDEN, nothing written;
    the same requests with an admin key do write, so the refusals are not bad inputs."""
    koica = await api_keys.create_key(conn, "koica-writer", KeyScope.WRITE, "koica")
    admin = await api_keys.create_key(conn, "admin", KeyScope.ADMIN)
    data = (await client.post("/graphql", json={"query": PROJECT_OF_OTHERS})).json()["data"]
    partners = {e["node"]["code"]: e["node"]["id"] for e in data["partners"]["edges"]}
    project = next(
        node
        for node in (e["node"] for e in data["projects"]["edges"])
        if node["beneficiaryGroups"]
        and node["outcomes"]
        and node["partners"]
        and "koica" not in {p["partner"]["code"] for p in node["partners"]}
    )
    as_admin = {"Authorization": f"Bearer {admin}"}
    money = await client.post(
        "/graphql",
        json={"query": MONEY_OF_OTHERS, "variables": _money_inputs(project["id"])},
        headers=as_admin,
    )
    scoped = _scoped_requests(project, partners["koica"], money.json()["data"])
    assert set(scoped) | ADMIN_ONLY | UPLOADS == set(MUTATION_TYPE.fields if MUTATION_TYPE else ())

    before = await table_digests(conn)
    as_koica = {"Authorization": f"Bearer {koica}"}
    for name, body in scoped.items():
        response = await client.post("/graphql", json=body, headers=as_koica)
        assert _codes(response) == {"FORBIDDEN"}, (name, response.json())
    for name in sorted(ADMIN_ONLY):
        response = await client.post("/graphql", json={"query": documents[name]}, headers=as_koica)
        assert _codes(response) == {"FORBIDDEN"}, (name, response.json())
    assert await table_digests(conn) == before

    for name, body in scoped.items():
        written = await conn.begin_nested()
        response = await client.post(
            "/graphql", json=body, headers={"Authorization": f"Bearer {admin}"}
        )
        assert "errors" not in response.json(), (name, response.json())
        assert await table_digests(conn) != before, name
        await written.rollback()
