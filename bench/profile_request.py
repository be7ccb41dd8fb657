"""Where a request's CPU goes: one benchmark question asked many times of the app in this
process (the whole ASGI stack, middleware to database and back, without uvicorn's socket
work), under cProfile.

    .venv/bin/python bench/profile_request.py --question q3 [--scale 1] [--requests 300]
        [--resolvers] [--sort tottime] [--only "service/|strawberry"] [--callers to_thread]

It reads the scale's benchmark database (``bench/generate.py`` makes it); ``--resolvers``
profiles the resolver path instead of the compiled one.
"""

import argparse
import asyncio
import cProfile
import json
import pstats
import sys
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).parent))

import asyncpg
from answers import PARAMETERS, load_questions, pick_parameters, used_variables
from generate import database_name
from scratch import REPO, Server
from systems import asyncpg_dsn

sys.path.insert(0, str(REPO))

from service.app import create_app
from service.settings import Settings


async def profile(
    question: str, url: str, requests: int, resolvers: bool, sort: str, only: str, callers: str
) -> None:
    settings = Settings(
        _env_file=None,
        database_url=url,
        seed_on_start=False,
        compiled_reads=not resolvers,
        rate_limit_per_address="1000000000/minute",
        log_format="text",
    )
    app = create_app(settings)
    [asked] = [q for q in load_questions() if q.name == question]
    connection = await asyncpg.connect(asyncpg_dsn(url))
    try:
        parameters = pick_parameters(await connection.fetchrow(PARAMETERS))
    finally:
        await connection.close()
    variables = used_variables(asked.coopgraph, parameters.coopgraph_variables())
    body = {"query": asked.coopgraph, "variables": variables}
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
            for _ in range(20):
                answer = (await client.post("/graphql", json=body)).json()
            assert "errors" not in answer, json.dumps(answer)[:500]
            profiler = cProfile.Profile()
            started = time.perf_counter()
            profiler.enable()
            for _ in range(requests):
                await client.post("/graphql", json=body)
            profiler.disable()
            elapsed = time.perf_counter() - started
    print(f"{question}: {1000 * elapsed / requests:.1f} ms per request under the profiler")

    stats = pstats.Stats(profiler).sort_stats(sort)
    stats.print_stats(only, 60)
    if callers:
        stats.print_callers(callers)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--question", default="q1")
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--resolvers", action="store_true")
    parser.add_argument("--sort", default="cumulative", choices=["cumulative", "tottime"])
    parser.add_argument("--only", default="", help="a regular expression: list only these")
    parser.add_argument("--callers", default="", help="a regular expression: show their callers")
    args = parser.parse_args()
    url = Server().url(database_name(args.scale, args.seed))
    asyncio.run(
        profile(
            args.question,
            url,
            args.requests,
            args.resolvers,
            args.sort,
            args.only,
            args.callers,
        )
    )


if __name__ == "__main__":
    main()
