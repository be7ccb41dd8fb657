"""bench/generate.py at a tiny scale, into fresh databases on the test server."""

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import generate
import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy.engine import Connection

from db.engine import create_engine
from db.metadata import metadata
from tests.postgres import DatabaseServer

SCALE = 0.001


@asynccontextmanager
async def empty_database(server: DatabaseServer, suffix: str) -> AsyncIterator[str]:
    """Not a clone of the test template: that one holds the built-in dataset."""
    name = f"coopgraph_bench_test_{os.getpid()}_{suffix}"
    await server.admin(
        f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', f'CREATE DATABASE "{name}"'
    )
    try:
        yield server.url(name)
    finally:
        await server.admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


async def dump(url: str) -> tuple[dict[str, list[str]], list[Any]]:
    """Every row of every table as text, in order; and how the schema differs from the tables
    the migrations make (nothing, once the generator has put back the keys it dropped)."""
    engine = create_engine(url)
    try:
        async with engine.connect() as conn:
            rows = {
                table.name: list(
                    (
                        await conn.execute(
                            sa.text(f'SELECT t::text FROM "{table.name}" t ORDER BY 1')
                        )
                    ).scalars()
                )
                for table in metadata.sorted_tables
                # When the migration loaded the codelists differs between databases.
                if table.name != "codelist"
            }

            def diff(sync: Connection) -> list[Any]:
                context = MigrationContext.configure(sync, opts={"compare_type": True})
                return list(compare_metadata(context, metadata))

            return rows, await conn.run_sync(diff)
    finally:
        await engine.dispose()


def test_scale_one_makes_the_specified_counts() -> None:
    counts = generate.Counts.at(1)
    assert (counts.partners, counts.programmes, counts.projects) == (200, 50, 10_000)
    assert (counts.beneficiary_groups, counts.outcomes) == (40_000, 60_000)
    assert (counts.countries, counts.themes) == (150, 30)


async def test_tiny_scale_counts_and_the_same_seed_gives_the_same_rows(
    server: DatabaseServer,
) -> None:
    async with empty_database(server, "a") as first, empty_database(server, "b") as second:
        report = await generate.fill(first, SCALE, seed=7)
        await generate.fill(second, SCALE, seed=7)
        rows, schema_drift = await dump(first)
        again, _ = await dump(second)
        with pytest.raises(ValueError, match="already holds projects"):
            await generate.fill(first, SCALE, seed=7)

    counts = generate.Counts.at(SCALE)
    expected = {
        "partner": counts.partners,
        "programme": counts.programmes,
        "project": counts.projects,
        "beneficiary_group": counts.beneficiary_groups,
        "outcome": counts.outcomes,
        "country": counts.countries,
        "theme": counts.themes,
    }
    assert expected["project"] == 10
    in_database = {table: len(rows[table]) for table in expected}
    # the codelists' migration holds every country before the generator adds its own
    assert in_database.pop("country") >= counts.countries
    assert in_database == {t: n for t, n in expected.items() if t != "country"}
    assert {table: report.rows[table] for table in expected} == expected
    # the codelists' migration stamps each list with the time it loaded it
    loaded = {"codelist"}
    assert {t: r for t, r in rows.items() if t not in loaded} == {
        t: r for t, r in again.items() if t not in loaded
    }
    assert schema_drift == []


def test_another_seed_gives_other_rows() -> None:
    first = generate.Generator(SCALE, 7).build()
    second = generate.Generator(SCALE, 8).build()
    assert first["project"].rows != second["project"].rows
    assert first["country"].rows == second["country"].rows


def test_iati_rows_come_at_scale_and_leave_the_other_rows_as_they_were() -> None:
    generator = generate.Generator(0.01, 7)
    tables = generator.build()
    projects = len(tables["project"].rows)
    per_project = {
        name: len(tables[name].rows) / projects
        for name in ("activity_transaction", "activity_budget", "activity_sector")
    }
    assert per_project["activity_transaction"] > 5
    assert per_project["activity_budget"] > 2
    assert per_project["activity_sector"] >= 1
    assert tables["activity_location"].rows
    values = tables["activity_transaction"].columns.index("value")
    assert any(row[values] < 0 for row in tables["activity_transaction"].rows)

    without = generate.Generator(0.01, 7)
    without.activity_rows = lambda: None  # type: ignore[method-assign]
    before = without.build()
    assert {name: t.rows for name, t in before.items()} == {
        name: t.rows for name, t in tables.items() if name in before
    }
