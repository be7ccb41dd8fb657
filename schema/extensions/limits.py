"""What a query may ask for, checked before it runs, and what a client sees when it fails.

The limits are Strawberry's own extensions (depth, tokens, aliases) plus the cost rule of
``schema.extensions.query_cost``; each refusal carries an ``extensions.code`` naming the limit
(``schema.error_codes``). Unexpected errors reach the client as "Unexpected error." with the
request id under which the full error was logged.
"""

from collections.abc import Callable
from dataclasses import dataclass

from graphql import GraphQLError
from strawberry.extensions import (
    AddValidationRules,
    DisableIntrospection,
    MaskErrors,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    QueryDepthLimiter,
    SchemaExtension,
)
from strawberry.extensions.tracing import OpenTelemetryExtension

from schema.error_codes import INTERNAL
from schema.extensions.query_cost import query_cost_rule


@dataclass(frozen=True)
class QueryLimits:
    max_depth: int = 12
    max_tokens: int = 5000
    max_aliases: int = 30
    max_cost: int = 1_000_000
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


def limit_extensions(limits: QueryLimits) -> list[Callable[[], SchemaExtension]]:
    """Factories: Strawberry makes fresh extensions for each request, as some keep state."""
    cost_rule = query_cost_rule(limits.max_cost, limits.default_page_size, limits.max_page_size)
    extensions: list[Callable[[], SchemaExtension]] = [
        lambda: MaxTokensLimiter(max_token_count=limits.max_tokens),
        lambda: QueryDepthLimiter(max_depth=limits.max_depth),
        lambda: MaxAliasesLimiter(max_alias_count=limits.max_aliases),
        lambda: AddValidationRules([cost_rule]),
        MaskUnexpectedErrors,
    ]
    if not limits.introspection:
        extensions.append(DisableIntrospection)
    if limits.tracing:
        extensions.append(OpenTelemetryExtension)
    return extensions
