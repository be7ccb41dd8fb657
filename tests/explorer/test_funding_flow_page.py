"""The explorer's funding-flow view (project and partner pages) on the demo's made-up sample
chain (``make demo``), checked against what the API answers: the three-level chain, the
table of every edge with its amounts, each edge's link to the transactions behind it, and
no section on the page of a partner without a flow."""

import re
import shutil
from collections.abc import AsyncIterator
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from playwright.async_api import Locator, expect

from service.cli.demo_command import import_demo_files
from service.settings import Settings
from tests.explorer.conftest import BUILD, SCREENSHOTS, Site, Watched
from tests.service.test_live import serving

SAMPLES = Path(__file__).parents[2] / "demo" / "iati"
FLOW = (BUILD.parent / "queries" / "funding-flow.graphql").read_text(encoding="utf-8")
DONOR, AGENCY, NGO = (
    "XE-EXAMPLE-MADEUP-DONOR-001",
    "XE-EXAMPLE-MADEUP-AGENCY-001",
    "XE-EXAMPLE-MADEUP-NGO-001",
)
PAID_OUT = {"3", "4"}
"""The types the diagram draws first: money as its payer reports paying it."""

LOOPS = """<?xml version="1.0" encoding="UTF-8"?>
<!-- Made up for the funding-flow view's test: two activities that pay each other (a cycle),
     one paying an activity no file holds, and one linked to nothing. Not real data. -->
<iati-activities version="2.03" generated-datetime="2026-12-01T00:00:00Z">
{activities}
</iati-activities>"""
ACTIVITY = """  <iati-activity last-updated-datetime="2026-12-01T00:00:00Z" default-currency="USD">
    <iati-identifier>{ident}</iati-identifier>
    <reporting-org ref="XE-EXAMPLE-MADEUP-LOOP" type="22">
      <narrative>Example Looping Fund (made up)</narrative>
    </reporting-org>
    <title><narrative>{title} (made-up sample)</narrative></title>
    <description><narrative>Made up for a test: not real data.</narrative></description>
    <participating-org ref="XE-EXAMPLE-MADEUP-LOOP" type="22" role="4"/>
    <activity-status code="2"/>
    <activity-date type="2" iso-date="2022-01-01"/>
    <recipient-country code="KH"/>
    <sector vocabulary="1" code="16020"/>
{transactions}
  </iati-activity>"""
PAYMENT = """    <transaction>
      <transaction-type code="3"/>
      <transaction-date iso-date="2022-03-01"/>
      <value currency="USD" value-date="2022-03-01">{amount}</value>
      <receiver-org ref="XE-EXAMPLE-MADEUP-LOOP" receiver-activity-id="{to}" type="22">
        <narrative>Example Looping Fund (made up)</narrative>
      </receiver-org>
    </transaction>"""
LOOP_A, LOOP_B, LOOP_ALONE = (
    "XE-EXAMPLE-MADEUP-LOOP-A",
    "XE-EXAMPLE-MADEUP-LOOP-B",
    "XE-EXAMPLE-MADEUP-LOOP-C",
)
ELSEWHERE = "XE-EXAMPLE-MADEUP-ELSEWHERE-9"


def _loops_file() -> str:
    a = ACTIVITY.format(
        ident=LOOP_A,
        title="Loop A",
        transactions=PAYMENT.format(amount=500000, to=LOOP_B)
        + "\n"
        + PAYMENT.format(amount=70000, to=ELSEWHERE),
    )
    b = ACTIVITY.format(
        ident=LOOP_B, title="Loop B", transactions=PAYMENT.format(amount=200000, to=LOOP_A)
    )
    alone = ACTIVITY.format(ident=LOOP_ALONE, title="Alone", transactions="")
    return LOOPS.format(activities="\n".join((a, b, alone)))


async def _serve(url: str, folder: Path) -> AsyncIterator[Site]:
    report = await import_demo_files(url, folder)
    assert report.problems == []
    settings = Settings(_env_file=None, explorer_dir=BUILD, log_format="text")
    async with (
        serving(url, settings) as address,
        httpx.AsyncClient(base_url=f"http://{address}") as api,
    ):
        yield Site(f"http://{address}", api)


@pytest.fixture
async def site(
    fresh_database_url: str, tmp_path: Path, request: pytest.FixtureRequest
) -> AsyncIterator[Site]:
    """The service on the built-in dataset with the sample files imported, as `make demo`;
    asked with the parameter "loops", also a made-up file of a cycle, an activity no file
    holds and an activity with no flow."""
    folder = SAMPLES
    if getattr(request, "param", None) == "loops":
        folder = tmp_path
        for sample in SAMPLES.glob("*.xml"):
            shutil.copy(sample, folder / sample.name)
        (folder / "zz-loops.xml").write_text(_loops_file(), encoding="utf-8")
    async for served in _serve(fresh_database_url, folder):
        yield served


async def _picture(view: Locator, name: str) -> None:
    """The funding-flow section alone, for ``make screenshots`` (the README shows it)."""
    if SCREENSHOTS:
        await view.screenshot(path=str(Path(SCREENSHOTS) / f"{name}.png"))


def _exact(amount: str) -> str:
    """As the page writes an exact amount: grouped digits (the sample has no negative edge)."""
    whole, _, fraction = format(Decimal(amount), "f").partition(".")
    return f"{int(whole):,}" + (f".{fraction}" if fraction else "")


async def _project_id(site: Site, code: str) -> str:
    data = await site.graphql(
        "query ($c: String!) { projects(filter: {codes: [$c]}) { edges { node { id } } } }",
        {"c": code},
    )
    [edge] = data["projects"]["edges"]
    return str(edge["node"]["id"])


async def _flow(site: Site, node_id: str, **variables: Any) -> Any:
    data = await site.graphql(FLOW, {"id": node_id, **variables})
    return data["node"]["fundingFlow"]


def _node_ids(flow: Any) -> dict[str, str]:
    """The flow's node key of each activity identifier."""
    return {n["iatiIdentifier"]: n["id"] for n in flow["nodes"] if n["iatiIdentifier"]}


async def _table_matches(rows: Locator, flow: Any, currency: str) -> None:
    """One row per edge, in the API's order, each with the API's amounts."""
    await expect(rows).to_have_count(len(flow["edges"]))
    for row, edge in zip(await rows.all(), flow["edges"], strict=True):
        assert await row.get_attribute("data-source") == edge["source"]
        assert await row.get_attribute("data-target") == edge["target"]
        assert await row.get_attribute("data-type") == edge["transactionType"]
        assert await row.get_attribute("data-reported-by") == edge["reportedBy"]
        await expect(row.get_by_test_id("flow-edge-amounts")).to_have_text(
            "; ".join(f"{a['currency']} {_exact(a['amount'])}" for a in edge["amounts"])
        )
        await expect(row.get_by_test_id("flow-edge-converted")).to_have_text(
            f"{currency} {_exact(edge['converted'])}"
        )
        # The edge's figure is the sum of its transactions, each at its own rate (the edge
        # rounds its exact sum, each transaction its own product: a cent apart at most each).
        converted = [Decimal(t["value"]["converted"]["amount"]) for t in edge["transactions"]]
        gap = abs(sum(converted) - Decimal(edge["converted"]))
        assert gap <= Decimal("0.01") * len(converted), edge
        await expect(row.get_by_test_id("flow-rate")).to_have_count(len(edge["transactions"]))


async def _shows_the_edges_transactions(page: Watched, edge: Any, project_id: str) -> None:
    address = f"#/projects/{quote(project_id, safe='')}?"
    await expect(page.page).to_have_url(re.compile(re.escape(address)))
    shown = page.page.locator('[data-testid="transaction-row"]:visible')
    await expect(shown).to_have_count(len(edge["transactions"]))
    ids = {await row.get_attribute("data-id") for row in await shown.all()}
    assert ids == {t["id"] for t in edge["transactions"]}
    types = {await row.get_attribute("data-type") for row in await shown.all()}
    assert types == {edge["transactionType"]}
    await expect(page.page.get_by_test_id("transactions-selection")).to_be_visible()


async def test_the_sample_chain_from_the_donors_project(page: Watched, site: Site) -> None:
    donor = await _project_id(site, DONOR)
    flow = await _flow(site, donor)
    keys = _node_ids(flow)
    await page.page.goto(f"{site.base}/#/projects/{donor}")
    view = page.page.get_by_test_id("funding-flow")
    await expect(view.get_by_test_id("flow-table")).to_be_visible()
    await expect(view.get_by_test_id("flow-made-up")).to_be_visible()

    # Three publishers, three levels: donor → agency → NGO, left to right.
    for column, code in enumerate((DONOR, AGENCY, NGO)):
        node = view.locator(f'[data-testid="flow-node"][data-id="{keys[code]}"]')
        await expect(node).to_have_attribute("data-column", str(column))
    hops = {(e["source"], e["target"], e["transactionType"]): e for e in flow["edges"]}
    paid = hops[(keys[DONOR], keys[AGENCY], "3")]
    assert paid["amounts"] == [{"amount": "4200000000", "currency": "KRW", "transactions": 3}]
    passed_on = hops[(keys[AGENCY], keys[NGO], "3")]
    assert passed_on["amounts"] == [{"amount": "2200000", "currency": "USD", "transactions": 3}]
    received = hops[(keys[DONOR], keys[AGENCY], "1")]
    assert received["reportedBy"] == keys[AGENCY]

    await _table_matches(view.get_by_test_id("flow-edge-row"), flow, "USD")
    drawn = [e for e in flow["edges"] if e["transactionType"] in PAID_OUT]
    await expect(view.get_by_test_id("flow-link")).to_have_count(len(drawn))
    await _picture(view, "funding-flow-project")

    # Incoming funds drawn too when asked for: the same money, seen from the agency.
    await view.get_by_role("checkbox", name=re.compile("Incoming Funds")).check()
    await expect(view.get_by_test_id("flow-link")).to_have_count(
        len([e for e in flow["edges"] if e["transactionType"] in PAID_OUT | {"1"}])
    )

    # A drawn edge leads to the payer's transactions, a row's link to the receiver's.
    link = view.locator(
        f'[data-testid="flow-link"][data-source="{keys[DONOR]}"]'
        f'[data-target="{keys[AGENCY]}"][data-type="3"]'
    )
    await link.click()
    await _shows_the_edges_transactions(page, paid, donor)
    await page.page.go_back()
    row = page.page.locator(
        f'[data-testid="flow-edge-row"][data-source="{keys[DONOR]}"]'
        f'[data-target="{keys[AGENCY]}"][data-type="1"]'
    )
    await row.get_by_test_id("flow-edge-link").click()
    agency = await _project_id(site, AGENCY)
    await _shows_the_edges_transactions(page, received, agency)
    await _picture(page.page.get_by_test_id("transactions"), "funding-flow-transactions")
    await page.page.get_by_test_id("transactions-show-all").click()
    await expect(page.page.locator('[data-testid="transaction-row"]:visible')).not_to_have_count(
        len(received["transactions"])
    )

    # A node leads to its project's page.
    await page.page.get_by_test_id("funding-flow").locator(f'[data-id="{keys[NGO]}"]').click()
    ngo = quote(await _project_id(site, NGO), safe="")
    await expect(page.page).to_have_url(re.compile(re.escape(f"#/projects/{ngo}") + "$"))


async def test_a_partners_flow_in_another_currency_and_depth(page: Watched, site: Site) -> None:
    """The NGO's publisher: its money traced up through the agency to the donor."""
    data = await site.graphql(
        '{ partners(filter: {search: "Implementing NGO"}) { edges { node { id name '
        "fundingFlow { nodes { id } } } } } }"
    )
    edges = data["partners"]["edges"]
    [publisher] = [e["node"] for e in edges if e["node"]["fundingFlow"]["nodes"]]
    flow = await _flow(site, publisher["id"], currency="EUR")
    keys = _node_ids(flow)
    assert {n["depth"] for n in flow["nodes"] if n["iatiIdentifier"] == DONOR} == {2}
    await page.page.goto(f"{site.base}/#/partners/{publisher['id']}")
    await expect(page.page.get_by_test_id("made-up")).to_be_visible()
    view = page.page.get_by_test_id("funding-flow")
    await view.get_by_test_id("flow-currency").select_option("EUR")
    await _table_matches(view.get_by_test_id("flow-edge-row"), flow, "EUR")
    for column, code in enumerate((DONOR, AGENCY, NGO)):
        node = view.locator(f'[data-testid="flow-node"][data-id="{keys[code]}"]')
        await expect(node).to_have_attribute("data-column", str(column))
    await expect(view.get_by_test_id("flow-depth-cap")).to_have_count(0)
    await _picture(view, "funding-flow-partner")

    # One hop: the donor is beyond it, and the page says the chain may go on.
    await view.get_by_test_id("flow-depth").select_option("1")
    one_hop = await _flow(site, publisher["id"], currency="EUR", depth=1)
    await _table_matches(view.get_by_test_id("flow-edge-row"), one_hop, "EUR")
    await expect(view.get_by_test_id("flow-depth-cap")).to_be_visible()
    assert DONOR not in _node_ids(one_hop)


@pytest.mark.parametrize("site", ["loops"], indirect=True)
async def test_cycles_unresolved_activities_and_no_flow(phone: Watched, site: Site) -> None:
    """At phone width, where the table scrolls in its box and the page does not."""
    page = phone
    loop_a = await _project_id(site, LOOP_A)
    flow = await _flow(site, loop_a)
    kinds = {n["id"]: n["kind"] for n in flow["nodes"]}
    assert kinds[f"A:{ELSEWHERE}"] == "ACTIVITY"
    await page.page.goto(f"{site.base}/#/projects/{loop_a}")
    view = page.page.get_by_test_id("funding-flow")
    await _table_matches(view.get_by_test_id("flow-edge-row"), flow, "USD")
    # The payment back closes a cycle: set apart, drawn as a return arc, said in words.
    await expect(view.get_by_test_id("flow-cycle")).to_be_visible()
    await expect(view.locator(".flow-link-cyclic")).to_have_count(1)
    # The activity no file holds is its identifier, not a link.
    await expect(view.get_by_test_id("flow-unresolved")).to_be_visible()
    held_nowhere = view.get_by_test_id("flow-activity-id")
    await expect(held_nowhere).to_have_text(ELSEWHERE)
    await expect(view.locator(f'a[data-id="A:{ELSEWHERE}"]')).to_have_count(0)
    await expect(view.locator(f'g[data-id="A:{ELSEWHERE}"]')).to_have_count(1)
    await _picture(view, "funding-flow-cycle")
    assert await page.page.evaluate("document.scrollingElement.scrollWidth") <= 375

    await page.page.goto(f"{site.base}/#/projects/{await _project_id(site, LOOP_ALONE)}")
    await expect(page.page.get_by_test_id("flow-empty")).to_contain_text("No funding flow")
    # KOICA publishes no project: once its flow has answered empty, its page has no
    # funding-flow section, and no words about what it publishes.
    await page.page.goto(f"{site.base}/#/partners/UGFydG5lcjoy")
    await expect(page.page.get_by_test_id("partner-title")).to_contain_text("KOICA")
    section = page.page.get_by_test_id("funding-flow")
    await expect(section).to_have_attribute("data-outcome", "empty")
    await expect(section).to_be_hidden()
    await expect(page.page.get_by_text("publishes no project")).to_have_count(0)
    # The loops' publisher has one: its section shows, with the edges.
    found = await site.graphql(
        "query ($c: String!) { projects(filter: {codes: [$c]}) { edges { node { "
        "reportingOrg { partner { id } } } } } }",
        {"c": LOOP_A},
    )
    [edge] = found["projects"]["edges"]
    publisher = edge["node"]["reportingOrg"]["partner"]["id"]
    assert (await _flow(site, publisher))["edges"]
    await page.page.goto(f"{site.base}/#/partners/{publisher}")
    await expect(section).to_have_attribute("data-outcome", "edges")
    await expect(section.get_by_test_id("flow-table")).to_be_visible()
