"""Aggregate fields: ``projectStats`` and ``contributionStats``, computed in SQL."""

from collections import defaultdict
from decimal import Decimal
from typing import Annotated, Any

import strawberry

from db import conditions
from db.enums import PartnerRole, Qualifier
from db.stats import ContributionGrouping, ProjectGrouping, contribution_stats, project_stats
from schema.descriptions import described_enum
from schema.filters import (
    ContributionFilter,
    ProjectFilter,
    contribution_criteria,
    project_criteria,
)
from schema.info import Info
from schema.types.common import plain_decimal
from schema.types.money import Money

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
    amount: Money = strawberry.field(
        description="The sum. Its qualifier is EXACT only when every term is, APPROXIMATE "
        "when any term is (or bounds point both ways), else AT_LEAST or AT_MOST."
    )
    records: int = strawberry.field(description="Projects or contributions summed.")


@strawberry.type(description="A total of people with how exact it is.")
class PeopleCount:
    value: Decimal = strawberry.field(
        description="Number of people; a decimal because a share of women times a count need "
        "not be whole."
    )
    qualifier: Qualifier = strawberry.field(
        description="How exact the total is: EXACT only when every term is."
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
    groups: int = strawberry.field(description="Beneficiary groups of the projects counted.")
    targeted: PeopleCount | None = strawberry.field(description="Sum of target counts.")
    reached: PeopleCount | None = strawberry.field(description="Sum of reached counts.")
    women_targeted: PeopleCount | None = strawberry.field(
        description="Women among the targeted, from each group's share: a share of at least "
        "65 % gives a lower bound. Only groups that state a share."
    )
    groups_without_target: int = strawberry.field(
        description="Groups that state no target count, left out of `targeted`."
    )
    groups_without_women_share: int = strawberry.field(
        description="Groups with a target but no share of women, left out of womenTargeted."
    )
    targeted_without_women_share: int = strawberry.field(
        description="Their targeted people, left out of womenTargeted."
    )


@strawberry.type(description="Projects in one bucket, or all of them (key null).")
class ProjectBucket:
    key: str | None = strawberry.field(description="Code, slug, status or year; null if none.")
    label: str = strawberry.field(
        description="What a person reads: a country's or programme's name, a partner's "
        'acronym; "All projects" for the total; "Not stated" where the key is null.'
    )
    project_count: int = strawberry.field(description="Projects in the bucket, each once.")
    amounts: list[MoneyTotal] = strawberry.field(
        description="Per currency: each project's budget where stated, else its funders' "
        "stated amounts."
    )
    projects_without_amount: int = strawberry.field(
        description="Projects with neither a budget nor a funder's stated amount: not "
        "counted in `amounts`, never as zero."
    )
    people: People = strawberry.field(description="People of the bucket's projects.")


@strawberry.type(description="Aggregates of the projects matching a `projectStats` filter.")
class ProjectStats:
    total: ProjectBucket = strawberry.field(description="Every matching project once.")
    buckets: list[ProjectBucket] = strawberry.field(
        description="A project is in every bucket it belongs to (all its countries...)."
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
    where = conditions.project_condition(project_criteria(filter))
    rows = await info.context.read(project_stats, where, group_by, partner_role)
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
