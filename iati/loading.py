"""Build ``Activity`` records from the tables, a batch of projects at a time.

Each batch costs the same dozen statements whatever its size (projects, then every kind of
linked row for all of them at once), so an export's statements grow with the number of
batches, not of rows, and its memory with the batch size, not the file.
"""

from collections.abc import AsyncIterator, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from db import queries as q
from db.conditions import project_condition
from db.criteria import ProjectCriteria
from db.enums import BeneficiaryCategory
from iati.records import (
    Activity,
    ActivityDate,
    CountryLink,
    Figure,
    Group,
    Money,
    Organisation,
    PartnerLink,
    ProgrammeRef,
    Result,
    Source,
    ThemeRef,
)

Grouped = dict[Any, list[RowMapping]]


def _figure(row: RowMapping, name: str) -> Figure | None:
    return None if row[name] is None else Figure(row[name], row[f"{name}_qualifier"])


def _money(row: RowMapping, amount: str, currency: str) -> Money | None:
    if row[amount] is None:
        return None
    return Money(row[amount], row[currency], row[f"{amount}_qualifier"])


def _sources(rows: Sequence[RowMapping]) -> list[Source]:
    return [
        Source(
            document=r["file_name"],
            excerpt=r["excerpt"],
            title=r["title"],
            publisher=r["publisher"],
            published_on=r["published_on"],
            published_on_precision=r["published_on_precision"],
        )
        for r in rows
    ]


async def _rows(conn: AsyncConnection, stmt: sa.Select[Any], key: str = "project_id") -> Grouped:
    grouped: Grouped = {}
    for row in (await conn.execute(stmt)).mappings():
        grouped.setdefault(row[key], []).append(row)
    return grouped


async def count_left_out(conn: AsyncConnection, criteria: ProjectCriteria) -> int:
    """How many selected projects lack what the schema requires (``iati.writing.missing``),
    counted in SQL so an HTTP answer can say it before it streams the file."""
    p = q.project
    has_group = sa.exists().where(q.beneficiary_group.c.project_id == p.c.id)
    has_partner = sa.exists().where(q.project_partner.c.project_id == p.c.id)
    lacking = sa.or_(
        p.c.status.is_(None),
        sa.func.coalesce(p.c.planned_start, p.c.actual_start, p.c.planned_end, p.c.actual_end).is_(
            None
        ),
        sa.and_(p.c.summary.is_(None), ~has_group),
        ~has_partner,
    )
    stmt = sa.select(sa.func.count()).select_from(p).where(project_condition(criteria), lacking)
    return int(await conn.scalar(stmt) or 0)


async def project_activities(
    conn: AsyncConnection,
    criteria: ProjectCriteria,
    *,
    reporting_ref: str,
    batch_size: int = 200,
) -> AsyncIterator[Activity]:
    """The projects ``criteria`` selects, in code order, as activities."""
    p = q.project
    after: str | None = None
    while True:
        stmt = sa.select(p).where(project_condition(criteria)).order_by(p.c.code).limit(batch_size)
        if after is not None:
            stmt = stmt.where(p.c.code > after)
        projects = (await conn.execute(stmt)).mappings().all()
        if not projects:
            return
        for activity in await _activities(conn, projects, reporting_ref):
            yield activity
        after = projects[-1]["code"]


async def _activities(
    conn: AsyncConnection, projects: Sequence[RowMapping], reporting_ref: str
) -> list[Activity]:
    ids = [row["id"] for row in projects]
    pp, pc, pg, pt, pr = (
        q.project_partner,
        q.project_country,
        q.project_programme,
        q.project_theme,
        q.project_region,
    )
    partners = await _rows(
        conn,
        sa.select(
            pp,
            q.partner.c.code,
            q.partner.c.name,
            q.partner.c.acronym,
            q.partner.c.kind,
            q.partner.c.iati_identifier,
        )
        .join(q.partner, q.partner.c.id == pp.c.partner_id)
        .where(pp.c.project_id.in_(ids))
        .order_by(pp.c.id),
    )
    countries = await _rows(conn, sa.select(pc).where(pc.c.project_id.in_(ids)).order_by(pc.c.id))
    programmes = await _rows(
        conn,
        sa.select(
            pg.c.project_id, q.programme.c.code, q.programme.c.name, q.programme.c.iati_identifier
        )
        .join(q.programme, q.programme.c.id == pg.c.programme_id)
        .where(pg.c.project_id.in_(ids))
        .order_by(q.programme.c.code),
    )
    themes = await _rows(
        conn,
        sa.select(pt.c.project_id, q.theme.c.slug, q.theme.c.name)
        .join(q.theme, q.theme.c.slug == pt.c.theme_slug)
        .where(pt.c.project_id.in_(ids))
        .order_by(q.theme.c.slug),
    )
    regions = await _rows(
        conn, sa.select(pr).where(pr.c.project_id.in_(ids)).order_by(pr.c.region_code)
    )
    groups = await _rows(
        conn,
        sa.select(q.beneficiary_group)
        .where(q.beneficiary_group.c.project_id.in_(ids))
        .order_by(q.beneficiary_group.c.code),
    )
    outcomes = await _rows(
        conn,
        sa.select(q.outcome).where(q.outcome.c.project_id.in_(ids)).order_by(q.outcome.c.code),
    )

    async def cited(column: str, rows: Grouped) -> Grouped:
        record_ids = [r["id"] for group in rows.values() for r in group]
        return dict(await q.load_citations(conn, column, record_ids)) if record_ids else {}

    project_sources = dict(await q.load_citations(conn, "project_id", ids))
    partner_sources = await cited("project_partner_id", partners)
    country_sources = await cited("project_country_id", countries)
    group_sources = await cited("beneficiary_group_id", groups)
    outcome_sources = await cited("outcome_id", outcomes)

    activities = []
    for row in projects:
        pid = row["id"]
        activity = Activity(
            identifier=row["iati_identifier"] or f"{reporting_ref}-{row['code']}",
            title=row["title"],
            code=row["code"],
            acronym=row["acronym"],
            summary=row["summary"],
            status=row["status"],
            status_as_of=row["status_as_of"],
            status_derived=row["status_derived"],
            duration_months=row["duration_months"],
            budget=_money(row, "budget_amount", "budget_currency"),
            sources=_sources(project_sources.get(pid, [])),
        )
        for name in ("planned_start", "actual_start", "planned_end", "actual_end"):
            if row[name] is not None:
                activity.dates[name] = ActivityDate(
                    row[name], row[f"{name}_precision"], row[f"{name}_derived"]
                )
        activity.partners = [
            PartnerLink(
                Organisation(
                    name=r["name"],
                    ref=r["ref"] or r["iati_identifier"],
                    kind=r["kind"],
                    code=r["code"],
                    acronym=r["acronym"],
                ),
                role=r["role"],
                amount=_money(r, "amount", "currency"),
                sources=_sources(partner_sources.get(r["id"], [])),
            )
            for r in partners.get(pid, [])
        ]
        activity.countries = [
            CountryLink(
                r["country_code"],
                r["role"],
                r["percentage"],
                _sources(country_sources.get(r["id"], [])),
            )
            for r in countries.get(pid, [])
        ]
        activity.programmes = [
            ProgrammeRef(
                r["iati_identifier"] or f"{reporting_ref}-{r['code']}", r["code"], r["name"]
            )
            for r in programmes.get(pid, [])
        ]
        activity.themes = [ThemeRef(r["slug"], r["name"]) for r in themes.get(pid, [])]
        activity.regions = [r["region_code"] for r in regions.get(pid, [])]
        activity.groups = [
            Group(
                description=r["description"],
                categories=[BeneficiaryCategory(c) for c in r["categories"]],
                code=r["code"],
                target_count=_figure(r, "target_count"),
                reached_count=_figure(r, "reached_count"),
                women_share=_figure(r, "women_share"),
                country=r["country_code"],
                location=r["location"],
                sources=_sources(group_sources.get(r["id"], [])),
            )
            for r in groups.get(pid, [])
        ]
        activity.results = [
            Result(
                kind=r["kind"],
                statement=r["statement"],
                indicator=r["indicator"],
                measure=r["measure"],
                unit=r["unit"],
                code=r["code"],
                baseline=_figure(r, "baseline"),
                baseline_year=r["baseline_year"],
                target=_figure(r, "target"),
                actual=_figure(r, "actual"),
                period_start=r["period_start"],
                period_end=r["period_end"],
                period_precision=r["period_precision"],
                dimensions=dict(r["dimensions"]),
                sources=_sources(outcome_sources.get(r["id"], [])),
            )
            for r in outcomes.get(pid, [])
        ]
        activities.append(activity)
    return activities
