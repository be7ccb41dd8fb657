"""What keeping the statistics summaries (migration 0011) costs a mutation.

On a generated database (``bench/generate.py``; give its name), it runs the same mutations
through the schema in-process, twice: with the summaries' triggers on, then off (``ALTER
TABLE ... DISABLE TRIGGER`` inside the transaction). Each pass changes the budget of
``--count`` projects of the top funder (every one of them in the total's, a country's, a
theme's and the funder's buckets) with ``updateProject``, then adds a beneficiary group to
each with ``createBeneficiaryGroup``, all in one transaction that is rolled back, so the
database is left as it was. Prints the mean milliseconds per mutation of each pass and the
ratio, with the load average (the machine's other work skews them).

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


async def one_pass(conn: Any, projects: list[tuple[int, int]], label: str) -> list[float]:
    """Milliseconds per update and per group creation."""
    began = time.perf_counter()
    for n, (project_id, version) in enumerate(projects):
        budget = {"amount": str(100_000 + n), "currency": "USD", "qualifier": "EXACT"}
        node = to_base64("Project", project_id)
        await _mutate(conn, UPDATE, {"input": {"id": node, "version": version, "budget": budget}})
    updated = time.perf_counter()
    for project_id, _ in projects:
        group = {
            "code": f"bench-{label}-{project_id}",
            "description": "Workers trained",
            "categories": ["WORKERS"],
            "targetCount": {"value": 120},
            "projectId": to_base64("Project", project_id),
        }
        await _mutate(conn, CREATE_GROUP, {"input": group})
    created = time.perf_counter()
    return [
        (updated - began) * 1000 / len(projects),
        (created - updated) * 1000 / len(projects),
    ]


async def measure(database: str, count: int) -> None:
    engine = create_engine(Server().url(database))
    try:
        async with engine.connect() as conn:
            top = await conn.execute(
                sa.text(
                    "SELECT p.id, p.version FROM project p JOIN project_partner pp "
                    "ON pp.project_id = p.id AND pp.role = 'FUNDING' WHERE pp.partner_id = "
                    "(SELECT partner_id FROM project_partner WHERE role = 'FUNDING' "
                    "GROUP BY partner_id ORDER BY count(*) DESC LIMIT 1) "
                    "ORDER BY p.id LIMIT :n"
                ),
                {"n": 2 * count},
            )
            rows = [(r.id, r.version) for r in top]
            await conn.rollback()
            results: dict[str, list[float]] = {}
            passes = (("on", True, rows[:count]), ("off", False, rows[count:]))
            for label, enabled, projects in passes:
                transaction = await conn.begin()
                try:
                    if not enabled:
                        for table in SUMMARISED:
                            for trigger in TRIGGERS:
                                await conn.execute(
                                    sa.text(f"ALTER TABLE {table} DISABLE TRIGGER {trigger}")
                                )
                    results[label] = await one_pass(conn, projects, label)
                finally:
                    await transaction.rollback()
    finally:
        await engine.dispose()
    print(f"{count} mutations of each kind, load average {os.getloadavg()}")
    print(f"{'':<28}{'summaries on':>14}{'off':>8}{'ratio':>8}")
    for n, what in enumerate(("updateProject (budget)", "createBeneficiaryGroup")):
        kept, plain = results["on"][n], results["off"][n]
        print(f"{what:<28}{kept:>11.1f} ms{plain:>5.1f} ms{kept / plain:>8.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--database", required=True, help="a database bench/generate.py made")
    parser.add_argument("--count", type=int, default=100, help="mutations of each kind")
    args = parser.parse_args()
    asyncio.run(measure(args.database, args.count))


if __name__ == "__main__":
    main()
