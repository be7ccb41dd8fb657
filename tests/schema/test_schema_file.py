"""The committed schema.graphql is what clients code against: it must match the code."""

from pathlib import Path

from schema.build import schema

SCHEMA_FILE = Path(__file__).parents[2] / "schema.graphql"


def test_committed_schema_matches_the_code() -> None:
    assert SCHEMA_FILE.read_text(encoding="utf-8") == schema.as_str() + "\n", (
        "schema.graphql is stale: run `make schema` (coopgraph export-schema) and commit it"
    )
