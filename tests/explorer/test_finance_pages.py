"""The explorer's finance pages on the demo's made-up sample chain (``make demo``), checked
against what the API answers."""

import re
from collections.abc import AsyncIterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.async_api import expect

from service.cli.demo_command import import_demo_files
from service.settings import Settings
from tests.explorer.conftest import BUILD, Site, Watched, screenshot
from tests.service.test_live import serving

SAMPLES = Path(__file__).parents[2] / "demo" / "iati"
AGENCY = "XE-EXAMPLE-MADEUP-AGENCY-001"
MINUS = "\u2212"
"""The minus sign the page writes before a negative amount."""

FINANCE = """query ($currency: String!) {
  financeStats(groupBy: [YEAR], currency: $currency) {
    total { disbursements { converted } commitments { converted } }
    buckets { keys { key } disbursements { converted } commitments { converted } }
  }
}"""
PROJECT = """query ($code: String!) {
  projects(filter: {codes: [$code]}) { edges { node {
    id title
    transactions { type { code } value { amount currency } }
  } } }
}"""


@pytest.fixture
async def site(fresh_database_url: str) -> AsyncIterator[Site]:
    """The service on the built-in dataset with the sample files imported, as `make demo`."""
    report = await import_demo_files(fresh_database_url, SAMPLES)
    assert report.problems == []
    settings = Settings(_env_file=None, explorer_dir=BUILD, log_format="text")
    async with (
        serving(fresh_database_url, settings) as address,
        httpx.AsyncClient(base_url=f"http://{address}") as api,
    ):
        yield Site(f"http://{address}", api)


def _shown(amount: str | None, currency: str) -> str:
    """As the page writes an exact amount: grouped digits, a minus sign for negatives."""
    assert amount is not None
    plain = format(Decimal(amount), "f")  # the API may write 131E+6
    whole, _, fraction = plain.lstrip("-").partition(".")
    grouped = f"{int(whole):,}"
    return f"{currency} {MINUS if plain.startswith('-') else ''}{grouped}" + (
        f".{fraction}" if fraction else ""
    )


async def _project(site: Site, code: str) -> Any:
    [edge] = (await site.graphql(PROJECT, {"code": code}))["projects"]["edges"]
    return edge["node"]


async def test_the_overview_shows_the_chains_money_in_a_chosen_currency(
    page: Watched, site: Site
) -> None:
    await page.page.goto(f"{site.base}/#/?currency=USD")
    by_id = page.page.get_by_test_id
    for currency in ("USD", "EUR"):
        stats = (await site.graphql(FINANCE, {"currency": currency}))["financeStats"]
        total = stats["total"]
        await expect(by_id("finance-total-disbursements")).to_have_text(
            _shown(total["disbursements"]["converted"], currency)
        )
        await expect(by_id("finance-total-commitments")).to_have_text(
            _shown(total["commitments"]["converted"], currency)
        )
        # The year chart's table: one row per year with money, each the API's figure.
        years = page.page.get_by_test_id("finance-by-year")
        await years.get_by_role("button", name=re.compile("table", re.IGNORECASE)).click()
        rows = years.locator("tbody tr")
        buckets = sorted(
            (b for b in stats["buckets"] if b["disbursements"]["converted"] is not None),
            key=lambda b: b["keys"][0]["key"] or "",
        )
        await expect(rows).to_have_count(len(buckets))
        for row, bucket in zip(await rows.all(), buckets, strict=True):
            cells = row.locator("th, td")
            await expect(cells.nth(0)).to_have_text(bucket["keys"][0]["key"])
            await expect(cells.nth(2)).to_have_text(
                _shown(bucket["disbursements"]["converted"], currency)
            )
        for section in ("finance-by-country", "finance-by-sector"):
            await expect(by_id(section).locator("canvas")).to_have_attribute("role", "img")
        if currency == "USD":
            await screenshot(page.page, "overview-finance")
            await by_id("finance-currency").select_option("EUR")
            await expect(page.page).to_have_url(re.compile(r"#/\?currency=EUR$"))


async def test_a_sample_projects_transactions_budgets_and_budget_left(
    page: Watched, site: Site
) -> None:
    project = await _project(site, AGENCY)
    await page.page.goto(f"{site.base}/#/projects/{project['id']}")
    by_id = page.page.get_by_test_id
    await expect(by_id("project-title")).to_have_text(project["title"])
    await expect(by_id("made-up")).to_be_visible()
    await expect(by_id("project-publisher")).to_contain_text("Example Cooperation Agency (made up)")

    transactions = project["transactions"]
    rows = by_id("transaction-row")
    await expect(rows).to_have_count(len(transactions))
    shown_types = [await row.get_attribute("data-type") for row in await rows.all()]
    assert shown_types == [t["type"]["code"] for t in transactions]
    values = [await v.inner_text() for v in await by_id("transaction-value").all()]
    assert values == [_shown(t["value"]["amount"], t["value"]["currency"]) for t in transactions]
    assert any(MINUS in v for v in values)  # the correction stays negative

    money = await site.graphql(
        "query ($id: ID!) { financeStats(filter: {ids: [$id]}) "
        "{ total { budgetLeft { amounts { amount currency } } } } }",
        {"id": project["id"]},
    )
    left = money["financeStats"]["total"]["budgetLeft"]["amounts"]
    assert left
    await expect(by_id("budget-left")).to_have_text(
        "; ".join(_shown(a["amount"], a["currency"]) for a in left)
    )
    await expect(by_id("budget-row")).not_to_have_count(0)
    await screenshot(page.page, "project-finance")


async def test_a_sample_project_listed_as_made_up(page: Watched, site: Site) -> None:
    await page.page.goto(f"{site.base}/#/projects?q=made-up")
    rows = page.page.get_by_test_id("project-row")
    await expect(rows).to_have_count(6)
    for row in await rows.all():
        await expect(row.get_by_test_id("made-up-tag")).to_be_visible()
