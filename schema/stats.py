"""Aggregate fields: ``projectStats`` and ``contributionStats``, computed in SQL.

``projectStats`` reads the aggregates the database keeps as the data changes
(``db/tables/statistics.py``): every project's buckets as they are kept, or, with a filter,
the sums of the matching projects' kept figures. On the compiled path (rules beside the
fields) either is one statement building its JSON from them.
"""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Annotated, Any

import sqlalchemy as sa
import strawberry
from sqlalchemy.sql import FromClause

from db import conditions
from db.enums import PartnerRole, Qualifier
from db.json_select import EMPTY_LIST, Json, trimmed_decimal, unless_null
from db.stats import (
    ContributionGrouping,
    ProjectGrouping,
    bucket_money,
    contribution_stats,
    summarised_project_stats,
    summary_amounts,
    summary_buckets,
)
from db.tables.statistics import summary_bucket_money
from schema.compiled.builders import Values, column, from_values, money
from schema.compiled.compiler import Compiler, Request, compiled_field
from schema.descriptions import described_enum
from schema.filters import (
    ContributionFilter,
    ProjectFilter,
    contribution_criteria,
    project_criteria,
)
from schema.info import Info
from schema.permissions import CanRead
from schema.types.common import plain_decimal
from schema.types.money import Money


@dataclass(frozen=True)
class Buckets:
    """The scope of ``ProjectStats`` on the compiled path: the buckets, computed once (a
    CTE)."""

    buckets: sa.CTE
    amounts: sa.CTE | None = None
    """A filter's amounts of every bucket (``summary_amounts``), computed once; ``None``
    where each bucket finds its own among the kept aggregates."""


@dataclass(frozen=True)
class Bucket:
    """The scope of a ``ProjectBucket`` (and its ``People``): its row."""

    row: FromClause
    amounts: sa.CTE | None = None
    """As ``Buckets.amounts``."""


def bucket_column(name: str) -> Any:
    return lambda compiler, bucket, request: bucket.row.c[name]


def people_count(name: str) -> Any:
    """``_people``: the figure with its qualifier, null when either is."""

    def rule(compiler: Compiler, bucket: Bucket, request: Request) -> Json:
        value, qualifier = bucket.row.c[name], bucket.row.c[f"{name}_qualifier"]
        values: Values = {"value": trimmed_decimal(value), "qualifier": qualifier}
        built = compiler.object(request.returns.name, values, request.nodes, request.path)
        return unless_null(built, value, qualifier)

    return rule


def bucket_amounts(compiler: Compiler, bucket: Bucket, request: Request) -> Json:
    """The bucket's amounts by currency, looked up per bucket by its key in the kept
    aggregates' index, which gives them in currency order, so ``json_agg`` needs no sort of
    its own (a sort per bucket costs more than its lookup). A lookup in one list of every
    bucket's amounts, by a correlated scan, cost Q5 15 ms of its 17 at 10,000 projects. A
    filter's buckets find theirs among its amounts, summed once for all of them."""
    row = bucket.row
    if bucket.amounts is None:
        found_in = bucket_money(row.c.grouped_by, row.c.ref).order_by(
            summary_bucket_money.c.currency
        )
    else:
        a = bucket.amounts
        found_in = (
            sa.select(a.c.currency, a.c.amount, a.c.qualifier, a.c.projects)
            .where(a.c.grouped_by == row.c.grouped_by, a.c.ref == row.c.ref)
            .order_by(a.c.currency)
        )
    amounts = found_in.correlate(row).subquery("bucket_amounts")
    built = compiler.object(request.returns.name, amounts, request.nodes, request.path)
    found = sa.select(sa.func.json_agg(built)).select_from(amounts).scalar_subquery()
    return sa.func.coalesce(found, EMPTY_LIST)


def bucket_people(compiler: Compiler, bucket: Bucket, request: Request) -> Json:
    return compiler.object(request.returns.name, bucket, request.nodes, request.path)


described_enum(
    ProjectGrouping,
    "How to bucket projects in `projectStats`; a project falls in every bucket it belongs to.",
    COUNTRY="One bucket per country the project works in or with: key the ISO code, label "
    "the name.",
    THEME="One bucket per theme: key the slug, label the name.",
    PARTNER="One bucket per partner linked in `partnerRole`: key the partner's code, label "
    "its acronym (else its name).",
    PROGRAMME="One bucket per programme: key the programme's code, label its name.",
    STATUS="One bucket per status; projects without a stated status in one with key null.",
    START_YEAR="One bucket per year of the actual start, else the planned one; projects "
    "without a start date in one with key null.",
)
described_enum(
    ContributionGrouping,
    "How to bucket contributions in `contributionStats`.",
    DONOR="One bucket per donor: key the partner's code, label its acronym (else its name).",
    KIND="One bucket per kind of contribution: key and label the ContributionKind.",
    PERIOD='One bucket per period of years: key and label "2016-2017".',
)


@strawberry.type(description="A sum in one currency: currencies are never added together.")
class MoneyTotal:
    amount: Money = compiled_field(
        money("amount", "currency", "qualifier"),
        description="The sum. Its qualifier is EXACT only when every term is, APPROXIMATE "
        "when any term is (or bounds point both ways), else AT_LEAST or AT_MOST.",
    )
    records: int = compiled_field(
        column("projects"), description="Projects or contributions summed."
    )


@strawberry.type(description="A total of people with how exact it is.")
class PeopleCount:
    value: Decimal = compiled_field(
        from_values(),
        description="Number of people; a decimal because a share of women times a count need "
        "not be whole.",
    )
    qualifier: Qualifier = compiled_field(
        from_values(), description="How exact the total is: EXACT only when every term is."
    )


def _people(value: Any, qualifier: str | None) -> PeopleCount | None:
    if value is None or qualifier is None:
        return None
    return PeopleCount(value=plain_decimal(Decimal(value)), qualifier=Qualifier(qualifier))


@strawberry.type(
    description="People the projects' beneficiary groups count. Groups that give no target "
    "or no share of women are counted apart, never as zero."
)
class People:
    groups: int = compiled_field(
        bucket_column("groups"), description="Beneficiary groups of the projects counted."
    )
    targeted: PeopleCount | None = compiled_field(
        people_count("targeted"), description="Sum of target counts."
    )
    reached: PeopleCount | None = compiled_field(
        people_count("reached"), description="Sum of reached counts."
    )
    women_targeted: PeopleCount | None = compiled_field(
        people_count("women"),
        description="Women among the targeted, from each group's share: a share of at least "
        "65 % gives a lower bound. Only groups that state a share.",
    )
    groups_without_target: int = compiled_field(
        bucket_column("groups_without_target"),
        description="Groups that state no target count, left out of `targeted`.",
    )
    groups_without_women_share: int = compiled_field(
        bucket_column("groups_without_share"),
        description="Groups with a target but no share of women, left out of womenTargeted.",
    )
    targeted_without_women_share: int = compiled_field(
        lambda compiler, bucket, request: sa.func.coalesce(bucket.row.c.targeted_without_share, 0),
        description="Their targeted people, left out of womenTargeted.",
    )


@strawberry.type(description="Projects in one bucket, or all of them (key null).")
class ProjectBucket:
    key: str | None = compiled_field(
        bucket_column("key"), description="Code, slug, status or year; null if none."
    )
    label: str = compiled_field(
        bucket_column("label"),
        description="What a person reads: a country's or programme's name, a partner's "
        'acronym; "All projects" for the total; "Not stated" where the key is null.',
    )
    project_count: int = compiled_field(
        bucket_column("projects"), description="Projects in the bucket, each once."
    )
    amounts: list[MoneyTotal] = compiled_field(
        bucket_amounts,
        description="Per currency: each project's budget where stated, else its funders' "
        "stated amounts.",
    )
    projects_without_amount: int = compiled_field(
        bucket_column("projects_without_amount"),
        description="Projects with neither a budget nor a funder's stated amount: not "
        "counted in `amounts`, never as zero.",
    )
    people: People = compiled_field(bucket_people, description="People of the bucket's projects.")


@strawberry.type(description="Aggregates of the projects matching a `projectStats` filter.")
class ProjectStats:
    total: ProjectBucket = compiled_field(
        lambda compiler, scope, request: stats_total(compiler, scope, request),
        description="Every matching project once.",
    )
    buckets: list[ProjectBucket] = compiled_field(
        lambda compiler, scope, request: stats_buckets(compiler, scope, request),
        description="A project is in every bucket it belongs to (all its countries...).",
    )


@strawberry.type(description="Contributions in one bucket, or all of them (key null).")
class ContributionBucket:
    key: str | None = strawberry.field(
        description="A donor's code, a kind or a period (2016-2017); null for the total."
    )
    label: str = strawberry.field(
        description="What a person reads: a donor's acronym, a kind, a period; \"All "
        'contributions" for the total.'
    )
    contribution_count: int = strawberry.field(description="Contributions in the bucket.")
    amounts: list[MoneyTotal] = strawberry.field(
        description="Per currency: contributions in different currencies are never added."
    )


@strawberry.type(
    description="Aggregates of the contributions matching a `contributionStats` filter."
)
class ContributionStats:
    total: ContributionBucket = strawberry.field(description="Every matching contribution.")
    buckets: list[ContributionBucket] = strawberry.field(
        description="One per `groupBy` value; empty without `groupBy`."
    )


def _money(row: Any) -> Money:
    return Money(
        amount=row["amount"], currency=row["currency"], qualifier=Qualifier(row["qualifier"])
    )


async def resolve_project_stats(
    info: Info,
    filter: Annotated[
        ProjectFilter | None,
        strawberry.argument(description="The projects to count; all of them when null."),
    ] = None,
    group_by: Annotated[
        ProjectGrouping | None,
        strawberry.argument(description="How to bucket them; null: the total only."),
    ] = None,
    partner_role: Annotated[
        PartnerRole | None,
        strawberry.argument(
            description="With groupBy PARTNER: only links in this role (null: any role)."
        ),
    ] = PartnerRole.FUNDING,
) -> ProjectStats:
    where = None if filter is None else conditions.project_condition(project_criteria(filter))
    rows = await info.context.read(summarised_project_stats, group_by, partner_role, where)
    amounts: dict[tuple[bool, str | None], list[MoneyTotal]] = defaultdict(list)
    for row in rows.amounts:
        amounts[row["total"], row["key"]].append(
            MoneyTotal(amount=_money(row), records=row["projects"])
        )
    buckets = [
        ProjectBucket(
            key=row["key"],
            label=row["label"],
            project_count=row["projects"],
            amounts=amounts[row["total"], row["key"]],
            projects_without_amount=row["projects_without_amount"],
            people=People(
                groups=row["groups"],
                targeted=_people(row["targeted"], row["targeted_qualifier"]),
                reached=_people(row["reached"], row["reached_qualifier"]),
                women_targeted=_people(row["women"], row["women_qualifier"]),
                groups_without_target=row["groups_without_target"],
                groups_without_women_share=row["groups_without_share"],
                targeted_without_women_share=row["targeted_without_share"] or 0,
            ),
        )
        for row in rows.buckets
    ]
    totals = [b for b, row in zip(buckets, rows.buckets, strict=True) if row["total"]]
    empty = ProjectBucket(
        key=None,
        label="All projects",
        project_count=0,
        amounts=[],
        projects_without_amount=0,
        people=People(
            groups=0,
            targeted=None,
            reached=None,
            women_targeted=None,
            groups_without_target=0,
            groups_without_women_share=0,
            targeted_without_women_share=0,
        ),
    )
    return ProjectStats(
        total=totals[0] if totals else empty,
        buckets=[b for b, row in zip(buckets, rows.buckets, strict=True) if not row["total"]],
    )


async def resolve_contribution_stats(
    info: Info,
    filter: Annotated[
        ContributionFilter | None,
        strawberry.argument(description="The contributions to sum; all of them when null."),
    ] = None,
    group_by: Annotated[
        ContributionGrouping | None,
        strawberry.argument(description="How to bucket them; null: the total only."),
    ] = None,
) -> ContributionStats:
    where = conditions.contribution_condition(contribution_criteria(filter))
    rows = await info.context.read(contribution_stats, where, group_by)
    buckets: dict[tuple[bool, str | None], ContributionBucket] = {}
    for row in rows:
        bucket = buckets.setdefault(
            (row["total"], row["key"]),
            ContributionBucket(
                key=row["key"], label=row["label"], contribution_count=0, amounts=[]
            ),
        )
        bucket.contribution_count += row["contributions"]
        bucket.amounts.append(MoneyTotal(amount=_money(row), records=row["contributions"]))
    total = next(
        (b for (is_total, _), b in buckets.items() if is_total),
        ContributionBucket(key=None, label="All contributions", contribution_count=0, amounts=[]),
    )
    return ContributionStats(
        total=total, buckets=[b for (is_total, _), b in buckets.items() if not is_total]
    )


COUNTED = ("projects", "projects_without_amount", "groups", "groups_without_target")


def stats_total(compiler: Compiler, scope: Buckets, request: Request) -> Json:
    """The total's row, or the resolver's empty total where no project is counted."""
    b = scope.buckets
    row = (
        sa.select(
            *(
                sa.literal(True).label(c.name)
                if c.name == "total"
                else sa.literal("All projects").label(c.name)
                if c.name == "label"
                else sa.func.coalesce(sa.func.max(c), 0).label(c.name)
                if c.name in (*COUNTED, "groups_without_share")
                else sa.func.max(c).label(c.name)
                for c in b.c
            )
        )
        .where(b.c.total)
        .subquery("total_row")
    )
    built = compiler.object(
        request.returns.name, Bucket(row, scope.amounts), request.nodes, request.path
    )
    return sa.select(built).select_from(row).scalar_subquery()


def stats_buckets(compiler: Compiler, scope: Buckets, request: Request) -> Json:
    b = scope.buckets
    row = sa.select(b).where(sa.not_(b.c.total)).subquery("bucket")
    built = compiler.object(
        request.returns.name, Bucket(row, scope.amounts), request.nodes, request.path
    )
    aggregated = sa.func.json_agg(
        sa.dialects.postgresql.aggregate_order_by(built, row.c.label, row.c.key)
    )
    return sa.func.coalesce(sa.select(aggregated).select_from(row).scalar_subquery(), EMPTY_LIST)


def project_stats_rule(compiler: Compiler, root: None, request: Request) -> Json:
    """``projectStats`` on the compiled path: the kept aggregates, as the resolver reads
    them."""
    arguments = compiler.arguments(request)
    grouping, role = arguments.get("group_by"), arguments.get("partner_role")
    if arguments.get("filter") is None:
        scope = Buckets(summary_buckets(grouping, role).cte())
    else:
        where = conditions.project_condition(project_criteria(arguments["filter"]))
        scope = Buckets(
            summary_buckets(grouping, role, where).cte(),
            summary_amounts(grouping, role, where).cte(),
        )
    return compiler.object(request.returns.name, scope, request.nodes, request.path)


project_stats_field: ProjectStats = compiled_field(
    project_stats_rule,
    resolver=resolve_project_stats,
    permission_classes=[CanRead],
    description="Counts, amounts and people of the projects matching `filter`, in total "
    "and per `groupBy` bucket.",
)
