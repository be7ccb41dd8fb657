"""Aggregates computed by PostgreSQL (``GROUP BY``), never by looping over rows in Python.

Every total keeps the honesty of its parts: amounts are summed per currency only, a sum's
qualifier follows from its terms (exact plus "at least" is "at least"), and what cannot be
counted (projects without an amount, groups without a share of women) is counted apart
rather than silently as zero.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql.elements import ColumnElement

from db import queries as q
from db.conditions import Condition
from db.enums import PartnerRole, Qualifier
from db.tables.statistics import (
    BUCKET,
    FLUSHED,
    MONEY,
    PEOPLE,
    TALLIES,
    summary_bucket,
    summary_bucket_money,
    summary_membership,
    summary_project,
    summary_project_money,
)


class ProjectGrouping(StrEnum):
    COUNTRY = "COUNTRY"
    THEME = "THEME"
    PARTNER = "PARTNER"
    PROGRAMME = "PROGRAMME"
    STATUS = "STATUS"
    START_YEAR = "START_YEAR"


class ContributionGrouping(StrEnum):
    DONOR = "DONOR"
    KIND = "KIND"
    PERIOD = "PERIOD"


def combined_qualifier(
    *qualifiers: ColumnElement[Any], where: Condition | None = None
) -> ColumnElement[Any]:
    """The qualifier of a sum (or product of non-negative figures) of qualified terms: null
    when no term is counted (``where`` picks the terms)."""
    where = sa.true() if where is None else where

    def any_is(value: Qualifier) -> ColumnElement[Any]:
        return sa.func.bool_or(sa.or_(*(x == value.value for x in qualifiers))).filter(where)

    all_exact = sa.func.bool_and(sa.and_(*(x == Qualifier.EXACT.value for x in qualifiers)))
    return sa.case(
        (sa.func.count().filter(where) == 0, sa.null()),
        (all_exact.filter(where), Qualifier.EXACT.value),
        (
            sa.or_(
                any_is(Qualifier.APPROXIMATE),
                sa.and_(any_is(Qualifier.AT_LEAST), any_is(Qualifier.AT_MOST)),
            ),
            Qualifier.APPROXIMATE.value,
        ),
        (any_is(Qualifier.AT_LEAST), Qualifier.AT_LEAST.value),
        else_=Qualifier.AT_MOST.value,
    )


NOT_STATED = "Not stated"


def _buckets_of(grouping: ProjectGrouping, role: PartnerRole | None) -> sa.Select[Any]:
    """(project_id, key, label) for every bucket a project falls in."""
    p = q.project
    year = sa.cast(sa.cast(sa.extract("year", p.c.effective_start), sa.Integer), sa.String)
    if grouping is ProjectGrouping.COUNTRY:
        link, c = q.project_country, q.country
        return sa.select(link.c.project_id, c.c.code, c.c.name).join(
            c, c.c.code == link.c.country_code
        )
    if grouping is ProjectGrouping.THEME:
        link, t = q.project_theme, q.theme
        return sa.select(link.c.project_id, t.c.slug, t.c.name).join(
            t, t.c.slug == link.c.theme_slug
        )
    if grouping is ProjectGrouping.PARTNER:
        link, o = q.project_partner, q.partner
        return (
            sa.select(link.c.project_id, o.c.code, sa.func.coalesce(o.c.acronym, o.c.name))
            .join(o, o.c.id == link.c.partner_id)
            .where(sa.true() if role is None else link.c.role == role.value)
        )
    if grouping is ProjectGrouping.PROGRAMME:
        link, g = q.project_programme, q.programme
        return sa.select(link.c.project_id, g.c.code, g.c.name).join(
            g, g.c.id == link.c.programme_id
        )
    if grouping is ProjectGrouping.STATUS:
        status = sa.cast(p.c.status, sa.String)
        return sa.select(p.c.id, status, sa.func.coalesce(status, NOT_STATED))
    return sa.select(p.c.id, year, sa.func.coalesce(year, NOT_STATED))


def _keyed(selected: sa.CTE, grouping: ProjectGrouping | None, role: PartnerRole | None) -> sa.CTE:
    """(project, bucket key, label) pairs, and one ``total`` row per project."""
    total = sa.select(
        selected.c.id.label("project_id"),
        sa.cast(sa.null(), sa.String).label("key"),
        sa.literal("All projects").label("label"),
        sa.true().label("total"),
    )
    if grouping is None:
        return total.cte("keyed")
    pairs = _buckets_of(grouping, role)
    project_id, key, label = pairs.selected_columns
    bucketed = (
        pairs.with_only_columns(
            project_id.label("project_id"),
            key.label("key"),
            label.label("label"),
            sa.false().label("total"),
        )
        .where(project_id.in_(sa.select(selected.c.id)))
        .distinct()
    )
    return sa.union_all(bucketed, total).cte("keyed")


def _money(selected: sa.CTE) -> sa.CTE:
    """Each project's amount per currency: its budget where stated, else what its funders'
    stated amounts add up to."""
    p, link = q.project, q.project_partner
    budgets = sa.select(
        p.c.id.label("project_id"),
        p.c.budget_currency.label("currency"),
        p.c.budget_amount.label("amount"),
        p.c.budget_amount_qualifier.label("qualifier"),
    ).where(p.c.budget_amount.is_not(None), p.c.id.in_(sa.select(selected.c.id)))
    funded = sa.select(
        link.c.project_id, link.c.currency, link.c.amount, link.c.amount_qualifier
    ).where(
        link.c.amount.is_not(None),
        link.c.role == PartnerRole.FUNDING.value,
        link.c.project_id.in_(sa.select(selected.c.id)),
        link.c.project_id.not_in(sa.select(p.c.id).where(p.c.budget_amount.is_not(None))),
    )
    return sa.union_all(budgets, funded).cte("money")


@dataclass(frozen=True)
class ProjectStatsRows:
    buckets: Sequence[RowMapping]
    """One row per bucket (``total`` true for the grand total): counts and people."""
    amounts: Sequence[RowMapping]
    """One row per bucket and currency."""


async def project_stats(
    conn: AsyncConnection,
    where: Condition,
    grouping: ProjectGrouping | None,
    role: PartnerRole | None,
) -> ProjectStatsRows:
    """The statistics grouped from the projects' own rows: what the aggregates the database
    keeps must always sum to (``tests/db/test_stats.py`` holds them to it after every kind
    of write, filtered or not). The service reads the kept ones
    (``summarised_project_stats``): this grouping costs what every matching row costs, the
    projects' groups, links and amounts each joined to every bucket they fall in."""
    selected = sa.select(q.project.c.id).where(where).cte("selected")
    keyed = _keyed(selected, grouping, role)
    money = _money(selected)
    group = q.beneficiary_group
    targeted = group.c.target_count.is_not(None)
    reached = group.c.reached_count.is_not(None)
    with_share = sa.and_(targeted, group.c.women_share.is_not(None))
    without_share = sa.and_(targeted, group.c.women_share.is_(None))
    buckets = (
        sa.select(
            keyed.c.total,
            keyed.c.key,
            keyed.c.label,
            sa.func.count(sa.distinct(keyed.c.project_id)).label("projects"),
            sa.func.count(sa.distinct(keyed.c.project_id))
            .filter(keyed.c.project_id.not_in(sa.select(money.c.project_id)))
            .label("projects_without_amount"),
            sa.func.count(group.c.id).label("groups"),
            sa.func.count(group.c.id)
            .filter(group.c.target_count.is_(None))
            .label("groups_without_target"),
            sa.func.sum(group.c.target_count).label("targeted"),
            combined_qualifier(group.c.target_count_qualifier, where=targeted).label(
                "targeted_qualifier"
            ),
            sa.func.sum(group.c.reached_count).label("reached"),
            combined_qualifier(group.c.reached_count_qualifier, where=reached).label(
                "reached_qualifier"
            ),
            sa.func.sum(group.c.target_count * group.c.women_share / 100)
            .filter(with_share)
            .label("women"),
            combined_qualifier(
                group.c.target_count_qualifier, group.c.women_share_qualifier, where=with_share
            ).label("women_qualifier"),
            sa.func.count(group.c.id).filter(without_share).label("groups_without_share"),
            sa.func.sum(group.c.target_count).filter(without_share).label("targeted_without_share"),
        )
        .select_from(keyed)
        .outerjoin(group, group.c.project_id == keyed.c.project_id)
        .group_by(keyed.c.total, keyed.c.key, keyed.c.label)
        .order_by(keyed.c.total, keyed.c.label)
    )
    amounts = (
        sa.select(
            keyed.c.total,
            keyed.c.key,
            money.c.currency,
            sa.func.sum(money.c.amount).label("amount"),
            combined_qualifier(money.c.qualifier).label("qualifier"),
            sa.func.count(sa.distinct(money.c.project_id)).label("projects"),
        )
        .select_from(keyed)
        .join(money, money.c.project_id == keyed.c.project_id)
        .group_by(keyed.c.total, keyed.c.key, money.c.currency)
        .order_by(money.c.currency)
    )
    return ProjectStatsRows(
        buckets=(await conn.execute(buckets)).mappings().all(),
        amounts=(await conn.execute(amounts)).mappings().all(),
    )


async def contribution_stats(
    conn: AsyncConnection, where: Condition, grouping: ContributionGrouping | None
) -> Sequence[RowMapping]:
    """Per bucket and currency (``total`` rows for all contributions): count, sum, qualifier."""
    c, donor = q.contribution, q.partner
    period = sa.func.concat(c.c.period_start_year, "-", c.c.period_end_year)
    key, label = {
        None: (sa.cast(sa.null(), sa.String), sa.literal("All contributions")),
        ContributionGrouping.DONOR: (donor.c.code, sa.func.coalesce(donor.c.acronym, donor.c.name)),
        # As text: the totals' label shares the column, and is no kind.
        ContributionGrouping.KIND: (sa.cast(c.c.kind, sa.String), sa.cast(c.c.kind, sa.String)),
        ContributionGrouping.PERIOD: (period, period),
    }[grouping]
    base = (
        sa.select(
            sa.literal(grouping is None).label("total"),
            key.label("key"),
            label.label("label"),
            sa.func.min(c.c.period_start_year).label("first_year"),
            c.c.currency,
            sa.func.count().label("contributions"),
            sa.func.sum(c.c.amount).label("amount"),
            combined_qualifier(c.c.amount_qualifier).label("qualifier"),
        )
        .join_from(c, donor, donor.c.id == c.c.donor_id)
        .where(where)
        .group_by(key, label, c.c.currency)
    )
    if grouping is None:
        stmt = base.order_by(c.c.currency)
    else:
        totals = (
            base.with_only_columns(
                sa.true().label("total"),
                sa.cast(sa.null(), sa.String).label("key"),
                sa.literal("All contributions").label("label"),
                sa.func.min(c.c.period_start_year).label("first_year"),
                c.c.currency,
                sa.func.count().label("contributions"),
                sa.func.sum(c.c.amount).label("amount"),
                combined_qualifier(c.c.amount_qualifier).label("qualifier"),
            )
            .group_by(None)
            .group_by(c.c.currency)
        )
        union = sa.union_all(base, totals).subquery()
        stmt = sa.select(union).order_by(
            union.c.total, union.c.first_year, union.c.label, union.c.currency
        )
    return (await conn.execute(stmt)).mappings().all()


def tallied_qualifier(
    terms: ColumnElement[Any],
    exact: ColumnElement[Any],
    approximate: ColumnElement[Any],
    at_least: ColumnElement[Any],
    at_most: ColumnElement[Any],
) -> ColumnElement[Any]:
    """``combined_qualifier`` of terms counted in ``db/tables/statistics.py``'s tallies."""
    return sa.case(
        (terms == 0, sa.null()),
        (exact == terms, Qualifier.EXACT.value),
        (sa.or_(approximate > 0, sa.and_(at_least > 0, at_most > 0)), Qualifier.APPROXIMATE.value),
        (at_least > 0, Qualifier.AT_LEAST.value),
        else_=Qualifier.AT_MOST.value,
    )


TOTAL = "TOTAL"


def summary_grouping(grouping: ProjectGrouping, role: PartnerRole | None) -> str:
    """The ``grouped_by`` of the summaries' buckets of ``grouping``."""
    if grouping is ProjectGrouping.PARTNER and role is not None:
        return f"PARTNER_{role.value}"
    return grouping.value


def _labelled(
    sums: sa.Subquery, grouping: ProjectGrouping | None
) -> tuple[sa.FromClause, ColumnElement[Any], ColumnElement[Any]]:
    """The buckets' rows joined to what names them: (from, key, label)."""
    is_total = sums.c.grouped_by == TOTAL
    ref = sa.func.nullif(sums.c.ref, "")
    named: tuple[sa.Table, ColumnElement[Any], ColumnElement[Any], ColumnElement[Any]] | None
    named = (
        {
            ProjectGrouping.COUNTRY: (
                q.country,
                q.country.c.code,
                q.country.c.code,
                q.country.c.name,
            ),
            ProjectGrouping.THEME: (q.theme, q.theme.c.slug, q.theme.c.slug, q.theme.c.name),
            ProjectGrouping.PARTNER: (
                q.partner,
                sa.cast(q.partner.c.id, sa.Text),
                q.partner.c.code,
                sa.func.coalesce(q.partner.c.acronym, q.partner.c.name),
            ),
            ProjectGrouping.PROGRAMME: (
                q.programme,
                sa.cast(q.programme.c.id, sa.Text),
                q.programme.c.code,
                q.programme.c.name,
            ),
        }.get(grouping)
        if grouping is not None
        else None
    )
    key: ColumnElement[Any]
    label: ColumnElement[Any]
    source: sa.FromClause
    if named is None:
        key, label, source = ref, sa.func.coalesce(ref, NOT_STATED), sums
    else:
        table, joined, key, label = named
        source = sums.outerjoin(table, sa.and_(sa.not_(is_total), joined == sums.c.ref))
    return (
        source,
        sa.case((is_total, sa.null()), else_=key),
        sa.case((is_total, sa.literal("All projects")), else_=label),
    )


def _kinds(grouping: ProjectGrouping | None, role: PartnerRole | None) -> list[str]:
    return [TOTAL] if grouping is None else [TOTAL, summary_grouping(grouping, role)]


def _memberships(kinds: list[str], where: Condition) -> sa.Subquery:
    """The buckets (of ``kinds``) of the projects matching ``where``, as the database keeps
    them: the filter finds its projects first (through the link tables' indexes), and each
    of them adds its few rows."""
    m = summary_membership
    matching = sa.select(q.project.c.id).where(where)
    return (
        sa.select(m.c.project_id, m.c.grouped_by, m.c.ref)
        .where(m.c.project_id.in_(matching), m.c.grouped_by.in_(kinds))
        .subquery()
    )


def _summed(column: ColumnElement[Any], name: str) -> ColumnElement[Any]:
    """A sum in its bucket column's type (a count's sum is a count)."""
    total = sa.func.sum(column)
    return (total if name in ("women", "amount") else sa.cast(total, sa.BigInteger)).label(name)


def _bucket_rows(kinds: list[str], where: Condition | None) -> sa.Select[Any]:
    """Each bucket's counts and people (``summary_bucket``'s columns): the kept ones for
    every project, else the sums of the matching projects' kept figures."""
    if where is None:
        b = summary_bucket
        return sa.select(b.c.grouped_by, b.c.ref, *(b.c[name] for name in BUCKET)).where(
            b.c.grouped_by.in_(kinds), b.c.projects > 0
        )
    members, f = _memberships(kinds, where), summary_project
    return (
        sa.select(
            members.c.grouped_by,
            members.c.ref,
            sa.func.count().label("projects"),
            sa.func.count().filter(sa.not_(f.c.has_amount)).label("projects_without_amount"),
            *(_summed(f.c[name], name) for name in PEOPLE),
        )
        .join_from(members, f, f.c.project_id == members.c.project_id)
        .group_by(members.c.grouped_by, members.c.ref)
    )


def _money_rows(kinds: list[str], where: Condition | None) -> sa.Select[Any]:
    """Each bucket's amounts per currency (``summary_bucket_money``'s columns), as
    ``_bucket_rows`` its counts."""
    if where is None:
        m = summary_bucket_money
        return sa.select(
            m.c.grouped_by, m.c.ref, m.c.currency, *(m.c[name] for name in ("records", *MONEY))
        ).where(m.c.grouped_by.in_(kinds), m.c.records > 0)
    members, pm = _memberships(kinds, where), summary_project_money
    return (
        sa.select(
            members.c.grouped_by,
            members.c.ref,
            pm.c.currency,
            sa.func.count().label("records"),
            *(_summed(pm.c[name], name) for name in MONEY),
        )
        .join_from(members, pm, pm.c.project_id == members.c.project_id)
        .group_by(members.c.grouped_by, members.c.ref, pm.c.currency)
    )


def summary_buckets(
    grouping: ProjectGrouping | None, role: PartnerRole | None, where: Condition | None = None
) -> sa.Select[Any]:
    """The buckets of every project (or of those matching ``where``) from the aggregates
    the database keeps, as ``project_stats`` gives them (``total``, ``key``, ``label``,
    counts and people), the total last, the others by label; with the bucket's
    ``grouped_by`` and ``ref``, which name its rows of amounts (``bucket_money``, or
    ``summary_amounts``' for a filter)."""
    sums = _bucket_rows(_kinds(grouping, role), where).subquery("sums")
    source, key, label = _labelled(sums, grouping)
    c = sums.c

    def people(name: str) -> list[ColumnElement[Any]]:
        tallies = [c[f"{name}_{t}"] for t in TALLIES]
        return [
            sa.case((tallies[0] == 0, sa.null()), else_=c[name]).label(name),
            tallied_qualifier(*tallies).label(f"{name}_qualifier"),
        ]

    return (
        sa.select(
            (c.grouped_by == TOTAL).label("total"),
            key.label("key"),
            label.label("label"),
            c.grouped_by,
            c.ref,
            c.projects,
            c.projects_without_amount,
            c.groups,
            c.groups_without_target,
            *people("targeted"),
            *people("reached"),
            *people("women"),
            c.groups_without_share,
            sa.case((c.groups_without_share == 0, sa.null()), else_=c.targeted_without_share).label(
                "targeted_without_share"
            ),
        )
        .select_from(source)
        .order_by(c.grouped_by == TOTAL, label, key)
    )


def summary_amounts(
    grouping: ProjectGrouping | None, role: PartnerRole | None, where: Condition | None = None
) -> sa.Select[Any]:
    """Each bucket's amounts per currency from the aggregates the database keeps (of every
    project, or of those matching ``where``): ``total``, ``key``, ``currency``, ``amount``,
    ``qualifier`` and ``projects``, by currency; and the bucket's ``grouped_by`` and
    ``ref``."""
    money = _money_rows(_kinds(grouping, role), where).subquery("sums")
    source, key, _ = _labelled(money, grouping)
    return (
        sa.select(
            (money.c.grouped_by == TOTAL).label("total"),
            key.label("key"),
            money.c.grouped_by,
            money.c.ref,
            money.c.currency,
            money.c.amount,
            tallied_qualifier(*(money.c[t] for t in TALLIES)).label("qualifier"),
            money.c.records.label("projects"),
        )
        .select_from(source)
        .order_by(money.c.currency)
    )


def bucket_money(grouped_by: ColumnElement[Any], ref: ColumnElement[Any]) -> sa.Select[Any]:
    """One bucket's amounts per currency from the aggregates the database keeps
    (``currency``, ``amount``, ``qualifier`` and ``projects``), found by its key in
    ``summary_bucket_money``'s unique index: a few rows, whatever the number of buckets."""
    m = summary_bucket_money
    return sa.select(
        m.c.currency,
        m.c.amount,
        tallied_qualifier(*(m.c[t] for t in TALLIES)).label("qualifier"),
        m.c.records.label("projects"),
    ).where(m.c.grouped_by == grouped_by, m.c.ref == ref, m.c.records > 0)


async def summarised_project_stats(
    conn: AsyncConnection,
    grouping: ProjectGrouping | None,
    role: PartnerRole | None,
    where: Condition | None = None,
) -> ProjectStatsRows:
    """``project_stats`` of every project (or of those matching ``where``), read from the
    aggregates the database keeps (``db/tables/statistics.py``) instead of grouping the
    projects' rows: for every project it costs what the buckets are, for a filter what the
    matching projects' kept figures are (a row each, and one per bucket they are in)."""
    return ProjectStatsRows(
        buckets=(await conn.execute(summary_buckets(grouping, role, where))).mappings().all(),
        amounts=(await conn.execute(summary_amounts(grouping, role, where))).mappings().all(),
    )


async def flush_summaries(conn: AsyncConnection) -> None:
    """Count the projects this transaction touched now rather than at its commit, so its
    own reads of the summaries see its writes (0012's deferred trigger, run early)."""
    await conn.execute(sa.text(f"SET CONSTRAINTS {FLUSHED} IMMEDIATE"))
    await conn.execute(sa.text(f"SET CONSTRAINTS {FLUSHED} DEFERRED"))
