"""Funding chains between the generated projects, for Q8 (a depth-3 ``fundingFlow``) and
the chain rules of ``financeStats`` (Q7).

It runs after ``activity_rows`` has given projects their transactions, from a random
generator of its own, so every row made before is unchanged. Each project with an IATI
identifier publishes as its first funder (``reporting_org_partner_id``). A fifth of them
pass part of their money on to another such project's activity: a disbursement naming the
receiver's activity, and the receiver's incoming funds naming the provider's, on the same
terms — so chains three or four projects long exist, as between a donor, an agency and an
implementer.
"""

import random
from datetime import timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from generate import Generator

DISBURSEMENT, INCOMING = "3", "1"


def _column(generator: "Generator", table: str, name: str) -> list[Any]:
    found = generator.tables[table]
    at = found.columns.index(name)
    return [row[at] for row in found.rows]


def add_funding_chains(generator: "Generator", seed: int) -> None:
    rng = random.Random(f"funding-chains-{seed}")
    projects = generator.tables["project"]
    ids = _column(generator, "project", "id")
    identifiers = _column(generator, "project", "iati_identifier")
    funders: dict[int, int] = {}
    links = generator.tables["project_partner"]
    for row in links.rows:
        values = dict(zip(links.columns, row, strict=True))
        if values["role"] == "FUNDING":
            funders.setdefault(values["project_id"], values["partner_id"])
    held = [(pid, ident) for pid, ident in zip(ids, identifiers, strict=True) if ident]
    projects.columns = (*projects.columns, "reporting_org_partner_id")
    projects.rows = [
        (*row, funders.get(pid) if ident else None)
        for row, pid, ident in zip(projects.rows, ids, identifiers, strict=True)
    ]
    transactions = generator.tables.get("activity_transaction")
    if transactions is None or not held:
        return
    columns = transactions.columns
    first_disbursement: dict[int, dict[str, Any]] = {}
    for row in transactions.rows:
        values = dict(zip(columns, row, strict=True))
        if values["transaction_type"] == DISBURSEMENT and values["value"] > 0:
            first_disbursement.setdefault(values["project_id"], values)
    positions: dict[int, int] = {}
    for row in transactions.rows:
        pid = row[columns.index("project_id")]
        positions[pid] = positions.get(pid, 0) + 1
    for pid, identifier in held:
        paid = first_disbursement.get(pid)
        if paid is None or rng.random() >= 0.2:
            continue
        other, other_identifier = held[rng.randrange(len(held))]
        if other == pid:
            continue
        value = (paid["value"] * Decimal(rng.uniform(0.2, 0.6))).quantize(Decimal("0.01"))
        day = paid["transaction_date"]
        for project, kind, when, more in (
            (pid, DISBURSEMENT, day, {"receiver_activity_id": other_identifier}),
            (
                other,
                INCOMING,
                day + timedelta(days=rng.randrange(1, 20)),
                {"provider_activity_id": identifier, "provider_partner_id": funders.get(pid)},
            ),
        ):
            chained = {
                **paid,
                "project_id": project,
                "position": positions.get(project, 0),
                "transaction_type": kind,
                "transaction_date": when,
                "value_date": when,
                "value": value,
                "receiver_partner_id": None,
                "receiver_org_ref": None,
                "receiver_org_narratives": None,
                **more,
            }
            positions[project] = positions.get(project, 0) + 1
            transactions.add(**{name: chained[name] for name in columns})
