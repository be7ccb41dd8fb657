"""What keeping the statistics summaries (migrations 0011 and 0012) costs a mutation.

On a generated database (``bench/generate.py``; give its name), it runs the same mutations
through the schema in-process, twice: with the summaries' triggers on, and off (``ALTER
TABLE ... DISABLE TRIGGER`` inside the transaction, untimed), ``--block`` mutations of each
in turn. Each pass changes the budget of ``--count`` projects of the top funder (every one
of them in the total's, a country's, a theme's and the funder's buckets) with
``updateProject``, then adds a beneficiary group to each with ``createBeneficiaryGroup``:
each mutation ended as a commit ends it (the deferred count the triggers queued runs:
``flush_summaries``), then rolled back, so the database is left as it was. Prints the mean
milliseconds per mutation of each pass and the ratio, with the load average (the machine's
other work skews them).

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
from db.stats import flush_summaries
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


async def _block(
    conn: Any, enabled: bool, mutations: list[tuple[str, dict[str, Any]]]
) -> list[float]:
    """Seconds each mutation takes, its deferred count included, in a transaction that is
    rolled back: each mutation in a savepoint of its own, ended as a commit ends it."""
    spent = []
    transaction = await conn.begin()
    try:
        if not enabled:
            for table in SUMMARISED:
                for trigger in TRIGGERS:
                    await conn.execute(sa.text(f"ALTER TABLE {table} DISABLE TRIGGER {trigger}"))
        for query, variables in mutations:
            savepoint = await conn.begin_nested()
            began = time.perf_counter()
            await _mutate(conn, query, variables)
            await flush_summaries(conn)
            spent.append(time.perf_counter() - began)
            await savepoint.rollback()
    finally:
        await transaction.rollback()
    return spent


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
    conn: Any, kept: list[tuple[int, int]], plain: list[tuple[int, int]], block: int
) -> dict[str, list[float]]:
    """Milliseconds per update and per group creation, with the summaries kept and without:
    the two passes in turn, ``block`` mutations at a time, so the machine's other load
    weighs on both alike. (Not one mutation at a time: disabling a trigger makes every
    session plan its statements again, which would be timed as the summaries' cost.)"""
    on, off = _mutations(kept, "on"), _mutations(plain, "off")
    spent: dict[bool, list[float]] = {True: [], False: []}
    for start in range(0, len(on), block):
        spent[True] += await _block(conn, True, on[start : start + block])
        spent[False] += await _block(conn, False, off[start : start + block])
    half = len(kept)
    return {
        label: [sum(spent[enabled][:half]) * 1000 / half, sum(spent[enabled][half:]) * 1000 / half]
        for label, enabled in (("on", True), ("off", False))
    }


async def measure(database: str, count: int, block: int) -> None:
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
            results = await both_passes(conn, rows[:count], rows[count:], block)
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
    parser.add_argument("--block", type=int, default=10, help="mutations of a pass in turn")
    args = parser.parse_args()
    asyncio.run(measure(args.database, args.count, args.block))


if __name__ == "__main__":
    main()
