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

Once kept, the statement answers the same request again before Strawberry's pipeline runs
(``answer_known_query``): the plan cached per operation, as Grafast keeps it. Parsing,
validation and the limits are functions of the query text and the schema alone (that is
why their outcomes are cached by text), and a statement is kept only for a text that
passed them all, so running them again cannot refuse what they let through; for a
one-row query they were most of its CPU (the extensions' hooks, phase by phase). The
operation is still reported to the metrics, and anything short of a plain answer (no
statement kept, a ``node`` that is not there, a failing statement) takes the whole
pipeline as before, which answers it, errors included.
"""

import json
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Hashable
from dataclasses import dataclass
from typing import Any

from graphql import DocumentNode, ExecutionResult, GraphQLError, located_error
from graphql.utilities import get_operation_ast
from sqlalchemy.dialects import postgresql
from strawberry import Schema
from strawberry.extensions import SchemaExtension
from strawberry.schema.base import BaseSchema
from strawberry.types.graphql import OperationType

from db.json_select import fetch_rendered_json
from schema.compiled.compiler import CannotCompile, Reader, Shape, compile_operation
from schema.compiled.connections import INHERITED
from schema.context import Context, Principal
from schema.extensions.bounded_cache import BoundedCache
from schema.permissions import may_read_as
from service.settings import Settings

_DIALECT = postgresql.asyncpg.dialect()  # type: ignore[no-untyped-call]


@dataclass(frozen=True)
class Rendered:
    sql: str
    parameters: tuple[Any, ...]
    shape: Shape
    operation: str
    """The operation's name as the metrics record it (``anonymous`` without one)."""


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
    operation = get_operation_ast(document, operation_name)
    name = operation.name.value if operation is not None and operation.name else "anonymous"
    return Rendered(sql.string, parameters, compiled.shape, name)


MAX_STATEMENT_BYTES = 32 * 1024 * 1024


def _weight(rendered: Rendered | None) -> int:
    """The SQL text, its parameters (as text) and the answer's shape (a few per field)."""
    if rendered is None:
        return 0
    return 2 * len(rendered.sql) + sum(len(str(p)) for p in rendered.parameters)


STATEMENTS: BoundedCache[Rendered | None] = BoundedCache(
    512, max_bytes=MAX_STATEMENT_BYTES, weigh=_weight
)
"""A query the compiler cannot read is kept as ``None``, so it is not tried again."""


def reader_for(settings: Settings, principal: Principal | None) -> Reader:
    return Reader(
        may_read_as(settings, principal), settings.default_page_size, settings.max_page_size
    )


def _reader(context: Context) -> Reader:
    return reader_for(context.settings, context.principal)


def _statement_key(
    schema: BaseSchema,
    query: str,
    operation_name: str | None,
    variables: dict[str, Any] | None,
    reader: Reader,
) -> Hashable:
    return (id(schema), query, operation_name, json.dumps(variables, default=str), reader)


def kept_statement(
    schema: BaseSchema,
    settings: Settings,
    reader: Reader,
    query: object,
    operation_name: object,
    variables: object,
) -> Rendered | None:
    """The statement kept for a request (see the module's docstring), or ``None``: the
    pipeline is to answer it. With tracing on, every request takes the pipeline, whose
    spans the operator asked for; request fields of the wrong type (an operation name that
    is not a string) are the pipeline's to refuse."""
    if (
        not isinstance(query, str)
        or not isinstance(operation_name, str | None)
        or not isinstance(variables, dict | None)
        or not settings.compiled_reads
        or settings.tracing
    ):
        return None
    return STATEMENTS.lookup(_statement_key(schema, query, operation_name, variables, reader))


FetchJson = Callable[[str, tuple[Any, ...]], Awaitable[Any]]


async def read_kept(rendered: Rendered, fetch: FetchJson) -> Any | None:
    """The ``data`` the kept statement answers, or ``None`` for anything short of a plain
    answer (a failing statement, a ``node`` that is not there): the pipeline meets it again
    and answers it, errors and codes included."""
    try:
        data = await fetch(rendered.sql, rendered.parameters)
    except Exception:
        return None
    if not rendered.shape.holds_in(data):
        return None
    return rendered.shape.finish(data)


async def answer_known_query(
    schema: BaseSchema,
    context: Context,
    query: str | None,
    operation_name: str | None,
    variables: dict[str, Any] | None,
) -> Any | None:
    """The ``data`` of a request whose statement is kept, read on the request's connection,
    or ``None``: the pipeline is to answer it."""
    started = time.perf_counter()
    rendered = kept_statement(
        schema, context.settings, _reader(context), query, operation_name, variables
    )
    if rendered is None:
        return None
    data = await read_kept(
        rendered, lambda sql, parameters: context.read(fetch_rendered_json, sql, parameters)
    )
    if data is not None and context.observer is not None:
        context.observer.operation(rendered.operation, time.perf_counter() - started, [])
    return data


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
            reader = _reader(context)
            schema, document = execution.schema, execution.graphql_document
            operation, variables = execution.operation_name, execution.variables
            # Keyed by the name the request gave (or none), as ``answer_known_query`` finds
            # it before the document is parsed; ``operation_name`` is the document's.
            requested = execution._provided_operation_name
            rendered = STATEMENTS.get(
                _statement_key(schema, execution.query, requested, variables, reader),
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
