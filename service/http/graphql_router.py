"""The GraphQL endpoint: Strawberry's FastAPI router, with GraphiQL opening on an example."""

import json
import re
from collections.abc import AsyncIterator, Iterable, Mapping
from contextlib import asynccontextmanager
from dataclasses import replace
from functools import cached_property
from pathlib import Path
from typing import Any, cast

import orjson
from cross_web import AsyncHTTPRequestAdapter, HTTPException
from fastapi import BackgroundTasks, Request, Response
from fastapi.routing import APIRoute
from sqlalchemy.ext.asyncio import AsyncConnection
from starlette.requests import HTTPConnection
from starlette.responses import PlainTextResponse, StreamingResponse
from starlette.routing import Route
from starlette.types import Receive, Scope, Send
from strawberry.exceptions import ConnectionRejectionError, MissingQueryError
from strawberry.fastapi import GraphQLRouter
from strawberry.http import GraphQLHTTPResponse, GraphQLRequestData
from strawberry.http.streaming import (
    HTTPStreamTransport,
    MultipartSubscriptionTransport,
    SSETransport,
)
from strawberry.schema.exceptions import CannotGetOperationTypeError, InvalidOperationTypeError
from strawberry.subscriptions import (
    GRAPHQL_SSE_PROTOCOL,
    GRAPHQL_TRANSPORT_WS_PROTOCOL,
    GRAPHQL_WS_PROTOCOL,
    MULTIPART_SUBSCRIPTION_PROTOCOL,
)
from strawberry.types import ExecutionResult
from strawberry.types.graphql import OperationType
from strawberry.types.unset import UNSET, UnsetType

from db.api_keys import authenticate
from db.enums import KeyScope
from schema.build import build_schema
from schema.context import Context, Principal
from schema.extensions.compiled_reads import answer_known_query
from schema.extensions.limits import QueryLimits
from service.http.error_bodies import error_response
from service.http.graphql_media import (
    GRAPHQL_RESPONSE,
    SUBSCRIPTION_TRANSPORTS,
    is_request_error,
    is_stream_request,
    wants_graphql_response,
)
from service.http.kept_answers import KeptAnswers
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
_EXAMPLE = re.compile(r'<script type="application/json" id="example-query">null</script>')
_NOT_BUILT = (
    "<!doctype html><title>GraphiQL is not built</title>"
    "<p>GraphiQL is built with the explorer: run <code>make run</code> (or "
    "<code>npm ci && npm run build</code> in <code>explorer/</code>). The API answers at this "
    "address all the same.</p>"
)


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
    if is_stream_request(request.headers):
        # A subscription over HTTP lasts as long as a WebSocket: like one, it takes a
        # connection for each event it resolves, and holds none in between.
        async with connections.connect() as conn:
            principal, bad_credentials = await principal_from_header(conn, header)
        yield Context(
            None,
            request.app.state.settings,
            principal=principal,
            bad_credentials=bad_credentials,
            commit_writes=connections.commits,
            connections=connections,
            change_feed=getattr(request.app.state, "change_hub", None),
            request_id=getattr(request.state, "request_id", None),
        )
        return

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
_NOT_AN_OBJECT = "The request must be a JSON object: {query, variables, operationName, extensions}."


_NO_ACK_PAYLOAD = cast(UnsetType, UNSET)


class TextFrames(BoundedWebSocketAdapter):
    """Messages bounded in size and rate like HTTP bodies, and every one sent as a text
    frame: graphql-transport-ws is a text protocol, and browsers' and Node's clients close a
    connection that sends binary frames (4004)."""

    async def send_json(self, message: Mapping[str, object]) -> None:
        await super().send_json(_AsText(message))


class _AsText(dict[str, object]):
    """A message the view's encoder turns into ``str``, not orjson's ``bytes``."""


class SubscriptionsOnlySSE(SSETransport):
    """graphql-sse's distinct-connections mode, for subscriptions: a query or mutation has
    its answer over plain HTTP, where it holds a connection for one request only."""

    def allowed_operation_types(
        self, allowed_operation_types: set[OperationType]
    ) -> Iterable[OperationType]:
        return (OperationType.SUBSCRIPTION,)


class CoopgraphRouter(GraphQLRouter[Context, None]):
    stream_transport_classes_by_protocol: Mapping[str, type[HTTPStreamTransport]] = {
        MULTIPART_SUBSCRIPTION_PROTOCOL: MultipartSubscriptionTransport,
        GRAPHQL_SSE_PROTOCOL: SubscriptionsOnlySSE,
    }
    websocket_adapter_class = TextFrames

    def __init__(
        self, *args: Any, persisted: PersistedQueries, explorer_dir: Path, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.persisted = persisted
        self.explorer_dir = explorer_dir
        self._serve_plain_http()

    def _serve_plain_http(self) -> None:
        """GET and POST without FastAPI's dependency injection: solving the route's four
        dependencies (the context, the request, the response, the root value) for every
        request was a fifth of a one-row query's CPU. ``GraphQLOverHttp`` makes the same
        context and releases its connection once the answer is sent, as the dependency did;
        WebSockets keep FastAPI's route. (Starlette adds HEAD to a GET route.)"""
        path = self.prefix
        self.routes = [
            route
            for route in self.routes
            if not (isinstance(route, APIRoute) and {"GET", "POST"} & (route.methods or set()))
        ]
        self.routes.insert(0, Route(path, GraphQLOverHttp(self), methods=["GET", "POST"]))

    async def get_sub_response(self, request: Request) -> Response:
        sub_response: Response = request.state.sub_response
        return sub_response

    def encode_json(self, data: object) -> bytes | str:
        """orjson writes a large answer several times faster than the standard library."""
        if isinstance(data, _AsText):
            return orjson.dumps(data).decode()
        return orjson.dumps(data)

    def decode_json(self, data: str | bytes) -> object:
        return decode_client_json(data)

    def parse_json(self, data: str | bytes) -> Any:
        """Strawberry says only "Unable to parse"; the client is told which bound it broke.

        A request body (the one caller passing bytes) must be an object, or a list for a
        batch: Strawberry reads its fields with ``.get`` and raised ``AttributeError`` (a
        500) on ``"text"``, ``5`` or ``null``. GET's ``variables`` and ``extensions``
        arrive as text, and Strawberry checks their types itself."""
        try:
            value = decode_client_json(data)
        except RefusedJson as error:
            raise HTTPException(400, error.reason) from error
        if isinstance(data, bytes) and not isinstance(value, dict | list):
            raise HTTPException(400, _NOT_AN_OBJECT)
        return value

    async def parse_multipart(self, request: AsyncHTTPRequestAdapter) -> dict[str, str]:
        operations = await super().parse_multipart(request)
        if not isinstance(operations, dict | list):
            raise HTTPException(400, _NOT_AN_OBJECT)
        return operations

    async def execute_single(
        self,
        request: Any,
        request_adapter: AsyncHTTPRequestAdapter,
        sub_response: Any,
        context: Context,
        root_value: None,
        request_data: GraphQLRequestData,
    ) -> ExecutionResult:
        """A plain HTTP request runs a query, or a mutation sent by POST; a subscription is
        refused naming the transports that serve it, a mutation by GET answers 405."""
        known = await answer_known_query(
            self.schema,
            context,
            request_data.query,
            request_data.operation_name,
            request_data.variables,
        )
        if known is not None:
            return ExecutionResult(data=known, errors=None)
        method = request_adapter.method
        allowed = {OperationType.QUERY}
        if method == "POST":
            allowed.add(OperationType.MUTATION)
        try:
            return await self.schema.execute(
                request_data.query,
                root_value=root_value,
                variable_values=request_data.variables,
                context_value=context,
                operation_name=request_data.operation_name,
                allowed_operation_types=allowed,
                operation_extensions=request_data.extensions,
            )
        except CannotGetOperationTypeError as error:
            raise HTTPException(400, error.as_http_error_reason()) from error
        except InvalidOperationTypeError as error:
            if error.operation_type is OperationType.SUBSCRIPTION:
                raise HTTPException(400, SUBSCRIPTION_TRANSPORTS) from error
            raise HTTPException(405, "Mutations are sent by POST.") from error
        except MissingQueryError as error:
            raise HTTPException(400, "No GraphQL query found in the request") from error

    async def process_result(
        self, request: Request, result: ExecutionResult
    ) -> GraphQLHTTPResponse:
        response = await super().process_result(request, result)
        if (
            request.scope["type"] == "http"
            and wants_graphql_response(request.headers)
            and is_request_error(response)
        ):
            # No `data` entry: the request never ran, which `data: null` would not say.
            del response["data"]
            request.state.graphql_request_error = True
        return response

    async def parse_http_body(
        self, request: AsyncHTTPRequestAdapter
    ) -> GraphQLRequestData | list[GraphQLRequestData]:
        data = await super().parse_http_body(request)
        if isinstance(data, list):
            return [self.persisted.resolve(item) for item in data]
        return self.persisted.resolve(data)

    async def run(self, request: Any, context: Any = UNSET, root_value: Any = UNSET) -> Any:
        if request.scope["type"] != "http":
            return await super().run(request, context=context, root_value=root_value)
        graphql_response = wants_graphql_response(request.headers)
        try:
            response = await super().run(request, context=context, root_value=root_value)
        except PersistedQueryError as error:
            response = error_response(200, error.message, error.code)
        except HTTPException as error:
            code = _HTTP_ERROR_CODES.get(error.status_code, "BAD_REQUEST")
            headers = {"Allow": "POST"} if error.status_code == 405 else None
            response = error_response(error.status_code, error.reason, code, headers=headers)
            if graphql_response:
                response = _without_data(response)
            request.state.graphql_request_error = True
        if (
            graphql_response
            and not isinstance(response, StreamingResponse)
            and response.headers.get("content-type", "").startswith("application/json")
        ):
            response.headers["content-type"] = GRAPHQL_RESPONSE
            if (
                getattr(request.state, "graphql_request_error", False)
                and response.status_code == 200
            ):
                response.status_code = 400
        return response

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
        """The GraphiQL page built with the explorer (``explorer/graphiql/``), opening on the
        example query: its scripts come from this service, not from a CDN."""
        page = self.explorer_dir / "graphiql" / "index.html"
        if not page.is_file():
            return _NOT_BUILT
        query = json.dumps(EXAMPLE_QUERY.read_text(encoding="utf-8")).replace("</", "<\\/")
        return _EXAMPLE.sub(
            lambda _: f'<script type="application/json" id="example-query">{query}</script>',
            page.read_text(encoding="utf-8"),
            count=1,
        )


class GraphQLOverHttp:
    """The router's HTTP endpoint as a plain ASGI app (see ``_serve_plain_http``)."""

    def __init__(self, router: CoopgraphRouter) -> None:
        self.router = router
        self.context = asynccontextmanager(get_context)
        self.kept = KeptAnswers(router.schema)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["method"] == "HEAD":
            # What a ``GET /graphql`` from a browser answers, without the page: monitors
            # and link checkers ask this way.
            await Response(media_type="text/html")(scope, receive, send)
            return
        request = Request(scope, receive, send)
        if scope["method"] == "POST":
            kept = await self.kept.answer(request)
            if kept is not None:
                await kept(scope, receive, send)
                return
        # What FastAPI's ``Response`` dependency is: headers and a status to merge in.
        sub_response = Response()
        del sub_response.headers["content-length"]
        sub_response.status_code = None  # type: ignore[assignment]
        async with self.context(request) as context:
            context.request = request
            context.background_tasks = BackgroundTasks()
            context.response = request.state.sub_response = sub_response
            try:
                response = await self.router.run(request, context=context, root_value=None)
            except HTTPException as error:
                response = PlainTextResponse(error.reason, status_code=error.status_code)
            await response(scope, receive, send)


def _without_data(response: Response) -> Response:
    body = orjson.loads(bytes(response.body))
    body.pop("data", None)
    headers = {k: v for k, v in response.headers.items() if k.lower() != "content-length"}
    return Response(orjson.dumps(body), response.status_code, headers=headers)


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
    router = CoopgraphRouter(
        build_schema(limits),
        prefix="/graphql",
        persisted=PersistedQueries(allowed=registered_operations() if only_registered else None),
        explorer_dir=settings.explorer_dir,
        # A generator context getter is a FastAPI dependency with clean-up: the connection is
        # returned to the pool once the answer is sent. Strawberry's hint omits that form.
        context_getter=get_context,
        graphql_ide=None if only_registered else "graphiql",
        multipart_uploads_enabled=True,  # importIati; see schema/mutations/iati.py on CSRF
        subscription_protocols=[]
        if only_registered
        else [
            GRAPHQL_TRANSPORT_WS_PROTOCOL,
            GRAPHQL_WS_PROTOCOL,
            GRAPHQL_SSE_PROTOCOL,
            MULTIPART_SUBSCRIPTION_PROTOCOL,
        ],
        max_subscriptions_per_connection=settings.max_subscriptions_per_connection,
        # Browsers apply no CORS to a WebSocket handshake: the origins CORS allows are
        # the ones that may open one (the page's own origin always may).
        allowed_origins=settings.cors_origins,
    )
    return router
