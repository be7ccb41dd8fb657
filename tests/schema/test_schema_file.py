"""The committed schema files are what clients and gateways code against: they must match
the code, and ``schema.graphql`` must be a schema on its own."""

from pathlib import Path

from graphql import build_schema

from schema.sdl import client_sdl, subgraph_sdl

ROOT = Path(__file__).parents[2]


def test_committed_schema_files_match_the_code() -> None:
    for name, sdl in (
        ("schema.graphql", client_sdl()),
        ("schema.subgraph.graphql", subgraph_sdl()),
    ):
        assert (ROOT / name).read_text(encoding="utf-8") == sdl, (
            f"{name} is stale: run `make schema` (coopgraph export-schema) and commit it"
        )


def test_schema_graphql_builds_on_its_own() -> None:
    built = build_schema((ROOT / "schema.graphql").read_text(encoding="utf-8"))
    assert built.get_type("PageInfo") is not None
    assert {"key", "shareable", "link"} <= {d.name for d in built.directives}
