"""The floor behind HTTP: each question's one SQL statement (``bench/queries/qN.sql``)
behind a minimal Starlette endpoint on uvicorn, the same server stack coopgraph runs on.

``POST /qN`` with ``{"args": [...]}`` answers the statement's JSON as it comes from
PostgreSQL. What coopgraph costs beyond this is GraphQL, resolvers, loaders and its own
statements; what this costs beyond the bare statement is HTTP and the event loop.

    .venv/bin/python bench/floor_app.py --database-url URL --port P
"""

import argparse
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import asyncpg
import uvicorn
from answers import load_questions, parse
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route


def create_app(dsn: str, pool_size: int) -> Starlette:
    statements = {q.name: q.sql for q in load_questions()}
    pool: Any = None

    @asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        nonlocal pool
        pool = await asyncpg.create_pool(dsn, min_size=pool_size, max_size=pool_size)
        yield
        await pool.close()

    async def answer(request: Request) -> Response:
        args = parse(await request.body())["args"]
        text = await pool.fetchval(statements[request.path_params["name"]], *args)
        return Response(text, media_type="application/json")

    return Starlette(routes=[Route("/{name}", answer, methods=["POST"])], lifespan=lifespan)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True, help="a postgresql:// URL for asyncpg")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--pool-size", type=int, default=10, help="as coopgraph's default pool")
    args = parser.parse_args()
    app = create_app(args.database_url, args.pool_size)
    uvicorn.run(app, host="127.0.0.1", port=args.port, log_level="warning", access_log=False)


if __name__ == "__main__":
    main()
