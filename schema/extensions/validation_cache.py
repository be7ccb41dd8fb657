"""Validation once per query text.

Strawberry's ``ValidationCache`` keys its ``lru_cache`` on the parsed document and the rule
classes: the document's hash walks the whole tree on every request, and the depth and alias
limiters build new rule classes for every request, so it never hits and validation (a
visit of the document by some thirty rules) runs each time. A schema's rules are fixed when
it is built (``build_schema(limits)``), so the query text alone decides the outcome.
"""

from collections.abc import Iterator

from graphql import GraphQLError
from strawberry.extensions import SchemaExtension
from strawberry.schema.schema import validate_document

from schema.extensions.bounded_cache import BoundedCache

MAX_VALIDATION_BYTES = 16 * 1024 * 1024

_OUTCOMES: BoundedCache[list[GraphQLError]] = BoundedCache(
    512, max_bytes=MAX_VALIDATION_BYTES, weigh=lambda errors: 200 * len(errors)
)


class ValidationByQueryText(SchemaExtension):
    def on_validate(self) -> Iterator[None]:
        execution = self.execution_context
        document, query = execution.graphql_document, execution.query
        if document is not None and query is not None:
            graphql_schema = execution.schema._schema
            execution.pre_execution_errors = _OUTCOMES.get(
                (id(graphql_schema), query),
                lambda: validate_document(graphql_schema, document, execution.validation_rules),
            )
        yield
