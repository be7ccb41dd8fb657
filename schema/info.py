"""The ``Info`` every resolver receives, typed with this schema's context."""

from typing import Any

from strawberry.types import Info as StrawberryInfo

from schema.context import Context

Info = StrawberryInfo[Context, Any]
