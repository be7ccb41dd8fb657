"""``financeStats``: IATI transactions and budgets summed per bucket, in their currencies
and converted, with what was estimated by a split or left out said per bucket."""

import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Annotated, Any

import sqlalchemy as sa
import strawberry

from db import conditions, queries
from db.finance_stats import (
    MAX_GROUPINGS,
    BudgetYear,
    ChainCounting,
    FinanceGrouping,
    Measure,
    finance_stats,
)
from schema.descriptions import described_enum
from schema.errors import bad_user_input
from schema.filters import ProjectFilter, project_criteria
from schema.info import Info
from schema.types.common import at_most
from schema.types.conversion import currency_argument

VOCABULARY = re.compile(r"^[0-9A-Za-z]{1,8}$")
BUCKETS = 5_000
"""The most buckets an answer is counted as: years by countries of the benchmark's data
(about 30 by 150) fit."""

described_enum(
    FinanceGrouping,
    "How `financeStats` buckets money; `groupBy` takes several for a cross-tabulation "
    "(year by country). Where a record has no value for a grouping, its bucket's key is null.",
    YEAR="The transaction's year; a budget's period year, split by days or its end (`budgetYear`).",
    QUARTER='The quarter, "2022-Q3", as YEAR does for years.',
    RECIPIENT_COUNTRY="The transaction's recipient country, else the activity's countries "
    "by their percentages (money on regions: the null bucket). Label: the country's name.",
    REGION="The transaction's recipient region, else the activity's (DAC vocabulary) by "
    "percentages; money on countries falls in the null bucket.",
    SECTOR="The transaction's sectors of `sectorVocabulary`, else the activity's by their "
    "percentages, rebased to 100 % where they do not add up.",
    SECTOR_CATEGORY="The DAC 3-digit category of the DAC 5-digit sector (vocabulary 1), "
    "split as SECTOR is.",
    PROVIDER="The transaction's provider organisation: its partner code when matched, else "
    "its ref; null for budgets.",
    RECEIVER="The transaction's receiver organisation, as PROVIDER.",
    PUBLISHER="The activity's reporting organisation.",
    FUNDING_PARTNER="The activity's funding participating organisations, sharing its money "
    "equally (counted as estimated by split).",
    TRANSACTION_TYPE="The IATI TransactionType code (1, 2, 3, 4); null for budgets.",
    POLICY_MARKER="Each policy marker the activity carries with a significance other than "
    "0, the activity counted in full under each (as the DAC counts marked aid): these "
    "buckets overlap and do not add up to the total.",
    HUMANITARIAN="The transaction's humanitarian flag, else the activity's: \"true\", "
    '"false", or null where neither says.',
)
described_enum(
    BudgetYear,
    "How a budget whose period spans years is assigned to years and quarters.",
    SPLIT_BY_DAYS="In proportion to the days of its period in each (the default: a budget "
    "of July to June is half in each year, so budget and spend compare year by year); "
    "counted as estimated by split.",
    END="Wholly to the year (quarter) its period ends in.",
)
described_enum(
    ChainCounting,
    "Which flows a total over several publishers counts, so money passed down a funding "
    "chain is not counted twice over.",
    EACH_HOP="Each publisher's outgoing flows (the default): money is counted once at each "
    "hop it leaves, a donor's disbursement to an agency and the agency's to its "
    "implementer both; incoming funds are their own measure, never added to another.",
    FIRST_HOP="Only where money enters the data: outgoing flows of a project that received "
    "incoming funds from another project in the database are left out.",
)


@strawberry.type(description="An amount in one original currency.")
class FinanceAmount:
    amount: Decimal = strawberry.field(
        description="Sum of the bucket's shares, rounded to two decimals once summed."
    )
    currency: str | None = strawberry.field(
        description="ISO 4217 code as published; null where neither the value nor the "
        "activity states one."
    )
    records: int = strawberry.field(
        description="Transactions or budgets summed, wholly or in part."
    )
    estimated_by_split: Decimal = strawberry.field(
        description="The part of `amount` that is a share from percentages or days rather "
        "than a published figure."
    )


@strawberry.type(
    description="One measure of a bucket: per original currency, and converted when "
    "`financeStats(currency:)` is given."
)
class FinanceMeasure:
    amounts: list[FinanceAmount] = strawberry.field(
        description="Per original currency: amounts in different currencies are never added."
    )
    converted: Decimal | None = strawberry.field(
        description="The sum in `financeStats(currency:)` of what had a rate, each record at "
        "its value date (the README's conversion rule); null without `currency`, or when "
        "nothing here had a rate."
    )
    converted_records: int = strawberry.field(description="Records converted, wholly or in part.")
    not_converted: list[FinanceAmount] = strawberry.field(
        description="Per original currency, what had no rate (a currency or year neither "
        "source quotes) or no currency: left out of `converted`, never guessed. With "
        "`currency` null, everything."
    )


@strawberry.type(description="Which bucket of one grouping.")
class FinanceKey:
    grouping: FinanceGrouping = strawberry.field(description="The grouping.")
    key: str | None = strawberry.field(
        description="Year, quarter, ISO code, sector code, partner code or ref, type code; "
        "null where the record has none (not stated, or on the other kind of geography)."
    )
    label: str | None = strawberry.field(
        description="A country's or partner's name where known; null otherwise."
    )


@strawberry.type(description="Money in one bucket of the cross-tabulation, or in total.")
class FinanceBucket:
    keys: list[FinanceKey] = strawberry.field(
        description="One per `groupBy` grouping, in its order; empty for the total."
    )
    records: int = strawberry.field(
        description="Transactions and budgets counted here, wholly or in part."
    )
    estimated_by_split: int = strawberry.field(
        description="Records whose share here comes from percentages, equal shares or days "
        "(not published for this bucket)."
    )
    rebased: int = strawberry.field(
        description="Records split by percentages that did not add up to 100, rebased."
    )
    sums: strawberry.Private[dict[tuple[Measure, str | None], "_Sums"]]
    converting: strawberry.Private[bool]
    # The measures are summed per currency when asked for: a year-by-country answer has
    # thousands of buckets, and a query seldom asks for all seven measures of each.

    def _one(self, measure: Measure) -> FinanceMeasure:
        return _measure(self.sums, [(measure, 1)], self.converting)

    @strawberry.field(description="Transactions of type 1, Incoming Funds.")
    def incoming_funds(self) -> FinanceMeasure:
        return self._one(Measure.INCOMING_FUNDS)

    @strawberry.field(description="Transactions of type 2, Outgoing Commitment.")
    def commitments(self) -> FinanceMeasure:
        return self._one(Measure.COMMITMENT)

    @strawberry.field(description="Transactions of type 3, Disbursement.")
    def disbursements(self) -> FinanceMeasure:
        return self._one(Measure.DISBURSEMENT)

    @strawberry.field(description="Transactions of type 4, Expenditure.")
    def expenditure(self) -> FinanceMeasure:
        return self._one(Measure.EXPENDITURE)

    @strawberry.field(description="Disbursements plus expenditure, per currency (and converted).")
    def spend(self) -> FinanceMeasure:
        return _measure(self.sums, SPEND, self.converting)

    @strawberry.field(
        description="Budgets; an original budget overlapping a revised one of the same "
        "activity is replaced by it."
    )
    def budget(self) -> FinanceMeasure:
        return self._one(Measure.BUDGET)

    @strawberry.field(
        description="Budget minus spend, per currency (and converted); negative when more "
        "was spent than budgeted."
    )
    def budget_left(self) -> FinanceMeasure:
        return _measure(self.sums, BUDGET_LEFT, self.converting)


@strawberry.type(description="Finance figures of IATI transactions and budgets.")
class FinanceStats:
    currency: str | None = strawberry.field(description="The currency converted into.")
    budget_year: BudgetYear = strawberry.field(description="How budgets were assigned.")
    chain: ChainCounting = strawberry.field(description="Which flows are counted.")
    total: FinanceBucket = strawberry.field(
        description="Every record once (buckets add up to it, except POLICY_MARKER's)."
    )
    buckets: list[FinanceBucket] = strawberry.field(
        description="One per combination of the groupings' keys that has money.",
        directives=at_most(BUCKETS),
    )


@dataclass
class _Sums:
    amount: Decimal = Decimal(0)
    split: Decimal = Decimal(0)
    records: int = 0
    converted: Decimal | None = None
    converted_records: int = 0
    not_converted: Decimal = Decimal(0)


@dataclass
class _Bucket:
    keys: list[FinanceKey]
    counts: tuple[int, int, int] = (0, 0, 0)
    sums: dict[tuple[Measure, str | None], _Sums] = field(default_factory=dict)


def _measure(
    sums: dict[tuple[Measure, str | None], _Sums], parts: list[tuple[Measure, int]], target: bool
) -> FinanceMeasure:
    """A measure, or a signed combination of measures (spend, budget left), per currency."""
    per_currency: dict[str | None, _Sums] = defaultdict(_Sums)
    converted: Decimal | None = None
    converted_records = 0
    for (measure, currency), s in sums.items():
        sign = next((sign for m, sign in parts if m is measure), 0)
        if not sign:
            continue
        total = per_currency[currency]
        total.amount += sign * s.amount
        total.split += sign * s.split
        total.records += s.records
        total.not_converted += sign * s.not_converted
        total.converted_records += s.converted_records
        if target and s.converted is not None:
            converted = (converted or Decimal(0)) + sign * s.converted
        converted_records += s.converted_records
    order = sorted(per_currency, key=lambda c: (c is None, c or ""))
    return FinanceMeasure(
        amounts=[
            FinanceAmount(
                amount=per_currency[c].amount,
                currency=c,
                records=per_currency[c].records,
                estimated_by_split=per_currency[c].split,
            )
            for c in order
        ],
        converted=converted,
        converted_records=converted_records,
        not_converted=[
            FinanceAmount(
                amount=per_currency[c].not_converted,
                currency=c,
                records=per_currency[c].records - per_currency[c].converted_records,
                estimated_by_split=Decimal(0),
            )
            for c in order
            if per_currency[c].records > per_currency[c].converted_records
        ],
    )


SPEND = [(Measure.DISBURSEMENT, 1), (Measure.EXPENDITURE, 1)]
BUDGET_LEFT = [(Measure.BUDGET, 1), (Measure.DISBURSEMENT, -1), (Measure.EXPENDITURE, -1)]


def _public(bucket: _Bucket, target: bool) -> FinanceBucket:
    records, split, rebased = bucket.counts
    return FinanceBucket(
        keys=bucket.keys,
        records=records,
        estimated_by_split=split,
        rebased=rebased,
        sums=bucket.sums,
        converting=target,
    )


def _groupings(values: list[FinanceGrouping]) -> list[FinanceGrouping]:
    if len(values) > MAX_GROUPINGS:
        raise bad_user_input(
            f"groupBy takes at most {MAX_GROUPINGS} groupings.", argument="groupBy"
        )
    if len(set(values)) != len(values):
        raise bad_user_input("groupBy names a grouping twice.", argument="groupBy")
    return values


async def _selected_ids(info: Info, filter: ProjectFilter | None) -> list[int] | None:
    if filter is None:
        return None
    where = conditions.project_condition(project_criteria(filter))
    statement = sa.select(queries.project.c.id).where(where)

    async def run(conn: Any) -> list[int]:
        return list((await conn.execute(statement)).scalars())

    return await info.context.read(run)


async def resolve_finance_stats(
    info: Info,
    filter: Annotated[
        ProjectFilter | None,
        strawberry.argument(description="The projects whose money to count; all when null."),
    ] = None,
    group_by: Annotated[
        list[FinanceGrouping] | None,
        strawberry.argument(
            description="Groupings to cross-tabulate (at most 3); null or empty: the total "
            "only. A list, unlike `projectStats(groupBy:)`: finance questions are asked "
            "year by country, and a project's money splits across buckets by shares, so a "
            "cross-tabulation is not the product of single groupings' answers."
        ),
    ] = None,
    currency: Annotated[
        str | None,
        strawberry.argument(description="ISO 4217 code to convert into; null: no conversion."),
    ] = None,
    budget_year: Annotated[
        BudgetYear,
        strawberry.argument(description="How budgets spanning years are assigned to years."),
    ] = BudgetYear.SPLIT_BY_DAYS,
    chain: Annotated[
        ChainCounting,
        strawberry.argument(description="Which flows along funding chains are counted."),
    ] = ChainCounting.EACH_HOP,
    sector_vocabulary: Annotated[
        str,
        strawberry.argument(
            description="The SectorVocabulary code SECTOR groups by (1: DAC 5-digit)."
        ),
    ] = "1",
) -> FinanceStats:
    groupings = _groupings(list(group_by or []))
    target = currency_argument(currency, "currency") if currency is not None else None
    if not VOCABULARY.match(sector_vocabulary):
        raise bad_user_input(
            f"{sector_vocabulary!r} is not a SectorVocabulary code.", argument="sectorVocabulary"
        )
    project_ids = await _selected_ids(info, filter)
    rows = await info.context.read(
        finance_stats,
        project_ids=project_ids,
        groupings=groupings,
        target=target,
        budget_year=budget_year,
        chain=chain,
        sector_vocabulary=sector_vocabulary,
    )
    total = _Bucket(keys=[])
    buckets: dict[tuple[Any, ...], _Bucket] = {}
    for row in rows:
        if row["bucket"]:
            keys = tuple(row[f"k{i}"] for i in range(len(groupings)))
            bucket = buckets.get(keys)
            if bucket is None:
                bucket = buckets[keys] = _Bucket(
                    keys=[
                        FinanceKey(grouping=g, key=row[f"k{i}"], label=row[f"l{i}"])
                        for i, g in enumerate(groupings)
                    ]
                )
        else:
            bucket = total
        if row["counts_only"]:
            bucket.counts = (row["records"], row["split_records"], row["rebased_records"])
            continue
        bucket.sums[Measure(row["measure"]), row["currency"]] = _Sums(
            amount=row["amount"],
            split=row["split_amount"],
            records=row["records"],
            converted=row["converted"],
            converted_records=row["converted_records"],
            not_converted=row["not_converted"] or Decimal(0),
        )
    ordered = sorted(buckets.items(), key=lambda item: tuple((k is None, k or "") for k in item[0]))
    return FinanceStats(
        currency=target,
        budget_year=budget_year,
        chain=chain,
        total=_public(total, target is not None),
        buckets=[_public(b, target is not None) for _, b in ordered],
    )
