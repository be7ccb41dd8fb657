"""The summaries are counted once per writing transaction, at its commit (migration 0012),
and stay right when two transactions that wrote the same projects commit at once: neither
loses the other's change, and neither deadlocks. These tests commit, so each has a database
of its own."""

import asyncio
from collections.abc import AsyncIterator

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from db.engine import create_engine
from db.stats import ProjectGrouping, summarised_project_stats
from tests.db.test_stats import _comparable, assert_summaries_hold
from tests.synthetic import add_synthetic_projects

PROJECT_LOCK = 22011
"""Migration 0011's advisory lock class of a project's count."""


@pytest.fixture
async def engine(fresh_database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(fresh_database_url)
    yield engine
    await engine.dispose()


async def _scalar(conn: AsyncConnection, sql: str) -> int:
    value: int = (await conn.execute(sa.text(sql))).scalar_one()
    return value


async def test_counted_once_at_commit(engine: AsyncEngine) -> None:
    async with engine.connect() as conn:
        before = await summarised_project_stats(conn, ProjectGrouping.COUNTRY, None)
        await add_synthetic_projects(conn, 3)
        await conn.execute(sa.text("UPDATE project SET budget_amount = 7 WHERE code LIKE 'synth%'"))
        assert await _scalar(conn, "SELECT count(*) FROM summary_pending") > 0
        assert await _scalar(conn, "SELECT count(*) FROM summary_flush") == 1, "queued once"
        unchanged = await summarised_project_stats(conn, ProjectGrouping.COUNTRY, None)
        assert _comparable(unchanged) == _comparable(before), "not counted before the commit"
        await conn.commit()
    async with engine.connect() as conn:
        assert await _scalar(conn, "SELECT count(*) FROM summary_pending") == 0
        assert await _scalar(conn, "SELECT count(*) FROM summary_flush") == 0
        after = await summarised_project_stats(conn, ProjectGrouping.COUNTRY, None)
        assert _comparable(after) != _comparable(before)
        await assert_summaries_hold(conn)


async def _projects(conn: AsyncConnection) -> tuple[int, int]:
    rows = await conn.execute(
        sa.text(
            "SELECT id FROM project WHERE id IN (SELECT project_id FROM project_country) "
            "ORDER BY id LIMIT 2"
        )
    )
    first, second = rows.scalars().all()
    await conn.commit()
    return first, second


async def test_two_writers_of_the_same_projects_commit_at_once(engine: AsyncEngine) -> None:
    async with engine.connect() as a, engine.connect() as b, engine.connect() as gate:
        first, second = await _projects(a)
        # The gate holds the first project's lock, so both commits wait at their count and
        # then count one after the other, on the same buckets (the total's, the countries').
        await gate.execute(sa.text(f"SELECT pg_advisory_lock({PROJECT_LOCK}, {first})"))
        await gate.commit()
        # Each writes both projects, in the opposite order of the other.
        await a.execute(
            sa.text(
                "INSERT INTO project_theme (project_id, theme_slug) SELECT :id, min(slug) "
                "FROM theme WHERE slug NOT IN (SELECT theme_slug FROM project_theme "
                "WHERE project_id = :id)"
            ),
            {"id": second},
        )
        await a.execute(
            sa.text(
                "INSERT INTO beneficiary_group (code, project_id, description, categories, "
                "target_count, target_count_qualifier) VALUES ('writer-a', :id, 'Farmers', "
                "ARRAY['WORKERS'], 40, 'EXACT')"
            ),
            {"id": first},
        )
        await b.execute(
            sa.text(
                "UPDATE project SET status = 'COMPLETED', status_as_of = DATE '2025-01-01' "
                "WHERE id = :id"
            ),
            {"id": first},
        )
        await b.execute(
            sa.text(
                "UPDATE project_country SET country_code = 'KH' WHERE project_id = :id AND "
                "country_code <> 'KH' AND NOT EXISTS (SELECT FROM project_country c WHERE "
                "c.project_id = :id AND c.country_code = 'KH')"
            ),
            {"id": second},
        )
        commits = asyncio.gather(a.commit(), b.commit())
        await asyncio.sleep(0.5)
        assert not commits.done(), "both wait at their count"
        await gate.execute(sa.text(f"SELECT pg_advisory_unlock({PROJECT_LOCK}, {first})"))
        await gate.commit()
        await asyncio.wait_for(commits, timeout=60)
    async with engine.connect() as conn:
        await assert_summaries_hold(conn)
        groups = await _scalar(
            conn,
            f"SELECT groups FROM summary_project WHERE project_id = {first}",
        )
        assert groups == await _scalar(
            conn, f"SELECT count(*) FROM beneficiary_group WHERE project_id = {first}"
        )


async def test_many_writers_at_once(engine: AsyncEngine) -> None:
    """Eight transactions adding projects to the same buckets and changing the same seeded
    projects commit together: all of them succeed and every bucket adds up."""
    async with engine.connect() as conn:
        ids = (await conn.execute(sa.text("SELECT id FROM project ORDER BY id LIMIT 4"))).scalars()
        seeded = list(ids)
        await conn.commit()

    async def writer(n: int) -> None:
        async with engine.connect() as conn:
            await conn.execute(
                sa.text(
                    "WITH new AS (INSERT INTO project (code, title, budget_amount, "
                    "budget_currency, budget_amount_qualifier) SELECT 'writer-' || :n || '-' || k, "
                    "'Writer ' || k, 1000 * k, 'USD', 'EXACT' FROM generate_series(1, 2) AS k "
                    "RETURNING id) INSERT INTO project_country (project_id, country_code, role) "
                    "SELECT id, 'VN', 'RECIPIENT' FROM new"
                ),
                {"n": str(n)},
            )
            for project_id in reversed(seeded) if n % 2 else seeded:
                await conn.execute(
                    sa.text(
                        "INSERT INTO beneficiary_group (code, project_id, description, "
                        "categories, target_count, target_count_qualifier) VALUES "
                        "(:code, :id, 'Farmers', ARRAY['WORKERS'], :n, 'EXACT')"
                    ),
                    {"code": f"writer-{n}-{project_id}", "id": project_id, "n": n + 1},
                )
            await conn.commit()

    await asyncio.wait_for(asyncio.gather(*(writer(n) for n in range(8))), timeout=120)
    async with engine.connect() as conn:
        await assert_summaries_hold(conn)


async def test_a_transaction_of_more_projects_than_the_lock_table_holds_commits(
    engine: AsyncEngine,
) -> None:
    """20,000 projects in one transaction: one lock each would pass the lock table's 6,400
    slots at PostgreSQL's defaults ("out of shared memory"); such a count locks them all at
    once instead."""
    async with engine.connect() as conn:
        await add_synthetic_projects(conn, 20_000)
        await conn.commit()
    async with engine.connect() as conn:
        assert await _scalar(conn, "SELECT count(*) FROM summary_pending") == 0
        await assert_summaries_hold(conn)
