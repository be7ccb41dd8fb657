"""The GraphQL endpoint: Strawberry's FastAPI router, with GraphiQL opening on an example."""

import json
import re
from collections.abc import AsyncIterator
from dataclasses import replace
from functools import cached_property
from pathlib import Path
from typing import Any, cast

import orjson
from cross_web import AsyncHTTPRequestAdapter, HTTPException
from sqlalchemy.ext.asyncio import AsyncConnection
from starlette.requests import HTTPConnection
from strawberry.exceptions import ConnectionRejectionError
from strawberry.fastapi import GraphQLRouter
from strawberry.http import GraphQLRequestData
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.types.unset import UNSET, UnsetType

from db.api_keys import authenticate
from db.enums import KeyScope
from schema.build import build_schema
from schema.context import Context, Principal
from schema.extensions.limits import QueryLimits
from service.http.error_bodies import error_response
from service.http.persisted_queries import (
    PersistedQueries,
    PersistedQueryError,
    registered_operations,
)
from service.http.request_json import RefusedJson, decode_client_json
from service.http.websocket_messages import BoundedWebSocketAdapter
from service.observability import RequestObserver
from service.settings import Settings

EXAMPLE_QUERY = Path(__file__).parents[2] / "schema" / "examples" / "koica_projects.graphql"
_EXAMPLE = re.compile(r"const EXAMPLE_QUERY = `.*?`;", re.DOTALL)


async def get_context(request: HTTPConnection) -> AsyncIterator[Context]:
    connections = request.app.state.connections
    if request.scope["type"] == "websocket":
        # Subscriptions take a connection per event; the key comes in the init payload.
        yield Context(
            None,
            request.app.state.settings,
            commit_writes=connections.commits,
            connections=connections,
            change_feed=getattr(request.app.state, "change_hub", None),
            request_id=getattr(request.state, "request_id", None),
        )
        return
    reads = request.app.state.read_connections
    header = request.headers.get("authorization")

    async def authenticate(conn: AsyncConnection) -> tuple[Principal | None, bool]:
        return await principal_from_header(conn, header)

    async with reads.connect() as conn:
        principal, bad_credentials = await authenticate(conn)
        if principal is not None and header is not None:
            # From now on this token's requests count against its key, not the address.
            request.app.state.request_limits.verified_keys.verified(
                header.partition(" ")[2].strip()
            )
        yield Context(
            conn,
            request.app.state.settings,
            principal=principal,
            bad_credentials=bad_credentials,
            commit_writes=connections.commits,
            connections=connections,
            request_id=getattr(request.state, "request_id", None),
            observer=RequestObserver(request.app.state.metrics, request.scope),
            reads_replica=reads is not connections,
            authenticate=authenticate,
        )


async def principal_from_header(
    conn: AsyncConnection, header: str | None
) -> tuple[Principal | None, bool]:
    """The key a request presents as ``Authorization: Bearer <key>``; and whether it presented
    one that is not valid (so the error can say so rather than ask for a key)."""
    if not header:
        return None, False
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None, True
    key = await authenticate(conn, token.strip())
    if key is None:
        return None, True
    return Principal(key["name"], KeyScope(key["scope"]), key["partner_id"]), False


# Requests Strawberry refuses before any GraphQL runs (a body that is not JSON, no query, a
# mutation sent by GET) answer in the GraphQL error shape like every other error, so a client
# needs one error path, not a second one for plain-text bodies.
_HTTP_ERROR_CODES = {404: "NOT_FOUND", 405: "METHOD_NOT_ALLOWED"}


_NO_ACK_PAYLOAD = cast(UnsetType, UNSET)


class CoopgraphRouter(GraphQLRouter[Context, None]):
    websocket_adapter_class = BoundedWebSocketAdapter

    def __init__(self, *args: Any, persisted: PersistedQueries, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.persisted = persisted

    def encode_json(self, data: object) -> bytes:
        """orjson writes a large answer several times faster than the standard library."""
        return orjson.dumps(data)

    def decode_json(self, data: str | bytes) -> object:
        return decode_client_json(data)

    def parse_json(self, data: str | bytes) -> Any:
        """Strawberry says only "Unable to parse"; the client is told which bound it broke."""
        try:
            return decode_client_json(data)
        except RefusedJson as error:
            raise HTTPException(400, error.reason) from error

    async def parse_http_body(
        self, request: AsyncHTTPRequestAdapter
    ) -> GraphQLRequestData | list[GraphQLRequestData]:
        data = await super().parse_http_body(request)
        if isinstance(data, list):
            return [self.persisted.resolve(item) for item in data]
        return self.persisted.resolve(data)

    async def run(self, request: Any, context: Any = UNSET, root_value: Any = UNSET) -> Any:
        try:
            return await super().run(request, context=context, root_value=root_value)
        except PersistedQueryError as error:
            return error_response(200, error.message, error.code)
        except HTTPException as error:
            code = _HTTP_ERROR_CODES.get(error.status_code, "BAD_REQUEST")
            return error_response(error.status_code, error.reason, code)

    async def on_ws_connect(self, context: Context) -> UnsetType | dict[str, object] | None:
        """The key of a WebSocket comes in its ``connection_init`` payload, as
        ``{"Authorization": "Bearer <key>"}``; a key that is not valid closes it (4403)."""
        params = context.connection_params if isinstance(context.connection_params, dict) else {}
        header = params.get("Authorization") or params.get("authorization")
        if header is None:
            return _NO_ACK_PAYLOAD
        async with context.connections.connect() as conn:
            principal, bad = await principal_from_header(conn, str(header))
        if bad:
            raise ConnectionRejectionError({"message": "The API key is not valid."})
        context.principal = principal
        return _NO_ACK_PAYLOAD

    @cached_property
    def graphql_ide_html(self) -> str:
        html = super().graphql_ide_html
        query = EXAMPLE_QUERY.read_text(encoding="utf-8")
        return _EXAMPLE.sub(lambda _: f"const EXAMPLE_QUERY = {json.dumps(query)};", html, count=1)


def limits_of(settings: Settings) -> QueryLimits:
    return QueryLimits(
        max_depth=settings.max_query_depth,
        max_tokens=settings.max_query_tokens,
        max_aliases=settings.max_query_aliases,
        max_cost=settings.max_query_cost,
        default_page_size=settings.default_page_size,
        max_page_size=settings.max_page_size,
        introspection=settings.introspection,
        tracing=settings.tracing,
    )


def graphql_router(settings: Settings) -> CoopgraphRouter:
    """In allow-list mode GraphiQL, introspection and subscriptions are off: only the
    registered operations run, over HTTP."""
    only_registered = settings.persisted_queries_only
    limits = limits_of(settings)
    if only_registered:
        limits = replace(limits, introspection=False)
    return CoopgraphRouter(
        build_schema(limits),
        persisted=PersistedQueries(allowed=registered_operations() if only_registered else None),
        # A generator context getter is a FastAPI dependency with clean-up: the connection is
        # returned to the pool once the answer is sent. Strawberry's hint omits that form.
        context_getter=get_context,
        graphql_ide=None if only_registered else "graphiql",
        multipart_uploads_enabled=True,  # importIati; see schema/mutations/iati.py on CSRF
        subscription_protocols=[] if only_registered else [GRAPHQL_TRANSPORT_WS_PROTOCOL],
        max_subscriptions_per_connection=settings.max_subscriptions_per_connection,
    )
