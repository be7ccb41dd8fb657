"""The Strawberry schema object, built once per process."""

import logging
from decimal import Decimal
from functools import cache, partial

import strawberry
from graphql import GraphQLError
from strawberry.federation.schema import FederationAny
from strawberry.types import ExecutionContext, Info

from schema.error_codes import assign_codes
from schema.errors import bad_user_input
from schema.extensions.compiled_reads import CompiledReads
from schema.extensions.limits import QueryLimits, limit_extensions, refusals
from schema.extensions.operation_metrics import OperationMetrics
from schema.extensions.parse_cache import ParseByQueryText
from schema.extensions.read_routing import WritesOnPrimary
from schema.extensions.validation_cache import ValidationByQueryText
from schema.mutations import Mutation
from schema.query import Query
from schema.scalars import BoundedDecimal
from schema.subscriptions import Subscription
from schema.types.node import Entity

log = logging.getLogger("coopgraph.errors")


class CoopgraphSchema(strawberry.federation.Schema):
    """An Apollo Federation 2 subgraph (``_service``, ``_entities``) that also serves alone."""

    def entities_resolver(
        self, info: Info, representations: list[FederationAny]
    ) -> list[FederationAny]:
        """Strawberry trusts a representation's shape: one that is not ``{__typename, id}`` of
        an entity would end as an unexpected error rather than the client's."""
        entities = {entity.__name__ for entity in Entity.__subclasses__()}
        for index, representation in enumerate(representations):
            if not (
                isinstance(representation, dict)
                and set(representation) == {"__typename", "id"}
                and representation["__typename"] in entities
                and isinstance(representation["id"], str)
            ):
                raise bad_user_input(
                    f"representations[{index}] is not an entity representation: it must be "
                    f'{{"__typename": one of {sorted(entities)}, "id": a global id}}.'
                )
        return super().entities_resolver(info, representations)

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        """Runs before ``MaskUnexpectedErrors``: the log gets the full error and its trace,
        under the request id the client is shown."""
        context = execution_context.context if execution_context is not None else None
        request_id = getattr(context, "request_id", None)
        for error in assign_codes(errors):
            log.error(
                "unexpected error in request %s: %s",
                request_id,
                error.message,
                exc_info=error.original_error,
            )


@cache
def build_schema(limits: QueryLimits | None = None) -> strawberry.Schema:
    limits = limits or QueryLimits()
    refuse = partial(refusals, limits)
    return CoopgraphSchema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        scalar_overrides={Decimal: BoundedDecimal},
        extensions=[
            *limit_extensions(limits),
            OperationMetrics,
            WritesOnPrimary,
            CompiledReads,
            # Parsing and validation dominate small queries: cache both (bounded in bytes).
            ParseByQueryText,
            lambda: ValidationByQueryText(refuse),
        ],
    )


schema = build_schema()
"""With the default limits: what the tests and ``export-schema`` use; the app builds its
own from the settings."""
