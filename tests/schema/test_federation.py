"""The schema as an Apollo Federation 2 subgraph: what a gateway asks of it."""

from sqlalchemy.ext.asyncio import AsyncConnection

from tests.conftest import Execute, StatementCounter
from tests.synthetic import add_synthetic_projects

ENTITIES = """query ($representations: [_Any!]!) {
  _entities(representations: $representations) {
    __typename
    ... on Project { code partners { partner { code } } }
    ... on Partner { code }
    ... on Programme { code }
  }
}"""


async def _ids(gql: Execute, root: str, first: int = 100) -> dict[str, str]:
    result = await gql(f"{{ {root}(first: {first}) {{ edges {{ node {{ id code }} }} }} }}")
    return {e["node"]["code"]: e["node"]["id"] for e in result.data[root]["edges"]}


async def test_the_subgraph_sdl_declares_the_entity_keys(gql: Execute) -> None:
    sdl = (await gql("{ _service { sdl } }")).data["_service"]["sdl"]
    assert '@link(url: "https://specs.apollo.dev/federation/v2.' in sdl
    for entity in ("Partner", "Programme", "Project"):
        assert f'type {entity} implements Node @key(fields: "id")' in sdl


async def test_entities_resolve_in_the_order_asked(gql: Execute) -> None:
    projects, partners = await _ids(gql, "projects"), await _ids(gql, "partners")
    programmes = await _ids(gql, "programmes")
    representations = [
        {"__typename": "Partner", "id": partners["koica"]},
        {"__typename": "Project", "id": projects["psei-india"]},
        {"__typename": "Programme", "id": programmes["kpp-2021-2023"]},
    ]
    result = await gql(ENTITIES, {"representations": representations})
    assert result.errors is None
    assert [(e["__typename"], e["code"]) for e in result.data["_entities"]] == [
        ("Partner", "koica"),
        ("Project", "psei-india"),
        ("Programme", "kpp-2021-2023"),
    ]


async def test_entities_are_loaded_in_batches(
    conn: AsyncConnection, gql: Execute, statements: StatementCounter
) -> None:
    async def count_for(how_many: int) -> int:
        ids = list((await _ids(gql, "projects", how_many)).values())
        assert len(ids) == how_many
        await statements.clear()
        result = await gql(
            ENTITIES, {"representations": [{"__typename": "Project", "id": i} for i in ids]}
        )
        assert result.errors is None
        assert len(result.data["_entities"]) == how_many
        return await statements.counted()

    await add_synthetic_projects(conn, 60)
    assert await count_for(2) == await count_for(60) <= 3


async def test_a_bad_or_unknown_representation_is_an_error_of_its_own(gql: Execute) -> None:
    projects = await _ids(gql, "projects")
    result = await gql(
        ENTITIES,
        {
            "representations": [
                {"__typename": "Project", "id": projects["psei-india"]},
                {"__typename": "Project", "id": "UGFydG5lcjox"},  # Partner:1
                {"__typename": "Project", "id": "UHJvamVjdDo5OTk5OQ=="},  # Project:99999
            ]
        },
    )
    assert result.data["_entities"][0]["code"] == "psei-india"
    assert result.data["_entities"][1:] == [None, None]
    assert [(e["path"], e["extensions"]["code"]) for e in result.errors or ()] == [
        (["_entities", 1], "BAD_USER_INPUT"),
        (["_entities", 2], "NOT_FOUND"),
    ]


async def test_a_malformed_representation_is_the_clients_error(gql: Execute) -> None:
    for representation in (
        {"__typename": "Change", "id": "Q2hhbmdlOjE="},  # not an entity
        {"id": "UHJvamVjdDox"},
        {"__typename": "Project", "id": 1},
        "Project:1",
    ):
        result = await gql(ENTITIES, {"representations": [representation]})
        assert result.data is None
        assert result.errors is not None
        [error] = result.errors
        assert error["extensions"]["code"] == "BAD_USER_INPUT", representation
        assert "representations[0]" in error["message"]


async def test_countries_and_themes_are_entities_too(gql: Execute) -> None:
    data = (await gql("{ countries { id code } themes { id slug } }")).data
    country, theme = data["countries"][0], data["themes"][0]
    result = await gql(
        "query ($r: [_Any!]!) { _entities(representations: $r) "
        "{ ... on Country { code } ... on Theme { slug } } }",
        {
            "r": [
                {"__typename": "Country", "id": country["id"]},
                {"__typename": "Theme", "id": theme["id"]},
            ]
        },
    )
    assert result.errors is None
    assert result.data["_entities"] == [{"code": country["code"]}, {"slug": theme["slug"]}]
