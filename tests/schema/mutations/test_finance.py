"""Transactions and budgets written through the API: exact signed values, every problem at
once, versions, partner scopes, audit entries and live changes."""

import asyncio
from typing import Any

import httpx
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection
from strawberry.relay import GlobalID

from db.enums import KeyScope
from schema.context import Principal
from service.settings import Settings
from tests.conftest import Execute
from tests.service.test_live import _key, live, serving
from tests.snapshot import table_digests

FULL_WIDTH_YEAR = "\uff12\uff10\uff12\uff14-01-01"
"""2024 in full-width digits: a date, to Python's ``isdigit``, that ASCII parsing refuses."""
ADMIN = Principal("curator", KeyScope.ADMIN, None)
CAMEROON = str(GlobalID("Project", "2"))  # funded by KOICA
TRANSACTION = """
  id version type { code } date value { amount currency valueDate } description ref
  providerOrg { ref name type { code } activityId } receiverOrg { ref name activityId }
  recipientCountryCode humanitarian flowType { code }
"""
CREATE_TRANSACTION = f"""mutation($input: CreateTransactionInput!) {{
  createTransaction(input: $input) {{ transaction {{ {TRANSACTION} }} }} }}"""
UPDATE_TRANSACTION = f"""mutation($input: UpdateTransactionInput!) {{
  updateTransaction(input: $input) {{ transaction {{ {TRANSACTION} }} }} }}"""
DELETE_TRANSACTION = """mutation($input: DeleteInput!) {
  deleteTransaction(input: $input) { deletedId } }"""
BUDGET = """id version type { code } status { code } periodStart periodEnd
  value { amount currency valueDate }"""
CREATE_BUDGET = f"""mutation($input: CreateBudgetInput!) {{
  createBudget(input: $input) {{ budget {{ {BUDGET} }} }} }}"""
UPDATE_BUDGET = f"""mutation($input: UpdateBudgetInput!) {{
  updateBudget(input: $input) {{ budget {{ {BUDGET} }} }} }}"""
DELETE_BUDGET = """mutation($input: DeleteInput!) { deleteBudget(input: $input) { deletedId } }"""

DISBURSEMENT = {
    "projectId": CAMEROON,
    "transactionType": "3",
    "transactionDate": "2024-03-15",
    "value": {"amount": "1250000.50", "currency": "KRW"},
    "description": "Second instalment",
    "providerOrg": {"ref": "KR-GOV-010", "name": "KOICA", "type": "10"},
    "receiverOrg": {"ref": "XM-DAC-41302", "name": "ILO", "activityId": "XM-DAC-41302-CM-1"},
}


async def _koica(conn: AsyncConnection) -> Principal:
    koica = await conn.scalar(sa.text("SELECT id FROM partner WHERE code = 'koica'"))
    return Principal("koica-key", KeyScope.WRITE, int(koica))


async def _project_not_koicas(conn: AsyncConnection) -> str:
    project = await conn.scalar(sa.text("SELECT id FROM project WHERE code = 'sse-knowledge-base'"))
    return str(GlobalID("Project", str(project)))


def _ok(result: Any) -> Any:
    assert result.errors is None, result.errors
    return result.data


def _error(result: Any) -> dict[str, Any]:
    assert result.errors is not None, result.data
    [error] = result.errors
    return dict(error)


async def _changes(gql: Execute) -> list[dict[str, Any]]:
    data = _ok(
        await gql(
            "{ changes(types: [TRANSACTION, BUDGET], first: 100) { edges { node "
            "{ type operation keyName recordVersion before after } } } }",
            key=ADMIN,
        )
    )
    return [edge["node"] for edge in data["changes"]["edges"]]


async def test_a_transaction_is_created_updated_and_deleted_with_its_audit(
    conn: AsyncConnection, gql: Execute
) -> None:
    created = _ok(await gql(CREATE_TRANSACTION, {"input": DISBURSEMENT}, key=ADMIN))
    transaction = created["createTransaction"]["transaction"]
    assert transaction | {"id": None} == {
        "id": None,
        "version": 1,
        "type": {"code": "3"},
        "date": "2024-03-15",
        # IATI's reading of a value without a value date: the transaction's date.
        "value": {"amount": "1250000.50", "currency": "KRW", "valueDate": "2024-03-15"},
        "description": "Second instalment",
        "ref": None,
        "providerOrg": {
            "ref": "KR-GOV-010",
            "name": "KOICA",
            "type": {"code": "10"},
            "activityId": None,
        },
        "receiverOrg": {"ref": "XM-DAC-41302", "name": "ILO", "activityId": "XM-DAC-41302-CM-1"},
        "recipientCountryCode": None,
        "humanitarian": None,
        "flowType": None,
    }

    correction = {"amount": "-0.000001", "currency": "KRW", "valueDate": "2024-03-20"}
    updated = _ok(
        await gql(
            UPDATE_TRANSACTION,
            {"input": {"id": transaction["id"], "version": 1, "value": correction, "ref": "c-1"}},
            key=ADMIN,
        )
    )["updateTransaction"]["transaction"]
    assert (updated["version"], updated["value"], updated["ref"]) == (
        2,
        {"amount": "-0.000001", "currency": "KRW", "valueDate": "2024-03-20"},
        "c-1",
    )
    assert updated["description"] == "Second instalment"  # left out: left alone

    deleted = _ok(
        await gql(DELETE_TRANSACTION, {"input": {"id": transaction["id"], "version": 2}}, key=ADMIN)
    )
    assert deleted["deleteTransaction"]["deletedId"] == transaction["id"]
    assert await conn.scalar(sa.text("SELECT count(*) FROM activity_transaction")) == 0

    changes = await _changes(gql)
    assert [(c["type"], c["operation"], c["recordVersion"]) for c in changes] == [
        ("TRANSACTION", "CREATE", 1),
        ("TRANSACTION", "UPDATE", 2),
        ("TRANSACTION", "DELETE", 2),
    ]
    assert changes[1]["before"] == {
        "value": "1250000.50",
        "value_date": "2024-03-15",
        "ref": None,
    }
    assert changes[1]["after"] == {"value": "-0.000001", "value_date": "2024-03-20", "ref": "c-1"}
    assert {c["keyName"] for c in changes} == {"curator"}


async def test_an_invalid_transaction_reports_every_problem_and_writes_nothing(
    conn: AsyncConnection, gql: Execute
) -> None:
    before = await table_digests(conn)
    bad = {
        "projectId": str(GlobalID("Project", "999999")),
        "transactionType": "14",
        "transactionDate": "2024-02-30",
        "value": {"amount": "1.0000001", "currency": "DOLLARS", "valueDate": FULL_WIDTH_YEAR},
        "ref": "r" * 201,
        "recipientCountry": "XX",
        "providerOrg": {"partnerId": "not an id", "activityId": "a\u200bb", "type": "99"},
        "flowType": "10",  # ODA: a FlowType code, so no problem
        "financeType": "999",
    }
    error = _error(await gql(CREATE_TRANSACTION, {"input": bad}, key=ADMIN))
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert {(p["path"], p["code"]) for p in error["extensions"]["problems"]} == {
        ("input.projectId", "NOT_FOUND"),
        ("input.transactionType", "UNKNOWN_CODE"),
        ("input.transactionDate", "INVALID_DATE"),
        ("input.value.amount", "OUT_OF_RANGE"),
        ("input.value.currency", "INVALID_CURRENCY"),
        ("input.value.valueDate", "INVALID_DATE"),
        ("input.ref", "TOO_LONG"),
        ("input.recipientCountry", "INVALID_COUNTRY"),
        ("input.providerOrg.partnerId", "INVALID_ID"),
        ("input.providerOrg.activityId", "INVALID_TEXT"),
        ("input.providerOrg.type", "UNKNOWN_CODE"),
        ("input.financeType", "UNKNOWN_CODE"),
    }
    assert await table_digests(conn) == before


async def test_a_value_without_a_currency_takes_the_projects_default(
    conn: AsyncConnection, gql: Execute
) -> None:
    no_currency = DISBURSEMENT | {"value": {"amount": "10"}}
    error = _error(await gql(CREATE_TRANSACTION, {"input": no_currency}, key=ADMIN))
    assert [(p["path"], p["code"]) for p in error["extensions"]["problems"]] == [
        ("input.value.currency", "REQUIRED")
    ]
    await conn.execute(sa.text("UPDATE project SET default_currency = 'EUR' WHERE id = 2"))
    created = _ok(await gql(CREATE_TRANSACTION, {"input": no_currency}, key=ADMIN))
    assert created["createTransaction"]["transaction"]["value"]["currency"] == "EUR"


async def test_a_stale_version_is_a_conflict_and_changes_nothing(
    conn: AsyncConnection, gql: Execute
) -> None:
    created = _ok(await gql(CREATE_TRANSACTION, {"input": DISBURSEMENT}, key=ADMIN))
    transaction_id = created["createTransaction"]["transaction"]["id"]
    _ok(
        await gql(
            UPDATE_TRANSACTION,
            {"input": {"id": transaction_id, "version": 1, "ref": "a"}},
            key=ADMIN,
        )
    )
    before = await table_digests(conn)
    stale = {"input": {"id": transaction_id, "version": 1, "ref": "b"}}
    error = _error(await gql(UPDATE_TRANSACTION, stale, key=ADMIN))
    assert error["extensions"] == {"code": "CONFLICT", "currentVersion": 2}
    error = _error(
        await gql(DELETE_TRANSACTION, {"input": {"id": transaction_id, "version": 1}}, key=ADMIN)
    )
    assert error["extensions"] == {"code": "CONFLICT", "currentVersion": 2}
    missing = {"input": {"id": str(GlobalID("Transaction", "999999")), "version": 1, "ref": "c"}}
    assert _error(await gql(UPDATE_TRANSACTION, missing, key=ADMIN))["extensions"] == {
        "code": "NOT_FOUND"
    }
    assert await table_digests(conn) == before


async def test_a_partner_key_writes_only_its_own_projects_money(
    conn: AsyncConnection, gql: Execute
) -> None:
    koica = await _koica(conn)
    own = _ok(await gql(CREATE_TRANSACTION, {"input": DISBURSEMENT}, key=koica))
    assert own["createTransaction"]["transaction"]["version"] == 1

    others = await _project_not_koicas(conn)
    theirs = _ok(
        await gql(CREATE_TRANSACTION, {"input": DISBURSEMENT | {"projectId": others}}, key=ADMIN)
    )["createTransaction"]["transaction"]
    budget = _ok(
        await gql(
            CREATE_BUDGET,
            {
                "input": {
                    "projectId": others,
                    "periodStart": "2024-01-01",
                    "periodEnd": "2024-12-31",
                    "value": {"amount": "5", "currency": "USD"},
                }
            },
            key=ADMIN,
        )
    )["createBudget"]["budget"]

    before = await table_digests(conn)
    refused = [
        (CREATE_TRANSACTION, DISBURSEMENT | {"projectId": others}),
        (UPDATE_TRANSACTION, {"id": theirs["id"], "version": 1, "ref": "x"}),
        (DELETE_TRANSACTION, {"id": theirs["id"], "version": 1}),
        (
            CREATE_BUDGET,
            {
                "projectId": others,
                "periodStart": "2024-01-01",
                "periodEnd": "2024-12-31",
                "value": {"amount": "5", "currency": "USD"},
            },
        ),
        (UPDATE_BUDGET, {"id": budget["id"], "version": 1, "status": "2"}),
        (DELETE_BUDGET, {"id": budget["id"], "version": 1}),
    ]
    for mutation, data in refused:
        error = _error(await gql(mutation, {"input": data}, key=koica))
        assert error["extensions"]["code"] == "FORBIDDEN", mutation
    assert await table_digests(conn) == before
    assert _error(await gql(CREATE_TRANSACTION, {"input": DISBURSEMENT}))["extensions"] == {
        "code": "UNAUTHENTICATED"
    }


async def test_budgets_per_period_negative_allowed_periods_checked(
    conn: AsyncConnection, gql: Execute
) -> None:
    budget = {
        "projectId": CAMEROON,
        "type": "2",
        "status": "2",
        "periodStart": "2024-01-01",
        "periodEnd": "2024-12-31",
        "value": {"amount": "-2500.25", "currency": "USD"},
    }
    created = _ok(await gql(CREATE_BUDGET, {"input": budget}, key=ADMIN))["createBudget"]["budget"]
    assert created | {"id": None} == {
        "id": None,
        "version": 1,
        "type": {"code": "2"},
        "status": {"code": "2"},
        "periodStart": "2024-01-01",
        "periodEnd": "2024-12-31",
        "value": {"amount": "-2500.25", "currency": "USD", "valueDate": "2024-01-01"},
    }
    before = await table_digests(conn)
    error = _error(
        await gql(
            UPDATE_BUDGET,
            {"input": {"id": created["id"], "version": 1, "periodEnd": "2023-12-31"}},
            key=ADMIN,
        )
    )
    assert [(p["path"], p["code"]) for p in error["extensions"]["problems"]] == [
        ("input.periodEnd", "END_BEFORE_START")
    ]
    bad = budget | {"type": "3", "status": "9", "periodStart": "2024-13-01"}
    error = _error(await gql(CREATE_BUDGET, {"input": bad}, key=ADMIN))
    assert {(p["path"], p["code"]) for p in error["extensions"]["problems"]} == {
        ("input.type", "UNKNOWN_CODE"),
        ("input.status", "UNKNOWN_CODE"),
        ("input.periodStart", "INVALID_DATE"),
    }
    assert await table_digests(conn) == before

    updated = _ok(
        await gql(
            UPDATE_BUDGET,
            {
                "input": {
                    "id": created["id"],
                    "version": 1,
                    "value": {"amount": "100", "currency": "EUR"},
                    "periodStart": "2024-07-01",
                }
            },
            key=ADMIN,
        )
    )["updateBudget"]["budget"]
    assert (updated["value"], updated["version"]) == (
        {"amount": "100", "currency": "EUR", "valueDate": "2024-07-01"},
        2,
    )
    _ok(await gql(DELETE_BUDGET, {"input": {"id": created["id"], "version": 2}}, key=ADMIN))
    assert [(c["type"], c["operation"]) for c in await _changes(gql)] == [
        ("BUDGET", "CREATE"),
        ("BUDGET", "UPDATE"),
        ("BUDGET", "DELETE"),
    ]


async def test_a_partners_subscriber_hears_of_its_transactions(fresh_database_url: str) -> None:
    settings = Settings(_env_file=None)
    koica = await _key(fresh_database_url, "koica-writer", KeyScope.WRITE, "koica")
    subscription = (
        "subscription { changes(types: [TRANSACTION]) { type operation recordVersion after } }"
    )
    async with serving(fresh_database_url, settings) as address, live(address, koica) as listener:
        await listener.subscribe("1", subscription)
        await asyncio.sleep(0.2)
        async with httpx.AsyncClient(base_url=f"http://{address}") as client:
            response = await client.post(
                "/graphql",
                json={"query": CREATE_TRANSACTION, "variables": {"input": DISBURSEMENT}},
                headers={"Authorization": f"Bearer {koica}"},
            )
            assert response.json().get("errors") is None, response.json()
        heard = (await listener.data())["changes"]
    assert (heard["type"], heard["operation"], heard["recordVersion"]) == (
        "TRANSACTION",
        "CREATE",
        1,
    )
    assert heard["after"]["value"] == "1250000.50"
    assert heard["after"]["receiver_activity_id"] == "XM-DAC-41302-CM-1"
