"""What a query may ask for, checked before it runs, and what a client sees when it fails.

The token limit is Strawberry's (it stops the parser). Depth, aliases, written-out fields and
cost come from one measure of the document (``schema.extensions.operation_size``), taken
before graphql-core's validation rules run: those are synchronous, and some of them (like
Strawberry's own depth and alias limiters) follow every fragment spread on every path, so
a small document of nested spreads would hold the process for seconds. Each refusal carries
an ``extensions.code`` naming the limit. Unexpected errors reach the client as "Unexpected
error." with the request id under which the full error was logged.
"""

from collections.abc import Callable
from dataclasses import dataclass

from graphql import DocumentNode, GraphQLError, GraphQLSchema
from strawberry.extensions import (
    DisableIntrospection,
    MaskErrors,
    MaxTokensLimiter,
    SchemaExtension,
)
from strawberry.extensions.tracing import OpenTelemetryExtension

from schema.error_codes import INTERNAL
from schema.extensions.operation_size import Pages, measure


@dataclass(frozen=True)
class QueryLimits:
    max_depth: int = 12
    max_tokens: int = 5000
    max_aliases: int = 30
    max_cost: int = 1_000_000
    max_fields: int = 500
    max_repeats: int = 30
    """Fields with the fragments written out, and the times one response name occurs in
    a selection set: what bounds the time of the validation rule that compares fields
    pairwise (``OverlappingFieldsCanBeMerged``). The largest query the repository ships
    has 182 fields; a union's members may each ask for the same field."""
    default_page_size: int = 20
    max_page_size: int = 100
    introspection: bool = True
    tracing: bool = False
    """Spans for the operation, its parsing, validation and resolvers (OpenTelemetry)."""


class MaskUnexpectedErrors(MaskErrors):
    """Masks only what no resolver expected (``INTERNAL_SERVER_ERROR``), and names the
    request, so an operator can find the full error in the log."""

    def __init__(self) -> None:
        super().__init__(should_mask_error=_unexpected)

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        masked = super().anonymise_error(error)
        request_id = getattr(self.execution_context.context, "request_id", None)
        masked.extensions = {"code": INTERNAL, "requestId": request_id}
        return masked


def _unexpected(error: GraphQLError) -> bool:
    return (error.extensions or {}).get("code") == INTERNAL


def refusals(
    limits: QueryLimits, schema: GraphQLSchema, document: DocumentNode
) -> list[GraphQLError]:
    """The limits a document breaks, checked before the validation rules may run on it."""
    errors = []
    pages = Pages(limits.default_page_size, limits.max_page_size)
    for measured in measure(schema, document, pages):
        node, size = measured.operation, measured.size
        name = node.name.value if node.name else "anonymous"
        if size.fields > limits.max_fields or size.repeats > limits.max_repeats:
            errors.append(
                GraphQLError(
                    f"This query has {size.fields} fields once its fragments are written out "
                    f"(the limit is {limits.max_fields}), and asks for one field up to "
                    f"{size.repeats} times in one selection (the limit is "
                    f"{limits.max_repeats}).",
                    node,
                    extensions={
                        "code": "QUERY_TOO_LARGE",
                        "fields": size.fields,
                        "limit": limits.max_fields,
                        "repeats": size.repeats,
                        "repeatLimit": limits.max_repeats,
                    },
                )
            )
            continue  # the other counts of such a document are no news
        if size.depth > limits.max_depth:
            errors.append(
                GraphQLError(
                    f"'{name}' exceeds maximum operation depth of {limits.max_depth}",
                    node,
                    extensions={"code": "QUERY_TOO_DEEP"},
                )
            )
        if size.aliases > limits.max_aliases:
            errors.append(
                GraphQLError(
                    f"{size.aliases} aliases found. Allowed: {limits.max_aliases}",
                    node,
                    extensions={"code": "TOO_MANY_ALIASES"},
                )
            )
        if size.cost > limits.max_cost:
            paged = sorted(measured.paged_instead)
            hint = (
                f" Ask for pages of the connections instead of plain lists ({', '.join(paged)})."
                if paged
                else " Ask for smaller pages or fewer nested lists."
            )
            errors.append(
                GraphQLError(
                    f"This query could resolve {size.cost} fields; the limit is "
                    f"{limits.max_cost}.{hint}",
                    node,
                    extensions={
                        "code": "QUERY_TOO_COSTLY",
                        "cost": size.cost,
                        "limit": limits.max_cost,
                        "pagedInstead": paged,
                    },
                )
            )
    return errors


def limit_extensions(limits: QueryLimits) -> list[Callable[[], SchemaExtension]]:
    """Factories: Strawberry makes fresh extensions for each request, as some keep state.
    The measured limits run with validation (``ValidationByQueryText``)."""
    extensions: list[Callable[[], SchemaExtension]] = [
        lambda: MaxTokensLimiter(max_token_count=limits.max_tokens),
        MaskUnexpectedErrors,
    ]
    if not limits.introspection:
        extensions.append(DisableIntrospection)
    if limits.tracing:
        extensions.append(OpenTelemetryExtension)
    return extensions
