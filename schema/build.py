"""The Strawberry schema object, built once per process."""

import strawberry
from graphql import GraphQLError
from strawberry.extensions import ParserCache, ValidationCache
from strawberry.types import ExecutionContext

from schema.error_codes import assign_codes
from schema.mutations import Mutation
from schema.query import Query
from schema.subscriptions import Subscription


class CoopgraphSchema(strawberry.Schema):
    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        unexpected = assign_codes(errors)
        if unexpected:
            super().process_errors(unexpected, execution_context)


def build_schema() -> strawberry.Schema:
    return CoopgraphSchema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        # Parsing and validation dominate small queries: cache both.
        extensions=[lambda: ParserCache(maxsize=256), lambda: ValidationCache(maxsize=256)],
    )


schema = build_schema()
