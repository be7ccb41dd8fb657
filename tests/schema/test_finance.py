"""``financeStats`` on the made-up three-publisher chain (``tests/finance_chain.py``): every
bucket adds back up to the transactions per currency, and the split, year, budget,
conversion and chain rules give the figures worked out by hand."""

from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncConnection

from tests.conftest import Execute, StatementCounter
from tests.finance_chain import add_funding_chain

MEASURES = ["incomingFunds", "commitments", "disbursements", "expenditure", "budget"]
FULL = (
    "{ amounts { amount currency records estimatedBySplit } converted convertedRecords "
    "notConverted { amount currency records } }"
)
SUMS = "{ amounts { amount currency } }"


def _query(total: str, bucket: str, measures: list[str]) -> str:
    """The cost limit counts every bucket a grouping could have: a client asking for many
    measures in detail per bucket asks for fewer buckets or fewer fields."""
    totals = " ".join(f"{m} {total}" for m in [*measures, "spend", "budgetLeft"])
    buckets = " ".join(f"{m} {bucket}" for m in measures)
    return (
        "query($groupBy: [FinanceGrouping!], $currency: String, $budgetYear: BudgetYear, "
        "$chain: ChainCounting) { financeStats(groupBy: $groupBy, currency: $currency, "
        "budgetYear: $budgetYear, chain: $chain, "
        'filter: {codes: ["test-d1", "test-a1", "test-i1"]}) {'
        f" currency total {{ records estimatedBySplit rebased {totals} }}"
        f" buckets {{ keys {{ grouping key label }} records estimatedBySplit rebased {buckets} }}"
        " } }"
    )


STATS = _query(SUMS, SUMS, MEASURES)
DETAILED = _query(FULL, "{ amounts { amount currency estimatedBySplit } }", MEASURES)


@pytest.fixture
async def chain(conn: AsyncConnection) -> dict[str, int]:
    return await add_funding_chain(conn)


async def _stats(gql: Execute, query: str = STATS, **variables: Any) -> dict[str, Any]:
    result = await gql(query, variables)
    assert result.errors is None, result.errors
    stats: dict[str, Any] = result.data["financeStats"]
    return stats


def _amounts(measure: dict[str, Any]) -> dict[str | None, Decimal]:
    return {a["currency"]: Decimal(a["amount"]) for a in measure["amounts"]}


def _bucket(stats: dict[str, Any], *keys: str | None) -> dict[str, Any]:
    for bucket in stats["buckets"]:
        if tuple(k["key"] for k in bucket["keys"]) == keys:
            return bucket  # type: ignore[no-any-return]
    raise AssertionError(f"no bucket {keys}")


def _cents(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@pytest.mark.parametrize(
    "group_by",
    [
        ["YEAR"],
        ["QUARTER"],
        ["RECIPIENT_COUNTRY"],
        ["REGION"],
        ["SECTOR"],
        ["SECTOR_CATEGORY"],
        ["PROVIDER"],
        ["RECEIVER"],
        ["PUBLISHER"],
        ["FUNDING_PARTNER"],
        ["TRANSACTION_TYPE"],
        ["HUMANITARIAN"],
        ["YEAR", "RECIPIENT_COUNTRY"],
        ["SECTOR", "RECIPIENT_COUNTRY", "QUARTER"],
    ],
)
async def test_buckets_add_up_to_the_transactions(
    gql: Execute, chain: dict[str, int], group_by: list[str]
) -> None:
    stats = await _stats(gql, groupBy=group_by, currency="USD")
    published = {
        "incomingFunds": {"KRW": Decimal(500000), "USD": Decimal(300)},
        "commitments": {"KRW": Decimal(1000000)},
        "disbursements": {"KRW": Decimal(500000), "USD": Decimal(400)},
        "expenditure": {"KES": Decimal(260)},
        "budget": {"KRW": Decimal(730000)},
    }
    for measure, expected in published.items():
        assert _amounts(stats["total"][measure]) == expected
        summed: dict[str | None, Decimal] = defaultdict(Decimal)
        for bucket in stats["buckets"]:
            for currency, amount in _amounts(bucket[measure]).items():
                summed[currency] += amount
        for currency, amount in expected.items():
            # each bucket rounds its sum to the cent once
            assert abs(summed[currency] - amount) <= Decimal("0.01") * len(stats["buckets"])
    assert sum(b["records"] for b in stats["buckets"]) >= stats["total"]["records"] == 9


ECB_2022_03_15 = {"USD": Decimal("1.0991"), "KRW": Decimal("1366.05")}
IMF_2022_KES = Decimal("117.8659892016825")


def _krw_in_usd(amount: int) -> Decimal:
    return _cents(amount * (ECB_2022_03_15["USD"] / ECB_2022_03_15["KRW"]))


async def test_a_transaction_s_own_country_wins_else_the_activity_s_shares(
    gql: Execute, chain: dict[str, int]
) -> None:
    stats = await _stats(gql, DETAILED, groupBy=["RECIPIENT_COUNTRY"], currency="USD")
    kenya, tanzania, none = (_bucket(stats, k) for k in ("KE", "TZ", None))
    assert kenya["keys"][0]["label"] == "Kenya"
    # 300 USD split half and half, and 100 USD of the agency's own Kenyan disbursement
    assert _amounts(kenya["disbursements"]) == {"USD": Decimal(250)}
    assert kenya["disbursements"]["amounts"][0]["estimatedBySplit"] == "150.00"
    assert _amounts(tanzania["disbursements"]) == {"USD": Decimal(150)}
    assert _amounts(kenya["incomingFunds"]) == {"KRW": Decimal(250000), "USD": Decimal(300)}
    # the donor's activity names no country: its money is in the null bucket, not guessed
    assert _amounts(none["commitments"]) == {"KRW": Decimal(1000000)}
    assert _amounts(none["budget"]) == {"KRW": Decimal(730000)}
    assert kenya["estimatedBySplit"] == 2  # the agency's incoming funds and disbursement


async def test_percentages_over_100_are_rebased_and_counted(
    gql: Execute, chain: dict[str, int]
) -> None:
    stats = await _stats(gql, DETAILED, groupBy=["SECTOR"])
    education, basic_health = _bucket(stats, "11110"), _bucket(stats, "12220")
    # the donor's 60 % + 60 %: half each
    assert _amounts(education["commitments"]) == {"KRW": Decimal(500000)}
    assert _amounts(basic_health["commitments"]) == {"KRW": Decimal(500000)}
    assert education["rebased"] == basic_health["rebased"] == 3  # commitment, disbursement, budget
    # the agency's 100 USD disbursement carries its own sector: it is not split
    assert _amounts(basic_health["disbursements"]) == {"KRW": Decimal(250000), "USD": Decimal(100)}
    category = await _stats(gql, groupBy=["SECTOR_CATEGORY"])
    assert {b["keys"][0]["key"] for b in category["buckets"]} >= {"111", "122"}


async def test_budgets_split_by_days_or_go_to_their_end_year(
    gql: Execute, chain: dict[str, int]
) -> None:
    by_days = await _stats(gql, groupBy=["YEAR"])
    assert _amounts(_bucket(by_days, "2022")["budget"]) == {"KRW": Decimal(368000)}  # 184 days
    assert _amounts(_bucket(by_days, "2023")["budget"]) == {"KRW": Decimal(362000)}  # 181 days
    at_end = await _stats(gql, groupBy=["YEAR"], budgetYear="END")
    assert _amounts(_bucket(at_end, "2023")["budget"]) == {"KRW": Decimal(730000)}
    assert "budget" not in {m for m in MEASURES if _bucket(at_end, "2022")[m]["amounts"]}


async def test_conversion_at_each_value_date_and_what_has_no_rate(
    gql: Execute, chain: dict[str, int]
) -> None:
    stats = await _stats(gql, DETAILED, currency="USD")
    total = stats["total"]
    assert stats["currency"] == "USD"
    disbursed = _krw_in_usd(500000) + 400
    assert Decimal(total["disbursements"]["converted"]) == disbursed
    expenditure = total["expenditure"]
    assert Decimal(expenditure["converted"]) == _cents(250 / IMF_2022_KES)
    assert expenditure["notConverted"] == [{"amount": "10.00", "currency": "KES", "records": 1}]
    assert Decimal(total["spend"]["converted"]) == disbursed + _cents(250 / IMF_2022_KES)
    budget_left = total["budgetLeft"]
    assert _amounts(budget_left) == {
        "KES": Decimal(-260),
        "KRW": Decimal(730000 - 500000),
        "USD": Decimal(-400),
    }


async def test_without_a_currency_nothing_is_converted(gql: Execute, chain: dict[str, int]) -> None:
    stats = await _stats(gql, DETAILED)
    assert stats["total"]["commitments"]["converted"] is None
    assert stats["total"]["commitments"]["notConverted"][0]["currency"] == "KRW"


async def test_first_hop_counts_money_once_along_the_chain(
    gql: Execute, chain: dict[str, int]
) -> None:
    each_hop = await _stats(gql)
    first_hop = await _stats(gql, chain="FIRST_HOP")
    assert _amounts(each_hop["total"]["disbursements"]) == {
        "KRW": Decimal(500000),
        "USD": Decimal(400),
    }
    # the agency and the implementer are funded by activities held: their outgoing flows go
    assert _amounts(first_hop["total"]["disbursements"]) == {"KRW": Decimal(500000)}
    assert _amounts(first_hop["total"]["expenditure"]) == {}
    assert _amounts(first_hop["total"]["incomingFunds"]) == _amounts(
        each_hop["total"]["incomingFunds"]
    )


@pytest.mark.parametrize(
    ("variables", "argument"),
    [
        ({"groupBy": ["YEAR", "YEAR"]}, "groupBy"),
        ({"groupBy": ["YEAR", "QUARTER", "SECTOR", "RECIPIENT_COUNTRY"]}, "groupBy"),
        ({"currency": "dollars"}, "currency"),
    ],
)
async def test_bad_arguments_are_refused_with_a_code(
    gql: Execute, variables: dict[str, Any], argument: str
) -> None:
    result = await gql(STATS, variables)
    assert result.errors is not None
    assert result.errors[0]["extensions"] == {"code": "BAD_USER_INPUT", "argument": argument}


async def test_statements_do_not_grow_with_the_rows(
    gql: Execute, conn: AsyncConnection, statements: StatementCounter
) -> None:
    """One statement picks the filter's projects and answers (the compiled path; the
    resolvers' two are held to it in ``test_compiled_reads_finance``): whatever the
    groupings."""
    await add_funding_chain(conn)
    for group_by in (["YEAR"], ["YEAR", "RECIPIENT_COUNTRY", "SECTOR"]):
        await statements.clear()
        await _stats(gql, groupBy=group_by, currency="EUR")
        assert await statements.counted() == 1
