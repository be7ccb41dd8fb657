"""``fundingFlow`` and ``traceability`` on the made-up three-publisher chain
(``tests/finance_chain.py``): the chain is followed across publishers in one statement,
cycles end at the depth, and the depth is counted in the query's cost."""

from decimal import Decimal
from typing import Any

import pytest
import sqlalchemy as sa
from graphql import parse
from sqlalchemy.ext.asyncio import AsyncConnection

from schema.build import schema
from schema.extensions.operation_size import Pages, measure
from tests.conftest import Execute, StatementCounter
from tests.finance_chain import AGENCY, DONOR, IMPLEMENTER, add_funding_chain

FLOW = """query($code: String!, $direction: FlowDirection!, $depth: Int!, $currency: String) {
  projects(filter: {codes: [$code]}) { edges { node {
    fundingFlow(direction: $direction, depth: $depth, currency: $currency) {
      depth truncated currency
      nodes { id kind label iatiIdentifier depth }
      edges { source target transactionType reportedBy converted convertedTransactions
              amounts { amount currency transactions }
              notConverted { amount currency transactions } }
    } } } }
}"""


@pytest.fixture
async def chain(conn: AsyncConnection) -> dict[str, int]:
    return await add_funding_chain(conn)


async def _flow(gql: Execute, code: str, **variables: Any) -> dict[str, Any]:
    result = await gql(FLOW, {"code": code, "depth": 3, "currency": None, **variables})
    assert result.errors is None, result.errors
    flow: dict[str, Any] = result.data["projects"]["edges"][0]["node"]["fundingFlow"]
    return flow


def _edges(flow: dict[str, Any], ids: dict[str, int]) -> dict[tuple[str, str, str, str], Any]:
    names = {f"P:{v}": k for k, v in ids.items()}
    return {
        (
            names.get(e["source"], e["source"]),
            names.get(e["target"], e["target"]),
            e["transactionType"],
            names[e["reportedBy"]],
        ): {a["currency"]: Decimal(a["amount"]) for a in e["amounts"]}
        for e in flow["edges"]
    }


async def test_downstream_across_three_publishers(gql: Execute, chain: dict[str, int]) -> None:
    flow = await _flow(gql, "test-d1", direction="DOWNSTREAM", currency="USD")
    projects = {n["iatiIdentifier"]: n["depth"] for n in flow["nodes"] if n["kind"] == "PROJECT"}
    assert projects == {DONOR: 0, AGENCY: 1, IMPLEMENTER: 2}
    assert _edges(flow, chain) == {
        (DONOR, AGENCY, "2", DONOR): {"KRW": Decimal(1000000)},
        (DONOR, AGENCY, "3", DONOR): {"KRW": Decimal(500000)},
        (DONOR, AGENCY, "1", AGENCY): {"KRW": Decimal(500000)},  # the same money, received
        (AGENCY, IMPLEMENTER, "3", AGENCY): {"USD": Decimal(300)},
        (AGENCY, IMPLEMENTER, "1", IMPLEMENTER): {"USD": Decimal(300)},
        (AGENCY, "O:XM-TEST-OTHER", "3", AGENCY): {"USD": Decimal(100)},
        (IMPLEMENTER, "O:unnamed", "4", IMPLEMENTER): {"KES": Decimal(260)},
    }
    spent = next(e for e in flow["edges"] if e["transactionType"] == "4")
    assert spent["convertedTransactions"] == 1
    assert spent["notConverted"] == [{"amount": "10", "currency": "KES", "transactions": 1}]
    assert not flow["truncated"]


async def test_upstream_from_the_implementer(gql: Execute, chain: dict[str, int]) -> None:
    flow = await _flow(gql, "test-i1", direction="UPSTREAM")
    projects = {n["iatiIdentifier"]: n["depth"] for n in flow["nodes"] if n["kind"] == "PROJECT"}
    assert projects == {IMPLEMENTER: 0, AGENCY: 1, DONOR: 2}
    assert (DONOR, AGENCY, "3", DONOR) in _edges(flow, chain)


async def test_depth_stops_the_walk(gql: Execute, chain: dict[str, int]) -> None:
    flow = await _flow(gql, "test-d1", direction="DOWNSTREAM", depth=1)
    assert {n["iatiIdentifier"] for n in flow["nodes"]} == {DONOR, AGENCY}
    assert {k[:2] for k in _edges(flow, chain)} == {(DONOR, AGENCY)}


async def test_a_cycle_ends_at_the_depth(
    gql: Execute, chain: dict[str, int], conn: AsyncConnection
) -> None:
    """The implementer's activity is named as the donor's provider: a loop of three."""
    await conn.execute(
        sa.text(
            "INSERT INTO activity_transaction (project_id, transaction_type, transaction_date, "
            "value, currency, provider_activity_id) VALUES (:donor, '1', '2023-01-01', 5, "
            "'USD', :implementer)"
        ),
        {"donor": chain[DONOR], "implementer": IMPLEMENTER},
    )
    flow = await _flow(gql, "test-d1", direction="BOTH", depth=6)
    projects = [n["iatiIdentifier"] for n in flow["nodes"] if n["kind"] == "PROJECT"]
    assert sorted(projects) == sorted([DONOR, AGENCY, IMPLEMENTER])
    assert (IMPLEMENTER, DONOR, "1", DONOR) in _edges(flow, chain)


async def test_an_unheld_activity_is_kept_as_its_identifier(
    gql: Execute, chain: dict[str, int], conn: AsyncConnection
) -> None:
    await conn.execute(
        sa.text(
            "INSERT INTO activity_transaction (project_id, transaction_type, transaction_date, "
            "value, currency, receiver_activity_id) VALUES (:id, '3', '2022-09-01', 7, 'USD', "
            "'XM-ELSEWHERE-9')"
        ),
        {"id": chain[IMPLEMENTER]},
    )
    flow = await _flow(gql, "test-i1", direction="DOWNSTREAM")
    node = next(n for n in flow["nodes"] if n["id"] == "A:XM-ELSEWHERE-9")
    assert (node["kind"], node["iatiIdentifier"]) == ("ACTIVITY", "XM-ELSEWHERE-9")


async def test_each_transaction_shows_its_rate(gql: Execute, chain: dict[str, int]) -> None:
    result = await gql(
        """{ projects(filter: {codes: ["test-d1"]}) { edges { node {
          fundingFlow(direction: DOWNSTREAM, depth: 1, currency: "USD") { edges {
            transactionType reportedBy converted
            transactions { value { amount currency converted(currency: "USD") {
              amount rate rateDate source } } } } } } } } }"""
    )
    assert result.errors is None, result.errors
    edges = result.data["projects"]["edges"][0]["node"]["fundingFlow"]["edges"]
    disbursed = next(e for e in edges if e["transactionType"] == "3")
    value = disbursed["transactions"][0]["value"]
    assert value["converted"]["rateDate"] == "2022-03-15"  # the value date, not the 16th
    assert value["converted"]["source"] == "ECB_DAILY"
    assert disbursed["converted"] == value["converted"]["amount"]


async def test_the_flow_is_one_statement(
    gql: Execute, chain: dict[str, int], statements: StatementCounter
) -> None:
    await _flow(gql, "test-d1", direction="BOTH", depth=3)
    await statements.clear()
    result = await gql(
        '{ partners(filter: {codes: ["test-agency"]}) { edges { node { '
        "fundingFlow(direction: BOTH, depth: 3) { nodes { id } edges { source target } } "
        "} } } }"
    )
    assert result.errors is None, result.errors
    flows = [s for s in await statements.sent() if "RECURSIVE" in s]
    assert len(flows) == 1


async def test_depth_is_refused_past_its_cap(gql: Execute, chain: dict[str, int]) -> None:
    result = await gql(FLOW, {"code": "test-d1", "direction": "BOTH", "depth": 50})
    assert result.errors is not None
    assert result.errors[0]["extensions"] == {"code": "BAD_USER_INPUT", "argument": "depth"}


def test_depth_multiplies_the_counted_cost() -> None:
    def cost(depth: int) -> int:
        document = parse(
            f"{{ projects(first: 1) {{ edges {{ node {{ fundingFlow(depth: {depth}) {{ "
            "edges { source } } } } } }"
        )
        return measure(schema._schema, document, Pages(default=10, largest=100))[0].size.cost

    assert cost(6) > cost(3) > cost(1)
    assert cost(6) > 5 * cost(1)


async def test_traceability_counts_incoming_funds_naming_the_provider_activity(
    gql: Execute, chain: dict[str, int], conn: AsyncConnection
) -> None:
    await conn.execute(
        sa.text(
            "INSERT INTO activity_transaction (project_id, transaction_type, transaction_date, "
            "value, currency) VALUES (:id, '1', '2022-05-01', 50, 'USD')"
        ),
        {"id": chain[AGENCY]},
    )
    result = await gql(
        '{ partners(filter: {codes: ["test-agency", "test-donor"]}) { edges { node { code '
        "traceability { incomingFunds withProviderActivity share } } } } }"
    )
    assert result.errors is None, result.errors
    found = {e["node"]["code"]: e["node"]["traceability"] for e in result.data["partners"]["edges"]}
    assert found["test-agency"] == {
        "incomingFunds": 2,
        "withProviderActivity": 1,
        "share": "0.5000",
    }
    assert found["test-donor"] == {"incomingFunds": 0, "withProviderActivity": 0, "share": None}
