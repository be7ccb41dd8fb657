"""Where the compiled path meets Strawberry: after parsing, validation and the query limits,
before the resolvers.

A query the compiler can read whole is answered by one statement; any other, or a part it
is not sure of, runs through the resolvers unchanged. The permission a compiled field needs
is the public read (``may_read``), checked as the resolvers check it; everything else
(rate limits, persisted queries, cost and depth limits, the statement timeout) happens
before or around this extension, the same for both paths.
"""

from collections.abc import AsyncIterator

from graphql import ExecutionResult, GraphQLError, located_error
from strawberry.extensions import SchemaExtension
from strawberry.types.graphql import OperationType

from db.json_select import fetch_json
from schema.compiled.compiler import CannotCompile, compile_operation
from schema.compiled.fields import RULES
from schema.context import Context


class CompiledReads(SchemaExtension):
    async def on_execute(self) -> AsyncIterator[None]:
        execution = self.execution_context
        context = execution.context
        if (
            isinstance(context, Context)
            and context.settings.compiled_reads
            and execution.operation_type is OperationType.QUERY
        ):
            try:
                compiled = compile_operation(
                    execution.schema,
                    RULES,
                    execution.graphql_document,
                    execution.operation_name,
                    execution.variables,
                    context,
                )
            except (CannotCompile, GraphQLError):
                compiled = None
            if compiled is not None:
                try:
                    data = await context.read(fetch_json, compiled.statement)
                except Exception as error:
                    # What a resolver meeting the same failure would answer: its code comes
                    # from the error (SERVICE_UNAVAILABLE, QUERY_TIMEOUT).
                    execution.result = ExecutionResult(data=None, errors=[located_error(error)])
                else:
                    if compiled.holds_in(data):
                        execution.result = ExecutionResult(data=data)
        yield
