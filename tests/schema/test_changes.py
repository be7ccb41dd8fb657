"""The ``changes`` query takes the subscription's arguments: ``types`` and ``since`` a
position, and a change answers its ``type`` in the same enum; the old ``recordTypes``,
``sinceTime`` and ``recordType`` stay for a release, deprecated."""

from db.enums import KeyScope
from schema.context import Principal
from tests.conftest import Execute

ADMIN = Principal("curator", KeyScope.ADMIN, None)
RENAME = """mutation ($v: Int!, $t: String!) { updateProject(input:
  {id: "UHJvamVjdDox", version: $v, title: $t}) { project { version } } }"""
CHANGES = """query ($types: [RecordType!], $since: Int) { changes(types: $types, since: $since)
  { edges { node { position type recordType after } } } }"""


async def _rename(gql: Execute, version: int, title: str) -> None:
    result = await gql(RENAME, {"v": version, "t": title}, key=ADMIN)
    assert result.errors is None, result.errors


async def test_types_and_since_a_position_as_in_the_subscription(gql: Execute) -> None:
    for version, title in enumerate(("one", "two", "three"), start=1):
        await _rename(gql, version, title)
    everything = await gql(CHANGES, {"types": ["PROJECT"]}, key=ADMIN)
    assert everything.errors is None
    nodes = [e["node"] for e in everything.data["changes"]["edges"]]
    assert [n["after"]["title"] for n in nodes][-3:] == ["one", "two", "three"]
    assert {(n["type"], n["recordType"]) for n in nodes} == {("PROJECT", "project")}
    since = nodes[-3]["position"]
    later = await gql(CHANGES, {"types": ["PROJECT"], "since": since}, key=ADMIN)
    titles = [e["node"]["after"]["title"] for e in later.data["changes"]["edges"]]
    assert titles == ["two", "three"]
    none = await gql(CHANGES, {"types": ["OUTCOME"], "since": since}, key=ADMIN)
    assert none.data["changes"]["edges"] == []


async def test_the_deprecated_record_types_refuse_what_names_no_table(gql: Execute) -> None:
    await _rename(gql, 1, "one")
    query = "query ($r: [String!]) { changes(recordTypes: $r) { edges { node { recordType } } } }"
    for names in (["project"], ["PROJECT"]):  # the table's name, or the enum's
        result = await gql(query, {"r": names}, key=ADMIN)
        assert result.errors is None
        assert result.data["changes"]["edges"]
    refused = await gql(query, {"r": ["projects"]}, key=ADMIN)
    [error] = refused.errors or []
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "argument": "recordTypes"}
    assert "PROJECT" in error["message"]
