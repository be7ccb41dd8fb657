"""Relay's refetching: ``node(id:)`` and ``nodes(ids:)`` for every type that is a ``Node``."""

from typing import Any

from graphql import GraphQLInterfaceType
from sqlalchemy.ext.asyncio import AsyncConnection
from strawberry.relay import to_base64

from db.enums import KeyScope
from iati.importing import IatiFile, import_files
from schema.build import schema
from schema.context import Principal
from tests.conftest import Execute
from tests.schema.types.conftest import READS_FILE

ADMIN = Principal("curator", KeyScope.ADMIN, None)

# Where a test finds one id of each type that implements Node.
ONE_ID_OF = {
    "Partner": "partners(first: 1) { edges { node { id } } }",
    "PartnerFact": "partners(first: 50) { edges { node { facts { id } } } }",
    "Programme": "programmes(first: 1) { edges { node { id } } }",
    "Project": "projects(first: 1) { edges { node { id } } }",
    "BeneficiaryGroup": "beneficiaryGroups(first: 1) { edges { node { id } } }",
    "Outcome": "outcomes(first: 1) { edges { node { id } } }",
    "Contribution": "contributions(first: 1) { edges { node { id } } }",
    "Agreement": "agreements(first: 1) { edges { node { id } } }",
    "Country": "countries { id }",
    "Theme": "themes { id }",
    "Change": "changes(first: 1) { edges { node { id } } }",
    "Transaction": "projects(first: 100) { edges { node { transactions { id } } } }",
    "Budget": "projects(first: 100) { edges { node { budgets { id } } } }",
}

RENAME = """mutation { updateProject(input: {id: "UHJvamVjdDox", version: 1, title: "Renamed"})
  { project { version } } }"""


def _first_id(value: Any) -> str | None:
    if isinstance(value, dict):
        if isinstance(value.get("id"), str):
            return str(value["id"])
        values = list(value.values())
    elif isinstance(value, list):
        values = value
    else:
        return None
    return next((found for v in values if (found := _first_id(v)) is not None), None)


async def test_one_id_of_every_node_type_refetches(conn: AsyncConnection, gql: Execute) -> None:
    assert (await gql(RENAME, key=ADMIN)).errors is None  # so there is a Change
    with READS_FILE.open("rb") as stream:  # so there are transactions and budgets
        await import_files(conn, [IatiFile(READS_FILE.name, stream)], key_name="test")
    node = schema._schema.get_type("Node")
    assert isinstance(node, GraphQLInterfaceType)
    implementing = {t.name for t in schema._schema.get_implementations(node).objects}
    assert implementing == set(ONE_ID_OF)
    for type_name, selection in ONE_ID_OF.items():
        listed = await gql(f"{{ {selection} }}", key=ADMIN)
        assert listed.errors is None, type_name
        node_id = _first_id(listed.data)
        assert node_id is not None, type_name
        found = await gql(
            "query($id: ID!) { node(id: $id) { __typename id } }", {"id": node_id}, key=ADMIN
        )
        assert found.errors is None, type_name
        assert found.data["node"] == {"__typename": type_name, "id": node_id}


async def test_an_unknown_id_is_null_with_not_found_and_the_rest_stands(gql: Execute) -> None:
    gone = to_base64("Project", 999999)
    result = await gql("query($id: ID!) { node(id: $id) { id } themes { slug } }", {"id": gone})
    assert result.data["node"] is None
    assert result.data["themes"]
    [error] = result.errors or []
    assert error["path"] == ["node"]
    assert error["extensions"] == {"code": "NOT_FOUND", "id": gone}


async def test_nodes_answers_in_order_with_nulls_where_nothing_is(gql: Execute) -> None:
    theme = (await gql("{ themes { id } }")).data["themes"][0]["id"]
    project, gone = to_base64("Project", 1), to_base64("Project", 999999)
    result = await gql(
        "query($ids: [ID!]!) { nodes(ids: $ids) { __typename id } }",
        {"ids": [project, gone, "junk", theme, project]},
    )
    assert [n and n["__typename"] for n in result.data["nodes"]] == [
        "Project",
        None,
        None,
        "Theme",
        "Project",
    ]
    codes = {tuple(e["path"]): e["extensions"]["code"] for e in result.errors or []}
    assert codes == {("nodes", 1): "NOT_FOUND", ("nodes", 2): "BAD_USER_INPUT"}


async def test_a_change_refetches_only_where_changes_shows_it(gql: Execute) -> None:
    assert (await gql(RENAME, key=ADMIN)).errors is None
    listed = await gql("{ changes(first: 1) { edges { node { id } } } }", key=ADMIN)
    change_id = listed.data["changes"]["edges"][0]["node"]["id"]
    query = "query($id: ID!) { node(id: $id) { id } }"
    anonymous = await gql(query, {"id": change_id})
    assert anonymous.data["node"] is None
    assert (anonymous.errors or [{}])[0]["extensions"]["code"] == "UNAUTHENTICATED"
    stranger = Principal("other", KeyScope.WRITE, 999999)
    hidden = await gql(query, {"id": change_id}, key=stranger)
    assert hidden.data["node"] is None
    assert (hidden.errors or [{}])[0]["extensions"]["code"] == "NOT_FOUND"
