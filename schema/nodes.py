"""Relay's ``node(id:)`` and ``nodes(ids:)``: any record by its global id.

Ids are grouped by type, so ``nodes`` costs one query per type it names, not one per id. An
id that names nothing answers ``null`` with a ``NOT_FOUND`` error at its own path (an id
that is not one of ours, ``BAD_USER_INPUT``): the rest of the answer stands, as Relay needs
when a record it holds was deleted since.
"""

from collections.abc import Awaitable, Sequence
from typing import cast

from graphql import GraphQLError
from strawberry import relay

from db.bounds import record_id
from schema.changes import Change
from schema.errors import bad_user_input, not_found
from schema.info import Info
from schema.types.budget import Budget
from schema.types.funding import Agreement, Contribution
from schema.types.partner import Partner, PartnerFact
from schema.types.programme import Programme
from schema.types.project import Project
from schema.types.reference import Country, Theme
from schema.types.results import BeneficiaryGroup, Outcome
from schema.types.transaction import Transaction

NODE_TYPES: dict[str, type[relay.Node]] = {
    t.__name__: t
    for t in (
        Partner,
        PartnerFact,
        Programme,
        Project,
        BeneficiaryGroup,
        Outcome,
        Contribution,
        Agreement,
        Country,
        Theme,
        Change,
        Transaction,
        Budget,
    )
}
_TEXT_IDS = {"Country", "Theme"}
MAX_IDS = 100
"""As many as a page holds: ``nodes(ids:)`` is a page of records chosen by their ids, and
the cost limit counts it as that many."""


def _parse(id: str, argument: str) -> relay.GlobalID | GraphQLError:
    try:
        global_id = relay.GlobalID.from_id(id)
    except Exception:
        return bad_user_input(f"{id!r} is not a valid global id.", argument=argument)
    if global_id.type_name not in NODE_TYPES or (
        global_id.type_name not in _TEXT_IDS and record_id(global_id.node_id) is None
    ):
        return bad_user_input(f"{id!r} is not a valid global id.", argument=argument)
    return global_id


async def load_nodes(
    info: Info, ids: Sequence[str], argument: str
) -> list[relay.Node | GraphQLError]:
    """Each id's node, or the error that stands in its place."""
    if len(ids) > MAX_IDS:
        raise bad_user_input(f"At most {MAX_IDS} ids at a time.", argument=argument)
    parsed = [_parse(id, argument) for id in ids]
    by_type: dict[str, list[str]] = {}
    for global_id in parsed:
        if isinstance(global_id, relay.GlobalID):
            by_type.setdefault(global_id.type_name, []).append(global_id.node_id)
    found: dict[tuple[str, str], relay.Node | None] = {}
    for type_name, node_ids in by_type.items():
        distinct = list(dict.fromkeys(node_ids))
        resolving = NODE_TYPES[type_name].resolve_nodes(info=info, node_ids=distinct)
        nodes = await cast(Awaitable[list[relay.Node | None]], resolving)
        found.update(((type_name, i), node) for i, node in zip(distinct, nodes, strict=True))
    answers: list[relay.Node | GraphQLError] = []
    for id, global_id in zip(ids, parsed, strict=True):
        if isinstance(global_id, GraphQLError):
            answers.append(global_id)
            continue
        node = found[(global_id.type_name, global_id.node_id)]
        answers.append(
            not_found(f"No {global_id.type_name} has the id {id!r}.", id=str(id))
            if node is None
            else node
        )
    return answers
