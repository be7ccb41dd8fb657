"""The floors behind HTTP: each question's one SQL statement (``bench/queries/qN.sql``)
behind the thinnest server of each kind, on uvicorn as coopgraph runs.

- ``--kind http``: a minimal Starlette endpoint. ``POST /qN`` with ``{"args": [...]}``
  answers the statement's JSON as it comes from PostgreSQL. What this costs beyond the bare
  statement is HTTP and the event loop.
- ``--kind graphql``: Strawberry on FastAPI, the stack coopgraph is built on, with a schema of
  one field, ``answer(name: "qN", args: [...])``, whose resolver returns the statement's
  JSON (read and written with orjson, as coopgraph does) and Strawberry's own parser and
  validation caches. What this costs beyond the Starlette floor is what any service on this
  stack pays for a GraphQL request, before its own work: a floor for coopgraph's latency.

    .venv/bin/python bench/floor_app.py --database-url URL --port P [--kind graphql]
"""

import argparse
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import asyncpg
import orjson
import strawberry
import uvicorn
from answers import load_questions, parse
from fastapi import FastAPI
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from strawberry.extensions import ParserCache, ValidationCache
from strawberry.fastapi import GraphQLRouter
from strawberry.scalars import JSON

GRAPHQL_DOCUMENT = (
    "query Floor($name: String!, $args: [JSON!]!) { answer(name: $name, args: $args) }"
)
"""What the benchmark sends to the GraphQL floor, with the question's name and arguments."""


def pool_lifespan(
    dsn: str, pool_size: int, codec: bool
) -> tuple[Callable[[Any], Any], Callable[[], Any]]:
    """A lifespan opening an asyncpg pool, and a getter for it (once started)."""
    pools: list[Any] = []

    async def setup(connection: Any) -> None:
        await connection.set_type_codec(
            "json", encoder=orjson.dumps, decoder=orjson.loads, schema="pg_catalog"
        )

    @asynccontextmanager
    async def lifespan(_: Any) -> AsyncIterator[None]:
        pool = await asyncpg.create_pool(
            dsn, min_size=pool_size, max_size=pool_size, init=setup if codec else None
        )
        pools.append(pool)
        yield
        await pool.close()

    return lifespan, lambda: pools[0]


def create_http_app(dsn: str, pool_size: int) -> Starlette:
    statements = {q.name: q.sql for q in load_questions()}
    lifespan, pool = pool_lifespan(dsn, pool_size, codec=False)

    async def answer(request: Request) -> Response:
        args = parse(await request.body())["args"]
        text = await pool().fetchval(statements[request.path_params["name"]], *args)
        return Response(text, media_type="application/json")

    return Starlette(routes=[Route("/{name}", answer, methods=["POST"])], lifespan=lifespan)


class OrjsonRouter(GraphQLRouter[None, None]):
    def encode_json(self, data: object) -> bytes:
        return orjson.dumps(data)


def create_graphql_app(dsn: str, pool_size: int) -> FastAPI:
    statements = {q.name: q.sql for q in load_questions()}
    lifespan, pool = pool_lifespan(dsn, pool_size, codec=True)

    @strawberry.type
    class Query:
        @strawberry.field
        async def answer(self, name: str, args: list[JSON]) -> JSON:
            answer: JSON = await pool().fetchval(statements[name], *args)
            return answer

    schema = strawberry.Schema(
        query=Query, extensions=[lambda: ParserCache(maxsize=256), ValidationCache]
    )
    app = FastAPI(lifespan=lifespan)
    app.include_router(OrjsonRouter(schema, graphql_ide=None), prefix="/graphql")
    return app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True, help="a postgresql:// URL for asyncpg")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--pool-size", type=int, default=10, help="as coopgraph's default pool")
    parser.add_argument("--kind", choices=("http", "graphql"), default="http")
    args = parser.parse_args()
    create = create_graphql_app if args.kind == "graphql" else create_http_app
    app = create(args.database_url, args.pool_size)
    uvicorn.run(app, host="127.0.0.1", port=args.port, log_level="warning", access_log=False)


if __name__ == "__main__":
    main()
