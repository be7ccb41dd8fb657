"""Relay nodes fetched through the request's DataLoaders."""

import re
from collections.abc import Iterable
from typing import Any, ClassVar

from strawberry import relay

from schema.errors import bad_user_input, not_found
from schema.info import Info


class LoadedNode(relay.Node):
    """A node whose ``resolve_nodes`` batches through the loader named after its type
    (``BeneficiaryGroup`` → ``loaders.beneficiary_group``), so ``node(id:)`` costs one query."""

    int_ids: ClassVar[bool] = True

    @classmethod
    async def resolve_nodes(
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[Any]:
        loader = getattr(
            info.context.loaders, re.sub(r"(?<!^)(?=[A-Z])", "_", cls.__name__).lower()
        )
        keys = [int(i) for i in node_ids] if cls.int_ids else list(node_ids)
        return list(await loader.load_many(keys))


class Entity(LoadedNode):
    """A node other subgraphs may extend or refer to (``@key(fields: "id")``): a gateway
    sends ``{__typename, id}`` with the same global id ``node(id:)`` takes, and all of one
    request's representations share the loader's batch."""

    @classmethod
    async def resolve_reference(cls, info: Info, id: str) -> Any:
        try:
            global_id = relay.GlobalID.from_id(id)
        except Exception:
            global_id = None
        if (
            global_id is None
            or global_id.type_name != cls.__name__
            or (cls.int_ids and not global_id.node_id.isdigit())
        ):
            raise bad_user_input(f"Not an id of a {cls.__name__}: {id!r}.")
        [node] = await cls.resolve_nodes(info=info, node_ids=[global_id.node_id])
        if node is None:
            raise not_found(f"No {cls.__name__} has the id {id!r}.")
        return node
