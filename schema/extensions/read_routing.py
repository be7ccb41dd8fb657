"""Plain queries may be answered from a read replica; everything else runs on the primary.

The operation's type is only known once Strawberry has parsed the document, after the
request's connection was taken (from the replica, when one is configured): this extension
moves a mutation to the primary before any of it runs.
"""

from collections.abc import AsyncIterator

from strawberry.extensions import SchemaExtension
from strawberry.types.graphql import OperationType

from schema.context import Context


class WritesOnPrimary(SchemaExtension):
    async def on_execute(self) -> AsyncIterator[None]:
        context = self.execution_context.context
        if (
            not isinstance(context, Context)
            or not context.reads_replica
            or self.execution_context.operation_type is OperationType.QUERY
        ):
            yield
            return
        async with context.on_primary():
            yield
