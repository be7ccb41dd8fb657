"""A query whose statement is kept, sent by POST without a key, answered beside Strawberry's
HTTP view: the body decoded, the statement looked up by its text and variables, run, and its
JSON sent.

For a one-row lookup the view's work around the statement was most of the request's CPU:
parsing the content type, building the request data and a GraphQL context, opening a
SQLAlchemy connection through the context getter, then building a response from an
``ExecutionResult``. None of it changes what a kept statement answers: the statement is
kept only for a text that passed parsing, validation and the limits (see
``schema.extensions.compiled_reads``), for an anonymous reader here. The middleware (request
ids, metrics and the access log, rate limits, CORS, compression, the body limit) runs around
this as around the view.

Anything else takes the view, which answers it as before, errors included: a key
(``Authorization``), a persisted-query hash or other extensions, a body that is not a JSON
object of the three request fields, a query whose statement is not kept, a statement that
fails or does not answer plainly (a ``node`` that is not there). The view reads the body
Starlette kept, so nothing is read twice from the client.
"""

from typing import Any

import orjson
from starlette.requests import Request
from starlette.responses import Response
from strawberry.schema.base import BaseSchema

from schema.extensions.compiled_reads import kept_statement, read_kept, reader_for
from service.http.graphql_media import GRAPHQL_RESPONSE, JSON, wants_graphql_response
from service.http.request_json import RefusedJson, decode_client_json
from service.settings import Settings

_REQUEST_FIELDS = frozenset({"query", "variables", "operationName"})


class KeptAnswers:
    def __init__(self, schema: BaseSchema) -> None:
        self.schema = schema

    async def answer(self, request: Request) -> Response | None:
        """The answer, or ``None`` where the view is to answer (see the module's docstring)."""
        headers = request.headers
        if (
            "authorization" in headers
            or headers.get("content-type", "").partition(";")[0].strip().lower() != JSON
            or "text/event-stream" in headers.get("accept", "")
            or "multipart/mixed" in headers.get("accept", "")
        ):
            return None
        try:
            body: Any = decode_client_json(await request.body())
        except RefusedJson:
            return None
        if not isinstance(body, dict) or not body.keys() <= _REQUEST_FIELDS:
            return None
        settings: Settings = request.app.state.settings
        rendered = kept_statement(
            self.schema,
            settings,
            reader_for(settings, None),
            body.get("query"),
            body.get("operationName"),
            body.get("variables"),
        )
        if rendered is None:
            return None
        data = await read_kept(rendered, request.app.state.read_connections.fetch_json)
        if data is None:
            return None
        request.scope.setdefault("state", {})["operation"] = rendered.operation
        media = GRAPHQL_RESPONSE if wants_graphql_response(headers) else JSON
        return Response(orjson.dumps({"data": data}), media_type=media)
