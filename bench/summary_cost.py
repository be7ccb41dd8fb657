"""What keeping the statistics summaries (migrations 0011 and 0012) costs a mutation.

It copies a generated database (``bench/generate.py``; give its name) twice
(``CREATE DATABASE ... TEMPLATE``), turns the summaries' triggers off in the second
(``ALTER TABLE ... DISABLE TRIGGER``, before any timing: disabling them makes every session
of that database plan its statements again), and runs the same mutations through the schema
in-process on both, one mutation on each in turn, each committed as the service commits it
(the deferred count runs at commit), so the machine's other load weighs on both alike. The
mutations change the budget of ``--count`` projects of the top funder (every one of them in
the total's, a country's, a theme's and the funder's buckets) with ``updateProject``, then
add a beneficiary group to each with ``createBeneficiaryGroup``. Prints the mean
milliseconds per mutation of each and the ratio, with the load average (the machine's other
work skews them), and drops both copies.

    .venv/bin/python bench/summary_cost.py --database coopgraph_bench_1_seed1 [--count 100]
"""

import argparse
import asyncio
import os
import time
from typing import Any

import sqlalchemy as sa
from scratch import Server
from strawberry.relay import to_base64

from db.engine import create_engine
from db.enums import KeyScope
from schema.build import schema
from schema.context import Context, Principal
from service.settings import Settings

SUMMARISED = (
    "project",
    "project_partner",
    "project_country",
    "project_theme",
    "project_programme",
    "beneficiary_group",
)
TRIGGERS = ("summary_inserted", "summary_updated", "summary_deleted")

UPDATE = """mutation($input: UpdateProjectInput!) {
  updateProject(input: $input) { project { version } } }"""
CREATE_GROUP = """mutation($input: CreateBeneficiaryGroupInput!) {
  createBeneficiaryGroup(input: $input) { beneficiaryGroup { code } } }"""


async def _mutate(conn: Any, query: str, variables: dict[str, Any]) -> None:
    context = Context(
        conn,
        Settings(_env_file=None),
        principal=Principal("bench", KeyScope.ADMIN, None),
        commit_writes=False,
    )
    result = await schema.execute(query, variable_values=variables, context_value=context)
    if result.errors:
        raise RuntimeError(result.errors)


async def _timed(conn: Any, query: str, variables: dict[str, Any]) -> float:
    """Seconds one mutation takes, committed."""
    began = time.perf_counter()
    await _mutate(conn, query, variables)
    await conn.commit()
    return time.perf_counter() - began


def _mutations(projects: list[tuple[int, int]], label: str) -> list[tuple[str, dict[str, Any]]]:
    """An update of each project's budget, then a new beneficiary group for each."""
    updates = [
        (
            UPDATE,
            {
                "input": {
                    "id": to_base64("Project", project_id),
                    "version": version,
                    "budget": {"amount": str(100_000 + n), "currency": "USD", "qualifier": "EXACT"},
                }
            },
        )
        for n, (project_id, version) in enumerate(projects)
    ]
    groups = [
        (
            CREATE_GROUP,
            {
                "input": {
                    "code": f"bench-{label}-{project_id}",
                    "description": "Workers trained",
                    "categories": ["WORKERS"],
                    "targetCount": {"value": 120},
                    "projectId": to_base64("Project", project_id),
                }
            },
        )
        for project_id, _ in projects
    ]
    return updates + groups


async def both_passes(
    kept: Any, plain: Any, projects: list[tuple[int, int]]
) -> dict[str, list[float]]:
    """Milliseconds per update and per group creation, with the summaries kept (``kept``)
    and without (``plain``), the same mutation on each in turn."""
    mutations = _mutations(projects, "bench")
    spent: dict[str, list[float]] = {"on": [], "off": []}
    for query, variables in mutations:
        spent["on"].append(await _timed(kept, query, variables))
        spent["off"].append(await _timed(plain, query, variables))
    half = len(projects)
    return {
        label: [sum(times[:half]) * 1000 / half, sum(times[half:]) * 1000 / half]
        for label, times in spent.items()
    }


TOP_FUNDED = sa.text(
    "SELECT p.id, p.version FROM project p JOIN project_partner pp "
    "ON pp.project_id = p.id AND pp.role = 'FUNDING' WHERE pp.partner_id = "
    "(SELECT partner_id FROM project_partner WHERE role = 'FUNDING' "
    "GROUP BY partner_id ORDER BY count(*) DESC LIMIT 1) "
    "ORDER BY p.id LIMIT :n"
)


async def measure(database: str, count: int) -> None:
    server = Server()
    copies = {"on": f"{database}_summaries_on", "off": f"{database}_summaries_off"}
    await server.admin(
        *(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)' for name in copies.values()),
        *(f'CREATE DATABASE "{name}" TEMPLATE "{database}"' for name in copies.values()),
    )
    engines = {label: create_engine(server.url(name)) for label, name in copies.items()}
    try:
        async with engines["on"].connect() as kept, engines["off"].connect() as plain:
            for table in SUMMARISED:
                for trigger in TRIGGERS:
                    await plain.execute(sa.text(f"ALTER TABLE {table} DISABLE TRIGGER {trigger}"))
            await plain.commit()
            projects = [(r.id, r.version) for r in await kept.execute(TOP_FUNDED, {"n": count})]
            await kept.commit()
            results = await both_passes(kept, plain, projects)
    finally:
        for engine in engines.values():
            await engine.dispose()
        await server.admin(
            *(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)' for name in copies.values())
        )
    print(f"{count} mutations of each kind, committed, load average {os.getloadavg()}")
    print(f"{'':<28}{'summaries on':>14}{'off':>8}{'ratio':>8}")
    for n, what in enumerate(("updateProject (budget)", "createBeneficiaryGroup")):
        on, off = results["on"][n], results["off"][n]
        print(f"{what:<28}{on:>11.1f} ms{off:>5.1f} ms{on / off:>8.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--database", required=True, help="a database bench/generate.py made")
    parser.add_argument("--count", type=int, default=100, help="mutations of each kind")
    args = parser.parse_args()
    asyncio.run(measure(args.database, args.count))


if __name__ == "__main__":
    main()
