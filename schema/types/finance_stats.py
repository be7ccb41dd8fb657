"""``financeStats``: IATI transactions and budgets summed per bucket, in their currencies
and converted, with what was estimated by a split or left out said per bucket.

Two paths give the same JSON. The resolvers run ``db.finance_stats``'s statement and sum
its rows into objects (``_measure``); the compiled path (``finance_stats_rule``) builds the
answer of the fields asked for inside the query's one statement (``FinanceAnswer``), each
field's rule beside it, summing the same rows in SQL as ``_measure`` sums them in Python.
Its decimals are written as Python writes a sum of ``Decimal``s: a sum of amounts rounded
to the cent has cents ("0.00" too), a sum of nothing is a bare "0".
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Annotated, Any

import sqlalchemy as sa
import strawberry
from graphql import GraphQLError
from sqlalchemy.dialects.postgresql import aggregate_order_by
from sqlalchemy.sql import FromClause
from sqlalchemy.sql.elements import ColumnElement

from db import conditions, queries
from db.columns import TEXT_COLLATION
from db.finance_stats import (
    COMBINED,
    CURRENCY,
    MAX_GROUPINGS,
    VOCABULARY,
    BudgetYear,
    ChainCounting,
    FinanceAnswer,
    FinanceGrouping,
    Measure,
    finance_stats,
    measure_rows,
)
from db.json_select import EMPTY_LIST, Json, as_text, key_literal
from schema.compiled.builders import from_values
from schema.compiled.compiler import CannotCompile, Compiler, Request, Rule, compiled_field
from schema.descriptions import described_enum
from schema.errors import bad_user_input
from schema.filters import ProjectFilter, project_criteria
from schema.info import Info
from schema.permissions import CanRead
from schema.types.common import at_most
from schema.types.conversion import currency_argument

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


@dataclass(frozen=True)
class _Answer:
    """The scope of ``FinanceStats`` on the compiled path: ``FinanceAnswer``'s rows and the
    arguments; the measure rules note the combined measures asked for in ``combined``."""

    rows: sa.TableClause
    groupings: tuple[FinanceGrouping, ...]
    target: str | None
    budget_year: BudgetYear
    chain: ChainCounting
    combined: set[str]


@dataclass(frozen=True)
class _BucketRows:
    """The scope of a ``FinanceBucket``: the rows of one bucket (grouped by its keys), or of
    the total (no ``groupings``)."""

    rows: FromClause
    groupings: tuple[FinanceGrouping, ...]
    converting: bool
    combined: set[str]


@dataclass(frozen=True)
class _MeasureRows:
    """The scope of a ``FinanceMeasure``: its bucket's rows, of which those of ``measure``."""

    rows: FromClause
    measure: str
    converting: bool

    @property
    def of_measure(self) -> ColumnElement[bool]:
        return self.rows.c.measure == key_literal(self.measure)


_ZERO: ColumnElement[str] = sa.literal_column("'0'::text")
"""``Decimal(0)`` as the resolvers write it: what they start a sum of nothing from."""
_NONE: ColumnElement[int] = sa.literal_column("0")
"""A count of nothing, written into the text (not bound)."""


def _stated(compiler: Compiler, answer: _Answer, request: Request) -> Json:
    """An argument as the answer repeats it (the currency, the budget years, the chain)."""
    value = {
        "currency": answer.target,
        "budget_year": answer.budget_year.value,
        "chain": answer.chain.value,
    }[request.python_name]
    return sa.null() if value is None else key_literal(value)


def _total(compiler: Compiler, answer: _Answer, request: Request) -> Json:
    rows = answer.rows.alias("total_rows")
    scope = _BucketRows(rows, (), answer.target is not None, answer.combined)
    built = compiler.object(request.returns.name, scope, request.nodes, request.path)
    return sa.select(built).select_from(rows).where(sa.not_(rows.c.bucket)).scalar_subquery()


def _buckets(compiler: Compiler, answer: _Answer, request: Request) -> Json:
    """Each bucket's object from its rows, in the resolver's order: by key, nulls last, as
    Python orders strings (by code point, the "C" collation)."""
    rows = answer.rows.alias("bucket_rows")
    scope = _BucketRows(rows, answer.groupings, answer.target is not None, answer.combined)
    built = compiler.object(request.returns.name, scope, request.nodes, request.path)
    if not answer.groupings:
        return EMPTY_LIST  # only the total
    keys = [rows.c[f"k{i}"] for i in range(len(answer.groupings))]
    grouped = (
        sa.select(built.label("bucket"), *(key.label(f"k{i}") for i, key in enumerate(keys)))
        .select_from(rows)
        .where(rows.c.bucket)
        .group_by(*keys)
        .subquery("buckets")
    )
    order = [
        part
        for i in range(len(keys))
        for part in (grouped.c[f"k{i}"].is_(None), grouped.c[f"k{i}"].collate(TEXT_COLLATION))
    ]
    aggregated = sa.func.json_agg(aggregate_order_by(grouped.c.bucket, *order))
    return sa.func.coalesce(
        sa.select(aggregated).select_from(grouped).scalar_subquery(), EMPTY_LIST
    )


def _keys(compiler: Compiler, bucket: _BucketRows, request: Request) -> Json:
    """One ``FinanceKey`` per grouping; a label is the least of the bucket's (its counts
    row's, which the resolver takes)."""
    if not bucket.groupings:
        return EMPTY_LIST
    rows = bucket.rows
    return sa.func.json_build_array(
        *(
            compiler.object(
                request.returns.name,
                {
                    "grouping": key_literal(grouping.value),
                    "key": rows.c[f"k{i}"],
                    "label": sa.func.min(rows.c[f"l{i}"]),
                },
                request.nodes,
                request.path,
            )
            for i, grouping in enumerate(bucket.groupings)
        )
    )


def _count(column: str) -> Rule:
    """A count of the bucket's counts row (one per bucket, and one for the total)."""

    def rule(compiler: Compiler, bucket: _BucketRows, request: Request) -> Json:
        counted = sa.func.max(bucket.rows.c[column]).filter(bucket.rows.c.counts_only)
        return sa.func.coalesce(counted, _NONE)

    return rule


def _measure_rule(measure: str) -> Rule:
    """A measure of the bucket, one of ``Measure`` or of ``COMBINED``."""

    def rule(compiler: Compiler, bucket: _BucketRows, request: Request) -> Json:
        if measure in COMBINED:
            bucket.combined.add(measure)
        scope = _MeasureRows(bucket.rows, measure, bucket.converting)
        return compiler.object(request.returns.name, scope, request.nodes, request.path)

    return rule


def _amounts(left_out: bool) -> Rule:
    """``amounts`` (or, ``left_out``, ``notConverted``): a ``FinanceAmount`` per currency of
    the measure, nulls last, as ``_measure`` lists them."""

    def rule(compiler: Compiler, scope: _MeasureRows, request: Request) -> Json:
        r = scope.rows.c
        where = scope.of_measure
        if left_out:
            values: dict[str, ColumnElement[Any]] = {
                "amount": sa.case((r.has_not_converted, as_text(r.not_converted)), else_=_ZERO),
                "currency": r.currency,
                "records": r.records - r.converted_records,
                "estimated_by_split": _ZERO,
            }
            where = sa.and_(where, r.records > r.converted_records)
        else:
            values = {
                "amount": as_text(r.amount),
                "currency": r.currency,
                "records": r.records,
                "estimated_by_split": as_text(r.split_amount),
            }
        built = compiler.object(request.returns.name, values, request.nodes, request.path)
        order: list[ColumnElement[Any]] = [
            r.currency.is_(None),
            r.currency.collate(TEXT_COLLATION),
        ]
        listed = sa.func.json_agg(aggregate_order_by(built, *order)).filter(where)
        return sa.func.coalesce(listed, EMPTY_LIST)

    return rule


def _converted(compiler: Compiler, scope: _MeasureRows, request: Request) -> Json:
    if not scope.converting:
        return sa.null()
    return as_text(sa.func.sum(scope.rows.c.converted).filter(scope.of_measure))


def _converted_records(compiler: Compiler, scope: _MeasureRows, request: Request) -> Json:
    counted = sa.func.sum(scope.rows.c.converted_records).filter(scope.of_measure)
    return sa.func.coalesce(counted, _NONE)


@strawberry.type(description="An amount in one original currency.")
class FinanceAmount:
    amount: Decimal = compiled_field(
        from_values(),
        description="Sum of the bucket's shares, rounded to two decimals once summed.",
    )
    currency: str | None = compiled_field(
        from_values(),
        description="ISO 4217 code as published; null where neither the value nor the "
        "activity states one.",
    )
    records: int = compiled_field(
        from_values(), description="Transactions or budgets summed, wholly or in part."
    )
    estimated_by_split: Decimal = compiled_field(
        from_values(),
        description="The part of `amount` that is a share from percentages or days rather "
        "than a published figure.",
    )


@strawberry.type(
    description="One measure of a bucket: per original currency, and converted when "
    "`financeStats(currency:)` is given."
)
class FinanceMeasure:
    amounts: list[FinanceAmount] = compiled_field(
        _amounts(left_out=False),
        description="Per original currency: amounts in different currencies are never added.",
    )
    converted: Decimal | None = compiled_field(
        _converted,
        description="The sum in `financeStats(currency:)` of what had a rate, each record at "
        "its value date (the README's conversion rule); null without `currency`, or when "
        "nothing here had a rate.",
    )
    converted_records: int = compiled_field(
        _converted_records, description="Records converted, wholly or in part."
    )
    not_converted: list[FinanceAmount] = compiled_field(
        _amounts(left_out=True),
        description="Per original currency, what had no rate (a currency or year neither "
        "source quotes) or no currency: left out of `converted`, never guessed. With "
        "`currency` null, everything.",
    )


@strawberry.type(description="Which bucket of one grouping.")
class FinanceKey:
    grouping: FinanceGrouping = compiled_field(from_values(), description="The grouping.")
    key: str | None = compiled_field(
        from_values(),
        description="Year, quarter, ISO code, sector code, partner code or ref, type code; "
        "null where the record has none (not stated, or on the other kind of geography).",
    )
    label: str | None = compiled_field(
        from_values(), description="A country's or partner's name where known; null otherwise."
    )


@strawberry.type(description="Money in one bucket of the cross-tabulation, or in total.")
class FinanceBucket:
    keys: list[FinanceKey] = compiled_field(
        _keys, description="One per `groupBy` grouping, in its order; empty for the total."
    )
    records: int = compiled_field(
        _count("records"),
        description="Transactions and budgets counted here, wholly or in part.",
    )
    estimated_by_split: int = compiled_field(
        _count("split_records"),
        description="Records whose share here comes from percentages, equal shares or days "
        "(not published for this bucket).",
    )
    rebased: int = compiled_field(
        _count("rebased_records"),
        description="Records split by percentages that did not add up to 100, rebased.",
    )
    sums: strawberry.Private[dict[tuple[Measure, str | None], "_Sums"]]
    converting: strawberry.Private[bool]
    # The measures are summed per currency when asked for: a year-by-country answer has
    # thousands of buckets, and a query seldom asks for all seven measures of each.

    def _one(self, measure: Measure) -> FinanceMeasure:
        return _measure(self.sums, ((measure, 1),), self.converting)

    @compiled_field(
        _measure_rule(Measure.INCOMING_FUNDS), description="Transactions of type 1, Incoming Funds."
    )
    def incoming_funds(self) -> FinanceMeasure:
        return self._one(Measure.INCOMING_FUNDS)

    @compiled_field(
        _measure_rule(Measure.COMMITMENT),
        description="Transactions of type 2, Outgoing Commitment.",
    )
    def commitments(self) -> FinanceMeasure:
        return self._one(Measure.COMMITMENT)

    @compiled_field(
        _measure_rule(Measure.DISBURSEMENT), description="Transactions of type 3, Disbursement."
    )
    def disbursements(self) -> FinanceMeasure:
        return self._one(Measure.DISBURSEMENT)

    @compiled_field(
        _measure_rule(Measure.EXPENDITURE), description="Transactions of type 4, Expenditure."
    )
    def expenditure(self) -> FinanceMeasure:
        return self._one(Measure.EXPENDITURE)

    @compiled_field(
        _measure_rule("SPEND"),
        description="Disbursements plus expenditure, per currency (and converted).",
    )
    def spend(self) -> FinanceMeasure:
        return _measure(self.sums, COMBINED["SPEND"], self.converting)

    @compiled_field(
        _measure_rule(Measure.BUDGET),
        description="Budgets; an original budget overlapping a revised one of the same "
        "activity is replaced by it.",
    )
    def budget(self) -> FinanceMeasure:
        return self._one(Measure.BUDGET)

    @compiled_field(
        _measure_rule("BUDGET_LEFT"),
        description="Budget minus spend, per currency (and converted); negative when more "
        "was spent than budgeted.",
    )
    def budget_left(self) -> FinanceMeasure:
        return _measure(self.sums, COMBINED["BUDGET_LEFT"], self.converting)


@strawberry.type(description="Finance figures of IATI transactions and budgets.")
class FinanceStats:
    currency: str | None = compiled_field(_stated, description="The currency converted into.")
    budget_year: BudgetYear = compiled_field(_stated, description="How budgets were assigned.")
    chain: ChainCounting = compiled_field(_stated, description="Which flows are counted.")
    total: FinanceBucket = compiled_field(
        _total, description="Every record once (buckets add up to it, except POLICY_MARKER's)."
    )
    buckets: list[FinanceBucket] = compiled_field(
        _buckets,
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
    sums: dict[tuple[Measure, str | None], _Sums],
    parts: tuple[tuple[Measure, int], ...],
    target: bool,
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
    if not VOCABULARY.fullmatch(sector_vocabulary):
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
            bucket = buckets.setdefault(keys, _Bucket(keys=[]))
        else:
            bucket = total
        if row["counts_only"]:
            bucket.counts = (row["records"], row["split_records"], row["rebased_records"])
            if row["bucket"]:
                # The counts row's labels are the least of the bucket's records' (two
                # transactions may name one organisation ref by two names).
                bucket.keys = [
                    FinanceKey(grouping=g, key=row[f"k{i}"], label=row[f"l{i}"])
                    for i, g in enumerate(groupings)
                ]
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


def finance_stats_rule(compiler: Compiler, root: None, request: Request) -> Json:
    """``resolve_finance_stats`` in SQL: its statement's rows summed into the fields asked
    for inside the compiled statement (``FinanceAnswer``), the filter's projects selected
    there too. Arguments the resolver refuses leave the query to the resolvers, which
    answer the error; so do those the statement's text cannot hold."""
    arguments = compiler.arguments(request)
    try:
        groupings = _groupings(list(arguments.get("group_by") or []))
        currency = arguments.get("currency")
        target = currency_argument(currency, "currency") if currency is not None else None
        found = arguments.get("filter")
        criteria = None if found is None else project_criteria(found)
    except GraphQLError as error:
        raise CannotCompile("arguments the resolver refuses") from error
    vocabulary: str = arguments["sector_vocabulary"]
    if (target is not None and not CURRENCY.fullmatch(target)) or not VOCABULARY.fullmatch(
        vocabulary
    ):
        raise CannotCompile("a currency or vocabulary the resolvers answer")
    answer = _Answer(
        rows=measure_rows(len(groupings)),
        groupings=tuple(groupings),
        target=target,
        budget_year=arguments["budget_year"],
        chain=arguments["chain"],
        combined=set(),
    )
    body = compiler.object(request.returns.name, answer, request.nodes, request.path)
    projects = (
        None
        if criteria is None
        else sa.select(queries.project.c.id).where(conditions.project_condition(criteria))
    )
    return FinanceAnswer(
        body,
        groupings=answer.groupings,
        budget_year=answer.budget_year,
        chain=answer.chain,
        target=target,
        vocabulary=vocabulary,
        projects=projects,
        combined=sorted(answer.combined),
    )


finance_stats_field: FinanceStats = compiled_field(
    finance_stats_rule,
    resolver=resolve_finance_stats,
    permission_classes=[CanRead],
    description="IATI transactions and budgets summed per measure and currency, converted "
    "on request, in total and per bucket of the `groupBy` groupings, each bucket saying "
    "what it estimated by a split and what it left out (the README's \"Finance "
    'statistics" gives the rules).',
)
