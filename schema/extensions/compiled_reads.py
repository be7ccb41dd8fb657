"""Where the compiled path meets Strawberry: after parsing, validation and the query limits,
before the resolvers.

A query the compiler can read whole is answered by one statement; any other, or a part it
is not sure of, runs through the resolvers unchanged. The permission a compiled field needs
is the public read (``may_read``), checked as the resolvers check it; everything else
(rate limits, persisted queries, cost and depth limits, the statement timeout) happens
before or around this extension, the same for both paths.

Building the statement costs more Python than running it (SQLAlchemy constructs and
renders a few hundred expressions), so the rendered SQL is kept per query text, variables
and ``Reader``: a front end asking the same questions pays for each once.
"""

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

from graphql import DocumentNode, ExecutionResult, GraphQLError, located_error
from sqlalchemy.dialects import postgresql
from strawberry import Schema
from strawberry.extensions import SchemaExtension
from strawberry.types.graphql import OperationType

from db.json_select import fetch_rendered_json
from schema.compiled.compiler import CannotCompile, Reader, Shape, compile_operation
from schema.compiled.connections import INHERITED
from schema.context import Context
from schema.extensions.bounded_cache import BoundedCache
from schema.permissions import may_read

_DIALECT = postgresql.asyncpg.dialect()  # type: ignore[no-untyped-call]


@dataclass(frozen=True)
class Rendered:
    sql: str
    parameters: tuple[Any, ...]
    shape: Shape


def _render(
    schema: Schema,
    document: DocumentNode,
    operation_name: str | None,
    variables: dict[str, Any] | None,
    reader: Reader,
) -> Rendered | None:
    try:
        compiled = compile_operation(schema, INHERITED, document, operation_name, variables, reader)
    except (CannotCompile, GraphQLError):
        return None
    sql = compiled.statement.compile(dialect=_DIALECT, compile_kwargs={"render_postcompile": True})
    values = sql.construct_params()
    parameters = tuple(values[name] for name in sql.positiontup or ())
    return Rendered(sql.string, parameters, compiled.shape)


STATEMENTS: BoundedCache[Rendered | None] = BoundedCache(512)
"""A query the compiler cannot read is kept as ``None``, so it is not tried again."""


class CompiledReads(SchemaExtension):
    async def on_execute(self) -> AsyncIterator[None]:
        execution = self.execution_context
        context = execution.context
        if (
            isinstance(context, Context)
            and context.settings.compiled_reads
            and execution.operation_type is OperationType.QUERY
            and execution.query is not None
            and execution.graphql_document is not None
        ):
            reader = Reader(
                may_read(context),
                context.settings.default_page_size,
                context.settings.max_page_size,
            )
            schema, document = execution.schema, execution.graphql_document
            operation, variables = execution.operation_name, execution.variables
            rendered = STATEMENTS.get(
                (
                    id(schema),
                    execution.query,
                    operation,
                    json.dumps(variables, default=str),
                    reader,
                ),
                lambda: _render(schema, document, operation, variables, reader),
            )
            if rendered is not None:
                try:
                    data = await context.read(
                        fetch_rendered_json, rendered.sql, rendered.parameters
                    )
                except Exception as error:
                    # What a resolver meeting the same failure would answer: its code comes
                    # from the error (SERVICE_UNAVAILABLE, QUERY_TIMEOUT).
                    execution.result = ExecutionResult(data=None, errors=[located_error(error)])
                else:
                    if rendered.shape.holds_in(data):
                        execution.result = ExecutionResult(data=rendered.shape.finish(data))
        yield
