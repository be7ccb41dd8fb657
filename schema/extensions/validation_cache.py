"""Validation once per query text, after the measured limits.

Strawberry's ``ValidationCache`` keys its ``lru_cache`` on the parsed document and the rule
classes: the document's hash walks the whole tree on every request, and limiters that add
rules build new rule classes for every request, so it never hits and validation (a visit
of the document by some thirty rules) runs each time. A schema's rules and limits are
fixed when it is built (``build_schema(limits)``), so the query text alone decides the
outcome.

The limits (``schema.extensions.limits.refusals``) are checked first, and a document they
refuse never reaches graphql-core's rules: those are synchronous and cannot be stopped,
and one of them compares fields pairwise.
"""

from collections.abc import Callable, Iterator

from graphql import DocumentNode, GraphQLError, GraphQLSchema
from strawberry.extensions import SchemaExtension
from strawberry.schema.schema import validate_document

from schema.extensions.bounded_cache import BoundedCache

MAX_VALIDATION_BYTES = 16 * 1024 * 1024

_OUTCOMES: BoundedCache[list[GraphQLError]] = BoundedCache(
    512, max_bytes=MAX_VALIDATION_BYTES, weigh=lambda errors: 200 * len(errors)
)

Refusals = Callable[[GraphQLSchema, DocumentNode], list[GraphQLError]]


class ValidationByQueryText(SchemaExtension):
    def __init__(self, refusals: Refusals) -> None:
        self.refusals = refusals

    def on_validate(self) -> Iterator[None]:
        execution = self.execution_context
        document, query = execution.graphql_document, execution.query
        if document is not None and query is not None:
            graphql_schema = execution.schema._schema
            rules = execution.validation_rules
            execution.pre_execution_errors = _OUTCOMES.get(
                (id(graphql_schema), query),
                lambda: (
                    self.refusals(graphql_schema, document)
                    or validate_document(graphql_schema, document, rules)
                ),
            )
        yield
