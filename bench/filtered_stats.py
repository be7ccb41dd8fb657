"""What a filtered ``projectStats`` costs: one country (the one with the most projects) by
theme, on a generated database (``bench/generate.py``).

It times, on one connection of the scale's database, the statements grouping the matching
projects' rows (``db.stats.project_stats``, what the resolvers ran before the kept figures
served a filter), the statements summing their kept figures
(``db.stats.summarised_project_stats``), and the whole GraphQL request in-process through
the compiled path and through the resolvers, checks that all four give the same buckets,
and prints the median milliseconds of each with the load average.

    .venv/bin/python bench/filtered_stats.py [--scale 1] [--requests 30]
"""

import argparse
import asyncio
import json
import os
import statistics
import time
from collections.abc import Awaitable, Callable
from typing import Any

import sqlalchemy as sa
from generate import database_name
from scratch import Server

from db import queries as q
from db.conditions import project_condition
from db.criteria import ProjectCriteria
from db.engine import create_engine
from db.stats import ProjectGrouping, ProjectStatsRows, project_stats, summarised_project_stats
from schema.build import schema
from schema.context import Context
from service.settings import Settings

QUERY = """query($country: String!) {
  projectStats(filter: {countries: [$country]}, groupBy: THEME) {
    total { projectCount amounts { records amount { amount currency } } }
    buckets { key label projectCount projectsWithoutAmount
      amounts { records amount { amount currency qualifier } }
      people { groups targeted { value qualifier } } } } }"""
TOP_COUNTRY = sa.text(
    "SELECT country_code FROM project_country GROUP BY country_code "
    "ORDER BY count(*) DESC, country_code LIMIT 1"
)


def _comparable(rows: ProjectStatsRows) -> tuple[list[Any], list[Any]]:
    """Buckets and amounts as their figures, in one order: amounts as text (the API prints
    their scale), people as numbers (the API trims them); the kept buckets also name their
    rows (``grouped_by``, ``ref``), which are no figures."""

    def figures(row: Any, exact: bool) -> tuple[Any, ...]:
        return tuple(
            str(v) if exact else v for k, v in dict(row).items() if k not in ("grouped_by", "ref")
        )

    def ordered(found: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
        return sorted(found, key=lambda r: str(r[:3]))

    return (
        ordered([figures(r, False) for r in rows.buckets]),
        ordered([figures(r, True) for r in rows.amounts]),
    )


async def _median_ms(requests: int, ask: Callable[[], Awaitable[Any]]) -> tuple[float, Any]:
    """The median of ``requests`` timings, after one untimed to warm plans and caches."""
    answer = await ask()
    spent = []
    for _ in range(requests):
        began = time.perf_counter()
        await ask()
        spent.append((time.perf_counter() - began) * 1000)
    return statistics.median(spent), answer


async def measure(database: str, requests: int) -> None:
    server = Server()
    engine = create_engine(server.url(database))
    try:
        async with engine.connect() as conn:
            country = (await conn.execute(TOP_COUNTRY)).scalar_one()
            where = project_condition(ProjectCriteria(country_codes=(country,)))
            count = sa.select(sa.func.count()).select_from(q.project).where(where)
            matching = (await conn.execute(count)).scalar_one()

            async def request(compiled: bool) -> Any:
                context = Context(conn, Settings(_env_file=None, compiled_reads=compiled))
                result = await schema.execute(
                    QUERY, variable_values={"country": country}, context_value=context
                )
                assert not result.errors, result.errors
                return result.data

            timings = {
                "GROUP BY of the rows (before)": await _median_ms(
                    requests, lambda: project_stats(conn, where, ProjectGrouping.THEME, None)
                ),
                "sums of the kept figures": await _median_ms(
                    requests,
                    lambda: summarised_project_stats(conn, ProjectGrouping.THEME, None, where),
                ),
                "request, compiled": await _median_ms(requests, lambda: request(True)),
                "request, resolvers": await _median_ms(requests, lambda: request(False)),
            }
    finally:
        await engine.dispose()
    before, after = (timings[k][1] for k in list(timings)[:2])
    same_sql = _comparable(before) == _comparable(after)
    compiled, resolvers = timings["request, compiled"][1], timings["request, resolvers"][1]
    print(
        f"{database}: projectStats of country {country} ({matching} projects) by theme, "
        f"median of {requests}, load average {os.getloadavg()}"
    )
    for what, (ms, _) in timings.items():
        print(f"  {what:<32}{ms:>9.1f} ms")
    print(
        f"  same buckets: {same_sql}; compiled and resolvers the same JSON: "
        f"{json.dumps(compiled) == json.dumps(resolvers)}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--requests", type=int, default=30)
    args = parser.parse_args()
    asyncio.run(measure(database_name(args.scale, args.seed), args.requests))


if __name__ == "__main__":
    main()
