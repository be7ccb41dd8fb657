"""Mutations of a project's transactions and budgets, so a partner can publish its
commitments, disbursements and expenditure through the API as it would in an IATI file.

They follow the other records' rules: a partner key writes only the projects its partner
has a role in (``schema.write_targets``), updates and deletes name the version they read,
every write leaves an audit entry that the ``changes`` subscription announces. Values are
exact decimals and may be negative (IATI allows a negative transaction or budget: a
correction, a reimbursement); codes are IATI codes as a file writes them.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Annotated, Any

import pycountry
import sqlalchemy as sa
import strawberry
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from db import queries as q
from db import writes
from db.codelists import known_codes_of
from schema.descriptions import described
from schema.info import Info
from schema.mutations.inputs import ID_TO_WRITE, UPDATE_INPUT, VERSION_READ, WRITE_INPUT, given
from schema.mutations.problems import Problems
from schema.mutations.results import DeleteInput, DeletePayload, delete_record, update_of
from schema.mutations.running import run_write
from schema.permissions import CanWriteProject
from schema.types.budget import Budget
from schema.types.transaction import Transaction

MAX_DECIMAL_PLACES = 6
"""IATI values are ``xsd:decimal`` with no stated scale; six places hold every currency's
minor unit and more, and bound what one value may store."""

CODELISTS = {
    "transaction_type": "TransactionType",
    "flow_type": "FlowType",
    "finance_type": "FinanceType",
    "tied_status": "TiedStatus",
    "disbursement_channel": "DisbursementChannel",
    "type": "OrganisationType",
}
"""The codelist each coded field of a transaction (and of its organisations) takes."""
BUDGET_CODELISTS = {"type": "BudgetType", "status": "BudgetStatus"}

Coded = list[tuple[str, str, str]]
"""(input path, codelist, code) of every code an input names, checked in one statement."""

_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")

VALUE_FIELDS = {
    "amount": "Exact decimal, as a string to keep every digit; may be negative (a correction, "
    f"a reimbursement); at most {MAX_DECIMAL_PLACES} decimal places.",
    "currency": "ISO 4217 code (USD, KRW); null takes the project's default currency. An "
    "unknown one is an INVALID_CURRENCY problem.",
    "value_date": "YYYY-MM-DD: the date to convert the value at; null takes the transaction's "
    "date (a budget's: its period's start).",
}
ORG_FIELDS = {
    "ref": "Its organisation identifier (XM-DAC-41302), as its publisher writes it.",
    "name": "Its name.",
    "type": "IATI OrganisationType code (10 Government, 40 Multilateral, 22 National NGO…).",
    "activity_id": "The IATI identifier of its activity the money comes from or goes to "
    "(provider-activity-id, receiver-activity-id): what links a funding chain.",
    "partner_id": "The global id of the partner it is, when the service knows it.",
}
TRANSACTION_FIELDS = {
    "id": ID_TO_WRITE,
    "version": VERSION_READ,
    "project_id": "The global id of the project the transaction is of.",
    "transaction_type": "IATI TransactionType code: 1 Incoming Funds, 2 Outgoing Commitment, "
    "3 Disbursement, 4 Expenditure … 13 Incoming Pledge. A code no bundled codelist holds is "
    "UNKNOWN_CODE, for this and every other code.",
    "transaction_date": "YYYY-MM-DD: when it took place.",
    "value": "How much, in which currency, at which value date.",
    "ref": "The publisher's own reference for it.",
    "description": "What it was for.",
    "provider_org": "Who paid.",
    "receiver_org": "Who received.",
    "humanitarian": "Whether it is humanitarian (IATI @humanitarian); null when not stated.",
    "recipient_country": "ISO 3166-1 alpha-2 code of its own recipient country, for a "
    "transaction not shared by the project's countries.",
    "flow_type": "IATI FlowType code (10 ODA).",
    "finance_type": "IATI FinanceType code (110 Standard grant).",
    "tied_status": "IATI TiedStatus code (5 Untied).",
    "disbursement_channel": "IATI DisbursementChannel code.",
}
BUDGET_FIELDS = {
    "id": ID_TO_WRITE,
    "version": VERSION_READ,
    "project_id": "The global id of the project the budget is of.",
    "type": "IATI BudgetType code: 1 Original, 2 Revised.",
    "status": "IATI BudgetStatus code: 1 Indicative, 2 Committed.",
    "period_start": "YYYY-MM-DD: first day of the period.",
    "period_end": "YYYY-MM-DD: last day of the period; not before its start.",
    "value": "How much, in which currency, at which value date.",
}


@described(VALUE_FIELDS)
@strawberry.input(description="An IATI value: an exact, signed amount in a currency.")
class IatiValueInput:
    amount: Decimal
    currency: str | None = None
    value_date: str | None = None


@described(ORG_FIELDS)
@strawberry.input(description="An organisation money moves from or to, as the publisher names it.")
class TransactionOrgInput:
    ref: str | None = None
    name: str | None = None
    type: str | None = None
    activity_id: str | None = None
    partner_id: strawberry.ID | None = None


@described(TRANSACTION_FIELDS)
@strawberry.input(description="A transaction to add to a project.")
class CreateTransactionInput:
    project_id: strawberry.ID
    transaction_type: str
    transaction_date: str
    value: IatiValueInput
    ref: str | None = None
    description: str | None = None
    provider_org: TransactionOrgInput | None = None
    receiver_org: TransactionOrgInput | None = None
    humanitarian: bool | None = None
    recipient_country: str | None = None
    flow_type: str | None = None
    finance_type: str | None = None
    tied_status: str | None = None
    disbursement_channel: str | None = None


@described(TRANSACTION_FIELDS)
@strawberry.input(description=f"Changes to a transaction. {UPDATE_INPUT}")
class UpdateTransactionInput:
    id: strawberry.ID
    version: int
    transaction_type: str | None = strawberry.UNSET
    transaction_date: str | None = strawberry.UNSET
    value: IatiValueInput | None = strawberry.UNSET
    ref: str | None = strawberry.UNSET
    description: str | None = strawberry.UNSET
    provider_org: TransactionOrgInput | None = strawberry.UNSET
    receiver_org: TransactionOrgInput | None = strawberry.UNSET
    humanitarian: bool | None = strawberry.UNSET
    recipient_country: str | None = strawberry.UNSET
    flow_type: str | None = strawberry.UNSET
    finance_type: str | None = strawberry.UNSET
    tied_status: str | None = strawberry.UNSET
    disbursement_channel: str | None = strawberry.UNSET


@described(BUDGET_FIELDS)
@strawberry.input(description="A budget for one period, to add to a project.")
class CreateBudgetInput:
    project_id: strawberry.ID
    period_start: str
    period_end: str
    value: IatiValueInput
    type: str = "1"
    status: str = "1"


@described(BUDGET_FIELDS)
@strawberry.input(description=f"Changes to a budget. {UPDATE_INPUT}")
class UpdateBudgetInput:
    id: strawberry.ID
    version: int
    type: str | None = strawberry.UNSET
    status: str | None = strawberry.UNSET
    period_start: str | None = strawberry.UNSET
    period_end: str | None = strawberry.UNSET
    value: IatiValueInput | None = strawberry.UNSET


@strawberry.type(description="What a transaction mutation wrote.")
class TransactionPayload:
    transaction: Transaction = strawberry.field(
        description="The transaction as stored now, with its new `version`."
    )


@strawberry.type(description="What a budget mutation wrote.")
class BudgetPayload:
    budget: Budget = strawberry.field(
        description="The budget as stored now, with its new `version`."
    )


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def iso_date(value: str | None, problems: Problems, path: str) -> date | None:
    if value is None:
        return None
    if _ISO_DATE.fullmatch(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    problems.add(path, "INVALID_DATE", f"{value[:20]!r} is not a date written YYYY-MM-DD.")
    return None


async def check_codes(conn: AsyncConnection, coded: Coded, problems: Problems) -> None:
    """Every code against its codelist (withdrawn codes are accepted, as old files use
    them): the API takes what the IATI codelists hold, where the import keeps a code it does
    not know with a warning."""
    if not coded:
        return
    known = await known_codes_of(conn, sorted({codelist for _, codelist, _ in coded}))
    for path, codelist, value in coded:
        if value not in known[codelist]:
            problems.add(path, "UNKNOWN_CODE", f"{value[:20]!r} is not a {codelist} code.")


def _required(value: object, problems: Problems, path: str) -> None:
    if value is None:
        problems.add(path, "REQUIRED", "Must not be null.")


def _narratives(text: str | None) -> list[dict[str, str | None]] | None:
    """One narrative without ``xml:lang``: in the project's default language."""
    return None if text is None else [{"lang": None, "text": text}]


def value_columns(value: IatiValueInput, problems: Problems, path: str) -> dict[str, Any]:
    """The value's columns; a currency or value date left null is filled by
    ``complete_value`` once the project and dates are known."""
    amount = value.amount
    exponent = amount.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -MAX_DECIMAL_PLACES:
        problems.add(
            f"{path}.amount", "OUT_OF_RANGE", f"At most {MAX_DECIMAL_PLACES} decimal places."
        )
    if value.currency is not None:
        problems.currency(value.currency, f"{path}.currency")
    return {
        "value": amount,
        "currency": value.currency,
        "value_date": iso_date(value.value_date, problems, f"{path}.valueDate"),
    }


def org_columns(
    side: str, org: TransactionOrgInput | None, problems: Problems, coded: Coded, path: str
) -> dict[str, Any]:
    partner_id = None
    if org is not None and org.partner_id is not None:
        partner_id = problems.global_id(org.partner_id, "Partner", f"{path}.partnerId")
    if org is not None and org.type is not None:
        coded.append((f"{path}.type", "OrganisationType", org.type))
    return {
        f"{side}_org_ref": None if org is None else org.ref,
        f"{side}_org_type": None if org is None else org.type,
        f"{side}_activity_id": None if org is None else org.activity_id,
        f"{side}_org_narratives": None if org is None else _narratives(org.name),
        f"{side}_partner_id": partner_id,
    }


def transaction_columns(
    values: dict[str, Any], problems: Problems, coded: Coded, path: str
) -> dict[str, Any]:
    columns: dict[str, Any] = {}
    for name, value in values.items():
        at = f"{path}.{_camel(name)}"
        if name in CODELISTS:
            if name == "transaction_type":
                _required(value, problems, at)
            if value is not None:
                coded.append((at, CODELISTS[name], value))
            columns[name] = value
        elif name == "transaction_date":
            _required(value, problems, at)
            columns[name] = iso_date(value, problems, at)
        elif name == "value":
            _required(value, problems, at)
            if value is not None:
                columns |= value_columns(value, problems, at)
        elif name in ("provider_org", "receiver_org"):
            columns |= org_columns(name.removesuffix("_org"), value, problems, coded, at)
        elif name == "description":
            columns[name] = _narratives(value)
        elif name == "recipient_country":
            if value is not None and pycountry.countries.get(alpha_2=value) is None:
                problems.add(at, "INVALID_COUNTRY", f"{value[:10]!r} is not an ISO 3166-1 code.")
            columns["recipient_country_code"] = value
        else:
            columns[name] = value
    return columns


def budget_columns(
    values: dict[str, Any], problems: Problems, coded: Coded, path: str
) -> dict[str, Any]:
    columns: dict[str, Any] = {}
    for name, value in values.items():
        at = f"{path}.{_camel(name)}"
        if name in BUDGET_CODELISTS:
            _required(value, problems, at)
            if value is not None:
                coded.append((at, BUDGET_CODELISTS[name], value))
            columns[name] = value
        elif name in ("period_start", "period_end"):
            _required(value, problems, at)
            columns[name] = iso_date(value, problems, at)
        elif name == "value":
            _required(value, problems, at)
            if value is not None:
                columns |= value_columns(value, problems, at)
    return columns


async def complete_value(
    conn: AsyncConnection,
    project_id: int,
    row: dict[str, Any],
    columns: dict[str, Any],
    date_column: str,
    problems: Problems,
) -> None:
    """Fill a value's currency from the project's default currency and its value date from
    the record's date, as IATI reads a value without them; ``row`` is the record as it will
    be (the stored one merged with the changes), ``columns`` what is written."""
    if "value" not in columns:
        return
    if columns.get("currency") is None:
        default = await conn.scalar(
            sa.select(q.project.c.default_currency).where(q.project.c.id == project_id)
        )
        if default is None:
            problems.add(
                "input.value.currency",
                "REQUIRED",
                "The project has no default currency: name the value's currency.",
            )
        columns["currency"] = default
    if columns.get("value_date") is None:
        columns["value_date"] = row.get(date_column)


async def _project_exists(
    conn: AsyncConnection, project_id: int | None, problems: Problems
) -> None:
    if project_id is not None and not await q.existing_keys(conn, q.project, "id", [project_id]):
        problems.add("input.projectId", "NOT_FOUND", "No such project.")


async def _partners_exist(
    conn: AsyncConnection, columns: dict[str, Any], problems: Problems
) -> None:
    for side in ("provider", "receiver"):
        partner_id = columns.get(f"{side}_partner_id")
        if partner_id is not None and not await q.existing_keys(
            conn, q.partner, "id", [partner_id]
        ):
            problems.add(f"input.{side}Org.partnerId", "NOT_FOUND", "No such partner.")


async def _next_position(conn: AsyncConnection, table: sa.Table, project_id: int) -> int:
    """After the project's last record of the kind, so an export writes it last."""
    last = await conn.scalar(
        sa.select(sa.func.max(table.c.position)).where(table.c.project_id == project_id)
    )
    return 0 if last is None else int(last) + 1


def _check_period(row: dict[str, Any], problems: Problems) -> None:
    problems.ordered(row.get("period_start"), row.get("period_end"), "input.periodEnd")


def _no_check(row: dict[str, Any], problems: Problems) -> None:
    """A transaction's fields are checked one by one; only a budget's period spans two."""


@dataclass(frozen=True)
class FinanceRecord:
    """What a transaction's and a budget's writes differ in; the steps (checks, codes, the
    value's defaults, the version, the audit) are the same for both."""

    kind: str
    table: sa.Table
    columns: Callable[[dict[str, Any], Problems, Coded, str], dict[str, Any]]
    value_date_from: str
    """The record's own date a value without ``value-date`` is converted at."""
    check: Callable[[dict[str, Any], Problems], None]
    """What the record as it will be must satisfy beyond its fields one by one."""


TRANSACTION = FinanceRecord(
    "Transaction", q.activity_transaction, transaction_columns, "transaction_date", _no_check
)
BUDGET = FinanceRecord("Budget", q.activity_budget, budget_columns, "period_start", _check_period)


async def create_record(
    info: Info, record: FinanceRecord, input: CreateTransactionInput | CreateBudgetInput
) -> dict[str, Any]:
    problems = Problems.checking(input)
    project_id = problems.global_id(input.project_id, "Project", "input.projectId")
    values = given(input)
    values.pop("project_id")
    coded: Coded = []
    columns = record.columns(values, problems, coded, "input")
    record.check(columns, problems)

    async def write(conn: AsyncConnection, key_name: str) -> Any:
        await _project_exists(conn, project_id, problems)
        await _partners_exist(conn, columns, problems)
        await check_codes(conn, coded, problems)
        if project_id is not None and not problems.found:
            await complete_value(
                conn, project_id, columns, columns, record.value_date_from, problems
            )
        problems.raise_if_any()
        assert project_id is not None
        position = await _next_position(conn, record.table, project_id)
        row = await writes.create(
            conn,
            record.table,
            {**columns, "project_id": project_id, "position": position},
            key_name=key_name,
        )
        return await with_language(conn, row)

    result: dict[str, Any] = await run_write(info, write)
    return result


async def update_record(
    info: Info, record: FinanceRecord, input: UpdateTransactionInput | UpdateBudgetInput
) -> dict[str, Any]:
    problems = Problems.checking(input)
    record_id, version, values = update_of(problems, input, record.kind)
    coded: Coded = []
    columns = record.columns(values, problems, coded, "input")

    async def write(conn: AsyncConnection, key_name: str) -> Any:
        current = await _current(conn, record.table, record_id)
        await _partners_exist(conn, columns, problems)
        await check_codes(conn, coded, problems)
        if current is not None and not problems.found:
            merged = {**current, **columns}
            record.check(merged, problems)
            await complete_value(
                conn, current["project_id"], merged, columns, record.value_date_from, problems
            )
        problems.raise_if_any()
        row = await writes.update(
            conn, record.table, record_id, version, columns, key_name=key_name
        )
        return await with_language(conn, row)

    result: dict[str, Any] = await run_write(info, write)
    return result


@strawberry.mutation(
    description="Add a transaction (commitment, disbursement, expenditure, incoming funds…) "
    "to a project.",
    permission_classes=[CanWriteProject],
)
async def create_transaction(
    info: Info,
    input: Annotated[CreateTransactionInput, strawberry.argument(description=WRITE_INPUT)],
) -> TransactionPayload:
    row = await create_record(info, TRANSACTION, input)
    return TransactionPayload(transaction=Transaction.from_row(row))


@strawberry.mutation(
    description="Change some fields of a transaction.", permission_classes=[CanWriteProject]
)
async def update_transaction(
    info: Info,
    input: Annotated[UpdateTransactionInput, strawberry.argument(description=WRITE_INPUT)],
) -> TransactionPayload:
    row = await update_record(info, TRANSACTION, input)
    return TransactionPayload(transaction=Transaction.from_row(row))


@strawberry.mutation(description="Delete a transaction.", permission_classes=[CanWriteProject])
async def delete_transaction(
    info: Info, input: Annotated[DeleteInput, strawberry.argument(description=WRITE_INPUT)]
) -> DeletePayload:
    return await delete_record(info, input, TRANSACTION.kind, TRANSACTION.table)


@strawberry.mutation(
    description="Add a budget for one period to a project.", permission_classes=[CanWriteProject]
)
async def create_budget(
    info: Info, input: Annotated[CreateBudgetInput, strawberry.argument(description=WRITE_INPUT)]
) -> BudgetPayload:
    row = await create_record(info, BUDGET, input)
    return BudgetPayload(budget=Budget.from_row(row))


@strawberry.mutation(
    description="Change some fields of a budget.", permission_classes=[CanWriteProject]
)
async def update_budget(
    info: Info, input: Annotated[UpdateBudgetInput, strawberry.argument(description=WRITE_INPUT)]
) -> BudgetPayload:
    row = await update_record(info, BUDGET, input)
    return BudgetPayload(budget=Budget.from_row(row))


@strawberry.mutation(description="Delete a budget.", permission_classes=[CanWriteProject])
async def delete_budget(
    info: Info, input: Annotated[DeleteInput, strawberry.argument(description=WRITE_INPUT)]
) -> DeletePayload:
    return await delete_record(info, input, BUDGET.kind, BUDGET.table)


async def with_language(conn: AsyncConnection, row: RowMapping) -> dict[str, Any]:
    """The written row as the read types take it: with its activity's default language
    (``_lang``, as ``db.queries.load_activity_rows`` adds), the one its narratives are in."""
    lang = await conn.scalar(sa.select(q.project.c.lang).where(q.project.c.id == row["project_id"]))
    return {**row, "_lang": lang}


async def _current(conn: AsyncConnection, table: sa.Table, record_id: int) -> dict[str, Any] | None:
    """The stored record, to check an update against (``writes.update`` then locks it and
    answers NOT_FOUND when it is missing)."""
    row = (await conn.execute(sa.select(table).where(table.c.id == record_id))).mappings().first()
    return None if row is None else dict(row)
