"""IATI money for the generated projects: transactions, budgets and sectors, with funding
chains between publishers, for the finance questions (Q7 ``financeStats`` by year and
country, Q8 a depth-3 ``fundingFlow``).

It runs after the rest of the data is built, from a random generator of its own (the
seed plus 21), so the rows of the other questions stay what they were. Only projects with
an IATI identifier get money (about 60 %). Each publishes as its first funder (its
``reporting_org_partner_id``); commits its budget (or about US$ 1 million) in its budget's
currency at its start; disburses 50-90 % of it in one to four payments over the following
years to an implementer; spends a little itself; has one budget per year, most of them
running July to June (so split between two years); one or two DAC sectors with
percentages that add up to 100, and now and then not. A fifth of the disbursements go to
another project's activity, and that project reports the money as incoming funds naming
this one, so chains three or four projects long exist.
"""

import random
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from generate import Generator

SECTORS = ("11110", "11220", "12220", "13020", "15110", "16010", "23210", "31120", "43010")
STAMP = datetime(2024, 1, 15, 9, 0, tzinfo=UTC)
"""Creation and update times are set, not left to now(), so a seed always gives the same
rows (as the generator's other records)."""
TYPES = {"incoming": "1", "commitment": "2", "disbursement": "3", "expenditure": "4"}


def _column(generator: "Generator", table: str, name: str) -> list[Any]:
    found = generator.tables[table]
    at = found.columns.index(name)
    return [row[at] for row in found.rows]


def add_finance(generator: "Generator", seed: int) -> None:
    rng = random.Random(seed + 21)
    projects = generator.tables["project"]
    ids = _column(generator, "project", "id")
    identifiers = _column(generator, "project", "iati_identifier")
    amounts = _column(generator, "project", "budget_amount")
    currencies = _column(generator, "project", "budget_currency")
    funders: dict[int, int] = {}
    implementers: dict[int, int] = {}
    links = generator.tables["project_partner"]
    for row in links.rows:
        values = dict(zip(links.columns, row, strict=True))
        target = funders if values["role"] == "FUNDING" else implementers
        target.setdefault(values["project_id"], values["partner_id"])
    held = [(pid, ident) for pid, ident in zip(ids, identifiers, strict=True) if ident]
    publisher = {pid: funders.get(pid) for pid in ids}
    at = projects.columns
    projects.columns = (*at, "reporting_org_partner_id")
    projects.rows = [
        (*row, publisher[pid] if ident else None)
        for row, pid, ident in zip(projects.rows, ids, identifiers, strict=True)
    ]
    transactions = generator.table("activity_transaction")
    budgets = generator.table("activity_budget")
    sectors = generator.table("activity_sector")

    def transaction(
        pid: int, kind: str, day: date, value: Decimal, currency: str, **more: Any
    ) -> None:
        transactions.add(
            id=len(transactions.rows) + 1,
            project_id=pid,
            position=len(transactions.rows),
            transaction_type=TYPES[kind],
            transaction_date=day,
            value=value,
            currency=currency,
            value_date=day,
            provider_partner_id=more.get("provider"),
            provider_activity_id=more.get("provider_activity"),
            receiver_partner_id=more.get("receiver"),
            receiver_activity_id=more.get("receiver_activity"),
            recipient_country_code=more.get("country"),
            created_at=STAMP,
            updated_at=STAMP,
        )

    for pid, identifier in held:
        index = pid - 1
        currency = currencies[index] or "USD"
        committed = amounts[index] or Decimal(1_000_000)
        start = date(rng.randrange(2012, 2025), rng.randrange(1, 13), rng.randrange(1, 29))
        years = rng.choice((1, 2, 3, 4))
        transaction(pid, "commitment", start, committed, currency, provider=publisher[pid])
        share = Decimal(rng.randrange(50, 91)) / 100
        payments = rng.choice((1, 2, 3, 4))
        for n in range(payments):
            day = start + timedelta(days=rng.randrange(30, 365 * years))
            value = (committed * share / payments).quantize(Decimal("1"))
            receiver_activity = None
            if rng.random() < 0.2:
                other, other_identifier = held[rng.randrange(len(held))]
                if other != pid:
                    receiver_activity = other_identifier
                    transaction(
                        other,
                        "incoming",
                        day + timedelta(days=rng.randrange(1, 20)),
                        value,
                        currency,
                        provider=publisher[pid],
                        provider_activity=identifier,
                    )
            transaction(
                pid,
                "disbursement",
                day,
                value,
                currency,
                provider=publisher[pid],
                receiver=implementers.get(pid),
                receiver_activity=receiver_activity,
                country=None if rng.random() < 0.8 or n else "KE",
            )
        for _ in range(rng.choice((0, 0, 1, 2))):
            day = start + timedelta(days=rng.randrange(30, 365 * years))
            transaction(pid, "expenditure", day, (committed / 50).quantize(Decimal("1")), currency)
        july = rng.random() < 0.7
        for year in range(years):
            begin = date(start.year + year, 7 if july else 1, 1)
            end = date(begin.year + 1, 6, 30) if july else date(begin.year, 12, 31)
            budgets.add(
                id=len(budgets.rows) + 1,
                project_id=pid,
                position=year,
                type="1",
                status="2",
                period_start=begin,
                period_end=end,
                value=(committed / years).quantize(Decimal("1")),
                currency=currency,
                value_date=begin,
                created_at=STAMP,
                updated_at=STAMP,
            )
        chosen = rng.sample(SECTORS, rng.choice((1, 2)))
        split = (Decimal(100),) if len(chosen) == 1 else (Decimal(60), Decimal(40))
        if len(chosen) == 2 and rng.random() < 0.1:
            split = (Decimal(60), Decimal(60))  # a publisher's percentages not adding up
        for n, (code, percentage) in enumerate(zip(chosen, split, strict=True)):
            sectors.add(
                id=len(sectors.rows) + 1,
                project_id=pid,
                position=n,
                vocabulary="1",
                code=code,
                percentage=percentage,
            )
