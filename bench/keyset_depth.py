"""How much a deep page of projects costs next to the first page, per ordering.

Creates a scratch database ``coopgraph_bench`` (on the embedded server in ``.coopgraph``,
or on the server of ``DATABASE_URL``), migrates it, fills it with synthetic projects (never
the built-in dataset) and times the page query of ``db.keyset`` at the first page and
after 90 % of the rows, median of repeated runs.

    .venv/bin/python bench/keyset_depth.py [--projects 20000] [--runs 30]
"""

import argparse
import asyncio
import os
import statistics
import time
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from db import conditions, keyset, orderings
from db.criteria import ProjectCriteria
from db.engine import create_engine
from db.migrate import upgrade_to_head
from service.embedded import EmbeddedPostgres

DATABASE = "coopgraph_bench"

FILL = """
INSERT INTO project (code, title, planned_start, planned_start_precision,
                     budget_amount, budget_currency, budget_amount_qualifier)
SELECT 'bench-' || lpad(n::text, 7, '0'), 'Project ' || md5(n::text),
       DATE '2000-01-01' + (n % 9000), 'DAY', (n % 997) * 1000, 'USD', 'EXACT'
FROM generate_series(1, :n) AS n
"""


def database_url() -> str:
    url = os.environ.get("DATABASE_URL")
    if url:
        base = sa.engine.make_url(url).set(drivername="postgresql+asyncpg")
        return base.set(database=DATABASE).render_as_string(hide_password=False)
    server = EmbeddedPostgres(Path(".coopgraph"))
    server.psql(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE);')
    return server.ensure_database(DATABASE)


async def timed_page(
    engine: AsyncEngine,
    ordering: keyset.Ordering,
    cursor: keyset.CursorValues | None,
    runs: int,
) -> float:
    where = conditions.project_condition(ProjectCriteria())
    times = []
    async with engine.connect() as conn:
        for _ in range(runs):
            start = time.perf_counter()
            await keyset.fetch_page(conn, ordering, where, cursor=cursor, limit=20)
            times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", type=int, default=20000)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()

    engine = create_engine(database_url())
    async with engine.begin() as conn:
        await upgrade_to_head(conn)
        await conn.execute(sa.text("TRUNCATE project CASCADE"))
        await conn.execute(sa.text(FILL), {"n": args.projects})
        await conn.execute(sa.text("ANALYZE project"))

    print(f"{args.projects} projects, page of 20, median of {args.runs} runs (ms)")
    print(f"{'ordering':<34}{'first page':>12}{'at 90 %':>12}")
    for name, fields in [
        ("code (index)", [("CODE", False)]),
        ("start, newest first (index)", [("START", True)]),
        ("budget (no index)", [("BUDGET", False)]),
        ("title descending (no index)", [("TITLE", True)]),
    ]:
        ordering = orderings.project_ordering(fields)
        where = sa.true()
        async with engine.connect() as conn:
            deep = (
                (
                    await conn.execute(
                        ordering.select()
                        .where(where)
                        .order_by(*ordering.order_by(False))
                        .offset(args.projects * 9 // 10)
                        .limit(1)
                    )
                )
                .mappings()
                .one()
            )
        first = await timed_page(engine, ordering, None, args.runs)
        later = await timed_page(engine, ordering, ordering.cursor_of(deep), args.runs)
        print(f"{name:<34}{first:>12.2f}{later:>12.2f}")
    await engine.dispose()


if __name__ == "__main__":
    asyncio.run(main())
