"""The GraphQL endpoint: Strawberry's FastAPI router, with GraphiQL opening on an example."""

import json
import re
from collections.abc import AsyncIterator
from functools import cached_property
from pathlib import Path
from typing import Any

from cross_web import HTTPException
from fastapi import Request
from fastapi.responses import JSONResponse
from sqlalchemy.ext.asyncio import AsyncConnection
from strawberry.fastapi import GraphQLRouter
from strawberry.types.unset import UNSET

from db.api_keys import authenticate
from db.enums import KeyScope
from schema.build import schema
from schema.context import Context, Principal

EXAMPLE_QUERY = Path(__file__).parent.parent / "schema" / "examples" / "koica_projects.graphql"
_EXAMPLE = re.compile(r"const EXAMPLE_QUERY = `.*?`;", re.DOTALL)


async def get_context(request: Request) -> AsyncIterator[Context]:
    connections = request.app.state.connections
    async with connections.connect() as conn:
        principal, bad_credentials = await _principal(conn, request.headers.get("authorization"))
        yield Context(
            conn,
            request.app.state.settings,
            principal=principal,
            bad_credentials=bad_credentials,
            commit_writes=connections.commits,
        )


async def _principal(conn: AsyncConnection, header: str | None) -> tuple[Principal | None, bool]:
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


class CoopgraphRouter(GraphQLRouter[Context, None]):
    async def run(self, request: Any, context: Any = UNSET, root_value: Any = UNSET) -> Any:
        try:
            return await super().run(request, context=context, root_value=root_value)
        except HTTPException as error:
            code = _HTTP_ERROR_CODES.get(error.status_code, "BAD_REQUEST")
            return JSONResponse(
                {"data": None, "errors": [{"message": error.reason, "extensions": {"code": code}}]},
                status_code=error.status_code,
            )

    @cached_property
    def graphql_ide_html(self) -> str:
        html = super().graphql_ide_html
        query = EXAMPLE_QUERY.read_text(encoding="utf-8")
        return _EXAMPLE.sub(lambda _: f"const EXAMPLE_QUERY = {json.dumps(query)};", html, count=1)


def graphql_router() -> CoopgraphRouter:
    # A generator context getter is a FastAPI dependency with clean-up: the connection is
    # returned to the pool once the answer is sent. Strawberry's hint omits that form.
    return CoopgraphRouter(
        schema,
        context_getter=get_context,  # type: ignore[arg-type]
        graphql_ide="graphiql",
        multipart_uploads_enabled=True,  # importIati; see schema/mutations/iati.py on CSRF
    )
