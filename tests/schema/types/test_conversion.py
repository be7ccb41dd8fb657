"""``Money.converted``: every amount of an answer converted in one statement, bad currency
codes refused with a code."""

import pytest

from tests.conftest import Execute, StatementCounter

BUDGETS = """query($on: Date) {
  projects(first: 100) { edges { node { code budget { amount currency
    converted(currency: "EUR", on: $on) { amount currency rate rateDate source } } } } }
}"""


async def test_budgets_convert_at_the_date_asked(gql: Execute) -> None:
    result = await gql(BUDGETS, {"on": "2022-03-15"})
    assert result.errors is None
    budgets = [e["node"]["budget"] for e in result.data["projects"]["edges"]]
    usd = [b for b in budgets if b and b["currency"] == "USD"]
    assert usd
    for budget in usd:
        converted = budget["converted"]
        assert converted["source"] == "ECB_DAILY"
        assert converted["rateDate"] == "2022-03-15"
        assert converted["currency"] == "EUR"
        # 1 / 1.0991, the ECB's dollar that day
        assert converted["rate"].startswith("0.9098353198")


async def test_without_a_date_nothing_is_converted(gql: Execute) -> None:
    """The dataset's budgets have no value date: a client must say which day's rate."""
    result = await gql(BUDGETS, {"on": None})
    assert result.errors is None
    budgets = [e["node"]["budget"] for e in result.data["projects"]["edges"]]
    assert all(b["converted"] is None for b in budgets if b)


async def test_all_amounts_in_one_statement(gql: Execute, statements: StatementCounter) -> None:
    await gql(BUDGETS, {"on": "2022-03-15"})
    await statements.clear()
    await gql(BUDGETS, {"on": "2022-03-15"})
    rate_statements = [s for s in await statements.sent() if "exchange_rate" in s]
    assert len(rate_statements) == 1


@pytest.mark.parametrize("currency", ["euro", "usd", "USD\n", "\nUSD", "USDX"])
async def test_a_currency_that_is_no_code_is_refused(gql: Execute, currency: str) -> None:
    """A trailing newline is refused like any other text that is no code."""
    result = await gql(
        "query($currency: String!) { projects(first: 100) { edges { node { budget { "
        "converted(currency: $currency) { amount } } } } } }",
        {"currency": currency},
    )
    assert result.errors is not None
    assert {tuple(e["extensions"].items()) for e in result.errors} == {
        (("code", "BAD_USER_INPUT"), ("argument", "currency"))
    }
