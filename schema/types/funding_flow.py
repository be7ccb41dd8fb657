"""``fundingFlow`` and ``traceability``: funding chains across publishers as a graph."""

from decimal import Decimal
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Any

import strawberry

from db.funding_flow import MAX_DEPTH, MAX_EDGES, FlowDirection, FlowRows, funding_flow
from schema.descriptions import described_enum
from schema.errors import bad_user_input
from schema.info import Info
from schema.types.common import at_most
from schema.types.conversion import currency_argument
from schema.types.transaction import Transaction

if TYPE_CHECKING:
    from schema.types.project import Project

described_enum(
    FlowDirection,
    "Which way to follow a funding chain from where it starts.",
    UPSTREAM="To where the money came from: providers of incoming funds, activities that "
    "disbursed to this one, funders' activities named by participating organisations.",
    DOWNSTREAM="To where the money went: receivers of commitments, disbursements and "
    "expenditure, activities reporting it as incoming funds, implementers' activities.",
    BOTH="Both walks, each in its own direction (never up to a funder and back down to a sibling).",
)


class FlowNodeKind(StrEnum):
    PROJECT = "PROJECT"
    ACTIVITY = "ACTIVITY"
    ORGANISATION = "ORGANISATION"


described_enum(
    FlowNodeKind,
    "What a node of a funding flow is.",
    PROJECT="A project held in the database (an imported IATI activity).",
    ACTIVITY="An IATI activity identifier a transaction names but the database does not "
    "hold: kept as the identifier.",
    ORGANISATION="An organisation a transaction names without naming its activity.",
)

FLOW_NODES = 50
"""Nodes and edges a flow is counted as per level of ``depth`` (the cost rule multiplies
what is under a field by its ``depth``)."""


@strawberry.type(description="A project, an activity identifier or an organisation.")
class FlowNode:
    id: str = strawberry.field(
        description='The node\'s key in `edges`: "P:<project id>", "A:<IATI activity '
        'identifier>" or "O:<partner code, else org ref, else name>".'
    )
    kind: FlowNodeKind = strawberry.field(description="What the node is.")
    label: str | None = strawberry.field(
        description="The project's title, the identifier, or the organisation's key."
    )
    iati_identifier: str | None = strawberry.field(
        description="The activity's IATI identifier; null for an organisation."
    )
    depth: int | None = strawberry.field(
        description="Hops from where the flow starts (0); null for leaves that are not projects."
    )
    project_id: strawberry.Private[int | None]

    @strawberry.field(description="The project, for a PROJECT node; null otherwise.")
    async def project(
        self, info: Info
    ) -> Annotated["Project", strawberry.lazy("schema.types.project")] | None:
        if self.project_id is None:
            return None
        found: Project | None = await info.context.loaders.project.load(self.project_id)
        return found


@strawberry.type(description="An amount of an edge in one original currency.")
class FlowAmount:
    amount: Decimal = strawberry.field(description="Sum of the edge's transactions.")
    currency: str | None = strawberry.field(
        description="ISO 4217 code as published; null where none is stated."
    )
    transactions: int = strawberry.field(description="Transactions summed.")


@strawberry.type(
    description="Money between two nodes, as one publisher reports it with one transaction "
    "type: a donor's disbursement and the agency's incoming funds for it are two edges."
)
class FlowEdge:
    source: str = strawberry.field(description="The `FlowNode.id` the money comes from.")
    target: str = strawberry.field(description="The `FlowNode.id` the money goes to.")
    transaction_type: str = strawberry.field(
        description="IATI TransactionType code (1 Incoming Funds, 2 Outgoing Commitment, "
        "3 Disbursement, 4 Expenditure, 11 Incoming Commitment...)."
    )
    reported_by: str = strawberry.field(
        description="The `FlowNode.id` of the project whose transactions these are."
    )
    amounts: list[FlowAmount] = strawberry.field(
        description="Per original currency: never added across currencies."
    )
    converted: Decimal | None = strawberry.field(
        description="The sum in `fundingFlow(currency:)`, each transaction at its value "
        "date's rate; null without `currency`, or when no transaction had a rate."
    )
    converted_transactions: int = strawberry.field(
        description="Transactions converted; the rest had no rate (see `notConverted`)."
    )
    not_converted: list[FlowAmount] = strawberry.field(
        description="Per currency, what had no rate or no currency: left out of `converted`."
    )
    transaction_ids: strawberry.Private[list[int]]

    @strawberry.field(
        description="The transactions behind the edge, by date; their `value.converted` "
        "shows each one's rate and its date.",
        directives=at_most(FLOW_NODES),
    )
    async def transactions(self, info: Info) -> list[Transaction]:
        found = await info.context.loaders.transaction.load_many(self.transaction_ids)
        return [t for t in found if t is not None]


@strawberry.type(
    description="A funding chain as a graph: projects and organisations, and the money "
    "between them."
)
class FundingFlow:
    direction: FlowDirection = strawberry.field(description="Which way it was followed.")
    depth: int = strawberry.field(description="The most hops followed.")
    currency: str | None = strawberry.field(description="The currency converted into.")
    nodes: list[FlowNode] = strawberry.field(
        description="Every node an edge names, and where the flow starts.",
        directives=at_most(FLOW_NODES),
    )
    edges: list[FlowEdge] = strawberry.field(
        description=f"At most {MAX_EDGES}, the largest first.", directives=at_most(FLOW_NODES)
    )
    truncated: bool = strawberry.field(
        description=f"Whether more than {MAX_EDGES} edges were found (the smallest left out)."
    )


def _amounts(rows: list[dict[str, Any]], amount: str, count: str) -> list[FlowAmount]:
    return [
        FlowAmount(amount=Decimal(str(r[amount])), currency=r["currency"], transactions=r[count])
        for r in rows
    ]


def _node(key: str, depth: int | None, title: str | None, identifier: str | None) -> FlowNode:
    kind, _, rest = key.partition(":")
    if kind == "P":
        return FlowNode(
            id=key,
            kind=FlowNodeKind.PROJECT,
            label=title,
            iati_identifier=identifier,
            depth=depth,
            project_id=int(rest),
        )
    return FlowNode(
        id=key,
        kind=FlowNodeKind.ACTIVITY if kind == "A" else FlowNodeKind.ORGANISATION,
        label=rest,
        iati_identifier=rest if kind == "A" else None,
        depth=None,
        project_id=None,
    )


def flow_of(
    rows: FlowRows, direction: FlowDirection, depth: int, target: str | None
) -> FundingFlow:
    nodes = {
        f"P:{n['id']}": _node(f"P:{n['id']}", n["depth"], n["title"], n["identifier"])
        for n in rows.nodes
    }
    grouped: dict[tuple[str, str, str, int], list[dict[str, Any]]] = {}
    for edge in rows.edges:
        grouped.setdefault(
            (edge["source"], edge["target"], edge["type"], edge["reporter"]), []
        ).append(edge)
        for end in (edge["source"], edge["target"]):
            if end not in nodes:
                nodes[end] = _node(end, None, None, None)
    edges = []
    for (source, target_node, kind, reporter), parts in grouped.items():
        converted = [Decimal(str(p["converted"])) for p in parts if p["converted"] is not None]
        missing = [
            {**p, "transactions": p["transactions"] - p["converted_transactions"]}
            for p in parts
            if p["not_converted"] is not None
        ]
        edges.append(
            FlowEdge(
                source=source,
                target=target_node,
                transaction_type=kind,
                reported_by=f"P:{reporter}",
                amounts=_amounts(parts, "amount", "transactions"),
                converted=sum(converted, Decimal(0)) if converted else None,
                converted_transactions=sum(p["converted_transactions"] for p in parts),
                not_converted=_amounts(missing, "not_converted", "transactions"),
                transaction_ids=[i for p in parts for i in p["ids"]],
            )
        )
    return FundingFlow(
        direction=direction,
        depth=depth,
        currency=target,
        nodes=list(nodes.values()),
        edges=edges,
        truncated=rows.edge_count > len(rows.edges),
    )


FlowDirectionArgument = Annotated[
    FlowDirection, strawberry.argument(description="Which way to follow the money.")
]
DepthArgument = Annotated[
    int,
    strawberry.argument(
        description=f"Hops to follow, 1 to {MAX_DEPTH}; each level multiplies the query's "
        "counted cost."
    ),
]
CurrencyArgument = Annotated[
    str | None,
    strawberry.argument(description="ISO 4217 code to convert the edges into; null: none."),
]


async def resolve_flow(
    info: Info,
    *,
    root: int | None = None,
    publisher: int | None = None,
    direction: FlowDirection,
    depth: int,
    currency: str | None,
) -> FundingFlow:
    if not 1 <= depth <= MAX_DEPTH:
        raise bad_user_input(f"depth is 1 to {MAX_DEPTH}.", argument="depth")
    target = currency_argument(currency, "currency") if currency is not None else None
    rows = await info.context.read(
        funding_flow,
        root=root,
        publisher=publisher,
        direction=direction,
        depth=depth,
        target=target,
    )
    return flow_of(rows, direction, depth, target)


@strawberry.type(
    description="How traceable a publisher's incoming money is, as the IATI Dashboard counts "
    "it: the share of its incoming-funds transactions that name the provider's activity."
)
class Traceability:
    incoming_funds: int = strawberry.field(
        description="Incoming-funds transactions (type 1) in the activities it publishes."
    )
    with_provider_activity: int = strawberry.field(
        description="Those naming the provider's activity (`provider-org/@provider-activity-id`)."
    )
    share: Decimal | None = strawberry.field(
        description="withProviderActivity / incomingFunds, 0 to 1, to four decimals; null "
        "when it publishes no incoming funds."
    )


async def resolve_traceability(info: Info, partner_id: int) -> Traceability:
    incoming, traced = await info.context.loaders.traceability.load(partner_id)
    share = None if incoming == 0 else (Decimal(traced) / incoming).quantize(Decimal("0.0001"))
    return Traceability(incoming_funds=incoming, with_provider_activity=traced, share=share)
