"""The aggregates the database keeps (``db/tables/statistics.py``, migrations 0011 and 0012)
equal a full recomputation (``project_stats`` over every project) after each kind of write:
inserts, updates, deletes, an IATI import, and one transaction's writes rolled back. Each
test runs in a transaction that is rolled back, so it counts its writes early
(``flush_summaries``) where a commit would; ``test_summary_writers.py`` commits."""

from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from db.conditions import project_condition
from db.criteria import ProjectCriteria
from db.enums import PartnerRole, ProjectStatus
from db.stats import (
    ProjectGrouping,
    ProjectStatsRows,
    flush_summaries,
    project_stats,
    summarised_project_stats,
)
from iati.importing import IatiFile, import_files
from tests.iati.conftest import FILES
from tests.synthetic import add_synthetic_projects

GROUPINGS: list[tuple[ProjectGrouping | None, PartnerRole | None]] = [
    (None, None),
    *((g, None) for g in ProjectGrouping),
    *((ProjectGrouping.PARTNER, role) for role in PartnerRole),
]


def _comparable(rows: ProjectStatsRows) -> tuple[list[Any], list[Any]]:
    """Rows as data, each decimal as its text for amounts (the API prints their scale) and
    as a number for people (the API trims them)."""

    def row(mapping: Any, exact: bool) -> tuple[Any, ...]:
        # The kept buckets also name their rows (grouped_by, ref): not figures.
        return tuple(
            str(v) if exact and isinstance(v, Decimal) else v
            for k, v in dict(mapping).items()
            if k not in ("grouped_by", "ref")
        )

    buckets = sorted((row(r, False) for r in rows.buckets), key=lambda r: (r[0], str(r[1]), r[2]))
    amounts = sorted((row(r, True) for r in rows.amounts), key=lambda r: (r[0], str(r[1]), r[2]))
    return buckets, amounts


async def assert_summaries_hold(conn: AsyncConnection) -> None:
    await flush_summaries(conn)
    for grouping, role in GROUPINGS:
        full = await project_stats(conn, sa.true(), grouping, role)
        kept = await summarised_project_stats(conn, grouping, role)
        k, f = _comparable(kept), _comparable(full)
        assert k == f, [(a, b) for a, b in zip(k[0] + k[1], f[0] + f[1], strict=False) if a != b][
            :3
        ]
        labels = [r["label"] for r in kept.buckets if not r["total"]]
        assert [r["label"] for r in full.buckets if not r["total"]] == labels or len(
            set(labels)
        ) < len(labels), "buckets in label order"


FILTERS = {
    "one country": ProjectCriteria(country_codes=("VN",)),
    "a status": ProjectCriteria(statuses=(ProjectStatus.ACTIVE,)),
    "two countries but not a theme": ProjectCriteria(
        country_codes=("VN", "KH"), none_of=ProjectCriteria(theme_slugs=("employment-policy",))
    ),
    "nothing": ProjectCriteria(codes=("no-such-project",)),
}


async def assert_filtered_summaries_hold(conn: AsyncConnection) -> None:
    """A filter's statistics summed from the matching projects' kept figures equal those
    grouped from its projects' rows, for every grouping."""
    await flush_summaries(conn)
    for name, criteria in FILTERS.items():
        where = project_condition(criteria)
        for grouping, role in GROUPINGS:
            full = await project_stats(conn, where, grouping, role)
            kept = await summarised_project_stats(conn, grouping, role, where)
            assert _comparable(kept) == _comparable(full), (name, grouping, role)
            labels = [r["label"] for r in kept.buckets]
            assert [r["label"] for r in full.buckets] == labels or len(set(labels)) < len(labels), (
                "buckets in label order"
            )


async def run(conn: AsyncConnection, sql: str) -> None:
    await conn.execute(sa.text(sql))


async def test_the_seeded_dataset(conn: AsyncConnection) -> None:
    await assert_summaries_hold(conn)


async def test_filtered(conn: AsyncConnection) -> None:
    await assert_filtered_summaries_hold(conn)
    await add_synthetic_projects(conn, 25)
    await run(
        conn,
        "UPDATE project SET status = 'ACTIVE', status_as_of = DATE '2024-01-01' WHERE id % 3 = 0",
    )
    await assert_filtered_summaries_hold(conn)


async def test_inserts(conn: AsyncConnection) -> None:
    await add_synthetic_projects(conn, 25)
    await assert_summaries_hold(conn)


async def test_updates(conn: AsyncConnection) -> None:
    await add_synthetic_projects(conn, 10)
    # Budgets dropped: the funders' stated amounts count instead, in two currencies.
    await run(
        conn,
        "UPDATE project SET budget_amount = NULL, budget_currency = NULL, "
        "budget_amount_qualifier = NULL WHERE id % 3 = 0",
    )
    await run(
        conn,
        "UPDATE project_partner SET amount = 1000 + id, currency = "
        "CASE WHEN id % 2 = 0 THEN 'USD' ELSE 'EUR' END, "
        "amount_qualifier = CASE WHEN id % 5 = 0 THEN 'AT_LEAST' ELSE 'EXACT' END "
        "WHERE role = 'FUNDING'",
    )
    await run(
        conn,
        "UPDATE project SET budget_amount_qualifier = 'APPROXIMATE' WHERE id % 4 = 1 "
        "AND budget_amount IS NOT NULL",
    )
    await run(
        conn,
        "UPDATE project SET status = 'COMPLETED', status_as_of = DATE '2024-01-01' "
        "WHERE id % 5 = 2",
    )
    await run(
        conn,
        "UPDATE project SET planned_start = planned_start - interval '3 years' WHERE id % 2 = 0",
    )
    await run(
        conn,
        "UPDATE beneficiary_group SET target_count = coalesce(target_count, 7) + 1, "
        "target_count_qualifier = CASE WHEN id % 3 = 0 THEN 'AT_MOST' ELSE 'EXACT' END, "
        "women_share = CASE WHEN id % 2 = 0 THEN 40 END, "
        "women_share_qualifier = CASE WHEN id % 2 = 0 THEN 'AT_LEAST' END",
    )
    await run(conn, "UPDATE project_partner SET role = 'IMPLEMENTING' WHERE id % 7 = 0")
    await run(
        conn,
        "UPDATE project_country SET country_code = 'KH' WHERE id % 2 = 0 AND project_id "
        "NOT IN (SELECT project_id FROM project_country WHERE country_code = 'KH')",
    )
    # A change that counts for nothing refreshes nothing and keeps the figures.
    await run(conn, "UPDATE project SET title = title || ' (renamed)'")
    await run(conn, "UPDATE partner SET acronym = 'RENAMED' WHERE code = 'koica'")
    await assert_summaries_hold(conn)


async def test_deletes(conn: AsyncConnection) -> None:
    await add_synthetic_projects(conn, 10)
    await run(conn, "DELETE FROM project_country WHERE id % 3 = 0")
    await run(conn, "DELETE FROM project_theme WHERE id % 2 = 0")
    await run(conn, "DELETE FROM beneficiary_group WHERE id % 2 = 1")
    await run(conn, "DELETE FROM project_partner WHERE id % 4 = 0")
    await run(conn, "DELETE FROM project_programme WHERE id % 3 = 1")
    await run(conn, "DELETE FROM project WHERE id % 3 = 2")
    await assert_summaries_hold(conn)
    await run(conn, "DELETE FROM project")
    await assert_summaries_hold(conn)
    left = await conn.execute(
        sa.text("SELECT count(*) FROM summary_bucket WHERE projects <> 0 OR groups <> 0")
    )
    assert left.scalar_one() == 0, "every bucket back at zero"


async def test_an_iati_import(conn: AsyncConnection) -> None:
    for name in ("multi_activity.xml", "multi_activity_updated.xml"):
        with (FILES / name).open("rb") as stream:
            report = await import_files(conn, [IatiFile(name, stream)], key_name="test-stats")
        assert not report.problems
        await assert_summaries_hold(conn)


async def test_a_rolled_back_write_leaves_them(conn: AsyncConnection) -> None:
    before = await summarised_project_stats(conn, ProjectGrouping.COUNTRY, None)
    savepoint = await conn.begin_nested()
    await add_synthetic_projects(conn, 5)
    await flush_summaries(conn)
    await savepoint.rollback()
    after = await summarised_project_stats(conn, ProjectGrouping.COUNTRY, None)
    assert _comparable(after) == _comparable(before)
    await assert_summaries_hold(conn)
