"""Relay nodes fetched through the request's DataLoaders."""

import re
from collections.abc import Iterable
from typing import Any, ClassVar

from strawberry import relay

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
